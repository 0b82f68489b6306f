"""Points from orders and sign-ups: order events become ledger changes and tier reviews.

Handlers run as durable consumers (services/flows/reactions.py) and are idempotent: each
operation has its own ledger key (earning per order, reversals stated as targets), so an
event seen twice changes nothing more.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from models.membership import RuleKind
from services import membership
from services.events.ids import pk_of
from services.events.records import EventRecord


def _pk(global_id: Any) -> int | None:
    """The row id inside a payload's global ID ("Type:pk" in base64); None for none."""
    return pk_of(global_id)


async def after_order_paid(record: EventRecord) -> None:
    """Earn points on the goods of a paid order (not shipping, coupons or points)."""
    payload = record.payload
    user_id, order_id = _pk(payload.get("customerId")), _pk(payload.get("orderId"))
    if user_id is None or order_id is None or "lines" not in payload:
        return  # a guest, or an event from before lines were carried
    lines = payload["lines"]
    amounts = membership.goods_paid(
        [Decimal(line["total"]) for line in lines], Decimal(payload.get("pointsDiscount") or 0)
    )
    paid_at = payload.get("paidAt")
    await membership.earn_for_order(
        user_id=user_id,
        order_id=order_id,
        lines=[
            membership.PaidLine(int(_pk(line["lineId"]) or 0), int(line["quantity"]), amount)
            for line, amount in zip(lines, amounts, strict=True)
        ],
        currency=str(payload.get("currency") or "EUR"),
        paid_at=datetime.fromisoformat(paid_at) if paid_at else record.occurred_at,
    )
    await membership.evaluate_tier(user_id=user_id)


def _extent(payload: dict[str, Any], withheld: Decimal = Decimal(0)) -> membership.Extent:
    """Full; by returned quantities when the refund pays for returned lines (after-sales:
    each lot back exactly as far as its line was returned); else by the share of the order's
    money refunded so far. Spent points come back by the share of money either way."""
    if payload.get("full"):
        return membership.Extent(full=True)
    total = Decimal(payload.get("total") or 0) + Decimal(payload.get("pointsDiscount") or 0)
    refunded = Decimal(payload.get("refundedTotal") or 0) + withheld
    share = refunded / total if total > 0 else Decimal(0)
    returned = payload.get("returnedLines")
    if returned:
        return membership.Extent(
            share=share,
            returned={int(_pk(r["lineId"]) or 0): int(r["quantity"]) for r in returned},
        )
    return membership.Extent(share=share)


async def after_order_refunded(record: EventRecord) -> None:
    """Take back what the refunded lines earned and return the points spent on them.

    What refunds withheld for spent points (REDUCE_REFUND) counts as refunded: those
    refunds reversed their points already, so this finds nothing more to do for them.
    """
    user_id, order_id = _pk(record.payload.get("customerId")), _pk(record.payload.get("orderId"))
    if user_id is None or order_id is None:
        return
    withheld = await membership.withheld_for_order(order_id)
    await membership.reverse_order(
        user_id=user_id,
        order_id=order_id,
        extent=_extent(record.payload, withheld),
        key=record.id,
        currency=str(record.payload.get("currency") or "EUR"),
    )
    await membership.evaluate_tier(user_id=user_id)


async def after_order_cancelled(record: EventRecord) -> None:
    """A cancelled order earns nothing and its spent points come back."""
    user_id, order_id = _pk(record.payload.get("customerId")), _pk(record.payload.get("orderId"))
    if user_id is None or order_id is None:
        return
    await membership.reverse_order(
        user_id=user_id,
        order_id=order_id,
        extent=membership.Extent(full=True),
        key=record.id,
        currency=str(record.payload.get("currency") or "EUR"),
    )
    await membership.evaluate_tier(user_id=user_id)


async def after_customer_registered(record: EventRecord) -> None:
    user_id = _pk(record.payload.get("customerId"))
    if user_id is None:
        return
    await membership.earn_once(
        user_id=user_id, kind=RuleKind.SIGNUP, reference=f"user:{user_id}", reason="Welcome"
    )
