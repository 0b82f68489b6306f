from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('shopgraph', '0005_trust_accounts')]

    initial = False

    operations: list = []
