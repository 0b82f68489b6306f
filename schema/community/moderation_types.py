"""GraphQL enums and types of moderation shared by every kind of community content."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from models.community import moderation as m
from schema.connections import CountedConnection
from services.community.moderation.standing import TrustLevel as TrustLevelEnum

# Votes do not raise the catalog version (services/community/reviews/votes.py).
VOTE_LAG = (
    "Votes so far. On cached anonymous pages it may lag by up to the response cache TTL "
    "(SHOPGRAPH_RESPONSE_CACHE_TTL, 10 s by default): votes do not refresh the catalog cache."
)

ContentStatus = strawberry.enum(
    m.ContentStatus,
    name="ContentStatus",
    description="PUBLISHED: everyone sees it. HELD: waiting for a moderator (screening held it, "
    "or a trusted member reported it). REJECTED: refused, with a reason its author sees; "
    "fixable reasons can be edited and resubmitted. HIDDEN: taken down by a moderator. "
    "REMOVED: deleted by its author. DRAFT: not submitted. Anything but PUBLISHED is seen "
    "only by its author and moderators.",
)
ModerationReason = strawberry.enum(
    m.ModerationReason,
    name="ModerationReason",
    description="Why a moderator rejected or hid a contribution. PERSONAL_DATA, OFF_TOPIC, "
    "PROFANITY, PROMOTIONAL_LINKS and OTHER are fixable: the author may edit and resubmit. "
    "No reason concerns a rating or an opinion of a product.",
)
ReportReason = strawberry.enum(
    m.ReportReason, name="ReportReason", description="Why a member reports a contribution."
)
ContentKind = strawberry.enum(
    m.ContentKind, name="ContentKind", description="The kinds of community contribution."
)
ModerationAction = strawberry.enum(
    m.ModerationActionKind,
    name="ModerationAction",
    description="APPROVE (held -> published), REJECT (with a reason), HIDE (with a reason), "
    "RESTORE (hidden or rejected -> published), SILENCE / UNSILENCE (a member), AUTO_HIDE (a "
    "trusted member's report held published content pending review).",
)
CommunityTrustLevel = strawberry.enum(
    TrustLevelEnum,
    name="CommunityTrustLevel",
    description="NEW members' links and images are held; TRUSTED members' reports hold "
    "content at once. Earned by approved contributions and verified purchases.",
)


@strawberry.type(description="How a member appears in the community: a display name, nothing more.")
class CommunityMember:
    display_name: str = strawberry.field(description="The name the member chose to show.")


class NotFetchable(relay.Node):
    """Listed through staff connections only: node(id:) answers null for it."""

    @classmethod
    def resolve_nodes(  # type: ignore[override]
        cls, *, info: Any, node_ids: Iterable[str], required: bool = False
    ) -> list[None]:
        return [None for _ in node_ids]


@strawberry.type(description="One entry of the moderation audit log (staff only).")
class ModerationLogEntry(NotFetchable):
    id: relay.NodeID[int]
    action: ModerationAction  # type: ignore[valid-type]
    kind: ContentKind | None  # type: ignore[valid-type]
    content_id: relay.GlobalID | None = strawberry.field(
        description="The contribution acted on (null for silences)."
    )
    member_id: relay.GlobalID = strawberry.field(description="The author or silenced member.")
    moderator_id: relay.GlobalID | None = strawberry.field(
        description="The moderator; null when automatic (a trusted member's report)."
    )
    reason: str = strawberry.field(description="The moderation or report reason code.")
    note: str
    from_status: ContentStatus | None  # type: ignore[valid-type]
    to_status: ContentStatus | None  # type: ignore[valid-type]
    created_at: datetime


@strawberry.type(name="BlockedWord", description="A word the shop added to the profanity filter.")
class BlockedWordType(NotFetchable):
    id: relay.NodeID[int]
    word: str
    added_at: datetime

    @classmethod
    def of(cls, row: m.BlockedWord) -> BlockedWordType:
        return cls(id=row.id, word=row.word, added_at=row.created_at)


@strawberry.type(description="The shop's own filter words, alphabetically.")
class BlockedWordConnection(CountedConnection[BlockedWordType]):
    pass
