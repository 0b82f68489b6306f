"""Review operations: a member's own reviews, and submitting, editing, deleting, voting
and (staff with MANAGE_COMMUNITY) replying."""

from __future__ import annotations

from collections.abc import Awaitable

import strawberry
from strawberry import relay

from models.community.reviews import Review
from resolvers.community import reviews as ops
from resolvers.context import Info
from schema.community.errors import CommunityError, attempt
from schema.community.reviews_types import (
    RatingSummary,
    ReviewConnection,
    ReviewSort,
    ReviewType,
)
from schema.nodes import typed_pk
from services.community.reviews.reads import ReviewSort as Sort


@strawberry.type(description="The review after the change, or why it failed.")
class ReviewPayload:
    review: ReviewType | None
    errors: list[CommunityError]


async def _payload(call: Awaitable[Review]) -> ReviewPayload:
    row, errors = await attempt(call)
    return ReviewPayload(review=ReviewType.from_model(row) if row else None, errors=errors)


@strawberry.input(description="A review of a product you may review once.")
class SubmitReviewInput:
    product_id: relay.GlobalID
    rating: int = strawberry.field(description="1 to 5 stars.")
    title: str = strawberry.field(default="", description="At most 150 characters.")
    body: str = strawberry.field(default="", description="At most 5,000 characters.")
    photo_urls: list[str] = strawberry.field(
        default_factory=list, description="At most 10 https:// URLs."
    )
    variant_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The variant you bought, if you want to say."
    )
    child_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="One of your child profiles: its age in months shows beside the review.",
    )


@strawberry.input(description="What to change in your review; omitted fields stay.")
class UpdateReviewInput:
    rating: int | None = None
    title: str | None = None
    body: str | None = None
    photo_urls: list[str] | None = None


@strawberry.type
class ReviewsQuery:
    @strawberry.field(description="Your own reviews, newest first, whatever their status.")
    async def my_reviews(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> ReviewConnection:
        page = await ops.my_reviews(info, first=first, after=after)
        return ReviewConnection.from_page(page, ReviewType.from_model)


@strawberry.type
class ReviewsMutation:
    @strawberry.mutation(
        description="Review a product (once). It counts in the product's rating at once, even "
        "while a moderator looks at its text."
    )
    async def submit_review(self, info: Info, input: SubmitReviewInput) -> ReviewPayload:
        return await _payload(
            ops.submit(
                info,
                product_id=typed_pk(input.product_id, "Product"),
                rating=input.rating,
                title=input.title,
                body=input.body,
                photo_urls=input.photo_urls,
                variant_id=typed_pk(input.variant_id, "Variant") if input.variant_id else None,
                child_id=typed_pk(input.child_id, "ChildProfile") if input.child_id else None,
            )
        )

    @strawberry.mutation(description="Edit your review; the earlier version is kept.")
    async def update_review(
        self, info: Info, id: relay.GlobalID, input: UpdateReviewInput
    ) -> ReviewPayload:
        return await _payload(
            ops.edit(
                info,
                review_id=typed_pk(id, "Review"),
                rating=input.rating,
                title=input.title,
                body=input.body,
                photo_urls=input.photo_urls,
            )
        )

    @strawberry.mutation(description="Delete your review; it leaves the product's rating.")
    async def delete_review(self, info: Info, id: relay.GlobalID) -> ReviewPayload:
        return await _payload(ops.delete(info, review_id=typed_pk(id, "Review")))

    @strawberry.mutation(
        description="Staff (MANAGE_COMMUNITY): the shop's public reply; an empty body removes it."
    )
    async def reply_to_review(self, info: Info, id: relay.GlobalID, body: str) -> ReviewPayload:
        return await _payload(ops.reply(info, review_id=typed_pk(id, "Review"), body=body))

    @strawberry.mutation(
        description="Vote a review helpful (true) or not (false); null (or nothing) takes it back."
    )
    async def vote_review(
        self, info: Info, id: relay.GlobalID, helpful: bool | None = None
    ) -> ReviewPayload:
        return await _payload(ops.vote(info, review_id=typed_pk(id, "Review"), helpful=helpful))


async def product_reviews(
    info: Info,
    product_id: int,
    *,
    sort: Sort,
    with_photos_first: bool,
    first: int | None,
    after: str | None,
) -> ReviewConnection:
    page = await ops.product_reviews(
        info,
        product_id=product_id,
        sort=Sort(sort),
        photos_first=with_photos_first,
        first=first,
        after=after,
    )
    return ReviewConnection.from_page(page, ReviewType.from_model)


async def product_rating_summary(info: Info, product_id: int) -> RatingSummary:
    summary = await info.context.loaders.community_reviews.summaries.load(product_id)
    return RatingSummary.of(summary)


__all__ = ["ReviewSort", "ReviewsMutation", "ReviewsQuery"]
