"""Fan-out benchmark: WebSocket subscribers spread over server processes on PostgreSQL and
Redis, and the latency from the commit of a change to its receipt at every client.

    DATABASE_URL=postgres://... REDIS_URL=redis://... python -m benchmarks.events

Two `shopgraph serve` processes share the database and the Redis stream; the subscribers
(guests on one product's `stockChanges`) are spread evenly over them; staff stock edits are
made over HTTP, alternately on each process. The latency of one delivery is its receipt time
minus the event's `occurredAt`, which is written in the change's transaction just before
the commit (so the figure slightly overstates commit-to-receipt). Beside it the floor: a raw
Redis XADD -> XREAD round trip measured in the same run, what any cross-process delivery
pays at least. Goal: p99 <= 100 ms for 1,000 subscribers on this machine kind.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "api.cli"]
GOAL_P99_MS = 100.0
STAFF = ("bench-staff@example.com", "a long enough password 42")
STOCK = "subscription($p: ID!) { stockChanges(productId: $p) { event { id occurredAt } } }"
ADJUST = """mutation($v: ID!) { stockAdjust(variantId: $v, delta: 1) { errors { code } } }"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prepare(env: dict[str, str]) -> None:
    """Migrate, seed a few products if empty, and make sure the staff user exists."""
    for args in (
        ["migrate"],
        ["seed", "--products", "6", "--quiet", "--if-empty"],
        ["create-staff", "--email", STAFF[0], "--password", STAFF[1], "--all-permissions"],
    ):
        subprocess.run([*CLI, *args], env=env, check=True, capture_output=True, cwd=ROOT)


@contextlib.contextmanager
def fleet(env: dict[str, str], count: int, log_dir: Path) -> Iterator[list[str]]:
    """`count` server processes on the same database and Redis: their base URLs."""
    processes: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    with contextlib.ExitStack() as logs:
        yield from _serve(env, count, log_dir, logs, processes, urls)


def _serve(
    env: dict[str, str],
    count: int,
    log_dir: Path,
    logs: contextlib.ExitStack,
    processes: list[subprocess.Popen[bytes]],
    urls: list[str],
) -> Iterator[list[str]]:
    try:
        for index in range(count):
            port = _free_port()
            log = logs.enter_context((log_dir / f"server-{index}.log").open("wb"))
            processes.append(
                subprocess.Popen(
                    [*CLI, "serve", "--port", str(port)],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=ROOT,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 60
        for url, process in zip(urls, processes, strict=True):
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server {url} did not start; see {log_dir}")
                try:
                    if httpx.get(f"{url}/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)


@contextlib.contextmanager
def floor_fleet(env: dict[str, str], count: int, log_dir: Path) -> Iterator[list[str]]:
    """`count` processes of the hand-written floor (benchmarks/events_floor.py)."""
    processes: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    with contextlib.ExitStack() as logs:
        try:
            for index in range(count):
                port = _free_port()
                log = logs.enter_context((log_dir / f"floor-{index}.log").open("wb"))
                command = [sys.executable, "-m", "uvicorn", "benchmarks.events_floor:app"]
                processes.append(
                    subprocess.Popen(
                        [*command, "--port", str(port), "--log-level", "warning"],
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        cwd=ROOT,
                    )
                )
                urls.append(f"http://127.0.0.1:{port}")
            for url in urls:
                _wait_for_port(url)
            yield urls
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(timeout=15)


def _wait_for_port(url: str) -> None:
    host, port = url.removeprefix("http://").split(":")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, int(port)), 0.2):
            return
        time.sleep(0.1)
    raise RuntimeError(f"floor server {url} did not start")


async def measure_floor(
    urls: list[str], redis_url: str, stream: str, subscribers: int, changes: int, spacing: float
) -> dict[str, Any]:
    """The same clients on the floor servers; each change is one XADD with its time."""
    import redis.asyncio as redis

    writer = redis.Redis.from_url(redis_url)
    clients = [Subscriber() for _ in range(subscribers)]
    ws_urls = [url.replace("http://", "ws://") + "/graphql" for url in urls]
    for start in range(0, subscribers, 50):
        batch = clients[start : start + 50]
        await asyncio.gather(
            *(c.open(ws_urls[(start + i) % len(urls)], "floor") for i, c in enumerate(batch))
        )
    readers = [asyncio.create_task(c.run()) for c in clients]
    await asyncio.sleep(1.0)
    try:
        for _ in range(changes):
            at = datetime.now(UTC).isoformat()
            await writer.xadd(stream, {"id": uuid.uuid4().hex, "at": at})
            await asyncio.sleep(spacing)
        await asyncio.sleep(2.0)
    finally:
        for task in readers:
            task.cancel()
        for client in clients:
            if client.ws is not None:
                await client.ws.close()
        await writer.delete(stream)
        await writer.aclose()
    return _latencies(clients, warm=set())


def _latencies(clients: list[Subscriber], *, warm: set[str]) -> dict[str, Any]:
    latencies: list[float] = []
    missing = 0
    events = {e for c in clients for e in c.received} - warm
    for client in clients:
        for event in events:
            if event not in client.received:
                missing += 1
                continue
            occurred = datetime.fromisoformat(client.occurred[event]).timestamp()
            latencies.append((client.received[event] - occurred) * 1000)
    return {"latencies": latencies, "missing": missing, "events": len(events)}


async def gql(url: str, query: str, variables: dict[str, Any], headers: dict[str, str]) -> Any:
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            f"{url}/graphql", json={"query": query, "variables": variables}, headers=headers
        )
    body = response.json()
    if "errors" in body:
        raise RuntimeError(body["errors"])
    return body["data"]


async def staff_headers(url: str) -> dict[str, str]:
    data = await gql(
        url,
        "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
        {"i": {"email": STAFF[0], "password": STAFF[1]}},
        {},
    )
    return {"Authorization": f"Bearer {data['login']['accessToken']}"}


async def a_variant(url: str) -> tuple[str, str]:
    data = await gql(
        url, "{ products(first: 1) { edges { node { id variants { id } } } } }", {}, {}
    )
    node = data["products"]["edges"][0]["node"]
    return node["id"], node["variants"][0]["id"]


class Subscriber:
    def __init__(self) -> None:
        self.received: dict[str, float] = {}  # event id -> receipt time
        self.occurred: dict[str, str] = {}
        self.ws: ClientConnection | None = None

    async def open(self, ws_url: str, product_id: str) -> None:
        self.ws = await connect(ws_url, subprotocols=["graphql-transport-ws"], open_timeout=60)  # type: ignore[list-item]
        await self.ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        ack = json.loads(await self.ws.recv())
        assert ack["type"] == "connection_ack", ack
        payload = {"query": STOCK, "variables": {"p": product_id}}
        await self.ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))

    async def run(self) -> None:
        assert self.ws is not None
        with contextlib.suppress(Exception):
            async for frame in self.ws:
                now = time.time()
                message = json.loads(frame)
                if message.get("type") == "ping":
                    await self.ws.send('{"type":"pong"}')
                elif message.get("type") == "next":
                    event = message["payload"]["data"]["stockChanges"]["event"]
                    self.received[event["id"]] = now
                    self.occurred[event["id"]] = event["occurredAt"]


async def redis_floor(redis_url: str, rounds: int = 300) -> list[float]:
    """Round trips of XADD -> a blocked XREAD on a scratch stream, in ms."""
    import redis.asyncio as redis

    key = f"shopgraph:bench:floor:{uuid.uuid4().hex}"
    writer = redis.Redis.from_url(redis_url)
    reader = redis.Redis.from_url(redis_url)
    samples: list[float] = []
    try:
        last = "0-0"
        for _ in range(rounds):
            read = asyncio.ensure_future(reader.xread({key: last}, block=5_000, count=1))
            await asyncio.sleep(0.002)  # the reader is blocked before the write
            sent = time.perf_counter()
            await writer.xadd(key, {"t": "1"})
            entries = await read
            samples.append((time.perf_counter() - sent) * 1000)
            last = entries[0][1][0][0].decode()
    finally:
        await writer.delete(key)
        await writer.aclose()
        await reader.aclose()
    return samples


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(
    urls: list[str], subscribers: int, changes: int, spacing: float
) -> dict[str, Any]:
    product_id, variant_id = await a_variant(urls[0])
    headers = [await staff_headers(url) for url in urls]
    clients = [Subscriber() for _ in range(subscribers)]
    ws_urls = [url.replace("http://", "ws://") + "/graphql" for url in urls]
    for start in range(0, subscribers, 50):
        batch = clients[start : start + 50]
        await asyncio.gather(
            *(c.open(ws_urls[(start + i) % len(urls)], product_id) for i, c in enumerate(batch))
        )
    readers = [asyncio.create_task(c.run()) for c in clients]
    try:
        # Warm-up: every subscription is live once all have received one change.
        await gql(urls[0], ADJUST, {"v": variant_id}, headers[0])
        deadline = time.monotonic() + 60
        while any(not c.received for c in clients) and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.1)  # polls the clients' tallies; nothing to wait on
        warm = {event for c in clients for event in c.received}
        for index in range(changes):
            server = index % len(urls)
            await gql(urls[server], ADJUST, {"v": variant_id}, headers[server])
            await asyncio.sleep(spacing)
        await asyncio.sleep(2.0)
    finally:
        for task in readers:
            task.cancel()
        for client in clients:
            if client.ws is not None:
                await client.ws.close()
    return _latencies(clients, warm=warm)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=30)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--spacing", type=float, default=0.3, help="seconds between changes")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        print("benchmarks.events needs DATABASE_URL=postgres://... and REDIS_URL=redis://...")
        return 2
    env = {
        **os.environ,
        "SHOPGRAPH_LOG_LEVEL": "WARNING",
        "SHOPGRAPH_RECOMMENDER_INTERVAL": "0",
        "SHOPGRAPH_RESPONSE_CACHE_TTL": "0",
        "SHOPGRAPH_RATE_LIMIT_CAPACITY": "1000000000",
    }
    prepare(env)
    log_dir = ROOT / "var" / "bench" / "events"
    log_dir.mkdir(parents=True, exist_ok=True)
    floor = asyncio.run(redis_floor(redis_url))
    with fleet(env, args.processes, log_dir) as urls:
        result = asyncio.run(measure(urls, args.subscribers, args.changes, args.spacing))
    stream = f"shopgraph:bench:fanout-floor:{uuid.uuid4().hex[:8]}"
    with floor_fleet({**env, "FLOOR_STREAM": stream}, args.processes, log_dir) as urls:
        bare = asyncio.run(
            measure_floor(urls, redis_url, stream, args.subscribers, args.changes, args.spacing)
        )
    latencies = result["latencies"]
    print(
        f"fan-out: {args.subscribers} WebSocket subscribers on {args.processes} processes, "
        f"{result['events']} changes, {len(latencies)} deliveries, {result['missing']} missing"
    )
    if latencies:
        p50, p99 = percentile(latencies, 0.50), percentile(latencies, 0.99)
        verdict = "met" if p99 <= GOAL_P99_MS else "NOT met"
        print(
            f"  commit -> client      p50 {p50:7.1f} ms   p99 {p99:7.1f} ms   "
            f"max {max(latencies):7.1f} ms   goal p99 <= {GOAL_P99_MS:.0f} ms: {verdict}"
        )
    if bare["latencies"]:
        b50, b99 = percentile(bare["latencies"], 0.50), percentile(bare["latencies"], 0.99)
        print(
            f"  floor: bare Starlette WebSocket + Redis XREAD, same clients   p50 {b50:7.1f} ms   "
            f"p99 {b99:7.1f} ms   ({bare['missing']} missing)"
        )
    print(
        f"  floor: Redis XADD -> XREAD round trip  p50 {statistics.median(floor):5.2f} ms   "
        f"p99 {percentile(floor, 0.99):5.2f} ms"
    )
    return 0 if latencies and result["missing"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
