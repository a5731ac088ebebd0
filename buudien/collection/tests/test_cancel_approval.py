"""Cancelling a bill takes a reason; above ``BUUDIEN_CANCEL_APPROVAL_ABOVE`` (5.000.000 đ by
default) it is asked and waits for a director or an accountant of the bill's units, never the
one who asked; approved, it is done under the same rules as at once (counter.cancellations).
Services, the API and the pages."""

from __future__ import annotations

import pytest

from buudien.collection import services
from buudien.collection.choices import BillStatus
from buudien.collection.models import Bill
from buudien.collection.tests.conftest import PROVINCE, balance
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.models import AuditEntry
from buudien.counter import cancellations
from buudien.counter.choices import CancelStatus
from buudien.counter.models import CancelRequest
from buudien.finance.models import Entry
from buudien.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DRAWER_A = "1111.240001"
BIG = 6_000_000
WHY = "Khách đưa nhầm mã khách hàng"


def _unchanged(bill: Bill) -> None:
    assert Bill.objects.get(pk=bill.pk).status == BillStatus.COLLECTED
    assert Entry.objects.count() == 1


# --- the reason --------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201])
def test_a_cancellation_without_a_fit_reason_changes_nothing(collect, clerk_a, english, reason):
    bill = collect()

    with pytest.raises(DomainError) as refused:
        services.bill_cancel(actor=clerk_a, bill=bill, reason=reason)

    assert refused.value.field == "reason"
    assert str(refused.value.message) in (
        "The reason is required.",
        "The reason is longer than 200 characters.",
    )
    _unchanged(bill)
    assert CancelRequest.objects.count() == 0


def test_the_reason_is_refused_in_vietnamese_by_default(collect, clerk_a):
    bill = collect()

    with pytest.raises(DomainError, match="Lý do không được để trống"):
        services.bill_cancel(actor=clerk_a, bill=bill, reason="")


def test_the_reason_is_kept_on_the_bill_and_in_the_audit_log(collect, clerk_a):
    bill = collect()

    done = services.bill_cancel(actor=clerk_a, bill=bill, reason=WHY)

    assert done.done and done.request is None
    assert Bill.objects.get(pk=bill.pk).cancel_reason == WHY
    audit = AuditEntry.objects.get(action="collection.bill_cancel")
    assert audit.after == {"status": "cancelled", "reason": WHY}
    assert Entry.objects.get(reverses_id=bill.entry_id).memo == WHY


# --- the amount ----------------------------------------------------------------------------


def test_a_bill_of_the_amount_itself_is_cancelled_at_once(collect, clerk_a):
    bill = collect(amount=5_000_000)

    done = services.bill_cancel(actor=clerk_a, bill=bill, reason=WHY)

    assert done.done
    assert done.record.status == BillStatus.CANCELLED
    assert balance(PROVINCE, DRAWER_A) == 0
    assert CancelRequest.objects.count() == 0


def test_above_the_amount_the_cancellation_is_asked_and_waits(collect, clerk_a):
    bill = collect(amount=BIG)

    asked = services.bill_cancel(actor=clerk_a, bill=bill, reason=WHY)

    assert not asked.done
    request = CancelRequest.objects.get()
    assert asked.request == request
    assert (request.kind, request.reference, request.amount) == (
        "collection.bill",
        bill.reference,
        BIG,
    )
    assert (request.requested_by, request.reason, request.status) == (clerk_a, WHY, "pending")
    assert request.point == bill.point
    _unchanged(bill)
    assert balance(PROVINCE, DRAWER_A) == BIG
    audit = AuditEntry.objects.get(action="counter.cancel_ask")
    assert audit.after["reason"] == WHY
    assert audit.actor == clerk_a


def test_the_amount_is_a_setting(collect, clerk_a, settings):
    settings.BUUDIEN_CANCEL_APPROVAL_ABOVE = 300_000
    bill = collect(amount=350_000)

    asked = services.bill_cancel(actor=clerk_a, bill=bill, reason=WHY)

    assert not asked.done
    _unchanged(bill)


def test_a_second_request_while_one_waits_is_refused(collect, clerk_a, english):
    bill = collect(amount=BIG)
    services.bill_cancel(actor=clerk_a, bill=bill, reason=WHY)

    with pytest.raises(DomainError, match="awaits approval already"):
        services.bill_cancel(actor=clerk_a, bill=bill, reason="Lần nữa")

    assert CancelRequest.objects.count() == 1


def test_who_may_not_cancel_may_not_ask_either(collect, clerk_b, auditor):
    bill = collect(amount=BIG)

    with pytest.raises(NotFound):
        services.bill_cancel(actor=clerk_b, bill=bill, reason=WHY)
    with pytest.raises(AccessDenied):
        services.bill_cancel(actor=auditor, bill=bill, reason=WHY)

    assert CancelRequest.objects.count() == 0


# --- the decision --------------------------------------------------------------------------


@pytest.fixture
def asked(collect, clerk_a):
    bill = collect(amount=BIG)
    result = services.bill_cancel(actor=clerk_a, bill=bill, reason=WHY)
    assert result.request is not None
    return bill, result.request


def test_a_director_approves_and_the_bill_is_cancelled_with_the_clerks_reason(asked, director):
    bill, request = asked

    done = cancellations.cancel_request_approve(actor=director, request=request)

    assert done.done
    bill.refresh_from_db()
    assert bill.status == BillStatus.CANCELLED
    assert (bill.cancel_reason, bill.cancelled_by) == (WHY, director)
    assert Entry.objects.get(pk=bill.cancel_entry_id).reverses_id == bill.entry_id
    assert balance(PROVINCE, DRAWER_A) == 0
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (CancelStatus.APPROVED, director)
    assert request.decided_at is not None
    assert AuditEntry.objects.filter(action="counter.cancel_approve", actor=director).exists()
    assert AuditEntry.objects.get(action="collection.bill_cancel").actor == director


def test_an_accountant_refuses_for_a_reason_and_nothing_is_cancelled(
    asked, accountant, clerk_a, english
):
    bill, request = asked

    with pytest.raises(DomainError, match="The reason is required"):
        cancellations.cancel_request_refuse(actor=accountant, request=request, reason="")
    request.refresh_from_db()
    assert request.status == CancelStatus.PENDING

    cancellations.cancel_request_refuse(actor=accountant, request=request, reason="Không đúng")

    request.refresh_from_db()
    assert (request.status, request.refusal, request.decided_by) == (
        CancelStatus.REFUSED,
        "Không đúng",
        accountant,
    )
    _unchanged(bill)
    with pytest.raises(DomainError, match="decided already"):
        cancellations.cancel_request_approve(actor=accountant, request=request)
    _unchanged(bill)
    # Refused, it may be asked again.
    assert not services.bill_cancel(actor=clerk_a, bill=bill, reason="Lần hai").done


def test_whoever_asked_never_approves(collect, world, english):
    boss = UserFactory(username="boss", role="director", unit=world.province, is_superuser=True)
    bill = collect(amount=BIG, actor=boss, point=world.point_a)
    request = services.bill_cancel(actor=boss, bill=bill, reason=WHY).request
    assert request is not None

    with pytest.raises(AccessDenied, match="You asked for this cancellation"):
        cancellations.cancel_request_approve(actor=boss, request=request)

    _unchanged(bill)
    request.refresh_from_db()
    assert request.status == CancelStatus.PENDING


def test_only_a_director_or_accountant_of_the_points_units_decides(
    asked, clerk_a, auditor, admin_user, outsider, world
):
    bill, request = asked
    other_unit = UserFactory(username="acc_b", role="accountant", unit=world.unit_b)

    for refused in (clerk_a, auditor, admin_user):
        with pytest.raises(AccessDenied):
            cancellations.cancel_request_approve(actor=refused, request=request)
    for elsewhere in (outsider, other_unit):
        with pytest.raises(NotFound):
            cancellations.cancel_request_approve(actor=elsewhere, request=request)

    _unchanged(bill)
    unit_a = UserFactory(username="acc_a", role="accountant", unit=world.unit_a)
    assert cancellations.cancel_request_approve(actor=unit_a, request=request).done


def test_an_approval_keeps_the_rule_of_the_day(asked, director, english):
    bill, request = asked
    Bill.objects.filter(pk=bill.pk).update(business_date=bill.business_date.replace(year=2020))

    with pytest.raises(DomainError, match="only the business day it was collected"):
        cancellations.cancel_request_approve(actor=director, request=request)

    request.refresh_from_db()
    assert request.status == CancelStatus.PENDING
    assert Bill.objects.get(pk=bill.pk).status == BillStatus.COLLECTED
    assert Entry.objects.count() == 1


# --- the API -------------------------------------------------------------------------------


def _post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_the_api_asks_lists_and_approves(client_as, collect, clerk_a, director, english):
    bill = collect(amount=BIG)
    clerk = client_as(clerk_a)
    no_reason = _post(clerk, f"/api/collection/bills/{bill.reference}/cancel", {})
    asked = _post(clerk, f"/api/collection/bills/{bill.reference}/cancel", {"reason": WHY})
    assert (no_reason.status_code, no_reason.json()["field"]) == (400, "reason")
    assert no_reason.json()["detail"] == "The reason is required."
    assert asked.status_code == 202
    request_id = asked.json()["id"]
    assert asked.json()["status"] == "pending"
    assert asked.json()["amount"] == BIG
    assert asked.json()["requested_by"] == "clerk_a"
    assert clerk.get("/api/counter/cancellations").status_code == 403
    assert clerk.get(f"/api/counter/cancellations/{request_id}").json()["reason"] == WHY
    assert _post(clerk, f"/api/counter/cancellations/{request_id}/approve", {}).status_code == 403

    boss = client_as(director)
    listed = boss.get("/api/counter/cancellations").json()
    approved = _post(boss, f"/api/counter/cancellations/{request_id}/approve", {})

    assert [(r["reference"], r["point_code"]) for r in listed["items"]] == [
        (bill.reference, "240001")
    ]
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["decided_by"]) == ("approved", "director")
    assert Bill.objects.get(pk=bill.pk).status == BillStatus.CANCELLED
    assert boss.get("/api/counter/cancellations").json()["items"] == []
    approved_list = boss.get("/api/counter/cancellations", {"status": "approved"}).json()
    assert [r["id"] for r in approved_list["items"]] == [request_id]


def test_the_api_refuses_with_a_reason(client_as, asked, accountant, english):
    bill, request = asked
    client = client_as(accountant)

    bare = _post(client, f"/api/counter/cancellations/{request.pk}/refuse", {})
    refused = _post(client, f"/api/counter/cancellations/{request.pk}/refuse", {"reason": "Sai"})

    assert (bare.status_code, bare.json()["field"]) == (400, "reason")
    assert refused.status_code == 200
    assert (refused.json()["status"], refused.json()["refusal"]) == ("refused", "Sai")
    _unchanged(bill)


def test_the_api_hides_a_request_outside_the_scope(client_as, asked, outsider):
    _bill, request = asked
    client = client_as(outsider)

    assert client.get(f"/api/counter/cancellations/{request.pk}").status_code == 404
    assert _post(client, f"/api/counter/cancellations/{request.pk}/approve", {}).status_code == 404
    assert client.get("/api/counter/cancellations").json()["items"] == []


# --- the pages -----------------------------------------------------------------------------


def test_the_bill_page_asks_before_cancelling_naming_the_bill_and_amount(
    client_as, collect, clerk_a
):
    small = collect(amount=1_250_000)
    big = collect(amount=BIG)
    client = client_as(clerk_a)

    page = client.get(f"/collection/bills/{small.reference}/").content.decode()
    big_page = client.get(f"/collection/bills/{big.reference}/").content.decode()

    assert (
        f'data-confirm="Hủy hóa đơn {small.reference} số tiền 1.250.000\xa0₫? '
        'Tiền sẽ được hoàn lại; không thể hoàn tác."'
    ) in page
    assert f"Đề nghị hủy hóa đơn {big.reference} số tiền 6.000.000\xa0₫?" in big_page
    assert "Trên 5.000.000\xa0₫ phải được giám đốc hoặc kế toán duyệt trước." in big_page


def test_the_bill_page_refuses_a_cancellation_without_a_reason(client_as, collect, clerk_a):
    bill = collect()
    client = client_as(clerk_a)

    answer = client.post(f"/collection/bills/{bill.reference}/cancel/", {"reason": " "})

    page = answer.content.decode()
    assert 'data-testid="error-reason"' in page
    assert "Lý do không được để trống." in page
    assert "autofocus" in page
    _unchanged(bill)


def test_the_bill_page_shows_the_request_waiting(client_as, collect, clerk_a):
    bill = collect(amount=BIG)
    client = client_as(clerk_a)

    answer = client.post(
        f"/collection/bills/{bill.reference}/cancel/", {"reason": WHY}, follow=True
    )

    page = answer.content.decode()
    assert 'data-testid="cancel-pending"' in page
    assert WHY in page
    assert 'data-testid="cancel-form"' not in page
    _unchanged(bill)


def test_a_supervisor_approves_and_refuses_on_the_page(
    client_as, collect, clerk_a, director, english
):
    first = collect(amount=BIG)
    second = collect(amount=7_000_000)
    services.bill_cancel(actor=clerk_a, bill=first, reason=WHY)
    services.bill_cancel(actor=clerk_a, bill=second, reason="Nhầm kỳ")
    one, two = CancelRequest.objects.order_by("pk")
    client = client_as(director)

    home = client.get("/finance/").content.decode()
    listing = client.get("/counter/cancellations/").content.decode()
    bare = client.post(f"/counter/cancellations/{two.pk}/refuse/", {"reason": ""})
    client.post(f"/counter/cancellations/{one.pk}/approve/")
    client.post(f"/counter/cancellations/{two.pk}/refuse/", {"reason": "Không đúng"})

    assert 'href="/counter/cancellations/"' in home
    assert first.reference in listing and second.reference in listing
    assert "6.000.000\xa0₫" in listing and WHY in listing
    assert f'data-testid="approve-{one.pk}"' in listing
    assert "Approve the cancellation of bill " + first.reference in listing
    assert bare.status_code == 400
    assert "The reason is required." in bare.content.decode()
    assert Bill.objects.get(pk=first.pk).status == BillStatus.CANCELLED
    assert Bill.objects.get(pk=second.pk).status == BillStatus.COLLECTED
    assert CancelRequest.objects.get(pk=two.pk).refusal == "Không đúng"
    after = client.get("/counter/cancellations/").content.decode()
    assert 'data-testid="none-waiting"' in after
    assert 'data-testid="decided"' in after


def test_a_clerk_neither_sees_the_page_nor_its_link(client_as, clerk_a):
    client = client_as(clerk_a)

    assert client.get("/counter/cancellations/").status_code == 403
    assert 'href="/counter/cancellations/"' not in client.get("/collection/").content.decode()
