"""The agency's operations: each posts one balanced entry with its revenue, every leg with
its service; a retry posts once; a refusal changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from buudien.agency import services
from buudien.agency.choices import RemittanceStatus
from buudien.agency.models import (
    AgencyRate,
    LoanReferral,
    LoanRepayment,
    PaymentAccount,
    Remittance,
    SavingsBook,
    SavingsTransaction,
)
from buudien.agency.tests.helpers import (
    CID,
    OTHER_CID,
    RECIPIENT_CID,
    balance,
    deposit,
    ledger_state,
    legs,
    send,
    withdraw,
)
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.finance.models import Entry

pytestmark = pytest.mark.django_db

DRAWER_A, DRAWER_B = "1111.240001", "1111.240002"
LPBANK_PAYABLE, LPBANK_RECEIVABLE = "3388.partner.lpbank", "131.partner.lpbank"


# --- savings ---------------------------------------------------------------------------------


def test_a_deposit_opens_the_book_and_posts_cash_payable_and_commission(clerk_a, world):
    tx = deposit(clerk_a, world.point_a)

    book = SavingsBook.objects.get(number="LP000111")
    assert (book.point, book.holder_name, book.term_months, book.balance) == (
        world.point_a,
        "Nguyễn Thị Hoa",
        12,
        10_000_000,
    )
    assert (tx.kind, tx.amount, tx.commission, tx.balance_after) == (
        "deposit",
        10_000_000,
        15_000,
        10_000_000,
    )
    assert tx.reference == "TK240001000001"
    assert tx.entry.kind == "savings_deposit"
    assert legs(tx.entry) == [
        (DRAWER_A, LPBANK_PAYABLE, 10_000_000, "savings"),
        (LPBANK_RECEIVABLE, "5113.savings", 15_000, "savings"),
    ]
    assert balance(DRAWER_A) == 10_000_000
    assert balance(LPBANK_PAYABLE) == 10_000_000
    assert balance("5113.savings") == 15_000


def test_the_commission_rate_is_configured_per_province(clerk_a, world):
    AgencyRate.objects.create(
        province_code="20", service="savings", valid_from=dt.date(2020, 1, 1), rate_bp=10
    )
    AgencyRate.objects.create(
        province_code="04", service="savings", valid_from=dt.date(2020, 1, 1), rate_bp=99
    )
    tx = deposit(clerk_a, world.point_a, amount=5_000_000)
    assert tx.commission == 5_000
    assert balance("5113.savings") == 5_000


def test_a_second_deposit_adds_to_the_book(clerk_a, world):
    deposit(clerk_a, world.point_a, key="a")
    tx = deposit(clerk_a, world.point_a, key="b", amount=2_500_000, term_months=None)
    assert tx.balance_after == 12_500_000
    assert SavingsBook.objects.get().balance == 12_500_000
    assert SavingsTransaction.objects.count() == 2


def test_a_retried_deposit_posts_once(clerk_a, world):
    first = deposit(clerk_a, world.point_a, key="same")
    again = deposit(clerk_a, world.point_a, key="same")
    assert again.pk == first.pk
    assert Entry.objects.filter(kind="savings_deposit").count() == 1
    assert SavingsBook.objects.get().balance == 10_000_000
    assert balance(DRAWER_A) == 10_000_000


def test_a_key_reused_for_another_deposit_is_refused(clerk_a, world, english):
    deposit(clerk_a, world.point_a, key="same")
    before = ledger_state()
    with pytest.raises(DomainError, match="Idempotency key reused"):
        deposit(clerk_a, world.point_a, key="same", amount=1_000)
    assert ledger_state() == before


def test_a_new_book_needs_its_term(clerk_a, world, english):
    with pytest.raises(DomainError, match="choose its term"):
        deposit(clerk_a, world.point_a, term_months=None)
    assert not SavingsBook.objects.exists()
    assert not Entry.objects.exists()


def test_a_deposit_checks_the_holder_of_an_existing_book(clerk_a, world, english):
    deposit(clerk_a, world.point_a, key="a")
    before = ledger_state()
    with pytest.raises(DomainError, match="does not match the holder"):
        deposit(clerk_a, world.point_a, key="b", citizen_id=OTHER_CID)
    assert ledger_state() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"citizen_id": "12345"}, "citizen_id"),
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"book_number": "a b"}, "book_number"),
        ({"customer_name": "  "}, "customer_name"),
        ({"term_months": 5}, "term_months"),
    ],
)
def test_a_bad_deposit_is_refused_on_its_field(clerk_a, world, changes, field):
    with pytest.raises(DomainError) as refused:
        deposit(clerk_a, world.point_a, **changes)
    assert refused.value.field == field
    assert not Entry.objects.exists()


def test_a_withdrawal_pays_from_the_drawer_and_the_book(clerk_a, world):
    deposit(clerk_a, world.point_a)
    tx = withdraw(clerk_a, world.point_a)
    assert (tx.kind, tx.amount, tx.balance_after, tx.commission) == (
        "withdrawal",
        4_000_000,
        6_000_000,
        0,
    )
    assert tx.entry.kind == "savings_withdrawal"
    assert legs(tx.entry) == [(LPBANK_PAYABLE, DRAWER_A, 4_000_000, "savings")]
    assert balance(DRAWER_A) == 6_000_000
    assert balance(LPBANK_PAYABLE) == 6_000_000
    assert SavingsBook.objects.get().balance == 6_000_000


def test_a_withdrawal_above_the_book_balance_is_refused_and_nothing_changes(
    clerk_a, world, fund, english
):
    deposit(clerk_a, world.point_a)
    fund(world.point_a, 50_000_000)
    before = ledger_state()
    with pytest.raises(DomainError, match=r"holds 10\.000\.000") as refused:
        withdraw(clerk_a, world.point_a, amount=10_000_001)
    assert refused.value.field == "amount"
    assert ledger_state() == before
    assert SavingsBook.objects.get().balance == 10_000_000
    assert SavingsTransaction.objects.count() == 1


def test_a_withdrawal_above_the_drawer_is_refused_and_nothing_changes(clerk_a, world, english):
    deposit(clerk_a, world.point_a)
    # the day's cash went elsewhere: a withdrawal at another point leaves less in the drawer
    from buudien.finance import ledger
    from buudien.finance.choices import EntryKind

    ledger.entry_post(
        actor=None,
        idempotency_key="to-bank",
        kind=EntryKind.CASH_TRANSFER,
        reference="",
        legs=[
            ledger.Leg(
                ledger.account_owner_capital("20"),
                ledger.account_for_drawer(world.point_a),
                9_000_000,
            )
        ],
        province_code="20",
    )
    before = ledger_state()
    with pytest.raises(DomainError, match=r"cash drawer of 240001 holds only 1\.000\.000"):
        withdraw(clerk_a, world.point_a, amount=4_000_000)
    assert ledger_state() == before
    assert SavingsBook.objects.get().balance == 10_000_000
    assert SavingsTransaction.objects.filter(kind="withdrawal").count() == 0


def test_a_withdrawal_needs_the_holders_citizen_id(clerk_a, world, english):
    deposit(clerk_a, world.point_a)
    before = ledger_state()
    with pytest.raises(DomainError, match="does not match the holder"):
        withdraw(clerk_a, world.point_a, citizen_id=OTHER_CID)
    assert ledger_state() == before


def test_a_retried_withdrawal_pays_once(clerk_a, world):
    deposit(clerk_a, world.point_a)
    first = withdraw(clerk_a, world.point_a, key="w")
    again = withdraw(clerk_a, world.point_a, key="w")
    assert again.pk == first.pk
    assert SavingsBook.objects.get().balance == 6_000_000
    assert balance(DRAWER_A) == 6_000_000


def test_another_points_clerk_cannot_see_or_use_the_book(clerk_a, clerk_b, world, fund):
    deposit(clerk_a, world.point_a)
    fund(world.point_b, 50_000_000)
    before = ledger_state()
    with pytest.raises(NotFound):
        withdraw(clerk_b, world.point_b)
    with pytest.raises(NotFound):
        deposit(clerk_b, world.point_b, key="x", term_months=None)
    assert ledger_state() == before


def test_a_clerk_cannot_act_at_another_point(clerk_b, world):
    with pytest.raises(NotFound):
        deposit(clerk_b, world.point_a)
    assert not Entry.objects.exists()


@pytest.mark.parametrize("persona", ["auditor", "director", "outsider", "kt1_operator"])
def test_who_is_not_at_a_counter_is_refused(request, world, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(AccessDenied):
        deposit(user, world.point_a)
    assert not Entry.objects.exists()


def test_an_administrator_acts_at_a_point_of_their_scope(admin_user, outsider, world):
    tx = deposit(admin_user, world.point_a)
    assert tx.point == world.point_a
    assert tx.created_by == admin_user


# --- credit ----------------------------------------------------------------------------------


def _repay(actor, point, key="r1", **changes):
    data = {
        "contract_number": "lp-2025/00123",
        "borrower_name": "Vi Văn Toàn",
        "amount": 3_000_000,
    }
    data.update(changes)
    return services.loan_repayment_collect(actor=actor, point=point, idempotency_key=key, **data)


def test_a_loan_repayment_posts_cash_payable_and_commission(clerk_a, world):
    loan = _repay(clerk_a, world.point_a)
    assert (loan.contract_number, loan.commission) == ("LP-2025/00123", 6_000)
    assert loan.entry.kind == "loan_repayment"
    assert legs(loan.entry) == [
        (DRAWER_A, LPBANK_PAYABLE, 3_000_000, "credit"),
        (LPBANK_RECEIVABLE, "5113.credit", 6_000, "credit"),
    ]
    assert balance("5113.credit") == 6_000


def test_a_small_repayment_earns_the_minimum_commission(clerk_a, world):
    assert _repay(clerk_a, world.point_a, amount=100_000).commission == 2_000


def test_a_retried_repayment_posts_once(clerk_a, world):
    _repay(clerk_a, world.point_a, key="r")
    _repay(clerk_a, world.point_a, key="r")
    assert LoanRepayment.objects.count() == 1
    assert Entry.objects.count() == 1


def test_a_referral_is_counted_without_money(clerk_a, world):
    ref = services.loan_referral_record(
        actor=clerk_a,
        point=world.point_a,
        idempotency_key="h",
        applicant_name="Nông Thị Lan",
        citizen_id=CID,
        phone="0912 345 678",
        amount_requested=50_000_000,
        purpose="Mua máy cày",
    )
    assert (ref.reference, ref.phone, ref.entry) == ("HS240001000001", "0912345678", None)
    assert not Entry.objects.exists()
    assert LoanReferral.objects.count() == 1


# --- payment accounts ------------------------------------------------------------------------


def _open(actor, point, key="p1", **changes):
    data = {
        "customer_name": "Đinh Văn Hùng",
        "citizen_id": CID,
        "phone": "0987654321",
        "partner": "lpbank",
        "account_number": "0123456789",
        "channel": "counter",
    }
    data.update(changes)
    return services.payment_account_open(actor=actor, point=point, idempotency_key=key, **data)


def test_an_account_opened_is_one_entry_of_commission(clerk_a, world):
    acc = _open(clerk_a, world.point_a)
    assert acc.commission == 30_000
    assert acc.entry.kind == "payment_account_fee"
    assert legs(acc.entry) == [
        (LPBANK_RECEIVABLE, "5113.payment_account", 30_000, "payment_account")
    ]
    assert balance(DRAWER_A) == 0  # no cash moves


def test_an_account_is_recorded_once(clerk_a, world, english):
    _open(clerk_a, world.point_a, key="a")
    _open(clerk_a, world.point_a, key="a")
    with pytest.raises(DomainError, match="already recorded"):
        _open(clerk_a, world.point_a, key="b")
    assert PaymentAccount.objects.count() == 1
    assert Entry.objects.count() == 1


# --- remittances -----------------------------------------------------------------------------


def test_a_remittance_sent_posts_amount_fee_and_vat(clerk_a, world):
    rem = send(clerk_a, world.point_a, world.point_b)
    assert (rem.fee, rem.vat, rem.total_paid_by_sender) == (16_000, 1_600, 2_017_600)
    assert rem.status == RemittanceStatus.SENT
    assert len(rem.secret_code) == 6 and rem.secret_code.isdigit()
    assert rem.entry.kind == "remittance"
    assert legs(rem.entry) == [
        (DRAWER_A, "3331", 1_600, "remittance"),
        (DRAWER_A, "3388.remittance", 2_000_000, "remittance"),
        (DRAWER_A, "5113.remittance", 16_000, "remittance"),
    ]
    assert balance(DRAWER_A) == 2_017_600


def test_a_remittance_to_an_account_is_owed_to_the_bank(clerk_a, world):
    rem = send(
        clerk_a,
        world.point_a,
        None,
        recipient_bank="vietinbank",
        recipient_account="1020304050",
        recipient_citizen_id="",
    )
    assert rem.status == RemittanceStatus.CREDITED
    assert rem.secret_code == ""
    assert (DRAWER_A, "3388.partner.vietinbank", 2_000_000, "remittance") in legs(rem.entry)


def test_a_remittance_is_paid_once_at_its_destination(clerk_a, clerk_b, world, fund, english):
    rem = send(clerk_a, world.point_a, world.point_b)
    fund(world.point_b, 5_000_000)
    paid = services.remittance_pay(
        actor=clerk_b,
        point=world.point_b,
        idempotency_key="p",
        number=rem.reference,
        secret_code=rem.secret_code,
        recipient_citizen_id=RECIPIENT_CID,
    )
    assert paid.status == RemittanceStatus.PAID
    assert paid.paid_reference == "TC240002000001"
    assert legs(paid.paid_entry) == [("3388.remittance", DRAWER_B, 2_000_000, "remittance")]
    assert balance(DRAWER_B) == 3_000_000
    assert balance("3388.remittance") == 0

    again = services.remittance_pay(
        actor=clerk_b,
        point=world.point_b,
        idempotency_key="p",
        number=rem.reference,
        secret_code=rem.secret_code,
        recipient_citizen_id=RECIPIENT_CID,
    )
    assert again.paid_entry_id == paid.paid_entry_id
    before = ledger_state()
    with pytest.raises(DomainError, match="already paid"):
        services.remittance_pay(
            actor=clerk_b,
            point=world.point_b,
            idempotency_key="p2",
            number=rem.reference,
            secret_code=rem.secret_code,
            recipient_citizen_id=RECIPIENT_CID,
        )
    assert ledger_state() == before


@pytest.mark.parametrize("wrong", ["code", "citizen_id"])
def test_a_wrong_code_or_id_pays_nothing(clerk_a, clerk_b, world, fund, english, wrong):
    rem = send(clerk_a, world.point_a, world.point_b)
    fund(world.point_b, 5_000_000)
    code = rem.secret_code if wrong != "code" else f"{(int(rem.secret_code) + 1) % 10**6:06d}"
    cid = RECIPIENT_CID if wrong != "citizen_id" else OTHER_CID
    before = ledger_state()
    with pytest.raises(DomainError, match="does not match remittance"):
        services.remittance_pay(
            actor=clerk_b,
            point=world.point_b,
            idempotency_key="p",
            number=rem.reference,
            secret_code=code,
            recipient_citizen_id=cid,
        )
    assert ledger_state() == before
    assert Remittance.objects.get().status == RemittanceStatus.SENT


def test_a_remittance_is_paid_only_at_its_destination(clerk_a, world, fund):
    rem = send(clerk_a, world.point_a, world.point_b)
    fund(world.point_a, 5_000_000)
    with pytest.raises(NotFound):
        services.remittance_pay(
            actor=clerk_a,
            point=world.point_a,
            idempotency_key="p",
            number=rem.reference,
            secret_code=rem.secret_code,
            recipient_citizen_id=RECIPIENT_CID,
        )
    assert Remittance.objects.get().status == RemittanceStatus.SENT


def test_a_payout_above_the_drawer_is_refused(clerk_a, clerk_b, world, english):
    rem = send(clerk_a, world.point_a, world.point_b)
    before = ledger_state()
    with pytest.raises(DomainError, match="cash drawer of 240002"):
        services.remittance_pay(
            actor=clerk_b,
            point=world.point_b,
            idempotency_key="p",
            number=rem.reference,
            secret_code=rem.secret_code,
            recipient_citizen_id=RECIPIENT_CID,
        )
    assert ledger_state() == before
    assert Remittance.objects.get().status == RemittanceStatus.SENT


def test_a_remittance_needs_a_destination_in_the_province(clerk_a, world, english):
    from buudien.network.tests.factories import PointFactory

    elsewhere = PointFactory(code="270001", province_code="04", unit=world.other_province)
    with pytest.raises(DomainError, match="cannot pay remittances"):
        send(clerk_a, world.point_a, elsewhere)
    with pytest.raises(DomainError, match="Say where the money goes"):
        send(clerk_a, world.point_a, None)
    assert not Entry.objects.exists()
