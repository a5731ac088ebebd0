"""The director's figures: the balance mobilised per point as at a day, per unit subtree;
payment accounts opened and loan applications referred per point and month."""

from __future__ import annotations

import datetime as dt

import pytest

from buudien.agency import selectors, services
from buudien.agency.models import LoanReferral, PaymentAccount
from buudien.agency.tests.helpers import CID, deposit, open_account, withdraw
from buudien.core.bizdays import VIETNAM
from buudien.core.errors import NotFound

pytestmark = pytest.mark.django_db


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 30), tzinfo=VIETNAM)


JAN, FEB, MAR = dt.date(2026, 1, 15), dt.date(2026, 2, 10), dt.date(2026, 3, 5)


@pytest.fixture
def savings(clerk_a, clerk_b, world):
    """A: 10M in January, 4M out in February, 1M in in March. B: 7M in February."""
    deposit(clerk_a, world.point_a, key="a1", at=_at(JAN))
    withdraw(clerk_a, world.point_a, key="a2", at=_at(FEB))
    deposit(clerk_a, world.point_a, key="a3", amount=1_000_000, term_months=None, at=_at(MAR))
    deposit(clerk_b, world.point_b, key="b1", book_number="LP000222", amount=7_000_000, at=_at(FEB))


def _rows(report):
    return [(r.point.code, r.deposits, r.withdrawals, r.balance, r.books) for r in report.rows]


def test_the_balance_mobilised_per_point_as_at_a_day(director, world, savings):
    report = selectors.savings_mobilised(user=director, on=FEB)
    assert _rows(report) == [
        ("240001", 10_000_000, 4_000_000, 6_000_000, 1),
        ("240002", 7_000_000, 0, 7_000_000, 1),
    ]
    assert report.balance == 13_000_000


def test_the_balance_mobilised_before_anything_and_today(director, world, savings):
    assert selectors.savings_mobilised(user=director, on=dt.date(2026, 1, 14)).rows == []
    report = selectors.savings_mobilised(user=director, on=MAR)
    assert _rows(report)[0] == ("240001", 11_000_000, 4_000_000, 7_000_000, 1)
    assert report.balance == 14_000_000


def test_the_balance_mobilised_of_a_unit_subtree(director, world, savings):
    report = selectors.savings_mobilised(user=director, on=MAR, unit=world.unit_b)
    assert _rows(report) == [("240002", 7_000_000, 0, 7_000_000, 1)]


def test_a_clerk_sees_only_their_point(clerk_a, world, savings):
    assert [r.point.code for r in selectors.savings_mobilised(user=clerk_a, on=MAR).rows] == [
        "240001"
    ]
    with pytest.raises(NotFound):
        selectors.unit_for(user=clerk_a, code="UB")


def test_an_outsider_sees_nothing(outsider, world, savings):
    assert selectors.savings_mobilised(user=outsider, on=MAR).rows == []
    with pytest.raises(NotFound):
        selectors.unit_for(user=outsider, code="BDT20")


_open = open_account


def test_payment_accounts_opened_per_point_and_month(clerk_a, clerk_b, director, world):
    _open(clerk_a, world.point_a, "1", JAN, "0900000001")
    _open(clerk_a, world.point_a, "2", JAN, "0900000002")
    _open(clerk_a, world.point_a, "3", MAR, "0900000003")
    _open(clerk_b, world.point_b, "4", FEB, "0900000004")
    _open(clerk_b, world.point_b, "5", dt.date(2025, 12, 31), "0900000005")

    report = selectors.monthly_counts(user=director, model=PaymentAccount, year=2026)
    assert [(r.point.code, r.months[:3], r.total) for r in report.rows] == [
        ("240001", [2, 0, 1], 3),
        ("240002", [0, 1, 0], 1),
    ]
    assert report.months[:4] == [2, 1, 1, 0]
    assert report.total == 4
    only_b = selectors.monthly_counts(
        user=director, model=PaymentAccount, year=2026, unit=world.unit_b
    )
    assert only_b.total == 1
    assert selectors.monthly_counts(user=clerk_b, model=PaymentAccount, year=2025).total == 1
    assert selectors.monthly_counts(user=clerk_a, model=PaymentAccount, year=2025).total == 0


def test_referrals_are_counted_per_month(clerk_a, director, world):
    services.loan_referral_record(
        actor=clerk_a,
        point=world.point_a,
        idempotency_key="h",
        applicant_name="Nông Thị Lan",
        citizen_id=CID,
        phone="0912345678",
        amount_requested=50_000_000,
        at=_at(FEB),
    )
    report = selectors.monthly_counts(user=director, model=LoanReferral, year=2026)
    assert report.months[1] == 1
    assert report.total == 1


def test_the_figures_take_a_fixed_number_of_queries(
    clerk_a, director, world, savings, django_assert_num_queries
):
    _open(clerk_a, world.point_a, "1", JAN, "0900000001")
    with django_assert_num_queries(3):
        report = selectors.savings_mobilised(user=director, on=MAR)
        assert len(report.rows) == 2
    with django_assert_num_queries(2):
        selectors.monthly_counts(user=director, model=PaymentAccount, year=2026)
