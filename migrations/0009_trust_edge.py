from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('shopgraph', '0008_trust_catalog')]

    initial = False

    operations: list = []
