"""Who may see and change shipments: the order's buyer, order staff, partner keys with the
shipments scopes; guests through a signed tracking token only (a reduced view)."""

from __future__ import annotations

from models.accounts import ApiScope, Permission
from models.logistics import Shipment
from resolvers.auth import may, require_permission_or_scope
from resolvers.context import Info
from resolvers.orders.access import can_act_as_customer
from services.logistics.errors import LogisticsErrorCode, error


async def can_see_shipment(info: Info, shipment: Shipment) -> bool:
    """Order staff, a READ_SHIPMENTS key, or the buyer of the shipment's order."""
    if may(info, Permission.MANAGE_ORDERS, ApiScope.READ_SHIPMENTS):
        return True
    order = await info.context.loaders.orders.order_by_id.load(shipment.order_id)
    return order is not None and await can_act_as_customer(info, order)


def require_reader(info: Info) -> None:
    require_permission_or_scope(info, Permission.MANAGE_ORDERS, ApiScope.READ_SHIPMENTS)


def require_writer(info: Info) -> None:
    require_permission_or_scope(info, Permission.MANAGE_ORDERS, ApiScope.WRITE_SHIPMENTS)


async def writable_shipment(info: Info, shipment_id: int | None) -> Shipment:
    require_writer(info)
    found = (
        await info.context.loaders.logistics.shipment_by_id.load(shipment_id)
        if shipment_id
        else None
    )
    if found is None:
        raise error(LogisticsErrorCode.SHIPMENT_NOT_FOUND, "No such shipment.", field="shipmentId")
    return found
