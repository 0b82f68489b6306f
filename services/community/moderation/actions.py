"""Reports from members and moderators' actions (approve, reject, hide, restore, silence),
each written to the append-only audit log and announced by an event in its transaction."""

from __future__ import annotations

from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.accounts import Permission, User
from models.community.moderation import (
    ContentReport,
    ContentStatus,
    HoldReason,
    ModerationActionKind,
    ModerationLog,
    ModerationReason,
    ReportReason,
)
from services import clock
from services.community.errors import CommunityErrorCode, error
from services.community.moderation import queue, standing, targets
from services.community.moderation.targets import Target, TargetHandler
from services.events import outbox
from services.events.ids import global_id
from services.events.types import EventTypeName
from services.transactions import transaction

A = ModerationActionKind
S = ContentStatus
# From which statuses each action may move content, and where to.
TRANSITIONS: dict[ModerationActionKind, tuple[frozenset[ContentStatus], ContentStatus]] = {
    A.APPROVE: (frozenset({S.HELD}), S.PUBLISHED),
    A.REJECT: (frozenset({S.HELD, S.PUBLISHED, S.HIDDEN}), S.REJECTED),
    A.HIDE: (frozenset({S.PUBLISHED, S.HELD}), S.HIDDEN),
    A.RESTORE: (frozenset({S.HIDDEN, S.REJECTED}), S.PUBLISHED),
}
NEEDS_REASON = frozenset({A.REJECT, A.HIDE})
MAX_SILENCE = timedelta(days=365)


def type_name(kind: str) -> str:
    """The GraphQL type of a content kind ("post" -> "Post")."""
    return kind.capitalize()


def require_moderator(user: User | None) -> User:
    if user is None or not user.has_permission(Permission.MANAGE_COMMUNITY):
        raise error(CommunityErrorCode.PERMISSION_DENIED, "Needs MANAGE_COMMUNITY.")
    return user


def _handler(kind: str) -> TargetHandler:
    found = targets.handler(kind)
    if found is None:
        raise error(CommunityErrorCode.NOT_FOUND, f"Unknown kind {kind!r}.", field="id")
    return found


async def _log(
    action: ModerationActionKind,
    *,
    member_id: int,
    moderator_id: int | None,
    target: Target | None = None,
    reason: str = "",
    note: str = "",
    to_status: str = "",
) -> ModerationLog:
    return await ModerationLog.create(
        action=action,
        kind=target.kind if target else "",
        target_id=target.id if target else None,
        member_id=member_id,
        moderator_id=moderator_id,
        reason=reason,
        note=note,
        from_status=target.status.value if target else "",
        to_status=to_status,
        created_at=clock.now(),
    )


async def _moderated(target: Target, entry: ModerationLog) -> None:
    await outbox.emit(
        EventTypeName.CONTENT_MODERATED,
        aggregate_id=f"{target.kind}:{target.id}",
        payload={
            "kind": target.kind.upper(),
            "contentId": global_id(type_name(target.kind), target.id),
            "authorId": global_id("User", target.author_id),
            "action": entry.action.name,
            "reason": entry.reason.upper(),
            "fromStatus": entry.from_status.upper(),
            "toStatus": entry.to_status.upper(),
            "automatic": entry.moderator_id is None,
        },
    )


async def report(
    *, reporter: User, kind: str, target_id: int, reason: ReportReason, note: str = ""
) -> ContentReport:
    """A member reports content (once per item); a trusted member's report holds published
    content at once, pending a moderator's review."""
    handler = _handler(kind)
    async with transaction():
        target = await handler.load(target_id, for_update=True)
        if target is None or (target.status != S.PUBLISHED and target.author_id != reporter.id):
            raise error(CommunityErrorCode.NOT_FOUND, "No such contribution.", field="id")
        if target.author_id == reporter.id:
            raise error(CommunityErrorCode.OWN_CONTENT, "You cannot report your own.", field="id")
        try:
            async with in_transaction():  # a savepoint: the unique key decides a race
                created = await ContentReport.create(
                    kind=kind, target_id=target_id, reporter=reporter, reason=reason, note=note
                )
        except IntegrityError:
            raise error(
                CommunityErrorCode.ALREADY_REPORTED, "You reported this already.", field="id"
            ) from None
        status = target.status
        trusted = (await standing.trust(reporter.id)).level == standing.TrustLevel.TRUSTED
        if trusted and status == S.PUBLISHED:
            await handler.apply(target, S.HELD, reason=None)
            entry = await _log(
                A.AUTO_HIDE,
                member_id=target.author_id,
                moderator_id=None,
                target=target,
                reason=reason.value,
                to_status=S.HELD.value,
            )
            await _moderated(target, entry)
            status = S.HELD
        await queue.enqueue(
            kind=kind,
            target_id=target_id,
            author_id=target.author_id,
            status=status,
            reasons=[HoldReason.REPORTED.value, reason.value],
            reported=True,
        )
        await outbox.emit(
            EventTypeName.CONTENT_REPORTED,
            aggregate_id=f"{kind}:{target_id}",
            payload={
                "kind": kind.upper(),
                "contentId": global_id(type_name(kind), target_id),
                "reason": reason.name,
                "hiddenPendingReview": status != target.status,
            },
        )
    return created


async def moderate(
    *,
    moderator: User | None,
    kind: str,
    target_id: int,
    action: ModerationActionKind,
    reason: ModerationReason | None = None,
    note: str = "",
) -> Target:
    """Approve, reject, hide or restore one contribution; returns it as it now is."""
    user = require_moderator(moderator)
    if action not in TRANSITIONS:
        raise error(CommunityErrorCode.TRANSITION_NOT_ALLOWED, f"{action} is not a content action.")
    if action in NEEDS_REASON and reason is None:
        raise error(CommunityErrorCode.REASON_REQUIRED, "Give a reason code.", field="reason")
    allowed, to_status = TRANSITIONS[action]
    handler = _handler(kind)
    async with transaction():
        target = await handler.load(target_id, for_update=True)
        if target is None or target.status in (S.REMOVED, S.DRAFT):
            raise error(CommunityErrorCode.NOT_FOUND, "No such contribution.", field="id")
        if target.status not in allowed:
            raise error(
                CommunityErrorCode.TRANSITION_NOT_ALLOWED,
                f"Cannot {action.value} a contribution that is {target.status.value}.",
            )
        await handler.apply(target, to_status, reason=reason)
        if action == A.APPROVE:
            await standing.credit_approved(target.author_id)
        entry = await _log(
            action,
            member_id=target.author_id,
            moderator_id=user.id,
            target=target,
            reason=reason.value if reason else "",
            note=note,
            to_status=to_status.value,
        )
        await queue.resolve(kind=kind, target_id=target_id, status=to_status)
        await _moderated(target, entry)
    return Target(target.kind, target.id, target.author_id, to_status, target.created_at)


async def silence(
    *,
    moderator: User | None,
    member_id: int,
    hours: int,
    reason: ModerationReason,
    note: str = "",
) -> standing.Trust:
    """Stop a member from submitting for `hours` (0 lifts a silence)."""
    user = require_moderator(moderator)
    if hours < 0 or timedelta(hours=hours) > MAX_SILENCE:
        raise error(CommunityErrorCode.DURATION_INVALID, "From 0 to 8760 hours.", field="hours")
    if not await User.filter(id=member_id).exists():
        raise error(CommunityErrorCode.NOT_FOUND, "No such member.", field="memberId")
    until = clock.now() + timedelta(hours=hours) if hours else None
    async with transaction():
        row = await standing.set_silence(member_id, until, reason.value)
        await _log(
            A.SILENCE if hours else A.UNSILENCE,
            member_id=member_id,
            moderator_id=user.id,
            reason=reason.value,
            note=note + (f" (until {until:%Y-%m-%dT%H:%MZ})" if until else ""),
        )
    return standing.trust_of(row)
