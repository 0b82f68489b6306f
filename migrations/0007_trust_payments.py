from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('shopgraph', '0006_trust_orders')]

    initial = False

    operations: list = []
