"""The order state machine: allowed transitions only, one place, with a timeline."""

from __future__ import annotations

import pytest

from models.events import DomainEvent
from models.orders import Order, OrderEvent, OrderStatus
from services.errors import DomainError
from services.orders import fulfilment, lifecycle
from services.orders.lifecycle import ALLOWED, SYSTEM, Actor
from services.transactions import transaction
from tests.factories import create_order, create_user

pytestmark = pytest.mark.usefixtures("database")
S = OrderStatus

ILLEGAL = [
    (S.UNPAID, S.SHIPPED),
    (S.UNPAID, S.REFUNDED),
    (S.PAID, S.DELIVERED),
    (S.FULFILLING, S.PAID),
    (S.SHIPPED, S.CANCELLED),
    (S.DELIVERED, S.FULFILLING),
    (S.COMPLETED, S.CANCELLED),
    (S.CANCELLED, S.PAID),
    (S.REFUNDED, S.PARTIALLY_REFUNDED),
    (S.PARTIALLY_REFUNDED, S.UNPAID),
]


@pytest.mark.parametrize(("current", "target"), ILLEGAL)
async def test_illegal_transitions_are_refused_and_leave_no_trace(
    current: OrderStatus, target: OrderStatus
) -> None:
    order = await create_order(None, status=current.value)
    with pytest.raises(DomainError) as caught:
        await lifecycle.transition(order, target, actor=SYSTEM, message="try")
    assert caught.value.code == "TRANSITION_NOT_ALLOWED"
    assert (await Order.get(id=order.id)).status == current
    assert not await OrderEvent.filter(order_id=order.id).exists()


def test_terminal_states_lead_nowhere_and_every_state_is_covered() -> None:
    assert set(ALLOWED) == set(OrderStatus)
    assert ALLOWED[S.CANCELLED] == frozenset() and ALLOWED[S.REFUNDED] == frozenset()
    assert not lifecycle.can_transition(S.UNPAID, S.FULFILLING)
    assert lifecycle.can_transition("paid", "fulfilling")


async def test_the_happy_path_writes_the_timeline_with_who_did_it() -> None:
    staff = await create_user()
    order = await create_order(None, status="paid")
    who = Actor("staff", staff.id)
    await fulfilment.fulfill_order(order_id=order.id, actor=who)
    await fulfilment.mark_shipped(order_id=order.id, actor=who, tracking_note="DHL 123")
    await fulfilment.mark_delivered(order_id=order.id, actor=who)
    await fulfilment.complete_order(order_id=order.id, actor=SYSTEM)
    assert (await Order.get(id=order.id)).status == S.COMPLETED
    events = await OrderEvent.filter(order_id=order.id)
    assert [(e.kind, e.actor, e.actor_user_id) for e in events] == [
        ("fulfilling", "staff", staff.id),
        ("shipped", "staff", staff.id),
        ("delivered", "staff", staff.id),
        ("completed", "system", None),
    ]
    assert events[1].message == "Shipped. DHL 123"


async def test_a_transition_from_a_stale_status_loses() -> None:
    order = await create_order(None, status="paid")
    stale = await Order.get(id=order.id)
    # A transition writes its domain event, so it runs in a managed transaction.
    async with transaction():
        await lifecycle.transition(order, S.FULFILLING, actor=SYSTEM, message="first")
    with pytest.raises(DomainError) as caught:
        async with transaction():
            await lifecycle.transition(stale, S.CANCELLED, actor=SYSTEM, message="second")
    assert caught.value.code == "TRANSITION_NOT_ALLOWED"
    assert (await Order.get(id=order.id)).status == S.FULFILLING
    assert await OrderEvent.filter(order_id=order.id).count() == 1
    kinds = await DomainEvent.filter(aggregate_type="order", aggregate_id=str(order.id))
    assert [event.type for event in kinds] == ["order.fulfilled"]


async def test_unknown_order_is_not_found() -> None:
    with pytest.raises(DomainError) as caught:
        await fulfilment.fulfill_order(order_id=-1, actor=SYSTEM)
    assert caught.value.code == "ORDER_NOT_FOUND"
