"""17TRACK's push (API v2.2, `event: TRACKING_UPDATED`): events per provider under
`data.track_info.tracking.providers[].events`, the estimate in `time_metrics`."""

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


def _status(stage: str, sub: str, where: str) -> ShipmentStatus:
    if sub in vocabulary.TRACK17_RETURN_SUB_STATUSES:
        return ShipmentStatus.RETURNING_TO_SENDER
    found = vocabulary.TRACK17.get(stage)
    if found is None:
        raise PushInvalid(f"{where}.stage {stage[:40]!r} is not a 17TRACK status")
    return found


def parse(body: Any) -> list[TrackingUpdate]:
    push = obj(body, where="body")
    if push.get("event") != "TRACKING_UPDATED":
        return []  # TRACKING_STOPPED and others carry no new events
    data = obj(push.get("data"), where="data")
    number = tracking_number(data.get("number"), where="data.number")
    info = obj(data.get("track_info"), where="data.track_info")
    metrics = obj(info.get("time_metrics") or {}, where="data.track_info.time_metrics")
    eta = obj(metrics.get("estimated_delivery_date") or {}, where="estimated_delivery_date")
    estimate = optional_date(eta.get("to"), where="estimated_delivery_date.to")
    tracking = obj(info.get("tracking") or {}, where="data.track_info.tracking")
    updates: list[TrackingUpdate] = []
    for p_index, raw_provider in enumerate(
        items(tracking.get("providers") or [], where="providers")
    ):
        provider = obj(raw_provider, where=f"providers[{p_index}]")
        for e_index, raw in enumerate(items(provider.get("events") or [], where="events")):
            where = f"providers[{p_index}].events[{e_index}]"
            event = obj(raw, where=where)
            stage = text(event.get("stage"), 40, where=f"{where}.stage")
            sub = text(event.get("sub_status"), 60, where=f"{where}.sub_status")
            address = obj(event.get("address") or {}, where=f"{where}.address")
            updates.append(
                TrackingUpdate(
                    tracking_number=number,
                    status=_status(stage, sub, where),
                    occurred_at=moment(
                        event.get("time_utc") or event.get("time_iso"), where=f"{where}.time_utc"
                    ),
                    sub_status=sub,
                    carrier_code=sub or stage,
                    message=text(event.get("description"), 500, where=f"{where}.description"),
                    city=text(address.get("city"), 120, where=f"{where}.address.city"),
                    region=text(address.get("state"), 120, where=f"{where}.address.state"),
                    country=country(address.get("country"), where=f"{where}.address.country"),
                    postal_code=text(address.get("postal_code"), 20, where=f"{where}.postal_code"),
                    estimated_delivery=estimate,
                )
            )
    if len(updates) > 500:
        raise PushInvalid("the push holds more than 500 events")
    return updates
