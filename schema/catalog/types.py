"""Catalog types: products, variants, categories, brands and tags, and their connections."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Self

import strawberry
from strawberry import relay

from models import catalog as m
from resolvers.catalog import queries
from resolvers.context import Info
from schema.catalog.flash import FlashPriceOffer, product_flash_price, variant_flash_price
from schema.catalog.money import Money
from schema.catalog.values import (
    AgeRange,
    BatteryInfo,
    CertificationScheme,
    PriceRange,
    ProductSort,
    ProductStatus,
    Rating,
    sort_spec,
)
from schema.community import product_fields
from schema.connections import CountedConnection
from schema.nodes import LoadedNode
from services.catalog.rows import (
    BrandRow,
    CategoryRow,
    CertificationRow,
    ImageRow,
    ProductRow,
    VariantRow,
)


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


@strawberry.type(name="Brand", description="A toy brand.")
class BrandType(CatalogNode):
    loader: ClassVar[str] = "brand_by_id"
    id: relay.NodeID[int]
    slug: str
    name: str

    @classmethod
    def from_model(cls, row: m.Brand | BrandRow) -> Self:
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
    def from_model(cls, row: m.ProductImage | ImageRow) -> Self:
        return cls(id=row.id, url=row.url, alt_text=row.alt_text, position=row.position)


@strawberry.type(name="Certification", description="A safety certificate held by a product.")
class CertificationType(ProductPartNode):
    loader: ClassVar[str] = "certification_by_id"
    id: relay.NodeID[int]
    scheme: CertificationScheme  # type: ignore[valid-type]
    certificate_number: str

    @classmethod
    def from_model(cls, row: m.Certification | CertificationRow) -> Self:
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
    flash_price: FlashPriceOffer | None = strawberry.field(
        resolver=variant_flash_price,
        description="The flash price running now (or soon, for tiers with early access).",
    )
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
    def from_model(cls, row: m.Variant | VariantRow) -> Self:
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
    def from_model(cls, row: m.Category | CategoryRow) -> Self:
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
            info, category_id=self.id, first=first, after=after, sort=sort_spec(sort)
        )
        return ProductConnection.from_page(page, ProductType.from_model)


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
    flash_price: FlashPriceOffer | None = strawberry.field(
        resolver=product_flash_price,
        description="The lowest flash price of its variants running now (or soon, for tiers "
        "with early access).",
    )
    brand_id: strawberry.Private[int | None]
    category_id: strawberry.Private[int | None]
    currency: strawberry.Private[str]

    @classmethod
    def visible(cls, info: Info, row: m.Product | ProductRow) -> bool:
        return queries.can_see_product(info, row)

    @classmethod
    def from_model(cls, row: m.Product | ProductRow) -> Self:
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
            currency=row.currency,
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

    # Reviews and Q&A belong to the community domain (resolvers in its schema module).
    reviews = strawberry.field(
        resolver=product_fields.reviews,
        description="Customer reviews, most helpful first unless sorted.",
    )
    rating_summary = strawberry.field(
        resolver=product_fields.rating_summary,
        description="Average, count and histogram of the product's ratings.",
    )
    questions = strawberry.field(
        resolver=product_fields.questions,
        description="Shoppers' questions about the product, newest first.",
    )


@strawberry.type(description="A page of products.")
class ProductConnection(CountedConnection[ProductType]):
    pass


@strawberry.type(description="A page of categories.")
class CategoryConnection(CountedConnection[CategoryType]):
    pass


@strawberry.type(description="A page of tags.")
class TagConnection(CountedConnection[TagType]):
    pass


@strawberry.type(description="A page of brands.")
class BrandConnection(CountedConnection[BrandType]):
    pass
