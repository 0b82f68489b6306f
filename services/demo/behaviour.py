"""Synthetic shopper behaviour over the demo store, for demos, evaluations and benchmarks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from tortoise import connections

from models.catalog import Product

KINDS = np.array(["view", "click", "favourite", "add_to_cart", "purchase"])
KIND_SHARES = np.array([0.74, 0.1, 0.04, 0.08, 0.04])
BATCH = 20_000


async def insert_events(
    count: int, user_ids: list[int], seed_value: int, *, progress: bool = False
) -> None:
    """Synthetic behaviour: a Zipf-like product popularity, per-user taste clusters, recency."""
    rng = np.random.default_rng(seed_value)
    rows = (
        await Product.filter(price_min__isnull=False)
        .order_by("category_id", "id")
        .values_list("id", "category_id")
    )
    product_ids = np.array([pid for pid, _ in rows])
    categories = np.array([category or 0 for _, category in rows])
    distinct = np.unique(categories)
    n = len(product_ids)
    popularity = 1.0 / np.arange(1, n + 1) ** 0.8
    rng.shuffle(popularity)
    popularity /= popularity.sum()
    users = np.asarray(user_ids)
    activity = rng.pareto(1.5, len(users)) + 1
    activity /= activity.sum()
    taste = rng.choice(distinct, size=len(users))  # each user's favourite category
    by_category = {c: product_ids[categories == c] for c in distinct}
    conn = connections.get("default")
    postgres = conn.capabilities.dialect == "postgres"
    marks = ", ".join(f"${i}" if postgres else "?" for i in range(1, 9))
    sql = (
        "INSERT INTO behaviour_event (user_id, kind, product_id, order_id, quantity, context, "
        f"occurred_at, created_at) VALUES ({marks})"
    )
    now = datetime.now(UTC)
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        who = rng.choice(len(users), size=size, p=activity)
        items = product_ids[rng.choice(n, size=size, p=popularity)]
        clustered = rng.random(size) < 0.5
        for picked in np.nonzero(clustered)[0]:
            pool = by_category[taste[who[picked]]]
            items[picked] = pool[rng.integers(len(pool))]
        kinds = KINDS[rng.choice(len(KINDS), size=size, p=KIND_SHARES)]
        ages = rng.exponential(20.0, size)  # days ago, most of it recent
        values: list[list[Any]] = []
        for row in range(size):
            at = now - timedelta(days=float(min(ages[row], 89.0)), seconds=int(row))
            user = int(users[who[row]])
            kind = str(kinds[row])
            order = user * 100 + int(ages[row] // 7) if kind == "purchase" else None
            stamp: Any = at if postgres else str(at)
            values.append([user, kind, int(items[row]), order, 1, "{}", stamp, stamp])
        await conn.execute_many(sql, values)
        done += size
        if progress:
            print(f"\r  events {done}/{count}", end="", flush=True)
    if progress:
        print()
