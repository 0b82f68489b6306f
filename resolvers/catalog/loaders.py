"""Per-request DataLoaders for the catalog: one SQL query per relation per request tick."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import cached_property
from typing import Generic, TypeVar

from strawberry.dataloader import DataLoader

from models.catalog import Tag
from resolvers.loaders import ByIdLoader
from services.catalog import lookups, rows, tree
from services.catalog.listing import ProductPage, ProductSort, list_category_products
from services.catalog.rows import (
    BrandRow,
    CategoryRow,
    CertificationRow,
    ImageRow,
    ProductRow,
    VariantRow,
)

R = TypeVar("R", bound=rows.LightRow)


class RowByIdLoader(DataLoader[int, R | None], Generic[R]):
    """Light rows by primary key, `None` for ids that do not exist."""

    def __init__(self, row_type: type[R]) -> None:
        self.row_type = row_type
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[int]) -> list[R | None]:
        found = await rows.by_ids(self.row_type, keys)
        return [found.get(key) for key in keys]


class RowsByForeignKeyLoader(DataLoader[int, list[R]], Generic[R]):
    """The light rows pointing at each key through `fk`, in the model's ordering."""

    def __init__(self, row_type: type[R], fk: str) -> None:
        self.row_type = row_type
        self.fk = fk
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[int]) -> list[list[R]]:
        grouped = await rows.by_foreign_key(self.row_type, self.fk, keys)
        return [grouped.get(key, []) for key in keys]


class TagsByProductIdLoader(DataLoader[int, list[Tag]]):
    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[int]) -> list[list[Tag]]:
        grouped = await lookups.tags_of_products(product_ids=keys)
        return [grouped.get(key, []) for key in keys]


class CategoryByIdLoader(DataLoader[int, CategoryRow | None]):
    """Categories by id from the in-memory category tree (no query while the catalog
    version stands)."""

    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[int]) -> list[CategoryRow | None]:
        categories = await tree.current()
        return [categories.get(key) for key in keys]


class CategoriesByParentIdLoader(DataLoader[int, list[CategoryRow]]):
    """Each category's direct children, in the model's ordering, from the category tree."""

    def __init__(self) -> None:
        super().__init__(load_fn=self._load)

    async def _load(self, keys: Sequence[int]) -> list[list[CategoryRow]]:
        categories = await tree.current()
        return [categories.children_of(key) for key in keys]


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
    """The catalog's loaders, created fresh for every request, each on first use."""

    @cached_property
    def product_by_id(self) -> RowByIdLoader[ProductRow]:
        return RowByIdLoader(ProductRow)

    @cached_property
    def variant_by_id(self) -> RowByIdLoader[VariantRow]:
        return RowByIdLoader(VariantRow)

    @cached_property
    def brand_by_id(self) -> RowByIdLoader[BrandRow]:
        return RowByIdLoader(BrandRow)

    @cached_property
    def category_by_id(self) -> CategoryByIdLoader:
        return CategoryByIdLoader()

    @cached_property
    def tag_by_id(self) -> ByIdLoader[Tag]:
        return ByIdLoader(Tag)

    @cached_property
    def image_by_id(self) -> RowByIdLoader[ImageRow]:
        return RowByIdLoader(ImageRow)

    @cached_property
    def certification_by_id(self) -> RowByIdLoader[CertificationRow]:
        return RowByIdLoader(CertificationRow)

    @cached_property
    def variants_by_product_id(self) -> RowsByForeignKeyLoader[VariantRow]:
        return RowsByForeignKeyLoader(VariantRow, "product_id")

    @cached_property
    def images_by_product_id(self) -> RowsByForeignKeyLoader[ImageRow]:
        return RowsByForeignKeyLoader(ImageRow, "product_id")

    @cached_property
    def certifications_by_product_id(self) -> RowsByForeignKeyLoader[CertificationRow]:
        return RowsByForeignKeyLoader(CertificationRow, "product_id")

    @cached_property
    def categories_by_parent_id(self) -> CategoriesByParentIdLoader:
        return CategoriesByParentIdLoader()

    @cached_property
    def tags_by_product_id(self) -> TagsByProductIdLoader:
        return TagsByProductIdLoader()

    @cached_property
    def category_products(self) -> CategoryProductsLoader:
        return CategoryProductsLoader()

    def prime_products(self, products: Sequence[ProductRow]) -> None:
        """Products read by a list query need no second read through `node`."""
        for product in products:
            self.product_by_id.prime(product.pk, product)
