"""The daily closing of a drawer: the count against the ledger, the accountant's decision
on a difference (posted once), recounts, who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from buudien.cashdesk import selectors, services
from buudien.cashdesk.choices import ClosingStatus
from buudien.cashdesk.models import CashClosing, ClosingEvent
from buudien.cashdesk.tests.conftest import balance
from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.finance.choices import EntryKind
from buudien.finance.models import Entry

pytestmark = pytest.mark.django_db

# 2 × 500.000 + 3 × 200.000 + 1 × 10.000 + 2 × 500 = 1.611.000, and 40 đồng of coins.
COUNT = {"500000": 2, "200000": 3, "10000": 1, "500": 2}
COUNTED = 1_611_040


@pytest.fixture
def books(world, drawer_a, fund):
    """Drawer A holds 1.611.040 đ: 1.000.000 brought forward, 611.040 taken today."""
    yesterday = local_today().replace(day=1) if local_today().day > 1 else None
    fund(drawer_a, 1_000_000, yesterday)
    fund(drawer_a, 611_040)
    return drawer_a


def _submit(clerk, world, counts=COUNT, coins=40, **kwargs):
    return services.closing_submit(
        actor=clerk, point=world.point_a, counts=counts, coins=coins, **kwargs
    )


def test_a_count_that_matches_the_ledger_closes_the_day(books, clerk_a, world):
    closing = _submit(clerk_a, world)
    assert closing.status == ClosingStatus.CLOSED and closing.is_final
    assert (closing.counted_total, closing.expected, closing.difference) == (COUNTED, COUNTED, 0)
    assert closing.receipts + closing.opening - closing.payments == COUNTED
    assert closing.counts["500000"] == 2 and closing.counts["1000"] == 0
    assert closing.entry is None
    assert not Entry.objects.filter(kind=EntryKind.CASH_DISCREPANCY).exists()
    assert list(ClosingEvent.objects.values_list("action", flat=True)) == ["counted"]
    # Submitted again (a retried request), it is the same closing.
    again = _submit(clerk_a, world)
    assert again.pk == closing.pk and CashClosing.objects.count() == 1
    assert ClosingEvent.objects.count() == 1


def test_the_expected_balance_is_the_drawers_balance_at_that_moment(books, clerk_a, world):
    closing = _submit(clerk_a, world)
    assert closing.expected == books.__class__.objects.get(pk=books.pk).balance


def test_a_shortage_waits_for_an_accountant_then_posts_once(books, clerk_a, accountant, world):
    closing = _submit(clerk_a, world, coins=0, counts={**COUNT, "10000": 0})  # 10.040 short
    assert closing.status == ClosingStatus.PENDING
    assert closing.difference == -10_040 and closing.shortage == 10_040
    assert not Entry.objects.filter(kind=EntryKind.CASH_DISCREPANCY).exists()
    assert balance("1111.240001") == COUNTED

    approved = services.closing_approve(
        actor=accountant, closing_id=closing.pk, recounts=0, note="Thiếu do trả nhầm tiền thừa"
    )
    assert approved.status == ClosingStatus.APPROVED and approved.entry is not None
    entry = approved.entry
    assert entry.kind == EntryKind.CASH_DISCREPANCY and entry.point_id == world.point_a.pk
    legs = list(entry.transfers.values_list("debit__code", "credit__code", "amount"))
    assert legs == [("1381", "1111.240001", 10_040)]
    assert balance("1111.240001") == COUNTED - 10_040 == approved.counted_total
    assert balance("1381") == 10_040

    again = services.closing_approve(actor=accountant, closing_id=closing.pk)
    assert again.entry_id == entry.pk
    assert Entry.objects.filter(kind=EntryKind.CASH_DISCREPANCY).count() == 1
    assert balance("1381") == 10_040


def test_a_surplus_is_booked_to_3381(books, clerk_a, accountant, world):
    closing = _submit(clerk_a, world, counts={**COUNT, "20000": 1})
    assert closing.difference == 20_000 and closing.status == ClosingStatus.PENDING
    services.closing_approve(actor=accountant, closing_id=closing.pk)
    entry = Entry.objects.get(kind=EntryKind.CASH_DISCREPANCY)
    assert list(entry.transfers.values_list("debit__code", "credit__code", "amount")) == [
        ("1111.240001", "3381", 20_000)
    ]
    assert balance("3381") == 20_000 and balance("1111.240001") == COUNTED + 20_000


def test_an_approved_closing_cannot_be_changed(books, clerk_a, accountant, world, english):
    closing = _submit(clerk_a, world, counts={**COUNT, "20000": 1})
    services.closing_approve(actor=accountant, closing_id=closing.pk)
    before = CashClosing.objects.values().get(pk=closing.pk)
    with pytest.raises(DomainError, match="is final"):
        _submit(clerk_a, world)
    with pytest.raises(DomainError, match="no difference awaiting approval"):
        services.closing_reject(actor=accountant, closing_id=closing.pk, note="Đếm lại")
    assert CashClosing.objects.values().get(pk=closing.pk) == before
    assert Entry.objects.filter(kind=EntryKind.CASH_DISCREPANCY).count() == 1


def test_a_rejected_count_is_replaced_by_the_recount(books, clerk_a, accountant, world, english):
    closing = _submit(clerk_a, world, coins=0)
    with pytest.raises(DomainError, match="Say why"):
        services.closing_reject(actor=accountant, closing_id=closing.pk, note=" ")
    rejected = services.closing_reject(
        actor=accountant, closing_id=closing.pk, recounts=0, note="Đếm lại ngăn tiền xu"
    )
    assert rejected.status == ClosingStatus.REJECTED
    with pytest.raises(DomainError, match="no difference awaiting approval"):
        services.closing_approve(actor=accountant, closing_id=closing.pk)

    recount = _submit(clerk_a, world)
    assert recount.pk == closing.pk and recount.recounts == 1
    assert recount.status == ClosingStatus.CLOSED and recount.difference == 0
    assert recount.decision_note == "" and recount.decided_by is None
    actions = list(ClosingEvent.objects.values_list("action", flat=True))
    assert actions == ["counted", "rejected", "recounted"]
    assert not Entry.objects.filter(kind=EntryKind.CASH_DISCREPANCY).exists()


def test_the_accountant_approves_the_count_they_saw(books, clerk_a, accountant, world, english):
    closing = _submit(clerk_a, world, coins=0)
    _submit(clerk_a, world, coins=0, counts={**COUNT, "1000": 1})  # a recount, still short
    with pytest.raises(DomainError, match="recounted since you looked"):
        services.closing_approve(actor=accountant, closing_id=closing.pk, recounts=0)
    assert CashClosing.objects.get(pk=closing.pk).status == ClosingStatus.PENDING
    assert not Entry.objects.filter(kind=EntryKind.CASH_DISCREPANCY).exists()


def test_a_clerk_of_another_point_gets_not_found(books, clerk_a, clerk_b, world):
    closing = _submit(clerk_a, world, coins=0)
    with pytest.raises(NotFound):
        services.closing_submit(actor=clerk_b, point=world.point_a, counts=COUNT)
    with pytest.raises(NotFound):
        selectors.closing_get(user=clerk_b, closing_id=closing.pk)
    with pytest.raises(NotFound):
        services.closing_approve(actor=clerk_b, closing_id=closing.pk)
    assert CashClosing.objects.count() == 1


def test_who_may_count_and_who_may_decide(
    books, clerk_a, accountant, accountant_b, auditor, outsider, world
):
    closing = _submit(clerk_a, world, coins=0)
    with pytest.raises(AccessDenied):  # the clerk does not approve their own difference
        services.closing_approve(actor=clerk_a, closing_id=closing.pk)
    with pytest.raises(AccessDenied):  # auditors never act
        services.closing_approve(actor=auditor, closing_id=closing.pk)
    with pytest.raises(NotFound):  # point A is outside unit B
        services.closing_approve(actor=accountant_b, closing_id=closing.pk)
    with pytest.raises(NotFound):
        services.closing_approve(actor=outsider, closing_id=closing.pk)
    with pytest.raises(AccessDenied):  # accountants do not count drawers
        services.closing_submit(actor=accountant, point=world.point_a, counts=COUNT)
    assert CashClosing.objects.get().status == ClosingStatus.PENDING
    assert not Entry.objects.filter(kind=EntryKind.CASH_DISCREPANCY).exists()


def test_a_bad_count_is_refused(books, clerk_a, world, english):
    for counts, coins, message in [
        ({"300000": 1}, 0, "not a Vietnamese banknote"),
        ({"500000": -1}, 0, "whole number"),
        ({"500000": 1.5}, 0, "whole number"),
        (COUNT, -5, "whole number"),
    ]:
        with pytest.raises(DomainError, match=message):
            _submit(clerk_a, world, counts=counts, coins=coins)
    with pytest.raises(DomainError, match="has not come yet"):
        _submit(clerk_a, world, business_date=local_today() + dt.timedelta(days=366))
    assert not CashClosing.objects.exists()


# --- pages -------------------------------------------------------------------------------------


def test_the_closing_page_counts_and_closes_the_day(books, clerk_a, client_as, world):
    client = client_as(clerk_a)
    page = client.get(reverse("cashdesk:index"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kiểm quỹ cuối ngày" in html  # Vietnamese by default
    assert 'data-testid="expected">1.611.040' in html

    data = {f"count_{d}": n for d, n in COUNT.items()} | {"coins": "40", "note": ""}
    total = client.post(reverse("cashdesk:count_total"), data, HTTP_HX_REQUEST="true")
    assert 'data-testid="count-total">1.611.040' in total.content.decode()

    response = client.post(reverse("cashdesk:index"), data)
    closing = CashClosing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cashdesk:closing", args=[closing.pk])
    assert closing.status == ClosingStatus.CLOSED
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    sheet = client.get(reverse("cashdesk:closing_sheet", args=[closing.pk]))
    assert sheet["Content-Type"] == "application/pdf" and sheet.content.startswith(b"%PDF")


def test_the_accountant_decides_on_the_page(books, clerk_a, accountant, client_as, world):
    closing = _submit(clerk_a, world, coins=0)
    client = client_as(accountant)
    assert client.get(reverse("cashdesk:index")).status_code == 302
    queue = client.get(reverse("cashdesk:queue")).content.decode()
    assert reverse("cashdesk:closing", args=[closing.pk]) in queue
    response = client.post(
        reverse("cashdesk:closing_decide", args=[closing.pk]),
        {"recounts": "0", "decision": "approve", "decision_note": ""},
    )
    assert response.status_code == 302
    assert CashClosing.objects.get().status == ClosingStatus.APPROVED
    again = client.post(
        reverse("cashdesk:closing_decide", args=[closing.pk]),
        {"recounts": "0", "decision": "approve"},
    )
    assert again.status_code == 302
    assert Entry.objects.filter(kind=EntryKind.CASH_DISCREPANCY).count() == 1


def test_pages_of_another_points_closing_are_not_found(books, clerk_a, clerk_b, client_as, world):
    closing = _submit(clerk_a, world)
    client = client_as(clerk_b)
    assert client.get(reverse("cashdesk:closing", args=[closing.pk])).status_code == 404
    assert client.get(reverse("cashdesk:closing_sheet", args=[closing.pk])).status_code == 404
    assert client.get(reverse("cashdesk:history", args=["240001"])).status_code == 404
    own = client.get(reverse("cashdesk:history", args=["240002"]))
    assert own.status_code == 200


def test_the_history_of_a_point(books, clerk_a, accountant, client_as, world):
    _submit(clerk_a, world)
    page = client_as(accountant).get(reverse("cashdesk:history", args=["240001"]))
    assert page.status_code == 200
    assert "1.611.040" in page.content.decode()


# --- API ---------------------------------------------------------------------------------------


def test_the_api_submits_and_approves(books, clerk_a, accountant, client, world):
    client.force_login(clerk_a)
    body = {"point": "240001", "counts": COUNT, "coins": 0}
    response = client.post("/api/cashdesk/closings", body, content_type="application/json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["status"], data["difference"], data["expected"]) == ("pending", -40, COUNTED)
    other = client.post(
        "/api/cashdesk/closings", {**body, "point": "240002"}, content_type="application/json"
    )
    assert other.status_code == 404
    client.force_login(accountant)
    url = f"/api/cashdesk/closings/{data['id']}/approve"
    first = client.post(url, {"recounts": 0}, content_type="application/json")
    second = client.post(url, {"recounts": 0}, content_type="application/json")
    assert first.status_code == second.status_code == 200
    assert first.json()["entry_id"] == second.json()["entry_id"] is not None
    assert Entry.objects.filter(kind=EntryKind.CASH_DISCREPANCY).count() == 1
    assert balance("1381") == 40
    drawer = client.get("/api/cashdesk/drawers/240001").json()
    assert drawer["closing"] == COUNTED - 40


def test_list_pages_take_a_fixed_number_of_queries(
    books, clerk_a, accountant, client_as, world, django_assert_max_num_queries
):
    _submit(clerk_a, world, coins=0)
    client = client_as(accountant)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("cashdesk:queue")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("cashdesk:history", args=["240001"])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("cashdesk:cod")).status_code == 200


def test_after_the_closing_the_page_shows_it_and_no_form(books, clerk_a, client_as, world):
    closing = _submit(clerk_a, world)
    html = client_as(clerk_a).get(reverse("cashdesk:index")).content.decode()
    assert 'data-testid="today-closing"' in html and 'data-testid="count-form"' not in html
    assert reverse("cashdesk:closing_sheet", args=[closing.pk]) in html


def test_the_queue_keeps_to_the_accountants_subtree(
    books, clerk_a, accountant_b, director, client_as, world
):
    closing = _submit(clerk_a, world, coins=0)
    queue = client_as(accountant_b).get(reverse("cashdesk:queue")).content.decode()
    assert reverse("cashdesk:closing", args=[closing.pk]) not in queue
    # A director reads the closings but has no drawer and does not decide.
    client = client_as(director)
    page = client.get(reverse("cashdesk:index"))
    assert page.status_code == 200 and 'data-testid="count-form"' not in page.content.decode()
    detail = client.get(reverse("cashdesk:closing", args=[closing.pk])).content.decode()
    assert 'data-testid="decision-form"' not in detail


def test_cash_to_the_bank_from_the_page(books, clerk_a, client_as, world, banks_open):
    client = client_as(clerk_a)
    page = client.get(reverse("cashdesk:handover"))
    assert page.status_code == 200
    data = {"token": "t-1", "amount": "1000000", "bank": "vietinbank", "slip": "GNT-0001"}
    assert client.post(reverse("cashdesk:handover"), data).status_code == 302
    assert client.post(reverse("cashdesk:handover"), data).status_code == 302  # sent twice
    assert Entry.objects.filter(kind=EntryKind.BANK_DEPOSIT).count() == 1
    assert balance("1111.240001") == COUNTED - 1_000_000
    too_much = client.post(reverse("cashdesk:handover"), {**data, "token": "t-2"})
    assert too_much.status_code == 200 and "errorlist" in too_much.content.decode()
