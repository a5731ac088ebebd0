"""A list of entries posted at once (``entries_post``): each entry is what ``entry_post``
would make, the list is all or nothing, and the rollups are those of posting one by one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Sum

from buudien.core.bizdays import local_today
from buudien.core.errors import DomainError
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.ledger import Leg, Posting
from buudien.finance.models import DailyBalance, DailyFigure, Entry, MonthlyFigure, Transfer
from buudien.finance.tests.conftest import PROVINCE, balances

pytestmark = pytest.mark.django_db

TODAY = local_today()
YESTERDAY = TODAY - dt.timedelta(days=1)


def _fees(drawer, revenue, vat, count, *, prefix="fee", day=None, late=False, point=None):
    return [
        Posting(
            idempotency_key=f"{prefix}:{n}",
            kind=EntryKind.FEE,
            reference=f"item:{n}",
            legs=[
                Leg(debit=drawer, credit=revenue, amount=10_000 + n, service="registered"),
                Leg(debit=drawer, credit=vat, amount=800, service="registered"),
            ],
            business_date=day,
            late=late,
            point=point,
        )
        for n in range(count)
    ]


def _rollups() -> tuple[list, list, list]:
    return (
        sorted(
            DailyBalance.objects.values_list(
                "date", "account__code", "debit_total", "credit_total", "transfer_count"
            )
        ),
        sorted(
            DailyFigure.objects.values_list(
                "date", "point_id", "service", "revenue", "volume", "turnover"
            )
        ),
        sorted(
            MonthlyFigure.objects.values_list(
                "month", "point_id", "service", "revenue", "volume", "turnover"
            )
        ),
    )


def test_a_list_gives_the_entries_and_rollups_of_posting_one_by_one(world, drawer_a, revenue, vat):
    with transaction.atomic():  # one by one, then undone
        for p in _fees(drawer_a, revenue, vat, 30, prefix="single", point=world.point_a):
            ledger.entry_post(
                actor=None,
                idempotency_key=p.idempotency_key,
                kind=p.kind,
                reference=p.reference,
                legs=p.legs,
                province_code=PROVINCE,
                business_date=p.business_date,
                point=world.point_a,
            )
        expected = (balances(), _rollups())
        transaction.set_rollback(True)
    assert not Entry.objects.exists()

    entries = ledger.entries_post(
        actor=None,
        province_code=PROVINCE,
        postings=_fees(drawer_a, revenue, vat, 30, prefix="single", point=world.point_a),
    )

    assert (balances(), _rollups()) == expected
    assert [e.idempotency_key for e in entries] == [f"single:{n}" for n in range(30)]
    assert [e.pk for e in entries] == sorted(e.pk for e in entries)
    stored = Entry.objects.get(pk=entries[7].pk)
    assert (stored.kind, stored.reference, stored.point_id, stored.business_date) == (
        EntryKind.FEE,
        "item:7",
        world.point_a.pk,
        TODAY,
    )
    assert list(stored.transfers.order_by("id").values_list("amount", "point_id")) == [
        (10_007, world.point_a.pk),
        (800, world.point_a.pk),
    ]


def test_posting_the_same_list_again_posts_nothing_twice(world, drawer_a, revenue, vat):
    first = ledger.entries_post(
        actor=None, province_code=PROVINCE, postings=_fees(drawer_a, revenue, vat, 5)
    )
    before = (balances(), _rollups(), Transfer.objects.count())

    again = ledger.entries_post(
        actor=None, province_code=PROVINCE, postings=_fees(drawer_a, revenue, vat, 5)
    )

    assert [e.pk for e in again] == [e.pk for e in first]
    assert (balances(), _rollups(), Transfer.objects.count()) == before
    assert balances()[drawer_a.code] == sum(10_800 + n for n in range(5))


def test_a_key_reused_with_other_data_refuses_the_whole_list(world, drawer_a, revenue, vat):
    ledger.entries_post(
        actor=None, province_code=PROVINCE, postings=_fees(drawer_a, revenue, vat, 1)
    )
    before = (balances(), _rollups(), Entry.objects.count())
    changed = _fees(drawer_a, revenue, vat, 3)
    changed[0] = Posting(
        idempotency_key="fee:0",
        kind=EntryKind.FEE,
        reference="item:0",
        legs=[Leg(debit=drawer_a, credit=revenue, amount=1, service="registered")],
    )

    with pytest.raises(DomainError, match="Idempotency key reused"):
        ledger.entries_post(actor=None, province_code=PROVINCE, postings=changed)

    assert (balances(), _rollups(), Entry.objects.count()) == before


def test_one_key_twice_in_a_list_is_refused(world, drawer_a, revenue, vat):
    postings = _fees(drawer_a, revenue, vat, 2)
    postings[1] = postings[0]

    with pytest.raises(DomainError, match="key of its own"):
        ledger.entries_post(actor=None, province_code=PROVINCE, postings=postings)

    assert not Entry.objects.exists()


def test_a_drawer_that_would_go_below_zero_refuses_the_whole_list(
    world, drawer_a, revenue, vat, fund
):
    fund(drawer_a, 25_000)
    before = (balances(), Entry.objects.count())
    pensions = [
        Posting(
            idempotency_key=f"pension:{n}",
            kind=EntryKind.PENSION,
            reference=f"pension:{n}",
            legs=[Leg(debit=vat, credit=drawer_a, amount=10_000, service="pension")],
        )
        for n in range(3)
    ]

    with pytest.raises(DomainError, match="Not enough money"):
        ledger.entries_post(actor=None, province_code=PROVINCE, postings=pensions)

    assert (balances(), Entry.objects.count()) == before


def test_late_entries_of_a_closed_day_go_into_the_open_day(
    world, accountant, drawer_a, revenue, vat
):
    ledger.business_day_close(actor=accountant, province_code=PROVINCE, date=YESTERDAY)

    entries = ledger.entries_post(
        actor=None,
        province_code=PROVINCE,
        postings=_fees(drawer_a, revenue, vat, 3, day=YESTERDAY, late=True),
    )

    assert {(e.business_date, e.late_for) for e in entries} == {(TODAY, YESTERDAY)}
    assert DailyBalance.objects.filter(date=YESTERDAY).count() == 0
    totals = DailyBalance.objects.filter(date=TODAY, account=drawer_a).aggregate(
        d=Sum("debit_total")
    )
    assert totals["d"] == sum(10_800 + n for n in range(3))
    with pytest.raises(DomainError, match="is closed"):
        ledger.entries_post(
            actor=None,
            province_code=PROVINCE,
            postings=_fees(drawer_a, revenue, vat, 1, prefix="other", day=YESTERDAY),
        )


def test_audited_entries_of_a_list_are_audited_in_one_statement_and_need_no_answer(
    world, drawer_a, revenue, vat, django_assert_max_num_queries
):
    """A list with entries an accountant would post by hand (deposits at the bank): each is
    in the audit log as if posted alone, written with the others in one INSERT; a caller
    that asks no answer gets none, and the entries are written all the same."""
    from buudien.core.models import AuditEntry

    bank = ledger.account_for_bank(PROVINCE, "vietinbank")
    fees = _fees(drawer_a, revenue, vat, 40, point=world.point_a)
    deposits = [
        Posting(
            idempotency_key=f"deposit:{n}",
            kind=EntryKind.BANK_DEPOSIT,
            reference=f"NT{n}",
            legs=[Leg(debit=bank, credit=drawer_a, amount=5_000)],
            point=world.point_a,
        )
        for n in range(30)
    ]
    with django_assert_max_num_queries(25):
        answer = ledger.entries_post(
            actor=None, province_code=PROVINCE, postings=fees + deposits, answer=False
        )

    assert answer == []
    assert Entry.objects.filter(kind=EntryKind.BANK_DEPOSIT).count() == 30
    assert Entry.objects.filter(kind=EntryKind.FEE).count() == 40
    audited = AuditEntry.objects.filter(action="ledger.bank_deposit")
    assert audited.count() == 30
    assert {row.after["key"] for row in audited} == {f"deposit:{n}" for n in range(30)}
    assert not AuditEntry.objects.filter(action="ledger.fee").exists()
    assert bank.__class__.objects.get(pk=bank.pk).balance == 150_000
