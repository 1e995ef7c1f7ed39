"""Which days are working days: the Chinese calendar, admin overrides, a plain fallback.

Pure functions over plain data (no database): ``WorkCalendar`` is built from the
``chinese-calendar`` package (public holidays and 调休 make-up workdays, as announced by
the State Council each year) and a mapping of date overrides that wins over the package
(the admin table ``sla.CalendarOverride``). For a year the package does not know yet,
Monday–Friday are working days unless an override says otherwise; ``unknown_years``
tells the admin which years run on that fallback.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import chinese_calendar

TZ = ZoneInfo("Asia/Shanghai")  # no daylight saving time: every day has 24 hours


@cache
def package_years() -> tuple[int, int]:
    """First and last year the installed ``chinese-calendar`` knows."""
    days = list(chinese_calendar.constants.holidays) + list(chinese_calendar.constants.workdays)
    return min(days).year, max(days).year


def unknown_years(years: Iterable[int], overrides: Iterable[date] = ()) -> list[int]:
    """Years among ``years`` the package does not know and no override covers."""
    first, last = package_years()
    covered = {d.year for d in overrides}
    return sorted({y for y in years if (y < first or y > last) and y not in covered})


@dataclass(frozen=True)
class WorkingHours:
    """One working period per working day, e.g. 09:00–18:00 (local time)."""

    start: time = time(9, 0)
    end: time = time(18, 0)

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("Working hours must end after they start.")

    @property
    def minutes(self) -> int:
        return (self.end.hour * 60 + self.end.minute) - (self.start.hour * 60 + self.start.minute)


@dataclass(frozen=True)
class WorkCalendar:
    overrides: Mapping[date, bool] = field(default_factory=dict)  # date → is a working day

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        first, last = package_years()
        if first <= day.year <= last:
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5  # fallback for years the package does not know

    def next_workday(self, day: date) -> date:
        """``day`` itself when it is a working day, else the next one."""
        for _ in range(400):
            if self.is_workday(day):
                return day
            day += timedelta(days=1)
        raise ValueError("No working day within a year: check the calendar overrides.")


def local(moment: datetime) -> datetime:
    return moment.astimezone(TZ)


def at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=TZ)
