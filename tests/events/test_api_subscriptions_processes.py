"""Two real uvicorn processes on one PostgreSQL database and one Redis: a change made over
HTTP on one process reaches a WebSocket subscriber connected to the other."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.events import STAFF, fleet, prepare
from tests.conftest import _reset_postgres, using_postgres
from tests.events._live import Shop, Socket
from tests.events._live import socket as ws_socket

pytestmark = [
    pytest.mark.skipif(
        not using_postgres() or not os.environ.get("REDIS_URL"),
        reason="needs DATABASE_URL=postgres://... and REDIS_URL: on SQLite the server is one "
        "process, and only PostgreSQL (the relay's advisory lock) with Redis (the shared "
        "stream) carry events between processes",
    ),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]
ADJUST = """mutation($v: ID!) { stockAdjust(variantId: $v, delta: 1) {
  variant { stock } errors { code } } }"""
STOCK = """subscription($p: ID!) { stockChanges(productId: $p) {
  stock event { type payload } } }"""


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _private_redis() -> Iterator[str]:
    """A redis-server of this test's own: the session's runtime reads the shared one's
    stream, which must not receive another database's positions."""
    port = _port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.1):
                break
            subprocess.run(["sleep", "0.05"], check=True)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.kill()
        process.wait()


def _live_database() -> str:
    """A database beside the session's (which this test must not reset): `<name>_live`."""
    import asyncpg

    url = os.environ["DATABASE_URL"]
    base, _, name = url.rpartition("/")
    live = f"{name}_live"

    async def create() -> None:
        conn = await asyncpg.connect(f"{base}/postgres".replace("postgres://", "postgresql://", 1))
        try:
            if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", live):
                await conn.execute(f'CREATE DATABASE "{live}"')
        finally:
            await conn.close()

    asyncio.run(create())
    asyncio.run(_reset_postgres(f"{base}/{live}"))
    return f"{base}/{live}"


@pytest.fixture(scope="module")
def shops(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Shop, Shop]]:
    logs: Path = tmp_path_factory.mktemp("processes")
    with _private_redis() as redis_url:
        env = {
            **os.environ,
            "DATABASE_URL": _live_database(),
            "REDIS_URL": redis_url,
            "SHOPGRAPH_LOG_LEVEL": "WARNING",
            "SHOPGRAPH_RECOMMENDER_INTERVAL": "0",
        }
        prepare(env)
        with fleet(env, 2, logs) as urls:
            yield Shop(urls[0]), Shop(urls[1])
    for log in logs.glob("*.log"):
        assert "Traceback" not in log.read_text(errors="replace"), log.read_text()


async def _next_change(ws: Socket) -> dict[str, object] | None:
    with contextlib.suppress(TimeoutError):
        message = await asyncio.wait_for(ws.receive(), 2.0)
        return dict(message["payload"]["data"]["stockChanges"])
    return None


async def test_a_change_on_one_process_reaches_a_subscriber_on_the_other(
    shops: tuple[Shop, Shop],
) -> None:
    # Given a guest subscribed on process B to a product's stock, from now on (live only)
    first, second = shops
    product_id, variant_id = await first.variant_in_stock()
    login = await first.login(STAFF[0], STAFF[1])
    staff = {"Authorization": f"Bearer {login['accessToken']}"}
    async with ws_socket(second) as ws:
        assert (await ws.init())["type"] == "connection_ack"
        await ws.subscribe("1", STOCK, {"p": product_id})

        # When staff add a unit over HTTP on process A (again, until B's subscription is
        # live: without `after` it sees only what arrives once it listens)
        change = None
        for _ in range(10):
            data = await first.gql(ADJUST, {"v": variant_id}, **staff)
            assert data["stockAdjust"]["errors"] == [], data
            stock = data["stockAdjust"]["variant"]["stock"]
            change = await _next_change(ws)
            if change is not None:
                break

    # Then B's subscriber receives it, through Redis (B never saw the request)
    assert change is not None, "no change reached the other process"
    assert change["event"]["type"] == "VARIANT_STOCK_CHANGED"  # type: ignore[index]
    assert change["event"]["payload"]["variantId"] == variant_id  # type: ignore[index]
    assert change["stock"] <= stock  # type: ignore[operator]
    assert json.dumps(change)  # a plain JSON document, as sent
