"""Moderating reviews through the shared moderation API: the product's rating summary
changes only for the documented reasons, and the author sees why."""

from __future__ import annotations

from typing import Any

import pytest

from services.community import reviews
from tests.community import _review_helpers as h
from tests.community._post_helpers import moderation_settings, moderator
from tests.community.test_api_reviews import gid
from tests.factories import auth_headers, create_user

pytestmark = pytest.mark.usefixtures("app")

MODERATE = """mutation($id: ID!, $action: ModerationAction!, $reason: ModerationReason) {
  moderateContent(id: $id, action: $action, reason: $reason) { status errors { code } } }"""
SUMMARY = """query($id: ID!) { product(id: $id) { ratingSummary { count histogram }
  rating { count } } }"""
NODE = """query($id: ID!) { node(id: $id) { ... on Review { status moderationReason } } }"""


async def test_moderation_moves_the_summary_only_for_documented_reasons(gql: Any) -> None:
    product = await h.product()
    staff = await moderator()
    rude, spammer = await create_user(), await create_user()
    with moderation_settings():
        harsh = await reviews.submit_review(
            author_id=rude.id, product_id=product.id, rating=1, body="Rubbish, you fools"
        )
        spam = await reviews.submit_review(
            author_id=spammer.id, product_id=product.id, rating=5, body="Cheap watches here"
        )

    async def count() -> int:
        body = await gql(SUMMARY, {"id": gid("Product", product.id)})
        summary = body["data"]["product"]
        assert summary["ratingSummary"]["count"] == summary["rating"]["count"]
        return int(summary["ratingSummary"]["count"])

    async def act(review_id: int, action: str, reason: str | None = None) -> None:
        variables = {"id": gid("Review", review_id), "action": action, "reason": reason}
        body = await gql(MODERATE, variables, **auth_headers(staff))
        assert body["data"]["moderateContent"]["errors"] == [], body

    assert await count() == 2
    await act(harsh.id, "HIDE", "HARASSMENT")
    assert await count() == 2  # hidden for how it is said: the one star still counts
    await act(spam.id, "REJECT", "SPAM")
    assert await count() == 1
    seen = await gql(NODE, {"id": gid("Review", spam.id)}, **auth_headers(spammer))
    assert seen["data"]["node"] == {"status": "REJECTED", "moderationReason": "SPAM"}
    others = await gql(NODE, {"id": gid("Review", spam.id)}, **auth_headers(rude))
    assert others["data"]["node"] is None
    await act(spam.id, "RESTORE")
    assert await count() == 2
