"""Working days in China: the official calendar of public holidays and adjusted working days (调休), as
the State Council's General Office publishes it every year, from the ``chinesecalendar`` package.

A date outside the years the package knows is an error (:class:`CalendarError`), never a guess: a year's
holidays and its weekend working days are only known once the notice for that year is out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache

import chinese_calendar
from chinese_calendar import constants as _known

from ..errors import GongkaiError

ONE_DAY = dt.timedelta(days=1)


class CalendarError(GongkaiError):
    """A date the official calendar in use does not cover."""

    code = "calendar"

    def __init__(self, day: dt.date) -> None:
        first, last = known_years()
        version = getattr(chinese_calendar, "__version__", "")
        super().__init__(
            f"{day.year}年的法定节假日和调休安排尚未收录（所用日历 chinesecalendar {version} 只收录 {first}—{last} 年），"
            f"无法按工作日计算到 {day.isoformat()}；请在国务院办公厅公布该年安排、日历更新后"
            f"（pip install -U chinesecalendar）再计算，不作推测。",
            f"the official calendar in use (chinesecalendar {version}) covers {first}-{last} only: working days "
            f"cannot be counted to {day.isoformat()}",
        )
        self.day = day


@cache
def known_years() -> tuple[int, int]:
    """The first and last year the package's calendar covers."""
    years = [d.year for d in _known.holidays]
    return min(years), max(years)


def covered(day: dt.date) -> bool:
    first, last = known_years()
    return first <= day.year <= last


@cache
def is_workday(day: dt.date) -> bool:
    """A working day: Monday to Friday unless a public holiday, or a weekend day made a working day."""
    if not covered(day):
        raise CalendarError(day)
    return bool(chinese_calendar.is_workday(day))


def _paused(day: dt.date, pauses: Iterable[tuple[dt.date, dt.date]]) -> bool:
    return any(start < day <= end for start, end in pauses)


def add_working_days(start: dt.date, n: int, pauses: Iterable[tuple[dt.date, dt.date]] = ()) -> dt.date:
    """The ``n``-th working day after ``start`` (the day itself does not count), leaving out the working
    days of each pause (start, end]: the clock stops the day after a pause begins and runs again the day
    after it ends. ``n`` 0 is ``start`` itself."""
    spans = list(pauses)
    day, left = start, n
    while left > 0:
        day += ONE_DAY
        if is_workday(day) and not _paused(day, spans):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date, pauses: Iterable[tuple[dt.date, dt.date]] = ()) -> int:
    """Working days after ``start`` up to and including ``end`` (outside the pauses); negative when
    ``end`` comes before ``start`` (counted the same way, backwards)."""
    spans = list(pauses)
    if end < start:
        return -working_days_between(end, start, spans)
    count, day = 0, start
    while day < end:
        day += ONE_DAY
        if is_workday(day) and not _paused(day, spans):
            count += 1
    return count
