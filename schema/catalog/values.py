"""The catalog's GraphQL enums (publication state, safety schemes, list sorts) and the small
value types a product is made of (price range, age range, batteries, rating)."""

from __future__ import annotations

from enum import Enum

import strawberry

from models import catalog as m
from schema.catalog.money import Money
from services.catalog.ages import age_label
from services.catalog.listing import ProductSort as ProductSortSpec

ProductStatus = strawberry.enum(
    m.ProductStatus, name="ProductStatus", description="Publication state of a product."
)
CertificationScheme = strawberry.enum(
    m.CertificationScheme,
    name="CertificationScheme",
    description="Toy-safety standards: EN 71 (EU), ASTM F963 (US), CCC (China), CE marking.",
)


@strawberry.enum(description="How to order a product list.")
class ProductSort(Enum):
    RELEVANCE = strawberry.enum_value(
        "relevance",
        description="Best match first. Only meaningful with `search`; without it, NEWEST.",
    )
    NEWEST = strawberry.enum_value("newest", description="Most recently added first.")
    PRICE_ASC = strawberry.enum_value("price_asc", description="Lowest price first.")
    PRICE_DESC = strawberry.enum_value("price_desc", description="Highest price first.")
    BEST_SELLING = strawberry.enum_value(
        "best_selling",
        description="Most units sold first. Until orders are recorded every product has "
        "zero sales, so the order is a stable default (by id).",
    )
    RATING = strawberry.enum_value(
        "rating",
        description="Highest average rating first (more ratings first among equals); "
        "products without a rating come last, oldest first.",
    )
    NAME = strawberry.enum_value("name", description="Alphabetical by name.")


def sort_spec(sort: ProductSort | None) -> ProductSortSpec | None:
    return ProductSortSpec(str(sort.value)) if sort is not None else None


@strawberry.type(description="Lowest and highest variant price of a product.")
class PriceRange:
    start: Money
    stop: Money


@strawberry.type(description="Recommended age range in months; an open end is null.")
class AgeRange:
    min_months: int | None
    max_months: int | None

    @strawberry.field(description='Human label, e.g. "3-6 years" or "18+ months".')
    def label(self) -> str:
        return age_label(self.min_months, self.max_months)


@strawberry.type(description="What a toy needs to run on batteries.")
class BatteryInfo:
    required: bool
    battery_type: str | None = strawberry.field(description='e.g. "AA" or "rechargeable Li-ion".')
    included: bool


@strawberry.type(description="Average customer rating.")
class Rating:
    average: float | None
    count: int
