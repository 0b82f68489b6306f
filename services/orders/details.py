"""Checkout details on a cart: email, address, delivery, payment method, coupons, points."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta

from models.accounts import Address
from models.orders import Cart, Coupon, DeliveryMethod
from services import clock
from services.accounts import addresses as address_book
from services.accounts.errors import AccountErrorCode
from services.errors import DomainErrors
from services.orders import coupons as coupon_rules
from services.orders import payments
from services.orders.coupons import customer_of
from services.orders.errors import OrderErrorCode, error
from services.orders.pricing import price_cart, tariff

C = OrderErrorCode
DELIVERY_WINDOWS = ("09:00-12:00", "12:00-15:00", "15:00-18:00", "18:00-21:00")
MAX_DELIVERY_DAYS_AHEAD = 30
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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


def clean_address(spec: AddressSpec) -> dict[str, str]:
    """The address checked by the address-book rules (ISO countries included);
    ADDRESS_INCOMPLETE names the first bad field."""
    try:
        return address_book.clean_address(asdict(spec))
    except DomainErrors as problems:
        first = problems.errors[0]
        head, *rest = (first.field or "address").split("_")
        camel = head + "".join(part.title() for part in rest)
        missing = first.code == AccountErrorCode.ADDRESS_INCOMPLETE
        message = f"{camel} is required." if missing else first.message
        raise error(C.ADDRESS_INCOMPLETE, message, field=camel) from problems


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
    """The order's contact e-mail: receipts go there (guests must give one; a signed-in
    customer's account e-mail is used when none is set)."""
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
    """Choose how (and optionally on which day and in which time window) to deliver.

    DELIVERY_NOT_AVAILABLE when no delivery fees are defined in the cart's currency.
    """
    tariff(cart.currency)
    today = (at or clock.now()).astimezone(UTC).date()
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


async def apply_coupon(
    *, cart: Cart, code: str, user_id: int | None, email: str | None, at: datetime | None = None
) -> Cart:
    """Add a coupon after checking its limits, scope and the stacking rule."""
    at = at or clock.now()
    coupon = await coupon_rules.find_coupon(code)
    codes = list(cart.coupon_codes or [])
    if coupon.code in codes:
        return cart
    customer = customer_of(cart, user_id=user_id, account_email=email)
    pricing = await price_cart(cart=cart, customer=customer, at=at)
    await coupon_rules.check_coupon(
        coupon,
        customer=customer,
        items=pricing.items,
        subtotal=pricing.subtotal,
        currency=cart.currency,
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
