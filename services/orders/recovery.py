"""Finishing payment intents that an interrupted process left behind.

A charge, refund or void is recorded before its provider call and settled after it; a crash
or a lost answer in between leaves the intent PENDING (or AUTHORIZED / VOIDING). The sweeper
and `shopgraph release-reservations` call `recover_payments`, which resolves every intent
older than `STALE_AFTER` with the provider, by the intent's idempotency keys, so nothing is
charged or refunded twice.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from models.orders import Order, OrderStatus, Payment, PaymentStatus, Refund, RefundStatus
from services.orders import payments, settlement

STALE_AFTER = payments.STALE_AFTER
logger = logging.getLogger("shopgraph.orders.recovery")


async def recover_payments(
    *, now: datetime | None = None, older_than: timedelta = STALE_AFTER
) -> int:
    """Resolve charges, refunds and voids left unfinished before `now - older_than`."""
    now = now or datetime.now(UTC)
    cutoff = now - older_than
    resolved = 0
    for payment in await Payment.filter(
        status__in=payments.IN_FLIGHT, updated_at__lt=cutoff
    ).order_by("id"):
        if payment.status == PaymentStatus.AUTHORIZED and await Order.exists(
            id=payment.order_id, status=OrderStatus.UNPAID, reserved_until__lt=now
        ):
            continue  # not captured in time: releasing the reservation voids it
        await payments.resume_charge(payment)
        resolved += 1
    for payment in await Payment.filter(
        status=PaymentStatus.VOIDING, updated_at__lt=cutoff
    ).order_by("id"):
        await settlement.finish_void(payment)
        resolved += 1
    for refund in await Refund.filter(status=RefundStatus.PENDING, created_at__lt=cutoff).order_by(
        "id"
    ):
        await settlement.finish_refund(refund)
        resolved += 1
    if resolved:
        logger.info("resolved %d unfinished payment step(s)", resolved)
    return resolved
