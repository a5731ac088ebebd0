"""The demo's year of pensions and disbursements, built through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F, Sum

from buudien.core.bizdays import VIETNAM, local_now, local_today
from buudien.core.demo import demo_steps
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account, Entry
from buudien.network.geography import geography_load
from buudien.network.management.commands.demo import demo_build
from buudien.network.models import ServicePoint
from buudien.payouts import demo
from buudien.payouts.choices import LineStatus, ListStatus
from buudien.payouts.models import Payment, PayoutLine, PayoutList

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(db):
    geography_load(province_codes=["20"])
    demo_build()
    # The offices' drawers hold the cash of their other services from before the year (the
    # demo's earlier steps): a beneficiary paid at another office is paid out of it.
    since = local_today() - dt.timedelta(days=400)
    for point in ServicePoint.objects.filter(kind__in=["bc1", "bc2"]):
        ledger.entry_post(
            actor=None,
            idempotency_key=f"test-cash:{point.code}",
            kind=EntryKind.OPENING_BALANCE,
            reference="opening",
            legs=[
                ledger.Leg(
                    ledger.account_for_drawer(point),
                    ledger.account_owner_capital("20"),
                    200_000_000,
                )
            ],
            province_code="20",
            business_date=since,
        )


def test_the_step_is_registered():
    assert "payouts.year" in [step.name for step in demo_steps()]


def test_a_year_of_lists_paid_through_the_services(province, monkeypatch):
    # given the lists scaled to 60 pensioners (and 12 allowances: 30 × 60/150)
    monkeypatch.setenv(demo.PENSIONERS_ENV, "60")
    people = 60 + 12
    now = local_now()

    summary = demo.build(seed=2023, report=lambda _text: None, now=now)

    assert summary
    lists = PayoutList.objects.filter(province_code="20")
    assert lists.filter(service="pension").count() == 12
    assert lists.filter(service="disbursement").count() == 12
    # This month's two lists stay open, until the month's last day at 17:00 closes them.
    today = now.astimezone(VIETNAM).date()
    last_day = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    closed = now >= dt.datetime.combine(last_day, dt.time(17, 0), tzinfo=VIETNAM)
    assert lists.filter(status=ListStatus.OPEN).count() == (0 if closed else 2)
    lines = PayoutLine.objects.filter(province_code="20")
    assert lines.count() == 12 * people
    paid = lines.filter(status=LineStatus.PAID)
    assert paid.count() > 0.85 * 11 * people
    assert lines.filter(status=LineStatus.RETURNED).exists()
    assert Payment.objects.exclude(proxy_name="").exists()
    assert Payment.objects.exclude(point_id=F("line__point_id")).exists()  # paid elsewhere
    # One pension entry per pension line paid; its commission is pension revenue.
    assert (
        Entry.objects.filter(kind="pension").count()
        == paid.filter(payout_list__service="pension").count()
    )
    revenue = Account.objects.get(province_code="20", code="5113.pension").balance
    expected = paid.filter(payout_list__service="pension").aggregate(c=Sum("commission"))["c"]
    assert revenue == expected
    # Closed months leave every drawer where it was and the bank account empty.
    assert Account.objects.get(province_code="20", code="1121.bidv").balance == 0

    assert demo.build(seed=2023, report=lambda _text: None, now=now) == ""
