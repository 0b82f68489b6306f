"""Case types: the case with its lines, timeline, messages and SLA clocks, and the return
preview."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar, Self

import strawberry
from strawberry import relay

from models import aftersales as m
from models.aftersales import Case, CaseLine, CaseMessage, CaseTimelineEntry
from resolvers.aftersales.access import can_see_case, is_staff
from resolvers.context import Info
from resolvers.orders.access import can_see_order
from schema.catalog.types import Money
from schema.connections import CountedConnection
from schema.logistics.types import ShipmentType
from schema.nodes import LoadedNode
from schema.orders.common import money
from schema.orders.types import OrderLineType, OrderType
from services import clock
from services.aftersales import policy, preview, sla

CaseKind = strawberry.enum(
    m.CaseKind,
    name="CaseKind",
    description="RETURN (money back), EXCHANGE (another size or toy), REPAIR (sent back "
    "mended), COMPLAINT, INQUIRY. The first three name order lines and quantities.",
)
CaseStatus = strawberry.enum(
    m.CaseStatus,
    name="CaseStatus",
    description="Returns, exchanges, repairs: REQUESTED -> APPROVED or DECLINED -> "
    "AWAITING_ITEMS -> RECEIVED -> REFUNDED / EXCHANGED / REPAIRED -> RESOLVED -> CLOSED. "
    "Complaints, inquiries: NEW -> OPEN <-> WAITING_ON_CUSTOMER -> SOLVED -> CLOSED; the "
    "customer's reply reopens a SOLVED case. Solved and resolved cases close by themselves "
    "after a few days (default 4).",
)
CaseReason = strawberry.enum(
    m.CaseReason,
    name="CaseReason",
    description="Why the customer opened the case; OTHER needs a note.",
)
CasePriority = strawberry.enum(
    m.CasePriority,
    name="CasePriority",
    description="Sets the SLA targets. Members of some tiers are raised automatically.",
)
DeclineReason = strawberry.enum(m.DeclineReason, name="CaseDeclineReason")
InspectionResult = strawberry.enum(
    m.InspectionResult,
    name="CaseInspectionResult",
    description="RESTOCK: back on the shelf and refunded; DO_NOT_RESTOCK: refunded, not "
    "resold; MISSING: not in the parcel, not refunded.",
)
MessageAuthor = strawberry.enum(m.MessageAuthor, name="CaseMessageAuthor")


@strawberry.type(description="Units of one order line the case is about, and their inspection.")
class CaseLineType:
    quantity: int
    inspection: InspectionResult | None  # type: ignore[valid-type]
    inspection_note: str
    row: strawberry.Private[CaseLine]

    @strawberry.field(description="The line's global ID, for caseReceive inspections.")
    def id(self) -> relay.GlobalID:
        return relay.GlobalID("CaseLine", str(self.row.id))

    @strawberry.field(description="The order line these units belong to.")
    async def order_line(self, info: Info) -> OrderLineType | None:
        row = await info.context.loaders.orders.order_line_by_id.load(self.row.order_line_id)
        return OrderLineType.from_model(row) if row is not None else None

    @classmethod
    def from_model(cls, row: CaseLine) -> CaseLineType:
        inspection = m.InspectionResult(row.inspection) if row.inspection else None
        return cls(
            quantity=row.quantity,
            inspection=inspection,
            inspection_note=row.inspection_note,
            row=row,
        )


@strawberry.type(description="One change of the case: who did what, when.")
class CaseTimelineEntryType:
    kind: str = strawberry.field(
        description="status, opened, inspected, assigned, tagged, prioritised, rated."
    )
    from_status: CaseStatus | None  # type: ignore[valid-type]
    to_status: CaseStatus | None  # type: ignore[valid-type]
    actor: str = strawberry.field(
        description="customer, staff or system; staff and partners also see which account "
        "(staff:12)."
    )
    created_at: datetime


def _status(value: str | None) -> m.CaseStatus | None:
    return m.CaseStatus(value) if value else None


@strawberry.type(
    name="CaseMessage", description="A message on the case, or an internal note (staff only)."
)
class CaseMessageType:
    author: MessageAuthor  # type: ignore[valid-type]
    body: str
    attachment_urls: list[str]
    internal: bool
    created_at: datetime

    @classmethod
    def from_model(cls, row: CaseMessage) -> CaseMessageType:
        return cls(
            author=m.MessageAuthor(row.author),
            body=row.body,
            attachment_urls=list(row.attachment_urls or []),
            internal=row.internal,
            created_at=row.created_at,
        )


@strawberry.type(
    description="The case's SLA clocks; they stop while the case waits on the customer."
)
class CaseSla:
    first_response_due: datetime | None
    first_responded_at: datetime | None
    next_reply_due: datetime | None = strawberry.field(
        description="Staff owe the customer an answer by then (set when the customer writes "
        "after staff answered)."
    )
    resolution_due: datetime | None
    next_due_at: datetime | None = strawberry.field(
        description="The earliest running target: what the staff queue sorts by. Null while "
        "paused or done."
    )
    business_hours: bool = strawberry.field(
        description="Targets count the support desk's opening hours (else calendar hours)."
    )
    paused: bool = strawberry.field(
        description="Waiting on the customer (or their parcel): the clocks stand still."
    )
    breached: bool = strawberry.field(description="A target passed while the clock ran.")


@strawberry.type(
    description="The satisfaction survey: offered a while after the case is solved, open for "
    "a window, answered once (caseRate)."
)
class CaseSurvey:
    opens_at: datetime
    closes_at: datetime
    open: bool = strawberry.field(description="The customer may rate now.")


@strawberry.type(
    name="Case",
    description="An after-sales case: a return, exchange, repair, complaint or inquiry.",
)
class CaseType(LoadedNode):
    loader_group: ClassVar[str] = "aftersales"
    loader: ClassVar[str] = "case_by_id"
    id: relay.NodeID[int]
    number: str
    kind: CaseKind  # type: ignore[valid-type]
    status: CaseStatus  # type: ignore[valid-type]
    reason: CaseReason  # type: ignore[valid-type]
    reason_note: str
    description: str
    photo_urls: list[str]
    priority: CasePriority  # type: ignore[valid-type]
    tags: list[str]
    decline_reason: DeclineReason | None  # type: ignore[valid-type]
    decline_note: str
    rating: int | None = strawberry.field(description="The customer's 1-5 rating once solved.")
    rating_comment: str
    solved_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    row: strawberry.Private[Case]

    @classmethod
    def visible(cls, info: Info, row: Case) -> bool:
        return can_see_case(info, row)

    @classmethod
    def from_model(cls, row: Case) -> Self:
        return cls(
            id=row.id,
            number=row.number,
            kind=m.CaseKind(row.kind),
            status=m.CaseStatus(row.status),
            reason=m.CaseReason(row.reason),
            reason_note=row.reason_note,
            description=row.description,
            photo_urls=list(row.photo_urls or []),
            priority=m.CasePriority(row.priority),
            tags=list(row.tags or []),
            decline_reason=m.DeclineReason(row.decline_reason) if row.decline_reason else None,
            decline_note=row.decline_note,
            rating=row.rating,
            rating_comment=row.rating_comment,
            solved_at=row.solved_at,
            closed_at=row.closed_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
            row=row,
        )

    @strawberry.field(description="The order the case is about, if any.")
    def order_id(self) -> relay.GlobalID | None:
        return relay.GlobalID("Order", str(self.row.order_id)) if self.row.order_id else None

    @strawberry.field(description="Staff only: who works on the case.")
    def assignee_id(self, info: Info) -> relay.GlobalID | None:
        if not is_staff(info) or self.row.assignee_id is None:
            return None
        return relay.GlobalID("User", str(self.row.assignee_id))

    @strawberry.field(description="What was refunded, once the return is refunded.")
    async def refund_amount(self, info: Info) -> Money | None:
        if self.row.refund_amount is None:
            return None
        return await self._money(info, self.row.refund_amount)

    async def _money(self, info: Info, amount: Decimal) -> Money:
        order = (
            await info.context.loaders.orders.order_by_id.load(self.row.order_id)
            if self.row.order_id
            else None
        )
        return money(amount, order.currency if order else "EUR")

    @strawberry.field(
        description="The parcel the items come back in (label and tracking), once staff sent "
        "it (caseSendReturnParcel)."
    )
    async def return_shipment(self, info: Info) -> ShipmentType | None:
        return await _shipment(info, self.row.return_shipment_id)

    @strawberry.field(description="A repair's parcel back to the customer (caseShipRepair).")
    async def outbound_shipment(self, info: Info) -> ShipmentType | None:
        return await _shipment(info, self.row.outbound_shipment_id)

    @strawberry.field(description="An exchange's replacement order (caseExchange).")
    def replacement_order_id(self) -> relay.GlobalID | None:
        pk = self.row.replacement_order_id
        return relay.GlobalID("Order", str(pk)) if pk else None

    @strawberry.field(
        description="The replacement order, for whoever may read it (its customer, order "
        "staff, a READ_ORDERS key)."
    )
    async def replacement_order(self, info: Info) -> OrderType | None:
        pk = self.row.replacement_order_id
        row = await info.context.loaders.orders.order_by_id.load(pk) if pk else None
        if row is None or not await can_see_order(info, row):
            return None
        return OrderType.from_model(row)

    @strawberry.field(
        description="The replacement's price minus the returned units' value: above 0 the "
        "customer pays it on the replacement order, below 0 it was refunded."
    )
    async def exchange_difference(self, info: Info) -> Money | None:
        if self.row.exchange_difference is None:
            return None
        return await self._money(info, self.row.exchange_difference)

    @strawberry.field
    def sla(self) -> CaseSla:
        row = self.row
        targets = sla.targets_for(m.CaseKind(row.kind), m.CasePriority(row.priority))
        return CaseSla(
            first_response_due=row.first_response_due,
            first_responded_at=row.first_responded_at,
            next_reply_due=row.next_reply_due,
            resolution_due=row.resolution_due,
            next_due_at=row.next_due_at,
            business_hours=targets.business_hours,
            paused=row.waiting_since is not None,
            breached=sla.breached(row, clock.now()),
        )

    @strawberry.field(description="Null until the case is solved (and for declined cases).")
    def survey(self) -> CaseSurvey | None:
        if self.row.status == m.CaseStatus.DECLINED:
            return None
        window = policy.survey_window(self.row.solved_at, policy.from_environment())
        if window is None:
            return None
        now = clock.now()
        is_open = self.row.rating is None and window.opens_at <= now <= window.closes_at
        return CaseSurvey(opens_at=window.opens_at, closes_at=window.closes_at, open=is_open)

    @strawberry.field(description="Order lines and quantities (returns, exchanges, repairs).")
    async def lines(self, info: Info) -> list[CaseLineType]:
        rows = await info.context.loaders.aftersales.lines_by_case_id.load(self.row.id)
        return [CaseLineType.from_model(r) for r in rows]

    @strawberry.field(description="Every change, oldest first.")
    async def timeline(self, info: Info) -> list[CaseTimelineEntryType]:
        rows: list[
            CaseTimelineEntry
        ] = await info.context.loaders.aftersales.timeline_by_case_id.load(self.row.id)
        full = is_staff(info)
        return [
            CaseTimelineEntryType(
                kind=r.kind,
                from_status=_status(r.from_status),
                to_status=_status(r.to_status),
                actor=r.actor if full else r.actor.partition(":")[0],
                created_at=r.created_at,
            )
            for r in rows
        ]

    @strawberry.field(description="The conversation, oldest first; internal notes only for staff.")
    async def messages(self, info: Info) -> list[CaseMessageType]:
        rows = await info.context.loaders.aftersales.messages_by_case_id.load(self.row.id)
        full = is_staff(info)
        return [CaseMessageType.from_model(r) for r in rows if full or not r.internal]


async def _shipment(info: Info, pk: int | None) -> ShipmentType | None:
    # The case is visible to the caller already: its parcels come with it (support staff
    # follow the return without order permissions); the shipment's own fields keep theirs.
    row = await info.context.loaders.logistics.shipment_by_id.load(pk) if pk else None
    return ShipmentType.from_model(row) if row is not None else None


@strawberry.type(description="A page of cases.")
class CaseConnection(CountedConnection[CaseType]):
    pass


@strawberry.type(description="What returning these units would refund for one line.")
class ReturnPreviewLine:
    order_line_id: relay.GlobalID
    product_name: str
    quantity: int
    goods: Money = strawberry.field(description="Unit price x quantity.")
    discount_share: Money = strawberry.field(
        description="The units' share of the line's discounts."
    )
    points_share: Money = strawberry.field(
        description="The share paid with points (returned as points)."
    )
    restocking_fee: Money = strawberry.field(description="Charged for change-of-mind returns.")
    refund: Money


@strawberry.type(description="The refund a return would bring, before submitting it.")
class ReturnPreview:
    lines: list[ReturnPreviewLine]
    shipping: Money = strawberry.field(
        description="Shipping comes back when everything returns for the shop's fault."
    )
    total: Money
    points_back: int | None = strawberry.field(
        description="Loyalty points the order earned that this refund takes back (also those "
        "already spent, which the member then owes); null for a guest's order."
    )
    points_restored: int | None = strawberry.field(
        description="Points spent on the order that come back to the member with this refund."
    )

    @classmethod
    def of(cls, found: preview.Preview) -> ReturnPreview:
        c = found.currency
        return cls(
            lines=[
                ReturnPreviewLine(
                    order_line_id=relay.GlobalID("OrderLine", str(r.order_line_id)),
                    product_name=r.product_name,
                    quantity=r.quantity,
                    goods=money(r.goods, c),
                    discount_share=money(r.discount_share, c),
                    points_share=money(r.points_share, c),
                    restocking_fee=money(r.restocking_fee, c),
                    refund=money(r.refund, c),
                )
                for r in found.lines
            ],
            shipping=money(found.shipping, c),
            total=money(found.total, c),
            points_back=found.points_back,
            points_restored=found.points_restored,
        )
