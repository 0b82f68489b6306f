"""Light rows for hot catalog reads: the columns the storefront shows, in slotted dataclasses.

A full model instance costs an `__init__` per row and a conversion of every column (the
product's search document included); these read only what the API shows, through
`.values()`, and carry the same attribute names as the models, so code that reads one reads
the other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Self, TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.catalog import (
    Brand,
    Category,
    Certification,
    CertificationScheme,
    Product,
    ProductImage,
    ProductStatus,
    Variant,
)


class LightRow:
    """Base of the light rows: `columns()` are the dataclass fields, read by `.values()`."""

    model: ClassVar[type[Model]]
    __slots__ = ()

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        return tuple(item.name for item in fields(cls))  # type: ignore[arg-type]

    @classmethod
    def of(cls, instance: Any) -> Self:
        """The light row of a model instance another read already holds."""
        return cls(**{name: getattr(instance, name) for name in cls.columns()})


@dataclass(slots=True)
class ProductRow(LightRow):
    model: ClassVar[type[Model]] = Product
    id: int
    slug: str
    name: str
    description: str
    status: ProductStatus
    materials: list[str]
    min_age_months: int | None
    max_age_months: int | None
    battery_required: bool
    battery_type: str | None
    batteries_included: bool
    price_min: Decimal | None
    price_max: Decimal | None
    currency: str
    rating_average: Decimal | None
    rating_count: int
    created_at: datetime
    updated_at: datetime
    brand_id: int | None
    category_id: int | None

    @property
    def pk(self) -> int:
        return self.id


@dataclass(slots=True)
class VariantRow(LightRow):
    model: ClassVar[type[Model]] = Variant
    id: int
    product_id: int
    sku: str
    name: str
    options: dict[str, str]
    price: Decimal
    compare_at_price: Decimal | None
    currency: str
    stock: int


@dataclass(slots=True)
class ImageRow(LightRow):
    model: ClassVar[type[Model]] = ProductImage
    id: int
    product_id: int
    url: str
    alt_text: str
    position: int


@dataclass(slots=True)
class CertificationRow(LightRow):
    model: ClassVar[type[Model]] = Certification
    id: int
    product_id: int
    scheme: CertificationScheme
    certificate_number: str


@dataclass(slots=True)
class BrandRow(LightRow):
    model: ClassVar[type[Model]] = Brand
    id: int
    slug: str
    name: str


@dataclass(slots=True)
class CategoryRow(LightRow):
    model: ClassVar[type[Model]] = Category
    id: int
    slug: str
    name: str
    description: str
    parent_id: int | None
    path: str
    depth: int
    position: int


R = TypeVar("R", bound=LightRow)


async def read(row_type: type[R], query: QuerySet[Any]) -> list[R]:
    """The rows of `query` (in its order) as `row_type`."""
    return [row_type(**values) for values in await query.values(*row_type.columns())]


async def by_ids(row_type: type[R], ids: Iterable[int]) -> dict[int, R]:
    """Rows of `row_type`'s model by primary key, in one query."""
    rows = await read(row_type, row_type.model.filter(id__in=sorted(set(ids))))
    return {row.id: row for row in rows}  # type: ignore[attr-defined]


async def by_foreign_key(row_type: type[R], fk: str, keys: Sequence[int]) -> dict[int, list[R]]:
    """Rows pointing at each key through `fk`, in the model's own ordering, in one query."""
    query = row_type.model.filter(**{f"{fk}__in": sorted(set(keys))})
    grouped: dict[int, list[R]] = defaultdict(list)
    for row in await read(row_type, query):
        grouped[getattr(row, fk)].append(row)
    return grouped
