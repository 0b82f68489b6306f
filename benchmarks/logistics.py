"""Logistics: carrier-push ingest throughput and the shipment timeline query's cost.

Creates S shipments (not timed), then POSTs signed native pushes to /carriers/dhl/events in
batches of 100 events (each parcel's five-step timeline, shuffled so some arrive out of
order, plus 10% repeated events), with the forward-only and duplicate rules on, and prints
events per second; then reads one shipment's timeline and a page of 50 shipments with
their timelines through GraphQL, printing latency and SQL queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sg_logi python -m benchmarks.logistics

It writes its own orders and shipments (tracking numbers start with BENCH).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import orjson
from asgi_lifespan import LifespanManager
from strawberry.relay import to_base64

from api.app import create_app
from api.db import apply_migrations, close_db, init_db
from api.settings import load_settings
from models.accounts import Permission, User
from models.logistics import Carrier, PushFormat
from models.orders import Order, OrderLine, OrderStatus
from services.accounts import tokens
from services.logistics import carriers, shipments, signatures

# Hand-written floors for this machine kind (2 cores), below which something regressed.
FLOOR_EVENTS_PER_SECOND = 250.0
FLOOR_TIMELINE_P50_MS = 50.0
STEPS = ("info_received", "in_transit", "in_transit", "out_for_delivery", "delivered")
TIMELINE = """query($id: ID!) { node(id: $id) { ... on Shipment { status
  timeline { status subStatus message occurredAt location { city country } } } } }"""
PAGE = """query { shipments(first: 50, filter: {carrier: "dhl"}) { edges { node { status
  carrier { code } lines { quantity } timeline { status occurredAt } } } } }"""


async def _prepare(count: int) -> tuple[list[str], list[int], User]:
    await carriers.ensure_built_in()
    run = uuid.uuid4().hex[:6].upper()
    numbers, ids = [], []
    now = datetime.now(UTC)
    for index in range(count):
        order = await Order.create(
            number=f"BENCH-{run}-{index}",
            email=f"bench-{run}-{index}@example.com",
            status=OrderStatus.PAID,
            subtotal=Decimal("10"),
            total=Decimal("10"),
            placed_at=now,
            paid_at=now,
        )
        await OrderLine.create(
            order=order, product_name="Bench toy", sku="BENCH", quantity=1,
            unit_price=Decimal("10"), total=Decimal("10"),
        )  # fmt: skip
        number = f"BENCH{run}{index:06d}"
        made = await shipments.create_shipment(
            order_id=order.id, carrier_code="dhl", tracking_number=number
        )
        numbers.append(number)
        ids.append(made.id)
    staff = await User.create(
        email=f"bench-staff-{run}@example.com".lower(),
        is_staff=True,
        permissions=[Permission.MANAGE_ORDERS.value],
    )
    return numbers, ids, staff


def _events(numbers: list[str], rng: random.Random) -> list[dict[str, Any]]:
    start = datetime.now(UTC) - timedelta(hours=10)
    events = []
    for number in numbers:
        for step, status in enumerate(STEPS):
            events.append(
                {
                    "trackingNumber": number,
                    "status": status,
                    "code": f"{status}-{step}",
                    "occurredAt": (start + timedelta(hours=step)).isoformat(),
                    "message": "Bench scan",
                    "location": {"city": "Leipzig", "country": "DE"},
                }
            )
    rng.shuffle(events)  # parcels' events arrive interleaved and partly out of order
    repeats = rng.sample(events, len(events) // 10)
    return events + repeats


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().lstrip().upper().startswith("SELECT"):
            self.count += 1


def _p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * q))]


async def run(count: int, batch: int, concurrency: int, reads: int) -> None:
    settings = load_settings()
    await apply_migrations(settings)
    await init_db(settings)
    app = create_app(settings, manage_database=False)
    async with LifespanManager(app):
        numbers, ids, staff = await _prepare(count)
        carrier = await Carrier.get(code="dhl")
        events = _events(numbers, random.Random(7))
        bodies = [
            orjson.dumps({"events": events[i : i + batch]}) for i in range(0, len(events), batch)
        ]
        gate = asyncio.Semaphore(concurrency)
        latencies: list[float] = []
        totals = {"stored": 0, "duplicates": 0, "moved": 0}
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

            async def push(index: int, body: bytes) -> None:
                async with gate:
                    headers = signatures.sign(
                        PushFormat.NATIVE, carrier.signing_secret, body, msg_id=f"m{index}"
                    )
                    began = time.perf_counter()
                    response = await client.post(
                        "/carriers/dhl/events", content=body, headers=headers
                    )
                    latencies.append((time.perf_counter() - began) * 1000)
                    assert response.status_code == 200, response.text
                    for key in totals:
                        totals[key] += response.json()[key]

            started = time.perf_counter()
            await asyncio.gather(*(push(i, body) for i, body in enumerate(bodies)))
            elapsed = time.perf_counter() - started

            token, _ = tokens.issue_access_token(user_id=staff.id)
            auth = {"Authorization": f"Bearer {token}"}
            counter = _Counter()
            db_log = logging.getLogger("tortoise.db_client")
            db_log.setLevel(logging.DEBUG)
            timeline_ms, page_ms, timeline_queries, page_queries = [], [], 0, 0
            for index in range(reads):
                gid = to_base64("Shipment", ids[index % len(ids)])
                db_log.addHandler(counter)
                counter.count = 0
                began = time.perf_counter()
                await client.post(
                    "/graphql", json={"query": TIMELINE, "variables": {"id": gid}}, headers=auth
                )
                timeline_ms.append((time.perf_counter() - began) * 1000)
                timeline_queries = counter.count
                counter.count = 0
                began = time.perf_counter()
                body = await client.post("/graphql", json={"query": PAGE}, headers=auth)
                page_ms.append((time.perf_counter() - began) * 1000)
                page_queries = counter.count
                db_log.removeHandler(counter)
                assert "errors" not in body.json(), body.text
            db_log.setLevel(logging.WARNING)
    await close_db()
    rate = len(events) / elapsed
    print(
        f"database: {settings.database_url.split('://')[0]}, shipments: {count}, events: "
        f"{len(events)} in {len(bodies)} pushes of {batch}, concurrency {concurrency}"
    )
    print(
        f"ingest: {rate:.0f} events/s (floor {FLOOR_EVENTS_PER_SECOND:.0f}), push p50 "
        f"{statistics.median(latencies):.1f} ms, p99 {_p(latencies, 0.99):.1f} ms; stored "
        f"{totals['stored']}, duplicates {totals['duplicates']}, status moves {totals['moved']}"
    )
    print(
        f"timeline of one shipment (5 events): p50 {statistics.median(timeline_ms):.1f} ms "
        f"(floor {FLOOR_TIMELINE_P50_MS:.0f}), p99 {_p(timeline_ms, 0.99):.1f} ms, "
        f"{timeline_queries} SQL queries (background workers' included)"
    )
    print(
        f"page of 50 shipments with timelines: p50 {statistics.median(page_ms):.1f} ms, "
        f"p99 {_p(page_ms, 0.99):.1f} ms, {page_queries} SQL queries"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shipments", type=int, default=400)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--reads", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(run(args.shipments, args.batch, args.concurrency, args.reads))


if __name__ == "__main__":
    main()
