from tortoise import migrations
from tortoise.migrations import operations as ops
from models.aftersales import CaseKind, CasePriority, CaseReason, CaseStatus, DeclineReason, InspectionResult, MessageAuthor
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('shopgraph', '0013_membership')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Case',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=32)),
                ('kind', fields.CharEnumField(description='RETURN: return\nEXCHANGE: exchange\nREPAIR: repair\nCOMPLAINT: complaint\nINQUIRY: inquiry', enum_type=CaseKind, max_length=16)),
                ('status', fields.CharEnumField(description='REQUESTED: requested\nAPPROVED: approved\nDECLINED: declined\nAWAITING_ITEMS: awaiting_items\nRECEIVED: received\nREFUNDED: refunded\nEXCHANGED: exchanged\nREPAIRED: repaired\nRESOLVED: resolved\nNEW: new\nOPEN: open\nWAITING_ON_CUSTOMER: waiting_on_customer\nSOLVED: solved\nCLOSED: closed', enum_type=CaseStatus, max_length=24)),
                ('customer', fields.ForeignKeyField('shopgraph.User', source_field='customer_id', db_constraint=True, to_field='id', related_name='cases', on_delete=OnDelete.CASCADE)),
                ('order', fields.ForeignKeyField('shopgraph.Order', source_field='order_id', null=True, db_constraint=True, to_field='id', related_name='cases', on_delete=OnDelete.SET_NULL)),
                ('shipment_id', fields.IntField(null=True)),
                ('reason', fields.CharEnumField(description='DEFECTIVE: defective\nDAMAGED_IN_TRANSIT: damaged_in_transit\nMISSING_PARTS: missing_parts\nNOT_AS_DESCRIBED: not_as_described\nWRONG_ITEM: wrong_item\nSIZE_OR_AGE: size_or_age\nUNWANTED: unwanted\nSAFETY_CONCERN: safety_concern\nLATE_DELIVERY: late_delivery\nOTHER: other', enum_type=CaseReason, max_length=24)),
                ('reason_note', fields.CharField(default='', max_length=500)),
                ('description', fields.TextField(default='', unique=False)),
                ('photo_urls', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('priority', fields.CharEnumField(default=CasePriority.NORMAL, description='LOW: low\nNORMAL: normal\nHIGH: high\nURGENT: urgent', enum_type=CasePriority, max_length=8)),
                ('assignee', fields.ForeignKeyField('shopgraph.User', source_field='assignee_id', null=True, db_constraint=True, to_field='id', related_name='assigned_cases', on_delete=OnDelete.SET_NULL)),
                ('tags', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('decline_reason', fields.CharEnumField(null=True, description='OUTSIDE_RETURN_WINDOW: outside_return_window\nFINAL_SALE: final_sale\nOTHER: other', enum_type=DeclineReason, max_length=24)),
                ('decline_note', fields.CharField(default='', max_length=500)),
                ('refund_amount', fields.DecimalField(null=True, max_digits=12, decimal_places=2)),
                ('first_response_due', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolution_due', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('first_responded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('waiting_since', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('breached_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('solved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('rating', fields.SmallIntField(null=True)),
                ('rating_comment', fields.CharField(default='', max_length=2000)),
                ('rated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'aftersales_case', 'app': 'shopgraph', 'indexes': [Index(fields=['customer_id', 'created_at']), Index(fields=['status', 'priority']), Index(fields=['order_id']), Index(fields=['solved_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CaseLine',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('shopgraph.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.CASCADE)),
                ('order_line', fields.ForeignKeyField('shopgraph.OrderLine', source_field='order_line_id', db_constraint=True, to_field='id', related_name='case_lines', on_delete=OnDelete.CASCADE)),
                ('quantity', fields.IntField()),
                ('inspection', fields.CharEnumField(null=True, description='RESTOCK: restock\nDO_NOT_RESTOCK: do_not_restock\nMISSING: missing', enum_type=InspectionResult, max_length=16)),
                ('inspection_note', fields.CharField(default='', max_length=500)),
                ('inspected_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('restocked', fields.BooleanField(default=False)),
            ],
            options={'table': 'aftersales_case_line', 'app': 'shopgraph', 'unique_together': (('case', 'order_line'),), 'pk_attr': 'id', 'table_description': 'An order line the case is about, with how many units.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CaseMessage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('shopgraph.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('author', fields.CharEnumField(description='CUSTOMER: customer\nSTAFF: staff\nSYSTEM: system', enum_type=MessageAuthor, max_length=10)),
                ('author_user_id', fields.IntField(null=True)),
                ('body', fields.TextField(unique=False)),
                ('attachment_urls', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('internal', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'aftersales_case_message', 'app': 'shopgraph', 'indexes': [Index(fields=['case_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CaseTimelineEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('case', fields.ForeignKeyField('shopgraph.Case', source_field='case_id', db_constraint=True, to_field='id', related_name='timeline', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=40)),
                ('from_status', fields.CharField(null=True, max_length=24)),
                ('to_status', fields.CharField(null=True, max_length=24)),
                ('actor', fields.CharField(default='system', max_length=60)),
                ('data', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'aftersales_case_timeline', 'app': 'shopgraph', 'indexes': [Index(fields=['case_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'One change of a case: status moves, assignment, tags, priority, inspections.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Product',
            name='is_returnable',
            field=fields.BooleanField(default=True, db_default=True),
        ),
    ]
