from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('shopgraph', '0020_community_posts')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Case',
            name='survey_offered_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
