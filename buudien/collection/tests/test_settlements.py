"""Settling with a partner: one entry debit payable, credit bank, for the bills of the range
net of commission; the bills marked; idempotent; refused when there is nothing to settle or
the bank does not hold the money (and then nothing changes)."""

from __future__ import annotations

import datetime as dt

import pytest

from buudien.collection import selectors, services
from buudien.collection.models import Bill, Settlement
from buudien.collection.tests.conftest import BANK, PROVINCE, balance
from buudien.core.bizdays import local_now, local_today
from buudien.core.errors import AccessDenied, DomainError
from buudien.finance.choices import EntryKind
from buudien.finance.models import Entry

pytestmark = pytest.mark.django_db

EVN = "3388.partner.evn"
TODAY = local_today()


def _settle(actor, partner, key="s-1", date_from=None, date_to=None):
    return services.settlement_create(
        actor=actor,
        idempotency_key=key,
        partner=partner,
        date_from=date_from or TODAY - dt.timedelta(days=30),
        date_to=date_to or TODAY,
    )


@pytest.fixture
def three_bills(collect, clerk_a, water):
    kept = [collect(amount=1_250_000), collect(amount=350_000)]
    cancelled = collect(amount=800_000)
    services.bill_cancel(actor=clerk_a, bill=cancelled, reason="Nhầm mã khách hàng")
    other_partner = services.bill_collect(
        actor=clerk_a,
        idempotency_key="water-1",
        partner=water,
        customer_code="N1",
        customer_name="B",
        amount=100_000,
    )
    return kept, cancelled, other_partner


def test_settling_posts_once_and_marks_the_bills(accountant, evn, three_bills, fund_bank):
    kept, cancelled, other = three_bills
    fund_bank(5_000_000)

    settlement = _settle(accountant, evn)
    again = _settle(accountant, evn)

    assert again.pk == settlement.pk
    assert settlement.reference == "QT-EVN-00001"
    assert (settlement.bill_count, settlement.gross, settlement.commission) == (
        2,
        1_600_000,
        4_750,
    )
    assert settlement.net == 1_595_250
    entry = settlement.entry
    assert entry.kind == EntryKind.COLLECTION_SETTLEMENT
    assert list(
        entry.transfers.values_list("debit__code", "credit__code", "amount", "service")
    ) == [(EVN, f"1121.{BANK}", 1_595_250, "")]
    assert Entry.objects.filter(kind=EntryKind.COLLECTION_SETTLEMENT).count() == 1
    assert balance(PROVINCE, EVN) == 0
    assert balance(PROVINCE, f"1121.{BANK}") == 5_000_000 - 1_595_250
    assert set(Bill.objects.filter(settlement=settlement)) == set(kept)
    assert Bill.objects.get(pk=cancelled.pk).settlement_id is None
    assert Bill.objects.get(pk=other.pk).settlement_id is None


def test_nothing_left_to_settle_is_refused(accountant, evn, three_bills, fund_bank, english):
    fund_bank(5_000_000)
    _settle(accountant, evn)

    with pytest.raises(DomainError, match="Nothing to settle"):
        _settle(accountant, evn, key="s-2")
    assert Settlement.objects.count() == 1


def test_bills_outside_the_range_are_not_settled(accountant, evn, collect, fund_bank, english):
    fund_bank(5_000_000)
    old = collect(at=local_now() - dt.timedelta(days=3))
    new = collect()

    settlement = _settle(accountant, evn, date_to=TODAY - dt.timedelta(days=1))

    assert list(settlement.bills.all()) == [old]
    assert Bill.objects.get(pk=new.pk).settlement_id is None


def test_a_bank_without_the_money_refuses_and_nothing_changes(
    accountant, evn, three_bills, fund_bank, english
):
    fund_bank(1_000_000)
    entries = Entry.objects.count()

    with pytest.raises(DomainError, match="Not enough money"):
        _settle(accountant, evn)
    assert Settlement.objects.count() == 0
    assert not Bill.objects.filter(settlement__isnull=False).exists()
    assert Entry.objects.count() == entries
    assert balance(PROVINCE, f"1121.{BANK}") == 1_000_000


def test_the_same_key_for_another_range_is_refused(
    accountant, evn, three_bills, fund_bank, english
):
    fund_bank(5_000_000)
    _settle(accountant, evn)

    with pytest.raises(DomainError, match="Idempotency key reused"):
        _settle(accountant, evn, date_from=TODAY - dt.timedelta(days=1))


@pytest.mark.parametrize("persona", ["clerk_a", "auditor", "director"])
def test_only_accountants_and_administrators_settle(request, evn, three_bills, persona):
    with pytest.raises(AccessDenied):
        _settle(request.getfixturevalue(persona), evn)
    assert Settlement.objects.count() == 0


def test_a_settled_bill_cannot_be_cancelled(accountant, evn, collect, clerk_a, fund_bank, english):
    fund_bank(5_000_000)
    bill = collect()
    _settle(accountant, evn)

    with pytest.raises(DomainError, match="settled"):
        services.bill_cancel(
            actor=clerk_a, bill=Bill.objects.get(pk=bill.pk), reason="Nhầm mã khách hàng"
        )


def test_the_preview_says_what_settling_would_pay(evn, three_bills):
    preview = selectors.settlement_preview(evn, TODAY - dt.timedelta(days=30), TODAY)

    assert (preview.count, preview.gross, preview.commission, preview.net) == (
        2,
        1_600_000,
        4_750,
        1_595_250,
    )


def test_a_future_range_is_refused(accountant, evn, three_bills, english):
    with pytest.raises(DomainError, match="have not been collected yet"):
        _settle(accountant, evn, date_to=TODAY + dt.timedelta(days=1))
