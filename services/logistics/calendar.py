"""Business days: the calendar delivery promises are counted in.

Weekends never count; holidays come from SHOPGRAPH_HOLIDAYS (ISO dates, comma-separated)
and the shop's weekend from SHOPGRAPH_WEEKEND (ISO weekday numbers, default "6,7").
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class BusinessCalendar:
    weekend: frozenset[int] = frozenset({6, 7})
    holidays: frozenset[date] = field(default_factory=frozenset)

    def is_business_day(self, day: date) -> bool:
        return day.isoweekday() not in self.weekend and day not in self.holidays

    def add_business_days(self, start: date, days: int) -> date:
        """The business day `days` business days after `start` (`start` itself for 0 if open)."""
        day = start
        while not self.is_business_day(day):
            day += timedelta(days=1)
        for _ in range(days):
            day += timedelta(days=1)
            while not self.is_business_day(day):
                day += timedelta(days=1)
        return day

    def business_days_between(self, start: date, end: date) -> int:
        """Business days after `start` up to and including `end` (negative when end < start)."""
        if end < start:
            return -self.business_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_business_day(day):
                count += 1
        return count


def from_environment() -> BusinessCalendar:
    """The calendar configured for this process."""
    holidays = frozenset(
        date.fromisoformat(part.strip())
        for part in os.environ.get("SHOPGRAPH_HOLIDAYS", "").split(",")
        if part.strip()
    )
    weekend = frozenset(
        int(part) for part in os.environ.get("SHOPGRAPH_WEEKEND", "6,7").split(",") if part.strip()
    )
    return BusinessCalendar(weekend=weekend, holidays=holidays)
