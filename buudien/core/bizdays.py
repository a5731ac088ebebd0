"""Business days in Vietnam, for deadlines: delivery standards, dossier due dates, payments.

A day is a business day when it is a Monday to Friday and not a public holiday of the
``holidays`` package's Vietnamese calendar (Tết, 30/4, 1/5, 2/9 and the days the government
moves around them). Where the package knows that a Saturday was worked to make up for a
bridge day (4/5/2024 for 29/4/2024), that Saturday is a business day too.

The ``core.CalendarDay`` table has the last word both ways: ``is_working_day=True`` makes any
day a working day (a make-up Saturday the package does not know of), ``False`` makes any day a
day off (a day the province gives, a day the package does not have yet).

Counting conventions, chosen so that ``business_days_between(d, add_business_days(d, n)) == n``
for every day ``d`` and every n >= 1:

- ``add_business_days(day, n)`` for n >= 1 is the n-th business day strictly after ``day``,
  whether or not ``day`` itself is one: Friday + 1 is Monday, and so is Saturday + 1.
  ``n = 0`` rolls forward: ``day`` itself if it is a business day, else the next one.
- ``business_days_between(start, end)`` counts the business days in (start, end]: ``start``
  not counted, ``end`` counted. It is negative when ``end`` is before ``start``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone

from buudien.core.models import CalendarDay

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
SATURDAY = 5
ONE_DAY = dt.timedelta(days=1)


def local_now() -> dt.datetime:
    """The aware current time in Vietnam, whatever time zone is active."""
    return timezone.now().astimezone(VIETNAM)


def local_today() -> dt.date:
    """Today's date in Vietnam (at 23:30 UTC it is already tomorrow in Hà Nội)."""
    return local_now().date()


def year_before(day: dt.date) -> dt.date:
    """The day after the same date a year earlier: the first day of the year that ends on
    ``day`` (29 February counts back to 1 March)."""
    if day.month == 2 and day.day == 29:
        return dt.date(day.year - 1, 3, 1)
    return day.replace(year=day.year - 1) + ONE_DAY


def _as_date(day: dt.date) -> dt.date:
    """A date as is; an aware datetime as its date in Vietnam; a naive one as its date."""
    if isinstance(day, dt.datetime):
        return (day.astimezone(VIETNAM) if timezone.is_aware(day) else day).date()
    return day


@lru_cache(maxsize=64)
def _national_calendar(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(public holidays, worked weekend days) of one year, from the ``holidays`` package."""
    calendar = holidays.country_holidays("VN", years=year)
    days_off = frozenset(day for day in calendar if day.year == year)
    # The package keeps make-up days of other years in the same set: keep this year's.
    worked = frozenset(day for day in calendar.weekend_workdays if day.year == year)
    return days_off, worked


def is_national_business_day(day: dt.date) -> bool:
    """The national calendar alone, without the CalendarDay table."""
    days_off, worked = _national_calendar(day.year)
    if day.weekday() >= SATURDAY:
        return day in worked
    return day not in days_off


class _Calendar:
    """The national calendar with the CalendarDay overrides of a range of days, read in one
    query per range and extended forward when a walk goes past it."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.overrides: dict[dt.date, bool] = {}
        self.first = first
        self.last = first - ONE_DAY
        self._load_until(last)

    def _load_until(self, last: dt.date) -> None:
        if last <= self.last:
            return
        rows = CalendarDay.objects.filter(date__gt=self.last, date__lte=last).values_list(
            "date", "is_working_day"
        )
        self.overrides.update(rows)
        self.last = last

    def is_business_day(self, day: dt.date) -> bool:
        if day > self.last:
            # Walking on past the range read: read a generous stretch further.
            self._load_until(max(day, self.last + dt.timedelta(days=60)))
        override = self.overrides.get(day)
        return is_national_business_day(day) if override is None else override


def is_business_day(day: dt.date) -> bool:
    """A working day of the post office: one query for the CalendarDay override."""
    day = _as_date(day)
    override = CalendarDay.objects.filter(date=day).values_list("is_working_day", flat=True).first()
    return is_national_business_day(day) if override is None else override


def add_business_days(day: dt.date, n: int) -> dt.date:
    """The n-th business day after ``day`` (n >= 1); n = 0: ``day`` rolled forward to a
    business day. Friday + 1 = Monday; Saturday + 0 = Saturday + 1 = Monday."""
    if n < 0:
        raise ValueError("n must be 0 or more; count backwards with business_days_between")
    day = _as_date(day)
    # Five business days take a week; Tết can take nine more days out of a stretch.
    calendar = _Calendar(day, day + dt.timedelta(days=n * 7 // 5 + 21))
    if n == 0:
        while not calendar.is_business_day(day):
            day += ONE_DAY
        return day
    while n:
        day += ONE_DAY
        if calendar.is_business_day(day):
            n -= 1
    return day


def next_business_day(day: dt.date) -> dt.date:
    """The first business day strictly after ``day``."""
    return add_business_days(day, 1)


def business_days_between(start: dt.date, end: dt.date) -> int:
    """The number of business days in (start, end]; minus the count in (end, start] when
    ``end`` comes first. Friday to next Monday is 1; a day to itself is 0."""
    start, end = _as_date(start), _as_date(end)
    if end < start:
        return -business_days_between(end, start)
    calendar = _Calendar(start + ONE_DAY, end)
    count = 0
    day = start + ONE_DAY
    while day <= end:
        count += calendar.is_business_day(day)
        day += ONE_DAY
    return count


def business_days_in(first: dt.date, last: dt.date) -> list[dt.date]:
    """The business days from ``first`` to ``last``, both included, in order."""
    first, last = _as_date(first), _as_date(last)
    calendar = _Calendar(first, last)
    days: list[dt.date] = []
    day = first
    while day <= last:
        if calendar.is_business_day(day):
            days.append(day)
        day += ONE_DAY
    return days


def months_later(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` later, on the last day of the month when it has no such day
    (29/02 + 12 months is 28/02)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )
