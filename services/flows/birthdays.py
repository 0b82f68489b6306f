"""The daily birthday pass: members whose birthday it is, and members whose child profile
has its birth month now, get the birthday rule's points once per person per year, and a
birthday coupon when their tier has that perk.

Three domains: accounts (child profiles), membership (who, the reward, the points) and
orders (the coupon). Each person is one transaction: the reward row is claimed, the points
earned and the coupon created together, or not at all.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from models.orders import CouponKind
from services import clock, membership
from services.accounts import children
from services.membership import birthdays
from services.orders import coupons
from services.periodic import run_every
from services.transactions import transaction

logger = logging.getLogger("shopgraph.flows.birthdays")
COUPON_DAYS = 30


async def people_with_birthday(*, at: datetime) -> list[birthdays.Person]:
    """Members on their birthday (within the catch-up days) and children in their month."""
    today = at.date()
    people = await birthdays.members_with_birthday(today=today)
    for child_id, user_id, name in await children.born_in(month=today.month, on=today):
        people.append(birthdays.Person(user_id, f"child:{child_id}", name, today.year))
    return people


async def reward(person: birthdays.Person, *, at: datetime) -> bool:
    """Reward one person's birthday this year; False if it was rewarded already."""
    async with transaction():
        reward_id = await birthdays.claim(person, at=at)
        if reward_id is None:
            return False
        await birthdays.award_points(reward_id, person, at=at)
        percent = (await membership.perks_for(person.user_id)).birthday_coupon_percent
        if percent > 0:
            ends_at = at + timedelta(days=COUPON_DAYS)
            coupon = await coupons.create_coupon(
                spec=coupons.CouponSpec(
                    code=f"BDAY-{secrets.token_hex(6).upper()}",
                    kind=CouponKind.PERCENTAGE,
                    value=percent,
                    starts_at=at,
                    ends_at=ends_at,
                    max_uses=1,
                    per_customer_limit=1,
                )
            )
            await birthdays.attach_coupon(
                reward_id, code=coupon.code, percent=percent, ends_at=ends_at
            )
    return True


async def run_daily(*, at: datetime | None = None) -> dict[str, int]:
    """One pass (the worker job and `shopgraph membership-birthdays` run this)."""
    at = at or clock.now()
    rewarded = 0
    for person in await people_with_birthday(at=at):
        try:
            rewarded += await reward(person, at=at)
        except Exception:  # one person's failure must not stop everybody else's birthday
            logger.exception("birthday reward of user %s (%s)", person.user_id, person.person)
    return {"birthdaysRewarded": rewarded}


async def run_forever(interval: float = 3600.0, *, first_after: float = 90.0) -> None:
    """Run the pass hourly (a birthday is rewarded on the first pass of its day)."""
    await run_every(
        run_daily, interval=interval, first_after=first_after, logger=logger, name="birthday pass"
    )
