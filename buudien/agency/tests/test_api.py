"""/api/agency/: the operations with their Idempotency-Key, the figures, the receipts."""

from __future__ import annotations

import pytest

from buudien.agency.models import Remittance, SavingsBook
from buudien.agency.tests.helpers import (
    CID,
    RECIPIENT_CID,
    deposit,
    ledger_state,
    pdf_size_mm,
    pdf_text,
)
from buudien.finance.models import Entry

pytestmark = pytest.mark.django_db

DEPOSIT = {
    "book_number": "LP000111",
    "customer_name": "Nguyễn Thị Hoa",
    "citizen_id": CID,
    "amount": 10_000_000,
    "term_months": 12,
}


def _post(client, path, payload, key="k1", **headers):
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(f"/api/agency/{path}", payload, content_type="application/json", **headers)


def test_a_deposit_through_the_api(client_as, clerk_a, world):
    response = _post(client_as(clerk_a), "savings/deposits", DEPOSIT)
    assert response.status_code == 201
    body = response.json()
    assert body["reference"] == "TK240001000001"
    assert (body["amount"], body["commission"], body["balance_after"]) == (
        10_000_000,
        15_000,
        10_000_000,
    )
    again = _post(client_as(clerk_a), "savings/deposits", DEPOSIT)
    assert again.status_code == 201
    assert again.json()["reference"] == body["reference"]
    assert Entry.objects.count() == 1


def test_an_operation_needs_an_idempotency_key(client_as, clerk_a, world, english):
    response = _post(client_as(clerk_a), "savings/deposits", DEPOSIT, key=None)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["detail"]
    assert not Entry.objects.exists()


def test_a_withdrawal_above_the_book_is_a_400_in_vietnamese(client_as, clerk_a, world):
    deposit(clerk_a, world.point_a)
    before = ledger_state()
    response = _post(
        client_as(clerk_a),
        "savings/withdrawals",
        {"book_number": "LP000111", "citizen_id": CID, "amount": 20_000_000},
        key="w",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "amount"
    assert "Sổ LP000111" in response.json()["detail"]
    assert ledger_state() == before


def test_the_auditor_is_refused(client_as, auditor, world):
    response = _post(client_as(auditor), "savings/deposits", {**DEPOSIT, "point": "240001"})
    assert response.status_code == 403
    assert not Entry.objects.exists()


def test_another_points_clerk_gets_404(client_as, clerk_a, clerk_b, world):
    tx = deposit(clerk_a, world.point_a)
    client = client_as(clerk_b)
    assert _post(client, "savings/deposits", {**DEPOSIT, "point": "240001"}).status_code == 404
    assert client.get("/api/agency/savings/books/LP000111").status_code == 404
    assert client.get(f"/api/agency/operations/{tx.reference}/receipt.pdf").status_code == 404
    assert Entry.objects.count() == 1


def test_bad_input_is_a_4xx_never_a_500(client_as, clerk_a, world):
    client = client_as(clerk_a)
    for payload in (
        {**DEPOSIT, "amount": "many"},
        {**DEPOSIT, "amount": 10**20},
        {**DEPOSIT, "citizen_id": "x" * 39},
        {**DEPOSIT, "book_number": "\x00\x00\x00\x00\x00\x00"},
        {**DEPOSIT, "partner": "nobody"},
        {},
    ):
        assert _post(client, "savings/deposits", payload).status_code in (400, 422)
    assert _post(client, "savings/deposits", DEPOSIT, key="x" * 65).status_code == 400
    assert not Entry.objects.exists()


def test_the_receipt_is_an_a6_pdf(client_as, clerk_a, world):
    tx = deposit(clerk_a, world.point_a)
    response = client_as(clerk_a).get(f"/api/agency/operations/{tx.reference}/receipt.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert pdf_size_mm(response.content) == (105, 148)
    text = pdf_text(response.content)
    assert "GỬI TIẾT KIỆM" in text
    assert "TK240001000001" in text
    assert "10.000.000" in text


def test_a_remittance_sent_and_paid_through_the_api(client_as, clerk_a, clerk_b, world, fund):
    sent = _post(
        client_as(clerk_a),
        "remittances",
        {
            "sender_name": "Hoàng Văn Nam",
            "sender_citizen_id": CID,
            "recipient_name": "Lý Thị Mai",
            "recipient_citizen_id": RECIPIENT_CID,
            "destination_point": "240002",
            "amount": 2_000_000,
        },
    )
    assert sent.status_code == 201
    body = sent.json()
    assert (body["fee"], body["vat"], body["total"], body["status"]) == (
        16_000,
        1_600,
        2_017_600,
        "sent",
    )
    fund(world.point_b, 3_000_000)
    client = client_as(clerk_b)
    seen = client.get(f"/api/agency/remittances/{body['reference']}")
    assert seen.status_code == 200
    assert "secret_code" not in seen.json()
    pay = {"secret_code": body["secret_code"], "recipient_citizen_id": RECIPIENT_CID}
    paid = _post(client, f"remittances/{body['reference']}/pay", pay, key="p1")
    assert paid.status_code == 200
    assert paid.json()["status"] == "paid"
    twice = _post(client, f"remittances/{body['reference']}/pay", pay, key="p2")
    assert twice.status_code == 400
    assert Remittance.objects.get().paid_reference == paid.json()["paid_reference"]


def test_the_figures_through_the_api(client_as, clerk_a, director, world):
    deposit(clerk_a, world.point_a)
    client = client_as(director)
    mobilised = client.get("/api/agency/savings/mobilised?unit=UA")
    assert mobilised.status_code == 200
    assert mobilised.json()["balance"] == 10_000_000
    assert mobilised.json()["rows"][0]["point"] == "240001"
    assert client.get("/api/agency/savings/mobilised?unit=BDT04").status_code == 404
    opened = client.get("/api/agency/payment-accounts/opened?year=2026")
    assert opened.status_code == 200
    assert opened.json()["total"] == 0
    assert client.get("/api/agency/payment-accounts/opened?year=99999").status_code == 400


def test_an_account_opened_and_a_loan_repaid_through_the_api(client_as, clerk_a, world):
    client = client_as(clerk_a)
    opened = _post(
        client,
        "payment-accounts",
        {
            "customer_name": "Đinh Văn Hùng",
            "citizen_id": CID,
            "phone": "0987654321",
            "partner": "postpay",
            "account_number": "0987654321",
            "channel": "online",
        },
        key="a",
    )
    assert opened.status_code == 201
    assert opened.json()["commission"] == 30_000
    repaid = _post(
        client,
        "credit/repayments",
        {"contract_number": "HD-001", "borrower_name": "Vi Văn Toàn", "amount": 1_500_000},
        key="b",
    )
    assert repaid.status_code == 201
    assert repaid.json()["commission"] == 3_000
    referred = _post(
        client,
        "credit/referrals",
        {
            "applicant_name": "Nông Thị Lan",
            "citizen_id": CID,
            "phone": "0912345678",
            "amount_requested": 30_000_000,
        },
        key="c",
    )
    assert referred.status_code == 201
    assert SavingsBook.objects.count() == 0
    assert Entry.objects.count() == 2
