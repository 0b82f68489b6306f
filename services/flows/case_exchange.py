"""An exchange's outcome: a replacement order through orders (the returned units' value as
its credit), the case EXCHANGED, in one transaction; then, after commit, the inspected units
restocked and any credit left over refunded on the original order. Idempotent: asking again
places nothing more and finishes an interrupted refund (its key is the case's).

A replacement worth more than the credit waits UNPAID with its stock reserved; if it is
cancelled instead (the reservation sweep, or the customer), `after_order_cancelled` takes
the case back to RECEIVED with the dead order on its timeline (case.status_changed), and
the next `exchange_case` places a new replacement under a new key."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal

from models.aftersales import Case, CaseKind, CaseStatus, CaseTimelineEntry
from models.orders import Order
from services.aftersales import outcomes, policy, staff, workflow
from services.aftersales.cases import locked_case
from services.aftersales.errors import AftersalesErrorCode, error, translated
from services.errors import DomainError, DomainErrors
from services.events import actors
from services.events.ids import pk_of
from services.events.records import EventRecord
from services.flows import case_refund
from services.orders import refunds
from services.orders.lifecycle import Actor
from services.orders.replacements import ReplacementLine, place_replacement
from services.transactions import transaction

C = AftersalesErrorCode


async def exchange_case(
    *,
    case_id: int,
    staff_id: int,
    lines: Sequence[ReplacementLine],
    terms: policy.Policy | None = None,
) -> Case:
    """Place the replacement of a received exchange and settle the price difference."""
    # An exchange is not a change of mind about buying: no restocking fee on the credit.
    terms = dataclasses.replace(
        terms or policy.from_environment(), restocking_fee_percent=Decimal(0)
    )
    actor = Actor("staff", staff_id)
    async with transaction():
        case = await outcomes.received_case(case_id=case_id, kind=CaseKind.EXCHANGE)
        assert case.order_id is not None
        if case.replacement_order_id is None:
            credit = await staff.refund_due(case=case, terms=terms)
            try:
                placed = await place_replacement(
                    original_order_id=case.order_id,
                    lines=lines,
                    credit=credit,
                    key=await _replacement_key(case),
                    actor=actor,
                )
            except DomainError as failure:
                raise translated(failure, C.REPLACEMENT_FAILED) from None
            await outcomes.mark_exchanged(
                case, order_id=placed.order.id, difference=placed.difference
            )
    await case_refund.restock(case_id=case.id)
    owed = -(case.exchange_difference or Decimal(0))
    if owed > 0:
        try:
            await refunds.refund_order(
                order_id=case.order_id,
                amount=owed,
                reason=f"Exchange {case.number}: credit left over",
                actor=actor,
                idempotency_key=f"case-{case.id}-exchange-difference",
            )
        except DomainErrors as problems:
            raise error(C.REFUND_FAILED, problems.errors[0].message, field="caseId") from None
    return await Case.get(id=case.id)


async def _replacement_key(case: Case) -> str:
    """One replacement per attempt: a new key after each replacement cancelled unpaid."""
    lapsed = await CaseTimelineEntry.filter(case_id=case.id, kind="replacement_cancelled").count()
    return f"case-{case.id}-exchange" + (f"-{lapsed + 1}" if lapsed else "")


async def after_order_cancelled(record: EventRecord) -> None:
    """An exchange's replacement order was cancelled (unpaid when its reservation ran out,
    or by the customer): the case must not point at a dead order. An EXCHANGED case goes
    back to RECEIVED, where staff place another replacement (or resolve otherwise); any
    other state only records it. Idempotent: the case no longer names the order."""
    order_id = pk_of(record.payload.get("orderId"))
    if order_id is None:
        return
    found = await Case.get_or_none(replacement_order_id=order_id)
    if found is None:
        return
    order = await Order.get(id=order_id)
    data = {"replacementOrder": order_id, "number": order.number, "reason": record.type}
    with actors.acting_as(actors.SYSTEM):
        async with transaction():
            case = await locked_case(found.id)
            if case.replacement_order_id != order_id:
                return
            await workflow.record(case, "replacement_cancelled", data=data)
            changes = {"replacement_order_id": None, "exchange_difference": None}
            if case.status == CaseStatus.EXCHANGED:
                await workflow.move(case, CaseStatus.RECEIVED, changes=changes, data=data)
            else:
                await Case.filter(id=case.id).update(**changes)
