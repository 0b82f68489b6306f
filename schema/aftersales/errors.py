"""The after-sales error type and mutation payloads."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

import strawberry

from models.aftersales import Case, CaseMessage
from schema.aftersales.types import CaseMessageType, CaseType, ReturnPreview
from schema.payloads import payload_errors
from services.aftersales import errors as aftersales_errors
from services.aftersales.preview import Preview
from services.errors import DomainError, DomainErrors

T = TypeVar("T")

AftersalesErrorCode = strawberry.enum(
    aftersales_errors.AftersalesErrorCode,
    name="AftersalesErrorCode",
    description="Why a case operation failed. CASE_NOT_FOUND (also for someone else's), "
    "ORDER_NOT_FOUND, ORDER_NOT_DELIVERED (returns open on delivery), LINES_REQUIRED, "
    "LINE_NOT_FOUND, LINE_REPEATED, QUANTITY_INVALID, QUANTITY_EXCEEDS_RETURNABLE (already "
    "returned or in another case), OUTSIDE_RETURN_WINDOW, FINAL_SALE, NOTE_REQUIRED, "
    "TRANSITION_NOT_ALLOWED (the workflow forbids it now), INSPECTION_INCOMPLETE, "
    "ALREADY_RATED, RATING_NOT_OPEN (the survey opens a while after solving), RATING_CLOSED "
    "(its window passed), RATING_INVALID, ASSIGNEE_INVALID, TAG_INVALID, "
    "URL_INVALID (https:// only), REFUND_FAILED.",
)


@strawberry.type(description="An expected failure of a case operation.")
class AftersalesError:
    field: str | None = strawberry.field(description="The input field at fault (camelCase).")
    message: str
    code: AftersalesErrorCode  # type: ignore[valid-type]


async def attempt(call: Awaitable[T]) -> tuple[T | None, list[AftersalesError]]:
    try:
        return await call, []
    except (DomainError, DomainErrors) as failure:
        return None, payload_errors(failure, AftersalesError, aftersales_errors.AftersalesErrorCode)


@strawberry.type(description="The case after the change, or why it failed.")
class CasePayload:
    case: CaseType | None
    errors: list[AftersalesError]


@strawberry.type(description="The new message, or why it failed.")
class CaseMessagePayload:
    message: CaseMessageType | None
    errors: list[AftersalesError]


@strawberry.type(description="The refund a return would bring, or why it cannot be returned.")
class ReturnPreviewPayload:
    preview: ReturnPreview | None
    errors: list[AftersalesError]


async def case_payload(call: Awaitable[Case]) -> CasePayload:
    row, errors = await attempt(call)
    return CasePayload(case=CaseType.from_model(row) if row is not None else None, errors=errors)


async def message_payload(call: Awaitable[CaseMessage]) -> CaseMessagePayload:
    row, errors = await attempt(call)
    return CaseMessagePayload(
        message=CaseMessageType.from_model(row) if row is not None else None, errors=errors
    )


async def preview_payload(call: Awaitable[Preview]) -> ReturnPreviewPayload:
    found, errors = await attempt(call)
    return ReturnPreviewPayload(
        preview=ReturnPreview.of(found) if found is not None else None, errors=errors
    )
