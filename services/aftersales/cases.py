"""Opening a case and the conversation on it: customer replies and staff messages."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models.aftersales import (
    Case,
    CaseKind,
    CaseLine,
    CaseMessage,
    CasePriority,
    CaseReason,
    CaseStatus,
    MessageAuthor,
)
from models.orders import Order, OrderLine
from services import clock
from services.aftersales import emission, policy, sla, workflow
from services.aftersales.errors import AftersalesErrorCode, error
from services.transactions import transaction

C = AftersalesErrorCode
S = CaseStatus
MAX_URLS = 10


@dataclass(frozen=True)
class LineRequest:
    order_line_id: int
    quantity: int


def check_text(value: str, limit: int, field: str) -> str:
    if len(value) > limit:
        raise error(C.TOO_LONG, f"At most {limit} characters.", field=field)
    return value


def check_urls(urls: Sequence[str], field: str) -> list[str]:
    if len(urls) > MAX_URLS:
        raise error(C.URL_INVALID, f"At most {MAX_URLS} URLs.", field=field)
    for url in urls:
        if not url.startswith("https://") or len(url) > 500 or any(c.isspace() for c in url):
            raise error(
                C.URL_INVALID, "URLs must be https:// and at most 500 characters.", field=field
            )
    return list(urls)


async def _lines(order: Order, kind: CaseKind, requests: Sequence[LineRequest]) -> list[OrderLine]:
    if kind in workflow.GOODS_KINDS and not requests:
        raise error(
            C.LINES_REQUIRED, f"A {kind.value} names the lines and quantities.", field="lines"
        )
    ids = [r.order_line_id for r in requests]
    if len(set(ids)) != len(ids):
        raise error(C.LINE_REPEATED, "Each line may appear once.", field="lines")
    rows = {line.id: line for line in await OrderLine.filter(order_id=order.id, id__in=ids)}
    for request in requests:
        line = rows.get(request.order_line_id)
        if line is None:
            raise error(C.LINE_NOT_FOUND, "A line is not part of this order.", field="lines")
        if not 1 <= request.quantity <= line.quantity:
            raise error(
                C.QUANTITY_INVALID,
                f"Between 1 and {line.quantity} of {line.product_name}.",
                field="lines",
            )
    return [rows[i] for i in ids]


async def open_case(
    *,
    customer_id: int,
    kind: CaseKind,
    reason: CaseReason,
    reason_note: str = "",
    description: str = "",
    photo_urls: Sequence[str] = (),
    order_id: int | None = None,
    lines: Sequence[LineRequest] = (),
    delivered_at: datetime | None = None,
    priority_boost: int = 0,
    shipment_id: int | None = None,
    terms: policy.Policy | None = None,
) -> Case:
    """Open a case for the customer's own order (or none, for complaints and inquiries).

    Returns and exchanges are checked against the window from `delivered_at`, final sale and
    the returnable quantity under the order's row lock, so two concurrent cases cannot both
    take the last returnable unit.
    """
    terms = terms or policy.from_environment()
    if reason == CaseReason.OTHER and not reason_note.strip():
        raise error(C.NOTE_REQUIRED, "Say what the reason is.", field="reasonNote")
    photos = check_urls(photo_urls, "photoUrls")
    check_text(reason_note, 500, "reasonNote")
    check_text(description, 10_000, "description")
    if order_id is None and (kind in workflow.GOODS_KINDS or lines):
        raise error(C.LINES_REQUIRED, f"A {kind.value} is about an order's lines.", field="orderId")
    now = clock.now()
    async with transaction():
        order = None
        if order_id is not None:
            order = await Order.filter(id=order_id).select_for_update().first()
            if order is None or order.user_id != customer_id:
                raise error(C.ORDER_NOT_FOUND, "No such order of yours.", field="orderId")
        chosen = await _lines(order, kind, lines) if order is not None else []
        if order is not None and kind in policy.CLAIMING_KINDS:
            policy.check_window(delivered_at, now, terms)
            await policy.check_returnable_products(chosen)
            left = await policy.returnable(order.id)
            for request, line in zip(lines, chosen, strict=True):
                if request.quantity > left.get(line.id, 0):
                    raise error(
                        C.QUANTITY_EXCEEDS_RETURNABLE,
                        f"Only {left.get(line.id, 0)} of {line.product_name} can be returned.",
                        field="lines",
                    )
        base = CasePriority.HIGH if reason == CaseReason.SAFETY_CONCERN else CasePriority.NORMAL
        priority = sla.raised(base, priority_boost)
        clocks = sla.opening_clocks(kind, priority, now)
        case = await Case.create(
            number=f"CS-{uuid.uuid4().hex[:10].upper()}",
            kind=kind,
            status=workflow.initial_status(kind),
            customer_id=customer_id,
            order_id=order_id,
            shipment_id=shipment_id,
            reason=reason,
            reason_note=reason_note,
            description=description,
            photo_urls=photos,
            priority=priority,
            **clocks,
        )
        await save_clocks(case, {})
        for request in lines:
            await CaseLine.create(
                case_id=case.id, order_line_id=request.order_line_id, quantity=request.quantity
            )
        await workflow.record(
            case, "opened", to_status=case.status, data={"priorityBoost": priority_boost}
        )
        await emission.opened(case)
    return case


async def save_clocks(case: Case, changes: dict[str, Any]) -> None:
    """Write clock `changes` and what follows from them (queue order, next alert)."""
    for name, value in changes.items():
        setattr(case, name, value)
    values = {**changes, **sla.derived(case)}
    for name, value in values.items():
        setattr(case, name, value)
    await Case.filter(id=case.id).update(**values)


async def locked_case(case_id: int) -> Case:
    case = await Case.filter(id=case_id).select_for_update().first()
    if case is None:
        raise error(C.CASE_NOT_FOUND, "No such case.", field="caseId")
    return case


async def customer_reply(
    *, case_id: int, customer_id: int, body: str, attachment_urls: Sequence[str] = ()
) -> CaseMessage:
    """The customer writes; a case waiting on them, or solved and not yet closed, reopens."""
    attachments = check_urls(attachment_urls, "attachmentUrls")
    async with transaction():
        case = await locked_case(case_id)
        if case.customer_id != customer_id:
            raise error(C.CASE_NOT_FOUND, "No such case.", field="caseId")
        if case.status == S.CLOSED:
            raise error(
                C.TRANSITION_NOT_ALLOWED, "This case is closed; open a new one.", field="caseId"
            )
        message = await _add(case, MessageAuthor.CUSTOMER, customer_id, body, attachments, False)
        if case.status in (S.SOLVED, S.WAITING_ON_CUSTOMER):
            await workflow.move(case, S.OPEN, data={"by": "customer reply"})
        await save_clocks(case, sla.customer_wrote(case, message.created_at))
    return message


async def staff_message(
    *,
    case_id: int,
    staff_id: int | None,
    body: str,
    internal: bool = False,
    attachment_urls: Sequence[str] = (),
    wait_on_customer: bool = False,
) -> CaseMessage:
    """Staff write to the customer (the first reply stops the first-response clock) or leave
    an internal note; `wait_on_customer` pauses the SLA until the customer answers.
    `staff_id` is None when a support desk writes through its API key (the event's actor)."""
    attachments = check_urls(attachment_urls, "attachmentUrls")
    async with transaction():
        case = await locked_case(case_id)
        if case.status == S.CLOSED:
            raise error(C.TRANSITION_NOT_ALLOWED, "This case is closed.", field="caseId")
        message = await _add(case, MessageAuthor.STAFF, staff_id, body, attachments, internal)
        if internal:
            return message
        await save_clocks(case, sla.answered(case, message.created_at))
        if wait_on_customer and case.status in (S.NEW, S.OPEN):
            await workflow.move(case, S.WAITING_ON_CUSTOMER)
        elif case.status == S.NEW:
            await workflow.move(case, S.OPEN)
    return message


async def _add(
    case: Case,
    author: MessageAuthor,
    user_id: int | None,
    body: str,
    attachments: list[str],
    internal: bool,
) -> CaseMessage:
    check_text(body, 10_000, "body")
    if not body.strip():
        raise error(C.NOTE_REQUIRED, "The message is empty.", field="body")
    message = await CaseMessage.create(
        case_id=case.id,
        author=author,
        author_user_id=user_id,
        body=body,
        attachment_urls=attachments,
        internal=internal,
        created_at=clock.now(),
    )
    await emission.message_added(case, message)
    return message
