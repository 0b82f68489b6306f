"""Review requests after delivery (once per order and product, from the worker's sweep) and
ratings reaching the recommender as explicit feedback."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from models.community.reviews import ReviewRequest
from models.events import DomainEvent
from services.community import reviews
from services.community.reviews import config, requests
from services.events.runtime import WORKER_JOBS
from services.feed import training
from tests.community import _review_helpers as h
from tests.factories import create_user

pytestmark = pytest.mark.usefixtures("database")


async def _requested(order_id: int) -> list[DomainEvent]:
    return await DomainEvent.filter(
        type="review.requested", aggregate_id__startswith=f"{order_id}:"
    )


async def test_a_request_goes_out_once_after_the_configured_days() -> None:
    # Given a parcel delivered 3 days ago and another delivered 10 days ago
    product = await h.product()
    fresh_buyer, due_buyer = await create_user(), await create_user()
    fresh_order, fresh_line = await h.bought(fresh_buyer, product)
    await h.shipped(fresh_order, fresh_line, delivered_days_ago=3)
    due_order, due_line = await h.bought(due_buyer, product)
    await h.shipped(due_order, due_line, delivered_days_ago=10)
    previous = config.current()
    config.configure(request_after_days=7)
    try:
        # When the sweep runs twice
        await requests.sweep()
        await requests.sweep()
    finally:
        config.configure(request_after_days=previous.request_after_days)

    # Then only the due delivery was asked about, once
    assert await _requested(fresh_order.id) == []
    (event,) = await _requested(due_order.id)
    assert event.payload["order_id"] == due_order.id
    assert event.payload["product_id"] == product.id
    assert event.payload["user_id"] == due_buyer.id


async def test_no_request_for_a_product_already_reviewed() -> None:
    product = await h.product()
    buyer = await create_user()
    order, line = await h.bought(buyer, product)
    await h.shipped(order, line, delivered_days_ago=9)
    await reviews.submit_review(author_id=buyer.id, product_id=product.id, rating=5)

    await requests.sweep(now=datetime.now(UTC))

    assert await _requested(order.id) == []
    assert await ReviewRequest.filter(order_id=order.id).exists()  # looked at once


async def test_a_delivery_past_the_window_is_not_asked_about() -> None:
    product = await h.product()
    buyer = await create_user()
    order, line = await h.bought(buyer, product)
    await h.shipped(order, line, delivered_days_ago=60)
    await requests.sweep(now=datetime.now(UTC) + timedelta(minutes=1))
    assert await _requested(order.id) == []


def test_the_sweep_is_a_worker_job() -> None:
    from services.flows import reactions  # noqa: F401  (registers the jobs)

    assert "community-review-requests" in WORKER_JOBS


async def test_ratings_reach_the_recommender_as_explicit_feedback() -> None:
    product = await h.product()
    fan, critic = await create_user(), await create_user()
    private = await create_user(personalization=False)
    await reviews.submit_review(author_id=fan.id, product_id=product.id, rating=5)
    await reviews.submit_review(author_id=critic.id, product_id=product.id, rating=1)
    await reviews.submit_review(author_id=private.id, product_id=product.id, rating=4)

    interactions, _, _ = await training.read_interactions()

    rated = {
        (user, item): rating
        for user, item, event, rating in zip(
            interactions.users,
            interactions.items,
            interactions.events,
            interactions.ratings,
            strict=True,
        )
        if event == "rate" and item == product.id
    }
    assert rated == {(f"u{fan.id}", product.id): 5.0, (f"u{critic.id}", product.id): 1.0}
    others = [
        r for e, r in zip(interactions.events, interactions.ratings, strict=True) if e != "rate"
    ]
    assert all(math.isnan(r) for r in others)
