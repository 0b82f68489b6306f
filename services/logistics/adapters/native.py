"""Our own push format (and the GraphQL push mutation's): `{"events": [...]}`.

Each event: trackingNumber, status (our vocabulary, any case), occurredAt (ISO 8601),
and optionally subStatus, code (the carrier's own), message, location {city, region,
country, postalCode}, carrier (the carrier code when an aggregator relays it) and
estimatedDelivery (a date).
"""

from __future__ import annotations

from typing import Any

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


def parse_event(raw: Any, where: str) -> TrackingUpdate:
    event = obj(raw, where=where)
    status = vocabulary.native(text(event.get("status"), 40, where=f"{where}.status"))
    if status is None:
        raise PushInvalid(f"{where}.status is not a tracking status")
    location = obj(event.get("location") or {}, where=f"{where}.location")
    return TrackingUpdate(
        tracking_number=tracking_number(
            event.get("trackingNumber"), where=f"{where}.trackingNumber"
        ),
        status=status,
        occurred_at=moment(event.get("occurredAt"), where=f"{where}.occurredAt"),
        sub_status=text(event.get("subStatus"), 60, where=f"{where}.subStatus"),
        carrier_code=text(event.get("code"), 60, where=f"{where}.code"),
        message=text(event.get("message"), 500, where=f"{where}.message"),
        city=text(location.get("city"), 120, where=f"{where}.location.city"),
        region=text(location.get("region"), 120, where=f"{where}.location.region"),
        country=country(location.get("country"), where=f"{where}.location.country"),
        postal_code=text(location.get("postalCode"), 20, where=f"{where}.location.postalCode"),
        carrier_slug=text(event.get("carrier"), 32, where=f"{where}.carrier").lower(),
        estimated_delivery=optional_date(
            event.get("estimatedDelivery"), where=f"{where}.estimatedDelivery"
        ),
    )


def parse(body: Any) -> list[TrackingUpdate]:
    events = items(obj(body, where="body").get("events"), where="events")
    return [parse_event(raw, f"events[{index}]") for index, raw in enumerate(events)]
