"""Rows a user owns (addresses, child profiles): someone else's is as absent as a missing one."""

from __future__ import annotations

from typing import TypeVar

from tortoise.models import Model

from services.accounts.errors import AccountErrorCode
from services.errors import DomainError

M = TypeVar("M", bound=Model)


async def owned(model: type[M], *, user_id: int, row_id: int, missing: str) -> M:
    """The user's own `model` row `row_id`; NOT_FOUND with `missing` as the message otherwise."""
    row = await model.get_or_none(id=row_id, user_id=user_id)
    if row is None:
        raise DomainError(AccountErrorCode.NOT_FOUND, missing, field="id")
    return row
