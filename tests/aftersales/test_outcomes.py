"""Outcomes through logistics and orders: the return parcel with label and tracking, the
exchange's replacement order with the difference charged or refunded, the repair's parcel
back, and lost parcels opening complaints."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from models.aftersales import Case, CaseKind, CaseReason, CaseStatus, InspectionResult
from models.catalog import Variant
from models.logistics import Shipment, ShipmentPurpose, ShipmentStatus
from models.orders import Order, OrderLine, OrderStatus, Refund
from services import clock
from services.aftersales import Inspection, LineRequest, staff
from services.errors import DomainError
from services.events.records import EventRecord
from services.flows import case_exchange, case_opening, case_parcels, late_shipment_case
from services.logistics import shipments, tracking
from services.logistics.adapters import TrackingUpdate
from services.orders.checkout import pay_order
from services.orders.lifecycle import Actor
from services.orders.replacements import ReplacementLine
from tests.aftersales._helpers import delivered_order
from tests.factories import create_user, create_variant
from tests.logistics._helpers import carrier, number, order_with

pytestmark = pytest.mark.usefixtures("database")
K, R, S = CaseKind, CaseReason, CaseStatus
LABEL = "https://labels.example.com/ret-1.pdf"


async def _code(call: object) -> str:
    with pytest.raises(DomainError) as refused:
        await call  # type: ignore[misc]
    return refused.value.code


async def _received(kind: CaseKind, price: str = "20.00", reason: CaseReason = R.SIZE_OR_AGE):  # type: ignore[no-untyped-def]
    user = await create_user()
    variant = await create_variant(price=price, stock=10)
    order = await delivered_order(user, (variant, 1))
    line = await OrderLine.get(order_id=order.id)
    case = await case_opening.open_case(
        customer_id=user.id, kind=kind, reason=reason, order_id=order.id,
        lines=[LineRequest(line.id, 1)],
    )  # fmt: skip
    await staff.approve(case_id=case.id)
    case_line = await case.lines.all().first()
    assert case_line is not None
    await staff.receive(
        case_id=case.id, inspections=[Inspection(case_line.id, InspectionResult.RESTOCK)]
    )
    return user, variant, order, await Case.get(id=case.id)


def _record(type: str, shipment: Shipment, position: int, **payload: object) -> EventRecord:
    return EventRecord(
        id=f"evt-{type}-{shipment.id}-{position}",
        type=type,
        aggregate_type="shipment",
        aggregate_id=str(shipment.id),
        sequence=position,
        version=1,
        actor="system",
        occurred_at=clock.now(),
        position=position,
        payload={"orderPk": shipment.order_id, **payload},
    )


async def test_return_parcel_with_label_and_tracking_through_logistics() -> None:
    dhl = await carrier("dhl")
    user = await create_user()
    variant = await create_variant(price="20.00", stock=5)
    order = await delivered_order(user, (variant, 2))
    line = await OrderLine.get(order_id=order.id)
    case = await case_opening.open_case(
        customer_id=user.id, kind=K.RETURN, reason=R.UNWANTED, order_id=order.id,
        lines=[LineRequest(line.id, 2)],
    )  # fmt: skip
    # Not before approval.
    code = await _code(case_parcels.send_return_parcel(case_id=case.id, carrier_code="dhl"))
    assert code == "TRANSITION_NOT_ALLOWED"
    await staff.approve(case_id=case.id)
    assert await _code(case_parcels.send_return_parcel(case_id=case.id, carrier_code="nope")) == (
        "CARRIER_NOT_FOUND"
    )
    tracking_number = number()
    sent = await case_parcels.send_return_parcel(
        case_id=case.id, carrier_code="dhl", tracking_number=tracking_number, label_url=LABEL
    )
    parcel = await Shipment.get(id=sent.return_shipment_id)
    assert (parcel.purpose, parcel.label_url, parcel.tracking_number) == (
        ShipmentPurpose.RETURN,
        LABEL,
        tracking_number,
    )
    assert tracking_number in parcel.tracking_url
    assert [(li.order_line_id, li.quantity) for li in await parcel.lines.all()] == [(line.id, 2)]
    # Asking again makes no second parcel.
    again = await case_parcels.send_return_parcel(case_id=case.id, carrier_code="dhl")
    assert again.return_shipment_id == parcel.id
    assert await Shipment.filter(order_id=order.id).count() == 1
    # The parcel does not count as the order's shipping, and promises nothing.
    assert await shipments.shipped_units(order.id) == {}
    assert (await shipments.order_progress(order_id=order.id)).shipped == 0
    assert parcel.promised_to is None
    # The carrier's scans track it; its delivery lands on the case's timeline, once.
    moved = await tracking.ingest(
        carrier=dhl,
        updates=[
            TrackingUpdate(
                tracking_number=tracking_number,
                status=ShipmentStatus.DELIVERED,
                occurred_at=clock.now(),
                carrier_code="DELIVERED",
            )
        ],
        source="test",
    )
    assert moved.received == 1
    delivered = await Shipment.get(id=parcel.id)
    assert delivered.status == ShipmentStatus.DELIVERED
    record = _record("shipment.delivered", delivered, 1, purpose="return")
    await case_parcels.after_return_parcel_delivered(record)
    await case_parcels.after_return_parcel_delivered(record)
    kinds = await sent.timeline.all().values_list("kind", flat=True)
    assert list(kinds).count("return_parcel") == 1
    assert list(kinds).count("return_parcel_delivered") == 1


async def test_exchange_for_a_dearer_toy_charges_the_difference_once() -> None:
    user, returned, order, case = await _received(K.EXCHANGE, "20.00")
    dearer = await create_variant(price="35.00", stock=3)
    done = await case_exchange.exchange_case(
        case_id=case.id, staff_id=1, lines=[ReplacementLine(dearer.id, 1)]
    )
    assert (done.status, done.exchange_difference) == (S.EXCHANGED, D("15.00"))
    replacement = await Order.get(id=done.replacement_order_id)
    assert (replacement.user_id, replacement.status) == (user.id, OrderStatus.UNPAID)
    assert (replacement.subtotal, replacement.discount_total, replacement.total) == (
        D("35.00"),
        D("20.00"),
        D("15.00"),
    )
    assert replacement.shipping_address == order.shipping_address
    new_line = await OrderLine.get(order_id=replacement.id)
    assert (new_line.variant_id, new_line.discount, new_line.total) == (
        dearer.id,
        D("20.00"),
        D("15.00"),
    )
    assert (await Variant.get(id=dearer.id)).stock == 2  # taken for the replacement
    assert (await Variant.get(id=returned.id)).stock == 10  # the returned unit restocked
    # Repeating places nothing more and restocks nothing more.
    again = await case_exchange.exchange_case(
        case_id=case.id, staff_id=1, lines=[ReplacementLine(dearer.id, 1)]
    )
    assert again.replacement_order_id == replacement.id
    assert await Order.filter(idempotency_key=f"case-{case.id}-exchange").count() == 1
    assert (await Variant.get(id=dearer.id)).stock == 2
    assert (await Variant.get(id=returned.id)).stock == 10
    # The customer pays the difference like any order; nothing is refunded.
    paid = await pay_order(order=replacement, payment_token="tok_visa", actor=Actor("customer"))
    assert paid.payment_error is None
    assert (await Order.get(id=replacement.id)).status == OrderStatus.PAID
    assert not await Refund.filter(payment__order_id=order.id).exists()
    assert (await staff.resolve(case_id=case.id)).status == S.RESOLVED


async def test_exchange_for_a_cheaper_toy_refunds_the_rest_once() -> None:
    _, _, order, case = await _received(K.EXCHANGE, "20.00")
    cheaper = await create_variant(price="12.00", stock=3)
    done = await case_exchange.exchange_case(
        case_id=case.id, staff_id=1, lines=[ReplacementLine(cheaper.id, 1)]
    )
    assert done.exchange_difference == D("-8.00")
    replacement = await Order.get(id=done.replacement_order_id)
    assert (replacement.total, replacement.status) == (D("0.00"), OrderStatus.PAID)
    assert (await Order.get(id=order.id)).refunded_total == D("8.00")
    await case_exchange.exchange_case(
        case_id=case.id, staff_id=1, lines=[ReplacementLine(cheaper.id, 1)]
    )
    refunds = await Refund.filter(payment__order_id=order.id)
    assert [D(r.amount) for r in refunds] == [D("8.00")]
    assert (await Order.get(id=order.id)).refunded_total == D("8.00")


async def test_exchange_refusals_are_typed_and_change_nothing() -> None:
    _, _, _, case = await _received(K.EXCHANGE, "20.00")
    sold_out = await create_variant(price="5.00", stock=0)
    code = await _code(
        case_exchange.exchange_case(
            case_id=case.id, staff_id=1, lines=[ReplacementLine(sold_out.id, 1)]
        )
    )
    assert code == "INSUFFICIENT_STOCK"
    code = await _code(
        case_exchange.exchange_case(case_id=case.id, staff_id=1, lines=[ReplacementLine(-1, 1)])
    )
    assert code == "VARIANT_NOT_FOUND"
    assert (await Case.get(id=case.id)).status == S.RECEIVED
    assert not await Order.filter(idempotency_key=f"case-{case.id}-exchange").exists()
    _, _, _, a_return = await _received(K.RETURN, "20.00")
    code = await _code(
        case_exchange.exchange_case(
            case_id=a_return.id, staff_id=1, lines=[ReplacementLine(sold_out.id, 1)]
        )
    )
    assert code == "TRANSITION_NOT_ALLOWED"


async def test_repair_goes_back_in_its_own_parcel() -> None:
    await carrier("dhl")
    _, _, order, case = await _received(K.REPAIR, "40.00", R.DEFECTIVE)
    assert await _code(staff.resolve(case_id=case.id)) == "TRANSITION_NOT_ALLOWED"
    done = await case_parcels.ship_repair(
        case_id=case.id, carrier_code="dhl", tracking_number=number()
    )
    assert done.status == S.REPAIRED
    parcel = await Shipment.get(id=done.outbound_shipment_id)
    assert parcel.purpose == ShipmentPurpose.REPAIR
    again = await case_parcels.ship_repair(case_id=case.id, carrier_code="dhl")
    assert again.outbound_shipment_id == parcel.id
    assert await Shipment.filter(order_id=order.id).count() == 1
    assert (await staff.resolve(case_id=case.id)).status == S.RESOLVED


async def test_lost_parcel_opens_one_complaint_other_exceptions_none() -> None:
    user = await create_user()
    await carrier("dhl")
    order = await order_with([1], user=user)
    parcel = await shipments.create_shipment(
        order_id=order.id, carrier_code="dhl", tracking_number=number()
    )
    delayed = _record("shipment.exception", parcel, 1, subStatus="Exception_004", purpose="order")
    await late_shipment_case.after_shipment_exception(delayed)
    assert not await Case.exists(shipment_id=parcel.id)
    lost = _record("shipment.exception", parcel, 2, subStatus="Exception_013", purpose="order")
    await late_shipment_case.after_shipment_exception(lost)
    await late_shipment_case.after_shipment_exception(lost)
    opened = await Case.filter(shipment_id=parcel.id)
    assert len(opened) == 1
    assert (opened[0].kind, opened[0].reason, opened[0].customer_id) == (
        K.COMPLAINT,
        R.OTHER,
        user.id,
    )
    # A return parcel lost on its way back opens no delivery complaint.
    other = await shipments.create_shipment(
        order_id=(await order_with([1], user=user)).id, carrier_code="dhl", tracking_number=number()
    )
    back = _record("shipment.exception", other, 1, subStatus="lost", purpose="return")
    await late_shipment_case.after_shipment_exception(back)
    assert not await Case.exists(shipment_id=other.id)
