"""/api/cashless/."""

from __future__ import annotations

import io
from typing import Any

from buudien.cashless.models import PaymentRequest
from buudien.core.bizdays import local_today

BASE = "/api/cashless"


def test_a_request_is_made_once_per_key(client_as: Any, clerk_a: Any, bank: Any) -> None:
    client = client_as(clerk_a)
    body = {"amount": 85000, "purpose": "Cước EMS", "reference": "RR1"}
    first = client.post(
        f"{BASE}/requests", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    again = client.post(
        f"{BASE}/requests", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    data = first.json()
    assert (data["point"], data["amount"], data["status"], data["kind"]) == (
        "240001",
        85000,
        "pending",
        "counter_payment",
    )
    assert PaymentRequest.objects.count() == 1
    got = client.get(f"{BASE}/requests/{data['id']}")
    assert got.json()["payload"] == data["payload"]
    decoded = client.post(
        f"{BASE}/decode", {"payload": data["payload"]}, content_type="application/json"
    )
    assert decoded.json()["amount"] == 85000 and decoded.json()["valid"] is True


def test_no_key_no_request(client_as: Any, clerk_a: Any, bank: Any) -> None:
    response = client_as(clerk_a).post(
        f"{BASE}/requests", {"amount": 1}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "idempotency_key"
    assert not PaymentRequest.objects.exists()


def test_confirm_and_cancel(
    client_as: Any, accountant: Any, make_request: Any, fund: Any, world: Any, english: Any
) -> None:
    fund(world.point_a, 500_000)
    payment = make_request(amount=100_000)
    client = client_as(accountant)
    url = f"{BASE}/requests/{payment.pk}/confirm"
    body = {"bank_reference": "FT1", "paid_on": local_today().isoformat()}
    first = client.post(url, body, content_type="application/json")
    again = client.post(url, body, content_type="application/json")
    assert first.status_code == again.status_code == 200
    assert first.json()["entry"] == again.json()["entry"] is not None
    cancel = client.post(
        f"{BASE}/requests/{payment.pk}/cancel", {}, content_type="application/json"
    )
    assert cancel.status_code == 400
    assert "cannot be cancelled" in cancel.json()["detail"]


def test_a_clerk_may_not_confirm(client_as: Any, clerk_a: Any, make_request: Any) -> None:
    payment = make_request()
    response = client_as(clerk_a).post(
        f"{BASE}/requests/{payment.pk}/confirm",
        {"bank_reference": "FT1"},
        content_type="application/json",
    )
    assert response.status_code == 403
    payment.refresh_from_db()
    assert payment.status == "pending"


def test_outsiders_get_404(client_as: Any, outsider: Any, make_request: Any) -> None:
    payment = make_request()
    client = client_as(outsider)
    assert client.get(f"{BASE}/requests/{payment.pk}").status_code == 404
    assert client.get(f"{BASE}/requests").json() == []


def test_a_broken_payload_is_400(client_as: Any, clerk_a: Any, english: Any) -> None:
    response = client_as(clerk_a).post(
        f"{BASE}/decode", {"payload": "000201630400AA"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "CRC" in response.json()["detail"]


def test_statement_import_and_points(
    client_as: Any, accountant: Any, make_request: Any, fund: Any, world: Any
) -> None:
    fund(world.point_a, 500_000)
    payment = make_request(amount=70_000)
    data = io.BytesIO(
        f"date,amount,description,bank_reference\n{local_today()},70000,{payment.code},FT1\n".encode()
    )
    data.name = "s.csv"
    client = client_as(accountant)
    response = client.post(f"{BASE}/statements", {"file": data})
    assert response.status_code == 201
    assert [line["request"] for line in response.json()["matched"]] == [payment.code]
    points = client.get(f"{BASE}/points?province=20").json()
    assert points["count"] == 1
    assert points["points"][0]["code"] == "240001"
    assert points["points"][0]["payments"] == 1


def test_a_bad_statement_answers_every_problem(client_as: Any, accountant: Any, bank: Any) -> None:
    data = io.BytesIO(b"date,amount,description\nx,y,z\n")
    data.name = "s.csv"
    response = client_as(accountant).post(f"{BASE}/statements", {"file": data})
    assert response.status_code == 400
    columns = {(e["row"], e["column"]) for e in response.json()["errors"]}
    assert columns == {(1, "bank_reference"), (2, "date"), (2, "amount")}
