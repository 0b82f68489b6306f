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


async def insert_once(
    conn: BaseDBAsyncClient, table: str, values: dict[str, object], unique: tuple[str, ...]
) -> int | None:
    """Insert a row unless one with the same `unique` columns exists, in one statement (of
    two at once, exactly one inserts): the new row's id, or None when it existed."""
    columns = ", ".join(values)
    placeholders = ", ".join(marks(conn, len(values)))
    rows = await conn.execute_query_dict(
        f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) "
        f"ON CONFLICT ({', '.join(unique)}) DO NOTHING RETURNING id",
        list(values.values()),
    )
    return int(rows[0]["id"]) if rows else None
