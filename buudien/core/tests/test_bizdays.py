from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buudien.core.bizdays import (
    add_business_days,
    business_days_between,
    business_days_in,
    is_business_day,
    is_national_business_day,
    local_now,
    local_today,
    next_business_day,
)
from buudien.core.models import CalendarDay

D = dt.date
UTC = dt.UTC

# --- today in Vietnam ----------------------------------------------------------------------


def test_today_is_already_tomorrow_in_vietnam_late_in_the_utc_evening(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given 17:30 UTC on 7 February 2024, which is 00:30 on the 8th in Hà Nội
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2024, 2, 7, 17, 30, tzinfo=UTC))
    # when the local date and time are asked for
    # then they are Vietnam's
    assert local_today() == D(2024, 2, 8)
    assert local_now() == dt.datetime(2024, 2, 7, 17, 30, tzinfo=UTC)
    assert local_now().hour == 0
    assert local_now().utcoffset() == dt.timedelta(hours=7)


def test_local_time_ignores_the_active_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2024, 2, 7, 17, 30, tzinfo=UTC))
    with timezone.override("Europe/Paris"):
        assert local_today() == D(2024, 2, 8)


# --- the national calendar -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "day",
    [D(2024, 2, 8), D(2024, 2, 9), D(2024, 2, 12), D(2024, 2, 13), D(2024, 2, 14)],
    ids=str,
)
def test_the_weekdays_of_tet_2024_are_days_off(day: dt.date) -> None:
    assert is_business_day(day) is False


@pytest.mark.django_db
def test_the_days_around_tet_2024_are_business_days() -> None:
    assert is_business_day(D(2024, 2, 7)) is True
    assert is_business_day(D(2024, 2, 15)) is True


@pytest.mark.django_db
def test_one_business_day_after_the_eve_of_tet_2024_is_after_tet() -> None:
    assert add_business_days(D(2024, 2, 7), 1) == D(2024, 2, 15)
    assert add_business_days(D(2024, 2, 7), 3) == D(2024, 2, 19)


@pytest.mark.django_db
def test_february_2024_has_16_business_days() -> None:
    # 21 weekdays, less Thu 8, Fri 9, Mon 12, Tue 13 and Wed 14 of Tết
    assert business_days_between(D(2024, 1, 31), D(2024, 2, 29)) == 16
    assert len(business_days_in(D(2024, 2, 1), D(2024, 2, 29))) == 16


@pytest.mark.django_db
@pytest.mark.parametrize(
    "day",
    [D(2025, 4, 30), D(2025, 5, 1), D(2024, 4, 30), D(2024, 5, 1)],
    ids=str,
)
def test_reunification_day_and_labour_day_are_days_off(day: dt.date) -> None:
    assert is_business_day(day) is False


@pytest.mark.django_db
def test_the_bridge_of_2024_is_off_and_its_make_up_saturday_is_worked() -> None:
    # given the government moved Monday 29/4/2024 off, made up on Saturday 4/5/2024
    # then Monday is off and that Saturday is worked, but not the Saturday before
    assert is_business_day(D(2024, 4, 29)) is False
    assert is_business_day(D(2024, 5, 4)) is True
    assert is_business_day(D(2024, 4, 27)) is False
    # Thu 2, Fri 3, Sat 4 May
    assert business_days_between(D(2024, 4, 26), D(2024, 5, 5)) == 3


@pytest.mark.django_db
def test_the_bridge_of_2025_was_made_up_on_the_saturday_before() -> None:
    # Fri 2/5/2025 off, made up on Sat 26/4/2025: Sat 26, Mon 28, Tue 29 April, Mon 5 May
    assert is_business_day(D(2025, 5, 2)) is False
    assert is_business_day(D(2025, 4, 26)) is True
    assert business_days_between(D(2025, 4, 25), D(2025, 5, 5)) == 4


@pytest.mark.django_db
def test_national_day_2025_takes_monday_and_tuesday() -> None:
    assert is_business_day(D(2025, 9, 1)) is False
    assert is_business_day(D(2025, 9, 2)) is False
    assert next_business_day(D(2025, 8, 29)) == D(2025, 9, 3)


@pytest.mark.django_db
def test_national_day_2024_takes_monday_and_tuesday() -> None:
    assert next_business_day(D(2024, 8, 30)) == D(2024, 9, 4)


@pytest.mark.django_db
def test_new_years_day_is_off_across_the_turn_of_the_year() -> None:
    assert add_business_days(D(2024, 12, 31), 1) == D(2025, 1, 2)


@pytest.mark.django_db
def test_an_ordinary_weekend_is_off() -> None:
    assert is_business_day(D(2024, 3, 9)) is False
    assert is_business_day(D(2024, 3, 10)) is False
    assert is_business_day(D(2024, 3, 11)) is True


def test_the_national_calendar_needs_no_database() -> None:
    assert is_national_business_day(D(2024, 2, 8)) is False
    assert is_national_business_day(D(2024, 5, 4)) is True
    assert is_national_business_day(D(2024, 3, 11)) is True


# --- the CalendarDay table overrides both ways ---------------------------------------------


@pytest.mark.django_db
def test_a_make_up_saturday_of_the_table_is_a_business_day() -> None:
    # given Saturday 16/3/2024 made a working day
    CalendarDay.objects.create(date=D(2024, 3, 16), is_working_day=True, note="Làm bù")
    # then it counts
    assert is_business_day(D(2024, 3, 16)) is True
    assert next_business_day(D(2024, 3, 15)) == D(2024, 3, 16)
    assert business_days_between(D(2024, 3, 15), D(2024, 3, 18)) == 2


@pytest.mark.django_db
def test_an_extra_day_off_of_the_table_is_skipped() -> None:
    # given Friday 15/3/2024 given as a day off
    CalendarDay.objects.create(date=D(2024, 3, 15), is_working_day=False, note="Nghỉ")
    # then it does not count
    assert is_business_day(D(2024, 3, 15)) is False
    assert add_business_days(D(2024, 3, 14), 1) == D(2024, 3, 18)
    assert business_days_between(D(2024, 3, 10), D(2024, 3, 17)) == 4


@pytest.mark.django_db
def test_the_table_can_make_a_public_holiday_a_working_day() -> None:
    CalendarDay.objects.create(date=D(2024, 9, 2), is_working_day=True)
    assert is_business_day(D(2024, 9, 2)) is True
    assert next_business_day(D(2024, 8, 30)) == D(2024, 9, 2)


@pytest.mark.django_db
def test_the_table_can_cancel_a_make_up_saturday_of_the_national_calendar() -> None:
    CalendarDay.objects.create(date=D(2024, 5, 4), is_working_day=False)
    assert is_business_day(D(2024, 5, 4)) is False
    assert business_days_between(D(2024, 4, 26), D(2024, 5, 5)) == 2


# --- the counting conventions --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2024, 3, 13), D(2024, 3, 13)),  # a Wednesday is itself
        (D(2024, 3, 9), D(2024, 3, 11)),  # Saturday -> Monday
        (D(2024, 2, 4), D(2024, 2, 5)),  # Sunday -> Monday
        (D(2024, 2, 8), D(2024, 2, 15)),  # first day of Tết -> after Tết
    ],
    ids=str,
)
def test_adding_no_business_days_rolls_forward_to_one(day: dt.date, expected: dt.date) -> None:
    assert add_business_days(day, 0) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (D(2024, 3, 8), 1, D(2024, 3, 11)),  # Friday + 1 = Monday
        (D(2024, 3, 9), 1, D(2024, 3, 11)),  # Saturday + 1 = Monday
        (D(2024, 3, 10), 1, D(2024, 3, 11)),  # Sunday + 1 = Monday
        (D(2024, 3, 11), 1, D(2024, 3, 12)),  # Monday + 1 = Tuesday
        (D(2024, 3, 8), 5, D(2024, 3, 15)),  # Friday + 5 = next Friday
        (D(2024, 3, 4), 20, D(2024, 4, 1)),  # four plain weeks
    ],
    ids=str,
)
def test_adding_business_days_counts_the_days_after(
    day: dt.date, n: int, expected: dt.date
) -> None:
    assert add_business_days(day, n) == expected


@pytest.mark.django_db
def test_it_refuses_to_add_a_negative_number_of_days() -> None:
    with pytest.raises(ValueError):
        add_business_days(D(2024, 3, 8), -1)


@pytest.mark.django_db
def test_business_days_between_leaves_out_the_start_and_counts_the_end() -> None:
    assert business_days_between(D(2024, 3, 8), D(2024, 3, 8)) == 0
    assert business_days_between(D(2024, 3, 8), D(2024, 3, 11)) == 1
    assert business_days_between(D(2024, 3, 7), D(2024, 3, 8)) == 1
    assert business_days_between(D(2024, 3, 9), D(2024, 3, 10)) == 0


@pytest.mark.django_db
def test_business_days_between_is_negative_backwards() -> None:
    assert business_days_between(D(2024, 3, 11), D(2024, 3, 8)) == -1
    assert business_days_between(D(2024, 2, 29), D(2024, 1, 31)) == -16


@pytest.mark.django_db
def test_a_datetime_counts_as_its_date_in_vietnam() -> None:
    # 17:30 UTC on the last day of Tết is 00:30 the next morning, a business day
    assert is_business_day(dt.datetime(2024, 2, 14, 17, 30, tzinfo=UTC)) is True
    assert is_business_day(dt.datetime(2024, 2, 14, 16, 30, tzinfo=UTC)) is False
    assert is_business_day(dt.datetime(2024, 2, 15, 8, 0)) is True


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    day=st.dates(min_value=D(2023, 12, 1), max_value=D(2026, 12, 31)),
    n=st.integers(min_value=0, max_value=40),
)
def test_adding_then_counting_gives_back_the_number_of_days(day: dt.date, n: int) -> None:
    result = add_business_days(day, n)
    assert is_business_day(result)
    if n:
        # the result is the first day by which n business days have passed
        assert business_days_between(day, result) == n
        assert business_days_between(day, result - dt.timedelta(days=1)) == n - 1
    else:
        # rolling forward passes no business day on the way
        assert business_days_in(day, result) == [result]


# --- one query for a range -----------------------------------------------------------------


@pytest.mark.django_db
def test_it_reads_the_overrides_of_a_year_in_one_query(
    django_assert_num_queries: Callable[..., Any],
) -> None:
    CalendarDay.objects.create(date=D(2024, 3, 16), is_working_day=True)
    CalendarDay.objects.create(date=D(2024, 3, 15), is_working_day=False)
    with django_assert_num_queries(1):
        count = business_days_between(D(2023, 12, 31), D(2024, 12, 31))
    # 262 weekdays in 2024, less 1/1, 5 of Tết, 18/4, 29/4, 30/4, 1/5, 2/9, 3/9 (12),
    # plus the make-up Saturday 4/5; then the table: +16/3, -15/3
    assert count == 262 - 12 + 1 + 1 - 1


@pytest.mark.django_db
def test_it_adds_four_weeks_in_one_query(
    django_assert_num_queries: Callable[..., Any],
) -> None:
    with django_assert_num_queries(1):
        assert add_business_days(D(2024, 3, 4), 20) == D(2024, 4, 1)


@pytest.mark.django_db
def test_it_reads_further_when_a_long_closure_outruns_the_first_read(
    django_assert_num_queries: Callable[..., Any],
) -> None:
    # given every day from 1/3/2024 to 29/4/2024 off
    first = D(2024, 3, 1)
    CalendarDay.objects.bulk_create(
        CalendarDay(date=first + dt.timedelta(days=i), is_working_day=False) for i in range(60)
    )
    # when one business day is added to 29/2
    with django_assert_num_queries(2):
        result = add_business_days(D(2024, 2, 29), 1)
    # then the walk goes past 30/4 and 1/5 to Thursday 2/5
    assert result == D(2024, 5, 2)


@pytest.mark.django_db
def test_is_business_day_takes_one_query(
    django_assert_num_queries: Callable[..., Any],
) -> None:
    with django_assert_num_queries(1):
        is_business_day(D(2024, 3, 11))
