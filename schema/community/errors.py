"""The community error type every community mutation payload returns."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

import strawberry

from schema.payloads import payload_errors
from services.community import errors as community_errors
from services.errors import DomainError, DomainErrors

T = TypeVar("T")

CommunityErrorCode = strawberry.enum(
    community_errors.CommunityErrorCode,
    name="CommunityErrorCode",
    description="Why a community operation failed. NOT_FOUND (also for what you may not "
    "see), NOT_AUTHOR (only the author may change it), PERMISSION_DENIED (needs "
    "MANAGE_COMMUNITY), RATE_LIMITED (too many contributions a minute or a day), "
    "DUPLICATE_CONTENT (the same text again), MEMBER_SILENCED (a moderator silenced you for "
    "a while), ALREADY_REPORTED, OWN_CONTENT, TRANSITION_NOT_ALLOWED, REASON_REQUIRED, "
    "NOT_EDITABLE (hidden, or rejected for a reason editing cannot fix), DURATION_INVALID, "
    "WORD_INVALID, TITLE_REQUIRED, BODY_REQUIRED, TAG_INVALID, PRODUCT_NOT_FOUND, "
    "AGE_RANGE_INVALID, DEPTH_EXCEEDED, and malformed input codes.",
)


@strawberry.type(description="An expected failure of a community operation.")
class CommunityError:
    field: str | None = strawberry.field(description="The input field at fault (camelCase).")
    message: str
    code: CommunityErrorCode  # type: ignore[valid-type]


async def attempt(call: Awaitable[T]) -> tuple[T | None, list[CommunityError]]:
    """Await a service call; its expected failures become `errors`."""
    try:
        return await call, []
    except (DomainError, DomainErrors) as failure:
        return None, payload_errors(failure, CommunityError, community_errors.CommunityErrorCode)
