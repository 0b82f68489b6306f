from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('shopgraph', '0009_trust_edge')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DomainEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event_id', fields.CharField(unique=True, max_length=36)),
                ('type', fields.CharField(max_length=64)),
                ('aggregate_type', fields.CharField(max_length=32)),
                ('aggregate_id', fields.CharField(max_length=64)),
                ('sequence', fields.IntField()),
                ('version', fields.SmallIntField(default=1)),
                ('actor', fields.CharField(default='system', max_length=64)),
                ('payload', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('position', fields.BigIntField(null=True, unique=True)),
            ],
            options={'table': 'domain_event', 'app': 'shopgraph', 'unique_together': (('aggregate_type', 'aggregate_id', 'sequence'),), 'indexes': [Index(fields=['occurred_at']), Index(fields=['type', 'position'])], 'pk_attr': 'id', 'table_description': 'One committed fact of a domain, in the same transaction as the change it describes.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EventAggregate',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('aggregate_type', fields.CharField(max_length=32)),
                ('aggregate_id', fields.CharField(max_length=64)),
                ('last_sequence', fields.IntField(default=0)),
            ],
            options={'table': 'event_aggregate', 'app': 'shopgraph', 'unique_together': (('aggregate_type', 'aggregate_id'),), 'pk_attr': 'id', 'table_description': "The last sequence number given to an aggregate's events (a row lock orders writers)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EventConsumer',
            fields=[
                ('name', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('position', fields.BigIntField(default=0)),
                ('lease_owner', fields.CharField(null=True, max_length=64)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
                ('last_error', fields.CharField(default='', max_length=500)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'event_consumer', 'app': 'shopgraph', 'pk_attr': 'name', 'table_description': 'How far a durable consumer has read the stream, and which process holds it now.'},
            bases=['Model'],
        ),
    ]
