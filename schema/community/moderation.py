"""Moderation: members report contributions; staff with MANAGE_COMMUNITY work the queue,
act (approve, reject, hide, restore, silence), read the audit log and extend the word list."""

from __future__ import annotations

from datetime import datetime
from typing import Self

import strawberry
from graphql import GraphQLError
from strawberry import relay

from models.community import moderation as m
from resolvers.auth import require_user, viewer
from resolvers.community import moderation as reads
from resolvers.context import Info
from schema.community.errors import CommunityError, attempt
from schema.community.moderation_types import (
    BlockedWordConnection,
    BlockedWordType,
    CommunityTrustLevel,
    ContentKind,
    ContentStatus,
    ModerationAction,
    ModerationLogEntry,
    ModerationReason,
    NotFetchable,
    ReportReason,
)
from schema.connections import CountedConnection
from schema.nodes import node_pk
from services.community.moderation import actions, standing, words

KINDS = {kind.value.capitalize(): kind.value for kind in m.ContentKind}


def _target(gid: relay.GlobalID) -> tuple[str, int]:
    """The kind and row id of a contribution's global ID (Review, Question, Answer, Post,
    Comment)."""
    kind = KINDS.get(gid.type_name)
    pk = node_pk(gid.node_id)
    if kind is None:
        raise GraphQLError(
            f"{gid.type_name} IDs cannot be moderated: pass a Review, Question, Answer, Post "
            "or Comment ID.",
            extensions={"code": "BAD_USER_INPUT", "argument": "id"},
        )
    return kind, pk if pk is not None else -1


def _gid(type_name: str, pk: int | None) -> relay.GlobalID | None:
    return relay.GlobalID(type_name, str(pk)) if pk is not None else None


def _status(value: str) -> m.ContentStatus | None:
    return m.ContentStatus(value) if value else None


@strawberry.type(description="A contribution waiting for a moderator.")
class ModerationQueueItem(NotFetchable):
    id: relay.NodeID[int]
    kind: ContentKind  # type: ignore[valid-type]
    content_id: relay.GlobalID = strawberry.field(description="Read it with node(id:).")
    author_id: relay.GlobalID
    status: ContentStatus  # type: ignore[valid-type]
    reasons: list[str] = strawberry.field(
        description="Why it is here: screening's (profanity, too_many_links, too_many_images), "
        "reported with each report's reason, resubmitted."
    )
    report_count: int
    opened_at: datetime
    excerpt: str = strawberry.field(description="The start of its text.")

    @classmethod
    def of(cls, row: m.QueueItem, excerpt: str) -> Self:
        return cls(
            id=row.id,
            kind=m.ContentKind(row.kind),
            content_id=relay.GlobalID(row.kind.capitalize(), str(row.target_id)),
            author_id=relay.GlobalID("User", str(row.author_id)),
            status=m.ContentStatus(row.content_status),
            reasons=[r for r in row.reasons.split(",") if r],
            report_count=row.report_count,
            opened_at=row.opened_at,
            excerpt=excerpt,
        )


@strawberry.type(description="The moderation queue, oldest first.")
class ModerationQueueConnection(CountedConnection[ModerationQueueItem]):
    pass


def _log_entry(row: m.ModerationLog) -> ModerationLogEntry:
    kind = m.ContentKind(row.kind) if row.kind else None
    return ModerationLogEntry(
        id=row.id,
        action=m.ModerationActionKind(row.action),
        kind=kind,
        content_id=_gid(row.kind.capitalize(), row.target_id) if kind else None,
        member_id=relay.GlobalID("User", str(row.member_id)),
        moderator_id=_gid("User", row.moderator_id),
        reason=row.reason,
        note=row.note,
        from_status=_status(row.from_status),
        to_status=_status(row.to_status),
        created_at=row.created_at,
    )


@strawberry.type(description="The audit log, newest first.")
class ModerationLogConnection(CountedConnection[ModerationLogEntry]):
    pass


@strawberry.type(description="A member's standing in the community.")
class CommunityStanding:
    trust_points: int
    trust_level: CommunityTrustLevel  # type: ignore[valid-type]
    silenced_until: datetime | None = strawberry.field(
        description="Until when the member may not post, when silenced."
    )

    @classmethod
    def of(cls, trust: standing.Trust) -> Self:
        return cls(
            trust_points=trust.points,
            trust_level=trust.level,
            silenced_until=trust.silenced_until if trust.silenced else None,
        )


@strawberry.type(description="Whether the report was taken, or why not.")
class ReportPayload:
    reported: bool
    status: ContentStatus | None = strawberry.field(  # type: ignore[valid-type]
        description="The contribution's status after the report (HELD when a trusted "
        "member's report took it down pending review)."
    )
    errors: list[CommunityError]


@strawberry.type(description="The contribution's new status, or why the action failed.")
class ModerationPayload:
    status: ContentStatus | None  # type: ignore[valid-type]
    errors: list[CommunityError]


@strawberry.type(description="The member's standing after the change, or why it failed.")
class SilencePayload:
    standing: CommunityStanding | None
    errors: list[CommunityError]


@strawberry.type(description="The word added (or already there), or why it failed.")
class BlockedWordPayload:
    word: BlockedWordType | None
    errors: list[CommunityError]


@strawberry.type(description="Whether the word was in the shop's list and is gone now.")
class RemoveBlockedWordPayload:
    removed: bool
    errors: list[CommunityError]


@strawberry.type
class ModerationQuery:
    @strawberry.field(
        description="Staff (MANAGE_COMMUNITY): contributions waiting for a moderator, oldest "
        "first; filter by content status, kind or reason (e.g. profanity, spam). "
        "`resolved: true` lists what was decided instead."
    )
    async def moderation_queue(
        self,
        info: Info,
        status: ContentStatus | None = None,  # type: ignore[valid-type]
        kind: ContentKind | None = None,  # type: ignore[valid-type]
        reason: str | None = None,
        resolved: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> ModerationQueueConnection:
        page, found = await reads.queue_page(
            info,
            state=m.QueueState.RESOLVED if resolved else m.QueueState.OPEN,
            status=m.ContentStatus(status).value if status else None,
            kind=m.ContentKind(kind).value if kind else None,
            reason=reason,
            first=first,
            after=after,
        )

        def convert(row: m.QueueItem) -> ModerationQueueItem:
            target = found.get((row.kind, row.target_id))
            return ModerationQueueItem.of(row, target.excerpt if target else "")

        return ModerationQueueConnection.from_page(page, convert)

    @strawberry.field(
        description="Staff (MANAGE_COMMUNITY): every moderation action with its moderator, "
        "reason and time, newest first; filter by a contribution or a member."
    )
    async def moderation_log(
        self,
        info: Info,
        content_id: relay.GlobalID | None = None,
        member_id: relay.GlobalID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ModerationLogConnection:
        kind, target_id = _target(content_id) if content_id else (None, None)
        member = node_pk(member_id.node_id) if member_id else None
        page = await reads.log_page(
            info,
            kind=kind,
            target_id=target_id,
            member_id=(member or -1) if member_id else None,
            first=first,
            after=after,
        )
        return ModerationLogConnection.from_page(page, _log_entry)

    @strawberry.field(
        description="Staff (MANAGE_COMMUNITY): words the shop added, alphabetically (the "
        "SHOPGRAPH_COMMUNITY_EXTRA_WORDS setting and the built-in list apply as well)."
    )
    async def community_blocked_words(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> BlockedWordConnection:
        page = await reads.words_page(info, first=first, after=after)
        return BlockedWordConnection.from_page(page, BlockedWordType.of)

    @strawberry.field(description="The signed-in member's trust and any silence.")
    async def my_community_standing(self, info: Info) -> CommunityStanding | None:
        user = viewer(info)
        return CommunityStanding.of(await standing.trust(user.id)) if user else None


@strawberry.type
class ModerationMutation:
    @strawberry.mutation(
        description="Report a contribution (any kind's ID) with a reason; once per member "
        "and contribution. A trusted member's report holds it at once, pending review."
    )
    async def report_content(
        self,
        info: Info,
        id: relay.GlobalID,
        reason: ReportReason,  # type: ignore[valid-type]
        note: str = "",
    ) -> ReportPayload:
        user = require_user(info)
        kind, pk = _target(id)
        row, errors = await attempt(
            actions.report(reporter=user, kind=kind, target_id=pk, reason=reason, note=note[:500])
        )
        status = None
        if row is not None:
            handler = actions.targets.handler(kind)
            target = await handler.load(pk) if handler else None
            status = target.status if target else None
        return ReportPayload(reported=row is not None, status=status, errors=errors)

    @strawberry.mutation(
        description="Staff (MANAGE_COMMUNITY): APPROVE, REJECT (reason required), HIDE "
        "(reason required) or RESTORE a contribution; written to the audit log."
    )
    async def moderate_content(
        self,
        info: Info,
        id: relay.GlobalID,
        action: ModerationAction,  # type: ignore[valid-type]
        reason: ModerationReason | None = None,  # type: ignore[valid-type]
        note: str = "",
    ) -> ModerationPayload:
        kind, pk = _target(id)
        target, errors = await attempt(
            actions.moderate(
                moderator=viewer(info),
                kind=kind,
                target_id=pk,
                action=action,
                reason=reason,
                note=note[:500],
            )
        )
        return ModerationPayload(status=target.status if target else None, errors=errors)

    @strawberry.mutation(
        description="Staff (MANAGE_COMMUNITY): stop a member from posting for `hours` "
        "(0 lifts it; at most a year); written to the audit log."
    )
    async def silence_member(
        self,
        info: Info,
        member_id: relay.GlobalID,
        hours: int,
        reason: ModerationReason,  # type: ignore[valid-type]
        note: str = "",
    ) -> SilencePayload:
        pk = node_pk(member_id.node_id) if member_id.type_name == "User" else None
        trust, errors = await attempt(
            actions.silence(
                moderator=viewer(info),
                member_id=pk or -1,
                hours=hours,
                reason=reason,
                note=note[:400],
            )
        )
        return SilencePayload(
            standing=CommunityStanding.of(trust) if trust else None, errors=errors
        )

    @strawberry.mutation(description="Staff (MANAGE_COMMUNITY): add a word to the filter.")
    async def add_blocked_word(self, info: Info, word: str) -> BlockedWordPayload:
        reads.require_moderator(info)
        row, errors = await attempt(words.add_word(word))
        return BlockedWordPayload(word=BlockedWordType.of(row) if row else None, errors=errors)

    @strawberry.mutation(description="Staff (MANAGE_COMMUNITY): remove a word the shop added.")
    async def remove_blocked_word(self, info: Info, word: str) -> RemoveBlockedWordPayload:
        reads.require_moderator(info)
        return RemoveBlockedWordPayload(removed=await words.remove_word(word), errors=[])
