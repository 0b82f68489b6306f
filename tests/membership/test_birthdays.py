"""Birthdays: the member's own and each child profile's, rewarded once per person per year by
the daily pass (worker job and CLI), with the birthday coupon of tiers that have the perk."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from models.membership import BirthdayReward, EntryKind, MemberAccount, PointsEntry, RuleKind
from models.orders import Coupon, CouponKind, DeliveryMethod
from services import clock
from services.errors import DomainError
from services.events.runtime import WORKER_JOBS
from services.flows import birthdays as birthday_pass
from services.membership import admin, birthdays
from services.periodic import run_every
from tests.conftest import using_postgres
from tests.factories import create_child_profile, create_user, create_variant
from tests.orders._helpers import place, ready_cart

pytestmark = pytest.mark.usefixtures("database")


async def _member(month: int, day: int, tier_id: int | None = None) -> int:
    user = await create_user()
    await birthdays.set_birthday(user_id=user.id, month=month, day=day)
    if tier_id is not None:
        await MemberAccount.filter(user_id=user.id).update(tier_id=tier_id)
    return user.id


async def _earned(user_id: int) -> list[int]:
    return list(
        await PointsEntry.filter(user_id=user_id, kind=EntryKind.EARN)
        .order_by("id")
        .values_list("points", flat=True)
    )


async def test_a_member_is_rewarded_on_the_birthday_once_a_year(rule) -> None:
    await rule(RuleKind.BIRTHDAY, points=250)
    day = clock.now() + timedelta(days=40)
    user_id = await _member(day.month, day.day)

    # The day before: nothing; on the day: 250 points; the same day again: nothing more
    await birthday_pass.run_daily(at=day - timedelta(days=1))
    assert await _earned(user_id) == []
    await birthday_pass.run_daily(at=day)
    await birthday_pass.run_daily(at=day + timedelta(hours=5))
    assert await _earned(user_id) == [250]
    reward = await BirthdayReward.get(user_id=user_id)
    assert (reward.person, reward.year, reward.points) == ("member", day.year, 250)
    # A year on, once more
    next_year = day.replace(year=day.year + 1)
    await birthday_pass.run_daily(at=next_year)
    assert await _earned(user_id) == [250, 250]


async def test_a_missed_day_is_caught_up_within_a_week_into_the_right_year(rule) -> None:
    await rule(RuleKind.BIRTHDAY, points=100)
    year = clock.now().year + 1
    late = await _member(12, 31)
    too_late = await _member(12, 20)

    await birthday_pass.run_daily(at=datetime(year + 1, 1, 2, 9, tzinfo=UTC))

    assert await _earned(late) == [100]
    assert (await BirthdayReward.get(user_id=late)).year == year
    assert await _earned(too_late) == []


async def test_29_february_is_rewarded_on_28_february_in_other_years(rule) -> None:
    await rule(RuleKind.BIRTHDAY, points=100)
    leapling = await _member(2, 29)
    year = next(y for y in range(clock.now().year + 1, 2100) if y % 4 != 0)

    await birthday_pass.run_daily(at=datetime(year, 2, 28, 8, tzinfo=UTC))

    assert await _earned(leapling) == [100]


async def test_each_child_profile_earns_in_its_birth_month_once_a_year(rule) -> None:
    await rule(RuleKind.BIRTHDAY, points=150)
    user = await create_user()
    now = clock.now()
    mia = await create_child_profile(
        user, name="Mia", birth_month=f"{now.year - 3}-{now.month:02d}"
    )
    await create_child_profile(user, name="Leo", birth_month=f"{now.year - 5}-{now.month:02d}")
    other = (now.month % 12) + 1
    await create_child_profile(user, name="Ana", birth_month=f"{now.year - 4}-{other:02d}")

    await birthday_pass.run_daily(at=now)
    await birthday_pass.run_daily(at=now + timedelta(minutes=1))

    assert await _earned(user.id) == [150, 150]
    rewards = await BirthdayReward.filter(user_id=user.id).order_by("person")
    assert {r.name for r in rewards} == {"Mia", "Leo"}
    assert f"child:{mia.id}" in {r.person for r in rewards}


async def test_a_tier_with_the_perk_gets_a_single_use_birthday_coupon(rule, ladder) -> None:
    await rule(RuleKind.BIRTHDAY, points=100)
    day = clock.now() + timedelta(days=3)
    gold = await _member(day.month, day.day, tier_id=ladder["gold"].id)
    silver = await _member(day.month, day.day, tier_id=ladder["silver"].id)

    await birthday_pass.run_daily(at=day)
    await birthday_pass.run_daily(at=day)

    reward = await BirthdayReward.get(user_id=gold)
    assert reward.coupon_code is not None
    coupon = await Coupon.get(code=reward.coupon_code)
    assert (coupon.kind, coupon.value, coupon.max_uses, coupon.per_customer_limit) == (
        CouponKind.PERCENTAGE,
        Decimal("15.00"),
        1,
        1,
    )
    assert coupon.ends_at is not None and coupon.ends_at > day
    # Gold's points multiplier (2) applies to the birthday rule too
    assert await _earned(gold) == [200]
    # Silver has no birthday coupon: points only
    assert (await BirthdayReward.get(user_id=silver)).coupon_code is None
    assert await _earned(silver) == [150]


async def test_a_birthday_is_set_once_and_checked() -> None:
    user = await create_user()
    with pytest.raises(DomainError) as invalid:
        await birthdays.set_birthday(user_id=user.id, month=2, day=30)
    assert invalid.value.code == "BIRTHDAY_INVALID"
    await birthdays.set_birthday(user_id=user.id, month=5, day=17)
    await birthdays.set_birthday(user_id=user.id, month=5, day=17)  # the same again is fine
    with pytest.raises(DomainError) as moved:
        await birthdays.set_birthday(user_id=user.id, month=6, day=17)
    assert moved.value.code == "BIRTHDAY_ALREADY_SET"


def test_the_pass_runs_in_the_worker_and_from_the_cli(tmp_path) -> None:
    assert "membership-birthdays" in WORKER_JOBS
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path}/cli.sqlite3"}
    env.pop("REDIS_URL", None)
    for command in (["migrate"], ["membership-birthdays"]):
        done = subprocess.run(
            [sys.executable, "-m", "api.cli", *command],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "birthdaysRewarded: 0"


@pytest.mark.skipif(
    not using_postgres(), reason="needs PostgreSQL: set DATABASE_URL=postgres://... to run"
)
async def test_two_passes_at_once_reward_a_birthday_once(rule, ladder) -> None:
    await rule(RuleKind.BIRTHDAY, points=100)
    day = clock.now() + timedelta(days=5)
    gold = await _member(day.month, day.day, tier_id=ladder["gold"].id)

    await asyncio.gather(*(birthday_pass.run_daily(at=day) for _ in range(4)))

    assert await _earned(gold) == [200]
    assert await BirthdayReward.filter(user_id=gold).count() == 1
    assert await Coupon.filter(code__startswith="BDAY-", used_count=0).count() >= 1


async def test_the_birthday_coupon_takes_its_percentage_off_at_checkout_once(rule, ladder) -> None:
    day = clock.now()
    user = await create_user()
    await birthdays.set_birthday(user_id=user.id, month=day.month, day=day.day)
    await MemberAccount.filter(user_id=user.id).update(tier_id=ladder["gold"].id)
    await birthday_pass.run_daily(at=day)
    code = (await BirthdayReward.get(user_id=user.id)).coupon_code
    assert code is not None

    cart = await ready_cart(
        (await create_variant(price="40.00", stock=5), 1),
        user=user,
        method=DeliveryMethod.STORE_PICKUP,
    )
    cart.coupon_codes = [code]
    await cart.save()
    order = (await place(cart, user=user)).order

    # The coupon's 15% (6.00), then Gold's 10% off what is left (3.40)
    assert (order.discount_total, order.total) == (Decimal("9.40"), Decimal("30.60"))
    assert (await Coupon.get(code=code)).used_count == 1


async def test_the_worker_job_repeats_the_pass_and_survives_a_failed_one(caplog) -> None:
    calls: list[int] = []

    async def step() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database away")

    job = asyncio.create_task(
        run_every(step, interval=0.01, first_after=0, logger=logging.getLogger("t"), name="t")
    )
    for _ in range(200):
        if len(calls) >= 3:
            break
        await asyncio.sleep(0.01)
    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await job
    assert len(calls) >= 3
    assert "t failed" in caplog.text


async def test_a_staff_correction_after_this_years_reward_does_not_reward_again(rule) -> None:
    await rule(RuleKind.BIRTHDAY, points=250)
    day = clock.now() + timedelta(days=40)
    user_id = await _member(day.month, day.day)
    await birthday_pass.run_daily(at=day)
    assert await _earned(user_id) == [250]

    # Staff move it a day (within the same year): the pass finds this year's reward given
    other = day + timedelta(days=1 if (day.month, day.day) != (12, 31) else -1)
    await admin.correct_birthday(
        user_id=user_id, month=other.month, day=other.day, staff_id=None, reason="Wrong day"
    )
    await birthday_pass.run_daily(at=max(day, other))
    assert await _earned(user_id) == [250]
    next_year = other.replace(year=other.year + 1)
    await birthday_pass.run_daily(at=next_year)
    assert await _earned(user_id) == [250, 250]
