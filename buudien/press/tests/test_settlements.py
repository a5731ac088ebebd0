"""The press settled with its partners: each publisher paid its share of the subscriptions
taken in a range, once, from the post's bank account; each programme's ordering agency billed
for the copies its recipients were delivered, at the fee per copy, revenue of public press.
Refusals change nothing; a key is one settlement; only the finance office of the province."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account, Entry
from buudien.press import settlements, work
from buudien.press.models import (
    PressDelivery,
    ProgrammeSettlement,
    PublisherSettlement,
    Subscription,
)
from buudien.press.tests.conftest import BANK, DAILY, DEC1, DEC3, FEE, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "settle_today")]

NOV1, NOV30 = dt.date(2026, 11, 1), dt.date(2026, 11, 30)


def balance(code: str) -> int:
    found = Account.objects.filter(province_code="20", code=code).first()
    return found.balance if found is not None else 0


def pay(actor: Any, titles: Any, *, key: str = "p1", **given: Any) -> PublisherSettlement:
    values: dict[str, Any] = {"date_from": NOV1, "date_to": NOV30}
    values.update(given)
    return settlements.publisher_settle(
        actor=actor, idempotency_key=key, publisher=titles[DAILY].publisher, **values
    )


# --- publishers ----------------------------------------------------------------------------


def test_the_publisher_is_paid_its_share_and_its_payable_falls_to_zero(
    accountant: Any, titles: Any, served: Any, bank: Any
) -> None:
    # Báo Lạng Sơn: 100,000 + 300,000 đ of subscriptions, 20 % kept by the post
    assert balance("3388.partner.nxb-bls") == 320_000
    assert balance("3388.partner.nxb-ttx") == 51_000

    done = pay(accountant, titles, memo="Quyết toán tháng 11")

    assert (done.count, done.amount, done.bank) == (2, 320_000, BANK)
    assert done.reference == "QT-NXB-BLS-00001"
    assert balance("3388.partner.nxb-bls") == 0
    assert balance(f"1121.{BANK}") == 1_000_000 - 320_000
    assert balance("3388.partner.nxb-ttx") == 51_000  # the other publisher is not touched
    assert set(Subscription.objects.filter(settlement=done)) == {served["one"], served["two"]}
    assert Subscription.objects.get(pk=served["weekly"].pk).settlement is None
    entry = Entry.objects.get(pk=done.entry_id)
    legs = [(t.debit.code, t.credit.code, t.amount, t.service) for t in entry.transfers.all()]
    assert legs == [("3388.partner.nxb-bls", f"1121.{BANK}", 320_000, "")]


def test_the_same_key_is_the_same_settlement_and_nothing_is_paid_twice(
    accountant: Any, titles: Any, served: Any, bank: Any
) -> None:
    first = pay(accountant, titles)
    assert pay(accountant, titles).pk == first.pk
    with pytest.raises(DomainError, match="Idempotency key reused"):
        pay(accountant, titles, date_from=dt.date(2026, 11, 2))
    with pytest.raises(DomainError, match="Nothing to settle") as refused:
        pay(accountant, titles, key="p2")
    assert refused.value.field == "date_to"

    assert PublisherSettlement.objects.count() == 1
    assert Entry.objects.filter(kind=EntryKind.COLLECTION_SETTLEMENT).count() == 1
    assert balance(f"1121.{BANK}") == 680_000


def test_a_wrong_range_is_refused_with_every_problem_and_changes_nothing(
    accountant: Any, titles: Any, served: Any, bank: Any
) -> None:
    with pytest.raises(DomainError) as refused:
        pay(accountant, titles, date_from=NOV30, date_to=NOV1, memo="x" * 501)
    assert set(refused.value.errors) == {"date_to", "memo"}
    with pytest.raises(DomainError, match="have not been taken yet"):
        pay(accountant, titles, date_to=dt.date(2026, 12, 16))
    with pytest.raises(DomainError, match="Nothing to settle"):
        pay(accountant, titles, date_from=dt.date(2026, 10, 1), date_to=dt.date(2026, 10, 31))

    assert not PublisherSettlement.objects.exists()
    assert not Subscription.objects.filter(settlement__isnull=False).exists()
    assert balance("3388.partner.nxb-bls") == 320_000
    assert balance(f"1121.{BANK}") == 1_000_000


def test_a_publisher_without_a_bank_account_or_a_bank_without_the_money_changes_nothing(
    accountant: Any, titles: Any, served: Any
) -> None:
    with pytest.raises(DomainError, match="no bank account") as refused:
        pay(accountant, titles)
    assert refused.value.field == "publisher"
    publisher = titles[DAILY].publisher
    publisher.bank = "empty-bank"
    publisher.save()
    with pytest.raises(DomainError):
        pay(accountant, titles)

    assert not PublisherSettlement.objects.exists()
    assert not Subscription.objects.filter(settlement__isnull=False).exists()
    assert balance("3388.partner.nxb-bls") == 320_000


def test_a_later_settlement_takes_only_what_was_not_settled(
    accountant: Any, clerk_a: Any, world: Any, titles: Any, served: Any, bank: Any
) -> None:
    from buudien.press.tests.conftest import take

    pay(accountant, titles, date_to=dt.date(2026, 11, 2))
    take(clerk_a, world.point_a, key="s9", at=at(dt.date(2026, 11, 20), 9))

    later = pay(accountant, titles, key="p2", date_from=NOV1, date_to=NOV30)

    assert (later.count, later.amount) == (1, 80_000)
    assert balance("3388.partner.nxb-bls") == 0


def test_only_the_provinces_finance_office_settles(
    clerk_a: Any,
    postman_a: Any,
    director: Any,
    accountant_elsewhere: Any,
    titles: Any,
    served: Any,
    bank: Any,
) -> None:
    for refused in (clerk_a, postman_a, director):
        with pytest.raises(AccessDenied):
            pay(refused, titles)
    with pytest.raises(NotFound):
        pay(accountant_elsewhere, titles)
    assert not PublisherSettlement.objects.exists()
    assert balance("3388.partner.nxb-bls") == 320_000


# --- ordering agencies ---------------------------------------------------------------------


def bill(actor: Any, programme: Any, *, key: str = "b1", **given: Any) -> ProgrammeSettlement:
    values: dict[str, Any] = {"date_from": DEC1, "date_to": DEC3}
    values.update(given)
    return settlements.programme_settle(
        actor=actor, idempotency_key=key, programme=programme, **values
    )


def test_the_agency_is_billed_the_copies_delivered_revenue_of_public_press(
    accountant: Any, programme: Any, confirmed: Any
) -> None:
    done = bill(accountant, programme)

    # delivered: 2 + 1 + 1 on the 1st, 2 on the 2nd; the missed and pending copies are not
    assert (done.count, done.copies, done.fee_per_copy, done.amount) == (4, 6, FEE, 6 * FEE)
    assert done.reference == "QT-BCCI-QD45-00001"
    assert balance("5113.public_press") == 6 * FEE
    assert balance("131.partner.bcci-qd45") == 6 * FEE
    billed = PressDelivery.objects.filter(settlement=done)
    assert {row.status for row in billed} == {"delivered"}
    assert sum(row.copies for row in billed) == 6
    entry = Entry.objects.get(pk=done.entry_id)
    assert entry.kind == EntryKind.PUBLIC_PRESS
    legs = [(t.debit.code, t.credit.code, t.amount, t.service) for t in entry.transfers.all()]
    assert legs == [("131.partner.bcci-qd45", "5113.public_press", 9_000, "public_press")]


def test_a_copy_delivered_later_is_billed_once_in_the_next_settlement(
    accountant: Any, postman_b: Any, programme: Any, confirmed: Any
) -> None:
    bill(accountant, programme)
    assert bill(accountant, programme).copies == 6  # the same key: the same settlement
    late = PressDelivery.objects.get(issue_date=DEC3, recipient=confirmed["ubnd"])
    work.delivery_confirm(actor=postman_b, delivery=late, at=at(DEC3, 16))

    again = bill(accountant, programme, key="b2")

    assert (again.count, again.copies, again.amount) == (1, 2, 2 * FEE)
    assert balance("5113.public_press") == 8 * FEE
    with pytest.raises(DomainError, match="Nothing to settle"):
        bill(accountant, programme, key="b3")
    assert ProgrammeSettlement.objects.count() == 2


def test_a_wrong_programme_settlement_changes_nothing(
    accountant: Any,
    clerk_b: Any,
    postman_b: Any,
    accountant_elsewhere: Any,
    confirmed: Any,
    programme: Any,
) -> None:
    with pytest.raises(DomainError) as refused:
        bill(accountant, programme, date_from=DEC3, date_to=DEC1)
    assert set(refused.value.errors) == {"date_to"}
    with pytest.raises(DomainError, match="not been delivered yet"):
        bill(accountant, programme, date_to=dt.date(2026, 12, 31))
    with pytest.raises(DomainError, match="Nothing to settle"):
        bill(accountant, programme, date_from=DEC3, date_to=DEC3)
    programme.fee_per_copy = 0
    with pytest.raises(DomainError, match="no fee per copy"):
        bill(accountant, programme)
    programme.fee_per_copy = FEE
    for who in (clerk_b, postman_b):
        with pytest.raises(AccessDenied):
            bill(who, programme)
    with pytest.raises(NotFound):
        bill(accountant_elsewhere, programme)

    assert not ProgrammeSettlement.objects.exists()
    assert not PressDelivery.objects.filter(settlement__isnull=False).exists()
    assert balance("5113.public_press") == 0
    assert balance("131.partner.bcci-qd45") == 0
