"""Verified purchases earn community trust: a delivered order counts once for its customer.

Runs as a durable consumer of `order.delivered` (services/flows/reactions.py); idempotent,
since the credit is keyed by the order.
"""

from __future__ import annotations

import base64
from typing import Any

from services.community.moderation import standing
from services.events.records import EventRecord


def _pk(global_id: Any) -> int | None:
    if not global_id:
        return None
    _, _, pk = base64.b64decode(str(global_id)).decode().partition(":")
    return int(pk) if pk.isdigit() else None


async def after_order_delivered(record: EventRecord) -> None:
    user_id = _pk(record.payload.get("customerId"))
    order_id = _pk(record.payload.get("orderId"))
    if user_id is None or order_id is None:
        return  # a guest's order: no community member to credit
    await standing.credit_purchase(user_id=user_id, source=f"order:{order_id}")
