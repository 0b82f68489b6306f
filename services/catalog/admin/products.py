"""Staff writes to products, variants and stock."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from tortoise.expressions import F

from models.catalog import Brand, Category, Product, ProductStatus, Tag, Variant
from services.catalog import emission, stock
from services.catalog.admin.common import (
    CENT,
    CURRENCY_RE,
    MAX_AGE_MONTHS,
    MAX_PRICE,
    MAX_STOCK,
    PRODUCT_KEYS,
    VARIANT_KEYS,
    Code,
    bad,
    check,
    clean_text,
    free_slug,
    unique_write,
    validate_slug,
)
from services.catalog.denormalize import refresh_products
from services.catalog.importer import slugify
from services.clock import now
from services.errors import DomainError
from services.transactions import transaction

# --- products ---------------------------------------------------------------------------


_PRODUCT_DEFAULTS = {"description": "", "materials": [], "battery_required": False}
_PRODUCT_DEFAULTS |= {"batteries_included": False}


async def _validate_product(
    values: dict[str, Any], current: Product | None, problems: list[DomainError]
) -> None:
    for key, default in _PRODUCT_DEFAULTS.items():
        if key in values and values[key] is None:
            values[key] = default
    if "name" in values:
        values["name"] = clean_text(values["name"], "name", 300, problems)
    if "slug" in values:
        await validate_slug(Product, values["slug"], current, 200, problems)
    if "currency" in values and not CURRENCY_RE.match(str(values["currency"] or "")):
        bad(problems, Code.INVALID_VALUE, "ISO 4217, e.g. EUR.", "currency")
    for key, model in (("brand_id", Brand), ("category_id", Category)):
        if values.get(key) is not None and not await model.exists(id=values[key]):
            bad(problems, Code.NOT_FOUND, "No such one.", key)
    if values.get("tag_ids"):
        wanted = set(values["tag_ids"])
        if await Tag.filter(id__in=list(wanted)).count() != len(wanted):
            bad(problems, Code.NOT_FOUND, "Unknown tag.", "tag_ids")
    for key in ("min_age_months", "max_age_months"):
        age = values.get(key)
        if age is not None and not 0 <= age <= MAX_AGE_MONTHS:
            bad(problems, Code.INVALID_VALUE, "Months from 0.", key)
    low = values.get("min_age_months", current.min_age_months if current else None)
    high = values.get("max_age_months", current.max_age_months if current else None)
    if low is not None and high is not None and low > high:
        bad(
            problems,
            Code.INVALID_AGE_RANGE,
            "The minimum age is above the maximum age.",
            "max_age_months" if "max_age_months" in values else "min_age_months",
        )


async def create_product(*, fields: Mapping[str, Any]) -> Product:
    """Create a product (a draft unless a status is given), with its brand and tags."""
    values = {key: value for key, value in fields.items() if key in PRODUCT_KEYS}
    values.setdefault("name", "")
    async with transaction():
        problems: list[DomainError] = []
        await _validate_product(values, None, problems)
        check(problems)
        tag_ids = values.pop("tag_ids", None) or []
        if not values.get("slug"):
            values["slug"] = await free_slug(Product, slugify(values["name"]), 200)
        product = await unique_write(Product.create(**values), Code.SLUG_TAKEN, "slug")
        if tag_ids:
            await product.tags.add(*await Tag.filter(id__in=tag_ids))
        await refresh_products(product_ids=[product.id])
        await emission.product_changed(before=None, product=product, changed=values)
    return await Product.get(id=product.id)


async def update_product(*, product_id: int, changes: Mapping[str, Any]) -> Product:
    """Change the given product fields; `tag_ids` replaces the product's tags."""
    values = {key: value for key, value in changes.items() if key in PRODUCT_KEYS}
    async with transaction():
        product = await Product.get_or_none(id=product_id)
        if product is None:
            raise DomainError(Code.NOT_FOUND, "No such product.", field="id")
        problems: list[DomainError] = []
        await _validate_product(values, product, problems)
        check(problems)
        tag_ids = values.pop("tag_ids", None)
        if values:
            values["updated_at"] = now()
            await unique_write(
                Product.filter(id=product_id).update(**values), Code.SLUG_TAKEN, "slug"
            )
        if tag_ids is not None:
            await product.tags.clear()
            if tag_ids:
                await product.tags.add(*await Tag.filter(id__in=tag_ids))
        await refresh_products(product_ids=[product_id])
        changed = [key for key in values if key != "updated_at"]
        if tag_ids is not None:
            changed.append("tag_ids")
        if changed:
            before = product.status
            product = await Product.get(id=product_id)
            await emission.product_changed(before=before, product=product, changed=changed)
    return product


async def set_product_status(*, product_id: int, status: ProductStatus) -> Product:
    """Publish (ACTIVE), archive (ARCHIVED) or unpublish (DRAFT) a product."""
    return await update_product(product_id=product_id, changes={"status": status})


async def _variants_changed(product: Product) -> None:
    """A published product's variants (SKUs, prices, options) changed: `product.updated`."""
    await emission.product_changed(before=product.status, product=product, changed=["variants"])


# --- variants and stock -----------------------------------------------------------------


def _price(value: Any, field: str, problems: list[DomainError]) -> Decimal | None:
    try:
        price = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        price = Decimal("-1")
    if not price.is_finite() or price < 0 or price > MAX_PRICE:
        bad(problems, Code.INVALID_PRICE, "A price is from 0 to 9999999999.99.", field)
        return None
    if price != price.quantize(CENT):
        bad(problems, Code.INVALID_PRICE, "At most 2 decimal places.", field)
        return None
    return price.quantize(CENT)


def _validate_variant(
    values: dict[str, Any], current: Variant | None, problems: list[DomainError]
) -> None:
    if "sku" in values:
        values["sku"] = clean_text(values["sku"], "sku", 64, problems)
    if "name" in values:
        values["name"] = clean_text(values["name"], "name", 200, problems)
    if "options" in values:
        options = values["options"] or {}
        if any(not str(k).strip() or not str(v).strip() for k, v in options.items()):
            bad(problems, Code.INVALID_VALUE, "Options need a name and value.", "options")
        values["options"] = {str(k).strip(): str(v).strip() for k, v in options.items()}
    if "stock" in values and not 0 <= values["stock"] <= MAX_STOCK:
        bad(problems, Code.INVALID_QUANTITY, "Stock from 0.", "stock")
    if "price" in values and values["price"] is None:
        bad(problems, Code.INVALID_PRICE, "A price is needed.", "price")
    valid = True
    for key in ("price", "compare_at_price"):
        if values.get(key) is not None:
            values[key] = _price(values[key], key, problems)
            valid = valid and values[key] is not None
    price = values.get("price", current.price if current else None)
    compare_at = values.get("compare_at_price", current.compare_at_price if current else None)
    if valid and price is not None and compare_at is not None and compare_at <= price:
        bad(
            problems,
            Code.INVALID_PRICE,
            "The compare-at price must be above the price (it is the former price).",
            "compare_at_price",
        )


async def _sku_free(sku: str | None, variant_id: int | None) -> None:
    if sku is None:
        return
    clash = Variant.filter(sku=sku)
    if variant_id is not None:
        clash = clash.exclude(id=variant_id)
    if await clash.exists():
        raise DomainError(Code.SKU_TAKEN, "Another variant has this SKU.", field="sku")


async def create_variant(*, product_id: int, fields: Mapping[str, Any]) -> Variant:
    """Add a variant (SKU) to a product, priced in the product's currency."""
    values = {key: value for key, value in fields.items() if key in VARIANT_KEYS}
    values.setdefault("sku", "")
    values.setdefault("price", None)
    values.setdefault("options", {})
    problems: list[DomainError] = []
    _validate_variant(values, None, problems)
    check(problems)
    async with transaction():
        product = await Product.get_or_none(id=product_id)
        if product is None:
            raise DomainError(Code.NOT_FOUND, "No such product.", field="product_id")
        await _sku_free(values["sku"], None)
        if not values.get("name"):
            values["name"] = " / ".join(values["options"].values())[:200] or "Default"
        last = await Variant.filter(product_id=product_id).order_by("-position").first()
        variant = await unique_write(
            Variant.create(
                product_id=product_id,
                currency=product.currency,
                position=last.position + 1 if last else 0,
                **values,
            ),
            Code.SKU_TAKEN,
            "sku",
        )
        await refresh_products(product_ids=[product_id])
        await _variants_changed(product)
    return variant


async def update_variant(*, variant_id: int, changes: Mapping[str, Any]) -> Variant:
    """Change a variant's SKU, name, options, price or compare-at price."""
    values = {key: value for key, value in changes.items() if key in VARIANT_KEYS - {"stock"}}
    async with transaction():
        variant = await Variant.get_or_none(id=variant_id)
        if variant is None:
            raise DomainError(Code.NOT_FOUND, "No such variant.", field="id")
        problems: list[DomainError] = []
        _validate_variant(values, variant, problems)
        check(problems)
        await _sku_free(values.get("sku"), variant_id)
        if values:
            values["updated_at"] = now()
            await unique_write(
                Variant.filter(id=variant_id).update(**values), Code.SKU_TAKEN, "sku"
            )
            await _variants_changed(await Product.get(id=variant.product_id))
        await refresh_products(product_ids=[variant.product_id])
    return await Variant.get(id=variant_id)


async def delete_variant(*, variant_id: int) -> Variant:
    """Delete a variant; past order lines keep their copy of its name, SKU and price."""
    async with transaction():
        variant = await Variant.get_or_none(id=variant_id)
        if variant is None:
            raise DomainError(Code.NOT_FOUND, "No such variant.", field="id")
        await variant.delete()
        await refresh_products(product_ids=[variant.product_id])
        await _variants_changed(await Product.get(id=variant.product_id))
    return variant


async def set_stock(*, variant_id: int, quantity: int) -> Variant:
    """Overwrite a variant's stock after a count."""
    if not 0 <= quantity <= MAX_STOCK:
        raise DomainError(Code.INVALID_QUANTITY, "Stock from 0.", field="quantity")
    async with transaction():
        before = await Variant.filter(id=variant_id).select_for_update().first()
        if before is None:
            raise DomainError(Code.NOT_FOUND, "No such variant.", field="variant_id")
        await Variant.filter(id=variant_id).update(stock=quantity, updated_at=now())
        variant = await Variant.get(id=variant_id)
        change = stock.StockChange(variant.id, variant.product_id, before.stock, variant.stock)
        await stock.announce(change, reason="count")
        await refresh_products(product_ids=[variant.product_id])
    return variant


async def adjust_stock(*, variant_id: int, delta: int) -> Variant:
    """Add (or with a negative delta remove) units atomically; stock never goes below 0."""
    if abs(delta) > MAX_STOCK:
        raise DomainError(Code.INVALID_QUANTITY, "Too large a change.", field="delta")
    async with transaction():
        # One conditional UPDATE: two concurrent removals can never both take the last unit.
        updated = await Variant.filter(
            id=variant_id, stock__gte=-delta, stock__lte=MAX_STOCK - delta
        ).update(stock=F("stock") + delta, updated_at=now())
        variant = await Variant.get_or_none(id=variant_id)
        if variant is None:
            raise DomainError(Code.NOT_FOUND, "No such variant.", field="variant_id")
        if not updated:
            if variant.stock + delta < 0:
                raise DomainError(
                    Code.INSUFFICIENT_STOCK,
                    f"Only {max(variant.stock, 0)} in stock.",
                    field="delta",
                )
            raise DomainError(Code.INVALID_QUANTITY, "Too much stock.", field="delta")
        change = stock.StockChange(
            variant.id, variant.product_id, variant.stock - delta, variant.stock
        )
        await stock.announce(change, reason="adjustment")
        await refresh_products(product_ids=[variant.product_id])
    return variant
