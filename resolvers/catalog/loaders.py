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
from services.catalog import lookups
from services.catalog.listing import ProductPage, ProductSort, list_category_products


class TagsByProductIdLoader(DataLoader[int, list[Tag]]):
    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[int]) -> list[list[Tag]]:
        grouped = await lookups.tags_of_products(product_ids=keys)
        return [grouped.get(key, []) for key in keys]


CategoryPageKey = tuple[int, int, int, ProductSort | None]  # category id, offset, limit, sort


class CategoryProductsLoader(DataLoader[CategoryPageKey, ProductPage]):
    """`category.products` pages of many categories at once: 2 queries per distinct window."""

    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[CategoryPageKey]) -> list[ProductPage]:
        windows: dict[tuple[int, int, ProductSort | None], list[int]] = defaultdict(list)
        for category_id, offset, limit, sort in keys:
            windows[(offset, limit, sort)].append(category_id)
        pages: dict[CategoryPageKey, ProductPage] = {}
        for (offset, limit, sort), category_ids in windows.items():
            found = await list_category_products(
                category_ids=category_ids, sort=sort, offset=offset, limit=limit
            )
            for category_id, page in found.items():
                pages[(category_id, offset, limit, sort)] = page
        empty = ProductPage(products=[], total=0, has_next=False)
        return [pages.get(key, empty) for key in keys]


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
        self.category_products = CategoryProductsLoader()

    def prime_products(self, products: Sequence[Product]) -> None:
        """Products read by a list query need no second read through `node`."""
        for product in products:
            self.product_by_id.prime(product.pk, product)
