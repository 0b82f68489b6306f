"""Logistics mutations: shipments for staff (MANAGE_ORDERS) and partner apps
(WRITE_SHIPMENTS), pushed tracking events, carriers."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import date, datetime

import strawberry
from strawberry import relay

from models import logistics as m
from models.logistics import Carrier
from resolvers.context import Info
from resolvers.logistics import shipments
from schema.logistics.errors import (
    CarrierPayload,
    LogisticsError,
    ShipmentPayload,
    TrackingPushPayload,
    as_errors,
    attempt,
    shipment_payload,
)
from schema.logistics.types import CarrierType, PushFormat, ShipmentStatus
from schema.nodes import optional_typed_pk, typed_pk
from services.logistics.adapters import TrackingUpdate
from services.logistics.adapters.base import PushInvalid, country, moment, text, tracking_number
from services.logistics.errors import LogisticsErrorCode, error
from services.logistics.shipments import LineRequest


@strawberry.input(description="Units of one order line to put in the shipment.")
class ShipmentLineInput:
    order_line_id: relay.GlobalID
    quantity: int


@strawberry.input(description="A new shipment of a paid order.")
class ShipmentCreateInput:
    order_id: relay.GlobalID
    carrier: str = strawberry.field(description="A carrier code, e.g. dhl (see `carriers`).")
    lines: list[ShipmentLineInput] | None = strawberry.field(
        default=None, description="Which units; null ships every unit not yet shipped."
    )
    tracking_number: str | None = strawberry.field(
        default=None, description="Now or later with shipmentSetTracking."
    )
    service_level: str = ""
    label_url: str = ""
    weight_grams: int | None = None

    def line_requests(self) -> list[LineRequest] | None:
        if self.lines is None:
            return None
        return [
            LineRequest(typed_pk(li.order_line_id, "OrderLine"), li.quantity) for li in self.lines
        ]


@strawberry.input(description="One tracking event pushed by a partner app.")
class TrackingEventInput:
    tracking_number: str
    status: ShipmentStatus  # type: ignore[valid-type]
    occurred_at: datetime = strawberry.field(description="With an offset (or read as UTC).")
    sub_status: str = ""
    code: str = strawberry.field(default="", description="The carrier's own event code.")
    message: str = ""
    city: str = ""
    region: str = ""
    country: str = ""
    postal_code: str = ""
    estimated_delivery: date | None = None

    def to_update(self, index: int) -> TrackingUpdate:
        where = f"events[{index}]"
        return TrackingUpdate(
            tracking_number=tracking_number(self.tracking_number, where=f"{where}.trackingNumber"),
            status=m.ShipmentStatus(self.status),
            occurred_at=moment(self.occurred_at.isoformat(), where=f"{where}.occurredAt"),
            sub_status=text(self.sub_status, 60, where=f"{where}.subStatus"),
            carrier_code=text(self.code, 60, where=f"{where}.code"),
            message=text(self.message, 500, where=f"{where}.message"),
            city=text(self.city, 120, where=f"{where}.city"),
            region=text(self.region, 120, where=f"{where}.region"),
            country=country(self.country, where=f"{where}.country"),
            postal_code=text(self.postal_code, 20, where=f"{where}.postalCode"),
            estimated_delivery=self.estimated_delivery,
        )


@strawberry.input(description="A carrier staff add to the registry.")
class CarrierCreateInput:
    code: str = strawberry.field(description="2-32 lower-case letters, digits, - or _.")
    name: str
    tracking_url_template: str = strawberry.field(
        default="", description="e.g. https://track.example/{number}"
    )
    push_format: PushFormat = m.PushFormat.NATIVE  # type: ignore[valid-type]


def _shipment_pk(gid: relay.GlobalID) -> int | None:
    return optional_typed_pk(gid, "Shipment")


@strawberry.type
class LogisticsMutation:
    @strawberry.mutation(
        description="Ship units of a paid order (split fulfilment: several shipments per "
        "order). The order becomes PARTIALLY_SHIPPED or SHIPPED. Needs MANAGE_ORDERS or an "
        "API key with WRITE_SHIPMENTS."
    )
    async def shipment_create(self, info: Info, input: ShipmentCreateInput) -> ShipmentPayload:
        return await shipment_payload(
            shipments.create(
                info,
                order_id=optional_typed_pk(input.order_id, "Order"),
                carrier_code=input.carrier,
                lines=input.line_requests(),
                tracking_number=input.tracking_number,
                service_level=input.service_level,
                label_url=input.label_url,
                weight_grams=input.weight_grams,
            )
        )

    @strawberry.mutation(
        description="Give a shipment its tracking number (and carrier). Events already pushed "
        "for that number are applied. Needs MANAGE_ORDERS or WRITE_SHIPMENTS."
    )
    async def shipment_set_tracking(
        self,
        info: Info,
        shipment_id: relay.GlobalID,
        tracking_number: str,
        carrier: str | None = None,
    ) -> ShipmentPayload:
        return await shipment_payload(
            shipments.set_tracking(
                info,
                shipment_id=_shipment_pk(shipment_id),
                tracking_number=tracking_number,
                carrier_code=carrier,
            )
        )

    @strawberry.mutation(
        description="Cancel a shipment that has not left; its units may ship again. Needs "
        "MANAGE_ORDERS or WRITE_SHIPMENTS."
    )
    async def shipment_cancel(self, info: Info, shipment_id: relay.GlobalID) -> ShipmentPayload:
        return await shipment_payload(shipments.cancel(info, shipment_id=_shipment_pk(shipment_id)))

    @strawberry.mutation(
        description="Push tracking events (at most 100), normalized and ruled like carrier "
        "pushes: stored once, moving a status only forward. Needs WRITE_SHIPMENTS or "
        "MANAGE_ORDERS."
    )
    async def shipment_tracking_push(
        self, info: Info, carrier: str, events: list[TrackingEventInput]
    ) -> TrackingPushPayload:
        try:
            updates = [event.to_update(index) for index, event in enumerate(events)]
        except PushInvalid as invalid:
            problem = error(LogisticsErrorCode.EVENT_INVALID, str(invalid), field="events")
            return TrackingPushPayload(
                received=len(events), stored=0, duplicates=0, unmatched=0, moved=0,
                errors=as_errors(problem),
            )  # fmt: skip
        result, errors = await attempt(shipments.push(info, carrier_code=carrier, updates=updates))
        if result is None:
            return TrackingPushPayload(
                received=len(events), stored=0, duplicates=0, unmatched=0, moved=0, errors=errors
            )
        return TrackingPushPayload(
            received=result.received,
            stored=result.stored,
            duplicates=result.duplicates,
            unmatched=result.unmatched,
            moved=result.moved,
            errors=[],
        )

    @strawberry.mutation(description="Add a carrier. Needs MANAGE_ORDERS.")
    async def carrier_create(self, info: Info, input: CarrierCreateInput) -> CarrierPayload:
        return await _carrier_payload(
            shipments.create_carrier(
                info,
                code=input.code,
                name=input.name,
                tracking_url_template=input.tracking_url_template,
                push_format=m.PushFormat(input.push_format),
            )
        )

    @strawberry.mutation(
        description="A new signing secret for a carrier's pushes (built-in carriers too); the "
        "old one stops working at once. Needs MANAGE_ORDERS."
    )
    async def carrier_rotate_secret(self, info: Info, code: str) -> CarrierPayload:
        return await _carrier_payload(shipments.rotate_carrier_secret(info, code=code))


async def _carrier_payload(call: Awaitable[Carrier]) -> CarrierPayload:
    row, errors = await attempt(call)
    if row is None:
        return CarrierPayload(carrier=None, signing_secret=None, errors=errors)
    return CarrierPayload(
        carrier=CarrierType.from_model(row), signing_secret=row.signing_secret, errors=[]
    )


__all__ = ["LogisticsError", "LogisticsMutation"]
