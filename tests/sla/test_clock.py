"""Deadline arithmetic: nights, weekends, public holidays, 调休 Saturdays, pauses."""

from datetime import date, datetime, time, timedelta

import pytest

from anju.sla.calendar import TZ, WorkCalendar, WorkingHours, package_years, unknown_years
from anju.sla.clock import AROUND_THE_CLOCK, WORKING, Clock, parse_duration

H = 3600
DAY = 9 * H  # 09:00–18:00
WORK = Clock(WORKING, WorkingHours(time(9), time(18)), WorkCalendar())


def t(y, mo, d, h=0, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=TZ)


def test_calendar_holidays_and_make_up_workdays():
    cal = WorkCalendar()
    assert cal.is_workday(date(2025, 9, 28))  # Sunday, 调休 workday
    assert cal.is_workday(date(2025, 10, 11))  # Saturday, 调休 workday
    for d in range(1, 9):
        assert not cal.is_workday(date(2025, 10, d))  # National Day + Mid-Autumn
    assert not cal.is_workday(date(2025, 9, 27))  # ordinary Saturday
    assert cal.is_workday(date(2025, 10, 9))


def test_override_wins_and_fallback_for_unknown_years():
    cal = WorkCalendar({date(2025, 10, 9): False, date(2025, 10, 4): True})
    assert not cal.is_workday(date(2025, 10, 9))
    assert cal.is_workday(date(2025, 10, 4))
    last = package_years()[1]
    unknown = last + 1
    assert unknown_years([last, unknown]) == [unknown]
    assert unknown_years([unknown], [date(unknown, 1, 1)]) == []
    monday = date(unknown, 1, 1)
    while monday.weekday() != 0:
        monday += timedelta(days=1)
    assert WorkCalendar().is_workday(monday)
    assert not WorkCalendar().is_workday(monday + timedelta(days=5))


def test_around_the_clock_ignores_nights_and_holidays():
    clock = Clock(AROUND_THE_CLOCK)
    assert clock.add(t(2025, 10, 1, 23, 50), 30 * 60) == t(2025, 10, 2, 0, 20)


def test_working_time_across_the_night():
    assert WORK.add(t(2025, 9, 24, 16), 4 * H) == t(2025, 9, 25, 11)  # Wed 16:00 + 4h → Thu 11:00
    assert WORK.add(t(2025, 9, 24, 20), 1 * H) == t(2025, 9, 25, 10)  # received at night
    assert WORK.add(t(2025, 9, 24, 7), 1 * H) == t(2025, 9, 24, 10)  # before opening
    assert WORK.add(t(2025, 9, 24, 9), DAY) == t(2025, 9, 24, 18)  # exactly a day ends that evening


def test_working_time_across_a_weekend():
    # Friday 2025-09-19 15:00 + 3 working days → Wednesday 15:00
    assert WORK.add(t(2025, 9, 19, 15), 3 * DAY) == t(2025, 9, 24, 15)
    # received on a Saturday: counts from Monday 09:00
    assert WORK.add(t(2025, 9, 20, 10), 4 * H) == t(2025, 9, 22, 13)


def test_national_day_holidays_and_tiaoxiu():
    # Sat 2025-09-27 is a rest day, Sun 28 a make-up workday: a Sat complaint starts Sunday.
    assert WORK.add(t(2025, 9, 27, 10), 4 * H) == t(2025, 9, 28, 13)
    # Tue 2025-09-30 17:00 + 3 working days: 1h on the 30th, then Oct 9, 10, 11 (Saturday, 调休)
    assert WORK.add(t(2025, 9, 30, 17), 3 * DAY) == t(2025, 10, 11, 17)
    # received on the holiday: the clock starts on Oct 9
    assert WORK.add(t(2025, 10, 3, 12), 4 * H) == t(2025, 10, 9, 13)


def test_elapsed_counts_only_working_time():
    assert WORK.elapsed(t(2025, 9, 30, 17), t(2025, 10, 9, 10)) == 2 * H
    assert WORK.elapsed(t(2025, 9, 26, 17), t(2025, 9, 29, 10)) == 1 * H + DAY + 1 * H  # Sunday 28 works


def test_pause_moves_the_deadline_by_the_working_time_paused():
    start = t(2025, 9, 22, 9)  # Monday
    # 2h used, paused Mon 11:00–Tue 11:00 (one working day), then 2h left → Tue 13:00
    assert WORK.due(start, 4 * H, [(t(2025, 9, 22, 11), t(2025, 9, 23, 11))]) == t(2025, 9, 23, 13)
    # a pause still open stops the clock
    assert WORK.due(start, 4 * H, [(t(2025, 9, 22, 11), None)]) is None
    # a pause after the deadline changes nothing
    assert WORK.due(start, 4 * H, [(t(2025, 9, 23, 11), t(2025, 9, 24, 11))]) == t(2025, 9, 22, 13)


def test_pause_across_the_holidays_costs_only_working_time():
    start = t(2025, 9, 30, 9)
    # paused Tue 30 10:00 → Oct 9 10:00: only 8h of Sep 30 are working time inside the pause
    due = WORK.due(start, 4 * H, [(t(2025, 9, 30, 10), t(2025, 10, 9, 10))])
    assert due == t(2025, 10, 9, 13)
    assert WORK.used(start, t(2025, 10, 9, 11), [(t(2025, 9, 30, 10), t(2025, 10, 9, 10))]) == 2 * H


def test_around_the_clock_pause():
    clock = Clock(AROUND_THE_CLOCK)
    start = t(2025, 10, 1, 0)
    assert clock.due(start, 4 * H, [(t(2025, 10, 1, 1), t(2025, 10, 1, 3))]) == t(2025, 10, 1, 6)


def test_durations():
    assert parse_duration("15m", workday_seconds=DAY) == 900
    assert parse_duration("4h", workday_seconds=DAY) == 4 * H
    assert parse_duration("3d", workday_seconds=DAY) == 3 * DAY
    assert parse_duration("", workday_seconds=DAY) is None
    with pytest.raises(ValueError):
        parse_duration("soon", workday_seconds=DAY)
