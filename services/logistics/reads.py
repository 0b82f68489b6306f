"""Shipment lists for staff and partners: filtered by status, carrier, lateness or order."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from models.logistics import Carrier, Shipment, ShipmentStatus


@dataclass(frozen=True)
class ShipmentFilter:
    status: ShipmentStatus | None = None
    carrier_code: str | None = None
    late: bool | None = None
    order_id: int | None = None


@dataclass(frozen=True)
class ShipmentSlice:
    rows: list[Shipment]
    has_next: bool


def _query(filters: ShipmentFilter, carrier_id: int | None) -> QuerySet[Shipment]:
    query = Shipment.all()
    if filters.status is not None:
        query = query.filter(status=filters.status)
    if carrier_id is not None:
        query = query.filter(carrier_id=carrier_id)
    if filters.order_id is not None:
        query = query.filter(order_id=filters.order_id)
    if filters.late is True:
        query = query.filter(late_at__isnull=False)
    elif filters.late is False:
        query = query.filter(Q(late_at__isnull=True))
    return query


async def _carrier_id(filters: ShipmentFilter) -> int | None:
    if filters.carrier_code is None:
        return None
    found = await Carrier.filter(code=filters.carrier_code.strip().lower()[:32]).first()
    return found.id if found is not None else -1


async def shipment_query(*, filters: ShipmentFilter) -> QuerySet[Shipment]:
    """The filtered shipments, for one page and (when asked) their count."""
    return _query(filters, await _carrier_id(filters))


async def list_shipments(*, query: QuerySet[Shipment], offset: int, limit: int) -> ShipmentSlice:
    """Newest first; one row more than `limit` tells whether a next page exists."""
    rows = await query.order_by("-id").offset(offset).limit(limit + 1)
    return ShipmentSlice(rows=list(rows[:limit]), has_next=len(rows) > limit)


async def count_shipments(*, query: QuerySet[Shipment]) -> int:
    return await query.count()
