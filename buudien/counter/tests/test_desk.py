"""One counter operation: who may take it, its key, its reference, its entry, its row.

The smallest real operations serve as the examples: a loan application referred (no money)
and a loan repayment (money in, a commission) of the agency services, which declare only
what they check, which legs they post and what their row holds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from buudien.agency.models import LoanReferral
from buudien.core.bizdays import VIETNAM
from buudien.core.catalogue import Service
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.models import AuditEntry
from buudien.counter.desk import Desk, Op, check_counter, fingerprint_of, key_clean, moment_of
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Entry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DAY = dt.date(2026, 6, 10)
AT = dt.datetime(2026, 6, 10, 9, 30, tzinfo=VIETNAM)


def _refer(desk: Desk, key: str, amount: int = 50_000_000, *, fail: bool = False) -> Any:
    def work(op: Op) -> LoanReferral:
        if fail:
            raise DomainError("refused inside", field="amount")
        return LoanReferral.objects.create(
            **op.record(None),
            partner="lpbank",
            applicant_name="Hoàng Văn Nam",
            citizen_id="001234567890",
            phone="0912345678",
            amount_requested=amount,
        )

    return desk.once(
        LoanReferral,
        operation="test",
        key=key,
        prefix="HS",
        fingerprint={"amount": amount},
        work=work,
    )


def test_who_may_act_at_a_counter(
    world: Any, clerk_a: Any, admin_user: Any, director: Any, outsider: Any
) -> None:
    assert check_counter(clerk_a, world.point_a, DAY) == world.point_a
    assert check_counter(admin_user, world.point_b, DAY) == world.point_b
    with pytest.raises(AccessDenied):
        check_counter(director, world.point_a, DAY)
    with pytest.raises(NotFound):
        check_counter(clerk_a, world.point_b, DAY)
    with pytest.raises(NotFound):  # out of the clerk's scope: nothing to name
        check_counter(clerk_a, world.point_b, DAY, elsewhere="At your own point only.")
    clerk_a.unit = world.province  # a clerk of the provincial post sees point B too
    clerk_a.save()
    with pytest.raises(AccessDenied, match="your own point") as refused:
        check_counter(clerk_a, world.point_b, DAY, elsewhere="At your own point only.")
    assert refused.value.field == "point"
    with pytest.raises(AccessDenied):
        check_counter(outsider, world.point_a, DAY)
    before_opening = world.point_a.opened_on - dt.timedelta(days=1)
    with pytest.raises(DomainError, match="does not serve at a counter"):
        check_counter(clerk_a, world.point_a, before_opening)


def test_a_moment_is_read_in_vietnam() -> None:
    late = dt.datetime(2026, 6, 10, 20, 0, tzinfo=dt.UTC)  # 03:00 on the 11th in Vietnam
    assert moment_of(late) == (late, dt.date(2026, 6, 11))
    naive = dt.datetime(2026, 6, 10, 23, 0)
    moment, day = moment_of(naive)
    assert (moment.tzinfo, day) == (VIETNAM, DAY)


def test_keys_are_printable_and_short() -> None:
    assert key_clean(" abc-1 ") == "abc-1"
    for bad in ["", "a b", "x" * 65, "tab\there"]:
        with pytest.raises(DomainError, match="idempotency key") as refused:
            key_clean(bad)
        assert refused.value.field == "idempotency_key"
    assert key_clean("x" * 100, limit=100) == "x" * 100
    assert fingerprint_of({"a": 1, "b": "ư"}) == fingerprint_of({"b": "ư", "a": 1})


def test_an_operation_is_recorded_once_per_key_and_a_key_serves_one_request(
    world: Any, clerk_a: Any
) -> None:
    desk = Desk.open(actor=clerk_a, point=world.point_a, app="counter-test", at=AT)
    first = _refer(desk, "k1")
    assert first.reference == f"HS{world.point_a.code}000001"
    assert (first.business_date, first.created_at, first.created_by) == (DAY, AT, clerk_a)
    assert first.idempotency_key == f"counter-test:test:{world.point_a.code}:k1"
    assert _refer(desk, "k1") == first
    with pytest.raises(DomainError, match="reused with a different request"):
        _refer(desk, "k1", amount=1)
    second = _refer(desk, "k2")
    assert second.reference == f"HS{world.point_a.code}000002"
    assert LoanReferral.objects.count() == 2
    audited = AuditEntry.objects.filter(action="counter-test.test").order_by("id")
    assert [(a.actor, a.object_id) for a in audited] == [
        (clerk_a, str(first.pk)),
        (clerk_a, str(second.pk)),
    ]  # once per operation recorded: the replay wrote nothing


def test_a_refusal_inside_the_work_leaves_nothing_not_even_a_number(
    world: Any, clerk_a: Any
) -> None:
    desk = Desk.open(actor=clerk_a, point=world.point_a, app="counter-test", at=AT)
    with pytest.raises(DomainError, match="refused inside"):
        _refer(desk, "k1", fail=True)
    assert not LoanReferral.objects.exists()
    assert not AuditEntry.objects.exists()
    assert _refer(desk, "k1").reference.endswith("000001")


def test_the_operation_posts_one_balanced_entry_under_its_key(world: Any, clerk_a: Any) -> None:
    desk = Desk.open(actor=clerk_a, point=world.point_a, app="counter-test", at=AT)
    drawer = ledger.account_for_drawer(world.point_a)
    payable = ledger.account_for_partner(world.point_a.province_code, "lpbank")

    def work(op: Op) -> LoanReferral:
        leg = ledger.Leg(drawer, payable, 2_000_000, Service.CREDIT)
        entry = op.post(kind=EntryKind.LOAN_REPAYMENT, legs=[leg])
        return LoanReferral.objects.create(
            **op.record(entry),
            partner="lpbank",
            applicant_name="Hoàng Văn Nam",
            citizen_id="001234567890",
            phone="0912345678",
            amount_requested=2_000_000,
        )

    row = desk.once(
        LoanReferral, operation="post", key="p1", prefix="TD", fingerprint={}, work=work
    )
    entry = Entry.objects.get()
    assert row.entry == entry
    assert (entry.idempotency_key, entry.reference) == (
        row.idempotency_key,
        f"counter-test:{row.reference}",
    )
    assert (entry.point, entry.business_date) == (world.point_a, row.business_date)
    drawer.refresh_from_db()
    payable.refresh_from_db()
    assert (drawer.balance, payable.balance) == (2_000_000, 2_000_000)
    assert desk.once(LoanReferral, operation="post", key="p1", fingerprint={}, work=work) == row
    assert Entry.objects.count() == 1
