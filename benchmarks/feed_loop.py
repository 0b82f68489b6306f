"""Event-loop lag of feed misses: model work inline on the loop versus in the model pool.

Fits the recommender on synthetic data (no database), then runs cold FOR_YOU candidate work
(`recommend` plus one `similar` per explained source, as `candidates.personal` does) for
`--misses` shoppers concurrently while a ticker task sleeps 1 ms in a loop. The ticker's
worst and p99 lateness is how long any other request of the process would have waited.

    .venv/bin/python -m benchmarks.feed_loop --items 10000 --users 5000
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from recommender import fit
from recommender.synthetic import generate
from services.feed import candidates, compute

GOAL_MS = 10.0  # a miss should delay other requests by no more than this


async def ticker(lags: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.001)
        lags.append((time.perf_counter() - started - 0.001) * 1000)


async def misses(run: Callable[[Any], Awaitable[Any]], audiences: list[Any]) -> list[float]:
    lags: list[float] = []
    stop = asyncio.Event()
    tick = asyncio.create_task(ticker(lags, stop))
    await asyncio.sleep(0.01)
    await asyncio.gather(*(run(audience) for audience in audiences))
    stop.set()
    await tick
    return lags


async def main(args: argparse.Namespace) -> None:
    data = generate(
        users=args.users, items=args.items, interactions=args.interactions, seed=args.seed
    )
    started = time.perf_counter()
    model = fit(data.interactions, data.items)
    print(f"fit {args.items} items, {args.users} users in {time.perf_counter() - started:.1f}s")
    audiences = list(model.users.ids)[: args.misses]

    def personal(user: Any) -> int:
        # What `candidates.personal` does (the synthetic ids are not product ids).
        recs = model.recommend(user, k=candidates.CANDIDATES)
        sources = {rec.source_item for rec in recs if rec.source_item is not None}
        for source in sources:
            model.similar(source, k=candidates.EXPLAINED_NEIGHBOURS)
        return len(recs)

    async def inline(audience: Any) -> Any:
        await asyncio.sleep(0)
        return personal(audience)

    async def pooled(audience: Any) -> Any:
        return await compute.off_loop(personal, audience)

    print(f"{args.misses} concurrent FOR_YOU misses     {'max lag ms':>10} {'p99 lag ms':>10}")
    for name, run in (("on the loop (before)", inline), ("model pool (after)", pooled)):
        lags = await misses(run, audiences)
        p99 = sorted(lags)[min(len(lags) - 1, int(0.99 * len(lags)))]
        print(f"{name:32} {max(lags):10.1f} {p99:10.1f}   goal max <= {GOAL_MS:.0f} ms")


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=5_000)
    parser.add_argument("--interactions", type=int, default=200_000)
    parser.add_argument("--misses", type=int, default=32)
    parser.add_argument("--seed", type=int, default=7)
    asyncio.run(main(parser.parse_args()))


if __name__ == "__main__":
    cli()
