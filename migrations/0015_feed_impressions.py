from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('shopgraph', '0014_aftersales')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FeedImpression',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user_id', fields.IntField(null=True)),
                ('anonymous_id', fields.CharField(null=True, max_length=64)),
                ('section', fields.CharField(max_length=20)),
                ('product_id', fields.IntField()),
                ('position', fields.IntField()),
                ('model_version', fields.CharField(null=True, max_length=64)),
                ('shown_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'feed_impression', 'app': 'shopgraph', 'indexes': [Index(fields=['shown_at']), Index(fields=['product_id', 'shown_at'])], 'pk_attr': 'id', 'table_description': 'One product a feed page showed: to whom, in which section and position, and when.'},
            bases=['Model'],
        ),
    ]
