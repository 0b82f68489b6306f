"""Per-request DataLoaders for the catalog: one SQL query per relation per request tick."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
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
    """The catalog's loaders, created fresh for every request."""

    def __init__(self) -> None:
        self.product_by_id = RowByIdLoader(ProductRow)
        self.variant_by_id = RowByIdLoader(VariantRow)
        self.brand_by_id = RowByIdLoader(BrandRow)
        self.category_by_id = CategoryByIdLoader()
        self.tag_by_id = ByIdLoader(Tag)
        self.image_by_id = RowByIdLoader(ImageRow)
        self.certification_by_id = RowByIdLoader(CertificationRow)
        self.variants_by_product_id = RowsByForeignKeyLoader(VariantRow, "product_id")
        self.images_by_product_id = RowsByForeignKeyLoader(ImageRow, "product_id")
        self.certifications_by_product_id = RowsByForeignKeyLoader(CertificationRow, "product_id")
        self.categories_by_parent_id = CategoriesByParentIdLoader()
        self.tags_by_product_id = TagsByProductIdLoader()
        self.category_products = CategoryProductsLoader()

    def prime_products(self, products: Sequence[ProductRow]) -> None:
        """Products read by a list query need no second read through `node`."""
        for product in products:
            self.product_by_id.prime(product.pk, product)
