"""One reader of the broker per process, fanned out to every local listener.

Subscriptions, Server-Sent Events, cache invalidations and the durable consumers' wake-ups
all listen here, so a thousand subscribers cost one broker connection per process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field

from services.events import records
from services.events.brokers import Broker
from services.events.records import EventRecord

logger = logging.getLogger("shopgraph.events.hub")
Match = Callable[[EventRecord], bool]
QUEUE_SIZE = 1_000


class ListenerOverflow(Exception):
    """A listener fell too far behind; it should resume from its last position."""


@dataclass(eq=False)
class Listener:
    match: Match | None
    queue: asyncio.Queue[EventRecord | None] = field(
        default_factory=lambda: asyncio.Queue(maxsize=QUEUE_SIZE)
    )
    overflowed: bool = False

    def offer(self, record: EventRecord) -> None:
        if self.overflowed or (self.match is not None and not self.match(record)):
            return
        try:
            self.queue.put_nowait(record)
        except asyncio.QueueFull:
            self.overflowed = True
            self.queue = asyncio.Queue(maxsize=1)
            self.queue.put_nowait(None)


class Hub:
    def __init__(self, broker: Broker) -> None:
        self.broker = broker
        self.position = 0
        self._listeners: set[Listener] = set()
        self._wakers: list[Callable[[frozenset[str]], None]] = []
        self._down_since: float | None = None

    @property
    def listener_count(self) -> int:
        return len(self._listeners)

    def on_event(self, callback: Callable[[frozenset[str]], None]) -> None:
        """Call `callback` (cheap, synchronous) with the types of new events as they arrive."""
        self._wakers.append(callback)

    def _dispatch(self, batch: Iterable[EventRecord]) -> None:
        types: set[str] = set()
        for record in batch:
            if record.position <= self.position:
                continue
            self.position = record.position
            types.add(record.type)
            for listener in tuple(self._listeners):
                listener.offer(record)
        if types:
            arrived = frozenset(types)
            for wake in self._wakers:
                wake(arrived)

    async def run_forever(self) -> None:
        # The database says where "now" is: a broker left over from another database (a
        # reset test database, say) must not move this reader's cursor.
        self.position = await records.last_position()
        while True:
            try:
                batch = await self.broker.read(self.position, block_ms=5_000)
                self._dispatch(batch)
                self._recovered()
            except asyncio.CancelledError:
                raise
            except Exception as error:
                self._failed(error)
                await asyncio.sleep(1.0)

    def _failed(self, error: Exception) -> None:
        if self._down_since is None:
            self._down_since = asyncio.get_running_loop().time()
            logger.warning("event broker unreachable (%s); live listeners wait", error)

    def _recovered(self) -> None:
        if self._down_since is not None:
            waited = asyncio.get_running_loop().time() - self._down_since
            logger.info("event broker answers again after %.1f s", waited)
            self._down_since = None

    @contextlib.asynccontextmanager
    async def listen(self, match: Match | None = None) -> AsyncIterator[Listener]:
        listener = Listener(match)
        self._listeners.add(listener)
        try:
            yield listener
        finally:
            self._listeners.discard(listener)

    async def follow(
        self,
        *,
        after: int | None = None,
        match: Match | None = None,
        types: Iterable[str] | None = None,
    ) -> AsyncIterator[EventRecord]:
        """Events after position `after` (None: from now on), then live ones, none twice.

        The backlog comes from the outbox (the truth, within its retention); the listener is
        registered first, so nothing that arrives while the backlog is read is missed.
        """
        wanted = frozenset(types) if types is not None else None

        def accepts(record: EventRecord) -> bool:
            if wanted is not None and record.type not in wanted:
                return False
            return match is None or match(record)

        async with self.listen(accepts) as listener:
            seen = self.position if after is None else after
            if after is not None:
                while True:
                    backlog = await records.read_after(seen, types=wanted)
                    for record in backlog:
                        seen = record.position
                        if match is None or match(record):
                            yield record
                    if len(backlog) < 500:
                        break
            while True:
                live = await listener.queue.get()
                if live is None:
                    raise ListenerOverflow(f"fell behind after position {seen}")
                if live.position <= seen:
                    continue
                seen = live.position
                yield live
