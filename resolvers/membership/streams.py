"""The signed-in member's own membership events, live (points and tier changes)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from resolvers.auth import require_user
from resolvers.context import Info
from resolvers.events.streams import follow
from services.events.records import EventRecord
from services.events.types import SPECS

MEMBER = "member"
MEMBER_TYPES = frozenset(name.value for name, spec in SPECS.items() if spec.aggregate == MEMBER)


def my_membership(info: Info, after: str | None) -> AsyncIterator[EventRecord]:
    """Events of the caller's own points and tier (aggregate "member", id = the user's id)."""
    key = str(require_user(info).id)

    def mine(record: EventRecord) -> bool:
        return record.aggregate_type == MEMBER and record.aggregate_id == key

    return follow(info, after=after, match=mine, types=MEMBER_TYPES)
