"""Staff operations that give a goods case its outcome through logistics and orders: the
return parcel, the exchange's replacement order, the repaired item's parcel."""

from __future__ import annotations

from collections.abc import Sequence

from models.aftersales import Case
from resolvers.aftersales.access import require_staff, staff_case
from resolvers.context import Info
from services.flows import case_exchange, case_parcels
from services.orders.replacements import ReplacementLine


async def _fresh(info: Info, case: Case) -> Case:
    info.context.loaders.aftersales.forget_case(case.id)
    if case.order_id:
        info.context.loaders.orders.forget_order(case.order_id)
    return await Case.get(id=case.id)


async def send_return_parcel(
    info: Info, *, case_id: int | None, carrier: str, tracking_number: str | None, label_url: str
) -> Case:
    case = await staff_case(info, case_id)
    await case_parcels.send_return_parcel(
        case_id=case.id, carrier_code=carrier, tracking_number=tracking_number, label_url=label_url
    )
    return await _fresh(info, case)


async def ship_repair(
    info: Info, *, case_id: int | None, carrier: str, tracking_number: str | None, label_url: str
) -> Case:
    case = await staff_case(info, case_id)
    await case_parcels.ship_repair(
        case_id=case.id, carrier_code=carrier, tracking_number=tracking_number, label_url=label_url
    )
    return await _fresh(info, case)


async def exchange(info: Info, *, case_id: int | None, lines: Sequence[ReplacementLine]) -> Case:
    me = require_staff(info)
    case = await staff_case(info, case_id)
    await case_exchange.exchange_case(case_id=case.id, staff_id=me.id, lines=lines)
    return await _fresh(info, case)
