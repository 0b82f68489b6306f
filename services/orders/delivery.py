"""Delivery options of a cart: every method with its fee for the cart as it is."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from models.orders import DeliveryMethod
from services.orders.pricing import DELIVERY_LABELS, DELIVERY_TARIFFS, Pricing, delivery_fee


@dataclass(frozen=True)
class DeliveryOption:
    method: DeliveryMethod
    label: str
    fee: Decimal
    list_fee: Decimal


def delivery_options(pricing: Pricing) -> list[DeliveryOption]:
    """Each method priced on the cart's discounted goods; none when the currency has no fees."""
    tariff = DELIVERY_TARIFFS.get(pricing.currency)
    if tariff is None:
        return []
    goods = pricing.subtotal - pricing.goods_discount
    options = []
    for method in DeliveryMethod:
        fee, _ = delivery_fee(method, goods, pricing.currency)
        label = DELIVERY_LABELS[method]
        if method == DeliveryMethod.STANDARD:
            label += f" (free from {tariff.free_standard_from:.2f} {pricing.currency})"
        options.append(DeliveryOption(method, label, fee, tariff.fees[method]))
    return options
