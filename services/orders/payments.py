"""Charging orders: claim the order, record the intent, call the provider, record the outcome.

No provider call runs inside a database transaction. A charge is first recorded as a PENDING
payment with its own idempotency key, in the same transaction that checks (under the order's
row lock) that the order is unpaid and has no other payment under way: of two concurrent
`orderPay` calls one charges and the other gets PAYMENT_IN_PROGRESS (or ALREADY_PAID). Each
provider answer is recorded in its own short transaction; a payment whose answer never came
stays PENDING or AUTHORIZED, and `resume_charge` (run by the sweeper) finishes it with the
same keys, so the card is never charged twice.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from tortoise.transactions import in_transaction

from models.orders import Order, OrderStatus, Payment, PaymentStatus
from services import clock
from services.errors import DomainError
from services.orders import emission, lifecycle, settlement
from services.orders.errors import OrderErrorCode, error
from services.orders.fulfilment import locked_order
from services.orders.lifecycle import Actor
from services.orders.providers import (
    PaymentProvider,
    ProviderResult,
    ProviderUnavailable,
    SandboxProvider,
    get_provider,
    provider_names,
    register_provider,
)
from services.transactions import transaction

__all__ = [
    "ChargeResult",
    "PaymentProvider",
    "ProviderResult",
    "ProviderUnavailable",
    "SandboxProvider",
    "charge_order",
    "get_provider",
    "provider_names",
    "register_provider",
]

ZERO = Decimal("0.00")
logger = logging.getLogger("shopgraph.orders.payments")
C = OrderErrorCode
# A charge with one of these statuses is under way: the order cannot be paid or cancelled
# again until it is settled.
IN_FLIGHT = (PaymentStatus.PENDING, PaymentStatus.AUTHORIZED)
# Longer than any provider call takes: a step older than this was interrupted, and recovery
# (or, for an authorization, cancellation) may take it over without racing a live call.
STALE_AFTER = timedelta(minutes=2)


@dataclass(frozen=True)
class ChargeResult:
    payment: Payment
    error: DomainError | None = None


def _key(payment: Payment, step: str) -> str:
    return f"{payment.idempotency_key or f'payment-{payment.id}'}:{step}"


async def charge_in_flight(order_id: int, *, now: datetime | None = None) -> bool:
    """True while a charge of this order may still be running.

    An authorization that has waited longer than STALE_AFTER for its capture was
    interrupted: cancelling the order may void it.
    """
    fresh = (now or clock.now()) - STALE_AFTER
    return (
        await Payment.filter(order_id=order_id, status=PaymentStatus.PENDING).exists()
        or await Payment.filter(
            order_id=order_id, status=PaymentStatus.AUTHORIZED, updated_at__gte=fresh
        ).exists()
    )


async def _claim(order: Order) -> Payment:
    """Record the charge intent, if the order may be charged now (one transaction)."""
    async with in_transaction():
        locked = await locked_order(order.id)
        if locked.status == OrderStatus.CANCELLED:
            raise error(C.ORDER_NOT_PAYABLE, f"Order {locked.number} is cancelled.")
        if locked.status != OrderStatus.UNPAID:
            raise error(C.ALREADY_PAID, f"Order {locked.number} is already paid.")
        if locked.reserved_until is not None and locked.reserved_until <= clock.now():
            raise error(
                C.ORDER_NOT_PAYABLE,
                f"The reservation of order {locked.number} has expired; please order again.",
            )
        if await charge_in_flight(locked.id):
            raise error(
                C.PAYMENT_IN_PROGRESS,
                f"A payment of order {locked.number} is already under way; reload the order "
                "in a moment.",
            )
        provider = get_provider(locked.payment_method or "test")
        return await Payment.create(
            order_id=locked.id,
            provider=provider.name,
            amount=locked.total,
            currency=locked.currency,
            status=PaymentStatus.PENDING,
            idempotency_key=uuid.uuid4().hex,
        )


def _unknown(payment: Payment, step: str, failure: Exception) -> ChargeResult:
    logger.warning("payment %s: no answer to %s: %s", payment.id, step, failure)
    return ChargeResult(
        payment,
        error(
            C.PAYMENT_IN_PROGRESS,
            "The payment provider did not answer in time. The payment is recorded and will be "
            "settled within a few minutes, without charging twice: reload the order.",
        ),
    )


async def _move(payment: Payment, expected: PaymentStatus, **changes: object) -> bool:
    """Record a step of the payment unless someone else (recovery, a retry) already did."""
    moved = await Payment.filter(id=payment.id, status=expected).update(
        updated_at=clock.now(), **changes
    )
    if moved:
        for name, value in changes.items():
            setattr(payment, name, value)
    return bool(moved)


async def _fail(
    payment: Payment, order: Order, result: ProviderResult, actor: Actor, *, expected: PaymentStatus
) -> ChargeResult:
    code = result.error_code or C.PAYMENT_PROVIDER_ERROR
    async with transaction():
        if await _move(
            payment,
            expected,
            status=PaymentStatus.FAILED,
            failure_code=code.value,
            failure_message=result.message[:300],
        ):
            await lifecycle.record_event(
                order,
                "payment_failed",
                f"Payment of {Decimal(payment.amount):.2f} failed: {result.message}",
                actor=actor,
                data={"payment_id": payment.id, "code": code.value},
            )
            await emission.emit(
                emission.T.ORDER_PAYMENT_FAILED,
                order,
                paymentId=emission.global_id("Payment", payment.id),
                amount=Decimal(payment.amount),
                code=code.value,
            )
    return ChargeResult(payment, error(code, result.message, field="paymentToken"))


async def _after_authorize(
    payment: Payment, order: Order, authorized: ProviderResult, actor: Actor
) -> ChargeResult:
    if not authorized.success or authorized.reference is None:
        return await _fail(payment, order, authorized, actor, expected=PaymentStatus.PENDING)
    if not await _move(
        payment,
        PaymentStatus.PENDING,
        status=PaymentStatus.AUTHORIZED,
        provider_reference=authorized.reference,
    ):
        return ChargeResult(payment)  # settled by someone else meanwhile
    return await _capture(payment, order, actor)


async def _capture(payment: Payment, order: Order, actor: Actor) -> ChargeResult:
    provider = get_provider(payment.provider)
    reference = payment.provider_reference or ""
    try:
        captured = await provider.capture(
            reference=reference,
            amount=Decimal(payment.amount),
            idempotency_key=_key(payment, "capture"),
        )
        if not captured.success:
            await provider.void(reference=reference, idempotency_key=_key(payment, "void"))
    except Exception as failure:
        return _unknown(payment, "capture", failure)
    if not captured.success:
        return await _fail(payment, order, captured, actor, expected=PaymentStatus.AUTHORIZED)
    return await _settle_capture(payment, order, actor)


async def _settle_capture(payment: Payment, order: Order, actor: Actor) -> ChargeResult:
    async with transaction():
        locked = await locked_order(order.id)
        if not await _move(
            payment,
            PaymentStatus.AUTHORIZED,
            status=PaymentStatus.CAPTURED,
            captured_amount=Decimal(payment.amount),
        ):
            return ChargeResult(payment)
        if locked.status == OrderStatus.UNPAID:
            await lifecycle.transition(
                locked,
                OrderStatus.PAID,
                actor=actor,
                message=f"Paid {Decimal(payment.amount):.2f} {payment.currency} "
                f"({payment.provider}).",
                data={"payment_id": payment.id},
                changes={"paid_at": clock.now(), "reserved_until": None},
            )
            refunds = []
        else:
            # Cancellation waits for charges under way, so this takes a manual change of the
            # order; the money still goes back.
            refunds = await settlement.plan_refunds(
                order=locked,
                amount=Decimal(payment.amount),
                reason="Order no longer payable",
                key=_key(payment, "undo"),
            )
    for name in ("status", "paid_at", "reserved_until", "updated_at"):
        setattr(order, name, getattr(locked, name))
    if refunds:
        await settlement.carry_out(refunds=refunds, voids=[])
        return ChargeResult(
            payment,
            error(
                C.ORDER_NOT_PAYABLE, f"Order {order.number} was cancelled; the charge was refunded."
            ),
        )
    return ChargeResult(payment)


async def charge_order(*, order: Order, token: str, actor: Actor) -> ChargeResult:
    """Authorize and capture an unpaid order's total; on success the order becomes PAID.

    A failed attempt is recorded (payment FAILED, an order event) and returned as an error;
    the order stays UNPAID with its stock reserved, so the customer can retry. While another
    charge of the order is under way the answer is PAYMENT_IN_PROGRESS, once it is paid
    ALREADY_PAID.
    """
    payment = await _claim(order)
    try:
        authorized = await get_provider(payment.provider).authorize(
            token=token,
            amount=Decimal(payment.amount),
            currency=payment.currency,
            idempotency_key=_key(payment, "authorize"),
        )
    except Exception as failure:
        return _unknown(payment, "authorize", failure)
    return await _after_authorize(payment, order, authorized, actor)


async def resume_charge(payment: Payment) -> ChargeResult:
    """Finish a charge whose outcome was never recorded, asking the provider by its keys."""
    order = await Order.get(id=payment.order_id)
    if payment.status == PaymentStatus.PENDING:
        try:
            answer = await get_provider(payment.provider).lookup(
                idempotency_key=_key(payment, "authorize")
            )
        except Exception as failure:
            return _unknown(payment, "lookup", failure)
        if answer is None:
            answer = ProviderResult(
                False,
                error_code=C.PAYMENT_PROVIDER_ERROR,
                message="The payment was interrupted before the provider received it; "
                "nothing was charged.",
            )
        return await _after_authorize(payment, order, answer, lifecycle.SYSTEM)
    if payment.status == PaymentStatus.AUTHORIZED:
        return await _capture(payment, order, lifecycle.SYSTEM)
    return ChargeResult(payment)


async def mark_paid_without_payment(*, order: Order, actor: Actor) -> None:
    """An order whose total is zero (coupons, points) needs no payment to be paid."""
    async with transaction():
        await lifecycle.transition(
            order,
            OrderStatus.PAID,
            actor=actor,
            message="Nothing to pay: the total is 0.00.",
            changes={"paid_at": clock.now(), "reserved_until": None},
        )


async def captured_and_refunded(order_id: int) -> tuple[Decimal, Decimal]:
    """Money taken for an order and money already given back."""
    state = await settlement.money(order_id)
    return state.captured, state.refunded
