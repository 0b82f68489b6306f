"""The relay: gives committed events their stream position, then publishes them to the broker.

Positions are given one batch at a time under a lock (PostgreSQL: an advisory lock, so one
relay of all the processes runs a batch at a time; SQLite: one process, an asyncio lock), in
the order the events became visible, i.e. committed. An event that committed late still gets
a position after every event a reader has already seen, so a cursor never skips one.

Publishing reads from the broker's own last position, so a broker that lost its data (Redis
restarted) is filled again from the outbox, within the retention window; while the broker is
down the events wait in the outbox and nothing is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from tortoise import connections

from models.events import DomainEvent
from services import clock
from services.events.brokers import Broker, RedisStreamBroker, StaleStream
from services.events.records import EventRecord, last_position
from services.sql import is_postgres
from services.transactions import transaction

logger = logging.getLogger("shopgraph.events.relay")
LOCK_KEY = 0x5348_4F50  # "SHOP": the advisory lock every relay of one database shares
BATCH = 500
# Every relay of this process takes it (SQLite has only this process to exclude).
_process_lock = asyncio.Lock()


class Relay:
    def __init__(self, broker: Broker, *, retention: timedelta, poll_seconds: float = 0.5):
        self.broker = broker
        self.retention = retention
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._down_since: float | None = None

    def wake(self) -> None:
        """A transaction that wrote events has committed."""
        self._wake.set()

    @contextlib.asynccontextmanager
    async def _exclusive(self) -> AsyncIterator[bool]:
        """Yields True while this process is the one relay running a batch."""
        async with _process_lock:
            conn = connections.get("default")
            if not is_postgres(conn):
                yield True
                return
            async with conn.acquire_connection() as raw:
                got = await raw.fetchval("SELECT pg_try_advisory_lock($1)", LOCK_KEY)
                try:
                    yield bool(got)
                finally:
                    if got:
                        try:
                            await raw.execute("SELECT pg_advisory_unlock($1)", LOCK_KEY)
                        except BaseException:
                            # the pool does not clear session locks: a session that may
                            # still hold it must end, or no relay would run again
                            raw.terminate()
                            raise

    async def step(self) -> int | None:
        """Sequence and publish one round; the count published, or None if another relay ran."""
        async with self._exclusive() as mine:
            if not mine:
                return None
            await self._sequence()
            return await self._publish()

    async def _sequence(self) -> None:
        while True:
            async with transaction():
                conn = connections.get("default")
                pending = (
                    await DomainEvent.filter(position__isnull=True)
                    .order_by("id")
                    .limit(BATCH)
                    .values("id")
                )
                if not pending:
                    return
                start = await last_position()
                # One UPDATE per batch: a CASE over the ids, in the order they became visible.
                cases = " ".join(
                    f"WHEN {int(event_id)} THEN {start + offset}"
                    for offset, event_id in enumerate((row["id"] for row in pending), start=1)
                )
                ids = ", ".join(str(int(row["id"])) for row in pending)
                await conn.execute_query(
                    f"UPDATE domain_event SET position = CASE id {cases} END WHERE id IN ({ids})"
                )
            if len(pending) < BATCH:
                return

    async def _publish(self) -> int:
        published = 0
        newest = await last_position()
        watermark = await self.broker.last_position()
        if watermark > newest:
            watermark = await self._stale("the broker is ahead of the database")
        while True:
            after = watermark
            if self.broker.capacity is not None:
                after = max(after, newest - self.broker.capacity)
            oldest = clock.now() - self.retention
            rows = (
                await DomainEvent.filter(position__gt=after, occurred_at__gte=oldest)
                .order_by("position")
                .limit(BATCH)
            )
            if not rows:
                return published
            records = [EventRecord.from_model(row) for row in rows]
            try:
                await self.broker.publish(records)
            except StaleStream as stale:
                watermark = await self._stale(str(stale))
                continue
            published += len(records)
            watermark = records[-1].position
            if len(rows) < BATCH:
                return published

    async def _stale(self, why: str) -> int:
        logger.warning("event stream reset (%s): republishing the retention window", why)
        if isinstance(self.broker, RedisStreamBroker):
            await self.broker.reset()
        return 0

    async def trim(self) -> None:
        """Drop from the broker what fell out of the retention window."""
        oldest = clock.now() - self.retention
        first = (
            await DomainEvent.filter(occurred_at__gte=oldest, position__isnull=False)
            .order_by("position")
            .first()
        )
        if first is not None and first.position is not None:
            await self.broker.trim(before=first.position)

    async def run_forever(self) -> None:
        """Relay on every wake-up, and at least every `poll_seconds` (events of dead processes)."""
        loop = asyncio.get_running_loop()
        next_trim = 0.0
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
            self._wake.clear()
            try:
                result = await self.step()
                if result is None:
                    # Another process's relay holds the batch: try again soon, so that this
                    # process's commit does not wait for the poll.
                    await asyncio.sleep(0.01)
                    self._wake.set()
                if loop.time() >= next_trim:
                    await self.trim()
                    next_trim = loop.time() + 60
                self._recovered()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self._failed(error)
                await asyncio.sleep(min(5.0, self.poll_seconds * 4))

    def _failed(self, error: Exception) -> None:
        if self._down_since is None:
            self._down_since = asyncio.get_running_loop().time()
            logger.warning("event relay paused (%s); events wait in the outbox", error)

    def _recovered(self) -> None:
        if self._down_since is not None:
            waited = asyncio.get_running_loop().time() - self._down_since
            logger.info("event relay resumed after %.1f s", waited)
            self._down_since = None
