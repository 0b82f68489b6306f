from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('shopgraph', '0005_trust_accounts')]

    initial = False

    operations: list = [
        ops.AddField(
            model_name='Coupon',
            name='currency',
            field=fields.CharField(default='EUR', db_default='EUR', max_length=3),
        ),
        ops.AddField(
            model_name='OrderLine',
            name='currency',
            field=fields.CharField(default='EUR', db_default='EUR', max_length=3),
        ),
        # Lines written before they carried a currency are in their order's currency.
        ops.RunSQL(
            'UPDATE order_line SET currency = (SELECT sales_order.currency FROM sales_order '
            'WHERE sales_order.id = order_line.order_id)',
            reverse_sql='SELECT 1',
        ),
        # An open cart takes the currency of its first line (carts used to stay EUR).
        ops.RunSQL(
            "UPDATE cart SET currency = (SELECT variant.currency FROM cart_line "
            "JOIN variant ON variant.id = cart_line.variant_id WHERE cart_line.cart_id = cart.id "
            "ORDER BY cart_line.id LIMIT 1) "
            "WHERE status = 'open' AND EXISTS (SELECT 1 FROM cart_line WHERE cart_line.cart_id = cart.id)",
            reverse_sql='SELECT 1',
        ),
        ops.CreateModel(
            name='FirstOrderClaim',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('identity', fields.CharField(unique=True, max_length=300)),
                ('order', fields.ForeignKeyField('shopgraph.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='first_order_claims', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'first_order_claim', 'app': 'shopgraph', 'pk_attr': 'id', 'table_description': "Marks that a customer's first-order coupon is taken by one live order."},
            bases=['Model'],
        ),
    ]
