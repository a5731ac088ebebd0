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


def test_the_demo_hands_cash_over_and_decides_as_people_would(
    world, clerk_a, clerk_b, accountant, drawer_a, fund, banks_open, english
):
    """The largest drawers deposit their cash above the float at the bank: above the approval
    amount the accountant approves all but the last; the small points of the main post
    office's unit hand cash to its safe: its clerk confirms the first, the last waits."""
    from buudien.cashdesk.choices import HandoverKind, HandoverStatus
    from buudien.cashdesk.models import CashHandover
    from buudien.cashdesk.selectors import handovers_awaiting
    from buudien.finance import ledger
    from buudien.network.choices import PointKind
    from buudien.network.tests.demo_checks import assert_the_money_holds
    from buudien.network.tests.factories import PointFactory
    from buudien.people.tests.factories import UserFactory

    main = PointFactory(code="240100", kind=PointKind.BC1, unit=world.unit_a)
    small = PointFactory(code="240003", kind=PointKind.BDVHX, unit=world.unit_a)
    clerk_main = UserFactory(username="gdv.240100", role="clerk", unit=world.unit_a, point=main)
    UserFactory(username="gdv.240003", role="clerk", unit=world.unit_a, point=small)
    fund(drawer_a, 80_000_000)
    fund(ledger.account_for_drawer(world.point_b), 70_000_000)
    fund(ledger.account_for_drawer(small), 4_000_000)

    summary = demo.build(seed=7, report=lambda text: None, today=local_today())

    assert "4 hand-overs of cash, 2 in transit" in summary
    bank = CashHandover.objects.filter(kind=HandoverKind.BANK).order_by("-amount")
    assert [(h.point, h.amount, h.status) for h in bank] == [
        (world.point_a, 75_000_000, HandoverStatus.CONFIRMED),
        (world.point_b, 65_000_000, HandoverStatus.PENDING),
    ]
    assert bank[0].decided_by == accountant and bank[0].settled_entry is not None
    safe = CashHandover.objects.filter(kind=HandoverKind.POINT).order_by("point__code")
    assert [(h.point, h.to_point, h.amount, h.status) for h in safe] == [
        (world.point_a, main, 3_000_000, HandoverStatus.CONFIRMED),
        (small, main, 3_000_000, HandoverStatus.PENDING),
    ]
    assert safe[0].decided_by == clerk_main
    assert list(handovers_awaiting(user=clerk_main)) == [safe[1]]
    assert ledger.account_for_drawer(main).balance == 3_000_000
    assert ledger.account_cash_in_transit("20").balance == 68_000_000
    assert_the_money_holds()
