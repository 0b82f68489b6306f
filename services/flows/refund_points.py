"""A refund meets points already spent: under the REDUCE_REFUND policy, membership takes the
order's points back inside the refund's own transaction (order row locked, then the
member's) and the refund pays that much less; once the payment provider has answered, the
withholding is kept (the refund went through) or undone (it was refused). Orders reach
membership's refunds only through here."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from services import membership


async def withhold(
    *,
    user_id: int | None,
    order_id: int,
    order_value: Decimal,
    captured: Decimal,
    refunded: Decimal,
    amount: Decimal,
    key: str,
    currency: str,
    returned: Mapping[int, int] | None = None,
) -> Decimal:
    """What a refund of `amount` keeps back for points its lines earned and the customer has
    already spent (0 for guests and under NEGATIVE_BALANCE); pending until `settle`.
    `returned`: the order's returned quantities per line including this refund's, when it
    pays for returned lines (else the share of money decides)."""
    if user_id is None:
        return Decimal("0.00")
    return await membership.withhold_for_refund(
        user_id=user_id,
        order_id=order_id,
        order_value=order_value,
        captured=captured,
        refunded=refunded,
        amount=amount,
        key=key,
        currency=currency,
        returned=returned,
    )


async def settle(*, order_id: int, key: str, succeeded: bool) -> Decimal:
    """The order's refund request `key` went through or was refused: keep or undo what it
    withheld. Returns the money no longer withheld (a refused refund's)."""
    return await membership.settle_withholding(order_id=order_id, key=key, succeeded=succeeded)
