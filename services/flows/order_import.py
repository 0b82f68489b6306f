"""Order import: the orders domain loads the ledger, analytics records what was bought."""

from __future__ import annotations

import pathlib

from services.analytics import purchases
from services.orders import importer


async def _record(order_ids: list[int]) -> int:
    return await purchases.record_order_purchases(order_ids=order_ids)


async def import_orders(*, path: pathlib.Path) -> dict[str, int]:
    """Import the Online Retail ledger and its purchases, in one transaction.

    A bulk path: it emits no domain events (history, not news) and records the bought
    orders' purchases directly, not through `order.paid`.
    """
    return await importer.import_orders(path=path, record_purchases=_record)
