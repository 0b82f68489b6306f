"""Child profiles: who the shopper buys for, so age-appropriate toys can be suggested."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from tortoise.transactions import in_transaction

from models.accounts import ChildProfile, User
from services import clock
from services.accounts.errors import AccountErrorCode as Code
from services.accounts.ownership import owned
from services.errors import DomainError

MAX_CHILDREN = 10
MAX_NAME = 80
MAX_INTERESTS = 10
MAX_INTEREST_LENGTH = 40
MAX_AGE_YEARS = 18
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def today() -> date:
    return clock.now().date()


def age_months(birth_month: date, *, on: date | None = None) -> int:
    """Whole months from the birth month to `on` (today by default)."""
    day = on or today()
    return max((day.year - birth_month.year) * 12 + day.month - birth_month.month, 0)


def parse_birth_month(value: str | date) -> date:
    """The first day of the month given as "YYYY-MM", "YYYY-MM-DD" or a date."""
    if isinstance(value, date):
        return value.replace(day=1)
    match = _MONTH.match(value.strip())
    try:
        if match is None:
            raise ValueError(value)
        year, month = int(match.group(1)), int(match.group(2))
        day = int(match.group(3) or 1)
        date(year, month, day)  # rejects 2024-02-30 and month 13
        return date(year, month, 1)
    except ValueError:
        raise DomainError(
            Code.INVALID_BIRTH_MONTH, 'Give the birth month as "YYYY-MM".', field="birth_month"
        ) from None


def clean_birth_month(value: str | date) -> date:
    month = parse_birth_month(value)
    current = today().replace(day=1)
    if month > current:
        raise DomainError(
            Code.INVALID_BIRTH_MONTH, "The birth month is in the future.", field="birth_month"
        )
    if age_months(month) > MAX_AGE_YEARS * 12:
        raise DomainError(
            Code.INVALID_BIRTH_MONTH,
            f"Child profiles are for children up to {MAX_AGE_YEARS} years old.",
            field="birth_month",
        )
    return month


def clean_name(name: str) -> str:
    value = " ".join(name.split())
    if not value:
        raise DomainError(Code.REQUIRED, "Enter a name or nickname.", field="name")
    if len(value) > MAX_NAME:
        raise DomainError(Code.INVALID_VALUE, f"Use at most {MAX_NAME} characters.", field="name")
    return value


def clean_interests(interests: Iterable[str]) -> list[str]:
    """Trimmed, without blanks and case-insensitive duplicates, in the order given."""
    seen: set[str] = set()
    result: list[str] = []
    for raw in interests:
        value = " ".join(raw.split())
        if not value or value.lower() in seen:
            continue
        if len(value) > MAX_INTEREST_LENGTH:
            raise DomainError(
                Code.INVALID_VALUE,
                f"Keep each interest to {MAX_INTEREST_LENGTH} characters.",
                field="interests",
            )
        seen.add(value.lower())
        result.append(value)
    if len(result) > MAX_INTERESTS:
        raise DomainError(
            Code.INVALID_VALUE, f"List at most {MAX_INTERESTS} interests.", field="interests"
        )
    return result


async def find_child(*, user_id: int, child_id: int) -> ChildProfile | None:
    """One of the user's child profiles; None when the id is not one of theirs."""
    return await ChildProfile.get_or_none(id=child_id, user_id=user_id)


async def create_child(
    *, user_id: int, name: str, birth_month: str | date, interests: Iterable[str] = ()
) -> ChildProfile:
    """Add a child profile to the user's account."""
    values: dict[str, Any] = {
        "name": clean_name(name),
        "birth_month": clean_birth_month(birth_month),
        "interests": clean_interests(interests),
    }
    async with in_transaction():
        await User.filter(id=user_id).select_for_update().only("id").first()
        if await ChildProfile.filter(user_id=user_id).count() >= MAX_CHILDREN:
            raise DomainError(
                Code.LIMIT_REACHED, f"An account holds at most {MAX_CHILDREN} child profiles."
            )
        return await ChildProfile.create(user_id=user_id, **values)


async def update_child(
    *,
    user_id: int,
    child_id: int,
    name: str | None = None,
    birth_month: str | date | None = None,
    interests: Iterable[str] | None = None,
) -> ChildProfile:
    """Change the given fields of one of the user's child profiles."""
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = clean_name(name)
    if birth_month is not None:
        changes["birth_month"] = clean_birth_month(birth_month)
    if interests is not None:
        changes["interests"] = clean_interests(interests)
    child = await owned(
        ChildProfile, user_id=user_id, row_id=child_id, missing="No such child profile."
    )
    if changes:
        child.update_from_dict(changes)
        await child.save(update_fields=list(changes))
    return child


async def delete_child(*, user_id: int, child_id: int) -> None:
    """Remove one of the user's child profiles."""
    child = await owned(
        ChildProfile, user_id=user_id, row_id=child_id, missing="No such child profile."
    )
    await child.delete()


async def born_in(*, month: int, on: date | None = None) -> list[tuple[int, int, str]]:
    """Child profiles born in `month` of any year a profile can have: (profile id, user id,
    name), by id. Birth months are stored as the month's first day, so this is an IN list."""
    year = (on or today()).year
    months = [date(y, month, 1) for y in range(year - MAX_AGE_YEARS - 1, year + 1)]
    rows = (
        await ChildProfile.filter(birth_month__in=months)
        .order_by("id")
        .values_list("id", "user_id", "name")
    )
    return [(int(i), int(u), str(n)) for i, u, n in rows]
