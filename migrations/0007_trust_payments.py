from tortoise import migrations
from tortoise.migrations import operations as ops
from models.orders import PaymentStatus, RefundStatus
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('shopgraph', '0006_trust_orders')]

    initial = False

    operations: list = [
        ops.AddField(
            model_name='Payment',
            name='idempotency_key',
            field=fields.CharField(null=True, unique=True, max_length=100),
        ),
        ops.AlterField(
            model_name='Payment',
            name='status',
            field=fields.CharEnumField(default=PaymentStatus.PENDING, description='PENDING: pending\nAUTHORIZED: authorized\nCAPTURED: captured\nFAILED: failed\nPARTIALLY_REFUNDED: partially_refunded\nREFUNDED: refunded\nVOIDING: voiding\nVOIDED: voided', enum_type=PaymentStatus, max_length=24),
        ),
        ops.AddField(
            model_name='Refund',
            name='status',
            field=fields.CharEnumField(default=RefundStatus.SUCCEEDED, db_default=RefundStatus.SUCCEEDED, description='PENDING: pending\nSUCCEEDED: succeeded\nFAILED: failed', enum_type=RefundStatus, max_length=16),
        ),
        ops.CreateModel(
            name='CatalogVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.BigIntField(default=0)),
            ],
            options={'table': 'catalog_version', 'app': 'shopgraph', 'pk_attr': 'id', 'table_description': 'One row whose number every catalog write raises in its own transaction.'},
            bases=['Model'],
        ),
        ops.RunSQL('INSERT INTO catalog_version (id, version) VALUES (1, 0)', reverse_sql='DELETE FROM catalog_version'),
    ]
