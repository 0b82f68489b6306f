"""Helpful / unhelpful votes: one per member and review, changeable, counted atomically."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from models.community.moderation import ContentStatus
from models.community.reviews import Review, ReviewVote
from services.community.errors import CommunityErrorCode as C
from services.community.errors import error
from services.transactions import transaction


def _delta(helpful: bool | None) -> tuple[int, int]:
    if helpful is None:
        return 0, 0
    return (1, 0) if helpful else (0, 1)


async def vote_review(*, user_id: int, review_id: int, helpful: bool | None) -> Review:
    """Vote a published review helpful (True) or not (False); None takes the vote back."""
    for attempt in range(2):
        try:
            return await _vote(user_id, review_id, helpful)
        except IntegrityError:
            # The member's first vote raced their own other first vote: the row exists now.
            if attempt:
                raise
    raise AssertionError("unreachable")


async def _vote(user_id: int, review_id: int, helpful: bool | None) -> Review:
    async with transaction():
        review = await Review.get_or_none(id=review_id)
        if review is None or review.status != ContentStatus.PUBLISHED:
            raise error(C.NOT_FOUND, "No such review.", field="reviewId")
        if review.author_id == user_id:
            raise error(C.OWN_CONTENT, "You cannot vote on your own review.", field="reviewId")
        vote = await ReviewVote.filter(review_id=review_id, user_id=user_id).select_for_update()
        before = vote[0].helpful if vote else None
        if before == helpful:
            return review
        if helpful is None:
            await ReviewVote.filter(id=vote[0].id).delete()
        elif vote:
            await ReviewVote.filter(id=vote[0].id).update(helpful=helpful)
        else:
            await ReviewVote.create(review_id=review_id, user_id=user_id, helpful=helpful)
        up_new, down_new = _delta(helpful)
        up_old, down_old = _delta(before)
        await Review.filter(id=review_id).update(
            helpful_count=F("helpful_count") + (up_new - up_old),
            unhelpful_count=F("unhelpful_count") + (down_new - down_old),
        )
    return await Review.get(id=review_id)
