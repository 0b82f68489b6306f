"""Webhook benchmark: deliveries per second from a served instance to a local receiver, and
what the rest of the API answers meanwhile.

    python -m benchmarks.webhooks [--events 2000] [--workers 0]
    DATABASE_URL=postgres://... python -m benchmarks.webhooks --workers 2

A `shopgraph serve` process (and optionally `shopgraph worker` processes, PostgreSQL only)
delivers a backlog of events to one endpoint whose receiver, in this process, answers 204 at
once. The rate counts from the server's start (relay, fan-out, signing, POST, logging each
attempt) to the last success. Meanwhile a client sends `{ __typename }` one at a time; its
latency is compared with the same client on the idle server. Beside the rate the floor: the
same receiver hit by plain POSTs of the same bodies at the same concurrency from here.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from api.db import apply_migrations, close_db, init_db
from api.settings import Settings, load_settings
from api.webhooks import configure_webhooks

CLI = [sys.executable, "-m", "api.cli"]
TYPENAME = {"query": "{ __typename }"}
CONCURRENCY = 16


@dataclass
class Receiver:
    port: int = 0
    count: int = 0


async def start_receiver() -> tuple[asyncio.Server, Receiver]:
    """A minimal HTTP/1.1 keep-alive server answering every POST with 204."""
    box = Receiver()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                box.count += 1
                writer.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    box.port = server.sockets[0].getsockname()[1]
    return server, box


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def typename_loop(url: str, stop: asyncio.Event) -> list[float]:
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=url) as client:
        while not stop.is_set():
            started = time.perf_counter()
            response = await client.post("/graphql", json=TYPENAME)
            latencies.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
    return latencies


async def prepare(settings: Settings, receiver_url: str, events: int) -> int:
    """An API key, one endpoint for product events, then `events` events; the endpoint id."""
    from models.accounts import ApiScope
    from services.accounts.tokens import create_api_key
    from services.events import outbox, webhooks
    from services.events.types import EventTypeName
    from services.transactions import transaction

    await apply_migrations(settings)
    await init_db(settings)
    try:
        configure_webhooks(settings)
        key, _ = await create_api_key(
            name="bench", scopes=[ApiScope.READ_CATALOG], created_by_id=None
        )
        endpoint, _ = await webhooks.create_endpoint(
            api_key=key, url=receiver_url, event_types=[EventTypeName.PRODUCT_UPDATED.value]
        )
        aggregates = [f"bench-{uuid.uuid4().hex[:8]}" for _ in range(100)]
        for start in range(0, events, 20):
            async with transaction():
                for n in range(start, min(events, start + 20)):
                    await outbox.emit(
                        EventTypeName.PRODUCT_UPDATED,
                        aggregate_id=aggregates[n % len(aggregates)],
                        payload={"n": n, "name": "Wooden train set", "price": "19.90"},
                    )
        return endpoint.id
    finally:
        await close_db()


async def delivered(settings: Settings, endpoint_id: int) -> int:
    from models.events import WebhookDelivery, WebhookDeliveryStatus

    return await WebhookDelivery.filter(
        endpoint_id=endpoint_id, status=WebhookDeliveryStatus.SUCCEEDED
    ).count()


@contextmanager
def processes(env: dict[str, str], port: int, workers: int) -> Iterator[str]:
    log = open(Path(tempfile.gettempdir()) / "shopgraph-bench-webhooks.log", "ab")
    started = [
        subprocess.Popen([*CLI, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    ]
    for _ in range(workers):
        started.append(subprocess.Popen([*CLI, "worker"], env=env, stdout=log, stderr=log))
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{url}/healthz")
                break
            except httpx.TransportError:
                if started[0].poll() is not None:
                    raise SystemExit(f"the server exited: see {log.name}") from None
                time.sleep(0.1)
        yield url
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(timeout=30)
        log.close()


async def floor(port: int, bodies: int) -> float:
    """Plain POSTs of a delivery-sized body at the workers' concurrency: requests per second."""
    body = b'{"type":"product.updated","data":{' + b'"x":"' + b"y" * 400 + b'"}}'
    queue = list(range(bodies))
    async with httpx.AsyncClient() as client:

        async def one() -> None:
            while queue:
                queue.pop()
                await client.post(f"http://127.0.0.1:{port}/hook", content=body)

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(CONCURRENCY)))
    return bodies / (time.perf_counter() - started)


async def run(events: int, workers: int) -> None:
    base = load_settings()
    scratch = Path(tempfile.mkdtemp(prefix="shopgraph-bench-"))
    settings = (
        base
        if base.is_postgres
        else replace(base, database_url=f"sqlite://{scratch / 'bench.sqlite3'}")
    )
    if workers and not settings.is_postgres:
        raise SystemExit("--workers needs DATABASE_URL=postgres://...")
    server, box = await start_receiver()
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "SHOPGRAPH_WEBHOOK_ALLOW_PRIVATE": "true",
        "SHOPGRAPH_LOG_LEVEL": "WARNING",
        "SHOPGRAPH_ACCESS_LOG": "false",
        "SHOPGRAPH_RECOMMENDER_INTERVAL": "0",
        "SHOPGRAPH_EVENT_WORKERS_IN_SERVER": "false" if workers else "true",
    }
    port = 8700 + os.getpid() % 200
    await apply_migrations(settings)
    print(f"database: {settings.database_url.split('://')[0]}, events: {events}, "
          f"worker processes: {workers or 'none (deliveries in the server)'}")  # fmt: skip

    with processes(env, port, 0) as url:  # idle: nothing to deliver yet
        stop = asyncio.Event()
        loop = asyncio.create_task(typename_loop(url, stop))
        await asyncio.sleep(3)
        stop.set()
        idle = await loop
    endpoint_id = await prepare(settings, f"http://127.0.0.1:{box.port}/hook", events)

    await init_db(settings)
    with processes(env, port, workers) as url:
        started = time.perf_counter()
        stop = asyncio.Event()
        loop = asyncio.create_task(typename_loop(url, stop))
        done = 0
        while done < events and time.perf_counter() - started < 600:
            await asyncio.sleep(0.25)
            done = await delivered(settings, endpoint_id)
        elapsed = time.perf_counter() - started
        stop.set()
        busy = await loop
    await close_db()
    rate_floor = await floor(box.port, 2000)
    server.close()

    print(f"  delivered {done} of {events} in {elapsed:.1f} s: {done / elapsed:7.0f} deliveries/s "
          f"(receiver saw {box.count - 2000} requests)")  # fmt: skip
    print(f"  floor: plain POSTs, {CONCURRENCY} at once      {rate_floor:7.0f} requests/s")
    for name, values, seconds in (("idle", idle, 3.0), ("during deliveries", busy, elapsed)):
        print(
            f"  {{ __typename }} {name:18} p50 {statistics.median(values):6.2f} ms   "
            f"p99 {percentile(values, 0.99):6.2f} ms   {len(values) / seconds:6.0f} req/s"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=0, help="shopgraph worker processes")
    args = parser.parse_args()
    asyncio.run(run(args.events, args.workers))


if __name__ == "__main__":
    main()
