"""Per-request DataLoaders for the catalog: one SQL query per relation per request tick."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from models.catalog import (
    Brand,
    Category,
    Certification,
    Product,
    ProductImage,
    Tag,
    Variant,
)
from resolvers.loaders import ByForeignKeyLoader, ByIdLoader


class TagsByProductIdLoader(DataLoader[int, list[Tag]]):
    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[int]) -> list[list[Tag]]:
        rows = (
            await Tag.filter(products__id__in=list(set(keys)))
            .annotate()
            .values("id", "slug", "name", "products__id")
        )
        grouped: dict[int, list[Tag]] = defaultdict(list)
        for row in rows:
            grouped[row["products__id"]].append(
                Tag(id=row["id"], slug=row["slug"], name=row["name"])
            )
        for tags in grouped.values():
            tags.sort(key=lambda tag: tag.name)
        return [grouped.get(key, []) for key in keys]


class CatalogLoaders:
    """The catalog's loaders, created fresh for every request."""

    def __init__(self) -> None:
        self.product_by_id = ByIdLoader(Product)
        self.variant_by_id = ByIdLoader(Variant)
        self.brand_by_id = ByIdLoader(Brand)
        self.category_by_id = ByIdLoader(Category)
        self.tag_by_id = ByIdLoader(Tag)
        self.image_by_id = ByIdLoader(ProductImage)
        self.certification_by_id = ByIdLoader(Certification)
        self.variants_by_product_id = ByForeignKeyLoader(Variant, "product_id")
        self.images_by_product_id = ByForeignKeyLoader(ProductImage, "product_id")
        self.certifications_by_product_id = ByForeignKeyLoader(Certification, "product_id")
        self.categories_by_parent_id = ByForeignKeyLoader(Category, "parent_id")
        self.tags_by_product_id = TagsByProductIdLoader()

    def prime_products(self, products: Sequence[Product]) -> None:
        """Products read by a list query need no second read through `node`."""
        for product in products:
            self.product_by_id.prime(product.pk, product)
