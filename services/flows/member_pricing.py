"""Membership in checkout: what points take off a cart, spending them with the order, and the
member's perks for pricing. Orders reach membership only through this flow."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

from services import clock, membership
from services.errors import DomainError
from services.membership import Perks, Quote
from services.orders import flash
from services.orders.errors import OrderErrorCode, error


async def quote_points(
    *, user_id: int | None, points: int, amount_due: Decimal, currency: str
) -> Quote:
    """What spending `points` would take off `amount_due` now."""
    return await membership.quote(
        user_id=user_id, points=points, amount_due=amount_due, currency=currency
    )


async def spend_points(*, user_id: int, order_id: int, points: int, amount: Decimal) -> None:
    """Spend the points inside the order's transaction; a shortfall (spent meanwhile by
    another checkout) fails the checkout as POINTS_INVALID and rolls the order back."""
    try:
        await membership.spend_for_order(
            user_id=user_id, order_id=order_id, points=points, amount=amount
        )
    except DomainError as problem:
        raise error(
            OrderErrorCode.POINTS_INVALID,
            f"{problem.message} Change the points to spend and try again.",
            field="pointsToSpend",
        ) from None


async def points_to_earn(
    *, user_id: int | None, line_totals: list[Decimal], points_discount: Decimal
) -> int:
    """What a cart would earn if paid now: its goods after coupons and points."""
    amounts = membership.goods_paid(line_totals, points_discount)
    return await membership.preview_for_goods(user_id=user_id, amounts=amounts)


async def perks(*, user_id: int | None) -> Perks:
    """The member's perks (none for guests)."""
    return await membership.perks_for(user_id)


async def early_flash(*, user_id: int | None) -> timedelta:
    """How long before a flash price starts this shopper sees it (their tier's perk)."""
    if user_id is None:
        return timedelta(0)
    return (await membership.perks_for(user_id)).early_flash


async def flash_offers(
    *,
    early: timedelta,
    variant_ids: Sequence[int] = (),
    product_ids: Sequence[int] = (),
) -> flash.Offers:
    """Flash offers running now, or starting within `early` (see `early_flash`)."""
    return await flash.offers(
        variant_ids=variant_ids, product_ids=product_ids, at=clock.now(), early=early
    )
