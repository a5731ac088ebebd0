"""The demo's year of agency services: through the services, seeded, repeatable, fast."""

from __future__ import annotations

import time

import pytest

from buudien.agency import demo, selectors
from buudien.agency.models import (
    LoanRepayment,
    PaymentAccount,
    Remittance,
    SavingsTransaction,
)
from buudien.core.bizdays import local_now
from buudien.finance.models import Entry, Transfer
from buudien.network.geography import geography_load
from buudien.network.management.commands.demo import demo_build
from buudien.people.models import User

pytestmark = pytest.mark.django_db

NOW = local_now()


@pytest.fixture
def province(db):
    geography_load(province_codes=["20"])
    demo_build()


def test_the_demo_year_goes_through_the_services(province):
    started = time.perf_counter()
    line = demo.build(seed=2023, report=lambda _text: None, now=NOW)
    seconds = time.perf_counter() - started
    assert "Agency services" in line or "Dịch vụ" in line
    deposits = SavingsTransaction.objects.filter(kind="deposit").count()
    withdrawals = SavingsTransaction.objects.filter(kind="withdrawal").count()
    assert deposits > 250
    assert withdrawals > 80
    assert LoanRepayment.objects.count() > 120
    assert PaymentAccount.objects.count() > 200
    assert Remittance.objects.count() > 120
    assert Remittance.objects.filter(status="paid").count() > 80
    # one entry per operation, every leg with its service
    operations = (
        deposits
        + withdrawals
        + LoanRepayment.objects.count()
        + PaymentAccount.objects.count()
        + Remittance.objects.count()
        + Remittance.objects.filter(status="paid").count()
    )
    assert Entry.objects.filter(reference__startswith="agency:").count() == operations
    assert not Transfer.objects.filter(entry__reference__startswith="agency:", service="").exists()
    # the demo clerk's point has its balance mobilised
    director = User.objects.get(username="giamdoc")
    report = selectors.savings_mobilised(user=director, on=NOW.date())
    assert report.balance > 0
    assert len(report.rows) > 5
    print(f"agency demo: {operations} operations in {seconds:.1f} s")

    again = demo.build(seed=2023, report=lambda _text: None, now=NOW)
    assert "already" in again or "đã có" in again
    assert Entry.objects.filter(reference__startswith="agency:").count() == operations
