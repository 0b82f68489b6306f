"""Cancelling orders and refunding them, in full or in part (also used by after-sales)."""

from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from tortoise.transactions import in_transaction

from models.orders import Order, OrderStatus, Refund
from services.orders import coupons, lifecycle, payments, reservations
from services.orders.codes import OrderErrorCode, error
from services.orders.fulfilment import locked_order
from services.orders.lifecycle import Actor

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


async def refund_order(
    *,
    order_id: int,
    amount: Decimal,
    reason: str,
    actor: Actor,
    idempotency_key: str | None = None,
) -> Order:
    """Give back `amount` of what was captured; the order becomes REFUNDED or PARTIALLY_REFUNDED.

    The order's row is locked for the whole operation, so concurrent refunds cannot exceed
    what was captured. Sending the same `idempotency_key` again refunds nothing more.
    """
    amount = _amount(amount)
    key = idempotency_key or uuid.uuid4().hex
    async with in_transaction():
        order = await locked_order(order_id)
        if (
            idempotency_key
            and await Refund.filter(
                payment__order_id=order.id, idempotency_key__startswith=f"{key}:"
            ).exists()
        ):
            return order
        if order.status not in lifecycle.REFUNDABLE:
            raise error(
                C.TRANSITION_NOT_ALLOWED,
                f"Order {order.number} is {order.status}: only paid orders can be refunded.",
                field="orderId",
            )
        captured, refunded = await payments.captured_and_refunded(order.id)
        if amount > captured - refunded:
            raise error(
                C.REFUND_EXCEEDS_CAPTURED,
                f"At most {captured - refunded:.2f} can still be refunded.",
                field="amount",
            )
        await payments.refund_payments(
            order=order, amount=amount, reason=reason, idempotency_key=key
        )
        total_refunded = refunded + amount
        target = (
            OrderStatus.REFUNDED if total_refunded >= captured else OrderStatus.PARTIALLY_REFUNDED
        )
        return await lifecycle.transition(
            order,
            target,
            actor=actor,
            kind="refunded" if target == OrderStatus.REFUNDED else "partially_refunded",
            message=f"Refunded {amount:.2f} {order.currency}" + (f": {reason}" if reason else "."),
            data={"amount": str(amount), "reason": reason},
            changes={"refunded_total": total_refunded},
        )


async def cancel_order(*, order_id: int, actor: Actor, reason: str = "") -> Order:
    """Cancel an order that has not shipped: refund what was paid, restock, free its coupons."""
    async with in_transaction():
        order = await locked_order(order_id)
        if order.status not in lifecycle.CANCELLABLE:
            raise error(
                C.CANCEL_NOT_ALLOWED,
                f"Order {order.number} is {order.status} and can no longer be cancelled"
                + ("; ask for a return instead." if order.status != OrderStatus.CANCELLED else "."),
                field="orderId",
            )
        captured, refunded = await payments.captured_and_refunded(order.id)
        if captured - refunded > 0:
            await payments.refund_payments(
                order=order,
                amount=captured - refunded,
                reason="Order cancelled",
                idempotency_key=f"cancel-{order.id}",
            )
        await payments.void_authorizations(order=order)
        message = "Cancelled" + (f": {reason}" if reason else ".")
        if captured - refunded > 0:
            message += f" Refunded {captured - refunded:.2f} {order.currency}."
        await lifecycle.transition(
            order,
            OrderStatus.CANCELLED,
            actor=actor,
            message=message,
            data={"reason": reason, "refunded": str(captured - refunded)},
            changes={"refunded_total": captured, "reserved_until": None},
        )
        await reservations.restock(order_id=order.id)
        await coupons.release(order_id=order.id)
        return order
