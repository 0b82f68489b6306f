"""import-orders: the Online Retail ledger as customers, orders, returns and purchases."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from api.cli import DEFAULT_RETAIL_CSV, build_parser, cmd_import_orders
from models.accounts import User
from models.analytics import BehaviourEvent, EventKind
from models.catalog import Product
from models.orders import Order, OrderLine, OrderStatus
from services.flows.order_import import import_orders
from services.orders.importer import read_invoices

HEADER = "invoice_no,stock_code,description,quantity,invoice_date,unit_price,customer_id,country\n"

pytestmark = pytest.mark.usefixtures("database")


def _ids() -> dict[str, str]:
    """Invoice numbers, stock codes and customer ids no other test (or the real file) uses."""
    base = random.randrange(10**8, 10**9)
    tag = uuid.uuid4().hex[:6].upper()
    return {
        **{f"inv{i}": str(base + i) for i in range(1, 6)},
        "a": f"ZA{tag}",
        "b": f"ZB{tag}",
        "c": f"ZC{tag}",
        "c1": str(base + 11),
        "c2": str(base + 12),
    }


def _write(tmp_path: Path, ids: dict[str, str]) -> Path:
    rows = [
        # A customer's invoice; the same product twice on it is one line of 5.
        "{inv1},{a},RED WOODEN TRAIN,3,2011-05-02T10:15:00,2.50,{c1},United Kingdom",
        "{inv1},{b},BLUE KITE.,1,2011-05-02T10:15:00,10.00,{c1},United Kingdom",
        "{inv1},{a},RED WOODEN TRAIN,2,2011-05-02T10:16:00,2.50,{c1},United Kingdom",
        # One of two units came back on the same invoice.
        "{inv2},{a},RED WOODEN TRAIN,2,2011-05-03T09:00:00,2.50,{c1},United Kingdom",
        "{inv2},{a},RED WOODEN TRAIN,-1,2011-05-03T09:00:00,2.50,{c1},United Kingdom",
        # A cancellation invoice.
        "C{inv3},{b},BLUE KITE.,-2,2011-05-04T11:30:00,10.00,{c2},France",
        # A guest checkout with postage.
        "{inv4},{a},RED WOODEN TRAIN,1,2011-05-05T12:00:00,2.50,,Germany",
        "{inv4},POST,POSTAGE,1,2011-05-05T12:00:00,18.00,,Germany",
        # A stock adjustment: a negative, unpriced line of its own.
        "{inv5},{c},,-4,2011-05-06T08:00:00,0.0,,United Kingdom",
    ]
    path = tmp_path / "transactions.csv"
    path.write_text(HEADER + "".join(row.format(**ids) + "\n" for row in rows), encoding="utf-8")
    return path


async def _orders(ids: dict[str, str]) -> dict[str, Order]:
    refs = [f"online-retail:{ids[f'inv{i}']}" for i in (1, 2, 4, 5)]
    refs.append(f"online-retail:C{ids['inv3']}")
    orders = await Order.filter(external_ref__in=refs)
    by_ref = {order.external_ref: order for order in orders}
    return {
        key: by_ref[f"online-retail:{'C' if key == 'inv3' else ''}{ids[key]}"]
        for key in ("inv1", "inv2", "inv3", "inv4", "inv5")
    }


async def _lines(order: Order) -> list[tuple[str, int, int, str, str]]:
    lines = await OrderLine.filter(order_id=order.id).order_by("sku")
    return [
        (line.sku, line.quantity, line.returned_quantity, str(line.unit_price), str(line.total))
        for line in lines
    ]


async def test_import_builds_orders_and_is_idempotent(tmp_path: Path) -> None:
    ids = _ids()
    path = _write(tmp_path, ids)

    first = await import_orders(path=path)

    assert first == {
        "invoices": 5,
        "created": 5,
        "unchanged": 0,
        "completed": 2,
        "cancelled": 1,
        "partially_refunded": 1,
        "refunded": 1,
        "guest_orders": 2,
        "customers_created": 2,
        "lines_created": 7,
        "purchase_events": 4,
        "products_created": 2,
    }
    orders = await _orders(ids)
    a, b = f"OR-{ids['a']}", f"OR-{ids['b']}"

    inv1 = orders["inv1"]
    customer = await User.get(id=inv1.user_id)
    assert customer.email == f"customer-{ids['c1']}@online-retail.invalid"
    assert customer.password_hash is None
    assert customer.external_ref == f"online-retail:{ids['c1']}"
    assert (inv1.number, inv1.status, inv1.currency) == (
        f"OR-{ids['inv1']}",
        OrderStatus.COMPLETED,
        "GBP",
    )
    assert inv1.placed_at == datetime(2011, 5, 2, 10, 15, tzinfo=UTC)
    assert inv1.paid_at == inv1.placed_at
    assert inv1.email == customer.email
    assert (inv1.subtotal, inv1.total) == (Decimal("22.50"), Decimal("22.50"))
    assert await _lines(inv1) == [(a, 5, 0, "2.50", "12.50"), (b, 1, 0, "10.00", "10.00")]

    inv2 = orders["inv2"]
    assert (inv2.status, inv2.user_id, inv2.refunded_total) == (
        OrderStatus.PARTIALLY_REFUNDED,
        customer.id,
        Decimal("2.50"),
    )
    assert await _lines(inv2) == [(a, 2, 1, "2.50", "5.00")]

    inv3 = orders["inv3"]
    assert (inv3.number, inv3.status, inv3.paid_at) == (
        f"OR-C{ids['inv3']}",
        OrderStatus.CANCELLED,
        None,
    )
    assert inv3.user_id is not None and inv3.user_id != customer.id
    assert await _lines(inv3) == [(b, 2, 0, "10.00", "20.00")]

    guest = orders["inv4"]
    assert (guest.user_id, guest.email, guest.status) == (None, None, OrderStatus.COMPLETED)
    guest_lines = await OrderLine.filter(order_id=guest.id).order_by("sku")
    assert [(line.sku, line.variant_id is None) for line in guest_lines] == [
        ("OR-POST", True),
        (a, False),
    ]

    adjustment = orders["inv5"]
    assert (adjustment.status, adjustment.user_id) == (OrderStatus.REFUNDED, None)
    assert await _lines(adjustment) == [(f"OR-{ids['c']}", 4, 4, "0.00", "0.00")]

    # Bought units are purchases the recommender reads, at the invoice time.
    events = await BehaviourEvent.filter(
        order_id__in=[o.id for o in orders.values()], kind=EventKind.PURCHASE
    ).order_by("occurred_at", "id")
    product_a = await Product.get(external_ref=f"online-retail:{ids['a']}")
    product_b = await Product.get(external_ref=f"online-retail:{ids['b']}")
    assert [(e.order_id, e.user_id, e.product_id, e.quantity) for e in events] == [
        (inv1.id, customer.id, product_a.id, 5),
        (inv1.id, customer.id, product_b.id, 1),
        (inv2.id, customer.id, product_a.id, 1),
        (guest.id, None, product_a.id, 1),
    ]
    assert events[0].occurred_at == inv1.placed_at
    assert (product_a.sales_count, product_b.sales_count) == (7, 1)

    # Running again changes nothing.
    second = await import_orders(path=path)
    assert second["created"] == second["customers_created"] == second["purchase_events"] == 0
    assert (second["invoices"], second["unchanged"], second["lines_created"]) == (5, 5, 0)

    def snapshot(found: dict[str, Order]) -> dict[str, tuple[Any, ...]]:
        return {k: (o.id, o.status, o.total, o.updated_at) for k, o in found.items()}

    assert snapshot(await _orders(ids)) == snapshot(orders)
    again = await BehaviourEvent.filter(order_id__in=[o.id for o in orders.values()]).count()
    assert again == len(events)
    assert (
        await User.filter(
            external_ref__in=[f"online-retail:{ids[c]}" for c in ("c1", "c2")]
        ).count()
        == 2
    )
    assert (await Product.get(id=product_a.id)).sales_count == 7


def test_reader_keeps_the_first_time_of_an_invoice(tmp_path: Path) -> None:
    invoices = read_invoices(_write(tmp_path, _ids()))
    assert [len(invoice.rows) for invoice in invoices] == [3, 2, 1, 2, 1]
    assert invoices[0].placed_at == datetime(2011, 5, 2, 10, 15, tzinfo=UTC)
    assert invoices[2].cancelled and not invoices[0].cancelled
    assert invoices[3].customer_id is None


def test_cli_offers_import_orders_on_the_retail_file() -> None:
    args = build_parser().parse_args(["import-orders"])
    assert args.func is cmd_import_orders
    assert Path(args.file) == DEFAULT_RETAIL_CSV
    assert DEFAULT_RETAIL_CSV.name == "transactions.csv"


def test_cli_refuses_a_missing_file(tmp_path: Path, capsys: Any) -> None:
    args = build_parser().parse_args(["import-orders", "--file", str(tmp_path / "nope.csv")])
    assert cmd_import_orders(args, None) == 2  # type: ignore[arg-type]
    assert "does not exist" in capsys.readouterr().err
