from tortoise import migrations
from tortoise.migrations import operations as ops
from models.logistics import PushFormat, ShipmentStatus
from models.orders import OrderStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('shopgraph', '0011_webhooks')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Carrier',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=120)),
                ('tracking_url_template', fields.CharField(default='', max_length=500)),
                ('push_format', fields.CharEnumField(default=PushFormat.NATIVE, description='NATIVE: native\nAFTERSHIP: aftership\nEASYPOST: easypost\nTRACK17: 17track', enum_type=PushFormat, max_length=16)),
                ('signing_secret', fields.CharField(default='', max_length=200)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'carrier', 'app': 'shopgraph', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Shipment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order', fields.ForeignKeyField('shopgraph.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='shipments', on_delete=OnDelete.CASCADE)),
                ('carrier', fields.ForeignKeyField('shopgraph.Carrier', source_field='carrier_id', db_constraint=True, to_field='id', related_name='shipments', on_delete=OnDelete.RESTRICT)),
                ('service_level', fields.CharField(default='', max_length=60)),
                ('tracking_number', fields.CharField(null=True, max_length=64)),
                ('tracking_url', fields.CharField(default='', max_length=600)),
                ('label_url', fields.CharField(default='', max_length=600)),
                ('weight_grams', fields.IntField(null=True)),
                ('ship_date', fields.DateField()),
                ('status', fields.CharEnumField(default=ShipmentStatus.PENDING, description='PENDING: pending\nINFO_RECEIVED: info_received\nIN_TRANSIT: in_transit\nOUT_FOR_DELIVERY: out_for_delivery\nATTEMPTED_DELIVERY: attempted_delivery\nAVAILABLE_FOR_PICKUP: available_for_pickup\nDELIVERED: delivered\nEXCEPTION: exception\nRETURNING_TO_SENDER: returning_to_sender\nEXPIRED: expired\nCANCELLED: cancelled', enum_type=ShipmentStatus, max_length=24)),
                ('sub_status', fields.CharField(default='', max_length=60)),
                ('progress', fields.SmallIntField(default=0)),
                ('status_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('shipped_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('promised_from', fields.DateField(null=True)),
                ('promised_to', fields.DateField(null=True)),
                ('estimated_delivery', fields.DateField(null=True)),
                ('late_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'shipment', 'app': 'shopgraph', 'unique_together': (('carrier', 'tracking_number', 'ship_date'),), 'indexes': [Index(fields=['order_id']), Index(fields=['status', 'id']), Index(fields=['carrier_id', 'tracking_number']), Index(fields=['promised_to', 'late_at'])], 'pk_attr': 'id', 'table_description': 'One parcel of an order, with its lines, carrier, tracking and delivery promise.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DeliveryEstimate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shipment', fields.ForeignKeyField('shopgraph.Shipment', source_field='shipment_id', db_constraint=True, to_field='id', related_name='estimates', on_delete=OnDelete.CASCADE)),
                ('estimated_date', fields.DateField()),
                ('source', fields.CharField(max_length=32)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'delivery_estimate', 'app': 'shopgraph', 'pk_attr': 'id', 'table_description': "A carrier's estimated delivery date, recorded each time it changes."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ShipmentLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shipment', fields.ForeignKeyField('shopgraph.Shipment', source_field='shipment_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('order_line', fields.ForeignKeyField('shopgraph.OrderLine', source_field='order_line_id', db_constraint=True, to_field='id', related_name='shipment_lines', on_delete=OnDelete.CASCADE)),
                ('quantity', fields.IntField()),
            ],
            options={'table': 'shipment_line', 'app': 'shopgraph', 'unique_together': (('shipment', 'order_line'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TrackingEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('shipment', fields.ForeignKeyField('shopgraph.Shipment', source_field='shipment_id', db_constraint=True, to_field='id', related_name='tracking_events', on_delete=OnDelete.CASCADE)),
                ('dedupe_key', fields.CharField(max_length=64)),
                ('status', fields.CharEnumField(description='PENDING: pending\nINFO_RECEIVED: info_received\nIN_TRANSIT: in_transit\nOUT_FOR_DELIVERY: out_for_delivery\nATTEMPTED_DELIVERY: attempted_delivery\nAVAILABLE_FOR_PICKUP: available_for_pickup\nDELIVERED: delivered\nEXCEPTION: exception\nRETURNING_TO_SENDER: returning_to_sender\nEXPIRED: expired\nCANCELLED: cancelled', enum_type=ShipmentStatus, max_length=24)),
                ('sub_status', fields.CharField(default='', max_length=60)),
                ('carrier_code', fields.CharField(default='', max_length=60)),
                ('message', fields.CharField(default='', max_length=500)),
                ('city', fields.CharField(default='', max_length=120)),
                ('region', fields.CharField(default='', max_length=120)),
                ('country', fields.CharField(default='', max_length=2)),
                ('postal_code', fields.CharField(default='', max_length=20)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('source', fields.CharField(max_length=32)),
                ('applied', fields.BooleanField(default=False)),
            ],
            options={'table': 'tracking_event', 'app': 'shopgraph', 'unique_together': (('shipment', 'dedupe_key'),), 'pk_attr': 'id', 'table_description': "One entry of a shipment's timeline, kept even when it could not move the status."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='UnmatchedTracking',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('carrier_code', fields.CharField(max_length=32)),
                ('tracking_number', fields.CharField(max_length=64)),
                ('event', fields.JSONField(encoder=JSON_DUMPS, decoder=loads)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'unmatched_tracking', 'app': 'shopgraph', 'indexes': [Index(fields=['carrier_code', 'tracking_number']), Index(fields=['received_at'])], 'pk_attr': 'id', 'table_description': 'A pushed event whose tracking number no shipment carries yet, kept for later matching.'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Order',
            name='status',
            field=fields.CharEnumField(default=OrderStatus.UNPAID, description='UNPAID: unpaid\nPAID: paid\nFULFILLING: fulfilling\nPARTIALLY_SHIPPED: partially_shipped\nSHIPPED: shipped\nDELIVERED: delivered\nCOMPLETED: completed\nCANCELLED: cancelled\nREFUNDED: refunded\nPARTIALLY_REFUNDED: partially_refunded', enum_type=OrderStatus, max_length=24),
        ),
    ]
