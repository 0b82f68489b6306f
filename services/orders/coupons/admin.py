"""Staff creation of coupons: the values a coupon may take and its scope."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from tortoise.exceptions import IntegrityError

from models.catalog import Category, Product
from models.orders import Coupon, CouponKind
from services.orders.coupons.rules import C, as_utc, normalize_code
from services.orders.errors import error

CURRENCY_PATTERN = re.compile(r"^[A-Z]{3}$")
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,39}$")


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
