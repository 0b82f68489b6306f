from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('shopgraph', '0004_feed')]

    initial = False

    operations: list = []
