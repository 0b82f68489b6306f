"""Placing the order: re-price, take stock and coupon uses atomically, then take payment."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from models.catalog import Product, Variant
from models.orders import Cart, CartStatus, DeliveryMethod, Order, OrderLine, OrderStatus
from services import clock
from services.catalog import stock
from services.errors import DomainError, DomainErrors
from services.flows import member_pricing
from services.orders import coupons as coupon_rules
from services.orders import emission, lifecycle, payments
from services.orders.cart import require_cart
from services.orders.coupons import Customer, customer_of
from services.orders.details import check_delivery_date
from services.orders.errors import OrderErrorCode, StockError, error
from services.orders.lifecycle import Actor
from services.orders.pricing import Pricing, price_cart
from services.orders.reservations import RESERVATION_TTL
from services.transactions import transaction

C = OrderErrorCode
IDEMPOTENCY_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")
NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class CheckoutResult:
    order: Order
    payment_error: DomainError | None = None
    replayed: bool = False


def _order_number(at: datetime) -> str:
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))
    return f"SG{at:%y%m%d}-{suffix}"


async def _replay(key: str, *, cart_token: str | None, user_id: int | None) -> Order | None:
    """The order already placed with this key by this caller; another caller's key is refused."""
    order = await Order.get_or_none(idempotency_key=key)
    if order is None:
        return None
    if user_id is not None and order.user_id == user_id:
        return order
    if order.user_id is None and cart_token and order.cart_id is not None:
        cart = await Cart.get_or_none(id=order.cart_id)
        if cart is not None and secrets.compare_digest(cart.token, cart_token):
            return order
    raise error(
        C.IDEMPOTENCY_KEY_INVALID,
        "This idempotency key was already used; send a new one for a new order.",
        field="idempotencyKey",
    )


def _check_ready(cart: Cart, pricing: Pricing, *, email: str | None, today: date) -> None:
    problems: list[DomainError] = []
    if not pricing.lines:
        raise error(C.CART_EMPTY, "The cart is empty.", field="lines")
    if not email:
        problems.append(
            error(C.EMAIL_REQUIRED, "Give an email address for the receipt.", field="email")
        )
    if cart.delivery_method is None:
        problems.append(
            error(C.DELIVERY_METHOD_REQUIRED, "Choose a delivery method.", field="method")
        )
    elif cart.delivery_method != DeliveryMethod.STORE_PICKUP and not cart.shipping_address:
        problems.append(error(C.ADDRESS_REQUIRED, "Add a shipping address.", field="address"))
    try:
        check_delivery_date(cart.delivery_date, today=today)
    except DomainError as problem:
        problems.append(problem)
    if pricing.total > 0 and not cart.payment_method:
        problems.append(
            error(C.PAYMENT_METHOD_REQUIRED, "Choose a payment method.", field="paymentMethod")
        )
    problems.extend(pricing.problems)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise DomainErrors(problems)


async def _take_stock(pricing: Pricing) -> None:
    """Decrement stock at the database, all or nothing (inside the order's transaction).

    Each variant's `variant.stock_changed` is written with its decrement: a later variant
    that is short rolls the whole transaction back, events included.
    """
    units: dict[int, int] = {}
    names: dict[int, str] = {}
    sold: dict[int, int] = {}
    for line in pricing.lines:
        units[line.variant.id] = units.get(line.variant.id, 0) + line.quantity
        names[line.variant.id] = line.product.name
        sold[line.product.id] = sold.get(line.product.id, 0) + line.quantity
    # A fixed lock order (variants by id, then products by id) keeps concurrent checkouts
    # from deadlocking.
    for variant_id in sorted(units):
        taken = await stock.take(variant_id=variant_id, units=units[variant_id], reason="checkout")
        if taken is None:
            current = await Variant.get_or_none(id=variant_id)
            raise StockError(
                available=current.stock if current else 0, field="lines", item=names[variant_id]
            )
    for product_id in sorted(sold):
        await Product.filter(id=product_id).update(sales_count=F("sales_count") + sold[product_id])


async def _place(
    cart: Cart,
    pricing: Pricing,
    *,
    customer: Customer,
    key: str,
    at: datetime,
    actor: Actor,
) -> Order:
    async with transaction():
        # The order row goes first: its unique idempotency key decides a duplicate submit.
        order = await Order.create(
            number=_order_number(at),
            user_id=customer.user_id,
            email=customer.email,
            status=OrderStatus.UNPAID,
            currency=pricing.currency,
            subtotal=pricing.subtotal,
            discount_total=pricing.discount_total,
            shipping_total=pricing.delivery_fee,
            points_discount=pricing.points.amount,
            total=pricing.total,
            shipping_address=cart.shipping_address,
            delivery_method=cart.delivery_method,
            delivery_date=cart.delivery_date,
            delivery_window=cart.delivery_window,
            payment_method=cart.payment_method,
            coupon_codes=[d.code for d in pricing.discounts],
            idempotency_key=key,
            cart_id=cart.id,
            reserved_until=at + RESERVATION_TTL,
            placed_at=at,
        )
        closed = await Cart.filter(id=cart.id, status=CartStatus.OPEN).update(
            status=CartStatus.ORDERED, updated_at=at
        )
        if not closed:
            raise error(C.CART_NOT_FOUND, "This cart has already been ordered.", field="token")
        await _take_stock(pricing)
        await OrderLine.bulk_create(
            [
                OrderLine(
                    order_id=order.id,
                    variant_id=line.variant.id,
                    product_id=line.product.id,
                    product_name=line.product.name[:300],
                    sku=line.variant.sku,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    discount=line.discount,
                    total=line.total,
                    currency=pricing.currency,
                )
                for line in pricing.lines
            ]
        )
        if pricing.points.points_used and customer.user_id is not None:
            # In the order's transaction: points spent meanwhile fail (and undo) this order.
            await member_pricing.spend_points(
                user_id=customer.user_id,
                order_id=order.id,
                points=pricing.points.points_used,
                amount=pricing.points.amount,
            )
        for discount in sorted(pricing.discounts, key=lambda d: d.coupon.id):
            await coupon_rules.redeem(
                discount.coupon, order=order, customer=customer, amount=discount.amount
            )
        await lifecycle.record_event(
            order,
            "placed",
            f"Order placed: {sum(line.quantity for line in pricing.lines)} item(s), "
            f"{pricing.total:.2f} {pricing.currency}.",
            actor=actor,
            data={
                "discounts": [
                    {
                        "code": d.code,
                        "kind": d.kind.value,
                        "amount": str(d.amount),
                        "reason": d.reason,
                    }
                    for d in pricing.discounts
                ],
                "lines": {str(line.variant.id): line.notes for line in pricing.lines},
            },
        )
        await emission.emit(
            emission.T.ORDER_PLACED,
            order,
            subtotal=pricing.subtotal,
            discountTotal=pricing.discount_total,
            shippingTotal=pricing.delivery_fee,
            couponCodes=[d.code for d in pricing.discounts],
            deliveryMethod=cart.delivery_method,
            lines=await emission.lines_of(order.id),
        )
    return order


async def complete_checkout(
    *,
    cart_token: str | None,
    user_id: int | None,
    user_email: str | None,
    idempotency_key: str,
    payment_token: str | None = None,
    at: datetime | None = None,
) -> CheckoutResult:
    """Turn the caller's cart into an order in one transaction, then take payment.

    Stock and coupon uses are taken atomically at the database. The same idempotency key
    always returns the same order (also when sent twice at once). A failed payment leaves
    the order UNPAID with its stock reserved for RESERVATION_TTL; retry with `pay_order`.
    """
    if not IDEMPOTENCY_KEY_PATTERN.match(idempotency_key or ""):
        raise error(
            C.IDEMPOTENCY_KEY_INVALID,
            "The idempotency key is 8-100 letters, digits, '-', '_', '.' or ':' (a UUID is ideal).",
            field="idempotencyKey",
        )
    existing = await _replay(idempotency_key, cart_token=cart_token, user_id=user_id)
    if existing is not None:
        return CheckoutResult(existing, replayed=True)
    at = at or clock.now()
    cart = await require_cart(token=cart_token, user_id=user_id)
    customer = customer_of(cart, user_id=user_id, account_email=user_email)
    pricing = await price_cart(cart=cart, customer=customer, at=at)
    _check_ready(cart, pricing, email=customer.email, today=at.date())
    actor = Actor("customer" if user_id is not None else "guest", user_id)
    try:
        order = await _place(
            cart, pricing, customer=customer, key=idempotency_key, at=at, actor=actor
        )
    except IntegrityError:
        existing = await _replay(idempotency_key, cart_token=cart_token, user_id=user_id)
        if existing is None:
            raise
        return CheckoutResult(existing, replayed=True)
    except DomainError:
        # A concurrent submit with the same key may have won the cart: answer with its order.
        existing = await _replay(idempotency_key, cart_token=cart_token, user_id=user_id)
        if existing is None:
            raise
        return CheckoutResult(existing, replayed=True)
    if pricing.total <= 0:
        await payments.mark_paid_without_payment(order=order, actor=actor)
        return CheckoutResult(order)
    if payment_token:
        result = await payments.charge_order(order=order, token=payment_token, actor=actor)
        return CheckoutResult(order, payment_error=result.error)
    return CheckoutResult(order)


async def pay_order(*, order: Order, payment_token: str, actor: Actor) -> CheckoutResult:
    """Retry payment of an unpaid order (after a decline, or when none was sent)."""
    result = await payments.charge_order(order=order, token=payment_token, actor=actor)
    return CheckoutResult(order, payment_error=result.error)
