"""Cancelling orders and refunding them, in full or in part (also used by after-sales).

Each operation changes the order and records its refunds and voids as intents in one
transaction, then asks the provider after commit (see `settlement`): a failure of a later
step can no longer roll back the record of money that has already gone.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation

from models.orders import Order, OrderStatus, Refund, RefundStatus
from services.errors import DomainErrors
from services.flows import refund_points
from services.orders import coupons, lifecycle, payments, settlement
from services.orders.errors import OrderErrorCode, error
from services.orders.fulfilment import locked_order, restock
from services.orders.lifecycle import Actor
from services.transactions import transaction

C = OrderErrorCode


def _amount(value: Decimal) -> Decimal:
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError):
        raise error(C.REFUND_INVALID, "The amount must be a number.", field="amount") from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise error(
            C.REFUND_INVALID, "The amount must be above 0 with at most 2 decimals.", field="amount"
        )
    return amount


async def _settle(refunds: list[Refund]) -> None:
    problems = await settlement.carry_out(refunds=refunds, voids=[])
    if problems:
        raise DomainErrors(problems)


async def refund_order(
    *,
    order_id: int,
    amount: Decimal,
    reason: str,
    actor: Actor,
    idempotency_key: str | None = None,
    lines: Mapping[int, int] | None = None,
) -> Order:
    """Give back `amount` of what was captured; the order becomes REFUNDED or PARTIALLY_REFUNDED.

    `lines` (order line id -> quantity) are the returned lines the money pays for (an
    after-sales return): recorded on the refund and carried by `order.refunded`, so
    membership takes back exactly what they earned. Without them (goodwill), by money share.

    The refund is recorded (PENDING) under the order's row lock, so concurrent refunds cannot
    exceed what was captured, and the provider is called after commit. Sending the same
    `idempotency_key` again refunds nothing more (it finishes the first request if that was
    interrupted).
    """
    amount = _amount(amount)
    key = idempotency_key or uuid.uuid4().hex
    async with transaction():
        order = await locked_order(order_id)
        earlier = list(
            await Refund.filter(payment__order_id=order.id, idempotency_key__startswith=f"{key}:")
        )
        if idempotency_key and earlier:
            planned = [r for r in earlier if r.status == RefundStatus.PENDING]
        else:
            if order.status not in lifecycle.REFUNDABLE:
                raise error(
                    C.TRANSITION_NOT_ALLOWED,
                    f"Order {order.number} is {order.status}: only paid orders can be refunded.",
                    field="orderId",
                )
            state = await settlement.money(order.id)
            if amount > state.refundable:
                raise error(
                    C.REFUND_EXCEEDS_CAPTURED,
                    f"At most {state.refundable:.2f} can still be refunded.",
                    field="amount",
                )
            lines = _lines(order, lines)
            pay = amount - await _withhold(order, state, amount, key, lines)
            planned = (
                await settlement.plan_refunds(
                    order=order, amount=pay, reason=reason, key=key, lines=lines
                )
                if pay > 0
                else []
            )
            if not planned:  # all of it kept back: no provider to wait for
                await refund_points.settle(order_id=order.id, key=key, succeeded=True)
    await _settle(planned)
    return await Order.get(id=order_id)


def _lines(order: Order, lines: Mapping[int, int] | None) -> dict[int, int] | None:
    if not lines:
        return None
    if any(int(n) <= 0 for n in lines.values()):
        raise error(C.REFUND_INVALID, "Returned quantities must be above 0.", field="lines")
    return {int(line): int(n) for line, n in lines.items()}


async def _withhold(
    order: Order,
    state: settlement.Money,
    amount: Decimal,
    key: str,
    lines: Mapping[int, int] | None = None,
) -> Decimal:
    """What the refund keeps back for earned points already spent (membership's
    REDUCE_REFUND policy), noted on the order's timeline; under its row lock. Kept if the
    refund goes through, undone if the provider refuses it (`settlement._settle_points`).
    A refund of returned lines withholds for what those lines earned (with the lines of the
    order's earlier and pending returns: the targets are cumulative)."""
    returned = (
        await settlement.returned_so_far(
            order.id, [RefundStatus.SUCCEEDED, RefundStatus.PENDING], plus=lines
        )
        if lines
        else None
    )
    withheld = await refund_points.withhold(
        user_id=order.user_id,
        order_id=order.id,
        order_value=Decimal(order.total) + Decimal(order.points_discount),
        captured=state.captured,
        refunded=state.refunded + state.pending,
        amount=amount,
        key=key,
        currency=order.currency,
        returned=returned,
    )
    if withheld > 0:
        await lifecycle.record_event(
            order,
            "points_withheld",
            f"{withheld:.2f} {order.currency} of the {amount:.2f} refund kept back: points "
            "this order earned were already spent",
            data={"amount": str(amount), "withheld": str(withheld)},
        )
    return withheld


async def cancel_order(
    *,
    order_id: int,
    actor: Actor,
    reason: str = "",
    kind: str | None = None,
    message: str | None = None,
    expired_before: datetime | None = None,
) -> Order:
    """Cancel an order that has not shipped: refund what was paid, void what was only
    authorized, restock, free its coupons.

    The one cancellation path: customers, staff and the reservation sweeper (which passes
    `expired_before`, so an order paid or extended meanwhile is left alone) all come here.
    """
    async with transaction():
        order = await locked_order(order_id)
        if expired_before is not None and not (
            order.status == OrderStatus.UNPAID
            and order.reserved_until is not None
            and order.reserved_until < expired_before
        ):
            raise error(
                C.TRANSITION_NOT_ALLOWED, f"Order {order.number} is no longer awaiting payment."
            )
        if order.status not in lifecycle.CANCELLABLE:
            raise error(
                C.CANCEL_NOT_ALLOWED,
                f"Order {order.number} is {order.status} and can no longer be cancelled"
                + ("; ask for a return instead." if order.status != OrderStatus.CANCELLED else "."),
                field="orderId",
            )
        if await payments.charge_in_flight(order.id, now=expired_before):
            raise error(
                C.PAYMENT_IN_PROGRESS,
                f"A payment of order {order.number} is under way; try again in a moment.",
                field="orderId",
            )
        state = await settlement.money(order.id)
        refundable = state.refundable
        if refundable > 0:
            refundable -= await _withhold(order, state, refundable, f"cancel-{order.id}")
        planned = (
            await settlement.plan_refunds(
                order=order, amount=refundable, reason="Order cancelled", key=f"cancel-{order.id}"
            )
            if refundable > 0
            else []
        )
        if not planned:
            await refund_points.settle(order_id=order.id, key=f"cancel-{order.id}", succeeded=True)
        voids = await settlement.plan_voids(order=order)
        text = message or "Cancelled" + (f": {reason}" if reason else ".")
        if refundable > 0:
            text += f" Refunding {refundable:.2f} {order.currency}."
        await lifecycle.transition(
            order,
            OrderStatus.CANCELLED,
            actor=actor,
            kind=kind,
            message=text,
            data={"reason": reason, "refunded": str(refundable)},
            changes={"reserved_until": None},
        )
        await restock(order_id=order.id)
        await coupons.release(order_id=order.id)
    # The order is cancelled whatever the provider answers; a refused refund is on its
    # timeline (refund_failed) and a refund without an answer is finished by recovery.
    await settlement.carry_out(refunds=planned, voids=voids)
    return await Order.get(id=order_id)
