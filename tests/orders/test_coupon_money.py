"""Coupon money and time: exact cent allocation, UTC windows, first-order claims, limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from models.orders import Coupon, CouponKind, FirstOrderClaim, OrderStatus
from services.errors import DomainError
from services.orders import coupons as coupon_service
from services.orders import details, refunds
from services.orders.coupons import CouponSpec, Item, allocate
from services.orders.lifecycle import SYSTEM
from services.orders.pricing import price_cart
from tests.factories import create_coupon, create_variant, unique
from tests.orders._helpers import place, ready_cart

pytestmark = pytest.mark.usefixtures("database")
D = Decimal


def _items(*subtotals: str) -> list[Item]:
    return [
        Item(product_id=i, category_ids=frozenset(), subtotal=D(s)) for i, s in enumerate(subtotals)
    ]


@pytest.mark.parametrize(
    ("amount", "weights", "shares"),
    [
        # 3 x 0.10 sharing 0.10: a third of a cent each; the first line takes the odd cent
        ("0.10", ["0.10", "0.10", "0.10"], ["0.04", "0.03", "0.03"]),
        # the largest remainder wins the odd cent, not the first line
        ("0.10", ["0.01", "0.02", "0.07"], ["0.01", "0.02", "0.07"]),
        ("1.00", ["0.30", "0.30", "0.40"], ["0.30", "0.30", "0.40"]),
        ("0.07", ["33.33", "33.33", "33.34"], ["0.02", "0.02", "0.03"]),
        # beyond float's 53-bit mantissa: 2**60 cents over three equal lines
        (
            str(D(2**60) / 100),
            [str(D(2**60) / 100)] * 3,
            [str(D(384307168202282326) / 100)] + [str(D(384307168202282325) / 100)] * 2,
        ),
    ],
)
def test_allocation_adds_up_to_the_cent(amount: str, weights: list[str], shares: list[str]) -> None:
    result = allocate(D(amount), [D(w) for w in weights])
    assert result == [D(s) for s in shares]
    assert sum(result, D(0)) == D(amount)


def test_a_percentage_is_taken_of_the_total_and_split_exactly() -> None:
    # 10% of 3 x 0.05 = 0.015, half-even to 0.02; per-line rounding would give 3 x 0.00
    coupon = Coupon(code="TEN", kind=CouponKind.PERCENTAGE, value=D("10"))
    shares = coupon_service.goods_discounts(coupon, _items("0.05", "0.05", "0.05"))
    assert shares == [D("0.01"), D("0.01"), D("0.00")]
    # half to even: 0.125 -> 0.12, 0.135 -> 0.14
    assert coupon_service.money(D("0.125")) == D("0.12")
    assert coupon_service.money(D("0.135")) == D("0.14")


async def test_three_lines_of_ten_cents_and_a_ten_cent_discount_in_a_cart() -> None:
    variants = [await create_variant(price="0.10") for _ in range(3)]
    coupon = await create_coupon(kind=CouponKind.FIXED_AMOUNT, value=D("0.10"))
    cart = await ready_cart(*((v, 1) for v in variants))
    await details.apply_coupon(cart=cart, code=coupon.code, user_id=None, email=None)

    pricing = await price_cart(cart=cart)

    assert [line.discount for line in pricing.lines] == [D("0.04"), D("0.03"), D("0.03")]
    assert pricing.discount_total == D("0.10")
    assert pricing.subtotal - pricing.discount_total == D("0.20")
    order = (await place(cart)).order
    lines = await order.lines.all().order_by("id")
    assert sum((line.discount for line in lines), D(0)) == order.discount_total == D("0.10")


@pytest.mark.parametrize("field", ["starts_at", "ends_at"])
async def test_a_coupon_window_without_a_utc_offset_is_refused(field: str) -> None:
    naive = datetime(2030, 1, 1, 12, 0)
    spec = CouponSpec(code=unique("NAIVE").replace("-", ""), kind=CouponKind.FREE_SHIPPING)
    with pytest.raises(DomainError) as refused:
        await coupon_service.create_coupon(spec=CouponSpec(**{**spec.__dict__, field: naive}))
    camel = {"starts_at": "startsAt", "ends_at": "endsAt"}[field]
    assert (refused.value.code, refused.value.field) == ("COUPON_INVALID", camel)
    assert "UTC offset" in refused.value.message


async def test_an_offset_window_is_stored_in_utc() -> None:
    berlin = timezone(timedelta(hours=1))
    spec = CouponSpec(
        code=unique("TZ").replace("-", ""),
        kind=CouponKind.FREE_SHIPPING,
        starts_at=datetime(2030, 1, 1, 13, 0, tzinfo=berlin),
    )
    coupon = await coupon_service.create_coupon(spec=spec)
    stored = await Coupon.get(id=coupon.id)
    assert stored.starts_at is not None
    assert stored.starts_at.astimezone(UTC) == datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
    assert stored.starts_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("window", "code"),
    [
        ({"ends_at": datetime(2000, 1, 1)}, "COUPON_EXPIRED"),
        ({"starts_at": datetime(2999, 1, 1)}, "COUPON_NOT_STARTED"),
        ({"starts_at": datetime(2000, 1, 1), "ends_at": datetime(2999, 1, 1)}, None),
    ],
)
async def test_rows_holding_naive_windows_are_read_as_utc(
    window: dict[str, Any], code: str | None
) -> None:
    # A row written before offsets were required may hold naive times: compared as UTC
    coupon = Coupon(code="OLD", kind=CouponKind.PERCENTAGE, value=D("10"), **window)
    outcome: str | None = None
    try:
        await coupon_service.check_coupon(
            coupon,
            customer=coupon_service.Customer(user_id=None, email=None),
            items=_items("10.00"),
            subtotal=D("10.00"),
            currency="EUR",
            at=datetime.now(UTC),
        )
    except DomainError as refused:
        outcome = refused.code
    assert outcome == code


async def test_an_unpaid_first_order_holds_the_first_order_coupon_until_cancelled() -> None:
    # Given a new customer's first order with a first-order coupon, not yet paid
    coupon = await create_coupon(new_customers_only=True)
    variant = await create_variant(stock=10)
    email = f"{unique('new')}@example.com"
    first_cart = await ready_cart((variant, 1), email=email)
    await details.apply_coupon(cart=first_cart, code=coupon.code, user_id=None, email=None)
    first = (await place(first_cart, payment_token=None)).order
    assert await FirstOrderClaim.filter(order_id=first.id).count() == 1

    # When the same customer places a second order with the coupon
    second_cart = await ready_cart((variant, 1), email=email)
    await details.apply_coupon(cart=second_cart, code=coupon.code, user_id=None, email=None)
    with pytest.raises(DomainError) as refused:
        await place(second_cart)

    # Then it is refused; once the first order is cancelled the claim is given back
    assert refused.value.code == "COUPON_NEW_CUSTOMERS_ONLY"
    cancelled = await refunds.cancel_order(order_id=first.id, actor=SYSTEM, reason="test")
    assert cancelled.status == OrderStatus.CANCELLED
    assert await FirstOrderClaim.filter(order_id=first.id).count() == 0
    third_cart = await ready_cart((variant, 1), email=email)
    await details.apply_coupon(cart=third_cart, code=coupon.code, user_id=None, email=None)
    third = (await place(third_cart)).order
    assert third.coupon_codes == [coupon.code]
