"""Feed feedback: products a shopper asked not to be shown again."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from models.accounts import User
    from models.catalog import Product


class FeedbackKind(StrEnum):
    NOT_INTERESTED = "not_interested"


class FeedFeedback(Model):
    """One shopper's "not interested" in one product: a signed-in user's, else a guest's."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="feed_feedback", null=True, on_delete=fields.CASCADE
    )
    # A guest's id: the same anonymous id (or cart token) their behaviour events carry.
    anonymous_id = fields.CharField(max_length=64, null=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "shopgraph.Product", related_name="feed_feedback", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(FeedbackKind, max_length=20, default=FeedbackKind.NOT_INTERESTED)
    created_at = fields.DatetimeField(auto_now_add=True)

    user_id: int | None
    product_id: int

    class Meta:
        table = "feed_feedback"
        unique_together = (("user", "product", "kind"), ("anonymous_id", "product", "kind"))


class FeedImpression(Model):
    """One product a feed page showed: to whom, in which section and position, and when."""

    # Written in batches (services/feed/impressions.py) and pruned after the retention; plain
    # ids, not foreign keys, so a batch insert never waits on the referenced rows.

    id = fields.BigIntField(primary_key=True)
    user_id = fields.IntField(null=True)
    anonymous_id = fields.CharField(max_length=64, null=True)
    section = fields.CharField(max_length=20)
    product_id = fields.IntField()
    position = fields.IntField()  # 0-based in the whole section (page offset included)
    model_version = fields.CharField(max_length=64, null=True)
    shown_at = fields.DatetimeField()

    class Meta:
        table = "feed_impression"
        indexes = [Index(fields=("shown_at",)), Index(fields=("product_id", "shown_at"))]
