"""/api/mail/: accept, read, list, quote, and the PDFs; 4xx for every bad input."""

from __future__ import annotations

import json

import pytest

from buudien.core.models import AuditEntry
from buudien.core.s10 import s10_is_valid
from buudien.finance.models import Entry
from buudien.mail.models import PostalItem, TrackingEvent
from buudien.mail.tests.factories import ItemFactory, tariffs_for_all_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tariffs(db):
    return tariffs_for_all_services()


def _post(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def _payload(**changes):
    payload = {
        "service": "registered",
        "sender_name": "Nguyễn Văn An",
        "recipient_name": "Hoàng Thị Bình",
        "recipient_address": "Thôn Pò Mỏ",
        "recipient_commune_code": "06002",
        "weight_g": 18,
    }
    payload.update(changes)
    return payload


def _nothing_written():
    return not (
        PostalItem.objects.exists() or TrackingEvent.objects.exists() or Entry.objects.exists()
    )


def test_it_accepts_an_item_with_its_price_breakdown(client_as, clerk_a, world):
    response = _post(
        client_as(clerk_a),
        "/api/mail/items",
        _payload(addons=["ar"], declared_value=1_000_000, cod_amount=500_000),
    )
    assert response.status_code == 201
    body = response.json()
    assert s10_is_valid(body["s10"]) and body["s10"].startswith("RR")
    assert body["accepted_point_code"] == "240001"  # the clerk's own point
    assert body["delivery_point_code"] == "240002"
    assert body["recipient_commune"]["name"] == "Xã Chi Lăng"
    assert body["price"] == {
        "base": 13_000,
        "surcharge": 0,
        "addons": 17_000,  # AR 5,000 + COD fee 12,000
        "vat_rate_bp": 800,
        "vat": 2_400,
        "total": 32_400,
    }
    assert body["status"] == "accepted" and body["last_event_code"] == "EMA"
    assert body["tracking_url"] == f"/tracking/{body['s10']}"


def test_it_reads_an_item_and_lists_items_with_filters(client_as, clerk_a, director, world):
    letter = ItemFactory(actor=clerk_a, point=world.point_a, recipient_commune=world.commune_b)
    parcel = ItemFactory(
        actor=clerk_a,
        point=world.point_a,
        recipient_commune=world.commune_b,
        service="parcel",
        weight_g=800,
    )
    client = client_as(director)
    body = client.get(f"/api/mail/items/{letter.s10.lower()}").json()
    assert (body["s10"], body["price"]["total"]) == (letter.s10, 14_040)
    listed = client.get("/api/mail/items", {"service": "parcel", "point": "240001"}).json()
    assert [row["s10"] for row in listed["items"]] == [parcel.s10]
    day = letter.accepted_on.isoformat()
    listed = client.get("/api/mail/items", {"date_from": day, "date_to": day}).json()
    assert listed["count"] == 2
    assert client.get("/api/mail/items", {"status": "delivered"}).json()["count"] == 0


def test_it_answers_another_points_clerk_with_403_and_writes_nothing(client_as, clerk_b, world):
    response = _post(client_as(clerk_b), "/api/mail/items", _payload(point_code="240001"))
    assert response.status_code == 403
    assert response.json()["field"] == "point"
    assert _nothing_written()


def test_it_answers_kt1_from_a_clerk_with_403(client_as, clerk_a, world):
    response = _post(client_as(clerk_a), "/api/mail/items", _payload(service="kt1", kt1_grade="A"))
    assert response.status_code == 403
    assert _nothing_written()


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"service": "parcel", "weight_g": 30_001}, 400),
        ({"service": "ordinary", "cod_amount": 10_000}, 400),
        ({"recipient_commune_code": "99999"}, 404),
        ({"recipient_commune_code": "06002", "recipient_commune_structure": "legacy"}, 404),
        ({"point_code": "999999"}, 404),
        ({"addons": ["gold"]}, 400),
        ({"weight_g": 0}, 422),
        ({"weight_g": 10**30}, 422),
        ({"weight_g": "heavy"}, 422),
        ({"length_mm": -1}, 422),
        ({"declared_value": 10**20}, 422),
        ({"service": "telegram"}, 422),
        ({"recipient_commune_code": "06\x0002"}, 422),
        ({"recipient_name": "Bình\x00"}, 400),
        ({"recipient_name": ""}, 422),
        ({"recipient_name": "x" * 201}, 422),
        ({"addons": ["a\x00"]}, 422),
        ({"kt1_grade": "Z"}, 422),
        ({"kt1_deadline": "yesterday"}, 422),
    ],
)
def test_it_answers_bad_input_with_a_4xx_and_writes_nothing(
    client_as, clerk_a, world, changes, status
):
    response = _post(client_as(clerk_a), "/api/mail/items", _payload(**changes))
    assert response.status_code == status, response.content
    assert "detail" in response.json()
    assert _nothing_written()


def test_it_answers_a_broken_body_with_a_4xx(client_as, clerk_a, world):
    client = client_as(clerk_a)
    for body in ["", "{", "[]", "null", '"x"']:
        response = client.post("/api/mail/items", data=body, content_type="application/json")
        assert 400 <= response.status_code < 500, body
    assert _nothing_written()


def test_it_needs_a_point_for_a_user_without_one(client_as, admin_user, world):
    response = _post(client_as(admin_user), "/api/mail/items", _payload())
    assert response.status_code == 400 and response.json()["field"] == "point_code"
    response = _post(client_as(admin_user), "/api/mail/items", _payload(point_code="240002"))
    assert response.status_code == 201 and response.json()["accepted_point_code"] == "240002"


def test_it_needs_a_login_to_accept(client, world):
    assert _post(client, "/api/mail/items", _payload()).status_code == 401


@pytest.mark.parametrize("s10", ["RR000000015VN", "nonsense", "RR00000001\x004VN", "x" * 300])
def test_an_unknown_or_malformed_item_is_not_found(client_as, director, world, s10):
    response = client_as(director).get(f"/api/mail/items/{s10}")
    assert response.status_code == 404


def test_a_kt1_item_is_not_found_through_the_api_but_for_the_operator(
    client_as, kt1_operator, clerk_a, director, world
):
    item = ItemFactory(
        actor=kt1_operator,
        point=world.point_a,
        recipient_commune=world.commune_b,
        service="kt1",
        kt1_grade="C",
    )
    for user in (clerk_a, director):
        client = client_as(user)
        assert client.get(f"/api/mail/items/{item.s10}").status_code == 404
        assert client.get(f"/api/mail/items/{item.s10}/label.pdf").status_code == 404
        assert client.get("/api/mail/items").json()["count"] == 0
    client = client_as(kt1_operator)
    assert client.get(f"/api/mail/items/{item.s10}").json()["kt1_grade"] == "C"
    assert AuditEntry.objects.filter(action="kt1.view").count() == 1


def test_it_serves_the_label_and_the_receipt(client_as, clerk_a, world):
    item = ItemFactory(actor=clerk_a, point=world.point_a, recipient_commune=world.commune_b)
    client = client_as(clerk_a)
    for url in (
        f"/api/mail/items/{item.s10}/label.pdf",
        f"/api/mail/items/{item.s10}/label.pdf?size=a6",
        f"/api/mail/items/{item.s10}/receipt.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    assert client.get(f"/api/mail/items/{item.s10}/label.pdf?size=a4").status_code == 422


def test_the_cod_fee_without_an_amount_is_refused_with_the_reason(
    client_as, clerk_a, world, english
):
    response = _post(client_as(clerk_a), "/api/mail/items", _payload(addons=["cod"]))
    assert response.status_code == 400
    assert response.json()["field"] == "cod_amount"
    assert response.json()["detail"] == (
        "Cash on delivery needs the amount to collect from the recipient."
    )
    assert _nothing_written()


# --- the public quote -----------------------------------------------------------------------


def test_anyone_gets_a_quote_without_logging_in(client, world):
    response = _post(
        client,
        "/api/mail/quote",
        {
            "service": "parcel",
            "origin_province": "20",
            "recipient_commune_code": "06002",
            "weight_g": 1_000,
            "length_mm": 400,
            "width_mm": 300,
            "height_mm": 200,
            "day": "2026-03-02",
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["zone"], body["volumetric_weight_g"], body["charged_weight_g"]) == (
        "province",
        4_000,
        4_000,
    )
    assert (body["base"], body["vat"], body["total"]) == (61_000, 4_880, 65_880)
    assert body["total_in_words"] == "Sáu mươi lăm nghìn tám trăm tám mươi đồng"


def test_a_quote_to_a_province_and_from_a_point(client, world):
    body = _post(
        client,
        "/api/mail/quote",
        {
            "service": "registered",
            "point_code": "240001",
            "recipient_province": "79",
            "weight_g": 20,
        },
    ).json()
    assert (body["zone"], body["total"]) == ("country", 17_280)


def test_a_quote_charges_the_cod_fee_with_an_amount_to_collect_and_only_then(client, world):
    quote = {"service": "registered", "origin_province": "20", "recipient_province": "20"}
    priced = _post(client, "/api/mail/quote", {**quote, "weight_g": 20, "cod_amount": 90_000})
    assert priced.status_code == 200
    assert [line["code"] for line in priced.json()["addon_lines"]] == ["cod"]
    assert priced.json()["total"] == 27_000  # (13,000 + 12,000) + 8 % VAT
    refused = _post(client, "/api/mail/quote", {**quote, "weight_g": 20, "addons": ["cod"]})
    assert refused.status_code == 400 and refused.json()["field"] == "cod_amount"


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"service": "registered", "weight_g": 20, "recipient_province": "79"}, 400),
        ({"service": "registered", "origin_province": "20", "weight_g": 20}, 400),
        (
            {
                "service": "registered",
                "origin_province": "20",
                "recipient_province": "79",
                "weight_g": 20,
                "day": "2020-01-01",
            },
            400,
        ),
        ({"service": "registered", "origin_province": "ab", "weight_g": 20}, 422),
        ({"service": "registered", "origin_province": "20", "weight_g": -5}, 422),
    ],
)
def test_a_bad_quote_gets_a_4xx(client, world, payload, status):
    assert _post(client, "/api/mail/quote", payload).status_code == status


def test_the_openapi_document_lists_the_mail_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/mail/items",
        "/api/mail/items/{s10}",
        "/api/mail/quote",
        "/api/mail/items/{s10}/label.pdf",
        "/api/mail/items/{s10}/receipt.pdf",
    ):
        assert path in paths, path


def test_a_retry_with_the_same_idempotency_key_accepts_the_item_once(client_as, clerk_a, world):
    client = client_as(clerk_a)

    def post(payload):
        return client.post(
            "/api/mail/items",
            data=json.dumps(payload),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="retry-1",
        )

    first, again = post(_payload()), post(_payload())
    assert first.status_code == again.status_code == 201
    assert first.json()["s10"] == again.json()["s10"]
    assert PostalItem.objects.count() == Entry.objects.count() == 1
    refused = post(_payload(weight_g=500))
    assert refused.status_code == 400
    assert PostalItem.objects.count() == 1
