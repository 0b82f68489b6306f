"""Staff reads of moderation: the queue (oldest first) and the audit log (newest first)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from models.accounts import Permission
from models.community.moderation import BlockedWord, ModerationLog, QueueItem, QueueState
from resolvers.auth import require_permission
from resolvers.context import Info
from resolvers.pagination import Page, page_from_slice, window
from services.community.moderation import targets
from services.community.moderation.targets import Target


def require_moderator(info: Info) -> Any:
    return require_permission(info, Permission.MANAGE_COMMUNITY)


async def queue_page(
    info: Info,
    *,
    state: QueueState,
    status: str | None,
    kind: str | None,
    reason: str | None,
    first: int | None,
    after: str | None,
) -> tuple[Page[QueueItem], dict[tuple[str, int], Target]]:
    """One page of the queue and the contributions it names (one query per kind)."""
    require_moderator(info)
    win = window(first, after)
    query = QueueItem.filter(state=state)
    if status:
        query = query.filter(content_status=status)
    if kind:
        query = query.filter(kind=kind)
    if reason:
        query = query.filter(reasons__contains=f",{reason},")
    rows = await query.order_by("opened_at", "id").offset(win.offset).limit(win.limit + 1)
    page = page_from_slice(rows, win, query.count)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for row in page.items:
        by_kind[row.kind].append(row.target_id)
    found: dict[tuple[str, int], Target] = {}
    for name, ids in by_kind.items():
        handler = targets.handler(name)
        if handler is not None:
            for pk, target in (await handler.load_many(ids)).items():
                found[(name, pk)] = target
    return page, found


async def log_page(
    info: Info,
    *,
    kind: str | None,
    target_id: int | None,
    member_id: int | None,
    first: int | None,
    after: str | None,
) -> Page[ModerationLog]:
    require_moderator(info)
    win = window(first, after)
    query = ModerationLog.all()
    if kind:
        query = query.filter(kind=kind)
    if target_id is not None:
        query = query.filter(target_id=target_id)
    if member_id is not None:
        query = query.filter(member_id=member_id)
    rows = await query.order_by("-created_at", "-id").offset(win.offset).limit(win.limit + 1)
    return page_from_slice(rows, win, query.count)


async def words_page(info: Info, *, first: int | None, after: str | None) -> Page[BlockedWord]:
    require_moderator(info)
    win = window(first, after)
    query = BlockedWord.all()
    rows = await query.order_by("word").offset(win.offset).limit(win.limit + 1)
    return page_from_slice(rows, win, query.count)
