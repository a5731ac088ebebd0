"""/api/finance/: manual entries by accountants (idempotent), reversals, closing days; and
each refusal with a clear message and nothing changed."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from buudien.core.bizdays import local_today
from buudien.core.models import AuditEntry
from buudien.finance.models import Account, BusinessDay, Entry, Transfer
from buudien.finance.tests.conftest import PROVINCE, balances

pytestmark = pytest.mark.django_db

TODAY = local_today()
YESTERDAY = TODAY - dt.timedelta(days=1)


def _post(client, url, payload, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(
        url, data=json.dumps(payload), content_type="application/json", headers=headers
    )


def _expense(amount=250_000, debit="642", credit="1111.240001", **extra):
    return {
        "kind": "expense",
        "province_code": PROVINCE,
        "reference": "invoice:0001234",
        "memo": "Văn phòng phẩm",
        "legs": [{"debit": debit, "credit": credit, "amount": amount}],
        **extra,
    }


def _state():
    return Entry.objects.count(), Transfer.objects.count(), balances()


@pytest.fixture
def funded(world, drawer_a, fund):
    fund(drawer_a, 1_000_000)
    return drawer_a


def test_an_accountant_posts_an_expense_once_whatever_the_retries(funded, accountant, client_as):
    client = client_as(accountant)
    first = _post(client, "/api/finance/entries", _expense(), key="exp-1")
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["kind"], body["business_date"], body["created_by"]) == (
        "expense",
        TODAY.isoformat(),
        "accountant",
    )
    assert [(t["debit"], t["credit"], t["amount"]) for t in body["transfers"]] == [
        ("642", "1111.240001", 250_000)
    ]
    before = _state()
    again = _post(client, "/api/finance/entries", _expense(), key="exp-1")
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    assert _state() == before
    assert balances()["1111.240001"] == 750_000
    assert (
        AuditEntry.objects.filter(action="ledger.expense", object_id=str(body["id"])).count() == 1
    )


def test_the_key_may_come_in_the_body(funded, accountant, client_as):
    response = _post(client_as(accountant), "/api/finance/entries", _expense(idempotency_key="b1"))
    assert response.status_code == 201
    assert Entry.objects.filter(idempotency_key="b1").exists()


def test_a_used_key_with_another_body_is_refused(funded, accountant, client_as):
    client = client_as(accountant)
    _post(client, "/api/finance/entries", _expense(), key="exp-1")
    before = _state()
    response = _post(client, "/api/finance/entries", _expense(amount=250_001), key="exp-1")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Idempotency key reused with a different request")
    assert _state() == before


def test_an_entry_needs_an_idempotency_key(funded, accountant, client_as):
    before = _state()
    response = _post(client_as(accountant), "/api/finance/entries", _expense())
    assert response.status_code == 400
    assert "idempotency key is required" in response.json()["detail"]
    assert _state() == before


@pytest.mark.parametrize(
    ("amount", "status", "detail"),
    [
        (0, 400, "An amount must be more than zero, not 0."),
        (-100, 400, "An amount must be more than zero, not -100."),
        (2.5, 422, None),
        ("100", 422, None),
    ],
)
def test_it_refuses_amounts_that_are_not_positive_whole_dong(
    funded, accountant, client_as, amount, status, detail
):
    before = _state()
    response = _post(client_as(accountant), "/api/finance/entries", _expense(amount), key="x")
    assert response.status_code == status
    if detail:
        assert response.json()["detail"] == detail
    else:  # not even an integer: the schema refuses it and names the field
        assert response.json()["errors"][0]["loc"][-1] == "amount"
    assert _state() == before


def test_it_refuses_to_overdraw_the_drawer(funded, accountant, client_as):
    before = _state()
    response = _post(client_as(accountant), "/api/finance/entries", _expense(1_000_001), key="x")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"Not enough money in {Account.objects.get(code='1111.240001').name}: "
        "balance 1.000.000\xa0₫, needed 1.000.001\xa0₫."
    )
    assert response.json()["field"] == "amount"
    assert _state() == before


def test_it_refuses_an_unknown_account(funded, accountant, client_as):
    before = _state()
    response = _post(
        client_as(accountant), "/api/finance/entries", _expense(debit="6429.nowhere"), key="x"
    )
    assert response.status_code == 404
    assert response.json()["detail"] == ("No account 6429.nowhere in province 20 that you may use.")
    assert _state() == before


def test_it_refuses_kinds_that_their_own_service_posts(funded, accountant, client_as):
    payload = {**_expense(), "kind": "fee"}
    response = _post(client_as(accountant), "/api/finance/entries", payload, key="x")
    assert response.status_code == 400
    assert "posted by their own service" in response.json()["detail"]
    assert Entry.objects.count() == 1


def test_a_clerk_may_not_post_entries_by_hand(funded, clerk_a, client_as):
    before = _state()
    response = _post(client_as(clerk_a), "/api/finance/entries", _expense(), key="x")
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Only an accountant or an administrator may post entries by hand."
    )
    assert _state() == before


def test_a_clerk_of_another_point_cannot_reach_the_drawer(funded, clerk_b, client_as):
    """Clerk B is refused on two counts: the role, and point A's drawer is not theirs."""
    response = _post(client_as(clerk_b), "/api/finance/entries", _expense(), key="x")
    assert response.status_code == 403
    assert Entry.objects.count() == 1


def test_an_accountant_at_a_point_uses_only_that_points_drawer(funded, world, client_as):
    from buudien.people.tests.factories import UserFactory

    accountant_b = UserFactory(role="accountant", unit=world.province, point=world.point_b)
    before = _state()
    response = _post(client_as(accountant_b), "/api/finance/entries", _expense(), key="x")
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "You may only use the cash drawer of your own point, not 1111.240001."
    )
    assert _state() == before


def test_an_accountant_of_a_commune_post_cannot_reach_province_accounts(funded, world, client_as):
    from buudien.people.tests.factories import UserFactory

    local = UserFactory(role="accountant", unit=world.unit_a)
    before = _state()
    response = _post(client_as(local), "/api/finance/entries", _expense(), key="x")
    assert response.status_code == 404
    assert "No account 642" in response.json()["detail"]
    assert _state() == before


def test_a_closed_day_refuses_then_takes_a_late_entry(funded, accountant, client_as):
    client = client_as(accountant)
    closed = client.post(f"/api/finance/days/{YESTERDAY.isoformat()}/close?province={PROVINCE}")
    assert closed.status_code == 200
    assert closed.json()["closed_by"] == "accountant"
    before = _state()
    payload = _expense(business_date=YESTERDAY.isoformat())
    refused = _post(client, "/api/finance/entries", payload, key="late-1")
    assert refused.status_code == 400
    assert refused.json()["detail"].startswith(f"The business day {YESTERDAY:%d/%m/%Y} is closed")
    assert _state() == before
    late = _post(client, "/api/finance/entries", {**payload, "late": True}, key="late-1")
    assert late.status_code == 201
    assert (late.json()["business_date"], late.json()["late_for"]) == (
        TODAY.isoformat(),
        YESTERDAY.isoformat(),
    )


def test_a_clerk_cannot_close_a_day(world, clerk_a, client_as):
    response = client_as(clerk_a).post(f"/api/finance/days/{TODAY.isoformat()}/close")
    assert response.status_code == 403
    assert not BusinessDay.objects.exists()


def test_an_entry_is_reversed_once_and_a_reversal_never(funded, accountant, client_as):
    client = client_as(accountant)
    entry = _post(client, "/api/finance/entries", _expense(), key="exp-1").json()
    url = f"/api/finance/entries/{entry['id']}/reverse"
    reversal = _post(client, url, {"memo": "double entry"}, key="rev-1")
    assert reversal.status_code == 201, reversal.content
    assert reversal.json()["reverses"] == entry["id"]
    assert balances()["1111.240001"] == 1_000_000
    assert _post(client, url, {}, key="rev-1").json()["id"] == reversal.json()["id"]
    before = _state()
    twice = _post(client, url, {}, key="rev-2")
    assert twice.status_code == 400
    assert twice.json()["detail"] == (
        f"Entry #{entry['id']} was already reversed by entry #{reversal.json()['id']}."
    )
    again = _post(client, f"/api/finance/entries/{reversal.json()['id']}/reverse", {}, key="r3")
    assert again.status_code == 400
    assert again.json()["detail"] == "A reversal cannot be reversed: post a new entry instead."
    assert _state() == before


def test_a_clerk_cannot_reverse_and_an_outsider_cannot_see(
    funded, accountant, clerk_a, outsider, client_as
):
    entry = _post(client_as(accountant), "/api/finance/entries", _expense(), key="e").json()
    url = f"/api/finance/entries/{entry['id']}/reverse"
    assert _post(client_as(clerk_a), url, {}, key="r").status_code == 403
    assert _post(client_as(outsider), url, {}, key="r").status_code == 403
    assert client_as(outsider).get(f"/api/finance/entries/{entry['id']}").status_code == 404
    assert Entry.objects.count() == 2


def test_the_openapi_document_lists_the_finance_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in [
        "/api/finance/trial-balance",
        "/api/finance/accounts/{code}/statement",
        "/api/finance/entries",
        "/api/finance/entries/{entry_id}/reverse",
        "/api/finance/days/{day}/close",
    ]:
        assert path in paths
