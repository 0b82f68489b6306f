"""Driving membership through real orders: place, pay, refund, then let the consumers run."""

from __future__ import annotations

import asyncio

from models.events import DomainEvent
from services.events import consumers

MEMBERSHIP_CONSUMERS = (
    "membership_paid",
    "membership_refunded",
    "membership_cancelled",
    "membership_signup",
    "membership_reviews",
    "membership_answers",
    "membership_referrals",
)


async def settle() -> None:
    """Wait until the relay has sequenced every event, then run the membership consumers
    until they have nothing left (the server's own runner may have done part of it)."""
    for _ in range(500):
        if not await DomainEvent.filter(position__isnull=True).exists():
            break
        await asyncio.sleep(0.02)
    else:
        raise AssertionError("the relay did not sequence the outbox")
    for name in MEMBERSHIP_CONSUMERS:
        consumer = consumers.DURABLE[name]
        while await consumers.run_once(consumer):
            pass
