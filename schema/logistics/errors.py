"""The logistics domain's error type and mutation payloads."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

import strawberry

from models.logistics import Shipment
from schema.logistics.types import CarrierType, ShipmentType
from schema.payloads import payload_errors
from services.errors import DomainError, DomainErrors
from services.logistics import errors as logistics_errors

T = TypeVar("T")

LogisticsErrorCode = strawberry.enum(
    logistics_errors.LogisticsErrorCode,
    name="LogisticsErrorCode",
    description="Why a shipment or carrier operation failed. ORDER_NOT_FOUND, "
    "ORDER_NOT_SHIPPABLE (not paid, cancelled, or everything shipped), SHIPMENT_NOT_FOUND, "
    "CARRIER_NOT_FOUND, CARRIER_CODE_TAKEN, CARRIER_CODE_INVALID, LINE_NOT_FOUND (not a line "
    "of this order), LINES_REQUIRED, QUANTITY_INVALID, QUANTITY_EXCEEDS_UNSHIPPED (more "
    "than was ordered minus what already shipped), TRACKING_NUMBER_INVALID, "
    "TRACKING_NUMBER_IN_USE (on a parcel of this carrier still under way), "
    "SHIPMENT_ALREADY_LEFT (it can no longer be cancelled), EVENT_INVALID, BATCH_TOO_LARGE.",
)


@strawberry.type(description="An expected failure of a logistics operation.")
class LogisticsError:
    field: str | None = strawberry.field(description="The input field at fault (camelCase).")
    message: str
    code: LogisticsErrorCode  # type: ignore[valid-type]


def as_errors(problems: DomainError | DomainErrors) -> list[LogisticsError]:
    return payload_errors(problems, LogisticsError, logistics_errors.LogisticsErrorCode)


async def attempt(call: Awaitable[T]) -> tuple[T | None, list[LogisticsError]]:
    try:
        return await call, []
    except (DomainError, DomainErrors) as failure:
        return None, as_errors(failure)


@strawberry.type(description="The shipment after the change, or why it failed.")
class ShipmentPayload:
    shipment: ShipmentType | None
    errors: list[LogisticsError]


@strawberry.type(description="What became of pushed tracking events.")
class TrackingPushPayload:
    received: int
    stored: int = strawberry.field(description="New events stored in timelines.")
    duplicates: int = strawberry.field(description="Events already known, stored once.")
    unmatched: int = strawberry.field(
        description="Events of tracking numbers no shipment carries yet: kept 14 days and "
        "applied when a shipment gets the number."
    )
    moved: int = strawberry.field(description="Events that changed a shipment's status.")
    errors: list[LogisticsError]


@strawberry.type(description="The new carrier and its signing secret (shown only now).")
class CarrierPayload:
    carrier: CarrierType | None
    signing_secret: str | None = strawberry.field(
        description="Give it to the carrier: it signs every push with it. Shown only once."
    )
    errors: list[LogisticsError]


async def shipment_payload(call: Awaitable[Shipment]) -> ShipmentPayload:
    row, errors = await attempt(call)
    return ShipmentPayload(
        shipment=ShipmentType.from_model(row) if row is not None else None, errors=errors
    )
