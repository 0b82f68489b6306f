"""Product listing: filters, sorts and search combined into one page of products."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import partial

from tortoise import connections
from tortoise.expressions import Case, Q, Subquery, When
from tortoise.queryset import QuerySet

from models.catalog import (
    Brand,
    Certification,
    CertificationScheme,
    Product,
    ProductStatus,
    Tag,
    Variant,
)
from services import sql
from services.catalog import rows as light
from services.catalog import search, tree, visibility
from services.catalog.rows import ProductRow


class ProductSort(StrEnum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    BEST_SELLING = "best_selling"
    RATING = "rating"
    NAME = "name"


@dataclass(frozen=True)
class ProductFilter:
    category_ids: list[int] = field(default_factory=list)
    category_slugs: list[str] = field(default_factory=list)
    tag_slugs: list[str] = field(default_factory=list)
    brand_slugs: list[str] = field(default_factory=list)
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    age_months: int | None = None
    in_stock: bool | None = None
    certifications: list[CertificationScheme] = field(default_factory=list)
    # Products whose average rating (from reviews) is at least this; unrated ones never match.
    rating_min: Decimal | None = None
    statuses: list[ProductStatus] = field(
        default_factory=lambda: sorted(visibility.PUBLIC_STATUSES)
    )


@dataclass(frozen=True)
class ProductPage:
    products: list[ProductRow]
    # How many products match, or how to count them when that is a query of its own (run
    # only if the caller asks).
    total: int | Callable[[], Awaitable[int]]
    has_next: bool


_ORDERINGS: dict[ProductSort, list[str]] = {
    ProductSort.NEWEST: ["-created_at", "-id"],
    ProductSort.PRICE_ASC: ["price_min", "id"],
    ProductSort.PRICE_DESC: ["-price_max", "id"],
    ProductSort.BEST_SELLING: ["-sales_count", "id"],
    # `rated` first: unrated products come last on every database (PostgreSQL would sort
    # NULL first on a descending order, SQLite last).
    ProductSort.RATING: ["-rated", "-rating_average", "-rating_count", "id"],
    ProductSort.NAME: ["name", "id"],
}


# "1" for rated, "0" for unrated: sorted descending, unrated products come last.
_RATED = Case(When(rating_average__isnull=True, then="0"), default="1")


async def list_products(
    *,
    filters: ProductFilter,
    sort: ProductSort | None = None,
    text: str | None = None,
    offset: int = 0,
    limit: int = 20,
) -> ProductPage:
    """One page of products; with `text`, only matches, ranked by relevance unless sorted."""
    query = await _filtered(filters)
    text = (text or "").strip()
    if text:
        hits = await search.search_products(text)
        rank = {hit.product_id: hit.rank for hit in hits}
        query = query.filter(id__in=list(rank))
        if sort in (None, ProductSort.RELEVANCE):
            # The ranking is computed by the search engine, so the page is cut in Python
            # from the (bounded) list of matching ids.
            matching = set(await query.values_list("id", flat=True))
            ordered = [hit.product_id for hit in hits if hit.product_id in matching]
            page_ids = ordered[offset : offset + limit + 1]
            by_id = await light.by_ids(ProductRow, page_ids)
            products = [by_id[pid] for pid in page_ids if pid in by_id]
            return ProductPage(
                products=products[:limit], total=len(ordered), has_next=len(products) > limit
            )
    ordering = _ORDERINGS[sort or ProductSort.NEWEST] if sort != ProductSort.RELEVANCE else None
    total = query.count
    if sort == ProductSort.RATING:
        query = query.annotate(rated=_RATED)
    rows = await light.read(
        ProductRow,
        query.order_by(*(ordering or ["-created_at", "-id"])).offset(offset).limit(limit + 1),
    )
    return ProductPage(products=rows[:limit], total=total, has_next=len(rows) > limit)


async def _filtered(filters: ProductFilter) -> QuerySet[Product]:
    # A product without variants has nothing to buy, so listings leave it out.
    query = Product.filter(status__in=list(filters.statuses), price_min__isnull=False)
    category_ids = await _category_ids_with_descendants(filters)
    if category_ids is not None:
        query = query.filter(category_id__in=category_ids)
    if filters.brand_slugs:
        query = query.filter(
            brand_id__in=Subquery(Brand.filter(slug__in=filters.brand_slugs).values("id"))
        )
    if filters.tag_slugs:
        # Every requested tag must be present, so each one narrows the set.
        for slug in filters.tag_slugs:
            query = query.filter(id__in=Subquery(Tag.filter(slug=slug).values("products__id")))
    if filters.price_min is not None:
        query = query.filter(price_max__gte=filters.price_min)
    if filters.price_max is not None:
        query = query.filter(price_min__lte=filters.price_max)
    if filters.age_months is not None:
        age = filters.age_months
        query = query.filter(
            Q(min_age_months__isnull=True) | Q(min_age_months__lte=age),
            Q(max_age_months__isnull=True) | Q(max_age_months__gte=age),
        )
    if filters.in_stock is not None:
        stocked = Subquery(Variant.filter(stock__gt=0).values("product_id"))
        query = query.filter(id__in=stocked) if filters.in_stock else query.exclude(id__in=stocked)
    if filters.rating_min is not None:
        query = query.filter(rating_average__gte=filters.rating_min)
    for scheme in filters.certifications:
        query = query.filter(
            id__in=Subquery(Certification.filter(scheme=scheme).values("product_id"))
        )
    return query


async def _category_ids_with_descendants(filters: ProductFilter) -> list[int] | None:
    if not filters.category_ids and not filters.category_slugs:
        return None
    categories = await tree.current()
    roots = [row for key in filters.category_ids if (row := categories.get(key)) is not None]
    roots += [row for slug in filters.category_slugs if (row := categories.by_slug.get(slug))]
    return categories.with_descendants(roots)


# The same orders as _ORDERINGS, as SQL over the `p` alias, for the batched category read.
_SQL_ORDERINGS: dict[ProductSort, str] = {
    ProductSort.NEWEST: "p.created_at DESC, p.id DESC",
    ProductSort.PRICE_ASC: "p.price_min ASC, p.id",
    ProductSort.PRICE_DESC: "p.price_max DESC, p.id",
    ProductSort.BEST_SELLING: "p.sales_count DESC, p.id",
    ProductSort.RATING: "p.rating_average DESC NULLS LAST, p.rating_count DESC, p.id",
    ProductSort.NAME: "p.name, p.id",
}


async def list_category_products(
    *, category_ids: Sequence[int], sort: ProductSort | None, offset: int, limit: int
) -> dict[int, ProductPage]:
    """One page of published products of each category (and its descendants), in 2 queries.

    Every category gets the page `list_products` would give it with a category filter;
    RELEVANCE (there is no search text here) means NEWEST.
    """
    keys = sorted(set(category_ids))
    if not keys:
        return {}
    conn = connections.get("default")
    statuses = sorted(visibility.PUBLIC_STATUSES)
    params: list[object] = [*keys, *(str(status.value) for status in statuses)]
    key_marks = ", ".join(sql.marks(conn, len(keys)))
    status_marks = ", ".join(sql.marks(conn, len(statuses), start=len(keys) + 1))
    ordering = _SQL_ORDERINGS[sort if sort in _SQL_ORDERINGS else ProductSort.NEWEST]
    # A category's products are those of every category whose path starts with its own
    # (paths hold only digits and slashes, so LIKE sees no wildcard but the trailing one).
    rows = await conn.execute_query_dict(
        f"""
        SELECT key_id, id, total FROM (
          SELECT k.id AS key_id, p.id AS id,
                 ROW_NUMBER() OVER (PARTITION BY k.id ORDER BY {ordering}) AS n,
                 COUNT(*) OVER (PARTITION BY k.id) AS total
          FROM category k
          JOIN category c ON c.path LIKE k.path || '%'
          JOIN product p ON p.category_id = c.id
          WHERE k.id IN ({key_marks}) AND p.status IN ({status_marks})
            AND p.price_min IS NOT NULL
        ) AS ranked
        WHERE n > {int(offset)} AND n <= {int(offset) + int(limit) + 1}
        ORDER BY key_id, n
        """,
        params,
    )
    wanted = {int(row["id"]) for row in rows}
    by_id = await light.by_ids(ProductRow, wanted) if wanted else {}
    ids: dict[int, list[int]] = {key: [] for key in keys}
    totals: dict[int, int] = {key: 0 for key in keys}
    for row in rows:
        ids[int(row["key_id"])].append(int(row["id"]))
        totals[int(row["key_id"])] = int(row["total"])
    pages = {}
    for key in keys:
        found = [by_id[pid] for pid in ids[key] if pid in by_id]
        # A page past the end has no rows to carry the count, so it is counted apart.
        total = totals[key] if found or offset == 0 else partial(_category_total, key)
        pages[key] = ProductPage(products=found[:limit], total=total, has_next=len(found) > limit)
    return pages


async def _category_total(category_id: int) -> int:
    query = await _filtered(ProductFilter(category_ids=[category_id]))
    return await query.count()
