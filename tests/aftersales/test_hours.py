"""Business-hours arithmetic of the support calendar: weekends, holidays, opening times,
time zones and the DST change; calendar hours for round-the-clock targets."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from services.aftersales import hours

WEEKDAYS = hours.parse_hours("mon-fri 09:00-17:00")
BERLIN = ZoneInfo("Europe/Berlin")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def h(value: float) -> timedelta:
    return timedelta(hours=value)


DESK = hours.SupportCalendar(hours=WEEKDAYS)


def test_within_a_day_and_across_the_night() -> None:
    # Monday 7 Dec 2026, 10:00.
    assert DESK.add(utc(2026, 12, 7, 10), h(3)) == utc(2026, 12, 7, 13)
    assert DESK.add(utc(2026, 12, 7, 10), h(8)) == utc(2026, 12, 8, 10)
    # Before opening the clock starts at 09:00; after closing, the next morning.
    assert DESK.add(utc(2026, 12, 7, 6, 30), h(1)) == utc(2026, 12, 7, 10)
    assert DESK.add(utc(2026, 12, 7, 18), h(1)) == utc(2026, 12, 8, 10)
    # Ending exactly at closing time stays on that day.
    assert DESK.add(utc(2026, 12, 7, 16), h(1)) == utc(2026, 12, 7, 17)


def test_weekends_do_not_count() -> None:
    friday_four = utc(2026, 12, 11, 16)
    assert DESK.add(friday_four, h(2)) == utc(2026, 12, 14, 10)
    assert DESK.between(friday_four, utc(2026, 12, 14, 10)) == h(2)
    # Opened on Saturday: nothing runs until Monday 09:00.
    assert DESK.add(utc(2026, 12, 12, 12), h(0.5)) == utc(2026, 12, 14, 9, 30)
    assert DESK.between(utc(2026, 12, 12, 0), utc(2026, 12, 13, 23)) == timedelta(0)
    # A 40-hour target from Monday 09:00 ends Friday 17:00; from Wednesday noon the next
    # Wednesday noon.
    assert DESK.add(utc(2026, 12, 7, 9), h(40)) == utc(2026, 12, 11, 17)
    assert DESK.add(utc(2026, 12, 9, 12), h(40)) == utc(2026, 12, 16, 12)


def test_holidays_are_skipped() -> None:
    desk = hours.SupportCalendar(
        hours=WEEKDAYS, holidays=frozenset({date(2026, 12, 24), date(2026, 12, 25)})
    )
    # Wednesday 23 Dec 16:00 + 2 h: Thursday and Friday are holidays, then the weekend.
    assert desk.add(utc(2026, 12, 23, 16), h(2)) == utc(2026, 12, 28, 10)
    assert desk.between(utc(2026, 12, 23, 16), utc(2026, 12, 28, 10)) == h(2)
    assert DESK.between(utc(2026, 12, 23, 16), utc(2026, 12, 28, 10)) == h(18)


def test_between_is_signed_and_ignores_closed_time() -> None:
    assert DESK.between(utc(2026, 12, 7, 12), utc(2026, 12, 7, 8)) == -h(3)
    assert DESK.between(utc(2026, 12, 7, 20), utc(2026, 12, 8, 8)) == timedelta(0)
    assert DESK.between(utc(2026, 12, 7, 0), utc(2026, 12, 14, 0)) == h(40)


def test_opening_hours_per_weekday() -> None:
    desk = hours.SupportCalendar(hours=hours.parse_hours("mon-fri 08:00-18:00; sat 10:00-14:00"))
    # Friday 17:00 + 3 h: 1 h on Friday, 2 h on Saturday morning.
    assert desk.add(utc(2026, 12, 11, 17), h(3)) == utc(2026, 12, 12, 12)
    # Saturday 13:00 + 2 h: 1 h on Saturday, Sunday closed, Monday 08:00 + 1 h.
    assert desk.add(utc(2026, 12, 12, 13), h(2)) == utc(2026, 12, 14, 9)


def test_time_zone_of_the_desk() -> None:
    desk = hours.SupportCalendar(hours=WEEKDAYS, zone=BERLIN)
    # 07:30 UTC is 08:30 in Berlin (winter, UTC+1): opening is 08:00 UTC.
    assert desk.add(utc(2026, 1, 5, 7, 30), h(1)) == utc(2026, 1, 5, 9)
    # 16:30 UTC is 17:30 in Berlin: closed, the next morning 08:00 UTC.
    assert desk.add(utc(2026, 1, 5, 16, 30), h(1)) == utc(2026, 1, 6, 9)
    # Sunday 23:30 UTC is already Monday 00:30 in Berlin: Monday's hours apply.
    assert desk.add(utc(2026, 1, 4, 23, 30), h(1)) == utc(2026, 1, 5, 9)


def test_dst_change_keeps_wall_clock_hours() -> None:
    desk = hours.SupportCalendar(hours=WEEKDAYS, zone=BERLIN)
    # Friday 23 Oct 2026 16:00 Berlin (CEST, 14:00 UTC) + 2 h: one hour on Friday, then the
    # clocks go back on Sunday 25 Oct; Monday 09:00 is CET (08:00 UTC), so 10:00 = 09:00 UTC.
    friday = datetime(2026, 10, 23, 16, tzinfo=BERLIN)
    assert desk.add(friday, h(2)) == utc(2026, 10, 26, 9)
    assert desk.between(friday, utc(2026, 10, 26, 9)) == h(2)
    # Spring: Sunday 29 Mar 2026 has 23 real hours; a desk open all day counts 23 of them.
    always = hours.SupportCalendar(hours=hours.parse_hours("mon-sun 00:00-24:00"), zone=BERLIN)
    start = datetime.combine(date(2026, 3, 29), time(0), tzinfo=BERLIN)
    end = datetime.combine(date(2026, 3, 30), time(0), tzinfo=BERLIN)
    assert always.between(start, end) == h(23) - timedelta(microseconds=1)
    # Across the autumn change, 9-17 is eight real hours on both days.
    assert desk.between(utc(2026, 10, 23, 0), utc(2026, 10, 24, 0)) == h(8)
    assert desk.between(utc(2026, 10, 26, 0), utc(2026, 10, 27, 0)) == h(8)


def test_add_and_between_agree() -> None:
    rng = random.Random(12)
    desk = hours.SupportCalendar(
        hours=hours.parse_hours("mon-thu 08:30-17:15; fri 08:30-13:00"),
        zone=ZoneInfo("America/New_York"),
        holidays=frozenset({date(2026, 11, 26), date(2026, 12, 25)}),
    )
    for _ in range(300):
        start = utc(2026, 10, 1) + timedelta(minutes=rng.randrange(0, 60 * 24 * 120))
        span = timedelta(minutes=rng.randrange(1, 60 * 60))
        end = desk.add(start, span)
        assert end > start
        assert desk.between(start, end) == span
        # The end is an instant the desk is open (or its closing time).
        local = end.astimezone(desk.zone)
        opening, closing = desk.hours[local.isoweekday()]
        assert opening < local.time() <= closing


def test_calendar_hours_and_bad_configuration() -> None:
    start = utc(2026, 12, 12, 12)
    assert hours.ROUND_THE_CLOCK.add(start, h(30)) == utc(2026, 12, 13, 18)
    assert hours.ROUND_THE_CLOCK.between(start, utc(2026, 12, 13, 18)) == h(30)
    with pytest.raises(ValueError):
        hours.parse_hours("weekdays 9-5")
    with pytest.raises(ValueError):
        hours.SupportCalendar(hours={})
    with pytest.raises(ValueError):
        hours.SupportCalendar(hours={1: (time(17), time(9))})


def test_environment_configures_the_desk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHOPGRAPH_SUPPORT_HOURS", "mon-sat 10:00-16:00")
    monkeypatch.setenv("SHOPGRAPH_SUPPORT_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("SHOPGRAPH_SUPPORT_HOLIDAYS", "2026-12-14")
    desk = hours.from_environment()
    assert desk.zone == BERLIN and 6 in desk.hours and 7 not in desk.hours
    # Saturday 12 Dec 15:00 Berlin + 2 h: 1 h Saturday, Sunday closed, Monday a holiday.
    assert desk.add(datetime(2026, 12, 12, 15, tzinfo=BERLIN), h(2)) == utc(2026, 12, 15, 10)
    monkeypatch.setenv("SHOPGRAPH_SUPPORT_HOURS", "nonsense")
    assert hours.from_environment().hours == WEEKDAYS
