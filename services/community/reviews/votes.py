"""Helpful / unhelpful votes on reviews and answers: one per member and item, changeable or
taken back, counted on the item with atomic updates.

A vote does not raise the catalog version: votes are the most frequent community write, and
a bump per vote would empty the whole anonymous catalog cache and queue every voter on the
catalog version row (PostgreSQL). Vote counts on cached anonymous pages may therefore lag by
up to the response cache's TTL (SHOPGRAPH_RESPONSE_CACHE_TTL); the voter's own answer (a
mutation, signed in) is never cached.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.models import Model

from models.community.moderation import ContentStatus
from models.community.reviews import Review, ReviewVote
from services.community.errors import CommunityErrorCode as C
from services.community.errors import error
from services.community.reviews import content
from services.transactions import transaction


@dataclass(frozen=True)
class Votable:
    """A kind of item members vote on: its model, its vote model and the vote's key."""

    model: type[Model]
    vote_model: type[Model]
    key: str  # the vote's column naming the item ("review_id")
    field: str  # the input field of errors ("reviewId")
    not_found: C
    noun: str
    # The item's product: nothing of an unpublished product is voted on (visibility.py).
    product_id: Callable[[Any], Awaitable[int]]


async def _review_product(review: Review) -> int:
    return review.product_id


REVIEWS = Votable(
    Review, ReviewVote, "review_id", "reviewId", C.NOT_FOUND, "review", _review_product
)


def _delta(helpful: bool | None) -> tuple[int, int]:
    if helpful is None:
        return 0, 0
    return (1, 0) if helpful else (0, 1)


async def vote(kind: Votable, *, user_id: int, item_id: int, helpful: bool | None) -> Any:
    """Vote a published item helpful (True) or not (False); None takes the vote back."""
    for attempt in range(2):
        try:
            return await _vote(kind, user_id, item_id, helpful)
        except IntegrityError:
            # The member's first vote raced their own other first vote: the row exists now.
            if attempt:
                raise
    raise AssertionError("unreachable")


async def _vote(kind: Votable, user_id: int, item_id: int, helpful: bool | None) -> Any:
    async with transaction():
        item: Any = await kind.model.get_or_none(id=item_id)
        if (
            item is None
            or item.status != ContentStatus.PUBLISHED
            or not await content.is_public(await kind.product_id(item))
        ):
            raise error(kind.not_found, f"No such {kind.noun}.", field=kind.field)
        if item.author_id == user_id:
            own = f"You cannot vote on your own {kind.noun}."
            raise error(C.OWN_CONTENT, own, field=kind.field)
        mine = kind.vote_model.filter(**{kind.key: item_id}, user_id=user_id)
        existing: Any = await mine.select_for_update().first()
        before = existing.helpful if existing is not None else None
        if before == helpful:
            return item
        if helpful is None:
            await kind.vote_model.filter(id=existing.id).delete()
        elif existing is not None:
            await kind.vote_model.filter(id=existing.id).update(helpful=helpful)
        else:
            values: dict[str, Any] = {kind.key: item_id, "user_id": user_id, "helpful": helpful}
            await kind.vote_model.create(**values)
        up, down = _delta(helpful)
        up_before, down_before = _delta(before)
        await kind.model.filter(id=item_id).update(
            helpful_count=F("helpful_count") + (up - up_before),
            unhelpful_count=F("unhelpful_count") + (down - down_before),
        )
    return await kind.model.get(id=item_id)


async def vote_review(*, user_id: int, review_id: int, helpful: bool | None) -> Review:
    """Vote a published review helpful (True) or not (False); None takes the vote back."""
    review: Review = await vote(REVIEWS, user_id=user_id, item_id=review_id, helpful=helpful)
    return review
