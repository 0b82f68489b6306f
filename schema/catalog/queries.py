"""Catalog queries: product lists and search, one product or category, tags, brands,
search suggestions and product comparison."""

from __future__ import annotations

import strawberry
from strawberry import relay

from resolvers.catalog import queries
from resolvers.context import Info
from resolvers.pagination import MAX_PAGE_SIZE
from schema.catalog.inputs import ProductFilter
from schema.catalog.types import (
    BrandConnection,
    BrandType,
    CategoryConnection,
    CategoryType,
    ProductConnection,
    ProductSort,
    ProductType,
    TagConnection,
    TagType,
    sort_spec,
)
from schema.nodes import optional_typed_pk
from services.catalog import suggestions as suggestion_service
from services.catalog.listing import ProductFilter as ProductFilterSpec

SuggestionKind = strawberry.enum(
    suggestion_service.SuggestionKind,
    name="SuggestionKind",
    description="Where a search suggestion comes from.",
)


@strawberry.type(description="A completion for the search box.")
class SearchSuggestion:
    text: str = strawberry.field(description="What to show and, when picked, search for.")
    kind: SuggestionKind  # type: ignore[valid-type]
    slug: str = strawberry.field(description="Slug of the product, category, brand or tag.")
    score: float = strawberry.field(description="Higher is better; suggestions come sorted.")


@strawberry.type(description="One attribute across the compared products.")
class ComparisonRow:
    key: str = strawberry.field(description="Stable machine name, e.g. `age`.")
    label: str = strawberry.field(description='Human label, e.g. "Recommended age".')
    values: list[str | None] = strawberry.field(
        description="One value per product, in the order of `products`; null when unknown."
    )
    differs: bool = strawberry.field(description="True when the products differ here.")


@strawberry.type(description="Products side by side, for a comparison table.")
class ProductComparison:
    products: list[ProductType]
    rows: list[ComparisonRow]


@strawberry.type
class CatalogQuery:
    @strawberry.field(description="Active products, filtered, searched and sorted.")
    async def products(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        search: str | None = None,
        filter: ProductFilter | None = None,
        sort: ProductSort | None = None,
    ) -> ProductConnection:
        """At most 100 per page; `search` tolerates typos ("lego tecnic" finds Technic)."""
        page = await queries.products_page(
            info,
            first=first,
            after=after,
            text=search,
            filters=filter.to_spec() if filter else ProductFilterSpec(),
            sort=sort_spec(sort),
        )
        return ProductConnection.from_page(page, ProductType.from_model)

    @strawberry.field(description="One active product by ID or slug; null when not found.")
    async def product(
        self, info: Info, id: relay.GlobalID | None = None, slug: str | None = None
    ) -> ProductType | None:
        pk = optional_typed_pk(id, "Product")
        row = await queries.product(info, product_id=pk, slug=slug)
        return ProductType.from_model(row) if row is not None else None

    @strawberry.field(description="Root categories; walk down with `children`.")
    async def categories(
        self, first: int | None = MAX_PAGE_SIZE, after: str | None = None
    ) -> CategoryConnection:
        page = await queries.root_categories(first, after)
        return CategoryConnection.from_page(page, CategoryType.from_model)

    @strawberry.field(description="One category by ID or slug; null when not found.")
    async def category(
        self, info: Info, id: relay.GlobalID | None = None, slug: str | None = None
    ) -> CategoryType | None:
        pk = optional_typed_pk(id, "Category")
        row = await queries.category(info, category_id=pk, slug=slug)
        return CategoryType.from_model(row) if row is not None else None

    @strawberry.field(description="All tags, alphabetical.")
    async def tags(
        self, first: int | None = MAX_PAGE_SIZE, after: str | None = None
    ) -> TagConnection:
        return TagConnection.from_page(await queries.tags(first, after), TagType.from_model)

    @strawberry.field(description="All brands, alphabetical.")
    async def brands(
        self, first: int | None = MAX_PAGE_SIZE, after: str | None = None
    ) -> BrandConnection:
        return BrandConnection.from_page(await queries.brands(first, after), BrandType.from_model)

    @strawberry.field(
        description="Completions for what is typed so far, from product names, categories, "
        "tags and brands, best first."
    )
    async def search_suggestions(self, prefix: str, first: int = 8) -> list[SearchSuggestion]:
        found = await queries.search_suggestions(prefix=prefix, first=first)
        return [
            SearchSuggestion(text=s.text, kind=s.kind, slug=s.slug, score=s.score) for s in found
        ]

    @strawberry.field(
        description="2 to 4 products side by side with their attributes aligned row by row."
    )
    async def compare_products(self, info: Info, ids: list[relay.GlobalID]) -> ProductComparison:
        result = await queries.compare_products(
            info, product_ids=[optional_typed_pk(gid, "Product") or -1 for gid in ids]
        )
        return ProductComparison(
            products=[ProductType.from_model(p) for p in result.products],
            rows=[
                ComparisonRow(key=r.key, label=r.label, values=r.values, differs=r.differs)
                for r in result.rows
            ],
        )
