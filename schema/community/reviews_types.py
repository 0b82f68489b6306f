"""Review types: the review (author by display name only), its merchant reply and edit
history, and a product's rating summary."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Self

import strawberry
from strawberry import relay

from models.community import moderation as mm
from models.community import reviews as m
from resolvers.community import reviews as access
from resolvers.context import Info
from schema.catalog.types import ProductType
from schema.community.moderation_types import (
    VOTE_LAG,
    CommunityMember,
    ContentStatus,
    ModerationReason,
    NotFetchable,
)
from schema.connections import CountedConnection
from schema.nodes import LoadedNode
from services.community.reviews import aggregate
from services.community.reviews.reads import ReviewSort as ReviewSortEnum

ReviewSort = strawberry.enum(
    ReviewSortEnum,
    name="ReviewSort",
    description="MOST_HELPFUL (most helpful votes first), NEWEST, HIGHEST_RATING, "
    "LOWEST_RATING; newest first among equals.",
)
VerifiedPurchaseBasis = strawberry.enum(
    m.VerifiedBasis,
    name="VerifiedPurchaseBasis",
    description="DELIVERED: a delivered parcel held the product for the reviewer. "
    "PAID_NO_TRACKING: paid long enough ago (a shop setting, 14 days by default) for an "
    "order nothing tracks.",
)


@strawberry.type(description="The shop's public answer under a review.")
class MerchantReply:
    body: str
    replied_at: datetime


@strawberry.type(description="A review as it was before one edit by its author.")
class ReviewVersion(NotFetchable):
    id: relay.NodeID[int]
    rating: int
    title: str
    body: str
    photo_urls: list[str]
    edited_at: datetime = strawberry.field(description="When it was replaced.")

    @classmethod
    def of(cls, row: m.ReviewEdit) -> Self:
        return cls(
            id=row.id,
            rating=row.rating,
            title=row.title,
            body=row.body,
            photo_urls=list(row.photo_urls or []),
            edited_at=row.edited_at,
        )


@strawberry.type(description="A review's earlier versions, oldest first.")
class ReviewVersionConnection(CountedConnection[ReviewVersion]):
    pass


@strawberry.type(description="A product's ratings: average, count and how many of each star.")
class RatingSummary:
    average: float | None = strawberry.field(description="Two decimals; null when unrated.")
    count: int
    histogram: list[int] = strawberry.field(
        description="Counts of 1, 2, 3, 4 and 5 stars, in that order (five numbers)."
    )

    @classmethod
    def of(cls, summary: aggregate.Summary) -> Self:
        return cls(average=summary.average, count=summary.count, histogram=list(summary.histogram))


@strawberry.type(
    name="Review",
    description="A customer's review of a product. Its author shows only as a display name "
    "(and a child's age when they chose to show it).",
)
class ReviewType(LoadedNode):
    loader_group: ClassVar[str] = "community_reviews"
    loader: ClassVar[str] = "review_by_id"
    id: relay.NodeID[int]
    rating: int = strawberry.field(description="1 to 5 stars.")
    title: str
    body: str
    photo_urls: list[str] = strawberry.field(description="https:// photo URLs, at most 10.")
    has_photos: bool
    status: ContentStatus  # type: ignore[valid-type]
    verified_purchase: bool = strawberry.field(
        description="The reviewer bought the product (see verifiedPurchaseBasis)."
    )
    verified_purchase_basis: VerifiedPurchaseBasis | None  # type: ignore[valid-type]
    child_age_months: int | None = strawberry.field(
        description="The age of the reviewer's child when reviewing, if they chose to show it."
    )
    helpful_count: int = strawberry.field(description=VOTE_LAG)
    unhelpful_count: int = strawberry.field(description=VOTE_LAG)
    edit_count: int = strawberry.field(description="How many times its author edited it.")
    created_at: datetime
    updated_at: datetime
    row: strawberry.Private[m.Review]

    @classmethod
    async def visible(cls, info: Info, row: m.Review) -> bool:
        return await access.can_read(info, row)

    @classmethod
    def from_model(cls, row: m.Review) -> Self:
        return cls(
            id=row.id,
            rating=row.rating,
            title=row.title,
            body=row.body,
            photo_urls=list(row.photo_urls or []),
            has_photos=row.has_photos,
            status=mm.ContentStatus(row.status),
            verified_purchase=row.verified,
            verified_purchase_basis=m.VerifiedBasis(row.verified_basis)
            if row.verified_basis
            else None,
            child_age_months=row.child_age_months,
            helpful_count=row.helpful_count,
            unhelpful_count=row.unhelpful_count,
            edit_count=row.edit_count,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )

    @strawberry.field(description="Who wrote it: a display name, nothing more.")
    async def author(self, info: Info) -> CommunityMember:
        name = await info.context.loaders.community_posts.display_names.load(self.row.author_id)
        return CommunityMember(display_name=name or "Customer")

    @strawberry.field(description="The shop's reply, if any.")
    def merchant_reply(self) -> MerchantReply | None:
        if not self.row.reply_body or self.row.reply_at is None:
            return None
        return MerchantReply(body=self.row.reply_body, replied_at=self.row.reply_at)

    @strawberry.field(description="Whether the signed-in member wrote it (may edit or delete).")
    def is_mine(self, info: Info) -> bool:
        return self.row.author_id == access.viewer_id(info)

    @strawberry.field(
        description="The signed-in member's vote: true helpful, false not helpful, null none."
    )
    async def my_vote(self, info: Info) -> bool | None:
        who = access.viewer_id(info)
        if who is None:
            return None
        return await info.context.loaders.community_reviews.review_votes(who).load(self.row.id)

    @strawberry.field(
        description="Why a moderator rejected or hid it; only its author and moderators see it."
    )
    def moderation_reason(self, info: Info) -> ModerationReason | None:  # type: ignore[valid-type]
        if not self.row.removal_reason or not access.sees_moderation(info, self.row):
            return None
        return mm.ModerationReason(self.row.removal_reason)

    @strawberry.field(
        description="Earlier versions, oldest first; only its author and moderators see them "
        "(empty for anyone else)."
    )
    async def edit_history(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> ReviewVersionConnection:
        page = await access.edit_history(info, self.row, first=first, after=after)
        return ReviewVersionConnection.from_page(page, ReviewVersion.of)

    @strawberry.field(description="The product reviewed.")
    async def product(self, info: Info) -> ProductType | None:
        (found,) = await ProductType.resolve_nodes(info=info, node_ids=[str(self.row.product_id)])
        return found


@strawberry.type(description="A page of reviews.")
class ReviewConnection(CountedConnection[ReviewType]):
    pass
