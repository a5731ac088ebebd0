"""/api/telecom/: sales once per key, codes in clear in the sale's answer only, junk input
answered with a 4xx and a message (never a 500), imports refused by row and column."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.telecom.models import Pin, Topup
from buudien.telecom.tests.conftest import VIETTEL_PHONE, VINA_PHONE, pins_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _post(client: Any, path: str, payload: Any, key: str | None = "k1") -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(f"/api/telecom/{path}", payload, content_type="application/json", **headers)


def test_operators_and_a_topup_once_per_key(client_as, clerk_a, operators):
    client = client_as(clerk_a)
    listed = client.get("/api/telecom/operators").json()
    assert [op["code"] for op in listed] == ["mobifone", "viettel", "vinaphone"]

    made = _post(client, "topups", {"phone": VIETTEL_PHONE, "amount": 50_000})
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["operator"], body["amount"], body["commission"]) == ("viettel", 50_000, 2_000)
    again = _post(client, "topups", {"phone": VIETTEL_PHONE, "amount": 50_000})
    assert again.json()["reference"] == body["reference"]
    assert Topup.objects.count() == 1
    read = client.get(f"/api/telecom/topups/{body['reference']}")
    assert read.json()["phone"] == VIETTEL_PHONE


@pytest.mark.parametrize(
    ("payload", "key", "status", "field"),
    [
        ({"phone": VINA_PHONE, "amount": 50_000, "operator": "viettel"}, "a", 400, "phone"),
        ({"phone": VIETTEL_PHONE, "amount": 12_345}, "b", 400, "amount"),
        ({"phone": VIETTEL_PHONE, "amount": 50_000}, None, 400, "idempotency_key"),
        ({"phone": "\x00", "amount": "lots"}, "c", 422, None),
        ({"phone": VIETTEL_PHONE, "amount": 50_000, "point": "240002"}, "d", 404, "point"),
    ],
)
def test_bad_topups_are_refused_with_a_message(
    client_as, clerk_a, operators, payload, key, status, field
):
    answer = _post(client_as(clerk_a), "topups", payload, key)
    assert answer.status_code == status, answer.content
    assert answer.json()["detail"]
    if field:
        assert answer.json().get("field") == field
    assert Topup.objects.count() == 0


def test_a_code_sale_shows_the_codes_in_its_answer_only(client_as, clerk_a, director, stocked):
    client = client_as(clerk_a)
    sold = _post(client, "pin-sales", {"operator": "viettel", "face_value": 100_000, "quantity": 2})
    assert sold.status_code == 201, sold.content
    body = sold.json()
    assert body["shown"] is True
    assert [p["code"] for p in body["pins"]] == ["123456789012301", "123456789012302"]

    retry = _post(
        client, "pin-sales", {"operator": "viettel", "face_value": 100_000, "quantity": 2}
    )
    assert retry.json()["shown"] is False
    assert [p["code"] for p in retry.json()["pins"]] == [None, None]
    later = client_as(director).get(f"/api/telecom/pin-sales/{body['reference']}").json()
    assert [p["masked"] for p in later["pins"]] == ["•••• •••• 2301", "•••• •••• 2302"]
    assert "123456789012301" not in str(later)

    client = client_as(clerk_a)
    stock = client.get("/api/telecom/pins/stock").json()
    assert [(s["face_value"], s["available"], s["sold"]) for s in stock] == [
        (50_000, 2, 0),
        (100_000, 1, 2),
    ]
    short = _post(
        client, "pin-sales", {"operator": "viettel", "face_value": 100_000, "quantity": 2}, "k2"
    )
    assert short.status_code == 400 and short.json()["field"] == "quantity", short.json()


def test_an_import_through_the_api_all_or_nothing(client_as, accountant, clerk_a, operators):
    client = client_as(accountant)
    bad = client.post(
        "/api/telecom/pins/import",
        {"file": pins_file([("VT1", "1", 100_000)]), "operator": "viettel"},
    )
    assert bad.status_code == 400
    assert {(e["row"], e["column"]) for e in bad.json()["errors"]} == {(2, "serial"), (2, "code")}
    good = client.post(
        "/api/telecom/pins/import",
        {"file": pins_file([("VT9000000001", "555566667777", 20_000)]), "operator": "viettel"},
    )
    assert good.status_code == 201 and good.json()["count"] == 1
    refused = client_as(clerk_a).post(
        "/api/telecom/pins/import",
        {"file": pins_file([("VT9000000002", "555566667778", 20_000)]), "operator": "viettel"},
    )
    assert refused.status_code == 403
    assert Pin.objects.count() == 1


def test_figures_of_a_year(client_as, clerk_a, director, operators):
    _post(client_as(clerk_a), "topups", {"phone": VIETTEL_PHONE, "amount": 100_000})
    year = Topup.objects.get().business_date.year
    body = client_as(director).get(f"/api/telecom/figures?year={year}").json()
    assert (body["total"]["sales"], body["total"]["amount"], body["total"]["commission"]) == (
        1,
        100_000,
        4_000,
    )
    assert body["per_operator"][0]["code"] == "viettel"
    assert body["previous"]["sales"] is None
    assert client_as(director).get("/api/telecom/figures?year=1900").status_code == 400
