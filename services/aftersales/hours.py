"""The support desk's calendar: opening hours per weekday in the shop's time zone, and
holidays. SLA targets counted in business hours only advance while the desk is open.

Opening hours are wall-clock times in the zone, so a DST change moves them with the clock:
a 09:00-17:00 day is eight real hours on either side of the change, and the arithmetic is
done in UTC between the day's opening and closing instants.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}
_PART = re.compile(r"^(\w{3})(?:-(\w{3}))?\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
# A calendar open for less than this over this many days is refused rather than looped on.
_SEARCH_DAYS = 3700
DEFAULT_HOURS = "mon-fri 09:00-17:00"


@dataclass(frozen=True)
class SupportCalendar:
    """`hours` maps ISO weekday (1 = Monday) to (opening, closing); a missing day is closed."""

    hours: Mapping[int, tuple[time, time]]
    zone: tzinfo = UTC
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if not self.hours:
            raise ValueError("The support desk must open on some weekday.")
        for opening, closing in self.hours.values():
            if not opening < closing:
                raise ValueError("Each day closes after it opens (no overnight hours).")

    def _open(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's opening and closing instants (UTC), or None on a closed day."""
        hours = self.hours.get(day.isoweekday())
        if hours is None or day in self.holidays:
            return None
        opening = datetime.combine(day, hours[0], tzinfo=self.zone).astimezone(UTC)
        closing = datetime.combine(day, hours[1], tzinfo=self.zone).astimezone(UTC)
        return opening, closing

    def _intervals(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals (UTC) from the local day of `start` on."""
        day = start.astimezone(self.zone).date()
        for _ in range(_SEARCH_DAYS):
            interval = self._open(day)
            if interval is not None:
                yield interval
            day += timedelta(days=1)
        raise ValueError("The support desk is never open in the next ten years.")

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant `duration` of open time after `start`."""
        left = duration
        if left <= timedelta(0):
            return start
        for opening, closing in self._intervals(start):
            begin = max(opening, start)
            if begin >= closing:
                continue
            if begin + left <= closing:
                return begin + left
            left -= closing - begin
        raise AssertionError("unreachable")  # pragma: no cover

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Open time from `start` to `end` (negative when `end` is earlier)."""
        if end < start:
            return -self.between(end, start)
        total = timedelta(0)
        for opening, closing in self._intervals(start):
            if opening >= end:
                break
            begin, finish = max(opening, start), min(closing, end)
            if finish > begin:
                total += finish - begin
        return total


class CalendarHours:
    """Round-the-clock time: the same interface as `SupportCalendar`."""

    def add(self, start: datetime, duration: timedelta) -> datetime:
        return start + max(duration, timedelta(0))

    def between(self, start: datetime, end: datetime) -> timedelta:
        return end - start


Clock = SupportCalendar | CalendarHours
ROUND_THE_CLOCK = CalendarHours()


def parse_hours(text: str) -> dict[int, tuple[time, time]]:
    """ "mon-fri 09:00-17:00; sat 10:00-14:00" -> weekday -> (opening, closing)."""
    hours: dict[int, tuple[time, time]] = {}
    for part in (p.strip().lower() for p in text.split(";")):
        if not part:
            continue
        found = _PART.match(part)
        if found is None or found[1] not in DAYS or (found[2] and found[2] not in DAYS):
            raise ValueError(f"Opening hours {part!r}: write e.g. 'mon-fri 09:00-17:00'.")
        first, last = DAYS[found[1]], DAYS[found[2] or found[1]]
        opening = time(int(found[3]), int(found[4]))
        closing = time(int(found[5]), int(found[6])) if found[5] != "24" else time.max
        for weekday in range(first, last + 1):
            hours[weekday] = (opening, closing)
    return hours


def from_environment() -> SupportCalendar:
    """SHOPGRAPH_SUPPORT_HOURS, SHOPGRAPH_SUPPORT_TIMEZONE and SHOPGRAPH_SUPPORT_HOLIDAYS (ISO
    dates; default SHOPGRAPH_HOLIDAYS, the logistics calendar's)."""
    try:
        zone: tzinfo = ZoneInfo(os.environ.get("SHOPGRAPH_SUPPORT_TIMEZONE", "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    text = os.environ.get("SHOPGRAPH_SUPPORT_HOLIDAYS", os.environ.get("SHOPGRAPH_HOLIDAYS", ""))
    holidays = frozenset(date.fromisoformat(p.strip()) for p in text.split(",") if p.strip())
    try:
        hours = parse_hours(os.environ.get("SHOPGRAPH_SUPPORT_HOURS", DEFAULT_HOURS))
        return SupportCalendar(
            hours=hours or parse_hours(DEFAULT_HOURS), zone=zone, holidays=holidays
        )
    except ValueError:
        return SupportCalendar(hours=parse_hours(DEFAULT_HOURS), zone=zone, holidays=holidays)
