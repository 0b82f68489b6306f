"""Promises past their date: a shipment still under way after its latest promised day is
late (shipment.late, once), and kept unmatched pushes expire."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from models.logistics import Carrier, Shipment, ShipmentStatus
from services import clock
from services.logistics import emission, rules, tracking
from services.transactions import transaction

logger = logging.getLogger("shopgraph.logistics.lateness")
SWEEP_SECONDS = 600.0
BATCH = 200


async def sweep(*, now: datetime | None = None) -> int:
    """Mark the shipments that missed their promise; how many became late."""
    now = now or clock.now()
    marked = 0
    candidates = (
        await Shipment.filter(
            late_at__isnull=True,
            promised_to__lt=now.date(),
            delivered_at__isnull=True,
            cancelled_at__isnull=True,
        )
        .exclude(status__in=[s.value for s in rules.FINAL])
        .order_by("id")
        .limit(BATCH)
        .values_list("id", flat=True)
    )
    codes = dict(await Carrier.all().values_list("id", "code"))
    for shipment_id in candidates:
        async with transaction():
            row = (
                await Shipment.filter(id=shipment_id, late_at__isnull=True)
                .select_for_update()
                .first()
            )
            if row is None or ShipmentStatus(row.status) in rules.FINAL:
                continue
            row.late_at = now
            await row.save(update_fields=["late_at", "updated_at"])
            await emission.emit(
                emission.T.SHIPMENT_LATE, row, codes.get(row.carrier_id, ""), reason="missed"
            )
            marked += 1
    return marked


async def run_forever(interval: float = SWEEP_SECONDS) -> None:
    while True:
        try:
            late = await sweep()
            pruned = await tracking.prune_unmatched()
            if late or pruned:
                logger.info(
                    "%s shipment(s) became late; %s unmatched push(es) expired", late, pruned
                )
        except Exception:  # the next sweep tries again
            logger.exception("lateness sweep failed")
        await asyncio.sleep(interval)
