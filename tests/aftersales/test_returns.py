"""Returns: the window from delivery, final sale, returnable units, the preview, the refund
and the restock."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest

from models.aftersales import Case, CaseKind, CaseReason, CaseStatus, InspectionResult
from models.catalog import Product, Variant
from models.events import DomainEvent
from models.orders import Order, OrderEvent, OrderLine, Refund
from services import clock
from services.aftersales import Inspection, LineRequest, Policy, cases, preview, staff
from services.errors import DomainError
from services.events.ids import global_id
from services.flows import case_opening, case_refund
from tests.aftersales._helpers import delivered_order
from tests.factories import create_user, create_variant

pytestmark = pytest.mark.usefixtures("database")
K, R, S = CaseKind, CaseReason, CaseStatus


async def _lines(order: Order) -> list[OrderLine]:
    return list(await OrderLine.filter(order_id=order.id).order_by("id"))


async def _open(user_id: int, order: Order, units: dict[int, int], **kw: object) -> Case:
    return await case_opening.open_case(
        customer_id=user_id,
        kind=kw.pop("kind", K.RETURN),  # type: ignore[arg-type]
        reason=kw.pop("reason", R.UNWANTED),  # type: ignore[arg-type]
        order_id=order.id,
        lines=[LineRequest(i, q) for i, q in units.items()],
        **kw,  # type: ignore[arg-type]
    )


async def _code(awaitable: object) -> str:
    with pytest.raises(DomainError) as refused:
        await awaitable  # type: ignore[misc]
    return refused.value.code


async def test_window_counts_from_delivery_and_refuses_undelivered_orders() -> None:
    user = await create_user()
    variant = await create_variant(price="20.00", stock=10)
    order = await delivered_order(user, (variant, 1))
    line = (await _lines(order))[0]
    # Delivered 31 days ago: outside the 30-day window.
    await OrderEvent.filter(order_id=order.id, kind="delivered").update(
        created_at=clock.now() - timedelta(days=31)
    )
    assert await _code(_open(user.id, order, {line.id: 1})) == "OUTSIDE_RETURN_WINDOW"
    assert (
        await _open(user.id, order, {line.id: 1}, terms=Policy(window_days=40))
    ).status == S.REQUESTED
    # An order still on its way has no window yet.
    from tests.orders._helpers import place, ready_cart

    pending = (await place(await ready_cart((variant, 1), user=user), user=user)).order
    pending_line = (await _lines(pending))[0]
    assert await _code(_open(user.id, pending, {pending_line.id: 1})) == "ORDER_NOT_DELIVERED"


async def test_final_sale_products_and_other_customers_orders_are_refused() -> None:
    user, other = await create_user(), await create_user()
    variant = await create_variant(price="9.00", stock=5)
    await Product.filter(id=variant.product_id).update(is_returnable=False)
    order = await delivered_order(user, (variant, 1))
    line = (await _lines(order))[0]
    assert await _code(_open(user.id, order, {line.id: 1})) == "FINAL_SALE"
    assert await _code(_open(other.id, order, {line.id: 1})) == "ORDER_NOT_FOUND"
    # A repair of a final-sale toy is still fine: it comes back to the customer.
    repair = await _open(user.id, order, {line.id: 1}, kind=K.REPAIR, reason=R.DEFECTIVE)
    assert repair.status == S.REQUESTED


async def test_returnable_units_account_for_open_and_declined_cases() -> None:
    user = await create_user()
    variant = await create_variant(price="5.00", stock=10)
    order = await delivered_order(user, (variant, 3))
    line = (await _lines(order))[0]
    first = await _open(user.id, order, {line.id: 2})
    assert await _code(_open(user.id, order, {line.id: 2})) == "QUANTITY_EXCEEDS_RETURNABLE"
    assert await _code(_open(user.id, order, {line.id: 4})) == "QUANTITY_INVALID"
    from models.aftersales import DeclineReason

    await staff.decline(case_id=first.id, reason=DeclineReason.FINAL_SALE)
    # The declined case frees its units.
    again = await _open(user.id, order, {line.id: 3})
    assert again.status == S.REQUESTED
    assert await _code(_open(user.id, order, {line.id: 1})) == "QUANTITY_EXCEEDS_RETURNABLE"
    assert await _code(_open(user.id, order, {})) == "LINES_REQUIRED"


async def test_preview_shares_points_and_charges_the_restocking_fee_for_change_of_mind() -> None:
    user = await create_user()
    a, b = (
        await create_variant(price="30.00", stock=5),
        await create_variant(price="10.00", stock=5),
    )
    order = await delivered_order(user, (a, 1), (b, 2))
    # 8.00 of the order was paid with points; shipping as checkout priced it.
    await Order.filter(id=order.id).update(points_discount=D("8.00"))
    la, lb = await _lines(order)
    terms = Policy(restocking_fee_percent=D("10"))
    change_of_mind = await preview.preview_return(
        order_id=order.id, units={la.id: 1, lb.id: 1}, reason=R.UNWANTED, terms=terms
    )
    by_line = {row.order_line_id: row for row in change_of_mind.lines}
    # Line a: 30 paid, 30/50 of 8.00 points = 4.80, fee 10% of 25.20 = 2.52.
    assert (by_line[la.id].points_share, by_line[la.id].restocking_fee) == (D("4.80"), D("2.52"))
    assert by_line[la.id].refund == D("22.68")
    # Line b: half of 20 paid = 10, points 1.60, fee 0.84.
    assert by_line[lb.id].refund == D("7.56")
    assert (change_of_mind.shipping, change_of_mind.total) == (D("0.00"), D("30.24"))
    assert change_of_mind.points_back is None
    # The shop's fault, everything back: no fee, and shipping comes back too.
    fault = await preview.preview_return(
        order_id=order.id, units={la.id: 1, lb.id: 2}, reason=R.DEFECTIVE, terms=terms
    )
    assert fault.shipping == D(order.shipping_total)
    assert fault.total == D("42.00") + D(order.shipping_total)


async def test_refund_of_a_received_return_refunds_once_and_restocks_inspected_lines() -> None:
    user = await create_user()
    a, b = (
        await create_variant(price="20.00", stock=5),
        await create_variant(price="10.00", stock=5),
    )
    order = await delivered_order(user, (a, 1), (b, 1))
    la, lb = await _lines(order)
    case = await _open(user.id, order, {la.id: 1, lb.id: 1}, reason=R.SIZE_OR_AGE)
    assert (
        await _code(case_refund.refund_case(case_id=case.id, staff_id=1))
        == "TRANSITION_NOT_ALLOWED"
    )
    await staff.approve(case_id=case.id)
    lines = {cl.order_line_id: cl.id for cl in await case.lines.all()}
    assert (
        await _code(
            staff.receive(
                case_id=case.id, inspections=[Inspection(lines[la.id], InspectionResult.RESTOCK)]
            )
        )
        == "INSPECTION_INCOMPLETE"
    )
    await staff.receive(
        case_id=case.id,
        inspections=[
            Inspection(lines[la.id], InspectionResult.RESTOCK),
            Inspection(lines[lb.id], InspectionResult.MISSING),
        ],
    )
    stock_before = (await Variant.get(id=a.id)).stock
    done = await case_refund.refund_case(case_id=case.id, staff_id=1, terms=Policy())
    assert (done.status, done.refund_amount) == (S.REFUNDED, D("20.00"))
    refreshed = await Order.get(id=order.id)
    assert refreshed.refunded_total == D("20.00")  # the missing line is not refunded
    # The refund names the line it pays for (not the missing one), and so does its event.
    refund = await Refund.get(payment__order_id=order.id)
    assert refund.returned_lines == [[la.id, 1]]
    event = await DomainEvent.get(type="order.refunded", aggregate_id=str(order.id))
    assert event.payload["returnedLines"] == [
        {"lineId": global_id("OrderLine", la.id), "quantity": 1}
    ]
    assert (await Variant.get(id=a.id)).stock == stock_before + 1
    assert (await Variant.get(id=b.id)).stock == 4  # missing: nothing back on the shelf
    # Repeating the flow refunds and restocks nothing more.
    assert await case_refund.restock(case_id=case.id) == 0
    assert (
        await _code(case_refund.refund_case(case_id=case.id, staff_id=1))
        == "TRANSITION_NOT_ALLOWED"
    )
    assert (await Order.get(id=order.id)).refunded_total == D("20.00")
    resolved = await staff.resolve(case_id=case.id)
    assert resolved.status == S.RESOLVED


async def test_received_exchange_cannot_resolve_without_its_outcome() -> None:
    user = await create_user()
    variant = await create_variant(price="12.00", stock=5)
    order = await delivered_order(user, (variant, 1))
    line = (await _lines(order))[0]
    case = await _open(user.id, order, {line.id: 1}, kind=K.EXCHANGE, reason=R.SIZE_OR_AGE)
    await staff.approve(case_id=case.id)
    case_line = await case.lines.all().first()
    assert case_line is not None
    await staff.receive(
        case_id=case.id, inspections=[Inspection(case_line.id, InspectionResult.RESTOCK)]
    )
    # The replacement order (caseExchange) is the only way to EXCHANGED.
    assert await _code(staff.resolve(case_id=case.id)) == "TRANSITION_NOT_ALLOWED"
    assert (await Case.get(id=case.id)).status == S.RECEIVED
    assert (
        await _code(cases.customer_reply(case_id=case.id, customer_id=user.id + 99, body="x"))
        == "CASE_NOT_FOUND"
    )
