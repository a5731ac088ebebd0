"""/api/collection/: partners, bills (collect with an Idempotency-Key, list, get, cancel,
receipt), settlements, reconciliation; refusals are 4xx and change nothing."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from buudien.collection.models import Bill, Partner, Settlement
from buudien.collection.tests.conftest import PROVINCE, balance
from buudien.core.bizdays import local_today
from buudien.finance.models import Entry

pytestmark = pytest.mark.django_db

DRAWER_A = "1111.240001"
BILL = {
    "partner": "evn",
    "customer_code": "PA0100300",
    "customer_name": "Phạm Thị Dung",
    "period": "10/2026",
    "amount": 1_250_000,
}


def _post(client, path, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(path, body, content_type="application/json", **headers)


def test_a_clerk_collects_through_the_api_and_a_retry_posts_once(client_as, clerk_a, evn):
    client = client_as(clerk_a)

    first = _post(client, "/api/collection/bills", BILL, key="pos-1-0001")
    again = _post(client, "/api/collection/bills", BILL, key="pos-1-0001")

    assert first.status_code == again.status_code == 201
    body = first.json()
    assert again.json()["reference"] == body["reference"]
    assert body["amount"] == 1_250_000
    assert body["commission"] == 2_750
    assert body["net"] == 1_247_250
    assert body["status"] == "collected"
    assert body["point_code"] == "240001"
    assert body["clerk"] == "clerk_a"
    assert Entry.objects.count() == 1
    assert balance(PROVINCE, DRAWER_A) == 1_250_000


def test_a_bill_without_a_key_is_refused(client_as, clerk_a, evn):
    response = _post(client_as(clerk_a), "/api/collection/bills", BILL)

    assert response.status_code == 400
    assert response.json()["field"] == "idempotency_key"
    assert Bill.objects.count() == 0


@pytest.mark.parametrize("amount", [0, -1, "1000", 1.5, None, 10**16])
def test_a_bad_amount_is_4xx_and_changes_nothing(client_as, clerk_a, evn, amount):
    response = _post(client_as(clerk_a), "/api/collection/bills", {**BILL, "amount": amount}, "k")

    assert 400 <= response.status_code < 500
    assert Bill.objects.count() == 0
    assert Entry.objects.count() == 0


def test_errors_are_in_vietnamese_by_default(client_as, clerk_a, evn):
    response = _post(client_as(clerk_a), "/api/collection/bills", {**BILL, "amount": 0}, "k")

    assert response.status_code == 400
    assert "Số tiền" in response.json()["detail"]


def test_the_auditor_is_refused(client_as, auditor, evn):
    response = _post(
        client_as(auditor), "/api/collection/bills", {**BILL, "point_code": "240001"}, "k"
    )

    assert response.status_code == 403
    assert Bill.objects.count() == 0


def test_another_points_clerk_gets_404(client_as, clerk_b, collect):
    bill = collect()
    client = client_as(clerk_b)

    assert client.get(f"/api/collection/bills/{bill.reference}").status_code == 404
    assert client.get(f"/api/collection/bills/{bill.reference}/receipt.pdf").status_code == 404
    cancel = _post(client, f"/api/collection/bills/{bill.reference}/cancel", {})
    assert cancel.status_code == 404
    assert Bill.objects.get().status == "collected"


def test_list_get_receipt_and_cancel(client_as, clerk_a, collect):
    bill = collect()
    client = client_as(clerk_a)

    listing = client.get("/api/collection/bills", {"day": local_today().isoformat()})
    one = client.get(f"/api/collection/bills/{bill.reference}")
    receipt = client.get(f"/api/collection/bills/{bill.reference}/receipt.pdf")
    cancelled = _post(client, f"/api/collection/bills/{bill.reference}/cancel", {"reason": "x"})
    twice = _post(client, f"/api/collection/bills/{bill.reference}/cancel", {})

    assert [b["reference"] for b in listing.json()["items"]] == [bill.reference]
    assert one.json()["customer_code"] == bill.customer_code
    assert receipt["Content-Type"] == "application/pdf"
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_entry_id"] is not None
    assert twice.status_code == 400
    assert Entry.objects.count() == 2


def test_partners_are_managed_by_the_finance_office(client_as, accountant, clerk_a):
    body = {
        "code": "bhxh-ls",
        "name": "BHXH tỉnh Lạng Sơn",
        "kind": "social_insurance",
        "bank": "bidv",
        "commission_bp": 50,
    }

    refused = client_as(clerk_a).post(
        "/api/collection/partners", body, content_type="application/json"
    )
    made = client_as(accountant).post(
        "/api/collection/partners", body, content_type="application/json"
    )
    patched = client_as(accountant).patch(
        "/api/collection/partners/bhxh-ls",
        {"commission_min": 3000},
        content_type="application/json",
    )
    seen = client_as(clerk_a).get("/api/collection/partners").json()

    assert refused.status_code == 403
    assert made.status_code == 201
    assert made.json()["province_code"] == PROVINCE
    assert patched.json()["commission_min"] == 3_000
    assert [p["code"] for p in seen] == ["bhxh-ls"]
    assert Partner.objects.count() == 1


def test_a_bad_partner_code_is_422(client_as, accountant):
    response = client_as(accountant).post(
        "/api/collection/partners",
        {"code": "EVN Hà Nội", "name": "x", "bank": "bidv"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert Partner.objects.count() == 0


def test_a_settlement_through_the_api_posts_once(client_as, accountant, collect, fund_bank, evn):
    collect()
    fund_bank(1_000_000)
    client = client_as(accountant)
    today = local_today().isoformat()
    body = {"partner": "evn", "date_from": today, "date_to": today}

    first = _post(client, "/api/collection/settlements", body, "st-1")
    again = _post(client, "/api/collection/settlements", body, "st-1")
    nothing = _post(client, "/api/collection/settlements", body, "st-2")

    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["net"] == 348_000
    assert nothing.status_code == 400
    assert Settlement.objects.count() == 1
    listing = client.get("/api/collection/settlements").json()["items"]
    assert [s["reference"] for s in listing] == ["QT-EVN-00001"]


def test_reconciliation_json_and_xlsx(client_as, director, collect):
    collect(amount=1_250_000)
    client = client_as(director)

    report = client.get("/api/collection/reconciliation", {"partner": "evn"}).json()
    workbook = client.get("/api/collection/reconciliation.xlsx", {"partner": "evn"})

    assert report["differences"] == 0
    assert report["totals"]["gross"] == 1_250_000
    assert report["totals"]["ledger_gross"] == 1_250_000
    assert report["rows"][0]["partner"] == "evn"
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    assert sheet.cell(row=3, column=4).value == 1_250_000
