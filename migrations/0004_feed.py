from tortoise import migrations
from tortoise.migrations import operations as ops
from models.feed import FeedbackKind
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('shopgraph', '0003_accounts_orders_events')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FeedFeedback',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('shopgraph.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='feed_feedback', on_delete=OnDelete.CASCADE)),
                ('anonymous_id', fields.CharField(null=True, max_length=64)),
                ('product', fields.ForeignKeyField('shopgraph.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='feed_feedback', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(default=FeedbackKind.NOT_INTERESTED, description='NOT_INTERESTED: not_interested', enum_type=FeedbackKind, max_length=20)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'feed_feedback', 'app': 'shopgraph', 'unique_together': (('user', 'product', 'kind'), ('anonymous_id', 'product', 'kind')), 'pk_attr': 'id', 'table_description': 'One shopper\'s "not interested" in one product: a signed-in user\'s, else a guest\'s.'},
            bases=['Model'],
        ),
    ]
