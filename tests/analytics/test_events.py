"""The analytics service: purchases recorded from orders, and events read back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from models.accounts import User
from models.analytics import BehaviourEvent, EventKind
from models.orders import Cart, Order, OrderLine, OrderStatus
from services.analytics.purchases import record_order_purchases, record_purchases
from services.analytics.shoppers import recent_events
from services.analytics.tracking import TrackedEvent, clamp_time, track_events
from tests.factories import create_user, create_variant, unique

pytestmark = pytest.mark.usefixtures("database")


async def _order(
    user: User | None, status: OrderStatus, *, cart: Cart | None = None, returned: int = 0
) -> tuple[Order, list[OrderLine]]:
    placed = datetime(2024, 3, 1, 12, 30, tzinfo=UTC)
    order = await Order.create(
        number=unique("T"),
        user=user,
        cart=cart,
        status=status,
        subtotal=Decimal("30.00"),
        total=Decimal("30.00"),
        placed_at=placed,
    )
    lines = []
    for quantity in (1, 2):
        variant = await create_variant(price="10.00")
        lines.append(
            await OrderLine.create(
                order=order,
                variant=variant,
                product_id=variant.product_id,
                product_name="Toy",
                sku=variant.sku,
                quantity=quantity,
                unit_price=Decimal("10.00"),
                total=Decimal(10 * quantity),
                returned_quantity=returned,
            )
        )
    return order, lines


async def test_record_purchases_writes_one_event_per_line_once() -> None:
    user = await create_user()
    order, lines = await _order(user, OrderStatus.COMPLETED)
    assert await record_purchases(order_id=order.id) == 2
    assert await record_purchases(order_id=order.id) == 0
    rows = await BehaviourEvent.filter(order_id=order.id).order_by("id")
    assert [(r.kind, r.user_id, r.product_id, r.quantity) for r in rows] == [
        (EventKind.PURCHASE, user.id, line.product_id, line.quantity) for line in lines
    ]
    assert rows[0].occurred_at == order.placed_at
    assert rows[0].context == {"source": "order"}


async def test_unbought_orders_and_returned_units_are_not_purchases() -> None:
    cancelled, _ = await _order(None, OrderStatus.CANCELLED)
    unpaid, _ = await _order(None, OrderStatus.UNPAID)
    returned, _ = await _order(await create_user(), OrderStatus.PARTIALLY_REFUNDED, returned=1)
    assert await record_order_purchases(order_ids=[cancelled.id, unpaid.id]) == 0
    # One of one unit came back (nothing bought); one of two is kept.
    assert await record_purchases(order_id=returned.id) == 1
    assert [e.quantity for e in await BehaviourEvent.filter(order_id=returned.id)] == [1]


async def test_guest_purchases_carry_the_cart_token_and_consent_is_respected() -> None:
    cart = await Cart.create(token=unique("token"))
    guest_order, _ = await _order(None, OrderStatus.PAID, cart=cart)
    declined = await create_user(personalization=False)
    private_order, _ = await _order(declined, OrderStatus.DELIVERED)
    assert await record_order_purchases(order_ids=[guest_order.id, private_order.id]) == 4
    guest_events = await BehaviourEvent.filter(order_id=guest_order.id)
    assert {(e.user_id, e.anonymous_id) for e in guest_events} == {(None, cart.token)}
    private = await BehaviourEvent.filter(order_id=private_order.id)
    assert {e.context.get("personalization") for e in private} == {"off"}


async def test_recent_events_are_newest_first_and_join_guest_and_account() -> None:
    user = await create_user()
    anonymous = unique("anon")
    variant = await create_variant()
    now = datetime.now(UTC)
    old = TrackedEvent(
        kind=EventKind.VIEW, product_id=variant.product_id, occurred_at=now - timedelta(days=3)
    )
    new = TrackedEvent(kind=EventKind.SEARCH, query="blocks", occurred_at=now - timedelta(hours=1))
    await track_events(events=[old], user_id=None, anonymous_id=anonymous)
    await track_events(events=[new], user_id=user.id, anonymous_id=None)
    both = await recent_events(
        user_id=user.id, anonymous_id=anonymous, since=now - timedelta(days=7), limit=10
    )
    assert [e.kind for e in both] == [EventKind.SEARCH, EventKind.VIEW]
    assert both[0].query == "blocks" and not both[0].personalization_off
    recent = await recent_events(
        user_id=user.id, anonymous_id=anonymous, since=now - timedelta(days=1), limit=10
    )
    assert [e.kind for e in recent] == [EventKind.SEARCH]
    assert (
        len(await recent_events(anonymous_id=anonymous, since=now - timedelta(days=7), limit=1))
        == 1
    )
    assert await recent_events(since=now - timedelta(days=7), limit=10) == []


def test_clamp_time_trusts_only_the_last_seven_days() -> None:
    now = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
    assert clamp_time(now - timedelta(days=6, hours=23), now) == now - timedelta(days=6, hours=23)
    assert clamp_time(now - timedelta(days=7, seconds=1), now) == now
    assert clamp_time(now + timedelta(seconds=1), now) == now
    assert clamp_time(datetime(2024, 5, 10, 11, 0), now) == datetime(2024, 5, 10, 11, 0, tzinfo=UTC)
    assert clamp_time(None, now) == now
