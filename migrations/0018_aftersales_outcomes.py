from tortoise import migrations
from tortoise.migrations import operations as ops
from models.logistics import ShipmentPurpose
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('shopgraph', '0017_membership_terms')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Case',
            name='next_reply_due',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Case',
            name='next_due_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Case',
            name='sla_alerts',
            field=fields.JSONField(default=list, db_default=[], encoder=JSON_DUMPS, decoder=loads),
        ),
        ops.AddField(
            model_name='Case',
            name='next_alert_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Case',
            name='return_shipment_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Case',
            name='outbound_shipment_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Case',
            name='replacement_order_id',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Case',
            name='exchange_difference',
            field=fields.DecimalField(null=True, max_digits=12, decimal_places=2),
        ),
        ops.AddIndex(model_name='Case', index=Index(fields=['next_due_at', 'id'])),
        ops.AddIndex(model_name='Case', index=Index(fields=['next_alert_at'])),
        ops.AddIndex(model_name='Case', index=Index(fields=['created_at'])),
        ops.AddField(
            model_name='Shipment',
            name='purpose',
            field=fields.CharEnumField(default=ShipmentPurpose.ORDER, db_default=ShipmentPurpose.ORDER, description='ORDER: order\nRETURN: return\nREPAIR: repair', enum_type=ShipmentPurpose, max_length=8),
        ),
    ]
