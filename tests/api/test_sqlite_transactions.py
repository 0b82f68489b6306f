"""A task cancelled while its SQLite transaction begins gives the connection back."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from tortoise import connections
from tortoise.backends.sqlite.client import SqliteTransactionWrapper

from api.settings import Settings
from services.transactions import transaction
from tests.conftest import using_postgres

pytestmark = [
    pytest.mark.skipif(using_postgres(), reason="the single-connection lock is SQLite's"),
]


async def test_a_transaction_cancelled_while_it_begins_frees_the_connection(
    database: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a background job stopped (cancelled) while its BEGIN is under way (only that
    # job's BEGIN is slow: the app's own background jobs begin as usual meanwhile)
    beginning = asyncio.Event()
    original = SqliteTransactionWrapper.begin
    jobs: set[asyncio.Task[None]] = set()

    async def slow_begin(self: SqliteTransactionWrapper) -> None:
        if asyncio.current_task() not in jobs:
            return await original(self)
        beginning.set()
        await asyncio.sleep(30)

    monkeypatch.setattr(SqliteTransactionWrapper, "begin", slow_begin)

    async def job() -> None:
        async with transaction():
            pass

    task = asyncio.create_task(job())
    jobs.add(task)
    await beginning.wait()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    monkeypatch.undo()
    # then the next statement runs (it waited forever on the lock the BEGIN had taken)
    rows = await asyncio.wait_for(
        connections.get("default").execute_query_dict("SELECT 1 AS one"), timeout=5
    )
    assert rows == [{"one": 1}]
    async with transaction():  # and transactions work again
        await connections.get("default").execute_query("SELECT 1")
