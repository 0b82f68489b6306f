"""Shipment reads (staff lists, guest tracking) and operations (create, track, cancel, push)."""

from __future__ import annotations

from collections.abc import Sequence

from models.accounts import Permission
from models.logistics import Carrier, PushFormat, Shipment
from resolvers.auth import require_permission
from resolvers.context import Info
from resolvers.logistics.access import require_reader, require_writer, writable_shipment
from resolvers.orders.access import actor as order_actor
from resolvers.pagination import Page, window
from services.flows import shipment_progress
from services.logistics import carriers, reads, shipments, tracking
from services.logistics import tokens as tracking_tokens
from services.logistics.adapters import TrackingUpdate
from services.logistics.errors import LogisticsErrorCode, error
from services.logistics.reads import ShipmentFilter
from services.logistics.shipments import LineRequest

MAX_PUSHED_EVENTS = 100


async def staff_shipments(
    info: Info, *, filters: ShipmentFilter, first: int | None, after: str | None
) -> Page[Shipment]:
    require_reader(info)
    win = window(first, after)
    query = await reads.shipment_query(filters=filters)
    found = await reads.list_shipments(query=query, offset=win.offset, limit=win.limit)
    info.context.loaders.logistics.prime(found.rows)

    async def total() -> int:
        return await reads.count_shipments(query=query)

    return Page(items=found.rows, offset=win.offset, total=total, has_next=found.has_next)


async def tracked(info: Info, *, token: str) -> Shipment | None:
    """The shipment of a signed tracking token; None for any other string."""
    shipment_id = tracking_tokens.shipment_id(token[:100])
    if shipment_id is None:
        return None
    return await info.context.loaders.logistics.shipment_by_id.load(shipment_id)


async def _settled(info: Info, shipment: Shipment) -> Shipment:
    """The shipment read again, its order moved along with it."""
    await shipment_progress.follow_shipments(order_id=shipment.order_id, actor=order_actor(info))
    info.context.loaders.logistics.forget_shipment(shipment)
    info.context.loaders.orders.forget_order(shipment.order_id)
    return await Shipment.get(id=shipment.id)


async def create(
    info: Info,
    *,
    order_id: int | None,
    carrier_code: str,
    lines: Sequence[LineRequest] | None,
    tracking_number: str | None,
    service_level: str,
    label_url: str,
    weight_grams: int | None,
) -> Shipment:
    require_writer(info)
    if not order_id:
        raise error(LogisticsErrorCode.ORDER_NOT_FOUND, "No such order.", field="orderId")
    made = await shipments.create_shipment(
        order_id=order_id,
        carrier_code=carrier_code,
        lines=lines,
        tracking_number=tracking_number,
        service_level=service_level,
        label_url=label_url,
        weight_grams=weight_grams,
    )
    return await _settled(info, made)


async def set_tracking(
    info: Info, *, shipment_id: int | None, tracking_number: str, carrier_code: str | None
) -> Shipment:
    found = await writable_shipment(info, shipment_id)
    changed = await shipments.set_tracking(
        shipment_id=found.id, tracking_number=tracking_number, carrier_code=carrier_code
    )
    return await _settled(info, changed)


async def cancel(info: Info, *, shipment_id: int | None) -> Shipment:
    found = await writable_shipment(info, shipment_id)
    return await _settled(info, await shipments.cancel_shipment(shipment_id=found.id))


async def push(
    info: Info, *, carrier_code: str, updates: list[TrackingUpdate]
) -> tracking.IngestResult:
    require_writer(info)
    if len(updates) > MAX_PUSHED_EVENTS:
        raise error(
            LogisticsErrorCode.BATCH_TOO_LARGE,
            f"Push at most {MAX_PUSHED_EVENTS} events at once; got {len(updates)}.",
            field="events",
        )
    carrier = await carriers.get_carrier(code=carrier_code)
    return await tracking.ingest(carrier=carrier, updates=updates, source="api")


async def create_carrier(
    info: Info, *, code: str, name: str, tracking_url_template: str, push_format: PushFormat
) -> Carrier:
    require_permission(info, Permission.MANAGE_ORDERS)
    return await carriers.create_carrier(
        code=code, name=name, tracking_url_template=tracking_url_template, push_format=push_format
    )


async def rotate_carrier_secret(info: Info, *, code: str) -> Carrier:
    require_permission(info, Permission.MANAGE_ORDERS)
    return await carriers.rotate_secret(code=code)


async def all_carriers() -> list[Carrier]:
    await carriers.ensure_built_in()
    return list(await Carrier.filter(is_active=True).order_by("code"))
