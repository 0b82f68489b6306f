"""Export the demo store's synthetic behaviour as an evaluation CSV.

Seeds the demo store and synthetic events (`services.demo.behaviour`) into the
configured database, then writes `user,item,timestamp,event` rows for
`shopgraph recommender evaluate --events FILE.csv`.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
from pathlib import Path

from api.db import apply_migrations, close_db, init_db
from api.settings import load_settings
from models.analytics import BehaviourEvent
from services.demo import seed_demo_store
from services.demo.behaviour import insert_events


async def collect(args: argparse.Namespace) -> list[tuple[object, ...]]:
    settings = load_settings()
    await apply_migrations(settings)
    await init_db(settings)
    await seed_demo_store(products=args.products, seed=7)
    await insert_events(args.events, list(range(1, args.users + 1)), args.seed, progress=True)
    rows = (
        await BehaviourEvent.all()
        .order_by("id")
        .values_list("user_id", "product_id", "occurred_at", "kind")
    )
    await close_db()
    return [tuple(row) for row in rows]


def write_csv(path: Path, rows: list[tuple[object, ...]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["user", "item", "timestamp", "event"])
        for user, item, at, kind in rows:
            writer.writerow([user, item, at.isoformat(), str(kind.value)])  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=600)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--events", type=int, default=60_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--output", default="var/demo-behaviour.csv")
    args = parser.parse_args()
    rows = asyncio.run(collect(args))
    write_csv(Path(args.output), rows)
    print(f"wrote {len(rows)} interactions to {args.output}")


if __name__ == "__main__":
    main()
