"""Birthdays: the member's own (month and day, no year, set once) and their child profiles'
(by birth month). Each person is rewarded once per year: the reward row is unique per
member, person and year, and the points carry a ledger key of the same three.

The daily pass itself is a flow (services/flows/birthdays.py): it also reads accounts' child
profiles and issues the tier's birthday coupon through orders.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from tortoise import connections
from tortoise.expressions import Q

from models.membership import BirthdayReward, MemberAccount, RuleKind
from services import clock
from services.membership import earning, ledger
from services.membership.errors import MembershipErrorCode, error
from services.sql import insert_once
from services.transactions import transaction

C = MembershipErrorCode
# A pass that did not run on the day (server down) still rewards a birthday this many days on.
CATCH_UP_DAYS = 7


@dataclass(frozen=True)
class Person:
    user_id: int
    # "member", or "child:<profile id>".
    person: str
    name: str
    # The year of the birthday being rewarded (a catch-up in early January rewards December's).
    year: int

    @property
    def key(self) -> str:
        """The person across all members ("user:<id>" or "child:<profile id>")."""
        return f"user:{self.user_id}" if self.person == "member" else self.person


def check_birthday(*, month: int, day: int) -> None:
    """BIRTHDAY_INVALID unless month and day make a date of some year."""
    if not 1 <= month <= 12:
        raise error(C.BIRTHDAY_INVALID, "Give a month from 1 to 12.", field="month")
    # 2024 is a leap year: 29 February is a birthday (rewarded on 28 February otherwise).
    if not 1 <= day <= calendar.monthrange(2024, month)[1]:
        raise error(C.BIRTHDAY_INVALID, "That day is not in that month.", field="day")


async def set_birthday(*, user_id: int, month: int, day: int) -> MemberAccount:
    """Record the member's birthday (no year). Set once: a birthday that could be moved
    would earn again; staff correct a mistake."""
    check_birthday(month=month, day=day)
    async with transaction(), ledger.changing(user_id) as account:
        if account.birth_month is not None and (account.birth_month, account.birth_day) != (
            month,
            day,
        ):
            raise error(
                C.BIRTHDAY_ALREADY_SET,
                "Your birthday is already on file; ask us if it needs correcting.",
                field="month",
            )
        account.birth_month, account.birth_day = month, day
        await account.save(update_fields=["birth_month", "birth_day", "updated_at"])
    return account


def _window(today: date) -> list[date]:
    return [today - timedelta(days=n) for n in range(CATCH_UP_DAYS)]


async def members_with_birthday(*, today: date) -> list[Person]:
    """Members whose birthday fell within the catch-up window ending `today`."""
    match = Q()
    when: dict[tuple[int, int], date] = {}
    for day in _window(today):
        when[(day.month, day.day)] = day
        if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
            when[(2, 29)] = day
    for month, mday in when:
        match |= Q(birth_month=month, birth_day=mday)
    rows = await MemberAccount.filter(match).values_list("user_id", "birth_month", "birth_day")
    return [Person(int(u), "member", "", when[(int(m), int(d))].year) for u, m, d in rows]


async def claim(person: Person, *, at: datetime) -> int | None:
    """Inside the pass's transaction: the reward row for `person` this year, or None if it
    was rewarded already (one statement, so two passes at once cannot both claim it)."""
    return await insert_once(
        connections.get("default"),
        "membership_birthday_reward",
        {
            "user_id": person.user_id,
            "person": person.person,
            "name": person.name[:80],
            "year": person.year,
            "points": 0,
            "created_at": at,
        },
        ("user_id", "person", "year"),
    )


async def award_points(reward_id: int, person: Person, *, at: datetime) -> int:
    """The birthday rule's points (times the tier multiplier) for a claimed reward."""
    who = "your birthday" if person.person == "member" else f"{person.name}'s birthday"
    earned = await earning.earn_once(
        user_id=person.user_id,
        kind=RuleKind.BIRTHDAY,
        reference=f"birthday:{person.key}:{person.year}",
        reason=f"Happy birthday: points for {who}",
        at=at,
    )
    if earned.points:
        await BirthdayReward.filter(id=reward_id).update(points=earned.points)
    return earned.points


async def attach_coupon(reward_id: int, *, code: str, percent: Decimal, ends_at: datetime) -> None:
    """Remember the birthday coupon issued for a reward (shown on the member's account)."""
    await BirthdayReward.filter(id=reward_id).update(
        coupon_code=code, coupon_percent=percent, coupon_ends_at=ends_at
    )


async def recent_rewards(user_id: int, *, limit: int = 10) -> list[BirthdayReward]:
    """The member's latest birthday rewards, newest first."""
    since = clock.now() - timedelta(days=400)
    return list(await BirthdayReward.filter(user_id=user_id, created_at__gte=since).limit(limit))
