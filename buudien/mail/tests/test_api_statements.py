"""How many statements a counter's acceptance through the API sends to the database (#19):
at most 12 on PostgreSQL, counted over the whole request of a clerk with a token, in its
own transaction (as served, not inside a test's), after a first acceptance has let the
process learn what it keeps (the ledger's accounts)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from buudien.core.models import AuditEntry
from buudien.finance.models import Account, Entry, Transfer
from buudien.mail.models import PostalItem, TrackingEvent
from buudien.mail.tests.factories import tariffs_for_all_services
from buudien.people.services import api_token_create

pytestmark = pytest.mark.django_db(transaction=True)

# At most, per database: SQLite writes the ledger's balances, transfers and three rollups
# one statement each, PostgreSQL in one (ledger._write_postings).
MOST = {"postgresql": 12, "sqlite": 16}

ITEM = {
    "service": "registered",
    "sender_name": "Nguyễn Văn An",
    "recipient_name": "Hoàng Thị Bình",
    "recipient_address": "Thôn Pò Mỏ",
    "recipient_commune_code": "06002",
    "weight_g": 18,
}


def _accept(client, headers, key):
    return client.post(
        "/api/mail/items",
        data=json.dumps(ITEM),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **headers,
    )


def test_an_acceptance_through_the_api_takes_at_most_12_statements(client, clerk_a, world):
    tariffs_for_all_services()
    _token, secret = api_token_create(actor=None, user=clerk_a, name="counter")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert _accept(client, headers, "pos-1").status_code == 201  # the process learns

    with CaptureQueriesContext(connection) as statements:
        response = _accept(client, headers, "pos-2")

    sent = [query["sql"] for query in statements.captured_queries]
    assert response.status_code == 201
    assert len(sent) <= MOST[connection.vendor], "\n".join(sent)
    # The token's last use was written by the first request: at most once a minute.
    assert not [sql for sql in sent if sql.startswith('UPDATE "people_apitoken"')]
    # Nothing of the acceptance was spared: the item, its event, its balanced fee, its audit.
    s10 = response.json()["s10"]
    item = PostalItem.objects.get(s10=s10)
    assert TrackingEvent.objects.filter(item=item, code="EMA").count() == 1
    entry = Entry.objects.get(idempotency_key=f"mail:fee:{item.pk}")
    assert sum(entry.transfers.values_list("amount", flat=True)) == item.price_total
    drawer = Account.objects.get(code="1111.240001")
    assert drawer.balance == 2 * item.price_total
    assert AuditEntry.objects.filter(action="mail.accept", object_id=str(item.pk)).count() == 1


def test_a_retry_returns_the_same_item_and_posts_nothing_again(client, clerk_a, world):
    tariffs_for_all_services()
    _token, secret = api_token_create(actor=None, user=clerk_a, name="counter")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    first = _accept(client, headers, "pos-1")

    again = _accept(client, headers, "pos-1")
    other = client.post(
        "/api/mail/items",
        data=json.dumps({**ITEM, "weight_g": 40}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="pos-1",
        **headers,
    )

    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 400)
    assert again.json() == first.json()
    assert other.json()["field"] == "idempotency_key"
    assert PostalItem.objects.count() == Entry.objects.count() == 1
    assert Transfer.objects.count() == 2
    assert AuditEntry.objects.filter(action="mail.accept").count() == 1
