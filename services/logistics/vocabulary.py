"""The normalized status vocabulary and how each aggregator's statuses map onto it.

References: AfterShip `tag`/`subtag`, EasyPost tracker `status`, 17TRACK `status` (v2.2
push) and Shopify's FulfillmentEventStatus. README, "Logistics", shows the same table.
"""

from __future__ import annotations

from models.logistics import ShipmentStatus

S = ShipmentStatus

AFTERSHIP: dict[str, ShipmentStatus] = {
    "Pending": S.PENDING,
    "InfoReceived": S.INFO_RECEIVED,
    "InTransit": S.IN_TRANSIT,
    "OutForDelivery": S.OUT_FOR_DELIVERY,
    "AttemptFail": S.ATTEMPTED_DELIVERY,
    "AvailableForPickup": S.AVAILABLE_FOR_PICKUP,
    "Delivered": S.DELIVERED,
    "Exception": S.EXCEPTION,
    "Expired": S.EXPIRED,
}
# AfterShip reports a return as an Exception with these subtags: Exception_010 "Returning to
# sender", Exception_011 "Returned to sender" (AfterShip's "Delivery Sub-statuses" list;
# Exception_012 there is "Shipment damage", which is not a return).
AFTERSHIP_RETURN_SUBTAGS = frozenset({"Exception_010", "Exception_011"})

EASYPOST: dict[str, ShipmentStatus] = {
    "unknown": S.PENDING,
    "pre_transit": S.INFO_RECEIVED,
    "in_transit": S.IN_TRANSIT,
    "out_for_delivery": S.OUT_FOR_DELIVERY,
    "available_for_pickup": S.AVAILABLE_FOR_PICKUP,
    "delivered": S.DELIVERED,
    "return_to_sender": S.RETURNING_TO_SENDER,
    "failure": S.EXCEPTION,
    "error": S.EXCEPTION,
    "cancelled": S.EXCEPTION,
}
# EasyPost has no "attempted" status; its status_detail says so.
EASYPOST_ATTEMPT_DETAILS = frozenset({"delivery_attempted", "arrived_at_pickup_location"})

TRACK17: dict[str, ShipmentStatus] = {
    "NotFound": S.PENDING,
    "InfoReceived": S.INFO_RECEIVED,
    "InTransit": S.IN_TRANSIT,
    "OutForDelivery": S.OUT_FOR_DELIVERY,
    "DeliveryFailure": S.ATTEMPTED_DELIVERY,
    "AvailableForPickup": S.AVAILABLE_FOR_PICKUP,
    "Delivered": S.DELIVERED,
    "Exception": S.EXCEPTION,
    "Expired": S.EXPIRED,
}
TRACK17_RETURN_SUB_STATUSES = frozenset({"Exception_Returning", "Exception_Returned"})

SHOPIFY: dict[str, ShipmentStatus] = {
    "LABEL_PRINTED": S.INFO_RECEIVED,
    "LABEL_PURCHASED": S.INFO_RECEIVED,
    "CONFIRMED": S.INFO_RECEIVED,
    "READY_FOR_PICKUP": S.AVAILABLE_FOR_PICKUP,
    "PICKED_UP": S.IN_TRANSIT,
    "IN_TRANSIT": S.IN_TRANSIT,
    "CARRIER_PICKED_UP": S.IN_TRANSIT,
    "OUT_FOR_DELIVERY": S.OUT_FOR_DELIVERY,
    "ATTEMPTED_DELIVERY": S.ATTEMPTED_DELIVERY,
    "DELAYED": S.EXCEPTION,
    "FAILURE": S.EXCEPTION,
    "DELIVERED": S.DELIVERED,
}


def native(value: str) -> ShipmentStatus | None:
    """Our own status from its name in any case (`IN_TRANSIT`, `in_transit`); None if unknown."""
    try:
        return ShipmentStatus(value.strip().lower())
    except ValueError:
        return None


def mapping_rows() -> list[tuple[str, str, str, str, str]]:
    """(ours, AfterShip, EasyPost, 17TRACK, Shopify) for the README table."""

    def names(table: dict[str, ShipmentStatus], status: ShipmentStatus) -> str:
        return ", ".join(k for k, v in table.items() if v == status) or "-"

    return [
        (s.value, names(AFTERSHIP, s), names(EASYPOST, s), names(TRACK17, s), names(SHOPIFY, s))
        for s in ShipmentStatus
        if s != S.CANCELLED
    ]


# Sub-statuses by which carriers and aggregators report a parcel lost, compared without case:
# - AfterShip subtag Exception_013, "Shipment lost" in AfterShip's "Delivery Sub-statuses"
#   list (checked against its documentation);
# - 17TRACK sub_status Exception_Lost, one of its 30 documented sub-statuses ("Package lost";
#   checked against its status list and public clients; the fixture shows only returns);
# - "lost" for our native format (ours to define). EasyPost's `status_detail` may also say
#   "lost": an assumption, not checked against EasyPost's list of details.
LOST_SUB_STATUSES = frozenset({"exception_013", "exception_lost", "lost"})


def is_lost(sub_status: str | None) -> bool:
    """True if a shipment's sub-status says the carrier lost the parcel."""
    return (sub_status or "").strip().lower() in LOST_SUB_STATUSES
