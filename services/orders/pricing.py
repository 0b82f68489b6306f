"""Server-side pricing of a cart: unit prices, coupons, delivery fee, points and totals.

Prices are always computed here, never taken from a client. An active flash price wins
over the variant's price. The goods coupon is applied line by line (so every line can say
why it costs what it costs), then delivery is priced on the discounted goods, then a
free-delivery coupon, then points.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from models.accounts import User
from models.catalog import Category, Product, ProductStatus, Variant
from models.orders import Cart, CartLine, Coupon, CouponKind, DeliveryMethod
from services.errors import DomainError
from services.flows import member_pricing
from services.orders import coupons as coupon_rules
from services.orders import flash, member_perks
from services.orders.coupons import Customer, Item, money
from services.orders.errors import OrderErrorCode, StockError, error

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DeliveryTariff:
    """Delivery fees in one currency; standard delivery is free from `free_standard_from`."""

    fees: dict[DeliveryMethod, Decimal]
    free_standard_from: Decimal


# Fees are defined per currency, never converted: a cart in a currency without a tariff
# cannot choose a delivery method (DELIVERY_NOT_AVAILABLE) rather than be charged in EUR.
DELIVERY_TARIFFS: dict[str, DeliveryTariff] = {
    "EUR": DeliveryTariff(
        fees={
            DeliveryMethod.STANDARD: Decimal("4.95"),
            DeliveryMethod.EXPRESS: Decimal("9.95"),
            DeliveryMethod.PARCEL_LOCKER: Decimal("3.95"),
            DeliveryMethod.STORE_PICKUP: Decimal("0.00"),
        },
        free_standard_from=Decimal("50.00"),
    ),
    "GBP": DeliveryTariff(
        fees={
            DeliveryMethod.STANDARD: Decimal("3.95"),
            DeliveryMethod.EXPRESS: Decimal("8.95"),
            DeliveryMethod.PARCEL_LOCKER: Decimal("2.95"),
            DeliveryMethod.STORE_PICKUP: Decimal("0.00"),
        },
        free_standard_from=Decimal("45.00"),
    ),
}
DELIVERY_LABELS: dict[DeliveryMethod, str] = {
    DeliveryMethod.STANDARD: "Standard delivery, 2-4 working days",
    DeliveryMethod.EXPRESS: "Express delivery, next working day",
    DeliveryMethod.PARCEL_LOCKER: "Delivery to a parcel locker, 2-3 working days",
    DeliveryMethod.STORE_PICKUP: "Pick up in store, free",
}


@dataclass
class PricedLine:
    line_id: int
    variant: Variant
    product: Product
    quantity: int
    unit_price: Decimal
    list_price: Decimal
    category_ids: frozenset[int]
    notes: list[str] = field(default_factory=list)
    discount: Decimal = ZERO

    @property
    def subtotal(self) -> Decimal:
        return money(self.unit_price * self.quantity)

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.discount

    @property
    def item(self) -> Item:
        return Item(
            product_id=self.product.id, category_ids=self.category_ids, subtotal=self.subtotal
        )


@dataclass(frozen=True)
class AppliedDiscount:
    coupon: Coupon
    amount: Decimal
    reason: str

    @property
    def code(self) -> str:
        return self.coupon.code

    @property
    def kind(self) -> CouponKind:
        return CouponKind(self.coupon.kind)


@dataclass(frozen=True)
class PointsDiscount:
    amount: Decimal
    points_used: int
    note: str


@dataclass
class Pricing:
    currency: str
    lines: list[PricedLine]
    subtotal: Decimal
    discounts: list[AppliedDiscount]
    delivery_fee: Decimal
    delivery_note: str
    points: PointsDiscount
    problems: list[DomainError]
    # The member's tier discount (already in each line's discount and notes).
    member_discount: Decimal = ZERO

    @property
    def discount_total(self) -> Decimal:
        return sum((d.amount for d in self.discounts), ZERO) + self.member_discount

    @property
    def goods_discount(self) -> Decimal:
        coupons = (d.amount for d in self.discounts if d.kind in coupon_rules.GOODS_KINDS)
        return sum(coupons, ZERO) + self.member_discount

    @property
    def total(self) -> Decimal:
        due = self.subtotal + self.delivery_fee - self.discount_total - self.points.amount
        return max(due, ZERO)

    @property
    def coupons(self) -> list[Coupon]:
        return [d.coupon for d in self.discounts]

    @property
    def items(self) -> list[Item]:
        return [line.item for line in self.lines]


async def points_discount(
    *, user_id: int | None, points: int, amount_due: Decimal, currency: str
) -> PointsDiscount:
    """What spending `points` takes off `amount_due`, by the membership program's terms."""
    quote = await member_pricing.quote_points(
        user_id=user_id, points=points, amount_due=amount_due, currency=currency
    )
    return PointsDiscount(amount=quote.amount, points_used=quote.points, note=quote.note)


def tariff(currency: str) -> DeliveryTariff:
    """The delivery fees of a currency; DELIVERY_NOT_AVAILABLE when none are defined."""
    found = DELIVERY_TARIFFS.get(currency)
    if found is None:
        raise error(
            OrderErrorCode.DELIVERY_NOT_AVAILABLE,
            f"Delivery is not offered for carts in {currency}; "
            f"fees exist for {', '.join(sorted(DELIVERY_TARIFFS))}.",
            field="method",
        )
    return found


def delivery_fee(
    method: DeliveryMethod | None, goods: Decimal, currency: str
) -> tuple[Decimal, str]:
    """The fee of a delivery method for goods worth `goods`, and a line explaining it."""
    if method is None:
        return ZERO, "Choose a delivery method to see its fee."
    method = DeliveryMethod(method)
    fees = tariff(currency)
    if method == DeliveryMethod.STANDARD and goods >= fees.free_standard_from:
        return ZERO, f"Free standard delivery from {fees.free_standard_from:.2f} {currency}"
    return fees.fees[method], DELIVERY_LABELS[method]


def flash_note(ends_at: datetime, at: datetime) -> str:
    """E.g. "Flash price until 18:00 UTC", with the date when it ends on another day."""
    ends = ends_at.astimezone(UTC)
    if ends.date() == at.astimezone(UTC).date():
        return f"Flash price until {ends:%H:%M} UTC"
    return f"Flash price until {ends:%d %b %H:%M} UTC"


async def unit_prices(
    variants: Sequence[Variant], *, at: datetime, early: timedelta = timedelta(0)
) -> dict[int, tuple[Decimal, str | None]]:
    """The price each variant sells at now and, for a flash price, why; `early` lets a
    member with early flash access see flash prices that long before they start."""
    prices: dict[int, tuple[Decimal, str | None]] = {
        v.id: (Decimal(v.price), None) for v in variants
    }
    if not variants:
        return prices
    found = await flash.offers(variant_ids=[v.id for v in variants], at=at, early=early)
    for variant_id, offer in found.by_variant.items():
        prices[variant_id] = (offer.price, flash_note(offer.ends_at, at))
    return prices


async def _category_chains(products: Sequence[Product]) -> dict[int, frozenset[int]]:
    """Each category id mapped to itself and all its ancestors (from the materialized path)."""
    ids = {p.category_id for p in products if p.category_id is not None}
    if not ids:
        return {}
    rows = await Category.filter(id__in=ids).values("id", "path")
    return {
        row["id"]: frozenset(int(part) for part in row["path"].strip("/").split("/") if part)
        | {row["id"]}
        for row in rows
    }


async def price_lines(
    lines: Sequence[CartLine], *, at: datetime, early: timedelta = timedelta(0)
) -> list[PricedLine]:
    """Lines (with `variant__product` loaded) at today's prices, before coupons."""
    variants = [line.variant for line in lines]
    prices = await unit_prices(variants, at=at, early=early)
    chains = await _category_chains([v.product for v in variants])
    priced = []
    for line in lines:
        variant = line.variant
        price, note = prices[variant.id]
        product = variant.product
        priced.append(
            PricedLine(
                line_id=line.id,
                variant=variant,
                product=product,
                quantity=line.quantity,
                unit_price=price,
                list_price=Decimal(variant.price),
                category_ids=chains.get(product.category_id or -1, frozenset()),
                notes=[note] if note else [],
            )
        )
    return priced


def line_problems(lines: Sequence[PricedLine], *, currency: str) -> list[DomainError]:
    """What would stop these lines from being ordered now: unavailable, short of stock, or
    priced in another currency than the cart's (a variant re-priced since it was added)."""
    problems: list[DomainError] = []
    for line in lines:
        if line.variant.currency != currency:
            problems.append(
                error(
                    OrderErrorCode.CURRENCY_MISMATCH,
                    f"{line.product.name} is priced in {line.variant.currency} but the cart "
                    f"is in {currency}; remove it to continue.",
                    field="lines",
                )
            )
        elif line.product.status != ProductStatus.ACTIVE:
            problems.append(
                error(
                    OrderErrorCode.PRODUCT_UNAVAILABLE,
                    f"{line.product.name} is no longer available; remove it to continue.",
                    field="lines",
                )
            )
        elif line.quantity > line.variant.stock:
            problems.append(
                StockError(available=line.variant.stock, field="lines", item=line.product.name)
            )
    return problems


async def price_cart(
    *, cart: Cart, customer: Customer | None = None, at: datetime | None = None
) -> Pricing:
    """Price a cart now: lines, coupons, delivery, points, totals and remaining problems."""
    at = at or datetime.now(UTC)
    customer = customer or coupon_rules.customer_of(cart, user_id=cart.user_id, account_email=None)
    lines = await CartLine.filter(cart_id=cart.id).select_related("variant__product")
    perks = await member_pricing.perks(user_id=customer.user_id)
    priced = await price_lines(lines, at=at, early=perks.early_flash)
    problems = line_problems(priced, currency=cart.currency)
    subtotal = sum((line.subtotal for line in priced), ZERO)
    items = [line.item for line in priced]

    valid: list[Coupon] = []
    codes = list(cart.coupon_codes or [])
    found = (
        {c.code: c for c in await Coupon.filter(code__in=codes, is_active=True)} if codes else {}
    )
    for code in codes:
        coupon = found.get(code)
        if coupon is None:
            problems.append(
                error(OrderErrorCode.COUPON_NOT_FOUND, f"There is no coupon {code}.", field="code")
            )
            continue
        try:
            await coupon_rules.check_coupon(
                coupon,
                customer=customer,
                items=items,
                subtotal=subtotal,
                currency=cart.currency,
                at=at,
            )
            coupon_rules.check_stacking([*valid, coupon])
        except DomainError as problem:
            problems.append(problem)
            continue
        valid.append(coupon)

    discounts: list[AppliedDiscount] = []
    for coupon in valid:
        if coupon.kind not in coupon_rules.GOODS_KINDS:
            continue
        reason = coupon_rules.describe(coupon)
        shares = coupon_rules.goods_discounts(coupon, items)
        for line, share in zip(priced, shares, strict=True):
            if share > 0:
                line.discount += share
                line.notes.append(reason)
        discounts.append(AppliedDiscount(coupon=coupon, amount=sum(shares, ZERO), reason=reason))

    member = member_perks.tier_discount(priced, perks)
    goods = subtotal - sum((d.amount for d in discounts), ZERO) - member
    try:
        fee, note = delivery_fee(cart.delivery_method, goods, cart.currency)
        fee, note = member_perks.free_delivery(perks, goods=goods, fee=fee, note=note)
    except DomainError as problem:
        # The method was chosen before the cart took a currency without delivery fees.
        fee, note = ZERO, problem.message
        problems.append(problem)
    for coupon in valid:
        if coupon.kind == CouponKind.FREE_SHIPPING:
            discounts.append(
                AppliedDiscount(coupon=coupon, amount=fee, reason=coupon_rules.describe(coupon))
            )
    due = max(subtotal + fee - sum((d.amount for d in discounts), ZERO) - member, ZERO)
    points = await points_discount(
        user_id=customer.user_id,
        points=cart.points_to_spend or 0,
        amount_due=due,
        currency=cart.currency,
    )
    return Pricing(
        currency=cart.currency,
        lines=priced,
        subtotal=subtotal,
        discounts=discounts,
        delivery_fee=fee,
        delivery_note=note,
        points=points,
        problems=problems,
        member_discount=member,
    )


async def price_carts(*, cart_ids: Sequence[int]) -> dict[int, Pricing]:
    """Many carts priced now, each for its own customer; unknown ids are left out."""
    carts = {cart.id: cart for cart in await Cart.filter(id__in=list(set(cart_ids)))}
    owners = {c.user_id for c in carts.values() if c.user_id is not None}
    emails = dict(await User.filter(id__in=owners).values_list("id", "email")) if owners else {}
    priced = {}
    for cart_id, cart in carts.items():
        account_email = emails.get(cart.user_id) if cart.user_id else None
        customer = coupon_rules.customer_of(cart, user_id=cart.user_id, account_email=account_email)
        priced[cart_id] = await price_cart(cart=cart, customer=customer)
    return priced
