"""Tracking ingestion: normalized updates matched to shipments, stored once, and allowed to
move a shipment's status only forward (services/logistics/rules.py).

A push is one transaction: its shipments are locked in id order, so two pushes about one
parcel apply one after the other and the duplicate check sees what the other stored.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from models.logistics import (
    Carrier,
    DeliveryEstimate,
    Shipment,
    ShipmentStatus,
    TrackingEvent,
    UnmatchedTracking,
)
from services import clock
from services.logistics import emission, rules
from services.logistics.adapters import TrackingUpdate
from services.logistics.promise import lateness
from services.transactions import transaction

# An event may come a little before the ship date we recorded (the label was scanned first).
MATCH_SLACK = timedelta(days=2)
UNMATCHED_KEPT = timedelta(days=14)


@dataclass
class IngestResult:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    unmatched: int = 0
    moved: int = 0


def dedupe_key(carrier_code: str, update: TrackingUpdate) -> str:
    """Same carrier, tracking number, time and carrier code: the same event."""
    code = update.carrier_code or update.status.value
    raw = f"{carrier_code}|{update.tracking_number}|{update.occurred_at.isoformat()}|{code}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _match(candidates: list[Shipment], update: TrackingUpdate) -> Shipment | None:
    """The newest shipment with this number that existed by the time of the event: a reused
    number's new parcel never takes an older parcel's events, nor the reverse."""
    latest: date = (update.occurred_at + MATCH_SLACK).date()
    for shipment in reversed(candidates):  # ordered by ship date
        if shipment.ship_date <= latest:
            return shipment
    return None


async def ingest(
    *, carrier: Carrier, updates: Sequence[TrackingUpdate], source: str
) -> IngestResult:
    """Store and apply one push's updates; unknown numbers are kept for later matching."""
    result = IngestResult(received=len(updates))
    if not updates:
        return result
    by_code = {carrier.code: carrier}
    slugs = {u.carrier_slug for u in updates if u.carrier_slug and u.carrier_slug not in by_code}
    if slugs:
        for row in await Carrier.filter(code__in=slugs):
            by_code[row.code] = row

    def carrier_of(update: TrackingUpdate) -> Carrier:
        return by_code.get(update.carrier_slug, carrier)

    async with transaction():
        shipments = (
            await Shipment.filter(
                carrier_id__in={carrier_of(u).id for u in updates},
                tracking_number__in={u.tracking_number for u in updates},
                cancelled_at__isnull=True,
            )
            .order_by("id")
            .select_for_update()
        )
        candidates: dict[tuple[int, str], list[Shipment]] = defaultdict(list)
        for shipment in sorted(shipments, key=lambda s: (s.ship_date, s.id)):
            candidates[(shipment.carrier_id, shipment.tracking_number or "")].append(shipment)
        assigned: dict[int, list[TrackingUpdate]] = defaultdict(list)
        unmatched: list[UnmatchedTracking] = []
        now = clock.now()
        for update in updates:
            owner = carrier_of(update)
            found = _match(candidates.get((owner.id, update.tracking_number), []), update)
            if found is None:
                unmatched.append(
                    UnmatchedTracking(
                        carrier_code=owner.code,
                        tracking_number=update.tracking_number,
                        event=_to_json(update),
                        received_at=now,
                    )
                )
            else:
                assigned[found.id].append(update)
        if unmatched:
            await UnmatchedTracking.bulk_create(unmatched)
        result.unmatched = len(unmatched)
        by_id = {s.id: s for s in shipments}
        codes = {c.id: c.code for c in by_code.values()}
        await apply(by_id, assigned, codes, source=source, result=result)
    return result


async def apply(
    shipments: dict[int, Shipment],
    assigned: dict[int, list[TrackingUpdate]],
    carrier_codes: dict[int, str],
    *,
    source: str,
    result: IngestResult,
) -> None:
    """Store the updates of each (locked) shipment once, moving its status by the rules."""
    if not assigned:
        return
    keyed = {
        sid: [(dedupe_key(carrier_codes[shipments[sid].carrier_id], u), u) for u in ups]
        for sid, ups in assigned.items()
    }
    existing = set(
        await TrackingEvent.filter(
            shipment_id__in=list(keyed), dedupe_key__in=[k for ks in keyed.values() for k, _ in ks]
        ).values_list("shipment_id", "dedupe_key")
    )
    now = clock.now()
    rows: list[TrackingEvent] = []
    for sid, pairs in keyed.items():
        shipment = shipments[sid]
        code = carrier_codes[shipment.carrier_id]
        fresh: list[tuple[str, TrackingUpdate]] = []
        for key, update in pairs:
            if (sid, key) in existing:
                result.duplicates += 1
                continue
            existing.add((sid, key))
            fresh.append((key, update))
        fresh.sort(key=lambda pair: pair[1].occurred_at)
        moves: list[TrackingUpdate] = []
        estimate_before = shipment.estimated_delivery
        for key, update in fresh:
            moved = _move(shipment, update)
            if moved:
                moves.append(update)
            if update.estimated_delivery is not None:
                shipment.estimated_delivery = update.estimated_delivery
            rows.append(_row(sid, key, update, source=source, received_at=now, applied=moved))
        result.stored += len(fresh)
        result.moved += len(moves)
        estimate_changed = shipment.estimated_delivery != estimate_before
        if estimate_changed and shipment.estimated_delivery is not None:
            await DeliveryEstimate.create(
                shipment_id=sid,
                estimated_date=shipment.estimated_delivery,
                source=source,
                recorded_at=now,
            )
        if not (moves or estimate_changed):
            continue
        late = lateness(
            promised_to=shipment.promised_to,
            status=ShipmentStatus(shipment.status),
            delivered_at=shipment.delivered_at,
            estimated_delivery=shipment.estimated_delivery,
            today=now.date(),
        )
        newly_late = late is not None and shipment.late_at is None
        if newly_late:
            shipment.late_at = now
        await shipment.save(
            update_fields=[
                "status", "sub_status", "progress", "status_at", "shipped_at", "delivered_at",
                "estimated_delivery", "late_at", "updated_at",
            ]
        )  # fmt: skip
        for move in moves:
            await emission.emit_status(
                shipment, code, move.status, move.sub_status, move.occurred_at
            )
        if estimate_changed and not moves:
            await emission.emit(emission.T.SHIPMENT_UPDATED, shipment, code, reason="estimate")
        if newly_late:
            await emission.emit(emission.T.SHIPMENT_LATE, shipment, code, reason=late)
    if rows:
        await TrackingEvent.bulk_create(rows)


def _move(shipment: Shipment, update: TrackingUpdate) -> bool:
    current = ShipmentStatus(shipment.status)
    if not rules.may_move(
        current=current,
        progress=shipment.progress,
        status_at=shipment.status_at,
        new=update.status,
        occurred_at=update.occurred_at,
    ):
        return False
    shipment.status = update.status
    shipment.sub_status = update.sub_status
    shipment.progress = rules.progress_of(update.status, shipment.progress)
    shipment.status_at = max(update.occurred_at, shipment.status_at or update.occurred_at)
    if shipment.shipped_at is None and shipment.progress >= rules.RANK[ShipmentStatus.IN_TRANSIT]:
        shipment.shipped_at = update.occurred_at
    if update.status == ShipmentStatus.DELIVERED:
        shipment.delivered_at = update.occurred_at
    return True


def _row(
    sid: int, key: str, u: TrackingUpdate, *, source: str, received_at: datetime, applied: bool
) -> TrackingEvent:
    return TrackingEvent(
        shipment_id=sid,
        dedupe_key=key,
        status=u.status,
        sub_status=u.sub_status,
        carrier_code=u.carrier_code,
        message=u.message,
        city=u.city,
        region=u.region,
        country=u.country,
        postal_code=u.postal_code,
        occurred_at=u.occurred_at,
        received_at=received_at,
        source=source,
        applied=applied,
    )


def _to_json(update: TrackingUpdate) -> dict[str, Any]:
    raw = asdict(update)
    raw["status"] = update.status.value
    raw["occurred_at"] = update.occurred_at.isoformat()
    raw["estimated_delivery"] = (
        update.estimated_delivery.isoformat() if update.estimated_delivery else None
    )
    return raw


def _from_json(raw: dict[str, Any]) -> TrackingUpdate:
    values = dict(raw)
    values["status"] = ShipmentStatus(values["status"])
    values["occurred_at"] = datetime.fromisoformat(values["occurred_at"])
    estimate = values.get("estimated_delivery")
    values["estimated_delivery"] = date.fromisoformat(estimate) if estimate else None
    return TrackingUpdate(**values)


async def claim_unmatched(shipment: Shipment, carrier_code: str) -> int:
    """Apply the kept events of the shipment's number (call inside its transaction)."""
    if not shipment.tracking_number:
        return 0
    rows = await UnmatchedTracking.filter(
        carrier_code=carrier_code,
        tracking_number=shipment.tracking_number,
        received_at__gte=clock.now() - UNMATCHED_KEPT,
    )
    updates = [_from_json(row.event) for row in rows]
    mine = [u for u in updates if _match([shipment], u) is shipment]
    if not rows:
        return 0
    result = IngestResult(received=len(mine))
    await apply(
        {shipment.id: shipment},
        {shipment.id: mine} if mine else {},
        {shipment.carrier_id: carrier_code},
        source="unmatched",
        result=result,
    )
    await UnmatchedTracking.filter(
        id__in=[r.id for r in rows if _from_json(r.event) in mine]
    ).delete()
    return result.stored


async def prune_unmatched(*, now: datetime | None = None) -> int:
    """Forget kept events older than the keeping window."""
    cutoff = (now or clock.now()) - UNMATCHED_KEPT
    return await UnmatchedTracking.filter(received_at__lt=cutoff).delete()
