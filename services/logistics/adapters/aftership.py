"""AfterShip's tracking webhook (`event: tracking_update`): one tracking per push, with its
checkpoints; `msg.tag`/`subtag` per checkpoint, `msg.expected_delivery` the estimate."""

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


def _status(tag: str, subtag: str, where: str) -> ShipmentStatus:
    if subtag in vocabulary.AFTERSHIP_RETURN_SUBTAGS:
        return ShipmentStatus.RETURNING_TO_SENDER
    status = vocabulary.AFTERSHIP.get(tag)
    if status is None:
        raise PushInvalid(f"{where}.tag {tag[:40]!r} is not an AfterShip tag")
    return status


def parse(body: Any) -> list[TrackingUpdate]:
    push = obj(body, where="body")
    if push.get("event") != "tracking_update":
        return []  # other AfterShip events carry no tracking
    msg = obj(push.get("msg"), where="msg")
    number = tracking_number(msg.get("tracking_number"), where="msg.tracking_number")
    slug = text(msg.get("slug"), 32, where="msg.slug").lower()
    estimate = optional_date(msg.get("expected_delivery"), where="msg.expected_delivery")
    updates = []
    for index, raw in enumerate(items(msg.get("checkpoints") or [], where="msg.checkpoints")):
        where = f"msg.checkpoints[{index}]"
        point = obj(raw, where=where)
        tag = text(point.get("tag"), 40, where=f"{where}.tag")
        subtag = text(point.get("subtag"), 60, where=f"{where}.subtag")
        updates.append(
            TrackingUpdate(
                tracking_number=number,
                status=_status(tag, subtag, where),
                occurred_at=moment(point.get("checkpoint_time"), where=f"{where}.checkpoint_time"),
                sub_status=subtag,
                carrier_code=text(point.get("raw_tag") or subtag, 60, where=f"{where}.raw_tag"),
                message=text(point.get("message"), 500, where=f"{where}.message"),
                city=text(point.get("city"), 120, where=f"{where}.city"),
                region=text(point.get("state"), 120, where=f"{where}.state"),
                country=country(point.get("country_iso3"), where=f"{where}.country_iso3"),
                postal_code=text(point.get("zip"), 20, where=f"{where}.zip"),
                carrier_slug=slug,
                estimated_delivery=estimate,
            )
        )
    return updates
