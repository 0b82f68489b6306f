"""An exchange's outcome: a replacement order through orders (the returned units' value as
its credit), the case EXCHANGED, in one transaction; then, after commit, the inspected units
restocked and any credit left over refunded on the original order. Idempotent: asking again
places nothing more and finishes an interrupted refund (its key is the case's)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal

from models.aftersales import Case, CaseKind
from services.aftersales import outcomes, policy, staff
from services.aftersales.errors import AftersalesErrorCode, error, translated
from services.errors import DomainError, DomainErrors
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
                    key=f"case-{case.id}-exchange",
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
