"""Catalog types: products, variants, categories, brands, tags, search and comparison."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar, Self

import strawberry
from strawberry import relay

from models import catalog as m
from resolvers.catalog import queries
from resolvers.context import Info
from resolvers.pagination import Page
from schema.nodes import LoadedNode, node_pk
from services.catalog import suggestions as suggestion_service
from services.catalog.listing import ProductFilter as ProductFilterSpec
from services.catalog.listing import ProductSort as ProductSortSpec

ProductStatus = strawberry.enum(
    m.ProductStatus, name="ProductStatus", description="Publication state of a product."
)
CertificationScheme = strawberry.enum(
    m.CertificationScheme,
    name="CertificationScheme",
    description="Toy-safety standards: EN 71 (EU), ASTM F963 (US), CCC (China), CE marking.",
)
SuggestionKind = strawberry.enum(
    suggestion_service.SuggestionKind,
    name="SuggestionKind",
    description="Where a search suggestion comes from.",
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


class CatalogNode(LoadedNode):
    """A Node read through the request's catalog loaders; visible to everyone by default."""

    loader_group: ClassVar[str] = "catalog"

    @classmethod
    def visible(cls, info: Info, row: Any) -> Any:
        return True


class ProductPartNode(CatalogNode):
    """A Node that belongs to a product: visible exactly when its product is."""

    @classmethod
    async def visible(cls, info: Info, row: Any) -> bool:
        return await queries.can_see_product_id(info, row.product_id)


@strawberry.type(description="An amount of money.")
class Money:
    amount: Decimal = strawberry.field(description="Decimal amount, never a float.")
    currency: str = strawberry.field(description="ISO 4217 currency code, e.g. EUR.")


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
        return _age_label(self.min_months, self.max_months)


def _age_label(low: int | None, high: int | None) -> str:
    def fmt(months: int) -> str:
        return f"{months // 12}" if months >= 24 and months % 12 == 0 else f"{months}"

    unit_years = (low or 0) >= 24 and (low or 0) % 12 == 0 and (high is None or high % 12 == 0)
    unit = "years" if unit_years else "months"
    lo = fmt(low or 0) if unit_years else str(low or 0)
    if high is None:
        return f"{lo}+ {unit}"
    hi = fmt(high) if unit_years else str(high)
    return f"{lo}-{hi} {unit}"


@strawberry.type(description="What a toy needs to run on batteries.")
class BatteryInfo:
    required: bool
    battery_type: str | None = strawberry.field(description='e.g. "AA" or "rechargeable Li-ion".')
    included: bool


@strawberry.type(description="Average customer rating.")
class Rating:
    average: float | None
    count: int


@strawberry.type(name="Brand", description="A toy brand.")
class BrandType(CatalogNode):
    loader: ClassVar[str] = "brand_by_id"
    id: relay.NodeID[int]
    slug: str
    name: str

    @classmethod
    def from_model(cls, row: m.Brand) -> Self:
        return cls(id=row.id, slug=row.slug, name=row.name)


@strawberry.type(name="Tag", description="A merchandising tag such as `bestseller`.")
class TagType(CatalogNode):
    loader: ClassVar[str] = "tag_by_id"
    id: relay.NodeID[int]
    slug: str
    name: str

    @classmethod
    def from_model(cls, row: m.Tag) -> Self:
        return cls(id=row.id, slug=row.slug, name=row.name)


@strawberry.type(name="ProductImage", description="A product photo.")
class ProductImageType(ProductPartNode):
    loader: ClassVar[str] = "image_by_id"
    id: relay.NodeID[int]
    url: str
    alt_text: str = strawberry.field(description="Text for screen readers; always present.")
    position: int

    @classmethod
    def from_model(cls, row: m.ProductImage) -> Self:
        return cls(id=row.id, url=row.url, alt_text=row.alt_text, position=row.position)


@strawberry.type(name="Certification", description="A safety certificate held by a product.")
class CertificationType(ProductPartNode):
    loader: ClassVar[str] = "certification_by_id"
    id: relay.NodeID[int]
    scheme: CertificationScheme  # type: ignore[valid-type]
    certificate_number: str

    @classmethod
    def from_model(cls, row: m.Certification) -> Self:
        return cls(
            id=row.id,
            scheme=m.CertificationScheme(row.scheme),
            certificate_number=row.certificate_number,
        )


@strawberry.type(description="One option of a variant, e.g. colour = Red.")
class VariantOption:
    name: str
    value: str


@strawberry.type(name="Variant", description="A purchasable version of a product (SKU).")
class VariantType(ProductPartNode):
    loader: ClassVar[str] = "variant_by_id"
    id: relay.NodeID[int]
    sku: str
    name: str
    options: list[VariantOption]
    price: Money
    compare_at_price: Money | None = strawberry.field(
        description="The former price when the variant is on sale; null otherwise."
    )
    stock: int = strawberry.field(description="Units available to sell now.")
    product_id: strawberry.Private[int]

    @strawberry.field(description="True when at least one unit can be bought.")
    def in_stock(self) -> bool:
        return self.stock > 0

    @strawberry.field(description="The product this variant belongs to.")
    async def product(self, info: Info) -> ProductType | None:
        row = await info.context.loaders.catalog.product_by_id.load(self.product_id)
        if row is None or not ProductType.visible(info, row):
            return None
        return ProductType.from_model(row)

    @classmethod
    def from_model(cls, row: m.Variant) -> Self:
        compare_at = (
            Money(amount=row.compare_at_price, currency=row.currency)
            if row.compare_at_price is not None
            else None
        )
        return cls(
            id=row.id,
            sku=row.sku,
            name=row.name,
            options=[VariantOption(name=k, value=str(v)) for k, v in (row.options or {}).items()],
            price=Money(amount=row.price, currency=row.currency),
            compare_at_price=compare_at,
            stock=max(row.stock, 0),
            product_id=row.product_id,
        )


@strawberry.type(name="Category", description="A node of the category tree, at any depth.")
class CategoryType(CatalogNode):
    loader: ClassVar[str] = "category_by_id"
    id: relay.NodeID[int]
    slug: str
    name: str
    description: str
    depth: int = strawberry.field(description="0 for a root category.")
    parent_id: strawberry.Private[int | None]
    path: strawberry.Private[str]

    @classmethod
    def from_model(cls, row: m.Category) -> Self:
        return cls(
            id=row.id,
            slug=row.slug,
            name=row.name,
            description=row.description,
            depth=row.depth,
            parent_id=row.parent_id,
            path=row.path,
        )

    @strawberry.field(description="The parent category; null for a root.")
    async def parent(self, info: Info) -> CategoryType | None:
        if self.parent_id is None:
            return None
        row = await info.context.loaders.catalog.category_by_id.load(self.parent_id)
        return CategoryType.from_model(row) if row is not None else None

    @strawberry.field(description="Direct sub-categories.")
    async def children(self, info: Info) -> list[CategoryType]:
        rows = await info.context.loaders.catalog.categories_by_parent_id.load(self.id)
        return [CategoryType.from_model(row) for row in rows]

    @strawberry.field(description="From the root down to the parent (breadcrumbs).")
    async def ancestors(self, info: Info) -> list[CategoryType]:
        ids = [int(part) for part in self.path.strip("/").split("/") if part][:-1]
        rows = await info.context.loaders.catalog.category_by_id.load_many(ids)
        return [CategoryType.from_model(row) for row in rows if row is not None]

    @strawberry.field(description="Active products in this category and all its descendants.")
    async def products(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        sort: ProductSort | None = None,
    ) -> ProductConnection:
        page = await queries.category_products(
            info, category_id=self.id, first=first, after=after, sort=_sort(sort)
        )
        return ProductConnection.from_page(page)


@strawberry.type(name="Product", description="A product of the catalog with its variants.")
class ProductType(CatalogNode):
    loader: ClassVar[str] = "product_by_id"
    id: relay.NodeID[int]
    slug: str
    name: str
    description: str
    status: ProductStatus  # type: ignore[valid-type]
    materials: list[str] = strawberry.field(description='e.g. ["FSC wood", "water-based paint"].')
    age_range: AgeRange = strawberry.field(description="Recommended age range in months.")
    battery: BatteryInfo
    price_range: PriceRange | None = strawberry.field(
        description="Lowest and highest variant price; null when the product has no variants."
    )
    rating: Rating
    created_at: datetime
    updated_at: datetime
    brand_id: strawberry.Private[int | None]
    category_id: strawberry.Private[int | None]

    @classmethod
    def visible(cls, info: Info, row: m.Product) -> bool:
        return queries.can_see_product(info, row)

    @classmethod
    def from_model(cls, row: m.Product) -> Self:
        price_range = None
        if row.price_min is not None and row.price_max is not None:
            price_range = PriceRange(
                start=Money(amount=row.price_min, currency=row.currency),
                stop=Money(amount=row.price_max, currency=row.currency),
            )
        return cls(
            id=row.id,
            slug=row.slug,
            name=row.name,
            description=row.description,
            status=m.ProductStatus(row.status),
            materials=list(row.materials or []),
            age_range=AgeRange(min_months=row.min_age_months, max_months=row.max_age_months),
            battery=BatteryInfo(
                required=row.battery_required,
                battery_type=row.battery_type,
                included=row.batteries_included,
            ),
            price_range=price_range,
            rating=Rating(
                average=float(row.rating_average) if row.rating_average is not None else None,
                count=row.rating_count,
            ),
            created_at=row.created_at,
            updated_at=row.updated_at,
            brand_id=row.brand_id,
            category_id=row.category_id,
        )

    @strawberry.field
    async def brand(self, info: Info) -> BrandType | None:
        if self.brand_id is None:
            return None
        row = await info.context.loaders.catalog.brand_by_id.load(self.brand_id)
        return BrandType.from_model(row) if row is not None else None

    @strawberry.field(description="The product's own (deepest) category.")
    async def category(self, info: Info) -> CategoryType | None:
        if self.category_id is None:
            return None
        row = await info.context.loaders.catalog.category_by_id.load(self.category_id)
        return CategoryType.from_model(row) if row is not None else None

    @strawberry.field
    async def tags(self, info: Info) -> list[TagType]:
        rows = await info.context.loaders.catalog.tags_by_product_id.load(self.id)
        return [TagType.from_model(row) for row in rows]

    @strawberry.field
    async def variants(self, info: Info) -> list[VariantType]:
        rows = await info.context.loaders.catalog.variants_by_product_id.load(self.id)
        return [VariantType.from_model(row) for row in rows]

    @strawberry.field
    async def images(self, info: Info) -> list[ProductImageType]:
        rows = await info.context.loaders.catalog.images_by_product_id.load(self.id)
        return [ProductImageType.from_model(row) for row in rows]

    @strawberry.field
    async def certifications(self, info: Info) -> list[CertificationType]:
        rows = await info.context.loaders.catalog.certifications_by_product_id.load(self.id)
        return [CertificationType.from_model(row) for row in rows]

    @strawberry.field(description="True when at least one variant is in stock.")
    async def in_stock(self, info: Info) -> bool:
        rows = await info.context.loaders.catalog.variants_by_product_id.load(self.id)
        return any(row.stock > 0 for row in rows)


def _connection_fields(page: Page[Any], convert: Callable[[Any], Any]) -> dict[str, Any]:
    edges = [
        relay.Edge(node=convert(row), cursor=page.cursor(index))
        for index, row in enumerate(page.items)
    ]
    return {
        "edges": edges,
        "page_info": relay.PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        "total_count": page.total,
    }


TOTAL_COUNT = "How many items the whole list holds."


@strawberry.type(description="A page of products.")
class ProductConnection(relay.Connection[ProductType]):
    total_count: int | None = strawberry.field(description=TOTAL_COUNT)

    @classmethod
    def from_page(cls, page: Page[Any]) -> ProductConnection:
        return cls(**_connection_fields(page, ProductType.from_model))


@strawberry.type(description="A page of categories.")
class CategoryConnection(relay.Connection[CategoryType]):
    total_count: int | None = strawberry.field(description=TOTAL_COUNT)

    @classmethod
    def from_page(cls, page: Page[Any]) -> CategoryConnection:
        return cls(**_connection_fields(page, CategoryType.from_model))


@strawberry.type(description="A page of tags.")
class TagConnection(relay.Connection[TagType]):
    total_count: int | None = strawberry.field(description=TOTAL_COUNT)

    @classmethod
    def from_page(cls, page: Page[Any]) -> TagConnection:
        return cls(**_connection_fields(page, TagType.from_model))


@strawberry.type(description="A page of brands.")
class BrandConnection(relay.Connection[BrandType]):
    total_count: int | None = strawberry.field(description=TOTAL_COUNT)

    @classmethod
    def from_page(cls, page: Page[Any]) -> BrandConnection:
        return cls(**_connection_fields(page, BrandType.from_model))


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

    def to_spec(self) -> ProductFilterSpec:
        category_ids = []
        for gid in self.categories or []:
            pk = node_pk(gid.node_id) if gid.type_name == "Category" else None
            category_ids.append(pk if pk is not None else -1)
        return ProductFilterSpec(
            category_ids=category_ids,
            category_slugs=list(self.category_slugs or []),
            tag_slugs=list(self.tags or []),
            brand_slugs=list(self.brands or []),
            price_min=self.price.gte if self.price else None,
            price_max=self.price.lte if self.price else None,
            age_months=self.age_months,
            in_stock=self.in_stock,
            certifications=[m.CertificationScheme(c) for c in self.certifications or []],
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


def _sort(sort: ProductSort | None) -> ProductSortSpec | None:
    return ProductSortSpec(str(sort.value)) if sort is not None else None


def _product_ids(ids: Sequence[relay.GlobalID]) -> list[int]:
    return [(node_pk(gid.node_id) or -1) if gid.type_name == "Product" else -1 for gid in ids]


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
            sort=_sort(sort),
        )
        return ProductConnection.from_page(page)

    @strawberry.field(description="One active product by ID or slug; null when not found.")
    async def product(
        self, info: Info, id: relay.GlobalID | None = None, slug: str | None = None
    ) -> ProductType | None:
        pk = None
        if id is not None:
            pk = node_pk(id.node_id) if id.type_name == "Product" else -1
        row = await queries.product(info, product_id=pk, slug=slug)
        return ProductType.from_model(row) if row is not None else None

    @strawberry.field(description="Root categories; walk down with `children`.")
    async def categories(
        self, first: int | None = 100, after: str | None = None
    ) -> CategoryConnection:
        return CategoryConnection.from_page(await queries.root_categories(first, after))

    @strawberry.field(description="One category by ID or slug; null when not found.")
    async def category(
        self, info: Info, id: relay.GlobalID | None = None, slug: str | None = None
    ) -> CategoryType | None:
        pk = None
        if id is not None:
            pk = node_pk(id.node_id) if id.type_name == "Category" else -1
        row = await queries.category(info, category_id=pk, slug=slug)
        return CategoryType.from_model(row) if row is not None else None

    @strawberry.field(description="All tags, alphabetical.")
    async def tags(self, first: int | None = 100, after: str | None = None) -> TagConnection:
        return TagConnection.from_page(await queries.tags(first, after))

    @strawberry.field(description="All brands, alphabetical.")
    async def brands(self, first: int | None = 100, after: str | None = None) -> BrandConnection:
        return BrandConnection.from_page(await queries.brands(first, after))

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
        result = await queries.compare_products(info, product_ids=_product_ids(ids))
        return ProductComparison(
            products=[ProductType.from_model(p) for p in result.products],
            rows=[
                ComparisonRow(key=r.key, label=r.label, values=r.values, differs=r.differs)
                for r in result.rows
            ],
        )
