"""The pages: the counter collects with a form token (sent twice, posted once), shows
today's bills, the receipt and the cancel button; readers see, never act; Vietnamese."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from buudien.collection.models import Bill, Partner, Settlement
from buudien.collection.tests.conftest import PROVINCE, balance
from buudien.core.bizdays import local_today
from buudien.finance.models import Entry

pytestmark = pytest.mark.django_db

DRAWER_A = "1111.240001"


def _token(html: str) -> str:
    found = re.search(r'name="token" value="([^"]+)"', html)
    assert found, "the form carries a token"
    return found.group(1)


def _form(client, evn, **more):
    page = client.get("/collection/")
    data = {
        "token": _token(page.content.decode()),
        "partner": evn.pk,
        "customer_code": "PA0100200",
        "customer_name": "Lý Văn Cường",
        "period": "10/2026",
        "amount": "450000",
        "method": "cash",
    }
    data.update(more)
    return data


def test_the_counter_collects_a_bill_once_however_often_the_form_is_sent(client_as, clerk_a, evn):
    client = client_as(clerk_a)
    data = _form(client, evn)

    first = client.post("/collection/", data)
    second = client.post("/collection/", data)

    bill = Bill.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/collection/bills/{bill.reference}/"
    assert Entry.objects.count() == 1
    assert balance(PROVINCE, DRAWER_A) == 450_000
    page = client.get(first["Location"])
    assert "Thu hộ" in page.content.decode() or "Phiếu" in page.content.decode()
    assert f"/collection/bills/{bill.reference}/receipt.pdf" in page.content.decode()


def test_a_bad_amount_shows_the_form_again_and_changes_nothing(client_as, clerk_a, evn):
    client = client_as(clerk_a)

    response = client.post("/collection/", _form(client, evn, amount="-5"))

    assert response.status_code == 200
    assert 'data-testid="error-amount"' in response.content.decode()
    assert Bill.objects.count() == 0
    assert Entry.objects.count() == 0


def test_a_refusal_of_the_service_is_shown_on_the_form_in_vietnamese(
    client_as, clerk_a, collect, evn
):
    collect(customer_code="PA0100200", period="10/2026")
    client = client_as(clerk_a)

    response = client.post("/collection/", _form(client, evn))

    html = response.content.decode()
    assert response.status_code == 200
    assert "đã được thu" in html
    assert Bill.objects.count() == 1


def test_the_counter_lists_todays_bills_at_my_point(client_as, clerk_a, collect, admin_user, world):
    mine = collect()
    other = collect(actor=admin_user, point=world.point_b)

    html = client_as(clerk_a).get("/collection/").content.decode()

    assert mine.reference in html
    assert other.reference not in html
    assert 'lang="vi"' in html
    assert "Thu hộ" in html


def test_the_receipt_is_a_pdf(client_as, clerk_a, collect):
    bill = collect()

    response = client_as(clerk_a).get(f"/collection/bills/{bill.reference}/receipt.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_another_points_clerk_gets_404(client_as, clerk_b, collect):
    bill = collect()
    client = client_as(clerk_b)

    assert client.get(f"/collection/bills/{bill.reference}/").status_code == 404
    assert client.get(f"/collection/bills/{bill.reference}/receipt.pdf").status_code == 404
    assert client.post(f"/collection/bills/{bill.reference}/cancel/").status_code == 404
    assert Bill.objects.get().status == "collected"


def test_cancelling_from_the_page_reverses_once(client_as, clerk_a, collect):
    bill = collect()
    client = client_as(clerk_a)

    client.post(f"/collection/bills/{bill.reference}/cancel/", {"reason": "Nhầm kỳ"})
    again = client.post(f"/collection/bills/{bill.reference}/cancel/", follow=True)

    assert Bill.objects.get().status == "cancelled"
    assert Entry.objects.count() == 2
    assert balance(PROVINCE, DRAWER_A) == 0
    assert "đã bị hủy" in again.content.decode() or "đã hủy" in again.content.decode()


def test_the_auditor_reads_but_never_acts(client_as, auditor, collect, evn):
    bill = collect()
    client = client_as(auditor)

    assert client.get("/collection/").status_code == 302  # to the bills
    listing = client.get("/collection/bills/").content.decode()
    assert bill.reference in listing
    detail = client.get(f"/collection/bills/{bill.reference}/").content.decode()
    assert 'data-testid="cancel-form"' not in detail
    assert client.post(f"/collection/bills/{bill.reference}/cancel/").status_code == 403
    assert client.post("/collection/", {"partner": evn.pk}).status_code == 302
    assert client.get("/collection/partners/new/").status_code == 403
    assert client.get("/collection/settlements/new/").status_code == 403
    assert Bill.objects.get().status == "collected"


def test_a_postman_is_not_let_in(client_as, world):
    from buudien.people.tests.factories import UserFactory

    postman = UserFactory(username="postman", role="postman", unit=world.unit_a)
    assert client_as(postman).get("/collection/").status_code == 403


def test_an_accountant_adds_and_edits_a_partner(client_as, accountant):
    client = client_as(accountant)
    response = client.post(
        "/collection/partners/new/",
        {
            "code": "vnpt",
            "name": "VNPT Lạng Sơn",
            "kind": "telecom",
            "bank": "vietinbank",
            "commission_fixed": "1000",
            "commission_bp": "0",
            "commission_min": "0",
            "customer_fee": "0",
            "fee_vat_rate_bp": "1000",
            "active": "on",
        },
    )
    partner = Partner.objects.get(code="vnpt")
    assert response.status_code == 302
    assert partner.province_code == PROVINCE

    client.post(
        f"/collection/partners/{partner.pk}/edit/",
        {
            "name": "VNPT Lạng Sơn",
            "kind": "telecom",
            "bank": "vietinbank",
            "commission_fixed": "1200",
            "commission_bp": "5",
            "commission_min": "0",
            "customer_fee": "0",
            "fee_vat_rate_bp": "1000",
            "active": "on",
        },
    )
    partner.refresh_from_db()
    assert (partner.commission_fixed, partner.commission_bp) == (1_200, 5)
    assert "VNPT Lạng Sơn" in client.get("/collection/partners/").content.decode()


def test_a_clerk_cannot_add_a_partner(client_as, clerk_a):
    assert client_as(clerk_a).get("/collection/partners/new/").status_code == 403


def test_the_settlement_page_previews_then_settles_once(
    client_as, accountant, evn, collect, fund_bank
):
    collect(amount=1_250_000)
    fund_bank(5_000_000)
    client = client_as(accountant)
    today = local_today().isoformat()

    preview = client.get(
        "/collection/settlements/new/", {"partner": evn.pk, "date_from": today, "date_to": today}
    )
    html = preview.content.decode()
    assert 'data-testid="preview"' in html
    data = {
        "token": _token(html),
        "partner": evn.pk,
        "date_from": today,
        "date_to": today,
        "memo": "Tháng 10",
    }
    first = client.post("/collection/settlements/new/", data)
    second = client.post("/collection/settlements/new/", data)

    settlement = Settlement.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == f"/collection/settlements/{settlement.pk}/"
    assert settlement.net == 1_247_250
    assert "QT-EVN-00001" in client.get(first["Location"]).content.decode()


def test_the_settlement_page_shows_the_banks_refusal(client_as, accountant, evn, collect, english):
    collect(amount=1_250_000)
    client = client_as(accountant)
    today = local_today().isoformat()
    html = client.get(
        "/collection/settlements/new/", {"partner": evn.pk, "date_from": today, "date_to": today}
    ).content.decode()

    response = client.post(
        "/collection/settlements/new/",
        {"token": _token(html), "partner": evn.pk, "date_from": today, "date_to": today},
    )

    assert response.status_code == 200
    assert "Not enough money" in response.content.decode()
    assert Settlement.objects.count() == 0


def test_a_range_that_ends_before_it_starts_is_told_on_the_preview_and_the_post(
    client_as, accountant, evn, collect, fund_bank, english
):
    import datetime as dt

    collect(amount=1_250_000)
    fund_bank(5_000_000)
    client = client_as(accountant)
    today = local_today()
    backwards = {
        "partner": evn.pk,
        "date_from": today.isoformat(),
        "date_to": (today - dt.timedelta(days=3)).isoformat(),
    }

    preview = client.get("/collection/settlements/new/", backwards).content.decode()
    assert "The range ends before it starts." in preview
    assert 'data-testid="preview"' not in preview
    today_only = {**backwards, "date_to": today.isoformat()}
    token = _token(client.get("/collection/settlements/new/", today_only).content.decode())
    posted = client.post("/collection/settlements/new/", {**backwards, "token": token})
    assert posted.status_code == 200
    assert "The range ends before it starts." in posted.content.decode()
    assert Settlement.objects.count() == 0


def test_the_reconciliation_page_and_its_workbook(client_as, director, collect, evn):
    collect(amount=1_250_000)
    client = client_as(director)

    page = client.get("/collection/reconciliation/", {"partner": evn.pk})
    workbook = client.get("/collection/reconciliation/", {"partner": evn.pk, "format": "xlsx"})

    assert 'data-testid="reconciliation"' in page.content.decode()
    assert "1.250.000" in page.content.decode()
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet.cell(row=3, column=4).value == 1_250_000
    assert sheet.cell(row=3, column=13).value == 0


def test_a_clerk_reconciles_only_their_point_whatever_unit_is_asked(
    client_as, clerk_b, collect, evn
):
    collect(amount=1_250_000)  # at point A

    response = client_as(clerk_b).get("/collection/reconciliation/", {"unit": "UA"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "1.250.000" not in html


def test_the_bill_list_filters_and_answers_htmx(client_as, director, collect):
    bill = collect(customer_name="Đinh Thị Hoa")
    collect(customer_name="Trần Văn Bảo")
    client = client_as(director)
    day = local_today().isoformat()

    response = client.get(
        "/collection/bills/",
        {"q": "dinh thi", "date_from": day, "date_to": day},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert "<html" not in html
    assert bill.reference in html
    assert "Trần Văn Bảo" not in html


def test_a_pending_transfer_bill_says_what_to_do(client_as, clerk_a, evn, cashless_point):
    client = client_as(clerk_a)
    response = client.post("/collection/", _form(client, evn, method="transfer"), follow=True)

    bill = Bill.objects.get()
    assert bill.status == "pending"
    assert 'data-testid="pending-note"' in response.content.decode()
    assert Entry.objects.count() == 0


def test_the_settlements_list_is_for_the_office(client_as, clerk_a, director):
    assert client_as(clerk_a).get("/collection/settlements/").status_code == 403
    assert client_as(director).get("/collection/settlements/").status_code == 200


def _queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("persona", "path"), [("clerk_a", "/collection/"), ("director", "/collection/bills/")]
)
def test_the_counter_and_the_list_cost_the_same_queries_for_2_or_8_bills(
    request, client_as, collect, persona, path
):
    client = client_as(request.getfixturevalue(persona))
    for _i in range(2):
        collect()
    _queries(client, path)  # the session and the language settle
    few = _queries(client, path)
    for _i in range(6):
        collect()

    assert _queries(client, path) == few
    assert few <= 20


def test_the_partner_page_shows_the_rule_and_what_is_owed(client_as, accountant, evn, collect):
    collect(amount=1_250_000)

    html = client_as(accountant).get(f"/collection/partners/{evn.pk}/").content.decode()

    assert "3388.partner.evn" in html
    assert 'data-testid="payable"' in html
    assert "1.247.250" in html
