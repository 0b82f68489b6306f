"""The moderation queue: one row per piece of content waiting for a moderator (held on
submission, reported, resubmitted after a fixable rejection), whatever its kind."""

from __future__ import annotations

from collections.abc import Iterable

from models.community.moderation import ContentStatus, QueueItem, QueueState
from services import clock


def _merge(existing: str, reasons: Iterable[str]) -> str:
    merged = [r for r in existing.strip(",").split(",") if r]
    merged += [r for r in reasons if r and r not in merged]
    return "," + ",".join(merged) + ("," if merged else "")


async def enqueue(
    *,
    kind: str,
    target_id: int,
    author_id: int,
    status: ContentStatus,
    reasons: Iterable[str],
    reported: bool = False,
) -> QueueItem:
    """Put (or put back) content in the queue, inside the caller's transaction; the caller
    holds the content's row lock, so one item per content is never raced."""
    reasons = list(reasons)
    item = await QueueItem.get_or_none(kind=kind, target_id=target_id)
    if item is None:
        return await QueueItem.create(
            kind=kind,
            target_id=target_id,
            author_id=author_id,
            content_status=status,
            reasons=_merge("", reasons),
            report_count=1 if reported else 0,
            opened_at=clock.now(),
        )
    if item.state == QueueState.RESOLVED:
        # Back in the queue: its place is by when it came back, and old reasons are done.
        item.state = QueueState.OPEN
        item.opened_at = clock.now()
        item.resolved_at = None
        item.reasons = ","
    item.reasons = _merge(item.reasons, reasons)
    item.content_status = status
    item.report_count += 1 if reported else 0
    await item.save()
    return item


async def resolve(*, kind: str, target_id: int, status: ContentStatus) -> None:
    await QueueItem.filter(kind=kind, target_id=target_id, state=QueueState.OPEN).update(
        state=QueueState.RESOLVED, content_status=status, resolved_at=clock.now()
    )


async def held(*, kind: str, target_id: int, author_id: int, reasons: Iterable[str]) -> None:
    """A submission screening held (call after creating the held row)."""
    await enqueue(
        kind=kind,
        target_id=target_id,
        author_id=author_id,
        status=ContentStatus.HELD,
        reasons=reasons,
    )
