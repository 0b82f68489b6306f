"""The outbox: an event exists iff its change committed, in order per aggregate and overall."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest

from models.events import DomainEvent
from services.events import actors, outbox, runtime
from services.events.brokers import MemoryBroker
from services.events.relay import Relay
from services.events.types import EventTypeName
from services.transactions import transaction
from tests.conftest import using_postgres

pytestmark = pytest.mark.usefixtures("app")
T = EventTypeName


def _aggregate() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


async def _emit(aggregate: str, **payload: object) -> str:
    async with transaction():
        return await outbox.emit(T.PRODUCT_UPDATED, aggregate_id=aggregate, payload=payload)


async def test_an_event_commits_with_its_change_and_rolls_back_with_it() -> None:
    aggregate = _aggregate()
    with pytest.raises(RuntimeError, match="boom"):
        async with transaction():
            await outbox.emit(T.PRODUCT_UPDATED, aggregate_id=aggregate, payload={"n": 1})
            raise RuntimeError("boom")
    assert not await DomainEvent.filter(aggregate_id=aggregate).exists()

    event_id = await _emit(aggregate, n=2)
    stored = await DomainEvent.get(event_id=event_id)
    # The rolled-back write took no sequence number with it.
    assert (stored.sequence, stored.payload, stored.aggregate_type) == (1, {"n": 2}, "product")


async def test_emit_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="outside transaction"):
        await outbox.emit(T.PRODUCT_UPDATED, aggregate_id=_aggregate(), payload={})


async def test_events_carry_sequence_actor_version_and_json_payload() -> None:
    from decimal import Decimal

    aggregate = _aggregate()
    with actors.acting_as(actors.staff(7)):
        async with transaction():
            first = await outbox.emit(
                T.PRODUCT_UPDATED, aggregate_id=aggregate, payload={"price": Decimal("9.90")}
            )
            second = await outbox.emit(
                T.PRODUCT_UPDATED, aggregate_id=aggregate, payload={}, version=2
            )
    rows = {row.event_id: row for row in await DomainEvent.filter(aggregate_id=aggregate)}
    assert [rows[first].sequence, rows[second].sequence] == [1, 2]
    assert rows[first].payload == {"price": "9.90"}
    assert {row.actor for row in rows.values()} == {"staff:7"}
    assert rows[second].version == 2


async def test_committed_events_reach_live_followers_in_order() -> None:
    hub = runtime.current().hub
    aggregate = _aggregate()

    async def take(count: int) -> list[str]:
        seen: list[str] = []
        async for record in hub.follow(match=lambda r: r.aggregate_id == aggregate):
            seen.append(str(record.payload["n"]))
            if len(seen) == count:
                return seen
        return seen

    reader = asyncio.create_task(take(3))
    await asyncio.sleep(0.05)
    for n in range(3):
        await _emit(aggregate, n=n)
    assert await asyncio.wait_for(reader, timeout=5) == ["0", "1", "2"]


async def test_a_follower_resumes_after_a_position_without_gaps_or_repeats() -> None:
    hub = runtime.current().hub
    aggregate = _aggregate()
    for n in range(4):
        await _emit(aggregate, n=n)
    await _sequenced(aggregate, 4)
    rows = await DomainEvent.filter(aggregate_id=aggregate).order_by("position")
    resume_after = rows[1].position
    assert resume_after is not None

    async def take() -> list[int]:
        seen: list[int] = []
        async for record in hub.follow(
            after=resume_after, match=lambda r: r.aggregate_id == aggregate
        ):
            seen.append(int(record.payload["n"]))
            if len(seen) == 3:
                return seen
        return seen

    reader = asyncio.create_task(take())
    await asyncio.sleep(0.05)
    await _emit(aggregate, n=4)
    assert await asyncio.wait_for(reader, timeout=5) == [2, 3, 4]


async def _sequenced(aggregate: str, count: int) -> None:
    for _ in range(200):
        if (
            await DomainEvent.filter(aggregate_id=aggregate, position__isnull=False).count()
            == count
        ):
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"{count} events of {aggregate} were not sequenced")


async def test_a_relay_fills_a_broker_that_lost_its_data_from_the_outbox() -> None:
    aggregate = _aggregate()
    for n in range(3):
        await _emit(aggregate, n=n)
    await _sequenced(aggregate, 3)
    broker = MemoryBroker()
    relay = Relay(broker, retention=timedelta(hours=1))
    assert await relay.step() is not None
    mine = [
        r for r in await broker.read(0, block_ms=0, count=10_000) if r.aggregate_id == aggregate
    ]
    assert [r.payload["n"] for r in mine] == [0, 1, 2]
    positions = [r.position for r in await broker.read(0, block_ms=0, count=10_000)]
    assert positions == sorted(set(positions))


@pytest.mark.skipif(not using_postgres(), reason="concurrent writers need PostgreSQL")
async def test_concurrent_writers_of_one_aggregate_get_distinct_consecutive_sequences() -> None:
    aggregate = _aggregate()
    await asyncio.gather(*(_emit(aggregate, n=n) for n in range(20)))
    sequences = sorted(
        await DomainEvent.filter(aggregate_id=aggregate).values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, 21))


@pytest.mark.skipif(not using_postgres(), reason="concurrent relays need PostgreSQL")
async def test_concurrent_relays_give_each_event_one_position_in_commit_order() -> None:
    aggregate = _aggregate()
    relays = [Relay(MemoryBroker(), retention=timedelta(hours=1)) for _ in range(3)]

    async def write(n: int) -> None:
        await _emit(aggregate, n=n)

    await asyncio.gather(*(write(n) for n in range(30)), *(r.step() for r in relays))
    for relay in relays:
        await relay.step()
    await _sequenced(aggregate, 30)
    rows = await DomainEvent.filter(aggregate_id=aggregate).order_by("sequence")
    positions = [row.position for row in rows]
    # One aggregate's writers commit one after the other: stream order is sequence order.
    assert positions == sorted(positions)
    assert len(set(positions)) == 30
