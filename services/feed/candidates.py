"""Candidate products per section, scored: from the model, else from plain SQL."""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
from tortoise import connections
from tortoise.expressions import Q

from models.catalog import Product
from recommender import Context, Model, Recommendation
from services import sql
from services.catalog.visibility import public_products
from services.feed.entries import (
    PERSONAL_REASONS,
    FeedEntry,
    ReasonKind,
    age_phrase,
    product_ids,
)
from services.feed.registry import Served

CANDIDATES = 150  # scored per section before the business rules thin them out
NEW_DAYS = 30  # a product added to the catalog this recently is a NEW_ARRIVAL
EXPLAINED_NEIGHBOURS = 30  # "because you viewed X" needs the product among X's this many nearest


@dataclass(frozen=True)
class Audience:
    """Whom a section is ranked for, as the model sees them."""

    key: str | None  # the model's shopper id; None: anonymous, non-personal
    session: Sequence[tuple[int, str]] = ()  # recent (product id, event name), newest first
    exclude: Sequence[int] = ()  # never rank these (not interested)
    age_months: int | None = None  # FOR_CHILD
    interests: Sequence[str] = field(default_factory=tuple)


def as_id(item: Hashable) -> int:
    """A model item id as the product id it is (the model stores what training gave it)."""
    return int(cast(Any, item))


def _reason(rec: Recommendation, model: Model, *, personal: bool) -> FeedEntry:
    code = rec.reason
    item = as_id(rec.item)
    source = as_id(rec.source_item) if rec.source_item is not None else None
    if code.startswith("because_you_") and personal and source is not None:
        verb = code.removeprefix("because_you_")
        kind = ReasonKind.BOUGHT_SIMILAR if verb == "bought" else ReasonKind.VIEWED_SIMILAR
        return FeedEntry(item, rec.score, kind, source, verb=verb)
    if code == "popular_in_category":
        index = model.items.get(rec.item)
        path = model.categories[index] if index is not None else None
        leaf = path.rsplit("/", 1)[-1] if path else None
        return FeedEntry(item, rec.score, ReasonKind.POPULAR, detail=leaf)
    if code == "trending":
        return FeedEntry(item, rec.score, ReasonKind.TRENDING)
    if code == "new" and _added_recently(model, rec.item):
        return FeedEntry(item, rec.score, ReasonKind.NEW_ARRIVAL)
    return FeedEntry(item, rec.score, ReasonKind.POPULAR)


def _added_recently(model: Model, item: Hashable) -> bool:
    """Whether the catalog added the product lately (the model's "new" means first seen lately,
    which in a young shop is everything)."""
    index = model.items.get(item)
    if index is None or model.features is None:
        return False
    created = float(model.features.created_at[index])
    return bool(np.isfinite(created)) and created >= time.time() - NEW_DAYS * 86_400


def honest(entries: list[FeedEntry], model: Model) -> list[FeedEntry]:
    """ "Because you viewed X" only for products among X's nearest; the others are POPULAR.

    The model credits any neighbour contribution, however faint, so a best seller barely
    co-viewed with X would otherwise be explained by X.
    """
    near: dict[int, set[int]] = {}
    result = []
    for entry in entries:
        source = entry.source_product_id
        if entry.reason in PERSONAL_REASONS and source is not None:
            if source not in near:
                near[source] = {
                    as_id(rec.item) for rec in model.similar(source, k=EXPLAINED_NEIGHBOURS)
                }
            if entry.product_id not in near[source]:
                entry = FeedEntry(entry.product_id, entry.score, ReasonKind.POPULAR)
        result.append(entry)
    return result


def personal(served: Served, audience: Audience) -> list[FeedEntry]:
    """FOR_YOU: the shopper's history plus this session's events, folded in at request time."""
    model = served.model
    recs = model.recommend(
        audience.key,
        k=CANDIDATES,
        exclude=list(audience.exclude),
        session_events=list(audience.session),
    )
    return honest([_reason(rec, model, personal=True) for rec in recs], model)


def popular(served: Served, audience: Audience) -> list[FeedEntry]:
    """Non-personal: what everyone likes (reason POPULAR), for opted-out shoppers."""
    recs = served.model.recommend(None, k=CANDIDATES, exclude=list(audience.exclude))
    return [FeedEntry(as_id(rec.item), rec.score, ReasonKind.POPULAR) for rec in recs]


def for_child(served: Served, audience: Audience, *, personalized: bool) -> list[FeedEntry]:
    """Items allowed for the child's age, boosted by their interests, then by the shopper."""
    model = served.model
    context = Context(age_months=audience.age_months, interests=tuple(audience.interests))
    recs = model.recommend(
        audience.key if personalized else None,
        k=CANDIDATES,
        exclude=list(audience.exclude),
        session_events=list(audience.session) if personalized else None,
        context=context,
    )
    detail = age_phrase(audience.age_months or 0)
    entries = []
    for entry in honest([_reason(rec, model, personal=personalized) for rec in recs], model):
        if entry.reason not in PERSONAL_REASONS:
            entry = FeedEntry(
                entry.product_id, entry.score, ReasonKind.FOR_CHILD_AGE, detail=detail
            )
        entries.append(entry)
    return entries


def trending(served: Served) -> list[FeedEntry]:
    """Most of the recent window's activity (ties: overall popularity)."""
    model = served.model
    recent = np.asarray(model.recent_share, dtype=np.float64)
    scores = recent + 1e-6 * np.asarray(model.popularity, dtype=np.float64)
    top = np.argsort(-scores, kind="stable")[:CANDIDATES]
    return [
        FeedEntry(as_id(model.items.ids[i]), float(scores[i]), ReasonKind.TRENDING)
        for i in top
        if scores[i] > 0
    ]


def similar(served: Served, product_id: int) -> list[FeedEntry]:
    """Neighbours of a product by behaviour, then by content."""
    recs = served.model.similar(product_id, k=CANDIDATES)
    return [FeedEntry(as_id(rec.item), rec.score, ReasonKind.SIMILAR, product_id) for rec in recs]


def bought_together(served: Served, product_id: int) -> list[FeedEntry]:
    """Products in the same orders as this one, most orders first."""
    return [
        FeedEntry(partner, count, ReasonKind.BOUGHT_TOGETHER, product_id)
        for partner, count in served.copurchases.partners_of(product_id, CANDIDATES)
    ]


def neighbours(served: Served | None, product_ids: Iterable[Hashable], k: int) -> set[int]:
    """The model's nearest items to each of `product_ids`."""
    if served is None:
        return set()
    found: set[int] = set()
    for product_id in product_ids:
        found.update(as_id(rec.item) for rec in served.model.similar(product_id, k=k))
    return found


# ------------------------------------------------------------------ SQL, before any model


def _ranked(
    ids: Sequence[int],
    reason: ReasonKind,
    *,
    source_product_id: int | None = None,
    detail: str | None = None,
) -> list[FeedEntry]:
    count = max(len(ids), 1)
    return [
        FeedEntry(pid, round(1.0 - index / count, 6), reason, source_product_id, detail=detail)
        for index, pid in enumerate(ids)
    ]


async def best_sellers(*, age_months: int | None = None) -> list[int]:
    """Active products by units sold, newest first among equals."""
    query = public_products().filter(price_min__isnull=False)
    if age_months is not None:
        query = query.filter(
            Q(min_age_months__isnull=True) | Q(min_age_months__lte=age_months),
            Q(max_age_months__isnull=True) | Q(max_age_months__gte=age_months),
        )
    return product_ids(
        await query.order_by("-sales_count", "-created_at", "-id")
        .limit(CANDIDATES)
        .values_list("id", flat=True)
    )


async def popular_sql(*, reason: ReasonKind = ReasonKind.POPULAR) -> list[FeedEntry]:
    return _ranked(await best_sellers(), reason)


async def for_child_sql(age_months: int) -> list[FeedEntry]:
    ids = await best_sellers(age_months=age_months)
    return _ranked(ids, ReasonKind.FOR_CHILD_AGE, detail=age_phrase(age_months))


async def new_arrivals() -> list[FeedEntry]:
    """The newest active products (the same with or without a model)."""
    ids = await (
        public_products()
        .filter(price_min__isnull=False)
        .order_by("-created_at", "-id")
        .limit(CANDIDATES)
        .values_list("id", flat=True)
    )
    return _ranked(product_ids(ids), ReasonKind.NEW_ARRIVAL)


async def same_category(product_id: int) -> list[FeedEntry]:
    """Best sellers of the product's own category, for SIMILAR without a model."""
    category = await Product.get_or_none(id=product_id).values_list("category_id", flat=True)
    if category is None:
        return []
    ids = await (
        public_products()
        .filter(category_id=category, price_min__isnull=False)
        .exclude(id=product_id)
        .order_by("-sales_count", "-id")
        .limit(CANDIDATES)
        .values_list("id", flat=True)
    )
    return _ranked(product_ids(ids), ReasonKind.SIMILAR, source_product_id=product_id)


async def bought_together_sql(product_id: int) -> list[FeedEntry]:
    """Co-purchases counted straight from order lines (no model yet, or a product it lacks)."""
    conn = connections.get("default")
    (mark,) = sql.marks(conn, 1)
    statement = (
        "SELECT b.product_id, COUNT(DISTINCT b.order_id) AS together FROM order_line a "
        "JOIN order_line b ON b.order_id = a.order_id AND b.product_id <> a.product_id "
        f"WHERE a.product_id = {mark} AND b.product_id IS NOT NULL "
        f"GROUP BY b.product_id ORDER BY together DESC, b.product_id LIMIT {CANDIDATES}"
    )
    _, rows = await conn.execute_query(statement, [product_id])
    return [
        FeedEntry(int(row[0]), float(row[1]), ReasonKind.BOUGHT_TOGETHER, product_id)
        for row in rows
    ]
