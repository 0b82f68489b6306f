"""FOR_YOU over HTTP with many shoppers at once: p50 / p99 cold and warm beside the goals.

Seeds the configured database and trains the model as `benchmarks.feed` does (a kept model is
reused with `--model-dir DIR --reuse-model`), serves shopgraph under uvicorn as `shopgraph
serve` would (`--workers` processes; with REDIS_URL set the feed cache is shared), then runs
`--shoppers` signed-in shoppers at once from this process. Each repeats: track two product
views (which drops that shopper's cached feed, so the next FOR_YOU is cold and folds the
views in), `feed(section: FOR_YOU, first: 20)` cold, the same again warm, then a think time
drawn from an exponential distribution (`--think` mean seconds; 0 = no pause, which measures
a saturated server rather than what a shopper waits).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/feedbench REDIS_URL=redis://127.0.0.1/9 \
      python -m benchmarks.feed_served --model-dir var/feed-model --reuse-model
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from benchmarks.feed import FEED, TRACK, _gid, percentile, seed
from benchmarks.http.run import _free_port, _serve, _wait_ready

GOALS = {"cold": 60.0, "warm": 20.0}  # p99 ms, 32 shoppers, 10k products, 50k users
START_TIMEOUT = 120.0


async def _prepare(args: argparse.Namespace, folder: Path) -> tuple[list[int], list[int]]:
    from api.db import apply_migrations, close_db, init_db
    from api.settings import load_settings
    from models.catalog import Product
    from services.feed import training
    from services.feed.registry import read_pointer

    settings = load_settings()
    await apply_migrations(settings)
    await init_db(settings)
    try:
        user_ids = await seed(args.products, args.users, args.events, args.seed)
        if not (args.reuse_model and read_pointer(folder)):
            started = time.perf_counter()
            report = await training.train(directory=folder, progress=True)
            print(
                f"training: {time.perf_counter() - started:.1f}s (fit {report.fit_seconds:.1f}s) "
                f"on {report.events} events, {report.shoppers} shoppers, {report.items} products"
            )
        products = list(
            await Product.filter(status="active").limit(2000).values_list("id", flat=True)
        )
    finally:
        await close_db()
    return user_ids, products


class Shopper:
    """One signed-in shopper's loop; keeps its own latencies."""

    def __init__(self, client: httpx.AsyncClient, token: str, rng: np.random.Generator) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}
        self.rng = rng
        self.cold: list[float] = []
        self.warm: list[float] = []

    async def _post(self, body: dict[str, Any]) -> tuple[float, dict[str, Any]]:
        started = time.perf_counter()
        response = await self.client.post("/graphql", json=body, headers=self.headers)
        elapsed = (time.perf_counter() - started) * 1000
        answer: dict[str, Any] = response.json()
        assert response.status_code == 200 and "errors" not in answer, response.text[:500]
        return elapsed, answer

    async def run(self, products: list[int], rounds: int, think: float, warmup: int) -> None:
        for number in range(rounds):
            viewed = [int(p) for p in self.rng.choice(products, size=2, replace=False)]
            events = [{"kind": "VIEW", "productId": _gid(product)} for product in viewed]
            _, tracked = await self._post({"query": TRACK, "variables": {"events": events}})
            assert tracked["data"]["trackEvents"]["accepted"] == 2, tracked
            for bucket in (self.cold, self.warm):
                elapsed, answer = await self._post({"query": FEED})
                assert len(answer["data"]["feed"]["edges"]) == 20, answer
                if number >= warmup:
                    bucket.append(elapsed)
            if think > 0:
                await asyncio.sleep(float(self.rng.exponential(think)))


async def _drive(
    port: int, user_ids: list[int], products: list[int], args: argparse.Namespace
) -> None:
    from api.settings import load_settings
    from services.accounts import tokens

    tokens.configure(secret=load_settings().secret_key)
    rng = np.random.default_rng(args.seed)
    picked = rng.choice(user_ids, size=args.shoppers, replace=False)
    limits = httpx.Limits(max_connections=args.shoppers, max_keepalive_connections=args.shoppers)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=60
    ) as client:
        shoppers = [
            Shopper(
                client, tokens.issue_access_token(user_id=int(user))[0], np.random.default_rng(n)
            )
            for n, user in enumerate(picked)
        ]
        started = time.perf_counter()
        await asyncio.gather(
            *(s.run(products, args.rounds, args.think, args.warmup) for s in shoppers)
        )
        wall = time.perf_counter() - started
    cold = [value for s in shoppers for value in s.cold]
    warm = [value for s in shoppers for value in s.warm]
    requests = args.shoppers * args.rounds * 3
    print(
        f"\n{args.shoppers} shoppers at once, {args.rounds} rounds each, think {args.think:g}s, "
        f"{args.workers} server process(es); {requests / wall:.0f} requests/s overall"
    )
    print(
        f"{'FOR_YOU first:20':20} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'goal':>12}"
    )
    for name, values in (("cold", cold), ("warm", warm)):
        print(
            f"{name:20} {len(values):6d} {statistics.median(values):8.1f} "
            f"{percentile(values, 0.95):8.1f} {percentile(values, 0.99):8.1f} "
            f"{f'p99 <= {GOALS[name]:.0f}':>12}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--shoppers", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=20, help="track + cold + warm per shopper")
    parser.add_argument("--warmup", type=int, default=2, help="first rounds not counted")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between rounds (s)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--model-dir", default="var/feed-bench-model")
    parser.add_argument("--reuse-model", action="store_true")
    args = parser.parse_args()
    folder = Path(args.model_dir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    user_ids, products = asyncio.run(_prepare(args, folder))
    env = {
        **os.environ,
        "SHOPGRAPH_MODEL_DIR": str(folder),
        "SHOPGRAPH_RECOMMENDER_INTERVAL": "0",
    }
    port = _free_port()
    server = _serve("api.app:create_served_app", port, args.workers, env)
    try:
        _wait_ready(server, port, "/graphql")
        asyncio.run(_drive(port, user_ids, products, args))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    sys.stdout.flush()


if __name__ == "__main__":
    main()
