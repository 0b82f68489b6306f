"""Coupon rules: who is buying, whether a coupon applies now, how coupons describe and stack."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal

from tortoise.expressions import Q

from models.orders import Cart, Coupon, CouponKind, CouponRedemption, Order
from services.orders.errors import OrderErrorCode, error

CENT = Decimal("0.01")
GOODS_KINDS = frozenset(
    {CouponKind.PERCENTAGE, CouponKind.FIXED_AMOUNT, CouponKind.SPEND_THRESHOLD}
)
STACKING_RULE = (
    "At most one of PERCENTAGE, FIXED_AMOUNT or SPEND_THRESHOLD per order, plus optionally "
    "one FREE_SHIPPING coupon. Percentage and fixed discounts apply only to the lines in the "
    "coupon's scope and never take a line below zero."
)
C = OrderErrorCode
NEW_CUSTOMERS_ONLY = "{code} is for a first order only."


@dataclass(frozen=True)
class Customer:
    """Who is buying: the account (if signed in), the contact e-mail and the account e-mail.

    Coupon limits count uses by any of the three, so changing the contact e-mail does not
    reset a signed-in customer's limits.
    """

    user_id: int | None
    email: str | None
    account_email: str | None = None

    @property
    def emails(self) -> list[str]:
        found = {e.lower() for e in (self.email, self.account_email) if e}
        return sorted(found)

    @property
    def identities(self) -> list[str]:
        """Stable keys of this customer: `user:<id>` and `email:<address>`."""
        keys = [f"user:{self.user_id}"] if self.user_id is not None else []
        return keys + [f"email:{e}" for e in self.emails]


def customer_of(cart: Cart, *, user_id: int | None, account_email: str | None) -> Customer:
    """The one rule for who is buying a cart, used by cart.problems and checkoutComplete.

    The contact e-mail is the one set with checkoutSetEmail, else the account's e-mail.
    """
    return Customer(
        user_id=user_id,
        email=(cart.email or account_email or None),
        account_email=account_email if user_id is not None else None,
    )


@dataclass(frozen=True)
class Item:
    """A cart line as coupons see it: what it is and what it costs before coupons."""

    product_id: int
    category_ids: frozenset[int]
    subtotal: Decimal


def normalize_code(code: str) -> str:
    return code.strip().upper()


def money(value: Decimal) -> Decimal:
    """Round to the cent, half to even (banker's rounding), so rounding has no upward bias."""
    return value.quantize(CENT, rounding=ROUND_HALF_EVEN)


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; a naive one (only rows stored before offsets were required)
    is read as UTC."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def has_money_terms(coupon: Coupon) -> bool:
    """Whether the coupon names an amount (value, threshold or minimum spend) in its currency."""
    return coupon.kind in (CouponKind.FIXED_AMOUNT, CouponKind.SPEND_THRESHOLD) or (
        coupon.min_spend is not None
    )


def plain(value: Decimal) -> str:
    """10.00 -> "10", 12.50 -> "12.50": how amounts read in a sentence."""
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.2f}"


def describe(coupon: Coupon) -> str:
    """A human reason, e.g. "10% off with TOYS10"."""
    value = Decimal(coupon.value)
    scoped = bool(coupon.category_ids or coupon.product_ids)
    target = " selected items" if scoped else ""
    if coupon.kind == CouponKind.PERCENTAGE:
        return f"{plain(value)}% off{target} with {coupon.code}"
    if coupon.kind == CouponKind.FIXED_AMOUNT:
        return f"{value:.2f} off{target} with {coupon.code}"
    if coupon.kind == CouponKind.SPEND_THRESHOLD:
        threshold = Decimal(coupon.threshold_amount or 0)
        return f"Spend {threshold:.2f}, save {value:.2f} with {coupon.code}"
    return f"Free delivery with {coupon.code}"


def in_scope(coupon: Coupon, item: Item) -> bool:
    """Whether a coupon applies to a line: unscoped coupons apply to everything."""
    if not coupon.category_ids and not coupon.product_ids:
        return True
    if item.product_id in set(coupon.product_ids or []):
        return True
    return bool(item.category_ids & set(coupon.category_ids or []))


async def find_coupon(code: str) -> Coupon:
    """The active coupon with this code (case-insensitive), or COUPON_NOT_FOUND."""
    coupon = await Coupon.get_or_none(code=normalize_code(code), is_active=True)
    if coupon is None:
        raise error(C.COUPON_NOT_FOUND, f"There is no coupon {code.strip()!r}.", field="code")
    return coupon


def _identity(customer: Customer) -> Q | None:
    """Matches rows of this customer by account or by email; None for an anonymous guest."""
    conditions = []
    if customer.user_id is not None:
        conditions.append(Q(user_id=customer.user_id))
    if customer.emails:
        conditions.append(Q(email__in=customer.emails))
    return Q(*conditions, join_type="OR") if conditions else None


async def customer_redemptions(coupon_id: int, customer: Customer) -> int:
    """How many times this customer (by account or by email) has used the coupon."""
    identity = _identity(customer)
    if identity is None:
        return 0
    return await CouponRedemption.filter(identity, coupon_id=coupon_id).count()


async def has_paid_order(customer: Customer) -> bool:
    """True when the customer has paid for an order before (by account or email)."""
    identity = _identity(customer)
    if identity is None:
        return False
    return await Order.filter(identity, paid_at__isnull=False).exists()


async def check_customer_limit(coupon: Coupon, customer: Customer) -> None:
    """COUPON_USAGE_LIMIT once the customer has used the coupon as often as it allows."""
    if coupon.per_customer_limit is None:
        return
    used = await customer_redemptions(coupon.id, customer)
    if used >= coupon.per_customer_limit:
        raise error(
            C.COUPON_USAGE_LIMIT,
            f"You have already used {coupon.code} {used} time(s), the most it allows.",
            field="code",
        )


async def check_coupon(
    coupon: Coupon,
    *,
    customer: Customer,
    items: Sequence[Item],
    subtotal: Decimal,
    currency: str,
    at: datetime,
) -> None:
    """Raise the first reason this coupon cannot be used on these items now."""
    code = coupon.code
    at = as_utc(at)
    if coupon.starts_at is not None and as_utc(coupon.starts_at) > at:
        raise error(C.COUPON_NOT_STARTED, f"{code} is not valid yet.", field="code")
    if coupon.ends_at is not None and as_utc(coupon.ends_at) <= at:
        raise error(C.COUPON_EXPIRED, f"{code} has expired.", field="code")
    if has_money_terms(coupon) and coupon.currency != currency:
        raise error(
            C.CURRENCY_MISMATCH,
            f"{code} is defined in {coupon.currency} and cannot be used on a cart in {currency}.",
            field="code",
        )
    if coupon.max_uses is not None and coupon.used_count >= coupon.max_uses:
        raise error(C.COUPON_USAGE_LIMIT, f"{code} has been used up.", field="code")
    await check_customer_limit(coupon, customer)
    if coupon.new_customers_only and await has_paid_order(customer):
        raise error(C.COUPON_NEW_CUSTOMERS_ONLY, NEW_CUSTOMERS_ONLY.format(code=code), field="code")
    scoped = [item for item in items if in_scope(coupon, item)]
    if not scoped:
        raise error(
            C.COUPON_NOT_APPLICABLE, f"{code} does not apply to anything in the cart.", field="code"
        )
    if coupon.min_spend is not None and subtotal < Decimal(coupon.min_spend):
        raise error(
            C.COUPON_MIN_SPEND,
            f"{code} needs a minimum spend of {Decimal(coupon.min_spend):.2f}; "
            f"the cart is {subtotal:.2f}.",
            field="code",
        )
    if coupon.kind == CouponKind.SPEND_THRESHOLD:
        threshold = Decimal(coupon.threshold_amount or 0)
        scoped_total = sum((item.subtotal for item in scoped), Decimal(0))
        if scoped_total < threshold:
            raise error(
                C.COUPON_MIN_SPEND,
                f"Spend {threshold:.2f} on eligible items to use {code}; "
                f"you have {scoped_total:.2f}.",
                field="code",
            )


def check_stacking(coupons: Sequence[Coupon]) -> None:
    """COUPON_NOT_STACKABLE when the combination breaks the stacking rule."""
    goods = [c for c in coupons if c.kind in GOODS_KINDS]
    shipping = [c for c in coupons if c.kind == CouponKind.FREE_SHIPPING]
    if len(goods) > 1 or len(shipping) > 1:
        raise error(C.COUPON_NOT_STACKABLE, STACKING_RULE, field="code")
