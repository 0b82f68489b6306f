"""Coupons: validation, stacking, discount allocation, atomic redemption and creation.

Stacking rule: an order takes at most one goods coupon (PERCENTAGE, FIXED_AMOUNT or
SPEND_THRESHOLD) plus, optionally, one FREE_SHIPPING coupon. Goods coupons reduce only the
lines in their scope (products, or categories including their descendants) and never take
a line below zero.
"""

from services.orders.coupons.admin import CouponSpec, create_coupon
from services.orders.coupons.allocation import allocate, goods_discounts
from services.orders.coupons.redemption import redeem, release
from services.orders.coupons.rules import (
    CENT,
    GOODS_KINDS,
    STACKING_RULE,
    Customer,
    Item,
    check_coupon,
    check_stacking,
    customer_of,
    describe,
    find_coupon,
    money,
    normalize_code,
)

__all__ = [
    "CENT",
    "GOODS_KINDS",
    "STACKING_RULE",
    "CouponSpec",
    "Customer",
    "Item",
    "allocate",
    "check_coupon",
    "check_stacking",
    "create_coupon",
    "customer_of",
    "describe",
    "find_coupon",
    "goods_discounts",
    "money",
    "normalize_code",
    "redeem",
    "release",
]
