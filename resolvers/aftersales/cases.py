"""Case reads (my cases, the staff queue) and operations for customers and staff."""

from __future__ import annotations

from collections.abc import Sequence

from models.accounts import User
from models.aftersales import Case, CaseKind, CaseMessage, CasePriority, CaseReason, DeclineReason
from resolvers.aftersales.access import (
    own_case,
    require_desk,
    require_reader,
    require_staff,
    staff_case,
)
from resolvers.auth import require_user
from resolvers.context import Info
from resolvers.pagination import Page, window
from services import aftersales
from services.aftersales import closing, reads, staff
from services.aftersales.errors import AftersalesErrorCode, error
from services.aftersales.reads import CaseFilter
from services.flows import case_opening, case_refund, return_points


async def _page(
    info: Info, filters: CaseFilter, *, queue: bool, first: int | None, after: str | None
) -> Page[Case]:
    win = window(first, after)
    query = reads.case_query(filters, queue=queue)
    rows, has_next = await reads.list_cases(query=query, offset=win.offset, limit=win.limit)
    info.context.loaders.aftersales.prime(rows)

    async def total() -> int:
        return await reads.count_cases(query=query)

    return Page(items=rows, offset=win.offset, total=total, has_next=has_next)


async def my_cases(info: Info, *, first: int | None, after: str | None) -> Page[Case]:
    user = require_user(info)
    return await _page(info, CaseFilter(customer_id=user.id), queue=False, first=first, after=after)


async def staff_cases(
    info: Info, *, filters: CaseFilter, first: int | None, after: str | None
) -> Page[Case]:
    require_reader(info)
    return await _page(info, filters, queue=True, first=first, after=after)


async def _fresh(info: Info, case_id: int) -> Case:
    info.context.loaders.aftersales.forget_case(case_id)
    return await Case.get(id=case_id)


async def open_case(
    info: Info,
    *,
    kind: CaseKind,
    reason: CaseReason,
    reason_note: str,
    description: str,
    photo_urls: Sequence[str],
    order_id: int | None,
    lines: Sequence[aftersales.LineRequest],
) -> Case:
    user = require_user(info)
    if order_id is not None and order_id < 0:
        raise error(AftersalesErrorCode.ORDER_NOT_FOUND, "No such order of yours.", field="orderId")
    return await case_opening.open_case(
        customer_id=user.id,
        kind=kind,
        reason=reason,
        reason_note=reason_note,
        description=description,
        photo_urls=photo_urls,
        order_id=order_id,
        lines=lines,
    )


async def preview_return(
    info: Info, *, order_id: int | None, reason: CaseReason, lines: Sequence[aftersales.LineRequest]
) -> aftersales.Preview:
    user = require_user(info)
    order = (
        await info.context.loaders.orders.order_by_id.load(order_id)
        if order_id and order_id > 0
        else None
    )
    if order is None or order.user_id != user.id:
        raise error(AftersalesErrorCode.ORDER_NOT_FOUND, "No such order of yours.", field="orderId")
    units = await case_opening.preview_units(order.id, lines)
    return await aftersales.preview_return(
        order_id=order.id, units=units, reason=reason, points_back=return_points.points_back
    )


async def reply(
    info: Info, *, case_id: int | None, body: str, attachment_urls: Sequence[str]
) -> CaseMessage:
    user = require_user(info)
    case = await own_case(info, user, case_id)
    message = await aftersales.customer_reply(
        case_id=case.id, customer_id=user.id, body=body, attachment_urls=attachment_urls
    )
    info.context.loaders.aftersales.forget_case(case.id)
    return message


async def rate(info: Info, *, case_id: int | None, rating: int, comment: str) -> Case:
    user = require_user(info)
    case = await own_case(info, user, case_id)
    await closing.rate(case_id=case.id, customer_id=user.id, rating=rating, comment=comment)
    return await _fresh(info, case.id)


async def staff_message(
    info: Info,
    *,
    case_id: int | None,
    body: str,
    internal: bool,
    attachment_urls: Sequence[str],
    wait: bool,
) -> CaseMessage:
    me: User | None = require_desk(info)
    case = await staff_case(info, case_id, desk=True)
    message = await aftersales.staff_message(
        case_id=case.id,
        staff_id=me.id if me is not None else None,
        body=body,
        internal=internal,
        attachment_urls=attachment_urls,
        wait_on_customer=wait,
    )
    info.context.loaders.aftersales.forget_case(case.id)
    return message


async def approve(info: Info, *, case_id: int | None, label_url: str) -> Case:
    case = await staff_case(info, case_id, desk=True)
    await staff.approve(case_id=case.id, label_url=label_url)
    return await _fresh(info, case.id)


async def decline(info: Info, *, case_id: int | None, reason: DeclineReason, note: str) -> Case:
    case = await staff_case(info, case_id, desk=True)
    await staff.decline(case_id=case.id, reason=reason, note=note)
    return await _fresh(info, case.id)


async def receive(
    info: Info, *, case_id: int | None, inspections: Sequence[aftersales.Inspection]
) -> Case:
    case = await staff_case(info, case_id)
    await staff.receive(case_id=case.id, inspections=inspections)
    return await _fresh(info, case.id)


async def refund(info: Info, *, case_id: int | None) -> Case:
    me = require_staff(info)
    case = await staff_case(info, case_id)
    await case_refund.refund_case(case_id=case.id, staff_id=me.id)
    if case.order_id:
        info.context.loaders.orders.forget_order(case.order_id)
    return await _fresh(info, case.id)


async def resolve(info: Info, *, case_id: int | None) -> Case:
    case = await staff_case(info, case_id, desk=True)
    await staff.resolve(case_id=case.id)
    return await _fresh(info, case.id)


async def close(info: Info, *, case_id: int | None) -> Case:
    case = await staff_case(info, case_id, desk=True)
    await staff.close(case_id=case.id)
    return await _fresh(info, case.id)


async def assign(info: Info, *, case_id: int | None, assignee_id: int | None) -> Case:
    case = await staff_case(info, case_id, desk=True)
    await staff.assign(case_id=case.id, assignee_id=assignee_id)
    return await _fresh(info, case.id)


async def tag(info: Info, *, case_id: int | None, tags: Sequence[str]) -> Case:
    case = await staff_case(info, case_id, desk=True)
    await staff.set_tags(case_id=case.id, tags=tags)
    return await _fresh(info, case.id)


async def prioritise(info: Info, *, case_id: int | None, priority: CasePriority) -> Case:
    case = await staff_case(info, case_id, desk=True)
    await staff.set_priority(case_id=case.id, priority=priority)
    return await _fresh(info, case.id)
