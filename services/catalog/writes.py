"""Keep the catalog's denormalised columns (prices, search document) true after writes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from tortoise.transactions import in_transaction

from models.catalog import Brand, Category, Product, Tag, Variant
from services.catalog import search


async def refresh_products(*, product_ids: Iterable[int] | None = None) -> int:
    """Recompute price range and search document for the given products (all when None)."""
    query = Product.all()
    if product_ids is not None:
        ids = list(product_ids)
        if not ids:
            return 0
        query = query.filter(id__in=ids)
    products = await query.values("id", "brand_id", "category_id")
    if not products:
        return 0
    ids = [row["id"] for row in products]

    brands = dict(await Brand.all().values_list("id", "name"))
    categories = {
        row["id"]: row for row in await Category.all().values("id", "name", "path")
    }
    tags_by_product: dict[int, list[str]] = defaultdict(list)
    tag_names = dict(await Tag.all().values_list("id", "name"))
    through = Product._meta.fields_map["tags"].through  # type: ignore[attr-defined]
    from tortoise import connections

    conn = connections.get("default")
    for chunk in _chunks(ids, 5000):
        placeholders = ",".join(_placeholder(conn, i + 1) for i in range(len(chunk)))
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

    async with in_transaction():
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
            low, high, currency = prices.get(row["id"], (None, None, "EUR"))  # type: ignore[assignment]
            await Product.filter(id=row["id"]).update(
                search_document=document, price_min=low, price_max=high, currency=currency
            )
    search.invalidate_vocabulary()
    return len(products)


def _path_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def _placeholder(conn: object, position: int) -> str:
    dialect = getattr(getattr(conn, "capabilities", None), "dialect", "sqlite")
    return f"${position}" if dialect == "postgres" else "?"


def _chunks(items: list[int], size: int) -> Iterable[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
