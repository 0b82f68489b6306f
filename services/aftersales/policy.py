"""The return policy: the window from delivery, final-sale products, returnable quantities.

Settings come from the environment with shop-friendly defaults (README, "After-sales").
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from tortoise.expressions import Q

from models.aftersales import CaseKind, CaseLine, CaseReason, InspectionResult
from models.catalog import Product
from models.orders import OrderLine
from services.aftersales.errors import AftersalesErrorCode, error

C = AftersalesErrorCode
# Kinds that take units back: a repair sends the same toy back, so it claims nothing.
CLAIMING_KINDS = frozenset({CaseKind.RETURN, CaseKind.EXCHANGE})
# The shop's fault: shipping is refunded and no restocking fee is charged.
SHOP_FAULT = frozenset(
    {
        CaseReason.DEFECTIVE,
        CaseReason.DAMAGED_IN_TRANSIT,
        CaseReason.MISSING_PARTS,
        CaseReason.NOT_AS_DESCRIBED,
        CaseReason.WRONG_ITEM,
        CaseReason.SAFETY_CONCERN,
    }
)


@dataclass(frozen=True)
class Policy:
    window_days: int = 30
    restocking_fee_percent: Decimal = Decimal(0)
    autoclose_days: int = 4
    # A late (or lost) parcel opens a complaint by itself.
    late_shipment_cases: bool = True
    # The satisfaction survey opens this long after the case is solved, for this long.
    survey_delay_hours: int = 24
    survey_window_days: int = 28
    # A rating at or below this reopens a solved case (0: never).
    survey_reopen_at_or_below: int = 0


def _int(name: str, default: int) -> int:
    try:
        return max(int(os.environ.get(name, default)), 0)
    except ValueError:
        return default


def from_environment() -> Policy:
    try:
        fee = Decimal(os.environ.get("SHOPGRAPH_RESTOCKING_FEE_PERCENT", "0"))
    except ArithmeticError:
        fee = Decimal(0)
    if not fee.is_finite() or not 0 <= fee <= 100:
        fee = Decimal(0)
    return Policy(
        window_days=_int("SHOPGRAPH_RETURN_WINDOW_DAYS", 30),
        restocking_fee_percent=fee,
        autoclose_days=_int("SHOPGRAPH_CASE_AUTOCLOSE_DAYS", 4),
        late_shipment_cases=os.environ.get("SHOPGRAPH_CASE_LATE_SHIPMENTS", "1") != "0",
        survey_delay_hours=_int("SHOPGRAPH_SURVEY_DELAY_HOURS", 24),
        survey_window_days=_int("SHOPGRAPH_SURVEY_WINDOW_DAYS", 28),
        survey_reopen_at_or_below=min(_int("SHOPGRAPH_SURVEY_REOPEN_AT_OR_BELOW", 0), 5),
    )


@dataclass(frozen=True)
class SurveyWindow:
    opens_at: datetime
    closes_at: datetime


def survey_window(solved_at: datetime | None, policy: Policy) -> SurveyWindow | None:
    """When the satisfaction survey of a case solved at `solved_at` is open."""
    if solved_at is None:
        return None
    opens = solved_at + timedelta(hours=policy.survey_delay_hours)
    return SurveyWindow(opens, opens + timedelta(days=policy.survey_window_days))


def check_window(delivered_at: datetime | None, now: datetime, policy: Policy) -> None:
    """Refuse a return or exchange of goods not delivered, or delivered too long ago."""
    if delivered_at is None:
        raise error(
            C.ORDER_NOT_DELIVERED,
            "The order has not been delivered yet; returns open on delivery.",
            field="orderId",
        )
    if now > delivered_at + timedelta(days=policy.window_days):
        raise error(
            C.OUTSIDE_RETURN_WINDOW,
            f"Returns are accepted within {policy.window_days} days of delivery.",
            field="orderId",
        )


async def check_returnable_products(lines: list[OrderLine]) -> None:
    """Refuse final-sale (non-returnable) products."""
    product_ids = {line.product_id for line in lines if line.product_id is not None}
    final = await Product.filter(id__in=product_ids, is_returnable=False).values_list(
        "id", flat=True
    )
    for line in lines:
        if line.product_id in set(final):
            raise error(
                C.FINAL_SALE,
                f"{line.product_name} is a final-sale item and cannot be returned.",
                field="lines",
            )


async def claimed_units(order_id: int, *, exclude_case_id: int | None = None) -> dict[int, int]:
    """Units per order line already taken by return and exchange cases that still stand
    (not declined, and not found missing at inspection)."""
    query = CaseLine.filter(
        order_line__order_id=order_id,
        case__kind__in=list(CLAIMING_KINDS),
        case__decline_reason__isnull=True,
    ).filter(Q(inspection__isnull=True) | ~Q(inspection=InspectionResult.MISSING))
    if exclude_case_id is not None:
        query = query.exclude(case_id=exclude_case_id)
    claimed: dict[int, int] = defaultdict(int)
    for row in await query.values("order_line_id", "quantity"):
        claimed[row["order_line_id"]] += row["quantity"]
    return claimed


async def returnable(order_id: int) -> dict[int, int]:
    """Units per line that may still be returned: bought, less returned before (imports)
    and less what open cases claim. Call under the order's lock to rely on it."""
    lines = await OrderLine.filter(order_id=order_id).values("id", "quantity", "returned_quantity")
    claimed = await claimed_units(order_id)
    return {
        row["id"]: max(row["quantity"] - row["returned_quantity"] - claimed.get(row["id"], 0), 0)
        for row in lines
    }
