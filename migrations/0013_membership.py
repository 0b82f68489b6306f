from tortoise import migrations
from tortoise.migrations import operations as ops
from models.membership import EntryKind, RuleKind, ShortfallPolicy, TierWindow
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('shopgraph', '0012_logistics')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MembershipProgram',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('point_values', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('min_redeem', fields.IntField(default=100)),
                ('max_share', fields.DecimalField(default=0.5, max_digits=4, decimal_places=3)),
                ('pending_days', fields.IntField(default=14)),
                ('expiry_days', fields.IntField(default=365)),
                ('expiring_notice_days', fields.IntField(default=30)),
                ('shortfall_policy', fields.CharEnumField(default=ShortfallPolicy.NEGATIVE_BALANCE, description='NEGATIVE_BALANCE: negative_balance\nREDUCE_REFUND: reduce_refund', enum_type=ShortfallPolicy, max_length=20)),
                ('tier_window', fields.CharEnumField(default=TierWindow.ROLLING_12_MONTHS, description='ROLLING_12_MONTHS: rolling_12_months\nCALENDAR_YEAR: calendar_year', enum_type=TierWindow, max_length=20)),
                ('downgrade_grace_days', fields.IntField(default=30)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'membership_program', 'app': 'shopgraph', 'pk_attr': 'id', 'table_description': 'The program terms (one row, id 1), set by staff.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Tier',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=80)),
                ('rank', fields.IntField(unique=True)),
                ('threshold', fields.DecimalField(default=0, max_digits=12, decimal_places=2)),
                ('discount_percent', fields.DecimalField(default=0, max_digits=5, decimal_places=2)),
                ('discount_category_ids', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('free_delivery_from', fields.DecimalField(null=True, max_digits=12, decimal_places=2)),
                ('points_multiplier', fields.DecimalField(default=1, max_digits=5, decimal_places=2)),
                ('early_flash_hours', fields.IntField(default=0)),
                ('birthday_coupon_percent', fields.DecimalField(default=0, max_digits=5, decimal_places=2)),
                ('aftersales_priority', fields.IntField(default=0)),
                ('is_active', fields.BooleanField(default=True)),
            ],
            options={'table': 'membership_tier', 'app': 'shopgraph', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EarningRule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='PURCHASE: purchase\nSIGNUP: signup\nFIRST_REVIEW: first_review\nREVIEW_PHOTO: review_photo\nACCEPTED_ANSWER: accepted_answer\nBIRTHDAY: birthday\nREFERRAL: referral', enum_type=RuleKind, max_length=20)),
                ('name', fields.CharField(max_length=120)),
                ('points_per_unit', fields.DecimalField(default=0, max_digits=8, decimal_places=2)),
                ('points', fields.IntField(default=0)),
                ('tier_multipliers', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'membership_earning_rule', 'app': 'shopgraph', 'indexes': [Index(fields=['kind', 'starts_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberAccount',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.OneToOneField('shopgraph.User', source_field='user_id', db_constraint=True, to_field='id', related_name='member_account', on_delete=OnDelete.CASCADE)),
                ('debt', fields.IntField(default=0)),
                ('tier', fields.ForeignKeyField('shopgraph.Tier', source_field='tier_id', null=True, db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.SET_NULL)),
                ('tier_since', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('tier_review_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'member_account', 'app': 'shopgraph', 'pk_attr': 'id', 'table_description': "One member standing: its row is the lock every points change of the member takes."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PointsLot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('shopgraph.User', source_field='user_id', db_constraint=True, to_field='id', related_name='points_lots', on_delete=OnDelete.CASCADE)),
                ('points', fields.IntField()),
                ('remaining', fields.IntField()),
                ('reversed', fields.IntField(default=0)),
                ('expired', fields.IntField(default=0)),
                ('rule', fields.ForeignKeyField('shopgraph.EarningRule', source_field='rule_id', null=True, db_constraint=True, to_field='id', related_name='lots', on_delete=OnDelete.SET_NULL)),
                ('multiplier', fields.DecimalField(default=1, max_digits=5, decimal_places=2)),
                ('reference', fields.CharField(default='', max_length=80)),
                ('order_id', fields.IntField(null=True)),
                ('order_line_id', fields.IntField(null=True)),
                ('quantity', fields.IntField(default=0)),
                ('available_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expiring_notified', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'points_lot', 'app': 'shopgraph', 'indexes': [Index(fields=['user_id', 'expires_at']), Index(fields=['order_id']), Index(fields=['expires_at', 'remaining'])], 'pk_attr': 'id', 'table_description': 'Points earned together, with one expiry: `remaining` is what can still be spent.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PointsEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('shopgraph.User', source_field='user_id', db_constraint=True, to_field='id', related_name='points_entries', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='EARN: earn\nSPEND: spend\nRESTORE: restore\nREVERSE: reverse\nEXPIRE: expire\nADJUST: adjust\nSHORTFALL: shortfall', enum_type=EntryKind, max_length=12)),
                ('points', fields.IntField()),
                ('idempotency_key', fields.CharField(unique=True, max_length=120)),
                ('actor', fields.CharField(default='system', max_length=64)),
                ('reason', fields.CharField(default='', max_length=300)),
                ('reference', fields.CharField(default='', max_length=80)),
                ('order_id', fields.IntField(null=True)),
                ('value', fields.DecimalField(null=True, max_digits=12, decimal_places=2)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'points_entry', 'app': 'shopgraph', 'indexes': [Index(fields=['user_id', 'created_at']), Index(fields=['order_id'])], 'pk_attr': 'id', 'table_description': 'One ledger line, never updated or deleted: its key makes a replay change nothing.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PointsAllocation',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('entry', fields.ForeignKeyField('shopgraph.PointsEntry', source_field='entry_id', db_constraint=True, to_field='id', related_name='allocations', on_delete=OnDelete.CASCADE)),
                ('lot', fields.ForeignKeyField('shopgraph.PointsLot', source_field='lot_id', db_constraint=True, to_field='id', related_name='allocations', on_delete=OnDelete.CASCADE)),
                ('points', fields.IntField()),
            ],
            options={'table': 'points_allocation', 'app': 'shopgraph', 'pk_attr': 'id', 'table_description': 'How many points one entry took from (negative) or gave to (positive) one lot.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='QualifyingSpend',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('shopgraph.User', source_field='user_id', db_constraint=True, to_field='id', related_name='qualifying_spend', on_delete=OnDelete.CASCADE)),
                ('amount', fields.DecimalField(max_digits=12, decimal_places=2)),
                ('key', fields.CharField(unique=True, max_length=120)),
                ('order_id', fields.IntField(null=True)),
                ('order_line_id', fields.IntField(null=True)),
                ('quantity', fields.IntField(default=0)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'qualifying_spend', 'app': 'shopgraph', 'indexes': [Index(fields=['user_id', 'occurred_at'])], 'pk_attr': 'id', 'table_description': 'Goods paid (or, negative, refunded) that count towards a tier.'},
            bases=['Model'],
        ),
    ]
