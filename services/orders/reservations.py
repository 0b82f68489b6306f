"""Stock held by unpaid orders: releasing reservations that ran out, and the sweeper."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from models.orders import Order, OrderStatus
from services.errors import DomainError
from services.orders import lifecycle, recovery, refunds

# How long an unpaid order keeps its stock before it is cancelled and restocked.
RESERVATION_TTL = timedelta(minutes=30)
# How often the app's background sweeper looks for expired reservations.
SWEEP_INTERVAL_SECONDS = 60.0

logger = logging.getLogger("shopgraph.orders.reservations")


async def release_expired_reservations(*, now: datetime | None = None) -> int:
    """Cancel unpaid orders whose reservation ended before `now`, restocking them.

    Payments left unfinished by an interrupted process are settled first. Each order goes
    through the one cancellation path, so authorized payments are voided as when a customer
    cancels. Returns how many orders were released; one paid meanwhile, or with a payment
    under way, is left alone.
    """
    now = now or datetime.now(UTC)
    await recovery.recover_payments(now=now)
    rows = await Order.filter(status=OrderStatus.UNPAID, reserved_until__lt=now).values("id")
    released = 0
    for order_id in (row["id"] for row in rows):
        try:
            await refunds.cancel_order(
                order_id=order_id,
                actor=lifecycle.SYSTEM,
                kind="reservation_expired",
                message="Not paid in time: the order was cancelled and its stock released.",
                expired_before=now,
            )
        except DomainError:
            continue  # paid, cancelled or being paid meanwhile
        released += 1
    return released


async def sweep_forever(*, interval: float = SWEEP_INTERVAL_SECONDS) -> None:
    """Release expired reservations every `interval` seconds until cancelled."""
    while True:
        await asyncio.sleep(interval)
        try:
            released = await release_expired_reservations()
        except Exception:
            logger.exception("releasing expired reservations failed")
            continue
        if released:
            logger.info("released %d expired order reservation(s)", released)


def reservation_deadline(placed_at: datetime) -> datetime:
    return placed_at + RESERVATION_TTL
