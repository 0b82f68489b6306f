"""Reactions to events: durable consumers (each event handled by one process, resumed after
a crash) and broadcast handlers (every process, e.g. dropping its own cached copies).

A durable consumer's progress is a row in `event_consumer`: a lease names the process that
runs it, and the position advances after each handled event, so a handler must be
idempotent (it may see an event again after a crash, never miss one).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta

from tortoise.expressions import Q

from models.events import EventConsumer
from services import clock
from services.events.hub import Hub, ListenerOverflow
from services.events.records import EventRecord, read_after

logger = logging.getLogger("shopgraph.events.consumers")
Handler = Callable[[EventRecord], Awaitable[None]]
LEASE = timedelta(seconds=30)
MAX_ATTEMPTS = 8
SAVE_EVERY = 25
OWNER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class Consumer:
    name: str
    types: frozenset[str]
    handle: Handler


DURABLE: dict[str, Consumer] = {}
BROADCAST: dict[str, Consumer] = {}


def durable(name: str, types: Iterable[str]) -> Callable[[Handler], Handler]:
    """Register `handle` as the durable consumer `name` of `types`."""

    def register(handle: Handler) -> Handler:
        DURABLE[name] = Consumer(name, frozenset(str(t) for t in types), handle)
        return handle

    return register


def broadcast(name: str, types: Iterable[str]) -> Callable[[Handler], Handler]:
    """Register `handle` to run in every process for each live event of `types`."""

    def register(handle: Handler) -> Handler:
        BROADCAST[name] = Consumer(name, frozenset(str(t) for t in types), handle)
        return handle

    return register


async def _take_lease(name: str) -> EventConsumer | None:
    now = clock.now()
    await EventConsumer.get_or_create(name=name)
    taken = await EventConsumer.filter(
        Q(name=name) & (Q(lease_owner__isnull=True) | Q(lease_owner=OWNER) | Q(lease_until__lt=now))
    ).update(lease_owner=OWNER, lease_until=now + LEASE)
    if not taken:
        return None
    return await EventConsumer.get(name=name)


async def run_once(consumer: Consumer, *, limit: int = 200) -> int:
    """Handle what `consumer` has not yet handled; the number handled (0 if another has it).

    The cursor is saved every `SAVE_EVERY` events and before returning: a crash in between
    hands at most that many events to the next owner again (handlers are idempotent).
    """
    row = await _take_lease(consumer.name)
    if row is None:
        return 0
    handled = unsaved = 0
    fields = ["position", "attempts", "last_error", "lease_until", "updated_at"]
    try:
        for record in await read_after(row.position, types=consumer.types, limit=limit):
            try:
                await consumer.handle(record)
            except Exception as error:
                row.attempts += 1
                row.last_error = f"{record.id}: {error}"[:500]
                if row.attempts < MAX_ATTEMPTS:
                    logger.warning("%s failed on %s (%s)", consumer.name, record.id, row.attempts)
                    unsaved += 1
                    return handled
                logger.exception("%s gave up on event %s", consumer.name, record.id)
            row.position = record.position
            row.attempts = 0
            handled += 1
            unsaved += 1
            if unsaved >= SAVE_EVERY:
                row.lease_until = clock.now() + LEASE
                await row.save(update_fields=fields)
                unsaved = 0
    finally:
        if unsaved:
            row.lease_until = clock.now() + LEASE
            await row.save(update_fields=fields)
    return handled


async def run_durable_forever(hub: Hub, *, poll_seconds: float = 1.0) -> None:
    """Run the durable consumers of each new event's type as it arrives, and every durable
    consumer every `poll_seconds` (retries, and work a dead lease holder left).

    Waking only the consumers of the types that arrived matters on hot paths: every
    `trackEvents` call emits an event, and waking all consumers for it cost each process
    three to four queries per consumer.
    """
    wake = asyncio.Event()
    arrived: set[str] = set()

    def on_event(types: frozenset[str]) -> None:
        arrived.update(types)
        wake.set()

    hub.on_event(on_event)
    failures = 0
    last_poll = time.monotonic()
    while True:
        with suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=poll_seconds)
        wake.clear()
        wanted = frozenset(arrived)
        arrived.clear()
        poll = failures > 0 or time.monotonic() - last_poll >= poll_seconds
        if poll:
            last_poll = time.monotonic()
        try:
            for consumer in list(DURABLE.values()):
                if not poll and not consumer.types & wanted:
                    continue
                while await run_once(consumer) >= 200:
                    pass
            failures = 0
        except asyncio.CancelledError:
            raise
        except Exception:
            failures += 1
            if failures == 1:
                logger.exception("durable consumers paused")
            await asyncio.sleep(min(10.0, poll_seconds * failures))


async def run_broadcast_forever(hub: Hub, consumer: Consumer) -> None:
    """Run `consumer` in this process on every live event of its types."""
    while True:
        try:
            async for record in hub.follow(types=consumer.types):
                try:
                    await consumer.handle(record)
                except Exception:
                    logger.exception("%s failed on %s", consumer.name, record.id)
        except ListenerOverflow:
            logger.warning("%s fell behind; some live events were skipped", consumer.name)
