"""Import the Online Retail transactions CSV as customers, orders and purchases, idempotently.

How the ledger maps onto orders:

- one order per invoice (`external_ref` "online-retail:<invoice_no>", number "OR-<invoice_no>"),
  placed at the invoice time (read as UTC), in GBP at the CSV unit prices;
- a normal invoice is COMPLETED (and paid when placed);
- an invoice starting with "C" is a cancellation: a CANCELLED order whose lines hold the
  cancelled quantities as positive numbers;
- a negative line on a normal invoice is a return, kept on the line as `returned_quantity`:
  it is taken off a line of the same stock code in the invoice when there is one, else it
  becomes its own line whose units were all returned. Orders with returns are
  PARTIALLY_REFUNDED, or REFUNDED when every unit came back, with `refunded_total` set (in
  the real file these are all zero-priced stock adjustments of their own invoices);
- rows without a customer id are guest orders (no user, no email); customers become users
  "customer-<id>@online-retail.invalid" without a password, so they cannot sign in;
- postage, fees and other non-product codes stay order lines without a variant;
- bought orders get PURCHASE behaviour events at the invoice time (for the recommender) and
  add their net units to the products' `sales_count`.

Orders already imported (by `external_ref`) are left alone, so a second run creates nothing.
"""

from __future__ import annotations

import csv
import pathlib
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from tortoise import connections
from tortoise.transactions import in_transaction

from models.accounts import User
from models.catalog import Product, Variant
from models.orders import Order, OrderEvent, OrderLine, OrderStatus
from services import sql
from services.catalog.importer import SOURCE, SOURCE_NAME, clean_title, import_catalog

CURRENCY = "GBP"
# Records the purchases of the given bought orders; returns the events written.
PurchaseRecorder = Callable[[list[int]], Awaitable[int]]
BATCH_SIZE = 1000
_CENT = Decimal("0.01")
_ZERO = Decimal("0.00")


@dataclass
class ImportedLine:
    stock_code: str
    name: str
    unit_price: Decimal
    quantity: int = 0
    returned_quantity: int = 0

    @property
    def total(self) -> Decimal:
        return (self.unit_price * self.quantity).quantize(_CENT)


@dataclass
class Invoice:
    invoice_no: str
    customer_id: str | None
    placed_at: datetime
    country: str
    rows: list[tuple[str, str, int, Decimal]] = field(default_factory=list)

    @property
    def cancelled(self) -> bool:
        return self.invoice_no.startswith("C")

    @property
    def external_ref(self) -> str:
        return f"{SOURCE}:{self.invoice_no}"

    def lines(self) -> list[ImportedLine]:
        """Rows merged into order lines: one per stock code and price, returns applied."""
        lines: dict[tuple[str, Decimal], ImportedLine] = {}
        returns: list[tuple[str, str, int, Decimal]] = []
        for code, name, quantity, price in self.rows:
            if quantity < 0 and not self.cancelled:
                returns.append((code, name, -quantity, price))
                continue
            line = lines.setdefault((code, price), ImportedLine(code, name, price))
            line.quantity += abs(quantity)
        for code, name, quantity, price in returns:
            for line in lines.values():
                if line.stock_code == code and quantity > 0:
                    taken = min(quantity, line.quantity - line.returned_quantity)
                    line.returned_quantity += taken
                    quantity -= taken
            if quantity > 0:
                line = lines.setdefault((code, price), ImportedLine(code, name, price))
                line.quantity += quantity
                line.returned_quantity += quantity
        return list(lines.values())

    def status(self, lines: list[ImportedLine]) -> OrderStatus:
        if self.cancelled:
            return OrderStatus.CANCELLED
        returned = sum(line.returned_quantity for line in lines)
        if returned == 0:
            return OrderStatus.COMPLETED
        if returned == sum(line.quantity for line in lines):
            return OrderStatus.REFUNDED
        return OrderStatus.PARTIALLY_REFUNDED


def customer_email(customer_id: str) -> str:
    return f"customer-{customer_id}@online-retail.invalid"


def read_invoices(path: pathlib.Path) -> list[Invoice]:
    """The CSV grouped into invoices, in file order; unreadable rows are skipped."""
    invoices: dict[str, Invoice] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            invoice_no = (row["invoice_no"] or "").strip().upper()
            code = (row["stock_code"] or "").strip().upper()
            try:
                quantity = int(row["quantity"])
                price = Decimal(row["unit_price"]).quantize(_CENT, rounding=ROUND_HALF_UP)
                placed_at = datetime.fromisoformat(row["invoice_date"]).replace(tzinfo=UTC)
            except (InvalidOperation, TypeError, ValueError):
                continue
            if not invoice_no or not code or quantity == 0:
                continue
            invoice = invoices.get(invoice_no)
            if invoice is None:
                customer = (row["customer_id"] or "").strip().removesuffix(".0") or None
                invoice = invoices[invoice_no] = Invoice(
                    invoice_no, customer, placed_at, (row["country"] or "").strip()
                )
            # An invoice keyed over a minute boundary has two times; the first one counts.
            invoice.placed_at = min(invoice.placed_at, placed_at)
            name = clean_title(row["description"] or "") or code
            invoice.rows.append((code, name[:300], quantity, abs(price)))
    return list(invoices.values())


async def import_orders(
    *, path: pathlib.Path, record_purchases: PurchaseRecorder | None = None
) -> dict[str, int]:
    """Import products (via the catalog importer), customers and orders from the CSV.

    `record_purchases` (given by the flow that runs the import) records what was bought, in
    the import's transaction: this domain does not reach into analytics itself.
    """
    catalog = await import_catalog(path=path)
    invoices = read_invoices(path)
    report: Counter[str] = Counter(invoices=len(invoices), products_created=catalog["created"])
    async with in_transaction():
        existing = set(
            await Order.filter(external_ref__startswith=f"{SOURCE}:").values_list(
                "external_ref", flat=True
            )
        )
        new = [invoice for invoice in invoices if invoice.external_ref not in existing]
        report["unchanged"] = len(invoices) - len(new)
        users = await _customers(new, report)
        variants = {
            row["sku"]: row
            for row in await Variant.filter(sku__startswith="OR-").values("id", "sku", "product_id")
        }
        names = {
            row["id"]: row["name"]
            for row in await Product.filter(external_ref__startswith=f"{SOURCE}:").values(
                "id", "name"
            )
        }
        planned = []
        for invoice in new:
            lines = invoice.lines()
            status = invoice.status(lines)
            planned.append((invoice, lines, status))
            report["created"] += 1
            report[status.value] += 1
            report["guest_orders"] += invoice.customer_id is None
        await Order.bulk_create(
            [_order(invoice, lines, status, users) for invoice, lines, status in planned],
            batch_size=BATCH_SIZE,
        )
        ids = await _ids_by_ref(Order, [invoice.external_ref for invoice, _, _ in planned])
        order_lines, events = [], []
        sold: Counter[int] = Counter()
        for invoice, lines, status in planned:
            order_id = ids[invoice.external_ref]
            for line in lines:
                variant = variants.get(f"OR-{line.stock_code}")
                product_id = variant["product_id"] if variant else None
                order_lines.append(
                    OrderLine(
                        order_id=order_id,
                        variant_id=variant["id"] if variant else None,
                        product_id=product_id,
                        product_name=names.get(product_id, line.name),
                        sku=f"OR-{line.stock_code}"[:64],
                        quantity=line.quantity,
                        unit_price=line.unit_price,
                        total=line.total,
                        currency=CURRENCY,
                        returned_quantity=line.returned_quantity,
                    )
                )
                if product_id is not None and status != OrderStatus.CANCELLED:
                    sold[product_id] += line.quantity - line.returned_quantity
            events.append(_timeline_entry(order_id, invoice))
        await OrderLine.bulk_create(order_lines, batch_size=BATCH_SIZE)
        await OrderEvent.bulk_create(events, batch_size=BATCH_SIZE)
        report["lines_created"] = len(order_lines)
        await _add_sales(sold)
        bought = [ids[i.external_ref] for i, _, s in planned if s != OrderStatus.CANCELLED]
        if record_purchases is not None:
            report["purchase_events"] = await record_purchases(bought)
    return {key: report[key] for key in _REPORT_KEYS}


_REPORT_KEYS = (
    "invoices",
    "created",
    "unchanged",
    "completed",
    "cancelled",
    "partially_refunded",
    "refunded",
    "guest_orders",
    "customers_created",
    "lines_created",
    "purchase_events",
    "products_created",
)


async def _customers(invoices: list[Invoice], report: Counter[str]) -> dict[str, int]:
    """User ids by customer id, creating the customers not imported before."""
    wanted = {invoice.customer_id for invoice in invoices if invoice.customer_id}
    refs = {f"{SOURCE}:{customer_id}": customer_id for customer_id in wanted}
    users = await _ids_by_ref(User, list(refs))
    missing = sorted(ref for ref in refs if ref not in users)
    await User.bulk_create(
        [
            User(
                email=customer_email(refs[ref]),
                password_hash=None,
                display_name=f"{SOURCE_NAME} customer {refs[ref]}",
                external_ref=ref,
            )
            for ref in missing
        ],
        batch_size=BATCH_SIZE,
    )
    report["customers_created"] = len(missing)
    if missing:
        users.update(await _ids_by_ref(User, missing))
    return {refs[ref]: user_id for ref, user_id in users.items()}


async def _ids_by_ref(model: type[User] | type[Order], refs: list[str]) -> dict[str, int]:
    """The ids of the `model` rows with these external refs, by ref (batched lookups)."""
    found: dict[str, int] = {}
    for start in range(0, len(refs), BATCH_SIZE):
        rows = await model.filter(external_ref__in=refs[start : start + BATCH_SIZE]).values(
            "id", "external_ref"
        )
        found.update({row["external_ref"]: row["id"] for row in rows})
    return found


def _order(
    invoice: Invoice, lines: list[ImportedLine], status: OrderStatus, users: dict[str, int]
) -> Order:
    subtotal = sum((line.total for line in lines), _ZERO)
    refunded = sum((line.unit_price * line.returned_quantity for line in lines), _ZERO)
    customer = invoice.customer_id
    return Order(
        number=f"OR-{invoice.invoice_no}"[:32],
        user_id=users[customer] if customer else None,
        email=customer_email(customer) if customer else None,
        status=status,
        currency=CURRENCY,
        subtotal=subtotal,
        total=subtotal,
        refunded_total=refunded.quantize(_CENT),
        external_ref=invoice.external_ref,
        placed_at=invoice.placed_at,
        paid_at=None if invoice.cancelled else invoice.placed_at,
    )


def _timeline_entry(order_id: int, invoice: Invoice) -> OrderEvent:
    return OrderEvent(
        order_id=order_id,
        kind="imported",
        message=f"Imported from {SOURCE_NAME} invoice {invoice.invoice_no}.",
        actor="import",
        data={"source": SOURCE, "invoice_no": invoice.invoice_no, "country": invoice.country},
    )


async def _add_sales(sold: Counter[int]) -> None:
    """Add net units sold to each product's `sales_count`, in one prepared statement."""
    conn = connections.get("default")
    a, b = sql.marks(conn, 2)
    rows: list[list[Any]] = [[units, pid] for pid, units in sorted(sold.items()) if units > 0]
    if rows:
        await conn.execute_many(
            f"UPDATE product SET sales_count = sales_count + {a} WHERE id = {b}", rows
        )
