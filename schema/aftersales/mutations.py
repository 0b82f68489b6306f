"""After-sales mutations: customers open, preview, reply and rate; staff (MANAGE_TICKETS)
decide, inspect, refund, resolve, close, assign, tag and write notes; a support desk's API
key with WRITE_TICKETS writes, decides, resolves, closes, assigns, tags and prioritises."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import aftersales as m
from resolvers.aftersales import cases
from resolvers.context import Info
from schema.aftersales.errors import (
    CaseMessagePayload,
    CasePayload,
    ReturnPreviewPayload,
    case_payload,
    message_payload,
    preview_payload,
)
from schema.aftersales.outcomes import AftersalesOutcomeMutation
from schema.aftersales.types import (
    CaseKind,
    CasePriority,
    CaseReason,
    DeclineReason,
    InspectionResult,
)
from schema.nodes import optional_typed_pk, typed_pk
from services.aftersales import Inspection, LineRequest


@strawberry.input(description="Units of one order line the case is about.")
class CaseLineInput:
    order_line_id: relay.GlobalID
    quantity: int


def _lines(lines: list[CaseLineInput]) -> list[LineRequest]:
    return [LineRequest(typed_pk(li.order_line_id, "OrderLine"), li.quantity) for li in lines]


@strawberry.input(description="A new case. Returns, exchanges and repairs name order lines.")
class CaseOpenInput:
    kind: CaseKind  # type: ignore[valid-type]
    reason: CaseReason  # type: ignore[valid-type]
    reason_note: str = strawberry.field(default="", description="Required for OTHER.")
    description: str = ""
    photo_urls: list[str] = strawberry.field(default_factory=list, description="https:// URLs.")
    order_id: relay.GlobalID | None = None
    lines: list[CaseLineInput] = strawberry.field(default_factory=list)


@strawberry.input(description="What returning these units would refund.")
class ReturnPreviewInput:
    order_id: relay.GlobalID
    reason: CaseReason  # type: ignore[valid-type]
    lines: list[CaseLineInput]


@strawberry.input(description="The inspection of one case line.")
class CaseInspectionInput:
    case_line_id: relay.GlobalID
    result: InspectionResult  # type: ignore[valid-type]
    note: str = ""


def _case(gid: relay.GlobalID) -> int | None:
    return optional_typed_pk(gid, "Case")


@strawberry.type
class AftersalesMutation(AftersalesOutcomeMutation):
    @strawberry.mutation(
        description="Open a case on your own order (or none, for complaints and inquiries)."
    )
    async def case_open(self, info: Info, input: CaseOpenInput) -> CasePayload:
        return await case_payload(
            cases.open_case(
                info,
                kind=m.CaseKind(input.kind),
                reason=m.CaseReason(input.reason),
                reason_note=input.reason_note,
                description=input.description,
                photo_urls=input.photo_urls,
                order_id=optional_typed_pk(input.order_id, "Order"),
                lines=_lines(input.lines),
            )
        )

    @strawberry.mutation(description="What a return would refund, before opening it.")
    async def case_preview_return(
        self, info: Info, input: ReturnPreviewInput
    ) -> ReturnPreviewPayload:
        return await preview_payload(
            cases.preview_return(
                info,
                order_id=optional_typed_pk(input.order_id, "Order"),
                reason=m.CaseReason(input.reason),
                lines=_lines(input.lines),
            )
        )

    @strawberry.mutation(description="Write on your case; a case waiting on you or solved reopens.")
    async def case_reply(
        self,
        info: Info,
        case_id: relay.GlobalID,
        body: str,
        attachment_urls: list[str] | None = None,
    ) -> CaseMessagePayload:
        return await message_payload(
            cases.reply(
                info, case_id=_case(case_id), body=body, attachment_urls=attachment_urls or []
            )
        )

    @strawberry.mutation(description="Rate your solved case 1-5, once.")
    async def case_rate(
        self, info: Info, case_id: relay.GlobalID, rating: int, comment: str = ""
    ) -> CasePayload:
        return await case_payload(
            cases.rate(info, case_id=_case(case_id), rating=rating, comment=comment)
        )

    @strawberry.mutation(
        description="Staff: write to the customer (`waitOnCustomer` pauses the SLA until "
        "they answer) or leave an internal note. Needs MANAGE_TICKETS, or an API key with "
        "WRITE_TICKETS (a support desk; the message has no staff author, the key is the actor)."
    )
    async def case_staff_message(
        self,
        info: Info,
        case_id: relay.GlobalID,
        body: str,
        internal: bool = False,
        wait_on_customer: bool = False,
        attachment_urls: list[str] | None = None,
    ) -> CaseMessagePayload:
        return await message_payload(
            cases.staff_message(
                info,
                case_id=_case(case_id),
                body=body,
                internal=internal,
                attachment_urls=attachment_urls or [],
                wait=wait_on_customer,
            )
        )

    @strawberry.mutation(
        description="Staff: approve a return, exchange or repair; it awaits the items. "
        "MANAGE_TICKETS or WRITE_TICKETS."
    )
    async def case_approve(
        self, info: Info, case_id: relay.GlobalID, label_url: str = ""
    ) -> CasePayload:
        return await case_payload(cases.approve(info, case_id=_case(case_id), label_url=label_url))

    @strawberry.mutation(
        description="Staff: decline with a reason (OTHER needs a note). MANAGE_TICKETS or "
        "WRITE_TICKETS."
    )
    async def case_decline(
        self,
        info: Info,
        case_id: relay.GlobalID,
        reason: DeclineReason,  # type: ignore[valid-type]
        note: str = "",
    ) -> CasePayload:
        return await case_payload(
            cases.decline(info, case_id=_case(case_id), reason=m.DeclineReason(reason), note=note)
        )

    @strawberry.mutation(
        description="Staff: the items arrived; inspect every line. Needs MANAGE_TICKETS."
    )
    async def case_receive(
        self, info: Info, case_id: relay.GlobalID, inspections: list[CaseInspectionInput]
    ) -> CasePayload:
        given = [
            Inspection(
                optional_typed_pk(i.case_line_id, "CaseLine") or -1,
                m.InspectionResult(i.result),
                i.note,
            )
            for i in inspections
        ]
        return await case_payload(cases.receive(info, case_id=_case(case_id), inspections=given))

    @strawberry.mutation(
        description="Staff: refund a received return (units found missing are not refunded) "
        "and restock the RESTOCK lines. Safe to repeat. Needs MANAGE_TICKETS."
    )
    async def case_refund(self, info: Info, case_id: relay.GlobalID) -> CasePayload:
        return await case_payload(cases.refund(info, case_id=_case(case_id)))

    @strawberry.mutation(
        description="Staff: solve a complaint or inquiry; resolve a refunded return, an "
        "exchanged exchange once its replacement is paid (caseExchange) or a repaired repair "
        "(caseShipRepair). MANAGE_TICKETS or WRITE_TICKETS."
    )
    async def case_resolve(self, info: Info, case_id: relay.GlobalID) -> CasePayload:
        return await case_payload(cases.resolve(info, case_id=_case(case_id)))

    @strawberry.mutation(
        description="Staff: close a solved, resolved or declined case now. MANAGE_TICKETS or "
        "WRITE_TICKETS."
    )
    async def case_close(self, info: Info, case_id: relay.GlobalID) -> CasePayload:
        return await case_payload(cases.close(info, case_id=_case(case_id)))

    @strawberry.mutation(
        description="Staff: assign to someone with MANAGE_TICKETS (null: nobody). "
        "MANAGE_TICKETS or WRITE_TICKETS."
    )
    async def case_assign(
        self, info: Info, case_id: relay.GlobalID, assignee_id: relay.GlobalID | None = None
    ) -> CasePayload:
        return await case_payload(
            cases.assign(
                info, case_id=_case(case_id), assignee_id=optional_typed_pk(assignee_id, "User")
            )
        )

    @strawberry.mutation(
        description="Staff: replace the case's tags (lower-cased). MANAGE_TICKETS or WRITE_TICKETS."
    )
    async def case_set_tags(
        self, info: Info, case_id: relay.GlobalID, tags: list[str]
    ) -> CasePayload:
        return await case_payload(cases.tag(info, case_id=_case(case_id), tags=tags))

    @strawberry.mutation(
        description="Staff: change the priority. The running SLA targets move to the new "
        "priority's policy, keeping the time already used; the queue order follows. "
        "MANAGE_TICKETS or WRITE_TICKETS."
    )
    async def case_set_priority(
        self,
        info: Info,
        case_id: relay.GlobalID,
        priority: CasePriority,  # type: ignore[valid-type]
    ) -> CasePayload:
        return await case_payload(
            cases.prioritise(info, case_id=_case(case_id), priority=m.CasePriority(priority))
        )
