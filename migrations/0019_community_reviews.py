from tortoise import migrations
from tortoise.migrations import operations as ops
from models.community.moderation import ContentStatus
from models.community.reviews import VerifiedBasis
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('shopgraph', '0018_aftersales_outcomes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Question',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('product', fields.ForeignKeyField('shopgraph.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='questions', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('shopgraph.User', source_field='author_id', db_constraint=True, to_field='id', related_name='questions', on_delete=OnDelete.CASCADE)),
                ('body', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(default=ContentStatus.PUBLISHED, description='DRAFT: draft\nPUBLISHED: published\nHELD: held\nREJECTED: rejected\nHIDDEN: hidden\nREMOVED: removed', enum_type=ContentStatus, max_length=16)),
                ('removal_reason', fields.CharField(default='', max_length=32)),
                ('accepted_answer_id', fields.IntField(null=True)),
                ('answer_count', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'question', 'app': 'shopgraph', 'indexes': [Index(fields=['product_id', 'status', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Answer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('question', fields.ForeignKeyField('shopgraph.Question', source_field='question_id', db_constraint=True, to_field='id', related_name='answers', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('shopgraph.User', source_field='author_id', db_constraint=True, to_field='id', related_name='answers', on_delete=OnDelete.CASCADE)),
                ('body', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(default=ContentStatus.PUBLISHED, description='DRAFT: draft\nPUBLISHED: published\nHELD: held\nREJECTED: rejected\nHIDDEN: hidden\nREMOVED: removed', enum_type=ContentStatus, max_length=16)),
                ('removal_reason', fields.CharField(default='', max_length=32)),
                ('by_staff', fields.BooleanField(default=False)),
                ('verified_buyer', fields.BooleanField(default=False)),
                ('helpful_count', fields.IntField(default=0)),
                ('unhelpful_count', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'answer', 'app': 'shopgraph', 'indexes': [Index(fields=['question_id', 'status', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AnswerVote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('answer', fields.ForeignKeyField('shopgraph.Answer', source_field='answer_id', db_constraint=True, to_field='id', related_name='votes', on_delete=OnDelete.CASCADE)),
                ('user_id', fields.IntField()),
                ('helpful', fields.BooleanField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'answer_vote', 'app': 'shopgraph', 'unique_together': (('answer', 'user_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RatingSummary',
            fields=[
                ('product_id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('count', fields.IntField(default=0)),
                ('total', fields.IntField(default=0)),
                ('stars_1', fields.IntField(default=0)),
                ('stars_2', fields.IntField(default=0)),
                ('stars_3', fields.IntField(default=0)),
                ('stars_4', fields.IntField(default=0)),
                ('stars_5', fields.IntField(default=0)),
            ],
            options={'table': 'rating_summary', 'app': 'shopgraph', 'pk_attr': 'product_id', 'table_description': 'The rating histogram of one product: its row lock orders concurrent review writes.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Review',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('product', fields.ForeignKeyField('shopgraph.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='reviews', on_delete=OnDelete.CASCADE)),
                ('variant_id', fields.IntField(null=True)),
                ('author', fields.ForeignKeyField('shopgraph.User', source_field='author_id', db_constraint=True, to_field='id', related_name='reviews', on_delete=OnDelete.CASCADE)),
                ('rating', fields.SmallIntField()),
                ('title', fields.CharField(default='', max_length=150)),
                ('body', fields.TextField(default='', unique=False)),
                ('photo_urls', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('has_photos', fields.BooleanField(default=False)),
                ('status', fields.CharEnumField(default=ContentStatus.PUBLISHED, description='DRAFT: draft\nPUBLISHED: published\nHELD: held\nREJECTED: rejected\nHIDDEN: hidden\nREMOVED: removed', enum_type=ContentStatus, max_length=16)),
                ('removal_reason', fields.CharField(default='', max_length=32)),
                ('in_aggregate', fields.BooleanField(default=True)),
                ('verified', fields.BooleanField(default=False)),
                ('verified_basis', fields.CharEnumField(null=True, description='DELIVERED: delivered\nPAID_NO_TRACKING: paid_no_tracking', enum_type=VerifiedBasis, max_length=20)),
                ('child_age_months', fields.SmallIntField(null=True)),
                ('helpful_count', fields.IntField(default=0)),
                ('unhelpful_count', fields.IntField(default=0)),
                ('reply_body', fields.TextField(null=True, unique=False)),
                ('reply_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reply_by_id', fields.IntField(null=True)),
                ('edit_count', fields.IntField(default=0)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'review', 'app': 'shopgraph', 'unique_together': (('product', 'author'),), 'indexes': [Index(fields=['product_id', 'status', 'created_at']), Index(fields=['product_id', 'status', 'helpful_count']), Index(fields=['author_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReviewEdit',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('review', fields.ForeignKeyField('shopgraph.Review', source_field='review_id', db_constraint=True, to_field='id', related_name='edits', on_delete=OnDelete.CASCADE)),
                ('rating', fields.SmallIntField()),
                ('title', fields.CharField(default='', max_length=150)),
                ('body', fields.TextField(default='', unique=False)),
                ('photo_urls', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('edited_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'review_edit', 'app': 'shopgraph', 'pk_attr': 'id', 'table_description': 'A review as it was before one edit by its author (the history, oldest first).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReviewRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('order_id', fields.IntField()),
                ('product_id', fields.IntField()),
                ('user_id', fields.IntField()),
                ('requested_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'review_request', 'app': 'shopgraph', 'unique_together': (('order_id', 'product_id'),), 'pk_attr': 'id', 'table_description': 'review.requested was emitted for this order and product (once).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReviewVote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('review', fields.ForeignKeyField('shopgraph.Review', source_field='review_id', db_constraint=True, to_field='id', related_name='votes', on_delete=OnDelete.CASCADE)),
                ('user_id', fields.IntField()),
                ('helpful', fields.BooleanField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'review_vote', 'app': 'shopgraph', 'unique_together': (('review', 'user_id'),), 'indexes': [Index(fields=['user_id', 'review_id'])], 'pk_attr': 'id', 'table_description': "One member's helpful (or unhelpful) vote on a review (changeable, one per member)."},
            bases=['Model'],
        ),
    ]
