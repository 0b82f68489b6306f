from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.catalog import CertificationScheme, ProductStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="Brand",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("slug", fields.CharField(unique=True, max_length=120)),
                ("name", fields.CharField(max_length=200)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "brand", "app": "shopgraph", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Category",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("slug", fields.CharField(unique=True, max_length=120)),
                ("name", fields.CharField(max_length=200)),
                ("description", fields.TextField(default="", unique=False)),
                (
                    "parent",
                    fields.ForeignKeyField(
                        "shopgraph.Category",
                        source_field="parent_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="children",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("path", fields.CharField(db_index=True, max_length=500)),
                ("depth", fields.SmallIntField(default=0)),
                ("position", fields.IntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "category",
                "app": "shopgraph",
                "pk_attr": "id",
                "table_description": "A node in the category tree.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Tag",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("slug", fields.CharField(unique=True, max_length=120)),
                ("name", fields.CharField(max_length=120)),
            ],
            options={"table": "tag", "app": "shopgraph", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Product",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("slug", fields.CharField(unique=True, max_length=200)),
                ("name", fields.CharField(max_length=300)),
                ("description", fields.TextField(default="", unique=False)),
                (
                    "status",
                    fields.CharEnumField(
                        default=ProductStatus.DRAFT,
                        description="DRAFT: draft\nACTIVE: active\nARCHIVED: archived",
                        enum_type=ProductStatus,
                        max_length=16,
                    ),
                ),
                (
                    "brand",
                    fields.ForeignKeyField(
                        "shopgraph.Brand",
                        source_field="brand_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="products",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "category",
                    fields.ForeignKeyField(
                        "shopgraph.Category",
                        source_field="category_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="products",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "tags",
                    fields.ManyToManyField(
                        "shopgraph.Tag",
                        unique=True,
                        db_constraint=True,
                        through="product_tag",
                        forward_key="tag_id",
                        backward_key="product_id",
                        related_name="products",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("min_age_months", fields.SmallIntField(null=True)),
                ("max_age_months", fields.SmallIntField(null=True)),
                (
                    "materials",
                    fields.JSONField(
                        default=list,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("battery_required", fields.BooleanField(default=False)),
                ("battery_type", fields.CharField(null=True, max_length=40)),
                ("batteries_included", fields.BooleanField(default=False)),
                ("price_min", fields.DecimalField(null=True, max_digits=12, decimal_places=2)),
                ("price_max", fields.DecimalField(null=True, max_digits=12, decimal_places=2)),
                ("currency", fields.CharField(default="EUR", max_length=3)),
                ("sales_count", fields.IntField(default=0)),
                ("rating_average", fields.DecimalField(null=True, max_digits=3, decimal_places=2)),
                ("rating_count", fields.IntField(default=0)),
                ("search_document", fields.TextField(default="", unique=False)),
                ("external_ref", fields.CharField(null=True, unique=True, max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "product",
                "app": "shopgraph",
                "indexes": [
                    Index(fields=["status", "created_at"]),
                    Index(fields=["status", "price_min"]),
                    Index(fields=["status", "sales_count"]),
                ],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Certification",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "product",
                    fields.ForeignKeyField(
                        "shopgraph.Product",
                        source_field="product_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="certifications",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "scheme",
                    fields.CharEnumField(
                        description="EN71: EN71\nASTM_F963: ASTM_F963\nCCC: CCC\nCE: CE",
                        enum_type=CertificationScheme,
                        max_length=16,
                    ),
                ),
                ("certificate_number", fields.CharField(max_length=80)),
            ],
            options={
                "table": "certification",
                "app": "shopgraph",
                "unique_together": (("product", "scheme"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ProductImage",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "product",
                    fields.ForeignKeyField(
                        "shopgraph.Product",
                        source_field="product_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="images",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("url", fields.CharField(max_length=500)),
                ("alt_text", fields.CharField(default="", max_length=300)),
                ("position", fields.IntField(default=0)),
            ],
            options={"table": "product_image", "app": "shopgraph", "pk_attr": "id"},
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Variant",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "product",
                    fields.ForeignKeyField(
                        "shopgraph.Product",
                        source_field="product_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="variants",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("sku", fields.CharField(unique=True, max_length=64)),
                ("name", fields.CharField(max_length=200)),
                (
                    "options",
                    fields.JSONField(
                        default=dict,
                        encoder=functools.partial(dumps, separators=(",", ":")),
                        decoder=loads,
                    ),
                ),
                ("price", fields.DecimalField(max_digits=12, decimal_places=2)),
                (
                    "compare_at_price",
                    fields.DecimalField(null=True, max_digits=12, decimal_places=2),
                ),
                ("currency", fields.CharField(default="EUR", max_length=3)),
                ("stock", fields.IntField(default=0)),
                ("position", fields.IntField(default=0)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("updated_at", fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={
                "table": "variant",
                "app": "shopgraph",
                "indexes": [Index(fields=["product_id", "stock"])],
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
    ]
