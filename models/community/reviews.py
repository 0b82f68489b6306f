"""Reviews of products: the review with its merchant reply, its edit history, helpful votes,
the per-product rating summary (histogram) and the review requests sent after delivery.

The rules that move these rows (one review per customer and product, the aggregate kept
true under concurrent writes) live in services/community/reviews/.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.community.moderation import ContentStatus

if TYPE_CHECKING:
    from models.accounts import User
    from models.catalog import Product


class VerifiedBasis(StrEnum):
    # A delivered shipment (logistics) held an order line of the product.
    DELIVERED = "delivered"
    # Paid that many days ago and no tracking exists for the order.
    PAID_NO_TRACKING = "paid_no_tracking"


class Review(Model):
    id = fields.IntField(primary_key=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "shopgraph.Product", related_name="reviews", on_delete=fields.CASCADE
    )
    # The variant bought, when the reviewer names it (no FK: a deleted variant keeps it).
    variant_id = fields.IntField(null=True)
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="reviews", on_delete=fields.CASCADE
    )
    rating = fields.SmallIntField()
    title = fields.CharField(max_length=150, default="")
    body = fields.TextField(default="")
    photo_urls: fields.Field[list[str]] = fields.JSONField(default=list)
    has_photos = fields.BooleanField(default=False)
    status = fields.CharEnumField(ContentStatus, max_length=16, default=ContentStatus.PUBLISHED)
    # Why moderation rejected or hid it (a ModerationReason value), "" otherwise.
    removal_reason = fields.CharField(max_length=32, default="")
    # Whether the rating counts in the product's summary: true from submission whatever
    # screening said; false only once deleted by its author or removed for a reason of
    # AGGREGATE_EXCLUDING_REASONS.
    in_aggregate = fields.BooleanField(default=True)
    verified = fields.BooleanField(default=False)
    verified_basis = fields.CharEnumField(VerifiedBasis, max_length=20, null=True)
    # A child's age the reviewer chose to show (months at the time of the review).
    child_age_months = fields.SmallIntField(null=True)
    helpful_count = fields.IntField(default=0)
    unhelpful_count = fields.IntField(default=0)
    reply_body = fields.TextField(null=True)
    reply_at = fields.DatetimeField(null=True)
    reply_by_id = fields.IntField(null=True)
    edit_count = fields.IntField(default=0)
    # When it first became visible (review.published is emitted once, then).
    published_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    product_id: int
    author_id: int

    class Meta:
        table = "review"
        unique_together = (("product", "author"),)
        indexes = [
            Index(fields=("product_id", "status", "created_at")),
            Index(fields=("product_id", "status", "helpful_count")),
            Index(fields=("author_id", "created_at")),
        ]


class ReviewEdit(Model):
    """A review as it was before one edit by its author (the history, oldest first)."""

    id = fields.IntField(primary_key=True)
    review: fields.ForeignKeyRelation[Review] = fields.ForeignKeyField(
        "shopgraph.Review", related_name="edits", on_delete=fields.CASCADE
    )
    rating = fields.SmallIntField()
    title = fields.CharField(max_length=150, default="")
    body = fields.TextField(default="")
    photo_urls: fields.Field[list[str]] = fields.JSONField(default=list)
    edited_at = fields.DatetimeField()

    review_id: int

    class Meta:
        table = "review_edit"
        ordering = ["id"]


class ReviewVote(Model):
    """One member's helpful (or unhelpful) vote on a review (changeable, one per member)."""

    id = fields.IntField(primary_key=True)
    review: fields.ForeignKeyRelation[Review] = fields.ForeignKeyField(
        "shopgraph.Review", related_name="votes", on_delete=fields.CASCADE
    )
    user_id = fields.IntField()
    helpful = fields.BooleanField()
    created_at = fields.DatetimeField(auto_now_add=True)

    review_id: int

    class Meta:
        table = "review_vote"
        unique_together = (("review", "user_id"),)
        indexes = [Index(fields=("user_id", "review_id"))]


class RatingSummary(Model):
    """The rating histogram of one product: its row lock orders concurrent review writes."""

    # The product's id (written explicitly, never generated).
    product_id = fields.IntField(primary_key=True)
    count = fields.IntField(default=0)
    total = fields.IntField(default=0)
    stars_1 = fields.IntField(default=0)
    stars_2 = fields.IntField(default=0)
    stars_3 = fields.IntField(default=0)
    stars_4 = fields.IntField(default=0)
    stars_5 = fields.IntField(default=0)

    class Meta:
        table = "rating_summary"


class ReviewRequest(Model):
    """review.requested was emitted for this order and product (once)."""

    id = fields.IntField(primary_key=True)
    order_id = fields.IntField()
    product_id = fields.IntField()
    user_id = fields.IntField()
    requested_at = fields.DatetimeField()

    class Meta:
        table = "review_request"
        unique_together = (("order_id", "product_id"),)
