"""Feed benchmark: training time and FOR_YOU latency at 10k products, 50k users, 1M events.

Seeds the configured database (use a fresh one, e.g.
`DATABASE_URL=sqlite:///tmp/feed-bench.sqlite3 python -m benchmarks.feed`) with the demo
store, users and synthetic behaviour events with a popularity skew and taste clusters, trains
the model into a temporary folder, then times `feed(section: FOR_YOU, first: 20)` through
GraphQL in-process: cold (the shopper just tracked events, so the cache was dropped and the
session is folded in) and warm (the same request again, from the cache).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np
from asgi_lifespan import LifespanManager

os.environ.setdefault("SHOPGRAPH_RECOMMENDER_INTERVAL", "0")

from api.app import create_app
from api.db import apply_migrations, close_db, init_db
from api.settings import load_settings

FEED = """query Feed { feed(section: FOR_YOU, first: 20) { totalCount edges { node {
  score product { id name slug priceRange { start { amount currency } } }
  reason { kind text sourceProduct { id name } } } } } }"""
TRACK = """mutation Track($events: [TrackEventInput!]!) {
  trackEvents(events: $events) { accepted errors { code } } }"""


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


async def seed(products: int, users: int, events: int, seed_value: int) -> list[int]:
    """Store, users and events (each only when missing); returns the user ids."""
    from models.accounts import User
    from models.analytics import BehaviourEvent
    from services.demo import seed_demo_store, store_is_empty
    from services.demo.behaviour import insert_events

    if await store_is_empty():
        started = time.perf_counter()
        await seed_demo_store(products=products, seed=seed_value, progress=True)
        print(f"seeded {products} products in {time.perf_counter() - started:.1f}s")
    have = await User.filter(email__startswith="feed-bench-").count()
    if have < users:
        started = time.perf_counter()
        rows = [
            User(email=f"feed-bench-{n}@example.com", display_name=f"Bench {n}")
            for n in range(have, users)
        ]
        await User.bulk_create(rows, batch_size=5000)
        print(f"created {users - have} users in {time.perf_counter() - started:.1f}s")
    user_ids = list(
        await User.filter(email__startswith="feed-bench-")
        .order_by("id")
        .values_list("id", flat=True)
    )
    present = await BehaviourEvent.all().count()
    if present < events:
        started = time.perf_counter()
        await insert_events(events - present, user_ids, seed_value, progress=True)
        print(f"inserted {events - present} events in {time.perf_counter() - started:.1f}s")
    return user_ids


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def measure(user_ids: list[int], rounds: int) -> None:
    from models.catalog import Product
    from services.accounts import tokens

    settings = load_settings()
    app = create_app(settings, manage_database=False)
    rng = np.random.default_rng(3)
    picked = rng.choice(user_ids, size=min(rounds, len(user_ids)), replace=False)
    products = list(await Product.filter(status="active").limit(2000).values_list("id", flat=True))
    logger = logging.getLogger("tortoise.db_client")
    transport = httpx.ASGITransport(app=app)
    cold: list[float] = []
    warm: list[float] = []
    sql_cold = sql_warm = 0
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
    ):

        async def timed(headers: dict[str, str]) -> tuple[float, int]:
            counter = _Counter()
            logger.addHandler(counter)
            logger.setLevel(logging.DEBUG)
            started = time.perf_counter()
            response = await client.post("/graphql", json={"query": FEED}, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            logger.removeHandler(counter)
            logger.setLevel(logging.WARNING)
            body = response.json()
            assert "errors" not in body, body
            assert len(body["data"]["feed"]["edges"]) == 20, body
            return elapsed, counter.count

        for index, user_id in enumerate(picked):
            token, _ = tokens.issue_access_token(user_id=int(user_id))
            headers = {"Authorization": f"Bearer {token}"}
            viewed = [int(p) for p in rng.choice(products, size=2, replace=False)]
            events = [{"kind": "VIEW", "productId": _gid(product_id)} for product_id in viewed]
            tracked = await client.post(
                "/graphql", json={"query": TRACK, "variables": {"events": events}}, headers=headers
            )
            assert tracked.json()["data"]["trackEvents"]["accepted"] == 2, tracked.text
            elapsed, queries = await timed(headers)
            if index >= 5:  # the first requests warm up imports and connections
                cold.append(elapsed)
                sql_cold = queries
            elapsed, queries = await timed(headers)
            if index >= 5:
                warm.append(elapsed)
                sql_warm = queries
    print(f"{'FOR_YOU first:20':24} {'p50 ms':>8} {'p99 ms':>8} {'SQL':>5}")
    for name, values, queries in (("cold cache", cold, sql_cold), ("warm cache", warm, sql_warm)):
        print(
            f"{name:24} {statistics.median(values):8.1f} {percentile(values, 0.99):8.1f} "
            f"{queries:5d}"
        )


def _gid(product_id: int) -> str:
    from strawberry.relay import to_base64

    return to_base64("Product", product_id)


async def run(args: argparse.Namespace) -> None:
    from services.feed import training
    from services.feed.registry import read_pointer, registry

    settings = load_settings()
    print(f"database: {settings.database_url.split('://')[0]}")
    await apply_migrations(settings)
    await init_db(settings)
    try:
        user_ids = await seed(args.products, args.users, args.events, args.seed)
        with tempfile.TemporaryDirectory(prefix="feed-bench-") as scratch:
            folder = Path(args.model_dir or scratch)
            if not (args.reuse_model and read_pointer(folder)):
                started = time.perf_counter()
                report = await training.train(directory=folder, progress=True)
                total = time.perf_counter() - started
                print(
                    f"training: {total:.1f}s total (read {report.read_seconds:.1f}s, fit "
                    f"{report.fit_seconds:.1f}s) on {report.events} events, {report.shoppers} "
                    f"shoppers, {report.items} products"
                )
            registry.configure(directory=folder)
            await registry.current(wait=True)
            await measure(user_ids, args.rounds)
    finally:
        await close_db()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=300, help="users measured")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--model-dir", default=None, help="keep the artifact here (default: tmp)")
    parser.add_argument(
        "--reuse-model", action="store_true", help="skip training when --model-dir has a model"
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
