"""Every change of a variant's stock, atomic at the database and announced in its transaction.

Checkout, cancellation and staff counts all come here, so `variant.stock_changed` (and
`variant.back_in_stock` when a sold-out variant gets units) is written by one code path.
Each change is one conditional `UPDATE ... RETURNING`, so the old and new stock in the event
are exactly what this transaction did, also under concurrent writers.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise import connections

from services.events import outbox
from services.events.ids import global_id
from services.events.types import EventTypeName
from services.sql import marks

T = EventTypeName


@dataclass(frozen=True, slots=True)
class StockChange:
    variant_id: int
    product_id: int
    old: int
    new: int


async def _update(sql_set: str, where: str, params: list[object]) -> tuple[int, int] | None:
    conn = connections.get("default")
    m = marks(conn, len(params))
    rows = await conn.execute_query_dict(
        f"UPDATE variant SET {sql_set.format(*m)} WHERE {where.format(*m)} "
        "RETURNING stock, product_id",
        params,
    )
    return (int(rows[0]["stock"]), int(rows[0]["product_id"])) if rows else None


async def announce(change: StockChange, *, reason: str) -> None:
    """Write the stock events of `change` (in the transaction that made it)."""
    if change.old == change.new:
        return
    payload = {
        "variantId": global_id("Variant", change.variant_id),
        "productId": global_id("Product", change.product_id),
        "oldStock": change.old,
        "newStock": change.new,
        "reason": reason,
    }
    await outbox.emit(T.VARIANT_STOCK_CHANGED, aggregate_id=change.variant_id, payload=payload)
    if change.old <= 0 < change.new:
        await outbox.emit(
            T.VARIANT_BACK_IN_STOCK,
            aggregate_id=change.variant_id,
            payload={key: payload[key] for key in ("variantId", "productId", "newStock")},
        )


async def take(*, variant_id: int, units: int, reason: str) -> StockChange | None:
    """Remove `units` if that many are in stock; None (nothing changed) otherwise."""
    done = await _update(
        "stock = stock - {0}",
        "id = {1} AND stock >= {2}",
        [units, variant_id, units],
    )
    if done is None:
        return None
    change = StockChange(variant_id, done[1], done[0] + units, done[0])
    await announce(change, reason=reason)
    return change


async def put_back(*, variant_id: int, units: int, reason: str) -> StockChange | None:
    """Return `units` to the shelf (cancellation, returns)."""
    done = await _update("stock = stock + {0}", "id = {1}", [units, variant_id])
    if done is None:
        return None
    change = StockChange(variant_id, done[1], done[0] - units, done[0])
    await announce(change, reason=reason)
    return change
