"""How many statements a bill collected through the API sends to the database (#19): at
most 10 on PostgreSQL, counted over the whole request of a clerk with a token, in its own
transaction (as served, not inside a test's), after a first bill has let the process learn
what it keeps (the ledger's accounts)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from buudien.collection.models import Bill
from buudien.collection.tests.conftest import PROVINCE, balance
from buudien.core.models import AuditEntry
from buudien.finance.models import Entry
from buudien.people.services import api_token_create

pytestmark = pytest.mark.django_db(transaction=True)

# At most, per database: SQLite writes the ledger's balances, transfers and three rollups
# one statement each, PostgreSQL in one (ledger._write_postings).
MOST = {"postgresql": 10, "sqlite": 14}

BILL = {
    "partner": "evn",
    "customer_name": "Phạm Thị Dung",
    "period": "10/2026",
    "amount": 1_250_000,
}


def _collect(client, headers, key, customer):
    return client.post(
        "/api/collection/bills",
        {**BILL, "customer_code": customer},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **headers,
    )


@pytest.fixture
def headers(clerk_a):
    _token, secret = api_token_create(actor=None, user=clerk_a, name="counter")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_bill_through_the_api_takes_at_most_10_statements(client, headers, evn):
    assert _collect(client, headers, "pos-1", "PA01").status_code == 201  # the process learns

    with CaptureQueriesContext(connection) as statements:
        response = _collect(client, headers, "pos-2", "PA02")

    sent = [query["sql"] for query in statements.captured_queries]
    assert response.status_code == 201
    assert len(sent) <= MOST[connection.vendor], "\n".join(sent)
    # The token's last use was written by the first request: at most once a minute.
    assert not [sql for sql in sent if sql.startswith('UPDATE "people_apitoken"')]
    body = response.json()
    assert (body["point_code"], body["clerk"], body["partner"]) == ("240001", "clerk_a", "evn")
    assert (body["amount"], body["commission"], body["status"]) == (1_250_000, 2_750, "collected")
    bill = Bill.objects.get(reference=body["reference"])
    assert bill.entry is not None and bill.entry.business_date == bill.business_date
    assert balance(PROVINCE, "1111.240001") == 2 * 1_250_000
    assert AuditEntry.objects.filter(action="collection.bill", object_id=str(bill.pk)).count() == 1


def test_a_retry_returns_the_same_bill_and_the_same_bill_twice_is_refused(client, headers, evn):
    first = _collect(client, headers, "pos-1", "PA01")

    again = _collect(client, headers, "pos-1", "PA01")
    reused = _collect(client, headers, "pos-1", "PA02")
    twice = _collect(client, headers, "pos-2", "PA01")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert (reused.status_code, reused.json()["field"]) == (400, "idempotency_key")
    assert (twice.status_code, twice.json()["field"]) == (400, "customer_code")
    assert first.json()["reference"] in twice.json()["detail"]  # the bill that took it
    assert (Bill.objects.count(), Entry.objects.count()) == (1, 1)
    assert balance(PROVINCE, "1111.240001") == 1_250_000
    assert AuditEntry.objects.filter(action="collection.bill").count() == 1
