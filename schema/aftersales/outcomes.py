"""Staff mutations giving goods cases their outcomes: return parcel, exchange, repair."""

from __future__ import annotations

import strawberry
from strawberry import relay

from resolvers.aftersales import outcomes
from resolvers.context import Info
from schema.aftersales.errors import CasePayload, case_payload
from schema.nodes import optional_typed_pk
from services.orders.replacements import ReplacementLine


@strawberry.input(description="Units of a variant the exchange sends instead.")
class CaseReplacementLineInput:
    variant_id: relay.GlobalID
    quantity: int


@strawberry.input(description="A parcel through logistics: carrier code, tracking, label.")
class CaseParcelInput:
    carrier: str = strawberry.field(description="A carrier code (logistics), e.g. `dhl`.")
    tracking_number: str | None = strawberry.field(
        default=None, description="Known now or set later with shipmentSetTracking."
    )
    label_url: str = strawberry.field(default="", description="The label to print.")


@strawberry.type
class AftersalesOutcomeMutation:
    @strawberry.mutation(
        description="Staff: the return parcel of an approved return, exchange or repair, with "
        "its label and tracking (a RETURN shipment in logistics: carrier pushes track it, the "
        "customer sees the label on `case.returnShipment`). Once per case; asking again "
        "returns the same parcel. Needs MANAGE_TICKETS."
    )
    async def case_send_return_parcel(
        self, info: Info, case_id: relay.GlobalID, parcel: CaseParcelInput
    ) -> CasePayload:
        return await case_payload(
            outcomes.send_return_parcel(
                info,
                case_id=optional_typed_pk(case_id, "Case"),
                carrier=parcel.carrier,
                tracking_number=parcel.tracking_number,
                label_url=parcel.label_url,
            )
        )

    @strawberry.mutation(
        description="Staff: exchange a received exchange. Places a replacement order of these "
        "variants for the customer with the returned units' value as credit; when it costs "
        "more, the replacement awaits payment of the difference (the customer pays it with "
        "payOrder), when less it is paid and the rest is refunded on the original order. The "
        "inspected units are restocked; the case becomes EXCHANGED. Safe to repeat. Needs "
        "MANAGE_TICKETS."
    )
    async def case_exchange(
        self, info: Info, case_id: relay.GlobalID, lines: list[CaseReplacementLineInput]
    ) -> CasePayload:
        wanted = [
            ReplacementLine(optional_typed_pk(li.variant_id, "Variant") or -1, li.quantity)
            for li in lines
        ]
        return await case_payload(
            outcomes.exchange(info, case_id=optional_typed_pk(case_id, "Case"), lines=wanted)
        )

    @strawberry.mutation(
        description="Staff: send a received repair back mended: its parcel out (a REPAIR "
        "shipment in logistics) and the case becomes REPAIRED. Safe to repeat. Needs "
        "MANAGE_TICKETS."
    )
    async def case_ship_repair(
        self, info: Info, case_id: relay.GlobalID, parcel: CaseParcelInput
    ) -> CasePayload:
        return await case_payload(
            outcomes.ship_repair(
                info,
                case_id=optional_typed_pk(case_id, "Case"),
                carrier=parcel.carrier,
                tracking_number=parcel.tracking_number,
                label_url=parcel.label_url,
            )
        )
