"""Catalog models: products, variants, categories, brands, tags, images, certifications."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class ProductStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


class CertificationScheme(StrEnum):
    EN71 = "EN71"
    ASTM_F963 = "ASTM_F963"
    CCC = "CCC"
    CE = "CE"


class Brand(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=120, unique=True)
    name = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)

    products: fields.ReverseRelation[Product]

    class Meta:
        table = "brand"
        ordering = ["name"]


class Category(Model):
    """A node in the category tree.

    `path` is the materialized path of ids ("/1/4/9/") so that ancestors are read from the
    row itself and descendants are one indexed prefix query, at any depth.
    """

    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=120, unique=True)
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    parent: fields.ForeignKeyNullableRelation[Category] = fields.ForeignKeyField(
        "shopgraph.Category", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    path = fields.CharField(max_length=500, db_index=True)
    depth = fields.SmallIntField(default=0)
    position = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    parent_id: int | None
    children: fields.ReverseRelation[Category]
    products: fields.ReverseRelation[Product]

    class Meta:
        table = "category"
        ordering = ["position", "name"]

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]


class Tag(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=120, unique=True)
    name = fields.CharField(max_length=120)

    products: fields.ManyToManyRelation[Product]

    class Meta:
        table = "tag"
        ordering = ["name"]


class Product(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=200, unique=True)
    name = fields.CharField(max_length=300)
    description = fields.TextField(default="")
    status = fields.CharEnumField(ProductStatus, max_length=16, default=ProductStatus.DRAFT)
    brand: fields.ForeignKeyNullableRelation[Brand] = fields.ForeignKeyField(
        "shopgraph.Brand", related_name="products", null=True, on_delete=fields.SET_NULL
    )
    category: fields.ForeignKeyNullableRelation[Category] = fields.ForeignKeyField(
        "shopgraph.Category", related_name="products", null=True, on_delete=fields.SET_NULL
    )
    tags: fields.ManyToManyRelation[Tag] = fields.ManyToManyField(
        "shopgraph.Tag", related_name="products", through="product_tag"
    )
    min_age_months = fields.SmallIntField(null=True)
    max_age_months = fields.SmallIntField(null=True)
    materials: fields.Field[list[str]] = fields.JSONField(default=list)
    battery_required = fields.BooleanField(default=False)
    battery_type = fields.CharField(max_length=40, null=True)
    batteries_included = fields.BooleanField(default=False)
    # Final-sale and hygiene items: after-sales refuses returns and exchanges of them.
    is_returnable = fields.BooleanField(default=True, db_default=True)
    # Denormalised from variants by services.catalog so that price filters and sorts are
    # plain indexed columns instead of aggregates over a join.
    price_min = fields.DecimalField(max_digits=12, decimal_places=2, null=True)
    price_max = fields.DecimalField(max_digits=12, decimal_places=2, null=True)
    currency = fields.CharField(max_length=3, default="EUR")
    # Filled by orders and reviews; until then they hold zero and sorts fall back to id.
    sales_count = fields.IntField(default=0)
    rating_average = fields.DecimalField(max_digits=3, decimal_places=2, null=True)
    rating_count = fields.IntField(default=0)
    # Brand, category path and tag names, kept beside the name for full-text search.
    search_document = fields.TextField(default="")
    external_ref = fields.CharField(max_length=64, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    brand_id: int | None
    category_id: int | None
    variants: fields.ReverseRelation[Variant]
    images: fields.ReverseRelation[ProductImage]
    certifications: fields.ReverseRelation[Certification]

    class Meta:
        table = "product"
        indexes = [
            Index(fields=("status", "created_at")),
            Index(fields=("status", "price_min")),
            Index(fields=("status", "sales_count")),
        ]


class Variant(Model):
    id = fields.IntField(primary_key=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "shopgraph.Product", related_name="variants", on_delete=fields.CASCADE
    )
    sku = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    options: fields.Field[dict[str, str]] = fields.JSONField(default=dict)
    price = fields.DecimalField(max_digits=12, decimal_places=2)
    compare_at_price = fields.DecimalField(max_digits=12, decimal_places=2, null=True)
    currency = fields.CharField(max_length=3, default="EUR")
    stock = fields.IntField(default=0)
    position = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    product_id: int

    class Meta:
        table = "variant"
        ordering = ["position", "id"]
        indexes = [Index(fields=("product_id", "stock"))]


class ProductImage(Model):
    id = fields.IntField(primary_key=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "shopgraph.Product", related_name="images", on_delete=fields.CASCADE
    )
    url = fields.CharField(max_length=500)
    alt_text = fields.CharField(max_length=300, default="")
    position = fields.IntField(default=0)

    product_id: int

    class Meta:
        table = "product_image"
        ordering = ["position", "id"]


class Certification(Model):
    id = fields.IntField(primary_key=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "shopgraph.Product", related_name="certifications", on_delete=fields.CASCADE
    )
    scheme = fields.CharEnumField(CertificationScheme, max_length=16)
    certificate_number = fields.CharField(max_length=80)

    product_id: int

    class Meta:
        table = "certification"
        ordering = ["scheme"]
        unique_together = (("product", "scheme"),)


class CatalogVersion(Model):
    """One row whose number every catalog write raises in its own transaction.

    Cached catalog reads are keyed by it, so a committed write retires them in every worker
    (each re-reads the number at least once a second), and a read that races an uncommitted
    write can only store what it found under the old number.
    """

    id = fields.IntField(primary_key=True)
    version = fields.BigIntField(default=0)

    class Meta:
        table = "catalog_version"
