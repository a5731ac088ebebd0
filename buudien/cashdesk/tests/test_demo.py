"""The demo step: closings of the last business days through the services, a few
differences approved, COD paid to senders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from buudien.cashdesk import demo
from buudien.cashdesk.choices import ClosingStatus
from buudien.cashdesk.models import CashClosing, CodPayout
from buudien.core.bizdays import business_days_in, local_today
from buudien.finance.choices import EntryKind
from buudien.finance.models import Entry
from buudien.mail.models import PostalItem

pytestmark = pytest.mark.django_db


def test_breakdown_uses_the_fewest_notes_and_coins_for_the_rest():
    counts, coins = demo.breakdown(1_611_040)
    assert counts["500000"] == 3 and counts["100000"] == 1 and counts["10000"] == 1
    assert counts["1000"] == 1 and coins == 40
    assert sum(int(d) * n for d, n in counts.items()) + coins == 1_611_040


def test_the_demo_closes_the_last_days_and_pays_cod(
    world, clerk_a, clerk_b, accountant, drawer_a, fund, cod_item, monkeypatch, english
):
    monkeypatch.setattr(demo, "DISCREPANCY_SHARE", 0.5)
    today = local_today()
    days = [d for d in business_days_in(today - dt.timedelta(days=14), today) if d < today]
    fund(drawer_a, 1_234_560, days[0])
    fund(drawer_a, 5_000_000)
    cod_item(250_000)
    # Delivered five days ago by a scan, its COD not booked yet: the step books it.
    scanned = cod_item(120_000, collected=False)
    PostalItem.objects.filter(pk=scanned.pk).update(
        delivered_at=timezone.now() - dt.timedelta(days=5)
    )
    summary = demo.build(seed=7, report=lambda text: None, today=today)
    assert summary.startswith("Cash desk: 6 closings of 3 days")
    closings = CashClosing.objects.all()
    assert closings.count() == 2 * demo.DAYS
    assert not closings.filter(business_date=today).exists()
    statuses = set(closings.values_list("status", flat=True))
    assert statuses <= set(ClosingStatus.values)
    approved = closings.filter(status=ClosingStatus.APPROVED).count()
    assert Entry.objects.filter(kind=EntryKind.CASH_DISCREPANCY).count() == approved
    # The counts of the days after a booked difference match the ledger again.
    for closing in closings.exclude(status=ClosingStatus.PENDING):
        assert closing.counted_total == closing.expected + closing.difference
    assert approved >= 1
    payout = CodPayout.objects.get()
    assert (payout.total, payout.method, payout.paid_by) == (370_000, "cash", clerk_a)
    assert Entry.objects.filter(kind=EntryKind.COD_COLLECTED).count() == 2
