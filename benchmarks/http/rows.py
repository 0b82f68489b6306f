"""The floors' database access: the bare driver (asyncpg or aiosqlite), rows as plain dicts.

SQL is written with `?` marks; on PostgreSQL they become `$1, $2, ...`.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any

import aiosqlite
import asyncpg

# The server's own pool size on PostgreSQL (api/db.py), so neither side queues more.
POOL_MAXSIZE = 20


class Rows:
    """One database, read with its driver and nothing else."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.postgres = url.startswith(("postgres", "asyncpg"))
        self._pool: asyncpg.Pool | None = None
        self._sqlite: aiosqlite.Connection | None = None

    async def open(self) -> None:
        if self.postgres:
            dsn = "postgresql://" + self.url.split("://", 1)[1].split("?", 1)[0]
            self._pool = await asyncpg.create_pool(dsn, min_size=1, max_size=POOL_MAXSIZE)
        else:
            self._sqlite = await aiosqlite.connect(self.url.split("://", 1)[1])
            self._sqlite.row_factory = aiosqlite.Row

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
        if self._sqlite is not None:
            await self._sqlite.close()

    async def all(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        if self._pool is not None:
            records = await self._pool.fetch(_numbered(sql), *params)
            return [dict(record) for record in records]
        assert self._sqlite is not None, "open() first"
        async with self._sqlite.execute(sql, tuple(params)) as cursor:
            return [dict(row) for row in await cursor.fetchall()]

    async def script(self, sql: str) -> None:
        assert self._sqlite is not None, "SQLite only"
        await self._sqlite.executescript(sql)


def marks(values: Sequence[Any]) -> str:
    """`?, ?, ?` for an IN list (never empty: `NULL` matches nothing)."""
    return ", ".join("?" for _ in values) or "NULL"


def _numbered(sql: str) -> str:
    parts = sql.split("?")
    return "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], start=1)) + parts[-1]


TOKEN = re.compile(r"[\w]+", re.UNICODE)


def tokenize(text: str) -> list[str]:
    return [token for token in TOKEN.findall(text.lower()) if token]


class Vocabulary:
    """The published products' search terms, to widen a misspelled word to its neighbours."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.sorted = sorted({term for term in terms if TOKEN.fullmatch(term)})
        self.by_length: dict[int, list[str]] = {}
        for term in self.sorted:
            self.by_length.setdefault(len(term), []).append(term)
        self.close_terms = functools.lru_cache(maxsize=4096)(self._close_terms)

    def alternatives(self, token: str) -> tuple[str, ...]:
        at = bisect.bisect_left(self.sorted, token)
        if at < len(self.sorted) and self.sorted[at].startswith(token):
            return (token,)
        return (token, *self.close_terms(token))

    def _close_terms(self, token: str) -> tuple[str, ...]:
        if len(token) < 3:
            return ()
        candidates = [
            term
            for length in range(len(token) - 2, len(token) + 3)
            for term in self.by_length.get(length, ())
        ]
        return tuple(difflib.get_close_matches(token, candidates, n=3, cutoff=0.75))
