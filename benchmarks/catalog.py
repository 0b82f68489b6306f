"""Catalog read benchmark: latency and SQL cost of typical storefront queries.

Runs against the configured database (seed it first, e.g. `shopgraph seed --scale 20`)
through the ASGI app in-process, and prints p50 / p99 per query.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import time

import httpx

from api.app import create_app
from api.db import close_db, init_db
from api.settings import load_settings

QUERIES = {
    "products(first:20) + relations": """{ products(first: 20) { totalCount edges { node {
        name brand { name } category { name ancestors { name } } tags { name }
        variants { sku price { amount } stock } images { url } } } } }""",
    "products(first:100) + relations": """{ products(first: 100) { edges { node {
        name brand { name } category { name } tags { name } variants { sku stock } } } } }""",
    "search 'lego tecnic'": """{ products(first: 20, search: "lego tecnic") {
        totalCount edges { node { name } } } }""",
    "filter age+price+stock, PRICE_ASC": """{ products(first: 20, sort: PRICE_ASC,
        filter: { ageMonths: 48, price: { lte: "50" }, inStock: true }) {
        totalCount edges { node { name } } } }""",
    "searchSuggestions('tec')": '{ searchSuggestions(prefix: "tec", first: 8) { text } }',
}


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


async def run(rounds: int) -> None:
    settings = load_settings()
    await init_db(settings)
    app = create_app(settings, manage_database=False)
    logger = logging.getLogger("tortoise.db_client")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        print(f"database: {settings.database_url.split('://')[0]}, rounds: {rounds}")
        print(f"{'query':40} {'p50 ms':>8} {'p99 ms':>8} {'SQL':>5}")
        for name, query in QUERIES.items():
            counter = _Counter()
            logger.addHandler(counter)
            logger.setLevel(logging.DEBUG)
            response = await client.post("/graphql", json={"query": query})
            logger.removeHandler(counter)
            logger.setLevel(logging.WARNING)
            assert "errors" not in response.json(), response.text
            timings = []
            for _ in range(rounds):
                start = time.perf_counter()
                await client.post("/graphql", json={"query": query})
                timings.append((time.perf_counter() - start) * 1000)
            timings.sort()
            p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
            print(f"{name:40} {statistics.median(timings):8.1f} {p99:8.1f} {counter.count:5d}")
    await close_db()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(run(args.rounds))


if __name__ == "__main__":
    main()
