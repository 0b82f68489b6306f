"""Keep the catalog's denormalised columns (prices, search document) true after writes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from models.catalog import Brand, Category, Product, Tag, Variant
from services import sql
from services.catalog import search, versioning
from services.transactions import transaction


async def refresh_products(*, product_ids: Iterable[int] | None = None) -> int:
    """Recompute price range and search document for the given products (all when None)."""
    query = Product.all()
    if product_ids is not None:
        ids = list(product_ids)
        if not ids:
            return 0
        query = query.filter(id__in=ids)
    products = await query.values("id", "brand_id", "category_id", "currency")
    if not products:
        return 0
    ids = [row["id"] for row in products]

    brands = dict(await Brand.all().values_list("id", "name"))
    categories = {row["id"]: row for row in await Category.all().values("id", "name", "path")}
    tags_by_product: dict[int, list[str]] = defaultdict(list)
    tag_names = dict(await Tag.all().values_list("id", "name"))
    through = Product._meta.fields_map["tags"].through  # type: ignore[attr-defined]
    from tortoise import connections

    conn = connections.get("default")
    for chunk in _chunks(ids, 5000):
        placeholders = ",".join(sql.marks(conn, len(chunk)))
        rows = await conn.execute_query_dict(
            f"SELECT product_id, tag_id FROM {through} WHERE product_id IN ({placeholders})",
            list(chunk),
        )
        for row in rows:
            tags_by_product[row["product_id"]].append(tag_names.get(row["tag_id"], ""))

    prices: dict[int, tuple[Decimal, Decimal, str]] = {}
    for chunk in _chunks(ids, 5000):
        for row in await Variant.filter(product_id__in=list(chunk)).values(
            "product_id", "price", "currency"
        ):
            low, high, currency = prices.get(
                row["product_id"], (row["price"], row["price"], row["currency"])
            )
            prices[row["product_id"]] = (
                min(low, row["price"]),
                max(high, row["price"]),
                currency,
            )

    updates = []
    for row in products:
        category = categories.get(row["category_id"])
        path_names = []
        if category is not None:
            for ancestor_id in _path_ids(category["path"]):
                ancestor = categories.get(ancestor_id)
                if ancestor is not None:
                    path_names.append(ancestor["name"])
        document = search.build_document(
            brand=brands.get(row["brand_id"]) if row["brand_id"] else None,
            category_path=path_names,
            tags=tags_by_product.get(row["id"], []),
        )
        price = prices.get(row["id"])
        # A product without variants keeps the currency it was created with.
        low, high, currency = price if price is not None else (None, None, row["currency"])
        updates.append([document, low, high, currency, row["id"]])

    # One prepared UPDATE executed over many rows: one round trip per batch instead of per
    # product, which is what makes seeding 10,000 products take seconds.
    async with transaction() as tx:
        slots = sql.marks(tx, 5)
        statement = (
            f"UPDATE product SET search_document = {slots[0]}, price_min = {slots[1]}, "
            f"price_max = {slots[2]}, currency = {slots[3]} WHERE id = {slots[4]}"
        )
        for start in range(0, len(updates), 2000):
            await tx.execute_many(statement, updates[start : start + 2000])
    search.invalidate_vocabulary()
    await versioning.bump()
    return len(products)


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def analyze_tables() -> None:
    """Refresh planner statistics after bulk loads (PostgreSQL plans badly without them)."""
    from tortoise import connections

    conn = connections.get("default")
    if conn.capabilities.dialect in ("postgres", "sqlite"):
        await conn.execute_script("ANALYZE")
