"""Checkout: placing orders atomically, idempotency, payments, reservations, refunds, cancels."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from models.catalog import Product, ProductStatus, Variant
from models.events import DomainEvent
from models.orders import (
    Cart,
    CartStatus,
    CouponKind,
    DeliveryMethod,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
)
from services.errors import DomainError, DomainErrors
from services.orders import cart as cart_service
from services.orders import checkout, details, refunds, reservations
from services.orders.details import AddressSpec
from services.orders.lifecycle import SYSTEM, Actor
from tests.factories import create_address, create_coupon, create_user, create_variant
from tests.orders._helpers import place, ready_cart

pytestmark = pytest.mark.usefixtures("database")
D = Decimal
STAFF = Actor("staff")


async def _stock(variant: Variant) -> int:
    return (await Variant.get(id=variant.id)).stock


async def _kinds(order: Order) -> list[str]:
    return [e.kind for e in await OrderEvent.filter(order_id=order.id)]


async def test_complete_checkout_places_and_pays_in_one_go() -> None:
    # Given a guest cart of 2 x 12.50 with standard delivery
    variant = await create_variant(price="12.50", stock=5)
    cart = await ready_cart((variant, 2))

    # When it is completed with a good card
    result = await place(cart)

    # Then the order is paid, stock taken, the cart closed, and the timeline written
    order = await Order.get(id=result.order.id)
    assert result.payment_error is None and not result.replayed
    assert order.status == OrderStatus.PAID and order.paid_at is not None
    assert (order.subtotal, order.shipping_total, order.total) == (
        D("25.00"),
        D("4.95"),
        D("29.95"),
    )
    assert order.email == "guest@example.com" and order.reserved_until is None
    assert order.shipping_address is not None and order.shipping_address["city"] == "Berlin"
    assert await _stock(variant) == 3
    assert (await Product.get(id=variant.product_id)).sales_count == 2
    assert (await Cart.get(id=cart.id)).status == CartStatus.ORDERED
    lines = await OrderLine.filter(order_id=order.id)
    assert [(x.sku, x.quantity, x.unit_price, x.total) for x in lines] == [
        (variant.sku, 2, D("12.50"), D("25.00"))
    ]
    payment = await Payment.get(order_id=order.id)
    assert (payment.status, payment.captured_amount) == (PaymentStatus.CAPTURED, D("29.95"))
    assert await _kinds(order) == ["placed", "paid"]
    # Analytics learns about the purchase from order.paid, written with the payment (its
    # consumer is tested in tests/events/test_reactions.py).
    written = await DomainEvent.filter(aggregate_type="order", aggregate_id=str(order.id))
    assert sorted(event.type for event in written) == ["order.paid", "order.placed"]


async def test_the_same_idempotency_key_returns_the_same_order() -> None:
    variant = await create_variant(stock=5)
    cart = await ready_cart((variant, 1))
    key = uuid.uuid4().hex
    first = await place(cart, key=key)
    second = await place(cart, key=key)
    assert second.replayed and second.order.id == first.order.id
    assert await Order.filter(idempotency_key=key).count() == 1
    assert await _stock(variant) == 4
    # Another caller cannot use (or learn about) that key.
    other = await ready_cart((variant, 1))
    with pytest.raises(DomainError) as caught:
        await place(other, key=key)
    assert caught.value.code == "IDEMPOTENCY_KEY_INVALID"


async def test_a_customer_without_a_contact_email_checks_out_with_their_account_email() -> None:
    user, variant = await create_user(), await create_variant()
    cart = await ready_cart((variant, 1), user=user, email=None)
    result = await place(cart, user=user)
    assert (result.order.user_id, result.order.email) == (user.id, user.email)
    replay = await place(cart, user=user, key=result.order.idempotency_key)
    assert replay.order.id == result.order.id


async def test_a_signed_in_customer_gets_the_email_set_at_checkout() -> None:
    # Given a customer who set another contact e-mail on their cart
    user, variant = await create_user(), await create_variant()
    cart = await ready_cart((variant, 1), user=user, email="Gift.Receipts@Example.com")

    # When they check out
    result = await place(cart, user=user)

    # Then the order goes to the contact e-mail, and still belongs to their account
    assert (result.order.user_id, result.order.email) == (user.id, "gift.receipts@example.com")
    assert user.email != "gift.receipts@example.com"


async def test_what_is_missing_is_reported_all_at_once() -> None:
    cart = await cart_service.create_cart(user_id=None)
    await cart_service.add_line(cart=cart, variant_id=(await create_variant()).id, quantity=1)
    with pytest.raises(DomainErrors) as caught:
        await place(cart)
    assert {e.code for e in caught.value.errors} == {
        "EMAIL_REQUIRED",
        "DELIVERY_METHOD_REQUIRED",
        "PAYMENT_METHOD_REQUIRED",
    }
    await details.set_delivery(cart=cart, method=DeliveryMethod.EXPRESS)
    with pytest.raises(DomainErrors) as again:
        await place(cart)
    assert "ADDRESS_REQUIRED" in {e.code for e in again.value.errors}
    assert (await Cart.get(id=cart.id)).status == CartStatus.OPEN


async def test_empty_cart_and_bad_keys() -> None:
    cart = await cart_service.create_cart(user_id=None)
    with pytest.raises(DomainError) as empty:
        await place(cart)
    assert empty.value.code == "CART_EMPTY"
    with pytest.raises(DomainError) as short:
        await place(cart, key="short")
    assert short.value.code == "IDEMPOTENCY_KEY_INVALID"
    with pytest.raises(DomainError) as no_cart:
        await checkout.complete_checkout(
            cart_token="nope", user_id=None, user_email=None, idempotency_key=uuid.uuid4().hex
        )
    assert no_cart.value.code == "CART_NOT_FOUND"


async def test_stock_or_availability_lost_before_ordering_stops_the_order() -> None:
    short, gone = await create_variant(stock=3), await create_variant(stock=3)
    cart = await ready_cart((short, 2), (gone, 1))
    await Variant.filter(id=short.id).update(stock=1)
    await Product.filter(id=gone.product_id).update(status=ProductStatus.ARCHIVED)
    with pytest.raises(DomainErrors) as caught:
        await place(cart)
    codes = {e.code: e for e in caught.value.errors}
    assert set(codes) == {"INSUFFICIENT_STOCK", "PRODUCT_UNAVAILABLE"}
    assert "Only 1 left" in codes["INSUFFICIENT_STOCK"].message
    assert await _stock(short) == 1 and await _stock(gone) == 3


@pytest.mark.parametrize(
    ("address", "field"),
    [
        (AddressSpec(full_name="", line1="a", city="b", postal_code="1", country="DE"), "fullName"),
        (
            AddressSpec(full_name="A", line1="a", city="b", postal_code=" ", country="DE"),
            "postalCode",
        ),
        (
            AddressSpec(full_name="A", line1="a", city="b", postal_code="1", country="DEU"),
            "country",
        ),
    ],
)
async def test_incomplete_address_names_the_field(address: AddressSpec, field: str) -> None:
    cart = await cart_service.create_cart(user_id=None)
    with pytest.raises(DomainError) as caught:
        await details.set_shipping_address(
            cart=cart, address=address, address_id=None, user_id=None
        )
    assert (caught.value.code, caught.value.field) == ("ADDRESS_INCOMPLETE", field)


async def test_saved_addresses_only_of_the_customer() -> None:
    owner, other = await create_user(), await create_user()
    saved = await create_address(owner, city="Hamburg")
    cart = await cart_service.create_cart(user_id=owner.id)
    await details.set_shipping_address(
        cart=cart, address=None, address_id=saved.id, user_id=owner.id
    )
    assert (await Cart.get(id=cart.id)).shipping_address["city"] == "Hamburg"  # type: ignore[index]
    theirs = await cart_service.create_cart(user_id=other.id)
    with pytest.raises(DomainError) as caught:
        await details.set_shipping_address(
            cart=theirs, address=None, address_id=saved.id, user_id=other.id
        )
    assert caught.value.code == "ADDRESS_NOT_FOUND"


async def test_delivery_date_window_email_and_payment_method_rules() -> None:
    cart = await cart_service.create_cart(user_id=None)
    today = datetime.now(UTC).date()

    async def code_of(**kwargs: object) -> str | None:
        try:
            await details.set_delivery(cart=cart, **kwargs)  # type: ignore[arg-type]
        except DomainError as refused:
            return refused.code
        return None

    standard = DeliveryMethod.STANDARD
    assert await code_of(method=standard, when=today) == "DELIVERY_DATE_INVALID"
    assert (
        await code_of(method=standard, when=today + timedelta(days=31)) == "DELIVERY_DATE_INVALID"
    )
    assert await code_of(method=standard, when=today + timedelta(days=30)) is None
    assert await code_of(method=standard, when=today + timedelta(days=2), window="08:00-09:00") == (
        "DELIVERY_WINDOW_INVALID"
    )
    assert await code_of(method=standard, window="09:00-12:00") == "DELIVERY_WINDOW_INVALID"
    assert (
        await code_of(
            method=DeliveryMethod.PARCEL_LOCKER,
            when=today + timedelta(days=1),
            window="09:00-12:00",
        )
        == "DELIVERY_WINDOW_INVALID"
    )
    assert (
        await code_of(method=standard, when=today + timedelta(days=1), window="18:00-21:00") is None
    )
    stored = await Cart.get(id=cart.id)
    assert (stored.delivery_date, stored.delivery_window) == (
        today + timedelta(days=1),
        "18:00-21:00",
    )
    assert isinstance(stored.delivery_date, date)
    with pytest.raises(DomainError) as bad_email:
        await details.set_email(cart=cart, email="not-an-email")
    assert bad_email.value.code == "EMAIL_INVALID"
    with pytest.raises(DomainError) as bad_method:
        await details.set_payment_method(cart=cart, method="cash-in-envelope")
    assert bad_method.value.code == "PAYMENT_METHOD_INVALID"


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("tok_declined", "CARD_DECLINED"),
        ("tok_insufficient_funds", "INSUFFICIENT_FUNDS"),
        ("tok_processing_error", "PAYMENT_PROVIDER_ERROR"),
    ],
)
async def test_a_failed_payment_leaves_the_order_unpaid_with_stock_reserved(
    token: str, code: str
) -> None:
    variant = await create_variant(stock=4)
    result = await place(await ready_cart((variant, 3)), payment_token=token)
    assert result.payment_error is not None and result.payment_error.code == code
    order = await Order.get(id=result.order.id)
    assert order.status == OrderStatus.UNPAID
    assert order.reserved_until is not None
    assert order.reserved_until - datetime.now(UTC) > timedelta(minutes=29)
    assert await _stock(variant) == 1  # still reserved for this order
    payment = await Payment.get(order_id=order.id)
    assert (payment.status, payment.failure_code) == (PaymentStatus.FAILED, code)
    assert await _kinds(order) == ["placed", "payment_failed"]

    # Retrying with a good card pays it.
    retry = await checkout.pay_order(order=order, payment_token="tok_visa", actor=SYSTEM)
    assert retry.payment_error is None
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    with pytest.raises(DomainError) as twice:
        await checkout.pay_order(
            order=await Order.get(id=order.id), payment_token="tok_visa", actor=SYSTEM
        )
    assert twice.value.code == "ALREADY_PAID"


async def test_expired_reservations_are_cancelled_and_restocked() -> None:
    variant = await create_variant(stock=5)
    coupon = await create_coupon(max_uses=10)
    cart = await ready_cart((variant, 2))
    await details.apply_coupon(cart=cart, code=coupon.code, user_id=None, email=None)
    result = await place(cart, payment_token="tok_declined")
    assert await _stock(variant) == 3
    # Given the reservation ended a minute ago
    past = datetime.now(UTC) - timedelta(minutes=1)
    await Order.filter(id=result.order.id).update(reserved_until=past)

    # Then paying is refused, and the sweep cancels the order and restocks it
    with pytest.raises(DomainError) as late:
        await checkout.pay_order(
            order=await Order.get(id=result.order.id), payment_token="tok_visa", actor=SYSTEM
        )
    assert late.value.code == "ORDER_NOT_PAYABLE"
    released = await reservations.release_expired_reservations()
    order = await Order.get(id=result.order.id)
    assert order.status == OrderStatus.CANCELLED
    assert released >= 1  # this order at least (other tests' expired orders may share the db)
    assert (await _kinds(order)).count("reservation_expired") == 1
    assert await _stock(variant) == 5
    assert (await Product.get(id=variant.product_id)).sales_count == 0
    assert "reservation_expired" in await _kinds(order)
    # Unexpired unpaid orders are left alone.
    fresh = await place(await ready_cart((variant, 1)), payment_token=None)
    await reservations.release_expired_reservations()
    assert (await Order.get(id=fresh.order.id)).status == OrderStatus.UNPAID


async def test_partial_then_full_refund() -> None:
    variant = await create_variant(price="20.00")
    order = (await place(await ready_cart((variant, 1)))).order  # 20.00 + 4.95
    assert order.total == D("24.95")

    partial = await refunds.refund_order(
        order_id=order.id,
        amount=D("5.00"),
        reason="Scratched box",
        actor=STAFF,
        idempotency_key="refund-a-1",
    )
    assert (partial.status, partial.refunded_total) == (OrderStatus.PARTIALLY_REFUNDED, D("5.00"))
    again = await refunds.refund_order(
        order_id=order.id,
        amount=D("5.00"),
        reason="Scratched box",
        actor=STAFF,
        idempotency_key="refund-a-1",
    )
    assert again.refunded_total == D("5.00")  # same key: nothing more refunded

    for amount, code in (
        (D("19.96"), "REFUND_EXCEEDS_CAPTURED"),
        (D("0"), "REFUND_INVALID"),
        (D("1.005"), "REFUND_INVALID"),
    ):
        with pytest.raises(DomainError) as caught:
            await refunds.refund_order(order_id=order.id, amount=amount, reason="", actor=STAFF)
        assert caught.value.code == code

    full = await refunds.refund_order(
        order_id=order.id, amount=D("19.95"), reason="Returned", actor=STAFF
    )
    assert (full.status, full.refunded_total) == (OrderStatus.REFUNDED, D("24.95"))
    payment = await Payment.get(order_id=order.id)
    assert (payment.status, payment.refunded_amount) == (PaymentStatus.REFUNDED, D("24.95"))
    assert await payment.refunds.all().count() == 2
    with pytest.raises(DomainError) as done:
        await refunds.refund_order(order_id=order.id, amount=D("0.01"), reason="", actor=STAFF)
    assert done.value.code == "TRANSITION_NOT_ALLOWED"
    assert (await _kinds(order))[-2:] == ["partially_refunded", "refunded"]


async def test_cancelling_a_paid_order_refunds_and_restocks() -> None:
    variant = await create_variant(price="10.00", stock=6)
    order = (await place(await ready_cart((variant, 2)))).order
    assert await _stock(variant) == 4
    cancelled = await refunds.cancel_order(
        order_id=order.id, actor=Actor("customer"), reason="Changed my mind"
    )
    assert cancelled.status == OrderStatus.CANCELLED
    assert cancelled.refunded_total == order.total
    assert await _stock(variant) == 6
    payment = await Payment.get(order_id=order.id)
    assert payment.status == PaymentStatus.REFUNDED
    last_event = await OrderEvent.filter(order_id=order.id).order_by("-id").first()
    assert last_event is not None
    assert "Refunding 24.95 EUR" in last_event.message
    with pytest.raises(DomainError) as twice:
        await refunds.cancel_order(order_id=order.id, actor=SYSTEM)
    assert twice.value.code == "CANCEL_NOT_ALLOWED"


async def test_shipped_orders_cannot_be_cancelled() -> None:
    from services.orders import fulfilment

    order = (await place(await ready_cart((await create_variant(), 1)))).order
    await fulfilment.fulfill_order(order_id=order.id, actor=STAFF)
    await fulfilment.mark_shipped(order_id=order.id, actor=STAFF)
    with pytest.raises(DomainError) as caught:
        await refunds.cancel_order(order_id=order.id, actor=SYSTEM)
    assert caught.value.code == "CANCEL_NOT_ALLOWED"


async def test_a_free_order_is_paid_without_a_payment() -> None:
    variant = await create_variant(price="8.00")
    coupon = await create_coupon(kind=CouponKind.PERCENTAGE, value=D("100"))
    cart = await ready_cart((variant, 1), method=DeliveryMethod.STORE_PICKUP)
    await details.apply_coupon(cart=cart, code=coupon.code, user_id=None, email=None)
    result = await place(cart, payment_token=None)
    assert result.order.total == D("0.00")
    assert (await Order.get(id=result.order.id)).status == OrderStatus.PAID
    assert not await Payment.filter(order_id=result.order.id).exists()


async def test_store_pickup_needs_no_address() -> None:
    cart = await cart_service.create_cart(user_id=None)
    await cart_service.add_line(cart=cart, variant_id=(await create_variant()).id, quantity=1)
    await details.set_email(cart=cart, email="pickup@example.com")
    await details.set_delivery(cart=cart, method=DeliveryMethod.STORE_PICKUP)
    await details.set_payment_method(cart=cart, method="test")
    assert (await place(cart)).order.shipping_address is None
