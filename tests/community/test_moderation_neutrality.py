"""Neutrality: moderation never holds or rejects for a rating or a sentiment. A one-star
review is published exactly as a five-star one with the same words would be; profanity is
treated alike whatever the rating; screening cannot even be given a rating."""

from __future__ import annotations

import inspect

import pytest

from models.community.moderation import ContentStatus, ModerationReason, QueueItem, ReportReason
from models.community.reviews import Review
from services.community.moderation import actions
from services.community.moderation.screening import screen
from services.community.reviews import writing as reviews
from tests.community._post_helpers import member, moderation_settings
from tests.community._review_helpers import product

pytestmark = pytest.mark.usefixtures("database")

NEGATIVE = (
    "Terrible. Broke on the first day, the worst toy we ever bought, a waste of money. "
    "Do not buy this."
)


async def _review(rating: int, text: str) -> Review:
    author = await member()  # a new member: the strictest screening
    return await reviews.submit_review(
        author_id=author.id,
        product_id=(await product()).id,
        rating=rating,
        title="Review",
        body=text,
    )


async def test_a_one_star_review_is_never_held_for_its_rating_or_sentiment() -> None:
    with moderation_settings(profanity_mode="hold"):
        one_star = await _review(1, NEGATIVE)
        five_star = await _review(5, "Wonderful, the best toy we ever bought. Buy it!")
    assert one_star.status == ContentStatus.PUBLISHED
    assert five_star.status == ContentStatus.PUBLISHED
    assert not await QueueItem.filter(kind="review", target_id=one_star.id).exists()


@pytest.mark.parametrize("mode", ["hold", "mask"])
async def test_every_rating_is_screened_alike(mode: str) -> None:
    with moderation_settings(profanity_mode=mode):
        clean = [(await _review(r, f"{NEGATIVE} ({r})")).status for r in range(1, 6)]
        profane = [(await _review(r, f"This is shit ({r})")).status for r in range(1, 6)]
    assert clean == [ContentStatus.PUBLISHED] * 5
    expected = ContentStatus.HELD if mode == "hold" else ContentStatus.PUBLISHED
    assert profane == [expected] * 5


async def test_screening_cannot_be_given_a_rating_and_no_reason_speaks_of_one() -> None:
    assert "rating" not in inspect.signature(screen).parameters
    codes = {reason.value for reason in ModerationReason}
    assert not codes & {"negative", "low_rating", "rating", "sentiment", "unfavourable"}


async def test_an_ordinary_members_report_does_not_take_a_one_star_review_down() -> None:
    with moderation_settings():
        review = await _review(1, NEGATIVE)
        await actions.report(
            reporter=await member(), kind="review", target_id=review.id, reason=ReportReason.FAKE
        )
    assert (await Review.get(id=review.id)).status == ContentStatus.PUBLISHED
