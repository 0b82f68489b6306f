"""One shipment's live updates, for whoever may read the shipment (its buyer, order staff,
a READ_SHIPMENTS key); the same rules as the queries."""

from __future__ import annotations

from collections.abc import AsyncIterator

from graphql import GraphQLError

from resolvers.context import Info
from resolvers.events.streams import follow
from resolvers.logistics.access import can_see_shipment
from services.events.records import EventRecord
from services.logistics.emission import SHIPMENT_TYPES


async def one_shipment(
    info: Info, shipment_id: int, after: str | None
) -> AsyncIterator[EventRecord]:
    found = (
        await info.context.loaders.logistics.shipment_by_id.load(shipment_id)
        if shipment_id > 0
        else None
    )
    # The same answer for an unknown and a foreign shipment: existence is not leaked.
    if found is None or not await can_see_shipment(info, found):
        raise GraphQLError(
            "No such shipment.", extensions={"code": "NOT_FOUND", "argument": "shipmentId"}
        )
    key = str(found.id)

    def of_shipment(record: EventRecord) -> bool:
        return record.aggregate_type == "shipment" and record.aggregate_id == key

    types = [str(t) for t in SHIPMENT_TYPES]
    async for record in follow(info, after=after, match=of_shipment, types=types):
        yield record
