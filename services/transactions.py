"""One transaction per business operation, and work that must wait until it has committed.

tortoise has no on-commit hook. `transaction()` wraps `in_transaction()` and runs what was
registered with `after_commit` once the outermost transaction has committed (never after a
rollback). Cache invalidation registers itself this way, so a write service cannot run it
too early: `after_commit` inside a bare `in_transaction()` is refused with an error that
every test of that service would hit.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import TransactionalDBClient
from tortoise.transactions import in_transaction

Callback = Callable[[], Awaitable[None]]
logger = logging.getLogger("shopgraph.transactions")
_pending: ContextVar[list[Callback] | None] = ContextVar("after_commit", default=None)


@asynccontextmanager
async def transaction() -> AsyncIterator[Any]:
    """`in_transaction()` that runs the `after_commit` callbacks once it has committed."""
    if _pending.get() is not None:  # nested: the outermost transaction runs them
        async with in_transaction() as tx:
            yield tx
        return
    callbacks: list[Callback] = []
    token = _pending.set(callbacks)
    try:
        async with in_transaction() as tx:
            yield tx
    finally:
        _pending.reset(token)
    for callback in callbacks:
        try:
            await callback()
        except Exception:  # the write has committed: a failed follow-up must not undo it
            logger.exception("after-commit step failed")


def in_managed_transaction() -> bool:
    """True inside `transaction()` (whose callbacks run after the outermost commit)."""
    return _pending.get() is not None and _in_bare_transaction()


def _in_bare_transaction() -> bool:
    return isinstance(connections.get("default"), TransactionalDBClient)


async def after_commit(callback: Callback) -> None:
    """Run `callback` after the current transaction commits (at once outside one)."""
    pending = _pending.get()
    if pending is not None:
        pending.append(callback)
        return
    if _in_bare_transaction():
        raise RuntimeError(
            "after_commit inside in_transaction(): use services.transactions.transaction()"
        )
    await callback()
