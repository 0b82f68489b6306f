"""Shoppers' feedback on feeds: "not interested" hides a product and pushes its kind down."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError

from models.catalog import Product
from models.feed import FeedbackKind, FeedFeedback
from services.accounts.guests import shopper_identity
from services.catalog.visibility import public_products
from services.errors import DomainError
from services.feed import cache as feed_cache
from services.feed.errors import FeedErrorCode


async def mark_not_interested(
    *, product_id: int, user_id: int | None, anonymous_id: str | None
) -> Product:
    """Hide `product_id` from this shopper's feeds (idempotent); their cached feeds are dropped."""
    anonymous_id = shopper_identity(user_id=user_id, anonymous_id=anonymous_id)
    product = await public_products().get_or_none(id=product_id)
    if product is None:
        raise DomainError(FeedErrorCode.INVALID_PRODUCT, "No such product.", field="product_id")
    owner = {"user_id": user_id} if user_id is not None else {"anonymous_id": anonymous_id}
    kind = FeedbackKind.NOT_INTERESTED
    if not await FeedFeedback.exists(product_id=product_id, kind=kind, **owner):
        try:
            await FeedFeedback.create(product_id=product_id, kind=kind, **owner)
        except IntegrityError:
            pass  # a concurrent identical mark won the race: the outcome is the same
    await feed_cache.invalidate(user_id=user_id, anonymous_id=anonymous_id, exclusions=True)
    return product
