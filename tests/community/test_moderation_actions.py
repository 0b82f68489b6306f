"""Reports, the queue and every moderation action on posts and comments, with the audit
log each action writes and the events it emits in the same transaction."""

from __future__ import annotations

import pytest

from models.community.moderation import (
    ContentReport,
    ContentStatus,
    ModerationActionKind,
    ModerationLog,
    ModerationReason,
    QueueItem,
    QueueState,
    ReportReason,
)
from models.community.posts import Post
from models.events import DomainEvent
from services.community.errors import CommunityErrorCode
from services.community.moderation import actions
from services.community.moderation.standing import trust
from services.community.posts import writing
from services.errors import DomainError
from tests.community._post_helpers import member, moderation_settings, moderator, trusted_member
from tests.factories import create_user

pytestmark = pytest.mark.usefixtures("database")
A = ModerationActionKind


async def _post(author_id: int | None = None, text: str = "Our favourite puzzles") -> Post:
    author = await member(approved=5) if author_id is None else None
    from models.accounts import User

    user = author or await User.get(id=author_id)
    with moderation_settings():
        return await writing.create_post(author=user, title=text, body=f"{text}, and why.")


async def _held_post() -> Post:
    newcomer = await member()
    with moderation_settings():
        post = await writing.create_post(
            author=newcomer, title="Great deals", body="see https://spam.example/x"
        )
    assert post.status == ContentStatus.HELD
    return post


async def test_a_report_is_one_per_member_and_item_and_enters_the_queue() -> None:
    post = await _post()
    reporter = await member()
    with moderation_settings():
        await actions.report(
            reporter=reporter, kind="post", target_id=post.id, reason=ReportReason.SPAM
        )
        with pytest.raises(DomainError) as again:
            await actions.report(
                reporter=reporter, kind="post", target_id=post.id, reason=ReportReason.OFFENSIVE
            )
        with pytest.raises(DomainError) as own:
            await actions.report(
                reporter=await post.author, kind="post", target_id=post.id, reason=ReportReason.SPAM
            )
    assert again.value.code == CommunityErrorCode.ALREADY_REPORTED
    assert own.value.code == CommunityErrorCode.OWN_CONTENT
    assert await ContentReport.filter(kind="post", target_id=post.id).count() == 1
    item = await QueueItem.get(kind="post", target_id=post.id)
    assert item.state == QueueState.OPEN and item.report_count == 1
    assert ",spam," in item.reasons
    # An ordinary member's report leaves the post published until a moderator looks.
    assert (await Post.get(id=post.id)).status == ContentStatus.PUBLISHED
    event = await DomainEvent.filter(type="content.reported").order_by("-id").first()
    assert event is not None and event.payload["reason"] == "SPAM"
    assert event.payload["hiddenPendingReview"] is False


async def test_a_trusted_members_report_holds_the_content_at_once_pending_review() -> None:
    post = await _post()
    with moderation_settings(trust_trusted=10):
        await actions.report(
            reporter=await trusted_member(),
            kind="post",
            target_id=post.id,
            reason=ReportReason.HARASSMENT,
        )
    assert (await Post.get(id=post.id)).status == ContentStatus.HELD
    entry = await ModerationLog.filter(kind="post", target_id=post.id).get()
    assert entry.action == A.AUTO_HIDE and entry.moderator_id is None
    assert entry.reason == "harassment" and entry.to_status == "held"
    # A moderator decides: approving puts it back.
    staff = await moderator()
    await actions.moderate(moderator=staff, kind="post", target_id=post.id, action=A.APPROVE)
    assert (await Post.get(id=post.id)).status == ContentStatus.PUBLISHED


async def test_the_trusted_threshold_is_a_setting() -> None:
    post = await _post()
    almost = await member(approved=9)
    with moderation_settings(trust_trusted=10):
        await actions.report(
            reporter=almost, kind="post", target_id=post.id, reason=ReportReason.SPAM
        )
    assert (await Post.get(id=post.id)).status == ContentStatus.PUBLISHED
    post2 = await _post(text="Board games for four year olds")
    with moderation_settings(trust_trusted=9):
        await actions.report(
            reporter=almost, kind="post", target_id=post2.id, reason=ReportReason.SPAM
        )
    assert (await Post.get(id=post2.id)).status == ContentStatus.HELD


async def test_approve_publishes_a_held_post_credits_trust_and_logs() -> None:
    post = await _held_post()
    staff = await moderator()
    before = (await trust(post.author_id)).points
    result = await actions.moderate(
        moderator=staff, kind="post", target_id=post.id, action=A.APPROVE, note="fine link"
    )
    assert result.status == ContentStatus.PUBLISHED
    assert (await trust(post.author_id)).points == before + 1
    entry = await ModerationLog.filter(kind="post", target_id=post.id).get()
    assert (entry.action, entry.moderator_id, entry.from_status, entry.to_status) == (
        A.APPROVE,
        staff.id,
        "held",
        "published",
    )
    assert entry.note == "fine link" and entry.created_at is not None
    item = await QueueItem.get(kind="post", target_id=post.id)
    assert item.state == QueueState.RESOLVED
    event = await DomainEvent.filter(type="content.moderated").order_by("-id").first()
    assert event is not None
    assert (event.payload["action"], event.payload["toStatus"]) == ("APPROVE", "PUBLISHED")


async def test_reject_needs_a_reason_the_author_sees_and_can_fix_by_editing() -> None:
    post = await _held_post()
    staff = await moderator()
    with pytest.raises(DomainError) as no_reason:
        await actions.moderate(moderator=staff, kind="post", target_id=post.id, action=A.REJECT)
    assert no_reason.value.code == CommunityErrorCode.REASON_REQUIRED
    await actions.moderate(
        moderator=staff,
        kind="post",
        target_id=post.id,
        action=A.REJECT,
        reason=ModerationReason.PROMOTIONAL_LINKS,
    )
    rejected = await Post.get(id=post.id)
    assert rejected.status == ContentStatus.REJECTED
    assert writing.rejection_reason(rejected) == ModerationReason.PROMOTIONAL_LINKS
    # The author fixes it: it goes back to the queue, held, not straight to the public.
    author = await rejected.author
    with moderation_settings():
        edited = await writing.edit_post(
            user=author, post_id=post.id, title="Great deals", body="no links any more"
        )
    assert edited.status == ContentStatus.HELD
    item = await QueueItem.get(kind="post", target_id=post.id)
    assert item.state == QueueState.OPEN and ",resubmitted," in item.reasons


async def test_a_rejection_for_spam_cannot_be_edited_back() -> None:
    post = await _held_post()
    await actions.moderate(
        moderator=await moderator(),
        kind="post",
        target_id=post.id,
        action=A.REJECT,
        reason=ModerationReason.SPAM,
    )
    with moderation_settings(), pytest.raises(DomainError) as refused:
        await writing.edit_post(
            user=await post.author, post_id=post.id, title="Still deals", body="please"
        )
    assert refused.value.code == CommunityErrorCode.NOT_EDITABLE


async def test_hide_and_restore_and_the_transitions_they_refuse() -> None:
    post = await _post()
    staff = await moderator()
    with pytest.raises(DomainError) as restore_published:
        await actions.moderate(moderator=staff, kind="post", target_id=post.id, action=A.RESTORE)
    assert restore_published.value.code == CommunityErrorCode.TRANSITION_NOT_ALLOWED
    await actions.moderate(
        moderator=staff,
        kind="post",
        target_id=post.id,
        action=A.HIDE,
        reason=ModerationReason.PERSONAL_DATA,
    )
    assert (await Post.get(id=post.id)).status == ContentStatus.HIDDEN
    with pytest.raises(DomainError) as approve_hidden:
        await actions.moderate(moderator=staff, kind="post", target_id=post.id, action=A.APPROVE)
    assert approve_hidden.value.code == CommunityErrorCode.TRANSITION_NOT_ALLOWED
    await actions.moderate(moderator=staff, kind="post", target_id=post.id, action=A.RESTORE)
    assert (await Post.get(id=post.id)).status == ContentStatus.PUBLISHED
    log = await ModerationLog.filter(kind="post", target_id=post.id).order_by("id")
    assert [(e.action, e.from_status, e.to_status) for e in log] == [
        (A.HIDE, "published", "hidden"),
        (A.RESTORE, "hidden", "published"),
    ]


async def test_only_staff_with_manage_community_moderate() -> None:
    post = await _held_post()
    for user in (None, await create_user(), await create_user(permissions=[])):
        with pytest.raises(DomainError) as refused:
            await actions.moderate(moderator=user, kind="post", target_id=post.id, action=A.APPROVE)
        assert refused.value.code == CommunityErrorCode.PERMISSION_DENIED
    from models.accounts import Permission

    tickets_only = await create_user(permissions=[Permission.MANAGE_TICKETS])
    with pytest.raises(DomainError):
        await actions.moderate(
            moderator=tickets_only, kind="post", target_id=post.id, action=A.APPROVE
        )
    assert (await Post.get(id=post.id)).status == ContentStatus.HELD
    assert not await ModerationLog.filter(kind="post", target_id=post.id).exists()


async def test_silence_stops_submissions_for_a_period_and_is_logged() -> None:
    author = await member(approved=5)
    staff = await moderator()
    await actions.silence(
        moderator=staff, member_id=author.id, hours=24, reason=ModerationReason.HARASSMENT
    )
    with moderation_settings(), pytest.raises(DomainError) as silenced:
        await writing.create_post(author=author, title="hi", body="hello again")
    assert silenced.value.code == CommunityErrorCode.MEMBER_SILENCED
    await actions.silence(
        moderator=staff, member_id=author.id, hours=0, reason=ModerationReason.OTHER
    )
    with moderation_settings():
        post = await writing.create_post(author=author, title="hi", body="hello again")
    assert post.status == ContentStatus.PUBLISHED
    log = await ModerationLog.filter(member_id=author.id).order_by("id")
    assert [e.action for e in log] == [A.SILENCE, A.UNSILENCE]
    assert log[0].moderator_id == staff.id and log[0].reason == "harassment"
    with pytest.raises(DomainError) as too_long:
        await actions.silence(
            moderator=staff, member_id=author.id, hours=10_000, reason=ModerationReason.OTHER
        )
    assert too_long.value.code == CommunityErrorCode.DURATION_INVALID


async def test_the_audit_log_is_append_only() -> None:
    post = await _held_post()
    await actions.moderate(
        moderator=await moderator(), kind="post", target_id=post.id, action=A.APPROVE
    )
    entry = await ModerationLog.filter(kind="post", target_id=post.id).get()
    entry.reason = "rewritten"
    with pytest.raises(RuntimeError):
        await entry.save()
    with pytest.raises(RuntimeError):
        await entry.delete()
    assert (await ModerationLog.get(id=entry.id)).reason == ""
