"""Where committed events go for live readers: process memory, or a Redis Stream shared by hosts.

Both keep the stream's positions as their ids (a Redis entry is `<position>-0`), so a reader's
cursor means the same everywhere, and republishing after Redis lost its data gives every
event back its own place.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
from collections import deque
from collections.abc import Sequence
from typing import Any, Protocol

from services.events.records import EventRecord

logger = logging.getLogger("shopgraph.events.broker")


class Broker(Protocol):
    # None: the broker keeps what the retention window keeps; else at most this many events.
    capacity: int | None

    async def last_position(self) -> int:
        """The newest position the broker holds (0 when empty)."""
        ...

    async def publish(self, records: Sequence[EventRecord]) -> None:
        """Append `records` (in position order, each after `last_position()`)."""
        ...

    async def read(self, after: int, *, block_ms: int, count: int = 500) -> list[EventRecord]:
        """Records after `after`, waiting up to `block_ms` for the first one."""
        ...

    async def trim(self, *, before: int) -> None:
        """Drop records before position `before` (the retention window)."""
        ...

    async def aclose(self) -> None: ...


class MemoryBroker:
    """One process's stream: the last `capacity` events, and a condition readers wait on."""

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity: int | None = capacity
        self._records: deque[EventRecord] = deque(maxlen=capacity)
        self._positions: deque[int] = deque(maxlen=capacity)
        self._changed = asyncio.Condition()

    async def last_position(self) -> int:
        return self._positions[-1] if self._positions else 0

    async def publish(self, records: Sequence[EventRecord]) -> None:
        if not records:
            return
        async with self._changed:
            for record in records:
                if self._positions and record.position <= self._positions[-1]:
                    continue
                self._records.append(record)
                self._positions.append(record.position)
            self._changed.notify_all()

    def _after(self, after: int, count: int) -> list[EventRecord]:
        start = bisect.bisect_right(self._positions, after)
        return [self._records[i] for i in range(start, min(start + count, len(self._records)))]

    async def read(self, after: int, *, block_ms: int, count: int = 500) -> list[EventRecord]:
        found = self._after(after, count)
        if found or block_ms <= 0:
            return found
        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: bool(self._after(after, 1))),
                    timeout=block_ms / 1000,
                )
            except TimeoutError:
                return []
        return self._after(after, count)

    async def trim(self, *, before: int) -> None:
        while self._positions and self._positions[0] < before:
            self._positions.popleft()
            self._records.popleft()

    async def aclose(self) -> None:
        return None


class StaleStream(Exception):
    """The Redis stream holds positions this database never gave (it was reset)."""


class RedisStreamBroker:
    """A Redis Stream: XADD with the position as id, XREAD from a cursor, XTRIM by MINID."""

    capacity: int | None = None

    def __init__(self, url: str, *, key: str = "shopgraph:events") -> None:
        import redis.asyncio as redis

        self.key = key
        # Readers block for seconds: their own connections, sized for one reader per process.
        self._redis: Any = redis.Redis.from_url(
            url, socket_connect_timeout=2, socket_timeout=None, health_check_interval=15
        )

    async def last_position(self) -> int:
        entries = await self._redis.xrevrange(self.key, count=1)
        if not entries:
            return 0
        return _position(entries[0][0])

    async def publish(self, records: Sequence[EventRecord]) -> None:
        if not records:
            return
        pipe = self._redis.pipeline(transaction=False)
        for record in records:
            pipe.xadd(self.key, {"e": record.to_json()}, id=f"{record.position}-0")
        results = await pipe.execute(raise_on_error=False)
        for record, result in zip(records, results, strict=True):
            if isinstance(result, Exception):
                if "equal or smaller" not in str(result):
                    raise result
                await self._check_same(record)

    async def _check_same(self, record: EventRecord) -> None:
        """An id already taken is fine only if it holds this very event."""
        entries = await self._redis.xrange(
            self.key, min=f"{record.position}-0", max=f"{record.position}-0"
        )
        if entries and EventRecord.from_json(entries[0][1][b"e"]).id == record.id:
            return
        raise StaleStream(f"{self.key} holds another event at position {record.position}")

    async def reset(self) -> None:
        await self._redis.delete(self.key)

    async def read(self, after: int, *, block_ms: int, count: int = 500) -> list[EventRecord]:
        reply = await self._redis.xread(
            {self.key: f"{after}-0"}, count=count, block=block_ms if block_ms > 0 else None
        )
        records: list[EventRecord] = []
        for _key, entries in reply or []:
            records.extend(EventRecord.from_json(fields[b"e"]) for _id, fields in entries)
        return records

    async def trim(self, *, before: int) -> None:
        await self._redis.xtrim(self.key, minid=f"{before}-0", approximate=False)

    async def aclose(self) -> None:
        await self._redis.aclose()


def _position(entry_id: bytes | str) -> int:
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    return int(text.split("-", 1)[0])


def build_broker(redis_url: str) -> Broker:
    """Redis Streams when `REDIS_URL` is set, process memory otherwise."""
    if redis_url:
        return RedisStreamBroker(redis_url)
    return MemoryBroker()
