"""The PostgreSQL pool gives connections back without asyncpg's full session reset, and still
never hands out one with a transaction left open."""

from __future__ import annotations

import pytest
from tortoise import connections

from api.db import tortoise_config
from api.settings import Settings
from tests.conftest import using_postgres

pytestmark = [
    pytest.mark.skipif(
        not using_postgres(), reason="the pool reset is PostgreSQL's: set DATABASE_URL to run"
    ),
]


async def test_a_returned_connection_costs_no_reset_round_trip(database: Settings) -> None:
    connection = tortoise_config(database)["connections"]["default"]
    assert connection["credentials"]["reset"].__name__ == "release_connection"
    client = connections.get("default")
    await client.execute_query("SELECT 1")
    pool = client._pool
    # given a session setting made on a pooled connection (nothing of ours makes one)
    async with pool.acquire() as raw:
        await raw.execute("SET application_name = 'pool-probe'")
        backend = await raw.fetchval("SELECT pg_backend_pid()")
    # then the session comes back as it was left: no RESET ALL (nor the rest) ran on release
    for _ in range(pool.get_size()):
        async with pool.acquire() as raw:
            if await raw.fetchval("SELECT pg_backend_pid()") == backend:
                assert await raw.fetchval("SHOW application_name") == "pool-probe"
                await raw.execute("RESET application_name")
                return
    raise AssertionError("the probed session did not come back")


async def test_a_transaction_left_open_is_rolled_back_when_the_connection_returns(
    database: Settings,
) -> None:
    client = connections.get("default")
    await client.execute_query("SELECT 1")  # the pool opens on first use
    pool = client._pool
    # given a connection given back in the middle of a transaction that wrote a row
    async with pool.acquire() as raw:
        await raw.execute("CREATE TEMP TABLE IF NOT EXISTS pool_probe (n int)")
        await raw.execute("BEGIN")
        await raw.execute("INSERT INTO pool_probe VALUES (1)")
        assert raw.is_in_transaction()
        backend = await raw.fetchval("SELECT pg_backend_pid()")
    # then whoever gets that session next finds no open transaction and no row
    seen = []
    for _ in range(pool.get_size()):
        async with pool.acquire() as raw:
            if await raw.fetchval("SELECT pg_backend_pid()") == backend:
                seen.append(raw.is_in_transaction())
                assert await raw.fetchval("SELECT count(*) FROM pool_probe") == 0
                break
    assert seen == [False]
