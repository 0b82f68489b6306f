"""Delivery promises: the date range checkout's delivery option commits to, in business days,
and whether a shipment will miss or has missed it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from models.logistics import ShipmentStatus
from models.orders import DeliveryMethod
from services.logistics.calendar import BusinessCalendar, from_environment

# Orders paid before this time (UTC) on a business day leave the same day.
DISPATCH_CUTOFF = time(14, 0)
# Business days from dispatch to the door: (earliest, latest).
TRANSIT_DAYS: dict[DeliveryMethod, tuple[int, int]] = {
    DeliveryMethod.STANDARD: (1, 3),
    DeliveryMethod.EXPRESS: (1, 1),
    DeliveryMethod.PARCEL_LOCKER: (1, 2),
    DeliveryMethod.STORE_PICKUP: (0, 1),
}


@dataclass(frozen=True)
class DeliveryPromise:
    earliest: date
    latest: date


def dispatch_day(moment: datetime, calendar: BusinessCalendar) -> date:
    day = moment.date()
    if not calendar.is_business_day(day) or moment.time() >= DISPATCH_CUTOFF:
        return calendar.add_business_days(day, 1)
    return day


def promise_for(
    method: DeliveryMethod | str | None,
    *,
    ordered_at: datetime,
    chosen_date: date | None = None,
    calendar: BusinessCalendar | None = None,
) -> DeliveryPromise | None:
    """The range promised for `method` when ordered at `ordered_at`; a date the shopper chose
    is the promise itself. None without a method (nothing was promised)."""
    if chosen_date is not None:
        return DeliveryPromise(chosen_date, chosen_date)
    if method is None:
        return None
    calendar = calendar or from_environment()
    earliest_days, latest_days = TRANSIT_DAYS[DeliveryMethod(method)]
    start = dispatch_day(ordered_at, calendar)
    return DeliveryPromise(
        calendar.add_business_days(start, earliest_days),
        calendar.add_business_days(start, latest_days),
    )


def lateness(
    *,
    promised_to: date | None,
    status: ShipmentStatus,
    delivered_at: datetime | None,
    estimated_delivery: date | None,
    today: date,
) -> str | None:
    """ "missed" or "will_miss" when the promise is broken, None while it holds."""
    if promised_to is None or status == ShipmentStatus.CANCELLED:
        return None
    if delivered_at is not None:
        return "missed" if delivered_at.date() > promised_to else None
    if today > promised_to:
        return "missed"
    if estimated_delivery is not None and estimated_delivery > promised_to:
        return "will_miss"
    return None
