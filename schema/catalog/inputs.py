"""Catalog inputs: the product list filter."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry import relay

from models import catalog as m
from schema.catalog.types import CertificationScheme
from schema.nodes import optional_typed_pk
from services.catalog.listing import ProductFilter as ProductFilterSpec


@strawberry.input(description="A price bound; either end may be left open.")
class PriceRangeInput:
    gte: Decimal | None = None
    lte: Decimal | None = None


@strawberry.input(description="Narrow a product list. All given conditions must hold.")
class ProductFilter:
    categories: list[relay.GlobalID] | None = strawberry.field(
        default=None, description="Category IDs; products of their descendants match too."
    )
    category_slugs: list[str] | None = strawberry.field(
        default=None, description="Category slugs; products of their descendants match too."
    )
    tags: list[str] | None = strawberry.field(
        default=None, description="Tag slugs; a product must carry all of them."
    )
    brands: list[str] | None = strawberry.field(
        default=None, description="Brand slugs; a product of any of them matches."
    )
    price: PriceRangeInput | None = strawberry.field(
        default=None, description="Products with a variant priced inside the range."
    )
    age_months: int | None = strawberry.field(
        default=None, description="Products recommended for a child of this age in months."
    )
    in_stock: bool | None = strawberry.field(
        default=None, description="True: at least one variant in stock; false: none."
    )
    certifications: list[CertificationScheme] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Products holding all of these certificates."
    )

    min_rating: Decimal | None = strawberry.field(
        default=None,
        description="Products rated at least this on average (1 to 5, from customer reviews); "
        "products without reviews do not match.",
    )

    def to_spec(self) -> ProductFilterSpec:
        return ProductFilterSpec(
            category_ids=[
                optional_typed_pk(gid, "Category") or -1 for gid in self.categories or []
            ],
            category_slugs=list(self.category_slugs or []),
            tag_slugs=list(self.tags or []),
            brand_slugs=list(self.brands or []),
            price_min=self.price.gte if self.price else None,
            price_max=self.price.lte if self.price else None,
            age_months=self.age_months,
            in_stock=self.in_stock,
            certifications=[m.CertificationScheme(c) for c in self.certifications or []],
            rating_min=self.min_rating,
        )
