"""Import a product catalog from a retail transactions CSV, idempotently."""

from __future__ import annotations

import csv
import pathlib
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TypeVar

from models.catalog import Brand, Category, Product, ProductStatus, Variant
from services.catalog import versioning
from services.catalog.denormalize import analyze_tables, refresh_products
from services.transactions import transaction

SOURCE = "online-retail"
SOURCE_NAME = "Online Retail"
CURRENCY = "GBP"
INITIAL_STOCK = 100
BATCH_SIZE = 500
# Postage, fees, manual adjustments, samples and vouchers: rows of the ledger, not products.
NON_PRODUCT_CODES = frozenset(
    {"POST", "D", "M", "DOT", "BANK CHARGES", "AMAZONFEE", "C2", "CRUK", "S", "PADS", "B"}
)
_NON_PRODUCT_PREFIXES = ("GIFT_",)
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Letters right after digits are units ("125g", "65cm") and stay lower case.
_WORD = re.compile(r"(?<![0-9A-Za-z])[A-Za-z]+(?:'[A-Za-z]+)?")
_CENT = Decimal("0.01")
_T = TypeVar("_T", str, Decimal)


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens ("Dolls & Playsets" -> "dolls-playsets")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_WORD.sub("-", ascii_text.lower()).strip("-")


def clean_title(description: str) -> str:
    """Title-case a shouting ledger description ("SET/6 RED T-LIGHTS." -> "Set/6 Red T-Lights")."""
    text = " ".join(description.split()).strip(" .,;:-")
    return _WORD.sub(lambda match: match.group(0).capitalize(), text.lower())


@dataclass(frozen=True)
class CatalogItem:
    stock_code: str
    name: str
    price: Decimal

    @property
    def external_ref(self) -> str:
        return f"{SOURCE}:{self.stock_code}"

    @property
    def sku(self) -> str:
        return f"OR-{self.stock_code}"

    @property
    def slug(self) -> str:
        return f"{slugify(self.name)[:150]}-{slugify(self.stock_code)}"

    @property
    def description(self) -> str:
        return f"{self.name}, stock code {self.stock_code}, from the {SOURCE_NAME} catalogue."


def read_catalog(path: pathlib.Path) -> tuple[list[CatalogItem], int]:
    """One item per stock code from the transactions CSV, and how many codes were skipped."""
    descriptions: dict[str, Counter[str]] = defaultdict(Counter)
    prices: dict[str, Counter[Decimal]] = defaultdict(Counter)
    seen: set[str] = set()
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            # "85123a" and "85123A" are the same lantern sold through two channels.
            code = row["stock_code"].strip().upper()
            if not code:
                continue
            seen.add(code)
            price = _price(row["unit_price"])
            if price is None:
                continue
            prices[code][price] += 1
            # Adjustments ("damaged", "check", "?") come with a zero price, so only priced
            # rows name the product.
            text = (row["description"] or "").strip()
            if text:
                descriptions[code][text] += 1
    items = []
    for code in sorted(seen):
        if code in NON_PRODUCT_CODES or code.startswith(_NON_PRODUCT_PREFIXES):
            continue
        if not prices[code] or not descriptions[code]:
            continue
        name = clean_title(_most_common(descriptions[code]))
        if name:
            items.append(CatalogItem(code, name[:300], _most_common(prices[code])))
    return items, len(seen) - len(items)


def _price(text: str) -> Decimal | None:
    try:
        value = Decimal(text).quantize(_CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return None
    return value if value > 0 else None


def _most_common(counter: Counter[_T]) -> _T:
    # Ties go to the smallest value so that the result never depends on row order.
    return min(counter, key=lambda value: (-counter[value], value))


async def import_catalog(*, path: pathlib.Path) -> dict[str, int]:
    """Upsert the products of a transactions CSV; running it again changes nothing."""
    items, skipped = read_catalog(path)
    async with transaction():
        brand, _ = await Brand.get_or_create(slug=SOURCE, defaults={"name": SOURCE_NAME})
        category = await _root_category()
        existing = await _imported_products()
        variants = {
            row["sku"]: row
            for row in await Variant.filter(sku__startswith="OR-").values(
                "id", "sku", "product_id", "name", "price", "currency"
            )
        }
        wanted = {"brand_id": brand.id, "category_id": category.id}
        new_items = [item for item in items if item.external_ref not in existing]
        await Product.bulk_create(
            [
                Product(
                    slug=item.slug,
                    name=item.name,
                    description=item.description,
                    status=ProductStatus.ACTIVE,
                    currency=CURRENCY,
                    external_ref=item.external_ref,
                    **wanted,
                )
                for item in new_items
            ],
            batch_size=BATCH_SIZE,
        )
        created = len(new_items)
        changed: set[int] = set()
        if new_items:
            for ref, row in (await _imported_products()).items():
                if ref not in existing:
                    existing[ref] = row
                    changed.add(row["id"])
        new_variants = []
        for item in items:
            product = existing[item.external_ref]
            fields = _changes(
                product,
                {"name": item.name, "description": item.description, **wanted},
            )
            if fields:
                # Status and stock belong to the shop once imported; only source facts follow.
                await Product.filter(id=product["id"]).update(**fields)
                changed.add(product["id"])
            variant = variants.get(item.sku)
            if variant is None:
                new_variants.append(
                    Variant(
                        product_id=product["id"],
                        sku=item.sku,
                        name=item.name[:200],
                        options={},
                        price=item.price,
                        currency=CURRENCY,
                        stock=INITIAL_STOCK,
                    )
                )
                changed.add(product["id"])
                continue
            variant_fields = _changes(
                variant,
                {
                    "product_id": product["id"],
                    "name": item.name[:200],
                    "price": item.price,
                    "currency": CURRENCY,
                },
            )
            if variant_fields:
                await Variant.filter(id=variant["id"]).update(**variant_fields)
                changed.add(product["id"])
        await Variant.bulk_create(new_variants, batch_size=BATCH_SIZE)
        updated = len(changed) - created
        await refresh_products(product_ids=sorted(changed))
    if changed:
        await analyze_tables()
    return {
        "products": len(items),
        "created": created,
        "updated": updated,
        "unchanged": len(items) - created - updated,
        "skipped": skipped,
    }


async def _imported_products() -> dict[str, dict[str, Any]]:
    rows = await Product.filter(external_ref__startswith=f"{SOURCE}:").values(
        "id", "external_ref", "name", "description", "brand_id", "category_id"
    )
    return {row["external_ref"]: row for row in rows}


async def _root_category() -> Category:
    category = await Category.get_or_none(slug=SOURCE)
    if category is None:
        category = await Category.create(slug=SOURCE, name=SOURCE_NAME, path="", depth=0)
        category.path = f"/{category.id}/"
        await category.save(update_fields=["path"])
        # Readers hold the category tree per catalog version, even if no product follows.
        await versioning.bump()
    return category


def _changes(row: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in wanted.items() if row.get(key) != value}
