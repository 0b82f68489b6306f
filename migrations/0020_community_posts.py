from tortoise import migrations
from tortoise.migrations import operations as ops
from models.community.moderation import ContentStatus, ModerationActionKind, QueueState, ReportReason
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('shopgraph', '0019_community_reviews')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BlockedWord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('word', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'community_blocked_word', 'app': 'shopgraph', 'pk_attr': 'id', 'table_description': 'A word a shop added to the profanity list.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContentReport',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=16)),
                ('target_id', fields.IntField()),
                ('reporter', fields.ForeignKeyField('shopgraph.User', source_field='reporter_id', db_constraint=True, to_field='id', related_name='community_reports', on_delete=OnDelete.CASCADE)),
                ('reason', fields.CharEnumField(description='SPAM: spam\nOFFENSIVE: offensive\nHARASSMENT: harassment\nPERSONAL_DATA: personal_data\nOFF_TOPIC: off_topic\nFAKE: fake\nUNSAFE: unsafe\nOTHER: other', enum_type=ReportReason, max_length=16)),
                ('note', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'community_report', 'app': 'shopgraph', 'unique_together': (('kind', 'target_id', 'reporter_id'),), 'pk_attr': 'id', 'table_description': "A member's report of one piece of content (one per member and item)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberStanding',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.OneToOneField('shopgraph.User', source_field='user_id', db_constraint=True, to_field='id', related_name='community_standing', on_delete=OnDelete.CASCADE)),
                ('approved_contributions', fields.IntField(default=0)),
                ('verified_purchases', fields.IntField(default=0)),
                ('silenced_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('silence_reason', fields.CharField(default='', max_length=32)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'community_member', 'app': 'shopgraph', 'pk_attr': 'id', 'table_description': "A member's standing in the community: trust earned, and a silence in force."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ModerationLog',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('action', fields.CharEnumField(description='APPROVE: approve\nREJECT: reject\nHIDE: hide\nRESTORE: restore\nSILENCE: silence\nUNSILENCE: unsilence\nAUTO_HIDE: auto_hide', enum_type=ModerationActionKind, max_length=16)),
                ('kind', fields.CharField(default='', max_length=16)),
                ('target_id', fields.IntField(null=True)),
                ('member_id', fields.IntField()),
                ('moderator', fields.ForeignKeyField('shopgraph.User', source_field='moderator_id', null=True, db_constraint=True, to_field='id', related_name='moderation_actions', on_delete=OnDelete.SET_NULL)),
                ('reason', fields.CharField(default='', max_length=32)),
                ('note', fields.CharField(default='', max_length=500)),
                ('from_status', fields.CharField(default='', max_length=16)),
                ('to_status', fields.CharField(default='', max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'community_moderation_log', 'app': 'shopgraph', 'indexes': [Index(fields=['created_at']), Index(fields=['kind', 'target_id']), Index(fields=['member_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'The audit log: every moderation action, by whom (null: automatic), why and when.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Post',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('author', fields.ForeignKeyField('shopgraph.User', source_field='author_id', db_constraint=True, to_field='id', related_name='community_posts', on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=200)),
                ('body', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(description='DRAFT: draft\nPUBLISHED: published\nHELD: held\nREJECTED: rejected\nHIDDEN: hidden\nREMOVED: removed', enum_type=ContentStatus, max_length=16)),
                ('hold_reasons', fields.CharField(default='', max_length=120)),
                ('moderation_reason', fields.CharField(default='', max_length=32)),
                ('child_age_min_months', fields.SmallIntField(null=True)),
                ('child_age_max_months', fields.SmallIntField(null=True)),
                ('like_count', fields.IntField(default=0)),
                ('comment_count', fields.IntField(default=0)),
                ('last_activity_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('edited_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'community_post', 'app': 'shopgraph', 'indexes': [Index(fields=['status', 'created_at']), Index(fields=['status', 'last_activity_at']), Index(fields=['author_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Comment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('shopgraph.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='comments', on_delete=OnDelete.CASCADE)),
                ('parent', fields.ForeignKeyField('shopgraph.Comment', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='replies', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('shopgraph.User', source_field='author_id', db_constraint=True, to_field='id', related_name='community_comments', on_delete=OnDelete.CASCADE)),
                ('body', fields.TextField(unique=False)),
                ('depth', fields.SmallIntField(default=0)),
                ('status', fields.CharEnumField(description='DRAFT: draft\nPUBLISHED: published\nHELD: held\nREJECTED: rejected\nHIDDEN: hidden\nREMOVED: removed', enum_type=ContentStatus, max_length=16)),
                ('hold_reasons', fields.CharField(default='', max_length=120)),
                ('moderation_reason', fields.CharField(default='', max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('edited_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'community_comment', 'app': 'shopgraph', 'indexes': [Index(fields=['post_id', 'parent_id', 'created_at']), Index(fields=['author_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PostLike',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('shopgraph.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='likes', on_delete=OnDelete.CASCADE)),
                ('user', fields.ForeignKeyField('shopgraph.User', source_field='user_id', db_constraint=True, to_field='id', related_name='community_likes', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'community_post_like', 'app': 'shopgraph', 'unique_together': (('post_id', 'user_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PostProduct',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('shopgraph.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='product_links', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('shopgraph.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='community_post_links', on_delete=OnDelete.CASCADE)),
                ('position', fields.SmallIntField(default=0)),
            ],
            options={'table': 'community_post_product', 'app': 'shopgraph', 'unique_together': (('post_id', 'product_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PostTag',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('shopgraph.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='tags', on_delete=OnDelete.CASCADE)),
                ('tag', fields.CharField(max_length=40)),
            ],
            options={'table': 'community_post_tag', 'app': 'shopgraph', 'unique_together': (('post_id', 'tag'),), 'indexes': [Index(fields=['tag', 'post_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='QueueItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=16)),
                ('target_id', fields.IntField()),
                ('author_id', fields.IntField()),
                ('state', fields.CharEnumField(default=QueueState.OPEN, description='OPEN: open\nRESOLVED: resolved', enum_type=QueueState, max_length=16)),
                ('content_status', fields.CharEnumField(description='DRAFT: draft\nPUBLISHED: published\nHELD: held\nREJECTED: rejected\nHIDDEN: hidden\nREMOVED: removed', enum_type=ContentStatus, max_length=16)),
                ('reasons', fields.CharField(default=',', max_length=255)),
                ('report_count', fields.IntField(default=0)),
                ('opened_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'community_queue_item', 'app': 'shopgraph', 'unique_together': (('kind', 'target_id'),), 'indexes': [Index(fields=['state', 'opened_at'])], 'pk_attr': 'id', 'table_description': 'One piece of content waiting for a moderator: held by screening or reported.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Submission',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('author_id', fields.IntField()),
                ('kind', fields.CharField(max_length=16)),
                ('content_hash', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'community_submission', 'app': 'shopgraph', 'indexes': [Index(fields=['author_id', 'created_at']), Index(fields=['author_id', 'content_hash'])], 'pk_attr': 'id', 'table_description': 'A fingerprint of one submission: rate limits count them, duplicates match them.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TrustCredit',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user_id', fields.IntField()),
                ('source', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'community_trust_credit', 'app': 'shopgraph', 'unique_together': (('user_id', 'source'),), 'pk_attr': 'id', 'table_description': 'One source of trust counted once (an order whose purchases were verified).'},
            bases=['Model'],
        ),
    ]
