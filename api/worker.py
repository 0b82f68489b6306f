"""`shopgraph worker`: the event relay, durable consumers and webhook deliveries, no HTTP.

Run several on PostgreSQL: durable consumers hold leases, so one runs each at a time, and
webhook deliveries are claimed with `FOR UPDATE SKIP LOCKED`, so each is sent by one worker.
On SQLite run the server alone (it runs them itself by default).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from datetime import timedelta

from api.cache import configure_cache
from api.community import close_community, configure_community
from api.db import close_db, init_db, pending_migrations
from api.settings import Settings
from api.webhooks import configure_webhooks
from services.events.runtime import build_runtime
from services.flows import reactions  # noqa: F401  (registers the consumers before start)

logger = logging.getLogger("shopgraph.worker")


class MigrationsPending(RuntimeError):
    """The database lacks migrations this code needs: run `shopgraph migrate` first."""


async def run_worker(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    """Run the event workers until SIGTERM/SIGINT (or `stop` is set)."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    configure_cache(settings)
    configure_community(settings)
    configure_webhooks(settings)
    await init_db(settings)
    try:
        pending = await pending_migrations()
        if pending:
            raise MigrationsPending(f"run `shopgraph migrate` first: {', '.join(pending)}")
        runtime = build_runtime(
            redis_url=settings.redis_url,
            retention=timedelta(hours=settings.event_retention_hours),
            run_workers=True,
        )
        await runtime.start()
        logger.info("event worker started")
        try:
            await stop.wait()
        finally:
            await runtime.stop()
            await close_community()
    finally:
        await close_db()
