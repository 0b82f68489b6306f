"""Logistics models: carriers, shipments with their lines, the tracking timeline, carriers'
delivery estimates, and pushed events that matched no shipment yet."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from models.orders import Order, OrderLine


class ShipmentStatus(StrEnum):
    """The normalized tracking vocabulary (README, "Logistics", maps every carrier's onto it)."""

    PENDING = "pending"
    INFO_RECEIVED = "info_received"
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    ATTEMPTED_DELIVERY = "attempted_delivery"
    AVAILABLE_FOR_PICKUP = "available_for_pickup"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    RETURNING_TO_SENDER = "returning_to_sender"
    EXPIRED = "expired"
    # Staff cancelled the shipment before it left; no carrier reports this.
    CANCELLED = "cancelled"


class ShipmentPurpose(StrEnum):
    """What a parcel is for: the order's own delivery, or an after-sales parcel that does not
    count towards the order's shipped units (a return coming back, a repaired toy going out)."""

    ORDER = "order"
    RETURN = "return"
    REPAIR = "repair"


class PushFormat(StrEnum):
    """How a carrier's pushes are shaped and signed (services/logistics/adapters)."""

    NATIVE = "native"
    AFTERSHIP = "aftership"
    EASYPOST = "easypost"
    TRACK17 = "17track"


class Carrier(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=120)
    # `{number}` is replaced by the tracking number.
    tracking_url_template = fields.CharField(max_length=500, default="")
    push_format = fields.CharEnumField(PushFormat, max_length=16, default=PushFormat.NATIVE)
    # Pushes are verified with it; empty refuses every push (nobody can sign one).
    signing_secret = fields.CharField(max_length=200, default="")
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "carrier"


class Shipment(Model):
    """One parcel of an order, with its lines, carrier, tracking and delivery promise.

    The tracking number is scoped by (carrier, number, ship date): carriers reuse numbers,
    and a reused one starts a new shipment.
    """

    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "shopgraph.Order", related_name="shipments", on_delete=fields.CASCADE
    )
    carrier: fields.ForeignKeyRelation[Carrier] = fields.ForeignKeyField(
        "shopgraph.Carrier", related_name="shipments", on_delete=fields.RESTRICT
    )
    purpose = fields.CharEnumField(
        ShipmentPurpose,
        max_length=8,
        default=ShipmentPurpose.ORDER,
        db_default=ShipmentPurpose.ORDER,
    )
    service_level = fields.CharField(max_length=60, default="")
    tracking_number = fields.CharField(max_length=64, null=True)
    tracking_url = fields.CharField(max_length=600, default="")
    label_url = fields.CharField(max_length=600, default="")
    weight_grams = fields.IntField(null=True)
    ship_date = fields.DateField()
    status = fields.CharEnumField(ShipmentStatus, max_length=24, default=ShipmentStatus.PENDING)
    sub_status = fields.CharField(max_length=60, default="")
    # The furthest ordinary progress reached (services/logistics/rules.py): exceptional
    # states never lower it, so recovery from an exception cannot move a parcel back.
    progress = fields.SmallIntField(default=0)
    status_at = fields.DatetimeField(null=True)
    shipped_at = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)
    promised_from = fields.DateField(null=True)
    promised_to = fields.DateField(null=True)
    estimated_delivery = fields.DateField(null=True)
    late_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    order_id: int
    carrier_id: int
    lines: fields.ReverseRelation[ShipmentLine]
    tracking_events: fields.ReverseRelation[TrackingEvent]

    class Meta:
        table = "shipment"
        unique_together = (("carrier", "tracking_number", "ship_date"),)
        indexes = [
            Index(fields=("order_id",)),
            Index(fields=("status", "id")),
            Index(fields=("carrier_id", "tracking_number")),
            Index(fields=("promised_to", "late_at")),
        ]


class ShipmentLine(Model):
    id = fields.IntField(primary_key=True)
    shipment: fields.ForeignKeyRelation[Shipment] = fields.ForeignKeyField(
        "shopgraph.Shipment", related_name="lines", on_delete=fields.CASCADE
    )
    order_line: fields.ForeignKeyRelation[OrderLine] = fields.ForeignKeyField(
        "shopgraph.OrderLine", related_name="shipment_lines", on_delete=fields.CASCADE
    )
    quantity = fields.IntField()

    shipment_id: int
    order_line_id: int

    class Meta:
        table = "shipment_line"
        unique_together = (("shipment", "order_line"),)
        ordering = ["id"]


class TrackingEvent(Model):
    """One entry of a shipment's timeline, kept even when it could not move the status."""

    id = fields.BigIntField(primary_key=True)
    shipment: fields.ForeignKeyRelation[Shipment] = fields.ForeignKeyField(
        "shopgraph.Shipment", related_name="tracking_events", on_delete=fields.CASCADE
    )
    # sha256 of carrier, tracking number, time and the carrier's code: a duplicate is stored once.
    dedupe_key = fields.CharField(max_length=64)
    status = fields.CharEnumField(ShipmentStatus, max_length=24)
    sub_status = fields.CharField(max_length=60, default="")
    carrier_code = fields.CharField(max_length=60, default="")
    message = fields.CharField(max_length=500, default="")
    city = fields.CharField(max_length=120, default="")
    region = fields.CharField(max_length=120, default="")
    country = fields.CharField(max_length=2, default="")
    postal_code = fields.CharField(max_length=20, default="")
    occurred_at = fields.DatetimeField()
    received_at = fields.DatetimeField()
    source = fields.CharField(max_length=32)
    # False when the event was late or out of order and left the status as it was.
    applied = fields.BooleanField(default=False)

    shipment_id: int

    class Meta:
        table = "tracking_event"
        unique_together = (("shipment", "dedupe_key"),)
        ordering = ["occurred_at", "id"]


class DeliveryEstimate(Model):
    """A carrier's estimated delivery date, recorded each time it changes."""

    id = fields.IntField(primary_key=True)
    shipment: fields.ForeignKeyRelation[Shipment] = fields.ForeignKeyField(
        "shopgraph.Shipment", related_name="estimates", on_delete=fields.CASCADE
    )
    estimated_date = fields.DateField()
    source = fields.CharField(max_length=32)
    recorded_at = fields.DatetimeField()

    shipment_id: int

    class Meta:
        table = "delivery_estimate"
        ordering = ["recorded_at", "id"]


class UnmatchedTracking(Model):
    """A pushed event whose tracking number no shipment carries yet, kept for later matching.

    A label is often printed (and scanned) before the shop records its number.
    """

    id = fields.BigIntField(primary_key=True)
    carrier_code = fields.CharField(max_length=32)
    tracking_number = fields.CharField(max_length=64)
    event: fields.Field[dict[str, Any]] = fields.JSONField()
    received_at = fields.DatetimeField()

    class Meta:
        table = "unmatched_tracking"
        indexes = [
            Index(fields=("carrier_code", "tracking_number")),
            Index(fields=("received_at",)),
        ]
