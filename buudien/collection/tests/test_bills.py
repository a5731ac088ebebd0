"""Collecting a bill at the counter: one balanced entry per bill, the commission as revenue
of collection, idempotent retries, refusals that change nothing, same-day cancellation."""

from __future__ import annotations

import datetime as dt

import pytest

from buudien.collection import selectors, services
from buudien.collection.choices import BillStatus
from buudien.collection.models import Bill
from buudien.collection.tests.conftest import PROVINCE, balance
from buudien.core.bizdays import VIETNAM, local_now, local_today
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.finance.choices import EntryKind
from buudien.finance.models import Entry, Transfer

pytestmark = pytest.mark.django_db

DRAWER_A = "1111.240001"
EVN = "3388.partner.evn"
REVENUE = "5113.collection"


def test_commission_is_fixed_plus_rate_at_least_the_minimum_never_more_than_the_bill(evn):
    assert evn.commission_for(350_000) == 2_000  # 1,500 + 350 < 2,000
    assert evn.commission_for(1_250_000) == 2_750  # 1,500 + 1,250
    assert evn.commission_for(1_255_500) == 2_756  # 1,255.5 rounds half up
    assert evn.commission_for(1_500) == 1_500  # never more than the bill


def test_a_cash_bill_posts_one_entry_with_the_commission_as_revenue_of_collection(
    collect, clerk_a, world
):
    bill = collect(amount=1_250_000)

    assert bill.status == BillStatus.COLLECTED
    assert bill.reference == "TH-240001-000001"
    assert bill.commission == 2_750
    assert bill.business_date == local_today()
    assert bill.collected_by == clerk_a
    entry = Entry.objects.get()
    assert entry.pk == bill.entry_id
    assert entry.kind == EntryKind.COLLECTION
    assert entry.reference == f"bill:{bill.reference}"
    assert entry.point_id == world.point_a.pk
    legs = sorted(entry.transfers.values_list("debit__code", "credit__code", "amount", "service"))
    assert legs == [
        (DRAWER_A, EVN, 1_250_000, "collection"),
        (EVN, REVENUE, 2_750, "collection"),
    ]
    assert balance(PROVINCE, DRAWER_A) == 1_250_000
    assert balance(PROVINCE, EVN) == 1_247_250
    assert balance(PROVINCE, REVENUE) == 2_750


def test_a_customer_fee_is_revenue_and_its_vat_is_owed_to_the_state(clerk_a, water):
    bill = services.bill_collect(
        actor=clerk_a,
        idempotency_key="k1",
        partner="water",
        customer_code="N0001",
        customer_name="Hoàng Thị Bình",
        period="10/2026",
        amount=200_000,
    )

    assert (bill.fee, bill.fee_vat, bill.total) == (2_000, 200, 202_200)
    assert balance(PROVINCE, DRAWER_A) == 202_200
    assert balance(PROVINCE, REVENUE) == 3_000  # commission 1,000 + fee 2,000
    assert balance(PROVINCE, "3331") == 200
    assert balance(PROVINCE, "3388.partner.water") == 199_000
    assert set(Transfer.objects.values_list("service", flat=True)) == {"collection"}


def test_a_retry_with_the_same_key_posts_once(collect):
    first = collect(idempotency_key="retry-1", customer_code="PA1", amount=500_000)
    again = collect(idempotency_key="retry-1", customer_code="PA1", amount=500_000)

    assert again.pk == first.pk
    assert Bill.objects.count() == 1
    assert Entry.objects.count() == 1
    assert balance(PROVINCE, DRAWER_A) == 500_000


def test_the_same_key_with_another_request_is_refused_and_changes_nothing(collect, english):
    collect(idempotency_key="reused", customer_code="PA1", amount=500_000)

    with pytest.raises(DomainError, match="Idempotency key reused"):
        collect(idempotency_key="reused", customer_code="PA1", amount=600_000)
    assert Bill.objects.count() == 1
    assert balance(PROVINCE, DRAWER_A) == 500_000


@pytest.mark.parametrize("amount", [0, -5_000, "350000", 1.5, True, None, 10**13])
def test_a_bad_amount_is_refused_and_nothing_changes(collect, amount):
    with pytest.raises(DomainError) as refused:
        collect(amount=amount)
    assert refused.value.field == "amount"
    assert Bill.objects.count() == 0
    assert Entry.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("customer_code", ""),
        ("customer_name", "   "),
        ("customer_code", "x" * 41),
        ("period", "p" * 21),
    ],
)
def test_missing_or_long_customer_details_are_refused(collect, field, value):
    with pytest.raises(DomainError) as refused:
        collect(**{field: value})
    assert refused.value.field == field
    assert Bill.objects.count() == 0


def test_the_same_customer_period_is_not_collected_twice(collect, english):
    first = collect(customer_code="PA777", period="10/2026")

    with pytest.raises(DomainError, match=f"already collected: {first.reference}"):
        collect(customer_code="PA777", period="10/2026")
    assert Bill.objects.count() == 1


def test_an_inactive_partner_is_refused(collect, evn, admin_user):
    services.partner_update(actor=admin_user, partner=evn, active=False)

    with pytest.raises(DomainError) as refused:
        collect()
    assert refused.value.field == "partner"


@pytest.mark.parametrize("persona", ["auditor", "director", "accountant", "kt1_operator"])
def test_only_clerks_and_administrators_collect(request, evn, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(AccessDenied):
        services.bill_collect(
            actor=user,
            idempotency_key="k",
            partner=evn,
            customer_code="PA1",
            customer_name="A",
            amount=100_000,
            point=request.getfixturevalue("world").point_a,
        )
    assert Bill.objects.count() == 0


def test_a_clerk_collects_at_their_own_point_only(collect, world):
    with pytest.raises(NotFound):
        collect(point=world.point_b)
    assert Bill.objects.count() == 0


def test_an_administrator_collects_at_a_point_of_their_scope(collect, admin_user, world):
    bill = collect(actor=admin_user, point=world.point_b)

    assert bill.point == world.point_b
    assert balance(PROVINCE, "1111.240002") == 350_000


def test_another_points_clerk_does_not_find_the_bill(collect, clerk_b):
    bill = collect()

    with pytest.raises(NotFound):
        selectors.bill_get(user=clerk_b, reference=bill.reference)
    with pytest.raises(NotFound):
        services.bill_cancel(actor=clerk_b, bill=bill, reason="Nhầm mã khách hàng")
    assert Bill.objects.get().status == BillStatus.COLLECTED
    assert Entry.objects.count() == 1


def test_cancelling_reverses_the_entry_once(collect, clerk_a, english):
    bill = collect(amount=1_250_000)

    cancelled = services.bill_cancel(actor=clerk_a, bill=bill, reason="Nhầm mã khách hàng").record

    assert cancelled.status == BillStatus.CANCELLED
    assert cancelled.cancel_reason == "Nhầm mã khách hàng"
    reversal = Entry.objects.get(pk=cancelled.cancel_entry_id)
    assert reversal.kind == EntryKind.REVERSAL
    assert reversal.reverses_id == bill.entry_id
    for code in (DRAWER_A, EVN, REVENUE):
        assert balance(PROVINCE, code) == 0
    with pytest.raises(DomainError, match="cancelled already"):
        services.bill_cancel(
            actor=clerk_a, bill=Bill.objects.get(pk=bill.pk), reason="Nhầm mã khách hàng"
        )
    assert Entry.objects.count() == 2


def test_a_cancelled_bill_can_be_collected_again(collect, clerk_a):
    bill = collect(customer_code="PA9", period="09/2026")
    services.bill_cancel(actor=clerk_a, bill=bill, reason="Nhầm mã khách hàng")

    again = collect(customer_code="PA9", period="09/2026")

    assert again.status == BillStatus.COLLECTED
    assert balance(PROVINCE, DRAWER_A) == 350_000


def test_a_bill_of_an_earlier_day_cannot_be_cancelled(collect, clerk_a, english):
    yesterday = local_now() - dt.timedelta(days=1)
    bill = collect(at=yesterday)
    assert bill.business_date == yesterday.astimezone(VIETNAM).date()

    with pytest.raises(DomainError, match="only the business day it was collected"):
        services.bill_cancel(actor=clerk_a, bill=bill, reason="Nhầm mã khách hàng")
    assert Bill.objects.get().status == BillStatus.COLLECTED
    assert Entry.objects.count() == 1


def test_an_auditor_cannot_cancel(collect, auditor):
    bill = collect()

    with pytest.raises(AccessDenied):
        services.bill_cancel(actor=auditor, bill=bill, reason="Nhầm mã khách hàng")
    assert Bill.objects.get().status == BillStatus.COLLECTED


def test_the_counter_sees_its_bills_and_the_auditor_all_of_the_subtree(
    collect, clerk_a, clerk_b, auditor, outsider, admin_user, world
):
    mine = collect()
    other = collect(actor=admin_user, point=world.point_b)

    assert list(selectors.bill_list(user=clerk_a)) == [mine]
    assert list(selectors.bill_list(user=clerk_b)) == [other]
    assert set(selectors.bill_list(user=auditor)) == {mine, other}
    assert list(selectors.bill_list(user=outsider)) == []
