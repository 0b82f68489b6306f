"""The rating summary under concurrent reviews, edits, removals and votes (PostgreSQL)."""

from __future__ import annotations

import asyncio
import random

import pytest

from models.catalog import Product
from models.community.moderation import ContentStatus, ModerationReason
from models.community.reviews import Review
from services.catalog import ratings as catalog_ratings
from services.community import reviews
from services.community.moderation import targets
from services.community.reviews import aggregate
from services.errors import DomainError
from services.transactions import transaction
from tests.community import _review_helpers as h
from tests.conftest import using_postgres
from tests.factories import create_user

pytestmark = [
    pytest.mark.usefixtures("database"),
    pytest.mark.skipif(
        not using_postgres(), reason="needs PostgreSQL: set DATABASE_URL=postgres://... to run"
    ),
]


async def _assert_true_to_reviews(product_id: int) -> None:
    truth = await aggregate.recount(product_id=product_id)
    stored = (await aggregate.summaries([product_id]))[product_id]
    assert stored == truth
    product = await Product.get(id=product_id)
    assert product.rating_count == truth.count
    assert product.rating_average == catalog_ratings.average(count=truth.count, total=truth.total)


async def test_concurrent_reviews_edits_and_removals_keep_the_summary_true() -> None:
    # Given a product already reviewed by 10 customers
    product = await h.product()
    rng = random.Random(14)
    early = [await create_user() for _ in range(10)]
    existing = [
        await reviews.submit_review(
            author_id=u.id, product_id=product.id, rating=rng.randint(1, 5), body=f"first {i}"
        )
        for i, u in enumerate(early)
    ]
    newcomers = [await create_user() for _ in range(20)]

    # When 20 new reviews, 5 edits, 3 deletions and 2 moderator removals run at once
    async def moderate(review: Review) -> None:
        handler = targets.handler("review")
        assert handler is not None
        async with transaction():
            target = await handler.load(review.id, for_update=True)
            assert target is not None
            await handler.apply(target, ContentStatus.REJECTED, reason=ModerationReason.SPAM)

    calls = [
        reviews.submit_review(
            author_id=u.id, product_id=product.id, rating=rng.randint(1, 5), body=f"new {i}"
        )
        for i, u in enumerate(newcomers)
    ]
    calls += [
        reviews.edit_review(author_id=r.author_id, review_id=r.id, rating=rng.randint(1, 5))
        for r in existing[:5]
    ]
    calls += [reviews.delete_review(author_id=r.author_id, review_id=r.id) for r in existing[5:8]]
    calls += [moderate(r) for r in existing[8:]]
    rng.shuffle(calls)
    await asyncio.gather(*calls)

    # Then the histogram, count and average match the reviews that count
    truth = await aggregate.recount(product_id=product.id)
    assert truth.count == 10 + 20 - 3 - 2
    await _assert_true_to_reviews(product.id)


async def test_the_same_customer_submitting_twice_at_once_gets_one_review() -> None:
    product = await h.product()
    alice = await create_user()

    results = await asyncio.gather(
        *(
            reviews.submit_review(
                author_id=alice.id, product_id=product.id, rating=4, body=f"take {i}"
            )
            for i in range(5)
        ),
        return_exceptions=True,
    )

    created = [r for r in results if isinstance(r, Review)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(created) == 1
    assert {e.code for e in refused} == {"ALREADY_REVIEWED"} and len(refused) == 4
    await _assert_true_to_reviews(product.id)


async def test_concurrent_votes_count_exactly() -> None:
    product = await h.product()
    author = await create_user()
    review = await reviews.submit_review(author_id=author.id, product_id=product.id, rating=5)
    voters = [await create_user() for _ in range(20)]

    await asyncio.gather(
        *(
            reviews.vote_review(user_id=v.id, review_id=review.id, helpful=i % 4 != 0)
            for i, v in enumerate(voters)
        ),
        # the same member twice at once: still one vote
        reviews.vote_review(user_id=voters[1].id, review_id=review.id, helpful=True),
    )

    stored = await Review.get(id=review.id)
    assert (stored.helpful_count, stored.unhelpful_count) == (15, 5)
