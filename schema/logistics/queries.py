"""Logistics queries: staff and partner shipment lists, guest tracking, carriers."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import logistics as m
from resolvers.context import Info
from resolvers.logistics import shipments
from schema.logistics.types import (
    CarrierType,
    ShipmentConnection,
    ShipmentStatus,
    ShipmentTracking,
    ShipmentType,
)
from schema.nodes import optional_typed_pk
from services.logistics.reads import ShipmentFilter as ShipmentFilterSpec


@strawberry.input(description="Narrow the shipment list. All given conditions must hold.")
class ShipmentFilter:
    status: ShipmentStatus | None = None  # type: ignore[valid-type]
    carrier: str | None = strawberry.field(default=None, description="A carrier code.")
    late: bool | None = strawberry.field(
        default=None, description="true: only those that missed or will miss their promise."
    )
    order_id: relay.GlobalID | None = None

    def to_spec(self) -> ShipmentFilterSpec:
        return ShipmentFilterSpec(
            status=m.ShipmentStatus(self.status) if self.status is not None else None,
            carrier_code=self.carrier,
            late=self.late,
            order_id=optional_typed_pk(self.order_id, "Order"),
        )


@strawberry.type
class LogisticsQuery:
    @strawberry.field(
        description="All shipments, newest first. Needs MANAGE_ORDERS, or an API key with "
        "READ_SHIPMENTS."
    )
    async def shipments(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        filter: ShipmentFilter | None = None,
    ) -> ShipmentConnection:
        spec = filter.to_spec() if filter else ShipmentFilterSpec()
        page = await shipments.staff_shipments(info, filters=spec, first=first, after=after)
        return ShipmentConnection.from_page(page, ShipmentType.from_model)

    @strawberry.field(
        description="Follow one parcel with the `trackingToken` of its shipment (e.g. from "
        "the order confirmation); no sign-in. Null for a token that is not valid."
    )
    async def shipment_tracking(self, info: Info, token: str) -> ShipmentTracking | None:
        row = await shipments.tracked(info, token=token)
        return ShipmentTracking.from_model(row) if row is not None else None

    @strawberry.field(description="The carriers shipments can go with.")
    async def carriers(self) -> list[CarrierType]:
        return [CarrierType.from_model(row) for row in await shipments.all_carriers()]
