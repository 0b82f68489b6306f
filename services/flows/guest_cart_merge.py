"""Guest-cart merge: a shopper who signs in (or up) keeps the cart they filled as a guest."""

from __future__ import annotations

import logging

from services.errors import DomainError
from services.orders import cart as cart_service

logger = logging.getLogger("shopgraph.accounts")


async def after_sign_in(*, cart_token: str | None, user_id: int) -> None:
    """Fold the guest cart with `cart_token` into the cart of the user who just signed in."""
    if not cart_token:
        return
    try:
        await cart_service.merge_guest_cart(token=cart_token, user_id=user_id)
    except DomainError as error:
        # A stale or foreign cart token must not stop anyone from signing in.
        logger.info("guest cart not merged for user %s: %s", user_id, error.message)
