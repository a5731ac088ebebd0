"""Importing, paying and closing lists through the services, and what the ledger holds."""

from __future__ import annotations

import pytest

from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.imports import ImportFailed
from buudien.core.models import AuditEntry
from buudien.finance.models import Account, Entry, Transfer
from buudien.payouts import services
from buudien.payouts.choices import LineStatus, ListStatus
from buudien.payouts.models import Payment, PayoutLine, PayoutList
from buudien.payouts.services import Proxy
from buudien.payouts.tests.conftest import ID_AN, ID_BINH, ID_CHI, line_of, rows, this_month

pytestmark = pytest.mark.django_db


def balance(code: str) -> int:
    account = Account.objects.filter(province_code="20", code=code).first()
    return account.balance if account else 0


def state():
    return (
        PayoutList.objects.count(),
        PayoutLine.objects.count(),
        sorted(PayoutLine.objects.values_list("id", "status")),
        Payment.objects.count(),
        Entry.objects.count(),
        Transfer.objects.count(),
        sorted(Account.objects.values_list("code", "balance")),
    )


def test_import_funds_the_list_and_advances_each_point(payout_list, english):
    assert payout_list.code == f"LH{this_month():%Y%m}-001"
    assert payout_list.line_count == 3
    assert payout_list.total_amount == 10_500_000
    assert payout_list.commission_total == (2_000 + 22_500) + (2_000 + 16_000) + (2_000 + 14_000)
    assert balance("3388.partner.bhxh") == 10_500_000
    assert balance("1121.bidv") == 0
    assert balance("1111.240001") == 7_700_000
    assert balance("1111.240002") == 2_800_000
    funded = Entry.objects.get(idempotency_key=f"payouts:list:{payout_list.pk}:funded")
    assert funded.kind == "collection_settlement"
    assert funded.reference == payout_list.code
    assert [line.number for line in payout_list.lines.all()] == [1, 2, 3]
    assert line_of(payout_list, ID_AN).name_folded == "hoang van an"


def test_pay_with_the_right_id_posts_one_entry_with_the_commission_as_pension_revenue(
    payout_list, clerk_a
):
    line = line_of(payout_list, ID_AN)

    payment = services.line_pay(
        actor=clerk_a, line_id=line.pk, presented_id="0201 2345 6789", idempotency_key="k1"
    )

    line.refresh_from_db()
    assert line.status == LineStatus.PAID
    assert payment.point.code == "240001"
    assert payment.clerk == clerk_a
    assert not payment.by_proxy
    entry = payment.entry
    assert entry.kind == "pension"
    assert entry.reference == line.code
    assert entry.point.code == "240001"
    legs = sorted((t.debit.code, t.credit.code, t.amount, t.service) for t in entry.transfers.all())
    assert legs == [
        ("3388.partner.bhxh", "1111.240001", 4_500_000, "pension"),
        ("3388.partner.bhxh", "5113.pension", 24_500, "pension"),
    ]
    assert balance("5113.pension") == 24_500
    assert balance("1111.240001") == 7_700_000 - 4_500_000
    assert balance("3388.partner.bhxh") == 10_500_000 - 4_500_000 - 24_500


def test_a_wrong_id_is_refused_and_nothing_changes(payout_list, clerk_a, english):
    line = line_of(payout_list, ID_AN)
    before = state()

    with pytest.raises(DomainError) as refused:
        services.line_pay(
            actor=clerk_a, line_id=line.pk, presented_id=ID_BINH, idempotency_key="k1"
        )

    assert refused.value.field == "presented_id"
    assert "does not match the citizen ID" in str(refused.value.message)
    assert ID_AN not in str(refused.value.message)
    assert state() == before


def test_an_id_that_is_not_12_digits_is_refused(payout_list, clerk_a, english):
    line = line_of(payout_list, ID_AN)
    before = state()
    with pytest.raises(DomainError, match="exactly 12 digits"):
        services.line_pay(actor=clerk_a, line_id=line.pk, presented_id="12345", idempotency_key="k")
    assert state() == before


def test_a_line_paid_twice_is_refused_naming_when_and_where(payout_list, clerk_a, clerk_b, english):
    line = line_of(payout_list, ID_CHI)
    services.line_pay(actor=clerk_a, line_id=line.pk, presented_id=ID_CHI, idempotency_key="a")
    before = state()

    with pytest.raises(DomainError) as refused:
        services.line_pay(actor=clerk_b, line_id=line.pk, presented_id=ID_CHI, idempotency_key="b")

    message = str(refused.value.message)
    assert "was already paid on" in message
    assert "240001 Bưu cục Đồng Đăng" in message
    assert state() == before


def test_a_retry_with_the_same_key_posts_once(payout_list, clerk_a):
    line = line_of(payout_list, ID_AN)
    first = services.line_pay(
        actor=clerk_a, line_id=line.pk, presented_id=ID_AN, idempotency_key="same"
    )
    before = state()

    again = services.line_pay(
        actor=clerk_a, line_id=line.pk, presented_id=ID_AN, idempotency_key="same"
    )

    assert again.pk == first.pk
    assert state() == before
    assert Entry.objects.filter(idempotency_key=f"payouts:line:{line.pk}").count() == 1


def test_a_key_used_for_another_line_is_refused(payout_list, clerk_a, english):
    services.line_pay(
        actor=clerk_a,
        line_id=line_of(payout_list, ID_AN).pk,
        presented_id=ID_AN,
        idempotency_key="once",
    )
    with pytest.raises(DomainError, match="already used"):
        services.line_pay(
            actor=clerk_a,
            line_id=line_of(payout_list, ID_BINH).pk,
            presented_id=ID_BINH,
            idempotency_key="once",
        )


def test_a_line_is_paid_at_another_point_of_the_province(payout_list, clerk_a):
    line = line_of(payout_list, ID_CHI)  # listed at point B

    payment = services.line_pay(
        actor=clerk_a, line_id=line.pk, presented_id=ID_CHI, idempotency_key="k"
    )

    assert payment.point.code == "240001"
    assert balance("1111.240001") == 7_700_000 - 2_800_000
    assert balance("1111.240002") == 2_800_000


def test_a_drawer_without_the_cash_is_refused_by_the_ledger(payout_list, clerk_b, english):
    line = line_of(payout_list, ID_AN)  # 4.5 million; point B was advanced 2.8 million
    before = state()

    with pytest.raises(DomainError) as refused:
        services.line_pay(actor=clerk_b, line_id=line.pk, presented_id=ID_AN, idempotency_key="k")

    assert "Not enough money in" in str(refused.value.message)
    assert "240002" in str(refused.value.message)
    assert state() == before
    line.refresh_from_db()
    assert line.status == LineStatus.UNPAID


def test_a_proxy_is_recorded(payout_list, clerk_a):
    line = line_of(payout_list, ID_BINH)

    payment = services.line_pay(
        actor=clerk_a,
        line_id=line.pk,
        presented_id=ID_BINH,
        idempotency_key="k",
        proxy=Proxy(name="Nông Văn Dũng", citizen_id="020111222333", document="UQ-15/2026"),
    )

    payment.refresh_from_db()
    assert payment.by_proxy
    assert (payment.proxy_name, payment.proxy_citizen_id, payment.proxy_document) == (
        "Nông Văn Dũng",
        "020111222333",
        "UQ-15/2026",
    )


def test_a_proxy_without_an_authorisation_is_refused(payout_list, clerk_a, english):
    line = line_of(payout_list, ID_BINH)
    before = state()
    with pytest.raises(DomainError) as refused:
        services.line_pay(
            actor=clerk_a,
            line_id=line.pk,
            presented_id=ID_BINH,
            idempotency_key="k",
            proxy=Proxy(name="Nông Văn Dũng", citizen_id="020111222333", document=""),
        )
    assert refused.value.field == "proxy_document"
    assert state() == before


def test_close_returns_the_unpaid_amount_and_then_payment_is_refused(
    payout_list, clerk_a, accountant, english
):
    services.line_pay(
        actor=clerk_a,
        line_id=line_of(payout_list, ID_AN).pk,
        presented_id=ID_AN,
        idempotency_key="1",
    )
    services.line_pay(
        actor=clerk_a,
        line_id=line_of(payout_list, ID_CHI).pk,
        presented_id=ID_CHI,
        idempotency_key="2",
    )

    closed = services.list_close(actor=accountant, list_id=payout_list.pk)

    assert closed.status == ListStatus.CLOSED
    assert (closed.returned_count, closed.returned_amount) == (1, 3_200_000)
    assert line_of(payout_list, ID_BINH).status == LineStatus.RETURNED
    returned = closed.return_entry
    assert [(t.debit.code, t.credit.code, t.amount) for t in returned.transfers.all()] == [
        ("3388.partner.bhxh", "1121.bidv", 3_200_000)
    ]
    # Each drawer is back where it was before the list; the payer is owed nothing but the
    # commission, which it owes the post.
    assert balance("1111.240001") == 0
    assert balance("1111.240002") == 0
    assert balance("1121.bidv") == 0
    assert balance("3388.partner.bhxh") == -(24_500 + 16_000)
    assert balance("5113.pension") == 24_500 + 16_000

    before = state()
    with pytest.raises(DomainError, match="was closed on"):
        services.line_pay(
            actor=clerk_a,
            line_id=line_of(payout_list, ID_BINH).pk,
            presented_id=ID_BINH,
            idempotency_key="3",
        )
    assert state() == before


def test_closing_twice_changes_nothing(payout_list, accountant):
    services.list_close(actor=accountant, list_id=payout_list.pk)
    before = state()
    audits = AuditEntry.objects.count()

    again = services.list_close(actor=accountant, list_id=payout_list.pk)

    assert again.status == ListStatus.CLOSED
    assert state() == before
    assert AuditEntry.objects.count() == audits


def test_a_point_that_paid_more_than_its_advance_is_made_whole_at_close(
    payout_list, world, clerk_b, accountant
):
    from buudien.finance import ledger

    ledger.entry_post(
        actor=None,
        idempotency_key="opening-b",
        kind="opening_balance",
        reference="opening",
        legs=[
            ledger.Leg(
                ledger.account_for_drawer(world.point_b),
                ledger.account_owner_capital("20"),
                1_000_000,
            )
        ],
        province_code="20",
    )
    # Point B pays A's line of 3.2 million out of its advance of 2.8 million and its own cash.
    services.line_pay(
        actor=clerk_b,
        line_id=line_of(payout_list, ID_BINH).pk,
        presented_id=ID_BINH,
        idempotency_key="b",
    )
    assert balance("1111.240002") == 600_000

    closed = services.list_close(actor=accountant, list_id=payout_list.pk)

    assert closed.returned_amount == 4_500_000 + 2_800_000
    assert balance("1111.240001") == 0
    assert balance("1111.240002") == 1_000_000
    assert balance("1121.bidv") == 0
    assert balance("3388.partner.bhxh") == -(2_000 + 16_000)


def test_auditor_and_director_cannot_pay(payout_list, auditor, director):
    line = line_of(payout_list, ID_AN)
    before = state()
    for user in (auditor, director):
        with pytest.raises(AccessDenied):
            services.line_pay(actor=user, line_id=line.pk, presented_id=ID_AN, idempotency_key="k")
    assert state() == before


def test_a_clerk_of_another_province_finds_no_line(payout_list, world):
    from buudien.network.tests.factories import PointFactory, UnitFactory
    from buudien.people.tests.factories import UserFactory

    unit = UnitFactory(code="UC", parent=world.other_province, province_code="04")
    point = PointFactory(code="040001", unit=unit, province_code="04")
    clerk = UserFactory(username="clerk_c", role="clerk", unit=unit, point=point)
    before = state()

    with pytest.raises(NotFound):
        services.line_pay(
            actor=clerk,
            line_id=line_of(payout_list, ID_AN).pk,
            presented_id=ID_AN,
            idempotency_key="k",
        )
    assert state() == before


def test_clerks_and_auditors_cannot_import_or_close(payer, payout_list, clerk_a, auditor):
    before = state()
    for user in (clerk_a, auditor):
        with pytest.raises(AccessDenied):
            services.list_import(
                actor=user,
                payer=payer,
                period=this_month(),
                rows=rows(("Hà Văn Giang", "020100000001", 1_000_000, "240001")),
            )
        with pytest.raises(AccessDenied):
            services.list_close(actor=user, list_id=payout_list.pk)
    assert state() == before


def test_every_problem_of_a_list_is_reported_and_nothing_is_written(
    payer, payout_list, accountant, english
):
    before = state()
    with pytest.raises(ImportFailed) as refused:
        services.list_import(
            actor=accountant,
            payer=payer,
            period=this_month(),
            rows=rows(
                ("Hà Văn Giang", "020100000001", 1_000_000, "240001"),
                ("Hà Văn Giang", "020100000001", 1_000_000, "240002"),
                ("Trần Thị Lan", ID_AN, 1_000_000, "240001"),
                ("Lê Văn Mạnh", "020100000002", 0, "999999"),
            ),
        )
    problems = [(e.row, e.column) for e in refused.value.errors]
    assert problems == [
        (3, "citizen_id"),
        (4, "citizen_id"),
        (5, "amount"),
        (5, "point_code"),
    ]
    assert "already on row 2" in refused.value.errors[0].reason
    assert payout_list.code in refused.value.errors[1].reason
    assert state() == before
