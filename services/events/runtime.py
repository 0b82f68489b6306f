"""The event machinery of one process: broker, relay, hub and consumers, started and stopped
together by the server's lifespan or by `shopgraph worker`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from services.events import consumers, outbox
from services.events.brokers import Broker, build_broker
from services.events.hub import Hub
from services.events.relay import Relay

Job = Callable[["EventRuntime"], Coroutine[Any, Any, None]]
# Long-running jobs other parts add (webhook delivery, say), run where the workers run.
WORKER_JOBS: dict[str, Job] = {}
_current: EventRuntime | None = None
STOP_SECONDS = 3.0
logger = logging.getLogger("shopgraph.events.runtime")


@dataclass
class EventRuntime:
    broker: Broker
    relay: Relay
    hub: Hub
    run_workers: bool
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    # The runtime this one stood in front of (an app built inside another's lifespan, as
    # tests do): current again once this one stops.
    previous: EventRuntime | None = None

    async def start(self) -> None:
        global _current
        outbox.on_commit_wake(self.relay.wake)
        self.tasks.append(asyncio.create_task(self.hub.run_forever(), name="events-hub"))
        self.tasks.append(asyncio.create_task(self.relay.run_forever(), name="events-relay"))
        for consumer in consumers.BROADCAST.values():
            task = consumers.run_broadcast_forever(self.hub, consumer)
            self.tasks.append(asyncio.create_task(task, name=f"broadcast-{consumer.name}"))
        if self.run_workers:
            durable = consumers.run_durable_forever(self.hub)
            self.tasks.append(asyncio.create_task(durable, name="events-durable"))
            for name, job in WORKER_JOBS.items():
                self.tasks.append(asyncio.create_task(job(self), name=name))
        self.relay.wake()  # what earlier processes left in the outbox goes out now
        self.previous, _current = _current, self

    async def stop(self) -> None:
        global _current
        outbox.stop_waking(self.relay.wake)
        for task in self.tasks:
            task.cancel()
        # A job stuck in a call that ignores cancellation must not hold the shutdown: after
        # STOP_SECONDS it is named in the log and left behind (the process is ending).
        _done, stuck = (
            await asyncio.wait(self.tasks, timeout=STOP_SECONDS) if self.tasks else (set(), set())
        )
        for task in stuck:
            logger.warning("event job %s did not stop within %s s", task.get_name(), STOP_SECONDS)
        for task in _done:
            if not task.cancelled() and task.exception() is not None:
                logger.error("event job %s failed", task.get_name(), exc_info=task.exception())
        self.tasks.clear()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.broker.aclose(), timeout=STOP_SECONDS)
        if _current is self:
            _current = self.previous


def build_runtime(
    *, redis_url: str, retention: timedelta, run_workers: bool, poll_seconds: float = 0.5
) -> EventRuntime:
    broker = build_broker(redis_url)
    return EventRuntime(
        broker=broker,
        relay=Relay(broker, retention=retention, poll_seconds=poll_seconds),
        hub=Hub(broker),
        run_workers=run_workers,
    )


def current() -> EventRuntime:
    """This process's runtime; RuntimeError before the server or worker started it."""
    if _current is None:
        raise RuntimeError("the event runtime is not running in this process")
    return _current
