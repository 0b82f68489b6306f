"""Staff catalog writes: products, variants, stock, categories; inputs, payloads, errors."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import strawberry
from strawberry import relay

from models import catalog as m
from resolvers.catalog import admin
from resolvers.catalog.admin import Outcome
from resolvers.context import Info
from schema.catalog.types import CategoryType, ProductStatus, ProductType, VariantType
from schema.nodes import typed_pk
from schema.payloads import payload_errors
from services.catalog.errors import CatalogErrorCode as CatalogErrorCodeSpec

STAFF = "Needs a signed-in staff user with the MANAGE_PRODUCTS permission. "

CatalogErrorCode = strawberry.enum(
    CatalogErrorCodeSpec,
    name="CatalogErrorCode",
    description="Why a catalog change was refused. SLUG_TAKEN / SKU_TAKEN: another row has "
    "it; INVALID_PRICE: negative, more than 2 decimals, or a compare-at price not above the "
    "price; NOT_FOUND: an ID points at nothing; INSUFFICIENT_STOCK: a removal would take "
    "stock below 0; INVALID_QUANTITY: a negative or absurd count; CATEGORY_CYCLE: a category "
    "cannot move under itself or its descendants; INVALID_AGE_RANGE: minimum age above "
    "maximum; INVALID_VALUE: anything else malformed (see `message`).",
)


@strawberry.type(description="One reason a catalog mutation did nothing.")
class CatalogError:
    field: str | None = strawberry.field(
        description="The input field at fault (camelCase, e.g. `compareAtPrice`); null when "
        "the error is about the whole operation."
    )
    message: str = strawberry.field(description="Human-readable; show it next to the field.")
    code: CatalogErrorCode  # type: ignore[valid-type]


def _errors(outcome: Outcome[Any]) -> list[CatalogError]:
    if outcome.error is None:
        return []
    return payload_errors(outcome.error, CatalogError, CatalogErrorCodeSpec)


@strawberry.type(description="The product as written, or null with `errors` saying why not.")
class ProductPayload:
    product: ProductType | None
    errors: list[CatalogError] = strawberry.field(description="Empty when the write succeeded.")

    @classmethod
    def of(cls, outcome: Outcome[m.Product]) -> ProductPayload:
        row = outcome.row
        return cls(product=ProductType.from_model(row) if row else None, errors=_errors(outcome))


@strawberry.type(description="The variant as written, or null with `errors` saying why not.")
class VariantPayload:
    variant: VariantType | None = strawberry.field(
        description="After variantDelete: the variant as it was (its ID no longer resolves)."
    )
    errors: list[CatalogError] = strawberry.field(description="Empty when the write succeeded.")
    product_id: strawberry.Private[int | None]

    @strawberry.field(description="The variant's product, with its price range updated.")
    async def product(self, info: Info) -> ProductType | None:
        if self.product_id is None:
            return None
        row = await info.context.loaders.catalog.product_by_id.load(self.product_id)
        return ProductType.from_model(row) if row is not None else None

    @classmethod
    def of(cls, outcome: Outcome[m.Variant]) -> VariantPayload:
        row = outcome.row
        return cls(
            variant=VariantType.from_model(row) if row else None,
            errors=_errors(outcome),
            product_id=row.product_id if row else None,
        )


@strawberry.type(description="The category as written, or null with `errors` saying why not.")
class CategoryPayload:
    category: CategoryType | None
    errors: list[CatalogError] = strawberry.field(description="Empty when the write succeeded.")

    @classmethod
    def of(cls, outcome: Outcome[m.Category]) -> CategoryPayload:
        row = outcome.row
        return cls(category=CategoryType.from_model(row) if row else None, errors=_errors(outcome))


@strawberry.input(description="One option of a variant, e.g. name `colour`, value `Red`.")
class VariantOptionInput:
    name: str
    value: str


AGE = "Recommended age in months (0 = newborn); null for an open end."


@strawberry.input(description="A new product. Only `name` is required.")
class ProductCreateInput:
    name: str = strawberry.field(description="Display name, 1 to 300 characters.")
    slug: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="URL name (lower-case words joined by hyphens); derived from `name` when "
        "left out. SLUG_TAKEN when another product has it.",
    )
    description: str | None = strawberry.UNSET
    status: ProductStatus | None = strawberry.field(  # type: ignore[valid-type]
        default=strawberry.UNSET, description="DRAFT when left out: invisible to shoppers."
    )
    brand_id: relay.GlobalID | None = strawberry.UNSET
    category_id: relay.GlobalID | None = strawberry.UNSET
    tag_ids: list[relay.GlobalID] | None = strawberry.UNSET
    min_age_months: int | None = strawberry.field(default=strawberry.UNSET, description=AGE)
    max_age_months: int | None = strawberry.field(default=strawberry.UNSET, description=AGE)
    materials: list[str] | None = strawberry.UNSET
    battery_required: bool | None = strawberry.UNSET
    battery_type: str | None = strawberry.UNSET
    batteries_included: bool | None = strawberry.UNSET
    currency: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="ISO 4217 code for all variant prices of the product; EUR when left out.",
    )


@strawberry.input(
    description="Changes to a product: only the fields you send change; send null to clear "
    "brand, category or an age bound. `tagIds` replaces all tags."
)
class ProductUpdateInput:
    name: str | None = strawberry.UNSET
    slug: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    brand_id: relay.GlobalID | None = strawberry.UNSET
    category_id: relay.GlobalID | None = strawberry.UNSET
    tag_ids: list[relay.GlobalID] | None = strawberry.UNSET
    min_age_months: int | None = strawberry.field(default=strawberry.UNSET, description=AGE)
    max_age_months: int | None = strawberry.field(default=strawberry.UNSET, description=AGE)
    materials: list[str] | None = strawberry.UNSET
    battery_required: bool | None = strawberry.UNSET
    battery_type: str | None = strawberry.UNSET
    batteries_included: bool | None = strawberry.UNSET


PRICE = "In the product's currency; at most 2 decimals, never negative."
COMPARE_AT = "The former price shown struck through; must be above `price`. Null: not on sale."


@strawberry.input(description="A new variant (SKU) of a product.")
class VariantCreateInput:
    product_id: relay.GlobalID
    sku: str = strawberry.field(description="Unique stock-keeping unit; SKU_TAKEN if not.")
    price: Decimal = strawberry.field(description=PRICE)
    compare_at_price: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description=COMPARE_AT
    )
    name: str | None = strawberry.field(
        default=strawberry.UNSET,
        description='Display name; the option values ("Red / Large") when left out.',
    )
    options: list[VariantOptionInput] | None = strawberry.UNSET
    stock: int | None = strawberry.field(
        default=strawberry.UNSET, description="Units on hand; 0 when left out."
    )


@strawberry.input(
    description="Changes to a variant: only the fields you send change. Stock changes go "
    "through stockSet / stockAdjust."
)
class VariantUpdateInput:
    sku: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    price: Decimal | None = strawberry.field(default=strawberry.UNSET, description=PRICE)
    compare_at_price: Decimal | None = strawberry.field(
        default=strawberry.UNSET, description=COMPARE_AT
    )
    options: list[VariantOptionInput] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces all options."
    )


@strawberry.input(description="A new category.")
class CategoryCreateInput:
    name: str
    slug: str | None = strawberry.field(
        default=strawberry.UNSET, description="Derived from `name` when left out."
    )
    description: str | None = strawberry.UNSET
    parent_id: relay.GlobalID | None = strawberry.field(
        default=strawberry.UNSET, description="The parent; a root category when left out."
    )
    position: int | None = strawberry.field(
        default=strawberry.UNSET, description="Sort position among its siblings."
    )


@strawberry.input(description="Changes to a category: only the fields you send change.")
class CategoryUpdateInput:
    name: str | None = strawberry.UNSET
    slug: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    parent_id: relay.GlobalID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Move the category (with its whole subtree) under this parent; null makes "
        "it a root. CATEGORY_CYCLE when the parent is the category or one of its descendants.",
    )
    position: int | None = strawberry.UNSET


_ID_TYPES = {"brand_id": "Brand", "category_id": "Category", "parent_id": "Category"}


def _given(data: Any) -> dict[str, Any]:
    """The input fields the client sent, converted to what the services take."""
    values: dict[str, Any] = {}
    for item in dataclasses.fields(data):
        value = getattr(data, item.name)
        if value is strawberry.UNSET:
            continue
        if item.name in _ID_TYPES and value is not None:
            value = typed_pk(value, _ID_TYPES[item.name])
        elif item.name == "tag_ids" and value is not None:
            value = [typed_pk(gid, "Tag") for gid in value]
        elif item.name == "options" and value is not None:
            value = {option.name: option.value for option in value}
        elif item.name == "status" and value is not None:
            value = m.ProductStatus(value)
        values[item.name] = value
    return values


@strawberry.type
class CatalogMutation:
    @strawberry.mutation(description=STAFF + "Create a product (a DRAFT unless `status` says).")
    async def product_create(self, info: Info, input: ProductCreateInput) -> ProductPayload:
        return ProductPayload.of(await admin.product_create(info, fields=_given(input)))

    @strawberry.mutation(description=STAFF + "Change a product's details, brand and tags.")
    async def product_update(
        self, info: Info, id: relay.GlobalID, input: ProductUpdateInput
    ) -> ProductPayload:
        outcome = await admin.product_update(
            info, product_id=typed_pk(id, "Product"), changes=_given(input)
        )
        return ProductPayload.of(outcome)

    @strawberry.mutation(description=STAFF + "Make a product ACTIVE: shoppers can find it.")
    async def product_publish(self, info: Info, id: relay.GlobalID) -> ProductPayload:
        outcome = await admin.product_set_status(
            info, product_id=typed_pk(id, "Product"), status=m.ProductStatus.ACTIVE
        )
        return ProductPayload.of(outcome)

    @strawberry.mutation(
        description=STAFF + "Make a product ARCHIVED: hidden from shoppers, kept for orders."
    )
    async def product_archive(self, info: Info, id: relay.GlobalID) -> ProductPayload:
        outcome = await admin.product_set_status(
            info, product_id=typed_pk(id, "Product"), status=m.ProductStatus.ARCHIVED
        )
        return ProductPayload.of(outcome)

    @strawberry.mutation(description=STAFF + "Add a variant (SKU) to a product.")
    async def variant_create(self, info: Info, input: VariantCreateInput) -> VariantPayload:
        fields = _given(input)
        product_id = typed_pk(fields.pop("product_id"), "Product")
        outcome = await admin.variant_create(info, product_id=product_id, fields=fields)
        return VariantPayload.of(outcome)

    @strawberry.mutation(description=STAFF + "Change a variant's SKU, name, options or prices.")
    async def variant_update(
        self, info: Info, id: relay.GlobalID, input: VariantUpdateInput
    ) -> VariantPayload:
        outcome = await admin.variant_update(
            info, variant_id=typed_pk(id, "Variant"), changes=_given(input)
        )
        return VariantPayload.of(outcome)

    @strawberry.mutation(description=STAFF + "Delete a variant; past orders keep their copy of it.")
    async def variant_delete(self, info: Info, id: relay.GlobalID) -> VariantPayload:
        outcome = await admin.variant_delete(info, variant_id=typed_pk(id, "Variant"))
        return VariantPayload.of(outcome)

    @strawberry.mutation(description=STAFF + "Overwrite a variant's stock, e.g. after a count.")
    async def stock_set(
        self, info: Info, variant_id: relay.GlobalID, quantity: int
    ) -> VariantPayload:
        outcome = await admin.stock_set(
            info, variant_id=typed_pk(variant_id, "Variant"), quantity=quantity
        )
        return VariantPayload.of(outcome)

    @strawberry.mutation(
        description=STAFF + "Add units (positive `delta`) or remove them (negative), atomically: "
        "concurrent changes never lose an update, and stock never drops below 0 "
        "(INSUFFICIENT_STOCK)."
    )
    async def stock_adjust(
        self, info: Info, variant_id: relay.GlobalID, delta: int
    ) -> VariantPayload:
        outcome = await admin.stock_adjust(
            info, variant_id=typed_pk(variant_id, "Variant"), delta=delta
        )
        return VariantPayload.of(outcome)

    @strawberry.mutation(description=STAFF + "Create a category, at the root or under a parent.")
    async def category_create(self, info: Info, input: CategoryCreateInput) -> CategoryPayload:
        return CategoryPayload.of(await admin.category_create(info, fields=_given(input)))

    @strawberry.mutation(
        description=STAFF + "Rename or move a category; a move carries its whole subtree."
    )
    async def category_update(
        self, info: Info, id: relay.GlobalID, input: CategoryUpdateInput
    ) -> CategoryPayload:
        outcome = await admin.category_update(
            info, category_id=typed_pk(id, "Category"), changes=_given(input)
        )
        return CategoryPayload.of(outcome)
