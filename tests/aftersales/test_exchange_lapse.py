"""An exchange's replacement left unpaid until its reservation runs out is cancelled by the
reservation sweep; the case goes back to RECEIVED (on its timeline, with
case.status_changed) and staff can place another replacement."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest

from models.aftersales import Case, CaseStatus, CaseTimelineEntry
from models.catalog import Variant
from models.events import DomainEvent
from models.orders import Order, OrderStatus
from services import clock
from services.aftersales import staff
from services.errors import DomainError
from services.events.records import EventRecord
from services.flows import case_exchange
from services.orders.checkout import pay_order
from services.orders.lifecycle import Actor
from services.orders.replacements import ReplacementLine
from services.orders.reservations import RESERVATION_TTL, release_expired_reservations
from tests.aftersales.test_outcomes import K, _received
from tests.factories import create_variant

pytestmark = pytest.mark.usefixtures("database")
S = CaseStatus


async def _cancelled_event(order_id: int) -> EventRecord:
    row = await DomainEvent.get(
        aggregate_type="order", aggregate_id=str(order_id), type="order.cancelled"
    )
    # As the durable consumer receives it (no relay runs here to give it a position).
    return EventRecord(
        id=row.event_id, type=row.type, aggregate_type="order", aggregate_id=str(order_id),
        sequence=row.sequence, version=1, actor="system", occurred_at=clock.now(),
        position=1, payload=row.payload,
    )  # fmt: skip


async def test_lapsed_replacement_sends_the_case_back_for_another() -> None:
    _, returned, _, case = await _received(K.EXCHANGE, "20.00")
    dearer = await create_variant(price="35.00", stock=3)
    done = await case_exchange.exchange_case(
        case_id=case.id, staff_id=1, lines=[ReplacementLine(dearer.id, 1)]
    )
    first = await Order.get(id=done.replacement_order_id)
    assert first.status == OrderStatus.UNPAID
    # Staff cannot resolve over a replacement that is not paid.
    with pytest.raises(DomainError) as early:
        await staff.resolve(case_id=case.id)
    assert early.value.code == "TRANSITION_NOT_ALLOWED"

    # The customer never pays: the reservation sweep cancels it and its stock comes back.
    later = clock.now() + RESERVATION_TTL + timedelta(minutes=1)
    assert await release_expired_reservations(now=later) >= 1
    assert (await Order.get(id=first.id)).status == OrderStatus.CANCELLED
    assert (await Variant.get(id=dearer.id)).stock == 3
    record = await _cancelled_event(first.id)
    await case_exchange.after_order_cancelled(record)
    await case_exchange.after_order_cancelled(record)  # a redelivery changes nothing

    back = await Case.get(id=case.id)
    assert back.status == S.RECEIVED
    assert (back.replacement_order_id, back.exchange_difference) == (None, None)
    lapses = await CaseTimelineEntry.filter(case_id=case.id, kind="replacement_cancelled")
    assert [e.data["replacementOrder"] for e in lapses] == [first.id]
    moves = await DomainEvent.filter(
        aggregate_type="case", aggregate_id=str(case.id), type="case.status_changed"
    ).order_by("sequence")
    assert [(m.payload["previousStatus"], m.payload["status"]) for m in moves][-1] == (
        "EXCHANGED",
        "RECEIVED",
    )

    # Staff place another replacement (a new order, not the dead one replayed), it is
    # paid, and the case resolves; the returned unit was restocked once only.
    again = await case_exchange.exchange_case(
        case_id=case.id, staff_id=1, lines=[ReplacementLine(dearer.id, 1)]
    )
    second = await Order.get(id=again.replacement_order_id)
    assert second.id != first.id and second.status == OrderStatus.UNPAID
    assert (again.status, again.exchange_difference) == (S.EXCHANGED, D("15.00"))
    assert second.idempotency_key == f"case-{case.id}-exchange-2"
    assert (await Variant.get(id=returned.id)).stock == 10
    paid = await pay_order(order=second, payment_token="tok_visa", actor=Actor("customer"))
    assert paid.payment_error is None
    assert (await staff.resolve(case_id=case.id)).status == S.RESOLVED


async def test_other_cancelled_orders_leave_cases_alone() -> None:
    _, _, order, case = await _received(K.EXCHANGE, "20.00")
    cheaper = await create_variant(price="12.00", stock=3)
    done = await case_exchange.exchange_case(
        case_id=case.id, staff_id=1, lines=[ReplacementLine(cheaper.id, 1)]
    )
    record = EventRecord(
        id="evt-unrelated",
        type="order.cancelled",
        aggregate_type="order",
        aggregate_id=str(order.id),
        sequence=1,
        version=1,
        actor="system",
        occurred_at=clock.now(),
        position=1,
        payload={"orderId": "T3JkZXI6OTk5OTk5OQ=="},  # Order:9999999, nobody's replacement
    )
    await case_exchange.after_order_cancelled(record)
    kept = await Case.get(id=case.id)
    assert (kept.status, kept.replacement_order_id) == (S.EXCHANGED, done.replacement_order_id)
