"""The registry that lets moderation act on every kind of content without knowing its model.

Each content kind (review, question, answer, post, comment) registers a handler at import
time of its service module. Moderation (reports, the queue, approve/reject/hide/restore)
only talks to handlers, so reviews keep their product aggregates true in their own handler
and posts keep their counters in theirs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from models.community.moderation import ContentStatus, ModerationReason


@dataclass(frozen=True)
class Target:
    """What moderation needs to know of one piece of content."""

    kind: str
    id: int
    author_id: int
    status: ContentStatus
    created_at: datetime
    # A short plain-text excerpt for the staff queue.
    excerpt: str = ""


class TargetHandler(Protocol):
    async def load(self, target_id: int, *, for_update: bool = False) -> Target | None:
        """The content, or None when it does not exist; `for_update` locks its row (PG)
        inside the caller's transaction."""

    async def load_many(self, target_ids: Iterable[int]) -> dict[int, Target]:
        """Several at once (the staff queue), in one query."""

    async def apply(
        self, target: Target, status: ContentStatus, *, reason: ModerationReason | None
    ) -> None:
        """Move the content to `status` inside the caller's transaction (keep aggregates
        and counters true); `reason` is the moderator's reason when there is one."""


_handlers: dict[str, TargetHandler] = {}


def register(kind: str, handler: TargetHandler) -> None:
    """Make moderation able to act on `kind` (called once per kind at import time)."""
    _handlers[kind] = handler


def handler(kind: str) -> TargetHandler | None:
    return _handlers.get(kind)


def kinds() -> list[str]:
    return sorted(_handlers)
