"""Reviews as a service: one per customer and product, edits with history, deletion, the
merchant reply, verified purchase, votes and the product's rating summary."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models.catalog import Product
from models.community.moderation import ContentStatus, ModerationReason, QueueItem
from models.community.reviews import Review, ReviewEdit, VerifiedBasis
from models.events import DomainEvent
from models.logistics import ShipmentStatus
from services.community import reviews
from services.community.moderation import targets
from services.community.reviews import aggregate, config
from services.errors import DomainError, DomainErrors
from services.transactions import transaction
from tests.community import _review_helpers as h
from tests.factories import create_child_profile, create_user

pytestmark = pytest.mark.usefixtures("database")


async def _events(type: str, review_id: int) -> list[DomainEvent]:
    return await DomainEvent.filter(type=type, aggregate_id=str(review_id))


async def test_a_review_counts_in_the_product_rating_and_emits_created_and_published() -> None:
    # Given a product and two customers
    product = await h.product()
    alice, bob = await create_user(), await create_user()

    # When both review it
    first = await reviews.submit_review(
        author_id=alice.id, product_id=product.id, rating=5, title="Great", body="Loved it"
    )
    await reviews.submit_review(author_id=bob.id, product_id=product.id, rating=2)

    # Then the product's columns and histogram follow, and the events were written
    await product.refresh_from_db()
    assert product.rating_count == 2
    assert product.rating_average == Decimal("3.50")
    summary = (await aggregate.summaries([product.id]))[product.id]
    assert summary.histogram == (0, 1, 0, 0, 1)
    assert first.status == ContentStatus.PUBLISHED
    assert len(await _events("review.created", first.id)) == 1
    published = await _events("review.published", first.id)
    assert [e.payload for e in published] == [
        {
            "review_id": first.id,
            "user_id": alice.id,
            "product_id": product.id,
            "has_photos": False,
        }
    ]


async def test_one_review_per_customer_and_product() -> None:
    product = await h.product()
    alice = await create_user()
    await reviews.submit_review(author_id=alice.id, product_id=product.id, rating=4)
    with pytest.raises(DomainError) as failure:
        await reviews.submit_review(author_id=alice.id, product_id=product.id, rating=1)
    assert failure.value.code == "ALREADY_REVIEWED"
    assert await Review.filter(product_id=product.id).count() == 1


async def test_invalid_input_is_refused_with_every_problem() -> None:
    product = await h.product()
    alice = await create_user()
    with pytest.raises(DomainErrors) as failure:
        await reviews.submit_review(
            author_id=alice.id,
            product_id=product.id,
            rating=6,
            title="x" * 151,
            photo_urls=["http://plain.example/a.jpg"],
        )
    codes = {(e.field, e.code) for e in failure.value.errors}
    assert codes == {
        ("rating", "RATING_INVALID"),
        ("title", "TOO_LONG"),
        ("photoUrls", "URL_INVALID"),
    }


async def test_edits_keep_history_and_move_the_histogram() -> None:
    product = await h.product()
    alice = await create_user()
    review = await reviews.submit_review(
        author_id=alice.id, product_id=product.id, rating=2, title="Meh"
    )

    edited = await reviews.edit_review(
        author_id=alice.id, review_id=review.id, rating=4, title="Better after a week"
    )

    assert (edited.rating, edited.title, edited.edit_count) == (4, "Better after a week", 1)
    history = await ReviewEdit.filter(review_id=review.id)
    assert [(e.rating, e.title) for e in history] == [(2, "Meh")]
    summary = (await aggregate.summaries([product.id]))[product.id]
    assert summary.histogram == (0, 0, 0, 1, 0)
    assert len(await _events("review.updated", review.id)) == 1


async def test_only_the_author_edits_or_deletes() -> None:
    product = await h.product()
    alice, mallory = await create_user(), await create_user()
    review = await reviews.submit_review(author_id=alice.id, product_id=product.id, rating=5)
    for call in (
        reviews.edit_review(author_id=mallory.id, review_id=review.id, rating=1),
        reviews.delete_review(author_id=mallory.id, review_id=review.id),
    ):
        with pytest.raises(DomainError) as failure:
            await call
        assert failure.value.code == "NOT_AUTHOR"
    assert (await Review.get(id=review.id)).rating == 5


async def test_deleting_leaves_the_summary_and_allows_a_new_review() -> None:
    product = await h.product()
    alice = await create_user()
    review = await reviews.submit_review(
        author_id=alice.id, product_id=product.id, rating=1, body="Broke at once"
    )

    await reviews.delete_review(author_id=alice.id, review_id=review.id)
    await product.refresh_from_db()
    assert (product.rating_count, product.rating_average) == (0, None)
    assert len(await _events("review.removed", review.id)) == 1

    again = await reviews.submit_review(
        author_id=alice.id, product_id=product.id, rating=3, body="The new one works"
    )
    await product.refresh_from_db()
    assert again.id == review.id
    assert (product.rating_count, product.rating_average) == (1, Decimal("3.00"))


async def test_merchant_reply_is_stored_and_can_be_withdrawn() -> None:
    product = await h.product()
    alice, staff = await create_user(), await create_user()
    review = await reviews.submit_review(author_id=alice.id, product_id=product.id, rating=2)
    replied = await reviews.reply_review(staff_id=staff.id, review_id=review.id, body="Sorry!")
    assert (replied.reply_body, replied.reply_by_id) == ("Sorry!", staff.id)
    withdrawn = await reviews.reply_review(staff_id=staff.id, review_id=review.id, body="")
    assert withdrawn.reply_body is None and withdrawn.reply_at is None


async def test_child_age_is_shown_only_when_chosen() -> None:
    product = await h.product()
    alice = await create_user()
    child = await create_child_profile(alice)
    review = await reviews.submit_review(
        author_id=alice.id, product_id=product.id, rating=5, child_id=child.id
    )
    assert review.child_age_months is not None and review.child_age_months >= 0
    bob = await create_user()
    with pytest.raises(DomainError) as failure:  # someone else's child
        await reviews.submit_review(
            author_id=bob.id, product_id=product.id, rating=5, child_id=child.id
        )
    assert failure.value.code == "CHILD_NOT_FOUND"


# Verified purchase --------------------------------------------------------------------


async def test_a_delivered_order_line_verifies_the_review() -> None:
    product = await h.product()
    alice = await create_user()
    order, line = await h.bought(alice, product)
    await h.shipped(order, line)
    review = await reviews.submit_review(author_id=alice.id, product_id=product.id, rating=4)
    assert (review.verified, review.verified_basis) == (True, VerifiedBasis.DELIVERED)


async def test_a_parcel_in_transit_does_not_verify() -> None:
    product = await h.product()
    alice = await create_user()
    order, line = await h.bought(alice, product, paid_days_ago=40)
    await h.shipped(order, line, status=ShipmentStatus.IN_TRANSIT)
    review = await reviews.submit_review(author_id=alice.id, product_id=product.id, rating=4)
    assert (review.verified, review.verified_basis) == (False, None)


async def test_paid_without_tracking_verifies_after_the_configured_days() -> None:
    product = await h.product()
    early, late = await create_user(), await create_user()
    await h.bought(early, product, paid_days_ago=3)
    await h.bought(late, product, paid_days_ago=20)
    previous = config.current()
    config.configure(verify_paid_days=14)
    try:
        not_yet = await reviews.submit_review(author_id=early.id, product_id=product.id, rating=3)
        verified = await reviews.submit_review(author_id=late.id, product_id=product.id, rating=3)
    finally:
        config.configure(verify_paid_days=previous.verify_paid_days)
    assert not_yet.verified is False
    assert (verified.verified, verified.verified_basis) == (True, VerifiedBasis.PAID_NO_TRACKING)


async def test_someone_elses_delivery_does_not_verify() -> None:
    product = await h.product()
    alice, bob = await create_user(), await create_user()
    order, line = await h.bought(alice, product)
    await h.shipped(order, line)
    review = await reviews.submit_review(author_id=bob.id, product_id=product.id, rating=4)
    assert review.verified is False


# Votes ----------------------------------------------------------------------------------


async def test_votes_are_one_per_member_and_changeable() -> None:
    product = await h.product()
    alice, bob, carol = await create_user(), await create_user(), await create_user()
    review = await reviews.submit_review(author_id=alice.id, product_id=product.id, rating=4)

    await reviews.vote_review(user_id=bob.id, review_id=review.id, helpful=True)
    await reviews.vote_review(user_id=bob.id, review_id=review.id, helpful=True)
    await reviews.vote_review(user_id=carol.id, review_id=review.id, helpful=True)
    counted = await reviews.vote_review(user_id=bob.id, review_id=review.id, helpful=False)
    assert (counted.helpful_count, counted.unhelpful_count) == (1, 1)
    cleared = await reviews.vote_review(user_id=bob.id, review_id=review.id, helpful=None)
    assert (cleared.helpful_count, cleared.unhelpful_count) == (1, 0)
    with pytest.raises(DomainError) as failure:
        await reviews.vote_review(user_id=alice.id, review_id=review.id, helpful=True)
    assert failure.value.code == "OWN_CONTENT"


async def test_a_review_of_a_hidden_product_is_refused() -> None:
    product = await h.product()
    await Product.filter(id=product.id).update(status="draft")
    alice = await create_user()
    with pytest.raises(DomainError) as failure:
        await reviews.submit_review(author_id=alice.id, product_id=product.id, rating=4)
    assert failure.value.code == "PRODUCT_NOT_FOUND"


# Moderation and the summary --------------------------------------------------------------


async def _moderate(review_id: int, status: ContentStatus, reason: ModerationReason | None) -> None:
    handler = targets.handler("review")
    assert handler is not None
    async with transaction():
        target = await handler.load(review_id, for_update=True)
        assert target is not None
        await handler.apply(target, status, reason=reason)


async def _count(product_id: int) -> int:
    return (await aggregate.summaries([product_id]))[product_id].count


async def test_only_documented_reasons_take_a_review_out_of_the_summary() -> None:
    product = await h.product()
    kept, spam = await create_user(), await create_user()
    hidden = await reviews.submit_review(
        author_id=kept.id, product_id=product.id, rating=1, body="Fell apart"
    )
    removed = await reviews.submit_review(
        author_id=spam.id, product_id=product.id, rating=5, body="Buy cheap watches"
    )
    assert await _count(product.id) == 2

    # Hidden for harassment: out of sight, still counted
    await _moderate(hidden.id, ContentStatus.HIDDEN, ModerationReason.HARASSMENT)
    assert await _count(product.id) == 2
    # Rejected as spam: out of the summary, and back when restored
    await _moderate(removed.id, ContentStatus.REJECTED, ModerationReason.SPAM)
    assert await _count(product.id) == 1
    assert len(await _events("review.removed", removed.id)) == 1
    await _moderate(removed.id, ContentStatus.PUBLISHED, None)
    assert await _count(product.id) == 2
    assert (
        await aggregate.recount(product_id=product.id)
        == (await aggregate.summaries([product.id]))[product.id]
    )


async def test_a_fixed_rejection_goes_back_to_the_queue_and_counts_again() -> None:
    product = await h.product()
    alice = await create_user()
    review = await reviews.submit_review(
        author_id=alice.id, product_id=product.id, rating=2, body="Call me on 0612345678"
    )
    await _moderate(review.id, ContentStatus.REJECTED, ModerationReason.PERSONAL_DATA)
    assert await _count(product.id) == 0

    with pytest.raises(DomainError) as failure:  # only the rating: the problem is still there
        await reviews.edit_review(author_id=alice.id, review_id=review.id, rating=3)
    assert failure.value.code == "NOT_EDITABLE"
    fixed = await reviews.edit_review(
        author_id=alice.id, review_id=review.id, body="Wheels came off after a day"
    )

    assert fixed.status == ContentStatus.HELD
    assert await _count(product.id) == 1
    assert await QueueItem.filter(kind="review", target_id=review.id, state="open").exists()


async def test_a_held_review_counts_and_is_queued() -> None:
    product = await h.product()
    alice = await create_user()
    review = await reviews.submit_review(
        author_id=alice.id,
        product_id=product.id,
        rating=1,
        body="See https://example.com/proof",
    )
    assert review.status == ContentStatus.HELD
    assert await _count(product.id) == 1
    assert await QueueItem.filter(kind="review", target_id=review.id).exists()
    assert await _events("review.published", review.id) == []

    await _moderate(review.id, ContentStatus.PUBLISHED, None)
    assert len(await _events("review.published", review.id)) == 1
    await _moderate(review.id, ContentStatus.HIDDEN, ModerationReason.OTHER)
    await _moderate(review.id, ContentStatus.PUBLISHED, None)
    assert len(await _events("review.published", review.id)) == 1  # once per review


async def test_partner_visible_events_carry_no_text_or_member() -> None:
    product = await h.product()
    alice = await create_user()
    review = await reviews.submit_review(
        author_id=alice.id, product_id=product.id, rating=3, title="Secret title", body="Body"
    )
    await reviews.edit_review(author_id=alice.id, review_id=review.id, body="Other body")
    await reviews.delete_review(author_id=alice.id, review_id=review.id)
    for type in ("review.created", "review.updated", "review.removed"):
        (event,) = await _events(type, review.id)
        text = str(event.payload)
        assert "Secret" not in text and "body" not in text.lower()
        assert str(alice.id) not in {str(v) for v in event.payload.values()}
        assert "authorId" not in event.payload and "user_id" not in event.payload
