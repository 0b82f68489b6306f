"""Feed impressions: which products a feed page showed, to whom, where, when; batched writes.

A page adds its rows to this process's buffer and returns: one bulk insert every
`FLUSH_SECONDS` (or at `BATCH` rows) writes them, so serving a feed costs no query for it.
Rows buffered when a process dies are lost (at most a couple of seconds' worth): impressions
feed statistics, not accounts. Kept `retention_days()` days (SHOPGRAPH_FEED_IMPRESSION_DAYS,
default 90), deleted by the `feed-impressions-prune` worker job.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from models.feed import FeedImpression

logger = logging.getLogger("shopgraph.feed")

BATCH = 500
FLUSH_SECONDS = 2.0
PRUNE_EVERY_SECONDS = 3600.0


def retention_days() -> int:
    try:
        return max(1, int(os.environ.get("SHOPGRAPH_FEED_IMPRESSION_DAYS", "90")))
    except ValueError:
        return 90


class Recorder:
    """This process's buffer of impressions not yet written."""

    def __init__(self) -> None:
        self._rows: list[FeedImpression] = []
        self._flusher: asyncio.Task[None] | None = None

    @property
    def pending(self) -> int:
        return len(self._rows)

    def record(
        self,
        *,
        section: str,
        user_id: int | None,
        anonymous_id: str | None,
        model_version: str | None,
        shown: Sequence[tuple[int, int]],
    ) -> None:
        """Buffer one page: `shown` is (product id, position in the section) in page order."""
        now = datetime.now(UTC)
        self._rows.extend(
            FeedImpression(
                user_id=user_id,
                anonymous_id=anonymous_id if user_id is None else None,
                section=section,
                product_id=product_id,
                position=position,
                model_version=model_version,
                shown_at=now,
            )
            for product_id, position in shown
        )
        flusher = self._flusher
        if (
            flusher is None
            or flusher.done()
            or flusher.get_loop() is not asyncio.get_running_loop()
        ):
            self._flusher = asyncio.ensure_future(self._flush_soon())

    async def _flush_soon(self) -> None:
        waited = 0.0
        while self._rows:
            if len(self._rows) < BATCH and waited < FLUSH_SECONDS:
                await asyncio.sleep(0.1)
                waited += 0.1
                continue
            waited = 0.0
            await self.flush()

    async def flush(self) -> int:
        """Write every buffered row now (one insert per BATCH rows); returns how many."""
        rows, self._rows = self._rows, []
        if not rows:
            return 0
        try:
            await FeedImpression.bulk_create(rows, batch_size=BATCH)
        except Exception:  # statistics must never fail the feed they describe
            logger.exception("%d feed impressions could not be written", len(rows))
            return 0
        return len(rows)


recorder = Recorder()


async def prune(*, now: datetime | None = None) -> int:
    """Delete impressions older than the retention; returns how many went."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=retention_days())
    return await FeedImpression.filter(shown_at__lt=cutoff).delete()


async def prune_forever() -> None:
    """The worker job: prune once an hour."""
    while True:
        removed = await prune()
        if removed:
            logger.info("pruned %d feed impressions", removed)
        await asyncio.sleep(PRUNE_EVERY_SECONDS)
