from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index
from models.membership import TierBasis, WithholdingStatus

class Migration(migrations.Migration):
    dependencies = [('shopgraph', '0021_aftersales_followup')]

    initial = False

    operations = [
        ops.AddField(
            model_name='MembershipProgram',
            name='tier_basis',
            field=fields.CharEnumField(default=TierBasis.SPEND, db_default=TierBasis.SPEND, description='SPEND: spend\nPOINTS: points', enum_type=TierBasis, max_length=12),
        ),
        ops.AddField(
            model_name='PointsLot',
            name='earned_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        # Lots earned before they carried the time were stamped as they were written.
        ops.RunSQL('UPDATE points_lot SET earned_at = created_at', reverse_sql='SELECT 1'),
        ops.AddIndex(
            model_name='PointsLot',
            index=Index(fields=['user_id', 'earned_at']),
        ),
        ops.AddField(
            model_name='Tier',
            name='threshold_points',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.CreateModel(
            name='PointsWithholding',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('shopgraph.User', source_field='user_id', db_constraint=True, to_field='id', related_name='points_withholdings', on_delete=OnDelete.CASCADE)),
                ('order_id', fields.IntField()),
                ('key', fields.CharField(unique=True, max_length=120)),
                ('status', fields.CharEnumField(default=WithholdingStatus.PENDING, description='PENDING: pending\nAPPLIED: applied\nRELEASED: released', enum_type=WithholdingStatus, max_length=10)),
                ('extent_full', fields.BooleanField(default=False)),
                ('extent_share', fields.DecimalField(default=0, max_digits=12, decimal_places=8)),
                ('lots', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('shortfall', fields.IntField(default=0)),
                ('owed', fields.IntField(default=0)),
                ('value', fields.DecimalField(default=0, max_digits=12, decimal_places=2)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('settled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'points_withholding', 'app': 'shopgraph', 'indexes': [Index(fields=['order_id'])], 'pk_attr': 'id', 'table_description': "A refund's reversal of its order's points under REDUCE_REFUND, made before the payment"},
            bases=['Model'],
        ),
    ]
