from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index
from models.membership import ReferralStatus, RuleKind

class Migration(migrations.Migration):
    dependencies = [('shopgraph', '0015_feed_impressions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BirthdayReward',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('shopgraph.User', source_field='user_id', db_constraint=True, to_field='id', related_name='birthday_rewards', on_delete=OnDelete.CASCADE)),
                ('person', fields.CharField(max_length=32)),
                ('name', fields.CharField(default='', max_length=80)),
                ('year', fields.SmallIntField()),
                ('points', fields.IntField(default=0)),
                ('coupon_code', fields.CharField(null=True, max_length=40)),
                ('coupon_percent', fields.DecimalField(null=True, max_digits=5, decimal_places=2)),
                ('coupon_ends_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'membership_birthday_reward', 'app': 'shopgraph', 'unique_together': (('user', 'person', 'year'),), 'pk_attr': 'id', 'table_description': "One person's birthday reward in one year (the member's own, or a child profile's):"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MembershipAudit',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('staff_id', fields.IntField(null=True)),
                ('action', fields.CharField(max_length=40)),
                ('subject', fields.CharField(default='', max_length=80)),
                ('reason', fields.CharField(max_length=300)),
                ('changes', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'membership_audit', 'app': 'shopgraph', 'indexes': [Index(fields=['created_at'])], 'pk_attr': 'id', 'table_description': 'A staff change of the program (terms, rules, tiers): who, why, and what changed.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FirstOccasion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('shopgraph.User', source_field='user_id', db_constraint=True, to_field='id', related_name='first_occasions', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='PURCHASE: purchase\nSIGNUP: signup\nFIRST_REVIEW: first_review\nREVIEW_PHOTO: review_photo\nACCEPTED_ANSWER: accepted_answer\nBIRTHDAY: birthday\nREFERRAL: referral', enum_type=RuleKind, max_length=20)),
                ('reference', fields.CharField(max_length=80)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'membership_first_occasion', 'app': 'shopgraph', 'unique_together': (('user', 'kind'),), 'pk_attr': 'id', 'table_description': 'The first time a member did something a rule rewards once ("first_review"), recorded'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='MemberAccount',
            name='birth_day',
            field=fields.SmallIntField(null=True),
        ),
        ops.AddField(
            model_name='MemberAccount',
            name='birth_month',
            field=fields.SmallIntField(null=True),
        ),
        ops.AddIndex(
            model_name='MemberAccount',
            index=Index(fields=['birth_month', 'birth_day']),
        ),
        ops.CreateModel(
            name='Referral',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('referrer', fields.ForeignKeyField('shopgraph.User', source_field='referrer_id', db_constraint=True, to_field='id', related_name='referrals_made', on_delete=OnDelete.CASCADE)),
                ('friend', fields.OneToOneField('shopgraph.User', source_field='friend_id', db_constraint=True, to_field='id', related_name='referred_by', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(default=ReferralStatus.PENDING, description='PENDING: pending\nREWARDED: rewarded\nREFUSED: refused', enum_type=ReferralStatus, max_length=12)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'membership_referral', 'app': 'shopgraph', 'pk_attr': 'id', 'table_description': "A friend who signed up with a member's code: both earn when the friend's first order"},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='MemberAccount',
            name='referral_code',
            field=fields.CharField(null=True, unique=True, max_length=16),
        ),
    ]
