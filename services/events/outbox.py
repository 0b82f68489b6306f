"""Writing events: in the transaction of the change, so an event exists iff its change committed."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from tortoise import connections

from models.events import DomainEvent
from services import clock
from services.events import actors
from services.events.types import EventTypeName, spec
from services.sql import marks
from services.transactions import after_commit, in_managed_transaction

# Set by the runtime: wakes the relay once the transaction that wrote an event commits.
_wake: list[Callable[[], None]] = []


def on_commit_wake(callback: Callable[[], None]) -> None:
    _wake.append(callback)


def stop_waking(callback: Callable[[], None]) -> None:
    if callback in _wake:
        _wake.remove(callback)


def jsonable(value: Any) -> Any:
    """Payload values as JSON: money and ids as strings, times in ISO 8601 with their offset."""
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


async def _next_sequence(aggregate_type: str, aggregate_id: str) -> int:
    conn = connections.get("default")
    a, b = marks(conn, 2)
    # One statement on both databases; on PostgreSQL its row lock orders concurrent writers
    # of one aggregate, so sequence order is commit order.
    rows = await conn.execute_query_dict(
        "INSERT INTO event_aggregate (aggregate_type, aggregate_id, last_sequence) "
        f"VALUES ({a}, {b}, 1) ON CONFLICT (aggregate_type, aggregate_id) "
        "DO UPDATE SET last_sequence = event_aggregate.last_sequence + 1 "
        "RETURNING last_sequence",
        [aggregate_type, aggregate_id],
    )
    return int(rows[0]["last_sequence"])


async def emit(
    type: EventTypeName,
    *,
    aggregate_id: object,
    payload: Mapping[str, Any],
    version: int = 1,
    actor: str | None = None,
) -> str:
    """Write one event of `type` about `aggregate_id`; returns its id.

    Must run inside `services.transactions.transaction()`: the event commits or rolls back
    with the change it describes.
    """
    if not in_managed_transaction():
        raise RuntimeError("emit() outside transaction(): an event must commit with its change")
    aggregate_type = spec(type).aggregate
    aggregate_key = str(aggregate_id)
    sequence = await _next_sequence(aggregate_type, aggregate_key)
    event_id = str(uuid.uuid4())
    await DomainEvent.create(
        event_id=event_id,
        type=type.value,
        aggregate_type=aggregate_type,
        aggregate_id=aggregate_key,
        sequence=sequence,
        version=version,
        actor=actor or actors.current(),
        payload=jsonable(payload),
        occurred_at=clock.now(),
    )
    if _wake:
        await after_commit(_wake_relay)
    return event_id


async def _wake_relay() -> None:
    for callback in list(_wake):
        callback()
