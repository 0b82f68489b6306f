"""Verified purchase: a delivered order line of the product (logistics), else an order paid
at least `verify_paid_days` ago that no shipment tracks."""

from __future__ import annotations

from datetime import timedelta

from models.community.reviews import VerifiedBasis
from services import clock
from services.community.reviews import config
from services.logistics import deliveries


async def basis(*, user_id: int, product_id: int) -> VerifiedBasis | None:
    """Why the user counts as a buyer of the product, or None when they do not (yet)."""
    if await deliveries.delivered_to(user_id=user_id, product_id=product_id):
        return VerifiedBasis.DELIVERED
    paid_before = clock.now() - timedelta(days=config.current().verify_paid_days)
    if await deliveries.paid_untracked_before(
        user_id=user_id, product_id=product_id, paid_before=paid_before
    ):
        return VerifiedBasis.PAID_NO_TRACKING
    return None
