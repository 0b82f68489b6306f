"""Orders emit their events with the change: checkout, payment, the warehouse, cancel, refunds."""

from __future__ import annotations

from decimal import Decimal

import pytest
from strawberry.relay import to_base64

from models.catalog import Variant
from models.orders import OrderEvent, OrderStatus
from services.errors import DomainError
from services.events import actors
from services.orders import fulfilment, refunds
from services.orders.lifecycle import Actor
from tests.events._helpers import events_of, payloads_of, types_of
from tests.factories import create_user, create_variant
from tests.orders._helpers import place, ready_cart

pytestmark = pytest.mark.usefixtures("database")
STAFF = Actor("staff")


async def test_checkout_writes_order_placed_paid_and_the_stock_changes() -> None:
    # Given a customer's cart of 2 + 1 units of two variants
    user = await create_user()
    first, second = await create_variant(stock=5), await create_variant(stock=1, price="5.00")
    cart = await ready_cart((first, 2), (second, 1), user=user)

    # When the customer places and pays it
    with actors.acting_as(actors.customer(user.id)):
        order = (await place(cart, user=user)).order

    # Then the order's stream is placed then paid, by the customer, with global ids
    events = await events_of("order", order.id)
    assert [(e.type, e.sequence, e.actor) for e in events] == [
        ("order.placed", 1, f"customer:{user.id}"),
        ("order.paid", 2, f"customer:{user.id}"),
    ]
    placed = events[0].payload
    assert placed["orderId"] == to_base64("Order", order.id)
    assert placed["customerId"] == to_base64("User", user.id)
    assert (placed["total"], placed["currency"], placed["status"]) == (
        str(order.total),
        order.currency,
        "UNPAID",
    )
    assert [(line["variantId"], line["quantity"]) for line in placed["lines"]] == [
        (to_base64("Variant", first.id), 2),
        (to_base64("Variant", second.id), 1),
    ]
    assert "email" not in placed and "shippingAddress" not in placed
    assert events[1].payload["status"] == "PAID" and events[1].payload["paidAt"]
    # And each variant's stock change, with the product it belongs to
    assert await payloads_of("variant", first.id, "variant.stock_changed") == [
        {
            "variantId": to_base64("Variant", first.id),
            "productId": to_base64("Product", first.product_id),
            "oldStock": 5,
            "newStock": 3,
            "reason": "checkout",
        }
    ]
    assert [
        (p["oldStock"], p["newStock"])
        for p in await payloads_of("variant", second.id, "variant.stock_changed")
    ] == [(1, 0)]


async def test_a_checkout_short_of_stock_emits_nothing() -> None:
    # Given a cart whose second variant sells out before checkout
    plenty, scarce = await create_variant(stock=5), await create_variant(stock=3)
    cart = await ready_cart((plenty, 1), (scarce, 2))
    await Variant.filter(id=scarce.id).update(stock=1)

    # When checkout fails on the second variant's stock
    with pytest.raises(DomainError):
        await place(cart)

    # Then neither the first variant's decrement nor an order event survived the rollback
    assert (await Variant.get(id=plenty.id)).stock == 5
    assert await types_of("variant", plenty.id) == []
    assert await types_of("variant", scarce.id) == []


async def test_the_order_stream_follows_its_timeline() -> None:
    # Given a paid order moved through the warehouse
    order = (await place(await ready_cart((await create_variant(stock=4), 1)))).order
    for step in (
        fulfilment.fulfill_order,
        fulfilment.mark_shipped,
        fulfilment.mark_delivered,
        fulfilment.complete_order,
    ):
        await step(order_id=order.id, actor=STAFF)

    # Then its events are numbered 1..6 in the order of its timeline
    events = await events_of("order", order.id)
    assert [(e.sequence, e.type) for e in events] == [
        (1, "order.placed"),
        (2, "order.paid"),
        (3, "order.fulfilled"),
        (4, "order.shipped"),
        (5, "order.delivered"),
        (6, "order.completed"),
    ]
    timeline = [e.kind for e in await OrderEvent.filter(order_id=order.id).order_by("id")]
    assert timeline == ["placed", "paid", "fulfilling", "shipped", "delivered", "completed"]
    assert events[-1].payload["status"] == "COMPLETED"


async def test_a_transition_that_is_refused_emits_nothing() -> None:
    order = (await place(await ready_cart((await create_variant(), 1)))).order
    with pytest.raises(DomainError):
        await fulfilment.mark_delivered(order_id=order.id, actor=STAFF)
    assert await types_of("order", order.id) == ["order.placed", "order.paid"]


async def test_cancelling_restocks_and_a_sold_out_variant_is_back_in_stock() -> None:
    # Given an unpaid order that took the last unit
    variant = await create_variant(stock=1)
    order = (await place(await ready_cart((variant, 1)), payment_token=None)).order

    # When it is cancelled
    await refunds.cancel_order(order_id=order.id, actor=STAFF, reason="changed mind")

    # Then order.cancelled, and the variant's stock goes 1 -> 0 -> 1, back in stock
    cancelled = await payloads_of("order", order.id, "order.cancelled")
    assert [(p["status"], p["reason"], p["refunding"]) for p in cancelled] == [
        ("CANCELLED", "changed mind", "0.00")
    ]
    events = await events_of("variant", variant.id)
    assert [(e.type, e.payload.get("oldStock"), e.payload["newStock"]) for e in events] == [
        ("variant.stock_changed", 1, 0),
        ("variant.stock_changed", 0, 1),
        ("variant.back_in_stock", None, 1),
    ]
    assert events[1].payload["reason"] == "cancellation"


async def test_refunds_say_how_much_and_whether_in_full() -> None:
    order = (await place(await ready_cart((await create_variant(price="10.00"), 2)))).order
    await refunds.refund_order(order_id=order.id, amount=Decimal("5.00"), reason="", actor=STAFF)
    rest = Decimal(order.total) - Decimal("5.00")
    await refunds.refund_order(order_id=order.id, amount=rest, reason="", actor=STAFF)

    refunded = await payloads_of("order", order.id, "order.refunded")
    assert [(p["amount"], p["full"], p["status"]) for p in refunded] == [
        ("5.00", False, OrderStatus.PARTIALLY_REFUNDED.name),
        (str(rest), True, OrderStatus.REFUNDED.name),
    ]
    assert refunded[-1]["refundedTotal"] == str(order.total)


async def test_a_declined_card_emits_payment_failed_and_no_paid() -> None:
    order = (
        await place(await ready_cart((await create_variant(), 1)), payment_token="tok_declined")
    ).order
    assert await types_of("order", order.id) == ["order.placed", "order.payment_failed"]
    failed = (await payloads_of("order", order.id, "order.payment_failed"))[0]
    assert failed["code"] == "CARD_DECLINED" and failed["status"] == "UNPAID"
