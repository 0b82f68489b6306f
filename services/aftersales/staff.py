"""Staff decisions on a case: approve or decline, receive and inspect, resolve, close,
assign, tag and prioritise. Refunds and restocking are flows (services/flows/case_refund.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from models.accounts import Permission, User
from models.aftersales import (
    Case,
    CaseKind,
    CaseLine,
    CasePriority,
    CaseReason,
    CaseStatus,
    DeclineReason,
    InspectionResult,
)
from models.orders import Order, OrderLine, OrderStatus
from services import clock
from services.aftersales import policy, preview, sla, workflow
from services.aftersales.cases import check_text, check_urls, locked_case, save_clocks
from services.aftersales.errors import AftersalesErrorCode, error
from services.transactions import transaction

C = AftersalesErrorCode
S = CaseStatus
MAX_TAGS = 20


@dataclass(frozen=True)
class Inspection:
    case_line_id: int
    result: InspectionResult
    note: str = ""


def _responded(case: Case) -> dict[str, Any]:
    # A decision answers the customer: it meets the reply targets.
    return sla.answered(case, clock.now())


async def approve(*, case_id: int, label_url: str = "") -> Case:
    """Approve a return, exchange or repair; the customer may send the items now."""
    if label_url:
        check_urls([label_url], "labelUrl")
    async with transaction():
        case = await locked_case(case_id)
        await workflow.move(case, S.APPROVED, changes=_responded(case))
        await workflow.move(
            case, S.AWAITING_ITEMS, data={"labelUrl": label_url} if label_url else {}
        )
    return case


async def decline(*, case_id: int, reason: DeclineReason, note: str = "") -> Case:
    check_text(note, 500, "note")
    if reason == DeclineReason.OTHER and not note.strip():
        raise error(C.NOTE_REQUIRED, "Say why the case is declined.", field="note")
    async with transaction():
        case = await locked_case(case_id)
        changes = {"decline_reason": reason, "decline_note": note, **_responded(case)}
        await workflow.move(case, S.DECLINED, changes=changes, data={"reason": reason.name})
    return case


async def receive(*, case_id: int, inspections: Sequence[Inspection]) -> Case:
    """The items arrived: every line of the case is inspected (restock, do not restock,
    missing) and the case becomes RECEIVED."""
    async with transaction():
        case = await locked_case(case_id)
        if case.status != S.AWAITING_ITEMS:
            raise error(C.TRANSITION_NOT_ALLOWED, "The case is not awaiting items.", field="caseId")
        lines = {line.id: line for line in await CaseLine.filter(case_id=case.id)}
        given = {i.case_line_id: i for i in inspections}
        for inspection in inspections:
            check_text(inspection.note, 500, "inspections")
        if set(given) - set(lines):
            raise error(C.LINE_NOT_FOUND, "A line is not part of this case.", field="inspections")
        if set(lines) - set(given):
            raise error(
                C.INSPECTION_INCOMPLETE, "Inspect every line of the case.", field="inspections"
            )
        now = clock.now()
        for line_id, inspection in given.items():
            await CaseLine.filter(id=line_id).update(
                inspection=inspection.result, inspection_note=inspection.note, inspected_at=now
            )
        data = {str(k): v.result.name for k, v in sorted(given.items())}
        await workflow.record(case, "inspected", data=data)
        await workflow.move(case, S.RECEIVED)
    return case


async def resolve(*, case_id: int) -> Case:
    """Solve a complaint or inquiry; resolve a return, exchange or repair once refunded,
    exchanged or repaired (services/flows/case_refund.py, case_exchange.py, case_parcels.py)."""
    async with transaction():
        case = await locked_case(case_id)
        kind = CaseKind(case.kind)
        if kind not in workflow.GOODS_KINDS:
            await workflow.move(case, S.SOLVED)
            return case
        if case.status == S.RECEIVED:
            raise error(
                C.TRANSITION_NOT_ALLOWED,
                "Give the case its outcome first: caseRefund, caseExchange or caseShipRepair.",
                field="caseId",
            )
        # An unpaid replacement may still lapse; a cancelled one is being undone
        # (services/flows/case_exchange.after_order_cancelled).
        if case.replacement_order_id is not None and await Order.exists(
            id=case.replacement_order_id,
            status__in=[OrderStatus.UNPAID, OrderStatus.CANCELLED],
        ):
            raise error(
                C.TRANSITION_NOT_ALLOWED,
                "The replacement order is not paid; resolve once it is.",
                field="caseId",
            )
        await workflow.move(case, S.RESOLVED)
    return case


async def close(*, case_id: int) -> Case:
    async with transaction():
        case = await locked_case(case_id)
        await workflow.move(case, S.CLOSED)
    return case


async def assign(*, case_id: int, assignee_id: int | None) -> Case:
    if assignee_id is not None:
        user = await User.get_or_none(id=assignee_id)
        if user is None or not user.has_permission(Permission.MANAGE_TICKETS):
            raise error(
                C.ASSIGNEE_INVALID, "Assign to staff who manage tickets.", field="assigneeId"
            )
    return await _change(case_id, "assigned", {"assignee_id": assignee_id})


async def set_tags(*, case_id: int, tags: Sequence[str]) -> Case:
    clean = sorted({t.strip().lower() for t in tags if t.strip()})
    if len(clean) > MAX_TAGS or any(len(t) > 40 for t in clean):
        raise error(C.TAG_INVALID, f"At most {MAX_TAGS} tags of 40 characters.", field="tags")
    return await _change(case_id, "tagged", {"tags": clean})


async def set_priority(*, case_id: int, priority: CasePriority) -> Case:
    """A new priority moves the running SLA targets to its policy (the time already used
    counts) and with them the case's place in the queue and its next alert."""
    async with transaction():
        case = await locked_case(case_id)
        if case.status == S.CLOSED:
            raise error(C.TRANSITION_NOT_ALLOWED, "This case is closed.", field="caseId")
        if case.priority == priority:
            return case
        before = CasePriority(case.priority)
        changes = sla.reprioritised(case, priority, clock.now())
        await save_clocks(case, {**changes, "updated_at": clock.now()})
        data = {"priority": priority.name, "from": before.name}
        data |= {k: v.isoformat() for k, v in changes.items() if k.endswith("_due") and v}
        await workflow.record(case, "prioritised", data=data)
    return case


async def _change(case_id: int, kind: str, values: Mapping[str, Any]) -> Case:
    async with transaction():
        case = await locked_case(case_id)
        if case.status == S.CLOSED:
            raise error(C.TRANSITION_NOT_ALLOWED, "This case is closed.", field="caseId")
        await Case.filter(id=case.id).update(**values, updated_at=clock.now())
        for name, value in values.items():
            setattr(case, name, value)
        await workflow.record(case, kind, data={k: _plain(v) for k, v in values.items()})
    return case


def _plain(value: Any) -> Any:
    return value.name if isinstance(value, CasePriority) else value


async def refund_units(*, case_id: int) -> dict[int, int]:
    """The units a return refunds per order line: every unit that arrived (not missing)."""
    rows = await CaseLine.filter(case_id=case_id).values("order_line_id", "quantity", "inspection")
    return {
        r["order_line_id"]: r["quantity"]
        for r in rows
        if r["inspection"] != InspectionResult.MISSING
    }


async def refund_due(*, case: Case, terms: policy.Policy) -> Decimal:
    """What a return's inspected lines earn back: every unit that arrived (not missing)."""
    if case.order_id is None:
        return Decimal(0)
    units = await refund_units(case_id=case.id)
    order = await Order.get(id=case.order_id)
    lines = list(await OrderLine.filter(order_id=order.id))
    priced, shipping = preview.compute(order, lines, units, CaseReason(case.reason), terms)
    return sum((row.refund for row in priced), Decimal(0)) + shipping


async def refundable_case(*, case_id: int) -> Case:
    """The case if it is a received return (the only kind a refund applies to)."""
    case = await Case.get_or_none(id=case_id)
    if case is None:
        raise error(C.CASE_NOT_FOUND, "No such case.", field="caseId")
    if case.kind != CaseKind.RETURN or case.status != S.RECEIVED or case.order_id is None:
        raise error(C.TRANSITION_NOT_ALLOWED, "Only a received return is refunded.", field="caseId")
    return case


async def mark_refunded(*, case_id: int, amount: Decimal) -> Case:
    async with transaction():
        case = await locked_case(case_id)
        changes = {"refund_amount": amount}
        await workflow.move(case, S.REFUNDED, changes=changes, data={"amount": str(amount)})
    return case


async def claim_restock(*, case_line_id: int) -> bool:
    """Mark a RESTOCK line restocked if it was not; True once per line (call in the same
    transaction as the stock change)."""
    return bool(
        await CaseLine.filter(
            id=case_line_id, inspection=InspectionResult.RESTOCK, restocked=False
        ).update(restocked=True)
    )


async def restock_lines(*, case_id: int) -> list[tuple[int, int | None, int]]:
    """(case line, variant, units) of the RESTOCK lines not yet restocked."""
    rows = await CaseLine.filter(
        case_id=case_id, inspection=InspectionResult.RESTOCK, restocked=False
    ).values("id", "quantity", "order_line__variant_id")
    return [(r["id"], r["order_line__variant_id"], r["quantity"]) for r in rows]
