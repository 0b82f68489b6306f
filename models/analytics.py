"""Behaviour events: what shoppers do, in a shape the recommender and analytics scan fast."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class EventKind(StrEnum):
    VIEW = "view"
    SEARCH = "search"
    CLICK = "click"
    ADD_TO_CART = "add_to_cart"
    REMOVE_FROM_CART = "remove_from_cart"
    FAVOURITE = "favourite"
    SHARE = "share"
    PURCHASE = "purchase"


class BehaviourEvent(Model):
    """One thing a shopper did (append-only, never updated)."""

    id = fields.BigIntField(primary_key=True)
    user_id = fields.IntField(null=True)
    # Guests are told apart by an anonymous id the client keeps (e.g. its cart token).
    anonymous_id = fields.CharField(max_length=64, null=True)
    kind = fields.CharEnumField(EventKind, max_length=20)
    product_id = fields.IntField(null=True)
    variant_id = fields.IntField(null=True)
    order_id = fields.IntField(null=True)
    quantity = fields.IntField(default=1)
    query = fields.CharField(max_length=200, null=True)
    context: fields.Field[dict[str, str]] = fields.JSONField(default=dict)
    occurred_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "behaviour_event"
        indexes = [
            Index(fields=("user_id", "occurred_at")),
            Index(fields=("anonymous_id", "occurred_at")),
            Index(fields=("product_id", "occurred_at")),
            Index(fields=("occurred_at",)),
        ]
