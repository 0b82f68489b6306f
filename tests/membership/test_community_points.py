"""Points for community: community emits `review.published` and `answer.accepted` in the
transaction that makes them visible; membership's durable consumers earn the first-review,
review-with-photo and accepted-answer rules once per occasion, whatever the rating."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest

from models.membership import EntryKind, PointsEntry, RuleKind
from services.events import outbox
from services.events.types import EventTypeName
from services.membership import claim_first
from services.transactions import transaction
from tests.conftest import using_postgres
from tests.factories import create_user
from tests.membership._helpers import settle

pytestmark = pytest.mark.usefixtures("app")
T = EventTypeName
_ids = itertools.count(7_000_000)


async def _emit(type: EventTypeName, payload: dict[str, Any]) -> None:
    """As community will: in the transaction of the change, through the outbox."""
    async with transaction():
        await outbox.emit(type, aggregate_id=next(iter(payload.values())), payload=payload)


async def _review(user_id: int, *, photos: bool = False, **extra: Any) -> int:
    review_id = next(_ids)
    await _emit(
        T.REVIEW_PUBLISHED,
        {
            "review_id": review_id,
            "user_id": user_id,
            "product_id": 1,
            "has_photos": photos,
            **extra,
        },
    )
    return review_id


async def _earned(user_id: int) -> list[tuple[str, int]]:
    rows = (
        await PointsEntry.filter(user_id=user_id, kind=EntryKind.EARN)
        .order_by("id")
        .values_list("reason", "points")
    )
    return [(str(reason), int(points)) for reason, points in rows]


@pytest.fixture
async def community_rules(rule):  # type: ignore[no-untyped-def]
    await rule(RuleKind.FIRST_REVIEW, points=100)
    await rule(RuleKind.REVIEW_PHOTO, points=30)
    await rule(RuleKind.ACCEPTED_ANSWER, points=50)


async def test_the_first_review_earns_once_and_each_photo_review_earns(community_rules) -> None:
    user = await create_user()

    first = await _review(user.id, photos=False)
    await _review(user.id, photos=True)
    await _review(user.id, photos=True)
    await settle()

    assert await _earned(user.id) == [
        ("Your first review", 100),
        ("A review with a photo", 30),
        ("A review with a photo", 30),
    ]
    entry = await PointsEntry.get(user_id=user.id, reason="Your first review")
    assert entry.reference == f"review:{first}"


async def test_a_redelivered_event_earns_nothing_more(community_rules) -> None:
    user = await create_user()
    payload = {"review_id": next(_ids), "user_id": user.id, "product_id": 1, "has_photos": True}

    await _emit(T.REVIEW_PUBLISHED, payload)
    await _emit(T.REVIEW_PUBLISHED, payload)  # the same review announced twice
    await settle()

    assert sorted(p for _, p in await _earned(user.id)) == [30, 100]


async def test_a_review_before_any_first_review_rule_stays_the_first(rule) -> None:
    # Given a first review published while no first-review rule was in force
    user = await create_user()
    await _review(user.id)
    await settle()
    assert await _earned(user.id) == []

    # When a rule starts and the customer writes another review
    await rule(RuleKind.FIRST_REVIEW, points=100)
    await _review(user.id)
    await settle()

    # Then it is not their first review: nothing
    assert await _earned(user.id) == []


async def test_points_do_not_depend_on_the_rating(community_rules) -> None:
    # Should a payload ever carry a rating, the points would not change with it
    low, high = await create_user(), await create_user()
    await _review(low.id, photos=True, rating=1)
    await _review(high.id, photos=True, rating=5)
    await settle()

    assert await _earned(low.id) == await _earned(high.id) != []


async def test_an_accepted_answer_earns_its_author_once_per_answer(community_rules) -> None:
    author = await create_user()
    answer = {"answer_id": next(_ids), "question_id": 3, "product_id": 1, "user_id": author.id}

    await _emit(T.ANSWER_ACCEPTED, answer)
    await _emit(T.ANSWER_ACCEPTED, answer)
    await _emit(T.ANSWER_ACCEPTED, {**answer, "answer_id": next(_ids)})
    await settle()

    assert await _earned(author.id) == [
        ("Your answer was accepted", 50),
        ("Your answer was accepted", 50),
    ]


async def test_malformed_payloads_are_skipped_not_retried_forever(community_rules) -> None:
    user = await create_user()
    await _emit(T.REVIEW_PUBLISHED, {"review_id": "x", "user_id": user.id, "has_photos": True})
    await _emit(T.ANSWER_ACCEPTED, {"answer_id": 5, "user_id": None})
    await _review(user.id)
    await settle()

    assert await _earned(user.id) == [("Your first review", 100)]


@pytest.mark.skipif(
    not using_postgres(), reason="needs PostgreSQL: set DATABASE_URL=postgres://... to run"
)
async def test_of_first_reviews_claimed_at_once_exactly_one_is_the_first() -> None:
    user = await create_user()

    async def claim(n: int) -> bool:
        async with transaction():
            return await claim_first(
                user_id=user.id, kind=RuleKind.FIRST_REVIEW, reference=f"review:{n}"
            )

    outcomes = await asyncio.gather(*(claim(n) for n in range(8)))

    assert outcomes.count(True) == 1
