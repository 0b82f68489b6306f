"""Buyers, orders and deliveries for review and Q&A tests (rows written directly)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from models.accounts import User
from models.catalog import Product
from models.logistics import Carrier, Shipment, ShipmentLine, ShipmentStatus
from models.orders import Order, OrderLine, OrderStatus
from tests.factories import create_variant, unique


async def product() -> Product:
    variant = await create_variant()
    return await Product.get(id=variant.product_id)


async def bought(
    user: User,
    product: Product,
    *,
    status: OrderStatus = OrderStatus.PAID,
    paid_days_ago: float = 0,
) -> tuple[Order, OrderLine]:
    """An order of `user` holding one line of `product`."""
    paid = datetime.now(UTC) - timedelta(days=paid_days_ago)
    order = await Order.create(
        number=unique("R").upper()[:32],
        user=user,
        email=user.email,
        status=status,
        subtotal=Decimal("10.00"),
        total=Decimal("10.00"),
        placed_at=paid,
        paid_at=paid,
    )
    line = await OrderLine.create(
        order=order,
        product_id=product.id,
        product_name=product.name,
        sku=unique("SKU"),
        quantity=1,
        unit_price=Decimal("10.00"),
        total=Decimal("10.00"),
    )
    return order, line


async def shipped(
    order: Order,
    line: OrderLine,
    *,
    status: ShipmentStatus = ShipmentStatus.DELIVERED,
    delivered_days_ago: float = 0,
) -> Shipment:
    carrier, _ = await Carrier.get_or_create(code="review-test", defaults={"name": "Test"})
    delivered = datetime.now(UTC) - timedelta(days=delivered_days_ago)
    shipment = await Shipment.create(
        order=order,
        carrier=carrier,
        tracking_number=unique("TRK"),
        ship_date=delivered.date(),
        status=status,
        delivered_at=delivered if status == ShipmentStatus.DELIVERED else None,
    )
    await ShipmentLine.create(shipment=shipment, order_line=line, quantity=1)
    return shipment
