"""A received return's refund and restock: orders refunds the money (idempotent per case),
catalog puts inspected units back, then the case becomes REFUNDED.

The refund names the returned lines (units that arrived), so membership, reversing the
points from `order.refunded` on its own consumer, takes back exactly what those lines earned.
"""

from __future__ import annotations

from models.aftersales import Case
from services.aftersales import policy, staff
from services.aftersales.errors import AftersalesErrorCode, error
from services.catalog import stock
from services.errors import DomainErrors
from services.orders import refunds
from services.orders.lifecycle import Actor
from services.transactions import transaction


async def refund_case(*, case_id: int, staff_id: int, terms: policy.Policy | None = None) -> Case:
    """Refund a RECEIVED return and restock its RESTOCK lines; repeating it is harmless
    (the refund's idempotency key is the case's)."""
    terms = terms or policy.from_environment()
    case = await staff.refundable_case(case_id=case_id)
    amount = await staff.refund_due(case=case, terms=terms)
    if amount > 0 and case.order_id is not None:
        try:
            await refunds.refund_order(
                order_id=case.order_id,
                amount=amount,
                reason=f"Return {case.number}",
                actor=Actor("staff", staff_id),
                idempotency_key=f"case-{case.id}-refund",
                lines=await staff.refund_units(case_id=case.id),
            )
        except DomainErrors as problems:
            raise error(
                AftersalesErrorCode.REFUND_FAILED, problems.errors[0].message, field="caseId"
            ) from None
    await restock(case_id=case.id)
    return await staff.mark_refunded(case_id=case.id, amount=amount)


async def restock(*, case_id: int) -> int:
    """Put the RESTOCK lines' units back on the shelf, once per line."""
    units = 0
    for case_line_id, variant_id, quantity in await staff.restock_lines(case_id=case_id):
        async with transaction():
            if not await staff.claim_restock(case_line_id=case_line_id) or variant_id is None:
                continue
            await stock.put_back(variant_id=variant_id, units=quantity, reason="return")
            units += quantity
    return units
