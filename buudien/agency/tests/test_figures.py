"""The report's figures of the partners' services: payment accounts opened, counted from
the accounts (those at a zero commission too), by channel; the savings balance as at a day."""

from __future__ import annotations

import datetime as dt

import pytest

from buudien.agency import figures
from buudien.agency.choices import RateService
from buudien.agency.models import AgencyRate
from buudien.agency.tests.helpers import deposit, open_account, withdraw
from buudien.core.bizdays import VIETNAM
from buudien.planning import selectors
from buudien.planning.models import RevenueHistory
from buudien.planning.render.narrative import narrative

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = dt.date(2026, 1, 15), dt.date(2026, 2, 10), dt.date(2026, 3, 5)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 30), tzinfo=VIETNAM)


_open = open_account


@pytest.fixture
def opened(clerk_a, clerk_b, world):
    """Four accounts in 2026 (one of them at a zero commission: no ledger entry), one in
    2025; three online."""
    AgencyRate.objects.create(
        province_code="20",
        service=RateService.PAYMENT_ACCOUNT,
        partner="lpbank",
        valid_from=dt.date(2020, 1, 1),
        fixed=0,
    )
    _open(clerk_a, world.point_a, "1", JAN, "0900000001")
    free = _open(clerk_a, world.point_a, "2", FEB, "0900000002", partner="lpbank")
    assert free.entry is None and free.commission == 0
    _open(clerk_a, world.point_a, "3", MAR, "0900000003", channel="counter")
    _open(clerk_b, world.point_b, "4", MAR, "0900000004")
    _open(clerk_b, world.point_b, "5", dt.date(2025, 3, 2), "0900000005", channel="counter")


def test_accounts_opened_are_counted_from_the_accounts_by_channel(world, opened):
    found = figures.accounts_opened(
        province_code="20",
        unit_path=world.province.path,
        date_from=dt.date(2026, 1, 1),
        date_to=dt.date(2026, 12, 31),
    )
    assert (found.online, found.counter, found.total) == (3, 1, 4)
    only_a = figures.accounts_opened(
        province_code="20",
        unit_path=world.unit_a.path,
        date_from=dt.date(2026, 1, 1),
        date_to=dt.date(2026, 2, 28),
    )
    assert (only_a.online, only_a.counter) == (2, 0)
    assert (
        figures.accounts_opened(
            province_code="20",
            unit_path=world.province.path,
            date_from=dt.date(2024, 1, 1),
            date_to=dt.date(2024, 12, 31),
        )
        is None
    )


def test_the_savings_balance_as_at_a_day(clerk_a, clerk_b, world):
    deposit(clerk_a, world.point_a, key="a1", at=_at(JAN))
    withdraw(clerk_a, world.point_a, key="a2", at=_at(FEB))
    deposit(clerk_b, world.point_b, key="b1", book_number="LP000222", amount=7_000_000, at=_at(MAR))

    def at(day, unit=world.province):
        return figures.savings_balance(province_code="20", unit_path=unit.path, on=day)

    assert at(dt.date(2026, 1, 14)) is None
    assert (at(FEB).balance, at(FEB).books) == (6_000_000, 1)
    assert (at(MAR).balance, at(MAR).books) == (13_000_000, 2)
    assert at(MAR, world.unit_b).balance == 7_000_000


def test_several_periods_and_days_are_read_in_one_query_each_as_one_by_one(
    clerk_a, clerk_b, world, opened, django_assert_num_queries
):
    deposit(clerk_a, world.point_a, key="a1", at=_at(JAN))
    deposit(clerk_b, world.point_b, key="b1", book_number="LP000222", amount=7_000_000, at=_at(MAR))
    where = {"province_code": "20", "unit_path": world.province.path}
    periods = [
        (dt.date(2026, 1, 1), dt.date(2026, 2, 28)),
        (dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        (dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ]
    days = [dt.date(2026, 1, 14), FEB, MAR]
    with django_assert_num_queries(1):
        accounts = figures.accounts_opened_in(**where, periods=periods)
    with django_assert_num_queries(2):
        balances = figures.savings_balances(**where, days=days)

    assert accounts == [
        figures.accounts_opened(**where, date_from=start, date_to=end) for start, end in periods
    ]
    assert [(one.online, one.counter) if one else None for one in accounts] == [
        (2, 0),
        (0, 1),
        None,
    ]
    assert balances == [figures.savings_balance(**where, on=day) for day in days]
    assert [(one.balance, one.books) if one else None for one in balances] == [
        None,
        (10_000_000, 1),
        (17_000_000, 2),
    ]


def test_the_year_report_has_accounts_with_history_and_savings(
    clerk_a, world, opened, time_machine
):
    time_machine.move_to(dt.datetime(2026, 6, 30, 16, 0, tzinfo=VIETNAM))
    # given the imported history of January 2025 (before go-live: no channel)
    RevenueHistory.objects.create(
        province_code="20", month=dt.date(2025, 1, 1), unit=world.unit_a,
        service="payment_account", amount=300_000, volume=10,
    )  # fmt: skip
    deposit(clerk_a, world.point_a, key="a1", amount=2_500_000_000, at=_at(JAN))

    report = selectors.year_report(user=None, province_code="20", year=2026)

    accounts = report["payment_accounts"]
    assert (accounts["actual"], accounts["previous"]) == (4, 11)
    assert (accounts["online"], accounts["counter"]) == (3, 1)
    assert report["payment_accounts_opened"] == 4
    savings = report["savings"]
    # a year still running states the balance as at today
    assert (savings["as_at"], savings["actual"], savings["previous"]) == (
        "2026-06-30",
        2_500_000_000,
        None,
    )
    assert savings["books"] == 1
    text = " ".join(
        p for _part, sections in narrative(report).parts for s in sections for p in s.paragraphs
    )
    assert "Hỗ trợ người dân mở 4 tài khoản thanh toán, trong đó mở online 3 tài khoản." in text
    assert "Số dư tiết kiệm bưu điện huy động đến ngày 30/06/2026 đạt 2,5 tỷ đồng." in text

    # once the year is over, as at its last day
    time_machine.move_to(dt.datetime(2027, 1, 5, 9, 0, tzinfo=VIETNAM))
    later = selectors.year_report(user=None, province_code="20", year=2026)["savings"]
    assert (later["as_at"], later["actual"]) == ("2026-12-31", 2_500_000_000)
