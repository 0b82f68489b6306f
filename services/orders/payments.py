"""Payment providers (authorize, capture, refund, void) and charging/refunding orders.

A provider is anything with the `PaymentProvider` shape; `test` is built in and behaves
like a real card processor in test mode. Its card tokens:

    tok_visa, tok_mastercard    authorize and capture succeed
    tok_declined                CARD_DECLINED
    tok_insufficient_funds      INSUFFICIENT_FUNDS
    tok_processing_error        PAYMENT_PROVIDER_ERROR (the processor failed)
    anything else               PAYMENT_TOKEN_INVALID

Every call carries an idempotency key: repeating a call with the same key returns the first
result and moves no money twice.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Protocol

from tortoise.transactions import in_transaction

from models.orders import Order, OrderStatus, Payment, PaymentStatus, Refund
from services.analytics.events import record_order_purchases
from services.errors import DomainError
from services.orders import lifecycle
from services.orders.codes import OrderErrorCode, error
from services.orders.lifecycle import Actor

ZERO = Decimal("0.00")
logger = logging.getLogger("shopgraph.orders.payments")
C = OrderErrorCode


@dataclass(frozen=True)
class ProviderResult:
    """What a provider answered: success with a reference, or a failure code and message."""

    success: bool
    reference: str | None = None
    amount: Decimal = ZERO
    error_code: OrderErrorCode | None = None
    message: str = ""


class PaymentProvider(Protocol):
    name: str

    async def authorize(
        self, *, token: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> ProviderResult: ...

    async def capture(
        self, *, reference: str, amount: Decimal, idempotency_key: str
    ) -> ProviderResult: ...

    async def refund(
        self, *, reference: str, amount: Decimal, idempotency_key: str
    ) -> ProviderResult: ...

    async def void(self, *, reference: str, idempotency_key: str) -> ProviderResult: ...


@dataclass
class _Authorization:
    amount: Decimal
    captured: Decimal = ZERO
    refunded: Decimal = ZERO
    voided: bool = False


TEST_CARD_OUTCOMES: dict[str, tuple[OrderErrorCode, str] | None] = {
    "tok_visa": None,
    "tok_mastercard": None,
    "tok_declined": (C.CARD_DECLINED, "The card was declined."),
    "tok_insufficient_funds": (C.INSUFFICIENT_FUNDS, "The card has insufficient funds."),
    "tok_processing_error": (
        C.PAYMENT_PROVIDER_ERROR,
        "The payment processor failed; try again in a moment.",
    ),
}


@dataclass
class SandboxProvider:
    """The built-in `test` provider: a card processor in test mode, kept in memory.

    References encode the authorized amount, so refunds still work after a restart.
    """

    name: str = "test"
    _authorizations: dict[str, _Authorization] = field(default_factory=dict)
    _answers: dict[str, ProviderResult] = field(default_factory=dict)

    def _remember(self, key: str, result: ProviderResult) -> ProviderResult:
        self._answers[key] = result
        return result

    def _find(self, reference: str) -> _Authorization | None:
        found = self._authorizations.get(reference)
        if found is None and reference.startswith("test_auth_"):
            try:
                cents = int(reference.rsplit("_", 1)[1])
            except ValueError:
                return None
            # Known from the reference only (e.g. after a restart): assume it was captured.
            found = _Authorization(amount=Decimal(cents) / 100, captured=Decimal(cents) / 100)
            self._authorizations[reference] = found
        return found

    async def authorize(
        self, *, token: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> ProviderResult:
        if idempotency_key in self._answers:
            return self._answers[idempotency_key]
        if token not in TEST_CARD_OUTCOMES:
            return self._remember(
                idempotency_key,
                ProviderResult(
                    False,
                    error_code=C.PAYMENT_TOKEN_INVALID,
                    message="Unknown card token; the test provider accepts tok_visa, "
                    "tok_mastercard, tok_declined, tok_insufficient_funds and "
                    "tok_processing_error.",
                ),
            )
        outcome = TEST_CARD_OUTCOMES[token]
        if outcome is not None:
            return self._remember(
                idempotency_key, ProviderResult(False, error_code=outcome[0], message=outcome[1])
            )
        cents = int(amount * 100)
        reference = f"test_auth_{uuid.uuid4().hex[:16]}_{cents}"
        self._authorizations[reference] = _Authorization(amount=amount)
        return self._remember(idempotency_key, ProviderResult(True, reference, amount))

    async def capture(
        self, *, reference: str, amount: Decimal, idempotency_key: str
    ) -> ProviderResult:
        if idempotency_key in self._answers:
            return self._answers[idempotency_key]
        auth = self._find(reference)
        if auth is None or auth.voided:
            return ProviderResult(
                False, error_code=C.PAYMENT_PROVIDER_ERROR, message="No such authorization."
            )
        if auth.captured + amount > auth.amount:
            return ProviderResult(
                False, error_code=C.PAYMENT_PROVIDER_ERROR, message="Capture exceeds authorization."
            )
        auth.captured += amount
        return self._remember(idempotency_key, ProviderResult(True, reference, amount))

    async def refund(
        self, *, reference: str, amount: Decimal, idempotency_key: str
    ) -> ProviderResult:
        if idempotency_key in self._answers:
            return self._answers[idempotency_key]
        auth = self._find(reference)
        if auth is None:
            return ProviderResult(
                False, error_code=C.PAYMENT_PROVIDER_ERROR, message="No such charge."
            )
        if amount <= 0 or auth.refunded + amount > auth.captured:
            return ProviderResult(
                False,
                error_code=C.REFUND_EXCEEDS_CAPTURED,
                message=f"Only {auth.captured - auth.refunded:.2f} of this charge can be refunded.",
            )
        auth.refunded += amount
        refund_ref = f"test_refund_{uuid.uuid4().hex[:16]}"
        return self._remember(idempotency_key, ProviderResult(True, refund_ref, amount))

    async def void(self, *, reference: str, idempotency_key: str) -> ProviderResult:
        if idempotency_key in self._answers:
            return self._answers[idempotency_key]
        auth = self._find(reference)
        if auth is None or auth.captured > 0:
            return ProviderResult(
                False,
                error_code=C.PAYMENT_PROVIDER_ERROR,
                message="Only uncaptured payments can be voided.",
            )
        auth.voided = True
        return self._remember(idempotency_key, ProviderResult(True, reference, auth.amount))


_providers: dict[str, PaymentProvider] = {"test": SandboxProvider()}


def register_provider(provider: PaymentProvider) -> None:
    """Make a provider selectable by its name (e.g. from an integration's start-up)."""
    _providers[provider.name] = provider


def provider_names() -> list[str]:
    return sorted(_providers)


def get_provider(name: str) -> PaymentProvider:
    provider = _providers.get(name)
    if provider is None:
        raise error(
            C.PAYMENT_METHOD_INVALID,
            f"Unknown payment method {name!r}; choose one of {', '.join(provider_names())}.",
            field="paymentMethod",
        )
    return provider


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ChargeResult:
    payment: Payment
    error: DomainError | None = None


async def _fail(
    payment: Payment, order: Order, result: ProviderResult, actor: Actor
) -> ChargeResult:
    code = result.error_code or C.PAYMENT_PROVIDER_ERROR
    payment.status = PaymentStatus.FAILED
    payment.failure_code = code.value
    payment.failure_message = result.message[:300]
    await payment.save(update_fields=["status", "failure_code", "failure_message", "updated_at"])
    await lifecycle.record_event(
        order,
        "payment_failed",
        f"Payment of {payment.amount:.2f} failed: {result.message}",
        actor=actor,
        data={"payment_id": payment.id, "code": code.value},
    )
    return ChargeResult(payment, error(code, result.message, field="paymentToken"))


async def charge_order(*, order: Order, token: str, actor: Actor) -> ChargeResult:
    """Authorize and capture an unpaid order's total; on success the order becomes PAID.

    A failed attempt is recorded (payment FAILED, an order event) and returned as an error;
    the order stays UNPAID with its stock reserved, so the customer can retry.
    """
    if order.status != OrderStatus.UNPAID:
        raise error(C.ORDER_NOT_PAYABLE, f"Order {order.number} is {order.status}, not unpaid.")
    if order.reserved_until is not None and order.reserved_until <= _now():
        raise error(
            C.ORDER_NOT_PAYABLE,
            f"The reservation of order {order.number} has expired; please order again.",
        )
    provider = get_provider(order.payment_method or "test")
    payment = await Payment.create(
        order_id=order.id,
        provider=provider.name,
        amount=order.total,
        currency=order.currency,
        status=PaymentStatus.PENDING,
    )
    key = f"payment-{payment.id}"
    authorized = await provider.authorize(
        token=token,
        amount=Decimal(order.total),
        currency=order.currency,
        idempotency_key=f"{key}-authorize",
    )
    if not authorized.success or authorized.reference is None:
        return await _fail(payment, order, authorized, actor)
    payment.provider_reference = authorized.reference
    payment.status = PaymentStatus.AUTHORIZED
    await payment.save(update_fields=["provider_reference", "status", "updated_at"])
    captured = await provider.capture(
        reference=authorized.reference,
        amount=Decimal(order.total),
        idempotency_key=f"{key}-capture",
    )
    if not captured.success:
        await provider.void(reference=authorized.reference, idempotency_key=f"{key}-void")
        return await _fail(payment, order, captured, actor)
    try:
        async with in_transaction():
            await lifecycle.transition(
                order,
                OrderStatus.PAID,
                actor=actor,
                message=f"Paid {payment.amount:.2f} {payment.currency} ({provider.name}).",
                data={"payment_id": payment.id},
                changes={"paid_at": _now(), "reserved_until": None},
            )
            payment.status = PaymentStatus.CAPTURED
            payment.captured_amount = Decimal(order.total)
            await payment.save(update_fields=["status", "captured_amount", "updated_at"])
    except DomainError:
        # The order was cancelled (e.g. its reservation expired) while the card was charged.
        await provider.refund(
            reference=authorized.reference,
            amount=Decimal(order.total),
            idempotency_key=f"{key}-undo",
        )
        payment.status = PaymentStatus.REFUNDED
        payment.captured_amount = Decimal(order.total)
        payment.refunded_amount = Decimal(order.total)
        await payment.save(
            update_fields=["status", "captured_amount", "refunded_amount", "updated_at"]
        )
        return ChargeResult(
            payment,
            error(
                C.ORDER_NOT_PAYABLE, f"Order {order.number} was cancelled; the charge was refunded."
            ),
        )
    await record_purchase(order)
    return ChargeResult(payment)


async def mark_paid_without_payment(*, order: Order, actor: Actor) -> None:
    """An order whose total is zero (coupons, points) needs no payment to be paid."""
    await lifecycle.transition(
        order,
        OrderStatus.PAID,
        actor=actor,
        message="Nothing to pay: the total is 0.00.",
        changes={"paid_at": _now(), "reserved_until": None},
    )
    await record_purchase(order)


async def record_purchase(order: Order) -> None:
    """Tell analytics (and so the recommender) what was bought, once the order is paid.

    The order is already paid and committed; a failure here is logged, never the shopper's.
    """
    try:
        await record_order_purchases(order_ids=[order.id])
    except Exception:
        logger.exception("recording the purchase of order %s failed", order.id)


async def refund_payments(
    *, order: Order, amount: Decimal, reason: str, idempotency_key: str
) -> list[Refund]:
    """Refund `amount` across the order's captured payments (newest first).

    Call inside the transaction that holds the order's row lock; the caller has checked
    that `amount` does not exceed what is left to refund.
    """
    refunds: list[Refund] = []
    remaining = amount
    payments = await Payment.filter(
        order_id=order.id,
        status__in=[PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED],
    ).order_by("-id")
    for payment in payments:
        if remaining <= 0:
            break
        available = Decimal(payment.captured_amount) - Decimal(payment.refunded_amount)
        share = min(available, remaining)
        if share <= 0 or payment.provider_reference is None:
            continue
        provider = get_provider(payment.provider)
        result = await provider.refund(
            reference=payment.provider_reference,
            amount=share,
            idempotency_key=f"{idempotency_key}:{payment.id}",
        )
        if not result.success:
            raise error(
                result.error_code or C.PAYMENT_PROVIDER_ERROR, result.message, field="amount"
            )
        refunds.append(
            await Refund.create(
                payment_id=payment.id,
                amount=share,
                provider_reference=result.reference,
                reason=reason[:300],
                idempotency_key=f"{idempotency_key}:{payment.id}",
            )
        )
        payment.refunded_amount = Decimal(payment.refunded_amount) + share
        payment.status = (
            PaymentStatus.REFUNDED
            if payment.refunded_amount >= Decimal(payment.captured_amount)
            else PaymentStatus.PARTIALLY_REFUNDED
        )
        await payment.save(update_fields=["refunded_amount", "status", "updated_at"])
        remaining -= share
    if remaining > 0:
        raise error(
            C.REFUND_EXCEEDS_CAPTURED, "Not enough was captured to refund that.", field="amount"
        )
    return refunds


async def void_authorizations(*, order: Order) -> int:
    """Release authorized-but-uncaptured payments of a cancelled order."""
    voided = 0
    for payment in await Payment.filter(order_id=order.id, status=PaymentStatus.AUTHORIZED):
        if payment.provider_reference:
            provider = get_provider(payment.provider)
            await provider.void(
                reference=payment.provider_reference, idempotency_key=f"payment-{payment.id}-void"
            )
        payment.status = PaymentStatus.VOIDED
        await payment.save(update_fields=["status", "updated_at"])
        voided += 1
    return voided


async def captured_and_refunded(order_id: int) -> tuple[Decimal, Decimal]:
    """Money taken for an order and money already given back."""
    captured = refunded = ZERO
    for payment in await Payment.filter(order_id=order_id).values(
        "captured_amount", "refunded_amount"
    ):
        captured += Decimal(payment["captured_amount"])
        refunded += Decimal(payment["refunded_amount"])
    return captured, refunded
