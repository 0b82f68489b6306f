"""Raw-SQL helpers for the few statements the ORM cannot express efficiently."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient


def is_postgres(conn: BaseDBAsyncClient) -> bool:
    """True when `conn` talks to PostgreSQL (otherwise SQLite)."""
    return str(conn.capabilities.dialect) == "postgres"


def marks(conn: BaseDBAsyncClient, count: int, *, start: int = 1) -> list[str]:
    """`count` positional parameter marks in `conn`'s dialect: `$1, $2 ...` or `?, ? ...`."""
    if is_postgres(conn):
        return [f"${position}" for position in range(start, start + count)]
    return ["?"] * count
