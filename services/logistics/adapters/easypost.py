"""EasyPost's `tracker.updated` event: the Tracker in `result`, its history in
`tracking_details`, the estimate in `est_delivery_date`."""

from __future__ import annotations

from typing import Any

from models.logistics import ShipmentStatus
from services.logistics import vocabulary
from services.logistics.adapters.base import (
    PushInvalid,
    TrackingUpdate,
    country,
    items,
    moment,
    obj,
    optional_date,
    text,
    tracking_number,
)


def _status(status: str, detail: str, where: str) -> ShipmentStatus:
    if detail in vocabulary.EASYPOST_ATTEMPT_DETAILS and status != "available_for_pickup":
        return ShipmentStatus.ATTEMPTED_DELIVERY
    found = vocabulary.EASYPOST.get(status)
    if found is None:
        raise PushInvalid(f"{where}.status {status[:40]!r} is not an EasyPost status")
    return found


def parse(body: Any) -> list[TrackingUpdate]:
    event = obj(body, where="body")
    if event.get("description") not in ("tracker.updated", "tracker.created"):
        return []
    tracker = obj(event.get("result"), where="result")
    number = tracking_number(tracker.get("tracking_code"), where="result.tracking_code")
    slug = text(tracker.get("carrier"), 32, where="result.carrier").lower()
    estimate = optional_date(tracker.get("est_delivery_date"), where="result.est_delivery_date")
    updates = []
    details = items(tracker.get("tracking_details") or [], where="result.tracking_details")
    for index, raw in enumerate(details):
        where = f"result.tracking_details[{index}]"
        detail = obj(raw, where=where)
        status = text(detail.get("status"), 40, where=f"{where}.status")
        sub = text(detail.get("status_detail"), 60, where=f"{where}.status_detail")
        place = obj(detail.get("tracking_location") or {}, where=f"{where}.tracking_location")
        updates.append(
            TrackingUpdate(
                tracking_number=number,
                status=_status(status, sub, where),
                occurred_at=moment(detail.get("datetime"), where=f"{where}.datetime"),
                sub_status=sub,
                carrier_code=text(detail.get("carrier_code") or status, 60, where=where),
                message=text(detail.get("message"), 500, where=f"{where}.message"),
                city=text(place.get("city"), 120, where=f"{where}.city"),
                region=text(place.get("state"), 120, where=f"{where}.state"),
                country=country(place.get("country"), where=f"{where}.country"),
                postal_code=text(place.get("zip"), 20, where=f"{where}.zip"),
                carrier_slug=slug,
                estimated_delivery=estimate,
            )
        )
    return updates
