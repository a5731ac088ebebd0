"""An entry reversed by hand is a cancellation like any other (counter.cancellations): a
reason, kept as the reversal's memo and in the audit log; above the amount a clerk cancels
alone (the entry's total) the reversal waits for a director or another accountant."""

from __future__ import annotations

import json

import pytest

from buudien.core.models import AuditEntry
from buudien.counter.models import CancelRequest
from buudien.finance.models import Entry
from buudien.finance.tests.conftest import PROVINCE, balances

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _post(client, url, payload, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(
        url, data=json.dumps(payload), content_type="application/json", headers=headers
    )


def _expense(client, amount):
    payload = {
        "kind": "expense",
        "province_code": PROVINCE,
        "reference": "invoice:0001234",
        "legs": [{"debit": "642", "credit": "1111.240001", "amount": amount}],
    }
    answer = _post(client, "/api/finance/entries", payload, key=f"exp-{amount}")
    assert answer.status_code == 201, answer.content
    return answer.json()["id"]


@pytest.fixture
def funded(world, drawer_a, fund):
    fund(drawer_a, 10_000_000)
    return drawer_a


def test_a_reversal_without_a_reason_is_refused(funded, accountant, client_as):
    client = client_as(accountant)
    entry = _expense(client, 250_000)

    bare = _post(client, f"/api/finance/entries/{entry}/reverse", {}, key="r1")
    done = _post(client, f"/api/finance/entries/{entry}/reverse", {"reason": "Ghi trùng"}, key="r1")

    assert (bare.status_code, bare.json()["field"]) == (400, "reason")
    assert bare.json()["detail"] == "The reason is required."
    assert done.status_code == 201
    assert Entry.objects.get(pk=done.json()["id"]).memo == "Ghi trùng"
    assert AuditEntry.objects.get(action="finance.entry_reverse").after["reason"] == "Ghi trùng"


def test_a_large_reversal_waits_for_another_supervisor(funded, accountant, director, client_as):
    client = client_as(accountant)
    entry = _expense(client, 6_000_000)
    url = f"/api/finance/entries/{entry}/reverse"

    asked = _post(client, url, {"reason": "Ghi nhầm tài khoản"}, key="r2")

    assert asked.status_code == 202
    assert (asked.json()["kind"], asked.json()["amount"]) == ("finance.entry", 6_000_000)
    assert not Entry.objects.filter(reverses_id=entry).exists()
    assert balances()["1111.240001"] == 4_000_000
    request = CancelRequest.objects.get()
    own = _post(client, f"/api/counter/cancellations/{request.pk}/approve", {})
    assert own.status_code == 403

    approved = _post(client_as(director), f"/api/counter/cancellations/{request.pk}/approve", {})

    assert approved.status_code == 200
    reversal = Entry.objects.get(reverses_id=entry)
    assert (reversal.memo, reversal.idempotency_key) == ("Ghi nhầm tài khoản", "r2")
    assert balances()["1111.240001"] == 10_000_000
    again = _post(client_as(accountant), url, {}, key="r2")  # a retry: the reversal posted
    assert (again.status_code, again.json()["id"]) == (201, reversal.pk)
