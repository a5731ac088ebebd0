"""The demo's year of bill collection, at a small scale: partners, bills at the demo
points through the services, monthly settlements, today's bills; the ledger agrees."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from buudien.collection import demo, selectors
from buudien.collection.choices import BillStatus, PaymentMethod
from buudien.collection.models import Bill, Partner, Settlement
from buudien.core.bizdays import VIETNAM, local_now
from buudien.core.demo import demo_steps
from buudien.finance.models import Account
from buudien.network.geography import geography_load
from buudien.network.management.commands.demo import demo_build
from buudien.people.models import User

pytestmark = pytest.mark.django_db

NOW = local_now().astimezone(VIETNAM).replace(hour=15, minute=0)


@pytest.fixture
def province(db):
    geography_load(province_codes=["20"])
    demo_build()


def test_the_step_is_registered():
    assert "collection.year" in [step.name for step in demo_steps()]


def test_a_year_of_bills_settled_monthly(province):
    bills = int(os.environ.get("COLLECTION_DEMO_TEST_BILLS", "400"))
    line = demo.build(seed=2023, report=lambda _text: None, bills=bills, now=NOW)

    assert line.startswith("Bill collection") or line.startswith("Thu hộ")
    assert Partner.objects.filter(province_code="20").count() == len(demo.PARTNERS)
    made = Bill.objects.filter(province_code="20")
    assert bills * 0.6 < made.count() < bills * 1.6
    assert made.filter(method=PaymentMethod.TRANSFER, status=BillStatus.COLLECTED).exists()
    assert made.filter(status=BillStatus.CANCELLED).exists()
    clerks = set(made.values_list("collected_by__username", flat=True))
    assert any(name.startswith("gdv.") for name in clerks)
    settlements = Settlement.objects.filter(province_code="20")
    assert settlements.count() >= 6 * 10
    # Every bill of a month that is over and settled points at its settlement.
    last_settled = max(s.date_to for s in settlements)
    assert not made.filter(
        status=BillStatus.COLLECTED, settlement__isnull=True, business_date__lte=last_settled
    ).exists()
    assert Account.objects.get(province_code="20", code="1121.vietinbank").balance >= 0
    director = User.objects.get(username="giamdoc")
    report = selectors.reconciliation(
        user=director,
        province_code="20",
        date_from=NOW.date() - dt.timedelta(days=365),
        date_to=NOW.date(),
    )
    assert report.differences == 0
    assert report.totals.count == made.filter(status=BillStatus.COLLECTED).count()


def test_a_second_build_changes_nothing(province):
    demo.build(seed=2023, report=lambda _text: None, bills=50, now=NOW)
    count = Bill.objects.count()

    demo.build(seed=2023, report=lambda _text: None, bills=50, now=NOW)

    assert Bill.objects.count() == count
