"""Child profiles: birth months, ages and interests."""

from __future__ import annotations

from datetime import date

import pytest

from services.accounts import children
from services.errors import DomainError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021-05", date(2021, 5, 1)),
        (" 2021-05-31 ", date(2021, 5, 1)),
        (date(2020, 2, 29), date(2020, 2, 1)),
    ],
)
def test_birth_month_is_stored_as_the_first_of_the_month(value: str | date, expected: date) -> None:
    assert children.parse_birth_month(value) == expected


@pytest.mark.parametrize("value", ["2021", "2021-00", "2021-02-30", "05-2021", ""])
def test_malformed_birth_months_are_rejected(value: str) -> None:
    with pytest.raises(DomainError) as caught:
        children.parse_birth_month(value)
    assert caught.value.code == "INVALID_BIRTH_MONTH" and caught.value.field == "birth_month"


def test_age_in_months_counts_from_the_birth_month() -> None:
    born = date(2022, 3, 1)
    assert children.age_months(born, on=date(2022, 3, 31)) == 0
    assert children.age_months(born, on=date(2023, 2, 28)) == 11
    assert children.age_months(born, on=date(2024, 3, 1)) == 24


def test_this_month_and_eighteen_years_ago_are_allowed() -> None:
    today = children.today()
    this_month = today.replace(day=1)
    oldest = date(today.year - 18, today.month, 1)
    too_old = (
        date(oldest.year, oldest.month - 1, 1) if oldest.month > 1 else date(oldest.year - 1, 12, 1)
    )

    assert children.clean_birth_month(this_month) == this_month
    assert children.clean_birth_month(oldest) == oldest
    with pytest.raises(DomainError):
        children.clean_birth_month(too_old)


def test_interests_are_trimmed_deduplicated_and_bounded() -> None:
    assert children.clean_interests([" Lego  City ", "lego city", "", "Puzzles"]) == [
        "Lego City",
        "Puzzles",
    ]
    assert len(children.clean_interests(["x"] * 30)) == 1
    with pytest.raises(DomainError):
        children.clean_interests([f"topic {n}" for n in range(11)])
