"""Using coupons on an order atomically, and giving the uses back when it is cancelled."""

from __future__ import annotations

from decimal import Decimal

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from models.orders import Coupon, CouponRedemption, FirstOrderClaim, Order
from services.orders.coupons.rules import (
    NEW_CUSTOMERS_ONLY,
    C,
    Customer,
    check_customer_limit,
    has_paid_order,
)
from services.orders.errors import error


async def redeem(
    coupon: Coupon, *, order: Order, customer: Customer, amount: Decimal
) -> CouponRedemption:
    """Use one coupon for `order`, atomically; call inside the order's transaction.

    The conditional increment (`used_count < max_uses`) decides the race for the last use,
    and its row lock serializes concurrent redemptions of the coupon, so the per-customer
    count that follows sees every committed use.
    """
    query = Coupon.filter(id=coupon.id, is_active=True)
    if coupon.max_uses is not None:
        query = query.filter(used_count__lt=coupon.max_uses)
    if await query.update(used_count=F("used_count") + 1) == 0:
        raise error(C.COUPON_USAGE_LIMIT, f"{coupon.code} has been used up.", field="code")
    await check_customer_limit(coupon, customer)
    if coupon.new_customers_only:
        await _claim_first_order(coupon, order=order, customer=customer)
    return await CouponRedemption.create(
        coupon_id=coupon.id,
        order_id=order.id,
        user_id=customer.user_id,
        email=(customer.account_email or customer.email or "").lower() or None,
        amount=amount,
    )


async def _claim_first_order(coupon: Coupon, *, order: Order, customer: Customer) -> None:
    """Take the customer's one first-order coupon use for `order`, or refuse.

    The unique identity rows decide between concurrent first orders of one customer: the
    second insert waits for the first transaction and fails once it commits. An earlier
    order holding the claim counts as the first order even while it is unpaid.
    """
    if await has_paid_order(customer):
        raise error(
            C.COUPON_NEW_CUSTOMERS_ONLY, NEW_CUSTOMERS_ONLY.format(code=coupon.code), field="code"
        )
    for identity in customer.identities:
        try:
            await FirstOrderClaim.create(identity=identity[:300], order_id=order.id)
        except IntegrityError:
            raise error(
                C.COUPON_NEW_CUSTOMERS_ONLY,
                f"{coupon.code} is for a first order only, and another order of yours "
                "already uses a first-order coupon.",
                field="code",
            ) from None


async def release(*, order_id: int) -> int:
    """Give back the coupon uses of a cancelled order; call inside its transaction."""
    redemptions = await CouponRedemption.filter(order_id=order_id)
    for redemption in redemptions:
        await Coupon.filter(id=redemption.coupon_id, used_count__gt=0).update(
            used_count=F("used_count") - 1
        )
    await CouponRedemption.filter(order_id=order_id).delete()
    await FirstOrderClaim.filter(order_id=order_id).delete()
    return len(redemptions)
