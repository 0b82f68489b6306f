"""Shipment types: shipments with their lines and tracking timelines, carriers, promises,
and the reduced view a guest's tracking token shows."""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Self

import strawberry
from strawberry import relay

from models import logistics as m
from models.accounts import ApiScope, Permission
from models.logistics import Carrier, DeliveryEstimate, Shipment, ShipmentPurpose, TrackingEvent
from resolvers.auth import may
from resolvers.context import Info
from resolvers.logistics.access import can_see_shipment
from schema.connections import CountedConnection
from schema.nodes import LoadedNode
from schema.orders.types import OrderLineType, OrderType
from services import clock
from services.logistics import promise
from services.logistics import tokens as tracking_tokens

ShipmentStatus = strawberry.enum(
    m.ShipmentStatus,
    name="ShipmentStatus",
    description="Where a parcel is, in one vocabulary for every carrier (README, "
    '"Logistics", maps AfterShip, EasyPost, 17TRACK and Shopify onto it). Moves only '
    "forward: a late or out-of-order carrier event stays in the timeline but never moves a "
    "DELIVERED parcel back. CANCELLED: staff cancelled it before it left.",
)
ShipmentPurposeEnum = strawberry.enum(
    m.ShipmentPurpose, name="ShipmentPurpose", description="What a parcel is for."
)
PushFormat = strawberry.enum(
    m.PushFormat,
    name="CarrierPushFormat",
    description="The shape and signature scheme of a carrier's pushes to "
    "POST /carriers/<code>/events.",
)


@strawberry.type(name="Carrier", description="A carrier shipments go with.")
class CarrierType:
    code: str
    name: str
    tracking_url_template: str = strawberry.field(
        description="The carrier's tracking page; {number} stands for the tracking number."
    )
    push_format: PushFormat  # type: ignore[valid-type]

    @classmethod
    def from_model(cls, row: Carrier) -> CarrierType:
        return cls(
            code=row.code,
            name=row.name,
            tracking_url_template=row.tracking_url_template,
            push_format=m.PushFormat(row.push_format),
        )


@strawberry.type(description="Where a tracking event happened, as far as the carrier said.")
class TrackingLocation:
    city: str
    region: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2, or empty.")
    postal_code: str


@strawberry.type(description="One entry of a parcel's tracking timeline.")
class TrackingEventType:
    status: ShipmentStatus  # type: ignore[valid-type]
    sub_status: str = strawberry.field(
        description="The carrier's finer status, e.g. InTransit_001."
    )
    carrier_code: str = strawberry.field(description="The carrier's own code for the event.")
    message: str
    location: TrackingLocation
    occurred_at: datetime = strawberry.field(description="When it happened, per the carrier.")
    received_at: datetime = strawberry.field(description="When we heard of it.")
    source: str = strawberry.field(description="push:<carrier>, api, demo or unmatched.")
    applied: bool = strawberry.field(
        description="False when the event came late or out of order and left the status as it was."
    )

    @classmethod
    def from_model(cls, row: TrackingEvent) -> TrackingEventType:
        return cls(
            status=m.ShipmentStatus(row.status),
            sub_status=row.sub_status,
            carrier_code=row.carrier_code,
            message=row.message,
            location=TrackingLocation(
                city=row.city, region=row.region, country=row.country, postal_code=row.postal_code
            ),
            occurred_at=row.occurred_at,
            received_at=row.received_at,
            source=row.source,
            applied=row.applied,
        )


@strawberry.type(description="A carrier's delivery estimate, as it was at one time.")
class DeliveryEstimateType:
    estimated_date: date
    source: str
    recorded_at: datetime

    @classmethod
    def from_model(cls, row: DeliveryEstimate) -> DeliveryEstimateType:
        return cls(
            estimated_date=row.estimated_date, source=row.source, recorded_at=row.recorded_at
        )


@strawberry.type(description="The delivery promise and how it is going.")
class DeliveryPromiseType:
    earliest: date | None = strawberry.field(description="Promised at checkout: not before.")
    latest: date | None = strawberry.field(description="Promised at checkout: at the latest.")
    estimated: date | None = strawberry.field(description="The carrier's latest estimate.")
    delivered_at: datetime | None
    lateness: str | None = strawberry.field(
        description="null while the promise holds; will_miss when the estimate is past it; "
        "missed when the latest date passed (or the parcel came later)."
    )

    @classmethod
    def of(cls, row: Shipment) -> DeliveryPromiseType:
        return cls(
            earliest=row.promised_from,
            latest=row.promised_to,
            estimated=row.estimated_delivery,
            delivered_at=row.delivered_at,
            lateness=promise.lateness(
                promised_to=row.promised_to,
                status=m.ShipmentStatus(row.status),
                delivered_at=row.delivered_at,
                estimated_delivery=row.estimated_delivery,
                today=clock.now().date(),
            ),
        )


@strawberry.type(description="Units of one order line in a shipment.")
class ShipmentLineType:
    quantity: int
    order_line_id: strawberry.Private[int]

    @strawberry.field(description="The order line these units belong to.")
    async def order_line(self, info: Info) -> OrderLineType | None:
        row = await info.context.loaders.orders.order_line_by_id.load(self.order_line_id)
        return OrderLineType.from_model(row) if row is not None else None


@strawberry.type(name="TrackedParcel")
class _Tracked:
    """Fields the full and the guest view share (the row, its carrier, timeline, promise)."""

    row: strawberry.Private[Shipment]

    @strawberry.field
    async def carrier(self, info: Info) -> CarrierType:
        row = await info.context.loaders.logistics.carrier_by_id.load(self.row.carrier_id)
        assert row is not None  # a carrier with shipments cannot be deleted (RESTRICT)
        return CarrierType.from_model(row)

    @strawberry.field
    def status(self) -> ShipmentStatus:  # type: ignore[valid-type]
        return m.ShipmentStatus(self.row.status)

    @strawberry.field(description="The carrier's finer status of the current one.")
    def sub_status(self) -> str:
        return self.row.sub_status

    @strawberry.field
    def tracking_number(self) -> str | None:
        return self.row.tracking_number

    @strawberry.field
    def tracking_url(self) -> str:
        return self.row.tracking_url

    @strawberry.field
    def shipped_at(self) -> datetime | None:
        return self.row.shipped_at

    @strawberry.field
    def delivered_at(self) -> datetime | None:
        return self.row.delivered_at

    @strawberry.field(description="The promise made at checkout, estimates and the outcome.")
    def delivery_promise(self) -> DeliveryPromiseType:
        return DeliveryPromiseType.of(self.row)

    @strawberry.field(description="Every tracking event, oldest first (late ones included).")
    async def timeline(self, info: Info) -> list[TrackingEventType]:
        rows = await info.context.loaders.logistics.events_by_shipment_id.load(self.row.id)
        return [TrackingEventType.from_model(r) for r in rows]


@strawberry.type(name="Shipment", description="One parcel of an order.")
class ShipmentType(_Tracked, LoadedNode):
    loader_group: ClassVar[str] = "logistics"
    loader: ClassVar[str] = "shipment_by_id"
    id: relay.NodeID[int]
    service_level: str
    weight_grams: int | None
    created_at: datetime
    cancelled_at: datetime | None

    @classmethod
    async def visible(cls, info: Info, row: Shipment) -> bool:
        return await can_see_shipment(info, row)

    @classmethod
    def from_model(cls, row: Shipment) -> Self:
        return cls(
            id=row.id,
            service_level=row.service_level,
            weight_grams=row.weight_grams,
            created_at=row.created_at,
            cancelled_at=row.cancelled_at,
            row=row,
        )

    @strawberry.field(
        description="The label to print: for order staff and shipment partners, and for the "
        "customer on a RETURN parcel (they print it)."
    )
    def label_url(self, info: Info) -> str | None:
        if self.row.purpose == ShipmentPurpose.RETURN:
            return self.row.label_url
        return (
            self.row.label_url
            if may(info, Permission.MANAGE_ORDERS, ApiScope.WRITE_SHIPMENTS)
            else None
        )

    @strawberry.field(
        description="ORDER: the order's own delivery; RETURN: after-sales items coming back; "
        "REPAIR: a repaired item going out. Only ORDER parcels count towards the order's "
        "shipped and delivered units."
    )
    def purpose(self) -> ShipmentPurposeEnum:  # type: ignore[valid-type]
        return m.ShipmentPurpose(self.row.purpose)

    @strawberry.field(
        description="A signed token anyone may use with shipmentTracking(token:) to follow this "
        "parcel (for the order confirmation; shows tracking only, no address or name)."
    )
    def tracking_token(self) -> str:
        return tracking_tokens.issue(self.row.id)

    @strawberry.field
    async def order(self, info: Info) -> OrderType | None:
        row = await info.context.loaders.orders.order_by_id.load(self.row.order_id)
        return OrderType.from_model(row) if row is not None else None

    @strawberry.field(description="Which order lines and how many units are in the parcel.")
    async def lines(self, info: Info) -> list[ShipmentLineType]:
        rows = await info.context.loaders.logistics.lines_by_shipment_id.load(self.row.id)
        return [ShipmentLineType(quantity=r.quantity, order_line_id=r.order_line_id) for r in rows]

    @strawberry.field(description="Every delivery estimate the carrier gave, oldest first.")
    async def estimates(self, info: Info) -> list[DeliveryEstimateType]:
        rows = await info.context.loaders.logistics.estimates_by_shipment_id.load(self.row.id)
        return [DeliveryEstimateType.from_model(r) for r in rows]


@strawberry.type(
    description="A parcel as its tracking token shows it: carrier, status, promise and "
    "timeline; nothing about the order, its address or its buyer."
)
class ShipmentTracking(_Tracked):
    @classmethod
    def from_model(cls, row: Shipment) -> ShipmentTracking:
        return cls(row=row)


@strawberry.type(description="A page of shipments, newest first.")
class ShipmentConnection(CountedConnection[ShipmentType]):
    pass
