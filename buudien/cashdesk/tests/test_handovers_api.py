"""The API of cash handed over: recorded, listed for who it waits for, confirmed, approved or
refused; the same rules as the services, 4xx for a refusal, a retry booked once."""

from __future__ import annotations

import pytest

from buudien.cashdesk.models import CashHandover
from buudien.cashdesk.tests.conftest import balance
from buudien.finance.models import Entry

pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_a_deposit_above_the_amount_is_approved_on_the_api(
    world, clerk_a, accountant, drawer_a, fund, client_as, banks_open, limit
):
    fund(drawer_a, 5_000_000)
    body = {"idempotency_key": "api-1", "point": "240001", "amount": 3_000_000, "bank": "bidv"}
    made = _post(client_as(clerk_a), "/api/cashdesk/handovers", body)
    assert made.status_code == 201
    handover = made.json()
    assert (handover["status"], handover["settled_entry_id"]) == ("pending", None)
    assert balance("113.cash") == 3_000_000 and balance("1111.240001") == 2_000_000

    # The clerk lists it as theirs, waiting; it waits for no clerk.
    client = client_as(clerk_a)
    pending = client.get("/api/cashdesk/handovers?status=pending").json()
    assert [h["id"] for h in pending] == [handover["id"]]
    assert client.get("/api/cashdesk/handovers?awaiting=true").json() == []
    refused = _post(client, f"/api/cashdesk/handovers/{handover['id']}/approve")
    assert refused.status_code == 403 and "kế toán" in refused.json()["detail"]

    client = client_as(accountant)
    waiting = client.get("/api/cashdesk/handovers?awaiting=true").json()
    assert [h["id"] for h in waiting] == [handover["id"]]
    wrong = _post(client, f"/api/cashdesk/handovers/{handover['id']}/confirm")
    assert wrong.status_code == 400
    approved = _post(client, f"/api/cashdesk/handovers/{handover['id']}/approve")
    again = _post(client, f"/api/cashdesk/handovers/{handover['id']}/approve")
    assert approved.status_code == again.status_code == 200
    assert approved.json()["status"] == "confirmed"
    assert again.json()["settled_entry_id"] == approved.json()["settled_entry_id"] is not None
    assert balance("113.cash") == 0 and balance("1121.bidv") == 3_000_000
    assert client.get("/api/cashdesk/handovers?awaiting=true").json() == []


def test_cash_for_another_safe_is_refused_on_the_api_with_a_reason(
    world, clerk_a, clerk_b, outsider, drawer_a, fund, client_as
):
    fund(drawer_a, 400_000)
    body = {"idempotency_key": "api-2", "point": "240001", "amount": 400_000, "to_point": "240002"}
    handover = _post(client_as(clerk_a), "/api/cashdesk/handovers", body).json()
    url = f"/api/cashdesk/handovers/{handover['id']}"
    assert client_as(outsider).get(url).status_code == 404
    assert _post(client_as(outsider), f"{url}/refuse", {"reason": "x"}).status_code == 404
    client = client_as(clerk_b)
    assert client.get(url).json()["status"] == "pending"
    entries = Entry.objects.count()
    assert _post(client, f"{url}/refuse", {"reason": ""}).status_code == 400
    assert _post(client, f"{url}/refuse", {}).status_code == 422
    assert Entry.objects.count() == entries
    refused = _post(client, f"{url}/refuse", {"reason": "Không nhận được tiền"})
    assert refused.status_code == 200
    assert (refused.json()["status"], refused.json()["refusal"]) == (
        "refused",
        "Không nhận được tiền",
    )
    assert _post(client, f"{url}/confirm").status_code == 400
    assert balance("1111.240001") == 400_000 and balance("113.cash") == 0
    assert CashHandover.objects.get().decided_by == clerk_b
