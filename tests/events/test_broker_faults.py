"""Redis stopped and restarted during a burst of events: every event reaches a live
listener afterwards, none twice. A private redis-server, so the shared one is left alone."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import subprocess
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest

from services.events import outbox
from services.events.brokers import RedisStreamBroker
from services.events.hub import Hub
from services.events.relay import Relay
from services.events.types import EventTypeName
from services.transactions import transaction

pytestmark = [
    pytest.mark.usefixtures("app"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _redis(port: int) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.1):
                break
            if process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            subprocess.run(["sleep", "0.05"], check=True)
        yield process
    finally:
        process.kill()
        process.wait()


async def test_events_written_while_redis_is_down_arrive_once_it_is_back() -> None:
    port = _port()
    aggregate = f"fault-{uuid.uuid4().hex[:8]}"
    broker = RedisStreamBroker(f"redis://127.0.0.1:{port}/0", key=f"test:{aggregate}")
    relay = Relay(broker, retention=timedelta(hours=1), poll_seconds=0.05)
    hub = Hub(broker)
    received: list[str] = []
    written: list[str] = []

    async def emit_some(count: int) -> None:
        for n in range(count):
            async with transaction():
                written.append(
                    await outbox.emit(
                        EventTypeName.PRODUCT_UPDATED, aggregate_id=aggregate, payload={"n": n}
                    )
                )

    async def listen() -> None:
        async for record in hub.follow(match=lambda r: r.aggregate_id == aggregate):
            received.append(record.id)

    with _redis(port) as first:
        outbox.on_commit_wake(relay.wake)
        tasks = [asyncio.create_task(relay.run_forever()), asyncio.create_task(hub.run_forever())]
        await asyncio.sleep(0.1)
        listener = asyncio.create_task(listen())
        try:
            await emit_some(20)
            first.kill()
            first.wait()
            await emit_some(20)  # Redis is gone: these wait in the outbox
            await asyncio.sleep(0.3)
            with _redis(port):  # back, empty: it kept nothing on disk
                await emit_some(20)
                for _ in range(300):
                    if len(received) >= 60:
                        break
                    await asyncio.sleep(0.05)
                await asyncio.sleep(0.3)  # anything extra (a repeat) would arrive now
        finally:
            outbox.stop_waking(relay.wake)
            for task in [*tasks, listener]:
                task.cancel()
            for task in [*tasks, listener]:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
            with contextlib.suppress(Exception):
                await broker.aclose()

    assert sorted(received) == sorted(written)
    assert len(received) == len(set(received)) == 60
