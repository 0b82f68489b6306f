"""Coupons: validation, stacking, discount allocation, atomic redemption and creation.

Stacking rule: an order takes at most one goods coupon (PERCENTAGE, FIXED_AMOUNT or
SPEND_THRESHOLD) plus, optionally, one FREE_SHIPPING coupon. Goods coupons reduce only the
lines in their scope (products, or categories including their descendants) and never take
a line below zero.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from models.catalog import Category, Product
from models.orders import Cart, Coupon, CouponKind, CouponRedemption, FirstOrderClaim, Order
from services.orders.errors import OrderErrorCode, error

CENT = Decimal("0.01")
CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,39}$")
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
    if coupon.per_customer_limit is not None:
        used = await customer_redemptions(coupon.id, customer)
        if used >= coupon.per_customer_limit:
            raise error(
                C.COUPON_USAGE_LIMIT,
                f"You have already used {code} {used} time(s), the most it allows.",
                field="code",
            )
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


def _cents(value: Decimal) -> int:
    return int((value / CENT).to_integral_value(rounding=ROUND_HALF_EVEN))


def allocate(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `amount` over lines in proportion to `weights`, to the cent, in exact integers.

    Largest-remainder method: each line gets the floor of its exact share in cents; the
    cents left over go one each to the lines with the largest remainders (ties: the earlier
    line). The shares add up exactly to `amount` and none exceeds its weight as long as
    `amount` does not exceed the sum of the weights.
    """
    cents = [_cents(w) for w in weights]
    total_weight = sum(cents)
    if total_weight == 0:
        return [Decimal(0) * CENT for _ in weights]
    to_share = _cents(amount)
    floors_and_remainders = [divmod(to_share * c, total_weight) for c in cents]
    floors = [floor for floor, _ in floors_and_remainders]
    leftover = to_share - sum(floors)
    by_remainder = sorted(range(len(cents)), key=lambda i: (-floors_and_remainders[i][1], i))
    for index in by_remainder[:leftover]:
        floors[index] += 1
    return [Decimal(f) * CENT for f in floors]


def goods_discounts(coupon: Coupon, items: Sequence[Item]) -> list[Decimal]:
    """The discount of a goods coupon on each item (0 for items out of scope)."""
    scope = [in_scope(coupon, item) for item in items]
    value = Decimal(coupon.value)
    weights = [
        item.subtotal if inside else Decimal(0) for item, inside in zip(items, scope, strict=True)
    ]
    eligible = sum(weights, Decimal(0))
    if coupon.kind == CouponKind.PERCENTAGE:
        # The percentage is taken of the eligible total once, then split, so the line
        # discounts add up to exactly the order's discount.
        rate = min(value, Decimal(100)) / 100
        return allocate(min(money(eligible * rate), eligible), weights)
    if coupon.kind in (CouponKind.FIXED_AMOUNT, CouponKind.SPEND_THRESHOLD):
        return allocate(min(value, eligible), weights)
    return [Decimal(0) for _ in items]


async def redeem(
    coupon: Coupon, *, order: Order, customer: Customer, amount: Decimal
) -> CouponRedemption:
    """Use one coupon for `order`, atomically; call inside the order's transaction.

    The conditional increment (`used_count < max_uses`) decides the race for the last use,
    and its row lock serializes concurrent redemptions of the coupon, so the per-customer
    count that follows sees every committed use.
    """
    query = Coupon.filter(id=coupon.id, is_active=True)
    if coupon.max_uses is not None:
        query = query.filter(used_count__lt=coupon.max_uses)
    if await query.update(used_count=F("used_count") + 1) == 0:
        raise error(C.COUPON_USAGE_LIMIT, f"{coupon.code} has been used up.", field="code")
    if coupon.per_customer_limit is not None:
        used = await customer_redemptions(coupon.id, customer)
        if used >= coupon.per_customer_limit:
            raise error(
                C.COUPON_USAGE_LIMIT,
                f"You have already used {coupon.code} the most times it allows.",
                field="code",
            )
    if coupon.new_customers_only:
        await _claim_first_order(coupon, order=order, customer=customer)
    return await CouponRedemption.create(
        coupon_id=coupon.id,
        order_id=order.id,
        user_id=customer.user_id,
        email=(customer.account_email or customer.email or "").lower() or None,
        amount=amount,
    )


async def _claim_first_order(coupon: Coupon, *, order: Order, customer: Customer) -> None:
    """Take the customer's one first-order coupon use for `order`, or refuse.

    The unique identity rows decide between concurrent first orders of one customer: the
    second insert waits for the first transaction and fails once it commits. An earlier
    order holding the claim counts as the first order even while it is unpaid.
    """
    if await has_paid_order(customer):
        raise error(
            C.COUPON_NEW_CUSTOMERS_ONLY, NEW_CUSTOMERS_ONLY.format(code=coupon.code), field="code"
        )
    for identity in customer.identities:
        try:
            await FirstOrderClaim.create(identity=identity[:300], order_id=order.id)
        except IntegrityError:
            raise error(
                C.COUPON_NEW_CUSTOMERS_ONLY,
                f"{coupon.code} is for a first order only, and another order of yours "
                "already uses a first-order coupon.",
                field="code",
            ) from None


async def release(*, order_id: int) -> int:
    """Give back the coupon uses of a cancelled order; call inside its transaction."""
    redemptions = await CouponRedemption.filter(order_id=order_id)
    for redemption in redemptions:
        await Coupon.filter(id=redemption.coupon_id, used_count__gt=0).update(
            used_count=F("used_count") - 1
        )
    await CouponRedemption.filter(order_id=order_id).delete()
    await FirstOrderClaim.filter(order_id=order_id).delete()
    return len(redemptions)


@dataclass(frozen=True)
class CouponSpec:
    """What staff fill in to create a coupon."""

    code: str
    kind: CouponKind
    value: Decimal = Decimal(0)
    threshold_amount: Decimal | None = None
    min_spend: Decimal | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    max_uses: int | None = None
    per_customer_limit: int | None = None
    new_customers_only: bool = False
    currency: str = "EUR"
    category_ids: tuple[int, ...] = ()
    product_ids: tuple[int, ...] = ()


def _validate_spec(spec: CouponSpec) -> None:
    invalid = C.COUPON_INVALID
    if not CODE_PATTERN.match(normalize_code(spec.code)):
        raise error(
            invalid, "Codes are 3-40 letters, digits, '-' or '_', e.g. TOYS10.", field="code"
        )
    if spec.kind == CouponKind.PERCENTAGE and not Decimal(0) < spec.value <= Decimal(100):
        raise error(invalid, "A percentage is above 0 and at most 100.", field="value")
    if spec.kind in (CouponKind.FIXED_AMOUNT, CouponKind.SPEND_THRESHOLD) and spec.value <= 0:
        raise error(invalid, "The amount off must be above 0.", field="value")
    if spec.kind == CouponKind.SPEND_THRESHOLD and (
        spec.threshold_amount is None or spec.threshold_amount < spec.value
    ):
        raise error(
            invalid,
            "Spend-threshold coupons need a thresholdAmount at least as large as the value.",
            field="thresholdAmount",
        )
    if spec.min_spend is not None and spec.min_spend < 0:
        raise error(invalid, "The minimum spend cannot be negative.", field="minSpend")
    if not CURRENCY_PATTERN.match(spec.currency):
        raise error(invalid, "currency is an ISO 4217 code, e.g. EUR.", field="currency")
    for camel, when in (("startsAt", spec.starts_at), ("endsAt", spec.ends_at)):
        if when is not None and (when.tzinfo is None or when.utcoffset() is None):
            raise error(
                invalid,
                f"{camel} needs a UTC offset, e.g. 2026-12-01T00:00:00Z.",
                field=camel,
            )
    if spec.starts_at and spec.ends_at and spec.ends_at <= spec.starts_at:
        raise error(invalid, "The coupon must end after it starts.", field="endsAt")
    if spec.max_uses is not None and spec.max_uses < 1:
        raise error(invalid, "maxUses is at least 1 (or null for unlimited).", field="maxUses")
    if spec.per_customer_limit is not None and spec.per_customer_limit < 1:
        raise error(
            invalid,
            "perCustomerLimit is at least 1 (or null for unlimited).",
            field="perCustomerLimit",
        )


async def create_coupon(*, spec: CouponSpec) -> Coupon:
    """Create a coupon after checking its values and scope; COUPON_CODE_TAKEN on clashes."""
    _validate_spec(spec)
    categories = set(spec.category_ids)
    if categories and await Category.filter(id__in=categories).count() != len(categories):
        raise error(C.COUPON_INVALID, "Unknown category in the scope.", field="categoryIds")
    products = set(spec.product_ids)
    if products and await Product.filter(id__in=products).count() != len(products):
        raise error(C.COUPON_INVALID, "Unknown product in the scope.", field="productIds")
    code = normalize_code(spec.code)
    if await Coupon.filter(code=code).exists():
        raise error(C.COUPON_CODE_TAKEN, f"A coupon {code} already exists.", field="code")
    try:
        return await Coupon.create(
            code=code,
            kind=spec.kind,
            value=spec.value if spec.kind != CouponKind.FREE_SHIPPING else Decimal(0),
            threshold_amount=spec.threshold_amount,
            min_spend=spec.min_spend,
            starts_at=as_utc(spec.starts_at) if spec.starts_at else None,
            ends_at=as_utc(spec.ends_at) if spec.ends_at else None,
            currency=spec.currency,
            max_uses=spec.max_uses,
            per_customer_limit=spec.per_customer_limit,
            new_customers_only=spec.new_customers_only,
            category_ids=sorted(categories),
            product_ids=sorted(products),
        )
    except IntegrityError:
        raise error(C.COUPON_CODE_TAKEN, f"A coupon {code} already exists.", field="code") from None
