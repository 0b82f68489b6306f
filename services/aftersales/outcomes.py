"""What a goods case leads to beyond money: its return parcel, an exchange's replacement
order and a repair's parcel back. The parcels and orders belong to logistics and orders;
flows (services/flows/case_parcels.py, case_exchange.py) create them and record them here
in the same transaction."""

from __future__ import annotations

from decimal import Decimal

from models.aftersales import (
    Case,
    CaseKind,
    CaseLine,
    CaseStatus,
    CaseTimelineEntry,
    InspectionResult,
)
from services.aftersales import workflow
from services.aftersales.cases import locked_case
from services.aftersales.errors import AftersalesErrorCode, error

C = AftersalesErrorCode
S = CaseStatus
# The customer may still send the items back.
BEFORE_RECEIPT = frozenset({S.APPROVED, S.AWAITING_ITEMS})


def _refuse(message: str) -> Exception:
    return error(C.TRANSITION_NOT_ALLOWED, message, field="caseId")


async def returnable_parcel_case(*, case_id: int) -> Case:
    """The locked case if it is a goods case waiting for its items (call in a transaction)."""
    case = await locked_case(case_id)
    if case.kind not in workflow.GOODS_KINDS or case.order_id is None:
        raise _refuse("Only returns, exchanges and repairs have a return parcel.")
    if case.status not in BEFORE_RECEIPT:
        raise _refuse("A return parcel is made once the case is approved, before receipt.")
    return case


async def attach_return_shipment(case: Case, shipment_id: int) -> None:
    await Case.filter(id=case.id).update(return_shipment_id=shipment_id)
    case.return_shipment_id = shipment_id
    await workflow.record(case, "return_parcel", data={"shipment": shipment_id})


async def units(case_id: int, *, arrived_only: bool) -> list[tuple[int, int]]:
    """(order line, units) of the case; with `arrived_only`, not the lines found missing."""
    rows = await CaseLine.filter(case_id=case_id).values("order_line_id", "quantity", "inspection")
    return [
        (r["order_line_id"], r["quantity"])
        for r in rows
        if not arrived_only or r["inspection"] != InspectionResult.MISSING
    ]


async def received_case(*, case_id: int, kind: CaseKind) -> Case:
    """The locked case of `kind` if it was received, or already past its outcome (a replay)."""
    case = await locked_case(case_id)
    if case.kind != kind or case.order_id is None:
        raise _refuse(f"Only a {kind.value} case has this outcome.")
    if case.status not in (S.RECEIVED, workflow.OUTCOME[kind]):
        raise _refuse(f"The {kind.value} must be received first.")
    return case


async def mark_exchanged(case: Case, *, order_id: int, difference: Decimal) -> None:
    if case.status == S.EXCHANGED:
        return
    changes = {"replacement_order_id": order_id, "exchange_difference": difference}
    data = {"replacementOrder": order_id, "difference": str(difference)}
    await workflow.move(case, S.EXCHANGED, changes=changes, data=data)


async def mark_repaired(case: Case, *, shipment_id: int) -> None:
    if case.status == S.REPAIRED:
        return
    changes = {"outbound_shipment_id": shipment_id}
    await workflow.move(case, S.REPAIRED, changes=changes, data={"shipment": shipment_id})


async def note_return_parcel(*, shipment_id: int, status: str) -> bool:
    """Put a return parcel's arrival on its case's timeline, once; False if no case has it."""
    case = await Case.get_or_none(return_shipment_id=shipment_id)
    if case is None:
        return False
    kind = f"return_parcel_{status}"
    if not await CaseTimelineEntry.exists(case_id=case.id, kind=kind):
        await workflow.record(case, kind, data={"shipment": shipment_id})
    return True
