"""Checkout on a cart (address, delivery, payment method, coupons, points) and placing the order."""

from __future__ import annotations

import re
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models.accounts import Address
from models.catalog import Product, Variant
from models.orders import Cart, CartStatus, Coupon, DeliveryMethod, Order, OrderLine, OrderStatus
from services.errors import DomainError, DomainErrors
from services.orders import coupons as coupon_rules
from services.orders import lifecycle, payments
from services.orders.cart import require_cart
from services.orders.codes import OrderErrorCode, StockError, error
from services.orders.coupons import Customer
from services.orders.lifecycle import Actor
from services.orders.pricing import Pricing, price_cart
from services.orders.reservations import RESERVATION_TTL

C = OrderErrorCode
DELIVERY_WINDOWS = ("09:00-12:00", "12:00-15:00", "15:00-18:00", "18:00-21:00")
MAX_DELIVERY_DAYS_AHEAD = 30
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
IDEMPOTENCY_KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")
NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class AddressSpec:
    """A postal address as typed at checkout."""

    full_name: str
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str = ""
    region: str = ""
    phone: str = ""


ADDRESS_LIMITS = {
    "full_name": ("fullName", 200, True),
    "line1": ("line1", 200, True),
    "line2": ("line2", 200, False),
    "city": ("city", 120, True),
    "postal_code": ("postalCode", 20, True),
    "region": ("region", 120, False),
    "country": ("country", 2, True),
    "phone": ("phone", 40, False),
}


def clean_address(spec: AddressSpec) -> dict[str, str]:
    """The address trimmed and checked; ADDRESS_INCOMPLETE names the first bad field."""
    values = {name: (value or "").strip() for name, value in asdict(spec).items()}
    for name, (camel, limit, required) in ADDRESS_LIMITS.items():
        if required and not values[name]:
            raise error(C.ADDRESS_INCOMPLETE, f"{camel} is required.", field=camel)
        if len(values[name]) > limit:
            raise error(C.ADDRESS_INCOMPLETE, f"{camel} is too long (max {limit}).", field=camel)
    values["country"] = values["country"].upper()
    if not re.fullmatch(r"[A-Z]{2}", values["country"]):
        raise error(
            C.ADDRESS_INCOMPLETE, "country is a 2-letter ISO code, e.g. DE.", field="country"
        )
    return values


async def set_shipping_address(
    *, cart: Cart, address: AddressSpec | None, address_id: int | None, user_id: int | None
) -> Cart:
    """Ship to a typed address or to one of the signed-in customer's saved addresses."""
    if (address is None) == (address_id is None):
        raise error(C.ADDRESS_INCOMPLETE, "Pass either address or addressId.", field="address")
    if address_id is not None:
        saved = await Address.get_or_none(id=address_id, user_id=user_id) if user_id else None
        if saved is None:
            raise error(C.ADDRESS_NOT_FOUND, "No such saved address.", field="addressId")
        address = AddressSpec(
            full_name=saved.full_name,
            line1=saved.line1,
            line2=saved.line2,
            city=saved.city,
            postal_code=saved.postal_code,
            region=saved.region,
            country=saved.country,
            phone=saved.phone,
        )
    assert address is not None
    cart.shipping_address = clean_address(address)
    await cart.save(update_fields=["shipping_address", "updated_at"])
    return cart


async def set_email(*, cart: Cart, email: str) -> Cart:
    """The address order confirmations go to (guests must give one)."""
    email = email.strip().lower()
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        raise error(C.EMAIL_INVALID, "That is not an email address.", field="email")
    cart.email = email
    await cart.save(update_fields=["email", "updated_at"])
    return cart


def check_delivery_date(when: date | None, *, today: date) -> None:
    if when is None:
        return
    if when <= today or when > today + timedelta(days=MAX_DELIVERY_DAYS_AHEAD):
        raise error(
            C.DELIVERY_DATE_INVALID,
            f"Pick a date from tomorrow up to {MAX_DELIVERY_DAYS_AHEAD} days ahead.",
            field="date",
        )


async def set_delivery(
    *,
    cart: Cart,
    method: DeliveryMethod,
    when: date | None = None,
    window: str | None = None,
    at: datetime | None = None,
) -> Cart:
    """Choose how (and optionally on which day and in which time window) to deliver."""
    today = (at or _now()).astimezone(UTC).date()
    check_delivery_date(when, today=today)
    if window is not None:
        if method == DeliveryMethod.PARCEL_LOCKER:
            raise error(
                C.DELIVERY_WINDOW_INVALID, "Parcel lockers take no time window.", field="window"
            )
        if window not in DELIVERY_WINDOWS:
            raise error(
                C.DELIVERY_WINDOW_INVALID,
                f"Choose one of {', '.join(DELIVERY_WINDOWS)}.",
                field="window",
            )
        if when is None:
            raise error(C.DELIVERY_WINDOW_INVALID, "A time window needs a date.", field="date")
    cart.delivery_method = DeliveryMethod(method)
    cart.delivery_date = when
    cart.delivery_window = window
    await cart.save(
        update_fields=["delivery_method", "delivery_date", "delivery_window", "updated_at"]
    )
    return cart


async def set_payment_method(*, cart: Cart, method: str) -> Cart:
    """Choose the payment provider by name (`test` is built in)."""
    provider = payments.get_provider(method.strip())
    cart.payment_method = provider.name
    await cart.save(update_fields=["payment_method", "updated_at"])
    return cart


async def set_points(*, cart: Cart, points: int, user_id: int | None) -> Cart:
    """How many loyalty points to spend; see pricing.points_discount for what they are worth."""
    if points < 0:
        raise error(C.POINTS_INVALID, "Points cannot be negative.", field="pointsToSpend")
    if points > 0 and user_id is None:
        raise error(C.POINTS_INVALID, "Sign in to spend points.", field="pointsToSpend")
    cart.points_to_spend = points
    await cart.save(update_fields=["points_to_spend", "updated_at"])
    return cart


def customer_of(cart: Cart, *, user_id: int | None, email: str | None) -> Customer:
    return Customer(user_id=user_id, email=(email or cart.email or None))


async def apply_coupon(
    *, cart: Cart, code: str, user_id: int | None, email: str | None, at: datetime | None = None
) -> Cart:
    """Add a coupon after checking its limits, scope and the stacking rule."""
    at = at or _now()
    coupon = await coupon_rules.find_coupon(code)
    codes = list(cart.coupon_codes or [])
    if coupon.code in codes:
        return cart
    pricing = await price_cart(
        cart=cart, customer=customer_of(cart, user_id=user_id, email=email), at=at
    )
    await coupon_rules.check_coupon(
        coupon,
        customer=customer_of(cart, user_id=user_id, email=email),
        items=pricing.items,
        subtotal=pricing.subtotal,
        at=at,
    )
    others = await Coupon.filter(code__in=codes) if codes else []
    coupon_rules.check_stacking([*others, coupon])
    cart.coupon_codes = [*codes, coupon.code]
    await cart.save(update_fields=["coupon_codes", "updated_at"])
    return cart


async def remove_coupon(*, cart: Cart, code: str) -> Cart:
    """Take a coupon off the cart."""
    normalized = coupon_rules.normalize_code(code)
    codes = list(cart.coupon_codes or [])
    if normalized not in codes:
        raise error(C.COUPON_NOT_FOUND, f"{normalized} is not applied to this cart.", field="code")
    cart.coupon_codes = [c for c in codes if c != normalized]
    await cart.save(update_fields=["coupon_codes", "updated_at"])
    return cart


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
    """Decrement stock at the database, all or nothing (inside the order's transaction)."""
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
        taken = await Variant.filter(id=variant_id, stock__gte=units[variant_id]).update(
            stock=F("stock") - units[variant_id]
        )
        if taken == 0:
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
    async with in_transaction():
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
                )
                for line in pricing.lines
            ]
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
    at = at or _now()
    cart = await require_cart(token=cart_token, user_id=user_id)
    customer = customer_of(cart, user_id=user_id, email=user_email)
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
