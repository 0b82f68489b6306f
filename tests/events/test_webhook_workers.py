"""`shopgraph worker` processes on PostgreSQL: several share the deliveries without sending
one twice at once, and a worker killed mid-delivery loses nothing (its leases run out)."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from api.settings import Settings
from models.accounts import ApiKey, ApiScope
from models.events import DomainEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from models.events import WebhookDeliveryStatus as Status
from services.accounts.tokens import create_api_key
from services.events import outbox, runtime, webhooks
from services.events.types import EventTypeName
from services.transactions import transaction
from tests.conftest import using_postgres

pytestmark = [
    pytest.mark.usefixtures("app"),
    pytest.mark.skipif(
        not using_postgres(),
        reason="several worker processes need PostgreSQL (FOR UPDATE SKIP LOCKED): set "
        "DATABASE_URL=postgres://... to run",
    ),
]
CLI = [sys.executable, "-m", "api.cli", "worker"]
JOB = "webhook-deliveries"


@dataclass
class SlowReceiver:
    """Answers 200 after `delay` seconds, noting when each request began and ended."""

    delay: float
    url: str = ""
    spans: list[tuple[str, float, float]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ids(self) -> list[str]:
        with self.lock:
            return [span[0] for span in self.spans]


@contextmanager
def slow_receiver(delay: float) -> Iterator[SlowReceiver]:
    box = SlowReceiver(delay)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            began = time.monotonic()
            self.rfile.read(int(self.headers.get("content-length", "0")))
            time.sleep(box.delay)
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()
            with box.lock:
                box.spans.append((self.headers["webhook-id"], began, time.monotonic()))

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()


def _worker(settings: Settings, log: Any) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "SHOPGRAPH_WEBHOOK_ALLOW_PRIVATE": "true",
        # A short timeout makes a short lease: a dead worker's claims run out in 9 s.
        "SHOPGRAPH_WEBHOOK_TIMEOUT": "2",
        "SHOPGRAPH_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(CLI, env=env, stdout=log, stderr=subprocess.STDOUT)


@pytest.fixture
async def only_worker_processes() -> AsyncIterator[None]:
    """This test process keeps its fan-out but sends no deliveries while the test runs."""
    events = runtime.current()
    [mine] = [task for task in events.tasks if task.get_name() == JOB]
    mine.cancel()
    await asyncio.gather(mine, return_exceptions=True)
    events.tasks.remove(mine)
    yield
    events.tasks.append(asyncio.create_task(runtime.WORKER_JOBS[JOB](events), name=JOB))


@pytest.fixture
async def key() -> AsyncIterator[ApiKey]:
    row, _ = await create_api_key(name="w", scopes=[ApiScope.READ_CATALOG], created_by_id=None)
    yield row
    await WebhookEndpoint.filter(api_key_id=row.id).delete()


async def _emit_many(aggregates: list[str], rounds: int) -> list[str]:
    ids = []
    for n in range(rounds):
        for aggregate in aggregates:
            async with transaction():
                event = await outbox.emit(
                    EventTypeName.PRODUCT_UPDATED, aggregate_id=aggregate, payload={"n": n}
                )
                ids.append(event)
    return ids


async def _wait_all_delivered(endpoint: WebhookEndpoint, count: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done = await WebhookDelivery.filter(endpoint_id=endpoint.id, status=Status.SUCCEEDED)
        if len(done) == count:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"only {len(done)} of {count} delivered")


async def _received(box: SlowReceiver, count: int, *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if len(box.ids()) >= count or time.monotonic() > deadline:
            return
        await asyncio.sleep(0.05)


def _no_overlap(spans: list[tuple[str, float, float]]) -> None:
    by_id: dict[str, list[tuple[float, float]]] = {}
    for event_id, began, ended in spans:
        by_id.setdefault(event_id, []).append((began, ended))
    for event_id, intervals in by_id.items():
        intervals.sort()
        for (_, first_end), (second_start, _) in itertools.pairwise(intervals):
            assert second_start >= first_end, f"{event_id} was being sent twice at once"


async def _in_order(aggregates: list[str], received: list[str]) -> None:
    events = {e.event_id: e for e in await DomainEvent.filter(aggregate_id__in=aggregates)}
    first_seen: dict[str, list[int]] = {a: [] for a in aggregates}
    for event_id in dict.fromkeys(received):
        event = events[event_id]
        first_seen[event.aggregate_id].append(event.sequence)
    for aggregate, sequences in first_seen.items():
        assert sequences == sorted(sequences), (aggregate, sequences)


@pytest.mark.usefixtures("only_worker_processes")
async def test_two_workers_share_the_deliveries_without_duplicates(
    database: Settings, key: ApiKey, tmp_path: Any
) -> None:
    with slow_receiver(0.2) as box, (tmp_path / "workers.log").open("wb") as log:
        endpoint, _ = await webhooks.create_endpoint(
            api_key=key, url=box.url, event_types=[EventTypeName.PRODUCT_UPDATED.value]
        )
        workers = [_worker(database, log), _worker(database, log)]
        try:
            # More aggregates than one worker sends at once (16), so both find work.
            aggregates = [f"w-{uuid.uuid4().hex[:8]}" for _ in range(48)]
            ids = await _emit_many(aggregates, rounds=2)
            await _wait_all_delivered(endpoint, len(ids), seconds=90)
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=20)
    received = box.ids()
    assert sorted(received) == sorted(ids)  # each exactly once: nothing failed, nothing doubled
    senders = await WebhookAttempt.filter(delivery__endpoint_id=endpoint.id).values_list(
        "worker", flat=True
    )
    assert len(set(senders)) == 2, "both workers took a share"
    await _in_order(aggregates, received)


@pytest.mark.usefixtures("only_worker_processes")
async def test_a_worker_killed_mid_delivery_loses_nothing(
    database: Settings, key: ApiKey, tmp_path: Any
) -> None:
    with slow_receiver(0.4) as box, (tmp_path / "workers.log").open("wb") as log:
        endpoint, _ = await webhooks.create_endpoint(
            api_key=key, url=box.url, event_types=[EventTypeName.PRODUCT_UPDATED.value]
        )
        aggregates = [f"k-{uuid.uuid4().hex[:8]}" for _ in range(6)]
        ids = await _emit_many(aggregates, rounds=5)
        first = _worker(database, log)
        try:
            await _received(box, 4, seconds=60)
            claimed = await WebhookDelivery.filter(
                endpoint_id=endpoint.id, claimed_by__isnull=False
            ).count()
            assert claimed > 0, "the worker is in the middle of deliveries"
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            if first.poll() is None:
                first.kill()
        second = _worker(database, log)
        try:
            await _wait_all_delivered(endpoint, len(ids), seconds=120)
        finally:
            second.terminate()
            second.wait(timeout=20)
        await asyncio.sleep(box.delay + 0.2)  # requests the killed worker left open end
    received = box.ids()
    assert set(received) == set(ids)
    _no_overlap(box.spans)
    await _in_order(aggregates, received)
