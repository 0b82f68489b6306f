"""Reports and moderation actions under concurrency (PostgreSQL): one report per member,
one queue item per contribution with every report counted, one action wins a race."""

from __future__ import annotations

import asyncio

import pytest

from models.community.moderation import (
    ContentReport,
    ModerationActionKind,
    ModerationLog,
    ModerationReason,
    QueueItem,
    ReportReason,
)
from services.community.moderation import actions
from services.community.posts import writing
from services.errors import DomainError
from tests.community._post_helpers import member, moderation_settings, moderator
from tests.conftest import using_postgres

pytestmark = [
    pytest.mark.usefixtures("database"),
    pytest.mark.skipif(
        not using_postgres(), reason="needs PostgreSQL: set DATABASE_URL=postgres://... to run"
    ),
]


async def _post() -> int:
    with moderation_settings():
        post = await writing.create_post(
            author=await member(approved=5), title="Race", body="report me"
        )
    return post.id


async def test_concurrent_reports_count_once_per_member_in_one_queue_item() -> None:
    post_id = await _post()
    reporters = [await member() for _ in range(6)]

    async def report(user: object) -> str:
        try:
            await actions.report(
                reporter=user,  # type: ignore[arg-type]
                kind="post",
                target_id=post_id,
                reason=ReportReason.SPAM,
            )
        except DomainError as refused:
            return refused.code
        return "ok"

    # Every reporter sends the same report three times at once.
    outcomes = await asyncio.gather(*(report(u) for u in reporters for _ in range(3)))
    assert outcomes.count("ok") == 6
    assert outcomes.count("ALREADY_REPORTED") == 12
    assert await ContentReport.filter(kind="post", target_id=post_id).count() == 6
    item = await QueueItem.get(kind="post", target_id=post_id)
    assert item.report_count == 6


async def test_two_moderators_hiding_at_once_make_one_change() -> None:
    post_id = await _post()
    staff = [await moderator() for _ in range(2)]

    async def hide(user: object) -> str:
        try:
            await actions.moderate(
                moderator=user,  # type: ignore[arg-type]
                kind="post",
                target_id=post_id,
                action=ModerationActionKind.HIDE,
                reason=ModerationReason.SPAM,
            )
        except DomainError as refused:
            return refused.code
        return "ok"

    outcomes = await asyncio.gather(*(hide(u) for u in staff))
    assert sorted(outcomes) == ["TRANSITION_NOT_ALLOWED", "ok"]
    assert await ModerationLog.filter(kind="post", target_id=post_id).count() == 1
