"""The Subscription root: live order updates, stock changes and the partner event stream."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from resolvers.context import Info
from resolvers.events import streams
from resolvers.logistics import streams as shipment_streams
from resolvers.orders.access import can_see_order
from schema.catalog.types import ProductType, VariantType
from schema.logistics.types import ShipmentType
from schema.nodes import typed_pk
from schema.orders.types import OrderType
from services.events.records import EventRecord
from services.events.types import EventTypeName

EventType = strawberry.enum(
    EventTypeName,
    name="EventType",
    description='What happened: the domain event types (README, "Partner apps").',
)


@strawberry.type(
    name="DomainEvent",
    description="One committed change, as partners receive it (the same envelope as webhooks).",
)
class DomainEventType:
    id: str = strawberry.field(description="Unique id of the event: de-duplicate by it.")
    type: EventType  # type: ignore[valid-type]
    aggregate_type: str = strawberry.field(description='What changed, e.g. "order".')
    aggregate_id: str = strawberry.field(description="The row id of what changed.")
    sequence: int = strawberry.field(
        description="1, 2, 3... per aggregate: order one aggregate's events by it."
    )
    version: int = strawberry.field(description="The version of the payload's shape.")
    actor: str = strawberry.field(description='Who made the change, e.g. "customer:5".')
    occurred_at: datetime
    position: str = strawberry.field(
        description="Opaque cursor of this event in the stream: pass it as `after` (or as "
        "`Last-Event-ID` over Server-Sent Events) to resume after it."
    )
    payload: JSON = strawberry.field(description="The event's data (README, per type).")

    @classmethod
    def from_record(cls, record: EventRecord) -> DomainEventType:
        return cls(
            id=record.id,
            type=EventTypeName(record.type),
            aggregate_type=record.aggregate_type,
            aggregate_id=record.aggregate_id,
            sequence=record.sequence,
            version=record.version,
            actor=record.actor,
            occurred_at=record.occurred_at,
            position=streams.encode_cursor(record.position),
            payload=cast("JSON", record.payload),
        )


@strawberry.type(description="An order changed: the event, and the order as it is now.")
class OrderUpdate:
    event: DomainEventType
    order_id: strawberry.Private[int]

    @strawberry.field(description="The order now; null if the caller may no longer see it.")
    async def order(self, info: Info) -> OrderType | None:
        row = await info.context.loaders.orders.order_by_id.load(self.order_id)
        if row is None or not await can_see_order(info, row):
            return None
        return OrderType.from_model(row)


@strawberry.type(description="A variant's stock changed: the event, and the variant now.")
class StockChange:
    event: DomainEventType
    stock: int = strawberry.field(description="Units available, as the event recorded them.")
    variant_id: strawberry.Private[int]
    product_id: strawberry.Private[int]

    @strawberry.field(description="True when the event's variant can be bought.")
    def in_stock(self) -> bool:
        return self.stock > 0

    @strawberry.field(description="The variant as it is now.")
    async def variant(self, info: Info) -> VariantType | None:
        row = await info.context.loaders.catalog.variant_by_id.load(self.variant_id)
        return VariantType.from_model(row) if row is not None else None

    @strawberry.field(description="The product the variant belongs to.")
    async def product(self, info: Info) -> ProductType | None:
        row = await info.context.loaders.catalog.product_by_id.load(self.product_id)
        if row is None or not ProductType.visible(info, row):
            return None
        return ProductType.from_model(row)


@strawberry.type(description="A shipment changed: the event, and the shipment as it is now.")
class ShipmentUpdate:
    event: DomainEventType
    shipment_id: strawberry.Private[int]

    @strawberry.field(description="The shipment now (status, timeline, promise).")
    async def shipment(self, info: Info) -> ShipmentType | None:
        row = await info.context.loaders.logistics.shipment_by_id.load(self.shipment_id)
        return ShipmentType.from_model(row) if row is not None else None


def _order_update(record: EventRecord) -> OrderUpdate:
    return OrderUpdate(event=DomainEventType.from_record(record), order_id=int(record.aggregate_id))


After = Annotated[
    str | None,
    strawberry.argument(
        description="Resume after this cursor (an event's `position`); leave out to start now."
    ),
]


@strawberry.type
class EventsSubscription:
    @strawberry.subscription(
        description="The signed-in customer's own orders: every status change and refund."
    )
    async def my_order_updates(
        self, info: Info, after: After = None
    ) -> AsyncGenerator[OrderUpdate, None]:
        async for record in streams.my_orders(info, after):
            yield _order_update(record)

    @strawberry.subscription(
        description="One order's updates: for its customer, staff with MANAGE_ORDERS or an "
        "API key with READ_ORDERS. NOT_FOUND for an unknown order and one you may not see."
    )
    async def order_updates(
        self, info: Info, order_id: relay.GlobalID, after: After = None
    ) -> AsyncGenerator[OrderUpdate, None]:
        async for record in streams.one_order(info, typed_pk(order_id, "Order"), after):
            yield _order_update(record)

    @strawberry.subscription(
        description="Stock changes of a product's variants (public: a product page's \"back in "
        'stock"). NOT_FOUND for a product the caller may not see.'
    )
    async def stock_changes(
        self, info: Info, product_id: relay.GlobalID, after: After = None
    ) -> AsyncGenerator[StockChange, None]:
        pk = typed_pk(product_id, "Product")
        async for record in streams.product_stock(info, pk, after):
            yield StockChange(
                event=DomainEventType.from_record(record),
                stock=max(int(record.payload.get("newStock") or 0), 0),
                variant_id=int(record.aggregate_id),
                product_id=pk,
            )

    @strawberry.subscription(
        description="For partner apps (API key): the event stream, limited to the types the "
        "key's scopes allow, in stream order. Pass `after` to resume without gaps within the "
        "retention window; a subscriber that falls too far behind is ended with a RESUBSCRIBE "
        "error naming the cursor to resume from."
    )
    async def events(
        self,
        info: Info,
        types: Annotated[
            list[EventType] | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only these types (default: all the key may see)."),
        ] = None,
        after: After = None,
    ) -> AsyncGenerator[DomainEventType, None]:
        async for record in streams.partner_stream(info, types, after):
            yield DomainEventType.from_record(record)

    @strawberry.subscription(
        description="One shipment's updates (status moves, tracking, estimates, lateness): "
        "for the order's customer, staff with MANAGE_ORDERS or an API key with "
        "READ_SHIPMENTS. NOT_FOUND for an unknown shipment and one you may not see."
    )
    async def shipment_updates(
        self, info: Info, shipment_id: relay.GlobalID, after: After = None
    ) -> AsyncGenerator[ShipmentUpdate, None]:
        pk = typed_pk(shipment_id, "Shipment")
        async for record in shipment_streams.one_shipment(info, pk, after):
            yield ShipmentUpdate(event=DomainEventType.from_record(record), shipment_id=pk)
