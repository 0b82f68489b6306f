"""Durable consumers: every event handled by one process, retried on failure, resumed."""

from __future__ import annotations

import uuid

import pytest

from models.events import EventConsumer
from services.events import consumers, outbox
from services.events.records import EventRecord
from services.events.types import EventTypeName
from services.transactions import transaction
from tests.events.test_outbox import _sequenced

pytestmark = pytest.mark.usefixtures("app")


async def _emit(aggregate: str, n: int) -> None:
    async with transaction():
        await outbox.emit(EventTypeName.PRODUCT_UPDATED, aggregate_id=aggregate, payload={"n": n})


def _consumer(
    seen: list[int], aggregate: str, *, fail_on: set[int] | None = None
) -> consumers.Consumer:
    failing = fail_on if fail_on is not None else set()

    async def handle(record: EventRecord) -> None:
        if record.aggregate_id != aggregate:
            return
        n = int(record.payload["n"])
        if n in failing:
            failing.discard(n)
            raise RuntimeError(f"cannot handle {n} yet")
        seen.append(n)

    return consumers.Consumer(
        f"test-{uuid.uuid4().hex[:8]}", frozenset({EventTypeName.PRODUCT_UPDATED.value}), handle
    )


async def _start_at_now(consumer: consumers.Consumer) -> None:
    from services.events.records import last_position

    await EventConsumer.create(name=consumer.name, position=await last_position())


async def test_each_event_is_handled_once_and_a_rerun_handles_nothing_again() -> None:
    aggregate, seen = f"c-{uuid.uuid4().hex[:8]}", []
    consumer = _consumer(seen, aggregate)
    await _start_at_now(consumer)
    for n in range(3):
        await _emit(aggregate, n)
    await _sequenced(aggregate, 3)

    while await consumers.run_once(consumer):
        pass
    assert seen == [0, 1, 2]
    assert await consumers.run_once(consumer) == 0
    assert seen == [0, 1, 2]


async def test_a_failing_event_is_retried_before_any_later_one() -> None:
    aggregate, seen = f"c-{uuid.uuid4().hex[:8]}", []
    consumer = _consumer(seen, aggregate, fail_on={1})
    await _start_at_now(consumer)
    for n in range(3):
        await _emit(aggregate, n)
    await _sequenced(aggregate, 3)

    await consumers.run_once(consumer)
    assert seen == [0]
    row = await EventConsumer.get(name=consumer.name)
    assert row.attempts == 1 and "cannot handle 1" in row.last_error
    while await consumers.run_once(consumer):
        pass
    assert seen == [0, 1, 2]


async def test_another_process_holding_the_lease_keeps_the_consumer() -> None:
    from datetime import timedelta

    from services import clock

    aggregate, seen = f"c-{uuid.uuid4().hex[:8]}", []
    consumer = _consumer(seen, aggregate)
    await _start_at_now(consumer)
    await _emit(aggregate, 0)
    await _sequenced(aggregate, 1)
    await EventConsumer.filter(name=consumer.name).update(
        lease_owner="elsewhere:1", lease_until=clock.now() + timedelta(seconds=30)
    )
    assert await consumers.run_once(consumer) == 0
    # Its lease runs out (the process died): this one takes over from the saved position.
    await EventConsumer.filter(name=consumer.name).update(
        lease_until=clock.now() - timedelta(seconds=1)
    )
    while await consumers.run_once(consumer):
        pass
    assert seen == [0]
