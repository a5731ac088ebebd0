"""A bill paid by VietQR transfer: pending with nothing posted, then posted debit bank,
credit the partner's payable when the cashless app confirms the payment (the handler is
called here with a stand-in carrying the PaymentRequest's attributes)."""

from __future__ import annotations

import pytest

from buudien.cashless.registry import handler_for
from buudien.collection import services
from buudien.collection.choices import BillStatus, PaymentMethod
from buudien.collection.models import Bill
from buudien.collection.tests.conftest import BANK, PROVINCE, Payment, balance
from buudien.core.errors import DomainError
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Entry

pytestmark = pytest.mark.django_db

EVN = "3388.partner.evn"


def _pending(collect):
    return collect(amount=1_250_000, method=PaymentMethod.TRANSFER)


def _pay(bill, *, pk=501, amount=None, reference=None, point=None):
    return Payment(
        pk=pk,
        province_code=PROVINCE,
        point=point or bill.point,
        amount=bill.total if amount is None else amount,
        kind="collection",
        reference=reference or bill.reference,
    )


def test_the_handler_is_registered_for_collection():
    assert handler_for("collection") is services.bill_paid_by_transfer


def test_a_transfer_bill_waits_with_nothing_posted(collect, cashless_point):
    bill = _pending(collect)

    assert bill.status == BillStatus.PENDING
    assert bill.entry_id is None
    assert bill.business_date is None
    assert Entry.objects.count() == 0


def test_a_point_without_cashless_payment_refuses_a_transfer(collect, english):
    with pytest.raises(DomainError, match="does not take payment by transfer"):
        _pending(collect)
    assert Bill.objects.count() == 0


def test_confirming_posts_debit_bank_credit_partner_once(collect, cashless_point):
    bill = _pending(collect)
    bank = ledger.account_for_bank(PROVINCE, BANK)
    handler = handler_for("collection")

    entry = handler(_pay(bill), actor=None, bank=bank)
    again = handler(_pay(bill), actor=None, bank=bank)

    assert again.pk == entry.pk
    assert entry.kind == EntryKind.COLLECTION
    assert entry.idempotency_key == "cashless:501"
    assert entry.point_id == cashless_point.pk
    legs = sorted(entry.transfers.values_list("debit__code", "credit__code", "amount", "service"))
    assert legs == [
        (f"1121.{BANK}", EVN, 1_250_000, "collection"),
        (EVN, "5113.collection", 2_750, "collection"),
    ]
    bill.refresh_from_db()
    assert bill.status == BillStatus.COLLECTED
    assert bill.entry_id == entry.pk
    assert bill.business_date == entry.business_date
    assert bill.payment_ref == "501"
    assert balance(PROVINCE, f"1121.{BANK}") == 1_250_000
    assert balance(PROVINCE, EVN) == 1_247_250
    assert Entry.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount": 1_000_000}, "does not match"),
        ({"reference": "TH-240001-999999"}, "No bill TH-240001-999999"),
    ],
)
def test_a_payment_that_does_not_match_is_refused(
    collect, cashless_point, english, change, message
):
    bill = _pending(collect)
    bank = ledger.account_for_bank(PROVINCE, BANK)

    with pytest.raises(DomainError, match=message):
        services.bill_paid_by_transfer(_pay(bill, **change), actor=None, bank=bank)
    bill.refresh_from_db()
    assert bill.status == BillStatus.PENDING
    assert Entry.objects.count() == 0


def test_a_cancelled_pending_bill_is_not_paid(collect, cashless_point, clerk_a, english):
    bill = _pending(collect)
    services.bill_cancel(actor=clerk_a, bill=bill, reason="Nhầm mã khách hàng")
    bank = ledger.account_for_bank(PROVINCE, BANK)

    with pytest.raises(DomainError, match="does not await a transfer"):
        services.bill_paid_by_transfer(_pay(bill), actor=None, bank=bank)
    assert Entry.objects.count() == 0


def test_a_cash_bill_is_not_paid_by_a_transfer(collect, cashless_point, english):
    bill = collect()
    bank = ledger.account_for_bank(PROVINCE, BANK)

    with pytest.raises(DomainError, match="does not await a transfer"):
        services.bill_paid_by_transfer(_pay(bill, pk=9), actor=None, bank=bank)
    assert Entry.objects.count() == 1
