"""Money going back: refunds and voids as intents recorded before the provider is called.

A refund is a PENDING row (with its idempotency key) committed together with the order
change that asks for it; the provider is called after commit, outside any transaction, and
the answer is recorded in a second transaction. A void marks the payment VOIDING the same
way. If the process stops in between, `services.orders.recovery` finishes the intent later
with the same key, so the provider moves the money once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from tortoise.expressions import F

from models.orders import Order, OrderStatus, Payment, PaymentStatus, Refund, RefundStatus
from services.errors import DomainError
from services.flows import refund_points
from services.orders import emission, lifecycle
from services.orders.errors import OrderErrorCode, error
from services.orders.fulfilment import locked_order
from services.orders.providers import ProviderResult, get_provider
from services.transactions import transaction

ZERO = Decimal("0.00")
C = OrderErrorCode
logger = logging.getLogger("shopgraph.orders.settlement")


@dataclass(frozen=True)
class Money:
    """What an order's payments took, gave back, and are giving back right now."""

    captured: Decimal
    refunded: Decimal
    pending: Decimal

    @property
    def refundable(self) -> Decimal:
        return self.captured - self.refunded - self.pending


async def money(order_id: int) -> Money:
    captured = refunded = ZERO
    for row in await Payment.filter(order_id=order_id).values("captured_amount", "refunded_amount"):
        captured += Decimal(row["captured_amount"])
        refunded += Decimal(row["refunded_amount"])
    pending = sum(
        (
            Decimal(amount)
            for amount in await Refund.filter(
                payment__order_id=order_id, status=RefundStatus.PENDING
            ).values_list("amount", flat=True)
        ),
        ZERO,
    )
    return Money(captured, refunded, pending)


async def plan_refunds(
    *,
    order: Order,
    amount: Decimal,
    reason: str,
    key: str,
    lines: Mapping[int, int] | None = None,
) -> list[Refund]:
    """Record PENDING refunds of `amount` across the order's captured payments, newest first;
    `lines` (order line id -> quantity) are the returned lines the refund pays for.

    Call inside the transaction that holds the order's row lock, so that concurrent refunds
    see each other's pending amounts and cannot together exceed what was captured.
    """
    planned: list[Refund] = []
    remaining = amount
    payments = await Payment.filter(
        order_id=order.id,
        status__in=[PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED],
        provider_reference__isnull=False,
    ).order_by("-id")
    for payment in payments:
        if remaining <= 0:
            break
        pending = sum(
            (
                Decimal(a)
                for a in await Refund.filter(
                    payment_id=payment.id, status=RefundStatus.PENDING
                ).values_list("amount", flat=True)
            ),
            ZERO,
        )
        available = Decimal(payment.captured_amount) - Decimal(payment.refunded_amount) - pending
        share = min(available, remaining)
        if share <= 0:
            continue
        planned.append(
            await Refund.create(
                payment_id=payment.id,
                amount=share,
                reason=reason[:300],
                idempotency_key=f"{key}:{payment.id}",
                status=RefundStatus.PENDING,
                returned_lines=[[line, n] for line, n in sorted(lines.items())] if lines else None,
            )
        )
        remaining -= share
    if remaining > 0:
        raise error(
            C.REFUND_EXCEEDS_CAPTURED, "Not enough was captured to refund that.", field="amount"
        )
    return planned


async def returned_so_far(
    order_id: int, statuses: Iterable[RefundStatus], plus: Mapping[int, int] | None = None
) -> dict[int, int]:
    """Quantities per order line that the order's refund requests in `statuses` returned
    (each request once, however many payments it was split across), plus `plus`."""
    total: dict[int, int] = dict(plus or {})
    seen: set[str] = set()
    rows = await Refund.filter(payment__order_id=order_id, status__in=list(statuses)).order_by("id")
    for refund in rows:
        if not refund.returned_lines or request_key(refund) in seen:
            continue
        seen.add(request_key(refund))
        for line_id, quantity in refund.returned_lines:
            total[int(line_id)] = total.get(int(line_id), 0) + int(quantity)
    return total


async def plan_voids(*, order: Order) -> list[Payment]:
    """Mark the order's authorized-but-uncaptured payments VOIDING (inside its transaction)."""
    voids = list(await Payment.filter(order_id=order.id, status=PaymentStatus.AUTHORIZED))
    for payment in voids:
        payment.status = PaymentStatus.VOIDING
        await payment.save(update_fields=["status", "updated_at"])
    return voids


async def _call_refund(refund: Refund, payment: Payment) -> ProviderResult | None:
    """The provider's answer, or None when it is not known (recovery asks again later)."""
    try:
        return await get_provider(payment.provider).refund(
            reference=payment.provider_reference or "",
            amount=Decimal(refund.amount),
            idempotency_key=refund.idempotency_key or f"refund-{refund.id}",
        )
    except Exception as failure:
        logger.warning("refund %s: no answer from %s: %s", refund.id, payment.provider, failure)
        return None


async def _record_refund(refund: Refund, result: ProviderResult) -> DomainError | None:
    async with transaction():
        payment = await Payment.get(id=refund.payment_id)
        order = await locked_order(payment.order_id)
        status = RefundStatus.SUCCEEDED if result.success else RefundStatus.FAILED
        moved = await Refund.filter(id=refund.id, status=RefundStatus.PENDING).update(
            status=status, provider_reference=result.reference
        )
        if not moved:
            return None  # settled meanwhile (e.g. by recovery)
        refund.status = status
        await _settle_points(order, refund, succeeded=result.success)
        if not result.success:
            await lifecycle.record_event(
                order,
                "refund_failed",
                f"Refund of {Decimal(refund.amount):.2f} {order.currency} failed: {result.message}",
                data={"refund_id": refund.id},
            )
            await emission.emit(
                emission.T.ORDER_REFUND_FAILED,
                order,
                amount=Decimal(refund.amount),
                code=(result.error_code or C.PAYMENT_PROVIDER_ERROR).value,
            )
            return error(
                result.error_code or C.PAYMENT_PROVIDER_ERROR, result.message, field="amount"
            )
        amount = Decimal(refund.amount)
        refunded = Decimal(payment.refunded_amount) + amount
        payment.refunded_amount = refunded
        payment.status = (
            PaymentStatus.REFUNDED
            if refunded >= Decimal(payment.captured_amount)
            else PaymentStatus.PARTIALLY_REFUNDED
        )
        await payment.save(update_fields=["refunded_amount", "status", "updated_at"])
        returned = (
            await returned_so_far(order.id, [RefundStatus.SUCCEEDED])
            if refund.returned_lines
            else None
        )
        await _account(order, amount, reason=refund.reason, returned=returned)
    return None


def request_key(refund: Refund) -> str:
    """The key of the refund request a refund row belongs to (rows are "<key>:<payment>")."""
    return (refund.idempotency_key or f"refund-{refund.id}").rsplit(":", 1)[0]


async def _settle_points(order: Order, refund: Refund, *, succeeded: bool) -> None:
    """Keep what the request withheld for spent points once a refund of it went through;
    undo it when refused, unless another refund of the same request already went through."""
    key = request_key(refund)
    if (
        not succeeded
        and await Refund.filter(
            payment__order_id=order.id,
            idempotency_key__startswith=f"{key}:",
            status=RefundStatus.SUCCEEDED,
        ).exists()
    ):
        return
    released = await refund_points.settle(order_id=order.id, key=key, succeeded=succeeded)
    if released > 0:
        await lifecycle.record_event(
            order,
            "points_withholding_released",
            f"The refund was refused: the {released:.2f} {order.currency} kept back for spent "
            "points is no longer kept back, and the points taken back for it are restored",
            data={"released": str(released)},
        )


async def _account(
    order: Order, amount: Decimal, *, reason: str, returned: Mapping[int, int] | None
) -> None:
    """Book a refund that went through on the order (its status too, unless it is cancelled);
    `returned`: the quantities per line the order's returns have refunded so far."""
    state = await money(order.id)
    total = Decimal(order.refunded_total) + amount
    full = state.refunded >= state.captured and state.pending <= 0
    if order.status not in lifecycle.REFUNDABLE:
        await Order.filter(id=order.id).update(refunded_total=F("refunded_total") + amount)
        order.refunded_total = total
        await emission.refunded(order, amount=amount, full=full, returned=returned)
        return
    target = OrderStatus.REFUNDED if full else OrderStatus.PARTIALLY_REFUNDED
    await lifecycle.transition(
        order,
        target,
        actor=lifecycle.SYSTEM,
        kind="refunded" if target == OrderStatus.REFUNDED else "partially_refunded",
        message=f"Refunded {amount:.2f} {order.currency}" + (f": {reason}" if reason else "."),
        data={"amount": str(amount), "reason": reason},
        changes={"refunded_total": total},
    )
    await emission.refunded(order, amount=amount, full=full, returned=returned)


async def finish_refund(refund: Refund) -> DomainError | None:
    """Call the provider for a PENDING refund and record its answer (idempotent)."""
    payment = await Payment.get(id=refund.payment_id)
    result = await _call_refund(refund, payment)
    if result is None:
        return error(
            C.PAYMENT_IN_PROGRESS,
            "The payment provider did not answer; the refund is recorded and will be "
            "completed shortly.",
            field="amount",
        )
    return await _record_refund(refund, result)


async def finish_void(payment: Payment) -> None:
    """Release a VOIDING payment's authorization at the provider and record it (idempotent)."""
    changes: dict[str, object] = {"status": PaymentStatus.VOIDED, "updated_at": datetime.now(UTC)}
    if payment.provider_reference is not None:
        try:
            result = await get_provider(payment.provider).void(
                reference=payment.provider_reference,
                idempotency_key=f"{payment.idempotency_key or f'payment-{payment.id}'}:void",
            )
        except Exception as failure:
            logger.warning("void of payment %s: no answer: %s", payment.id, failure)
            return
        if not result.success:
            logger.error("void of payment %s refused: %s", payment.id, result.message)
            changes.update(
                status=PaymentStatus.FAILED,
                failure_code=(result.error_code or C.PAYMENT_PROVIDER_ERROR).value,
                failure_message=f"Void refused: {result.message}"[:300],
            )
    await Payment.filter(id=payment.id, status=PaymentStatus.VOIDING).update(**changes)


async def carry_out(*, refunds: list[Refund], voids: list[Payment]) -> list[DomainError]:
    """Finish freshly planned intents (after their transaction committed)."""
    problems: list[DomainError] = []
    for refund in refunds:
        problem = await finish_refund(refund)
        if problem is not None:
            problems.append(problem)
    for payment in voids:
        await finish_void(payment)
    return problems
