"""Per-request DataLoaders for the catalog: one SQL query per relation per request tick."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Generic, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from models.catalog import (
    Brand,
    Category,
    Certification,
    Product,
    ProductImage,
    Tag,
    Variant,
)

M = TypeVar("M", bound=Model)


class ByIdLoader(DataLoader[int, M | None], Generic[M]):
    """Rows of one model by primary key, `None` for ids that do not exist."""

    def __init__(self, model: type[M]) -> None:
        self.model = model
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[int]) -> list[M | None]:
        rows = await self.model.filter(id__in=list(set(keys)))
        by_id = {row.pk: row for row in rows}
        return [by_id.get(key) for key in keys]


class ByForeignKeyLoader(DataLoader[int, list[M]], Generic[M]):
    """All rows of one model that point at each key through `fk`, in model ordering."""

    def __init__(self, model: type[M], fk: str) -> None:
        self.model = model
        self.fk = fk
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[int]) -> list[list[M]]:
        rows = await self.model.filter(**{f"{self.fk}__in": list(set(keys))})
        grouped: dict[int, list[M]] = defaultdict(list)
        for row in rows:
            grouped[getattr(row, self.fk)].append(row)
        return [grouped.get(key, []) for key in keys]


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
