"""/api/goods/: every endpoint, who may call it, idempotent writes, and junk input answered
with a 4xx and a message (never a 500)."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.finance.models import Account
from buudien.goods.models import Sale, StockLevel
from buudien.goods.tests.conftest import MILK, TEA, YOGHURT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _post(client: Any, path: str, payload: Any, key: str | None = None) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(f"/api/goods/{path}", payload, content_type="application/json", **headers)


def balance(code: str) -> int:
    return Account.objects.get(province_code="20", code=code).balance


def test_products_are_found_by_name_without_diacritics_and_by_barcode(
    client_as, clerk_a, catalogue
):
    client = client_as(clerk_a)
    found = client.get("/api/goods/products?q=sua tuoi").json()
    assert [(p["code"], p["price"], p["consignment"]) for p in found] == [("SUA180", 8_640, False)]
    assert [p["code"] for p in client.get("/api/goods/products?q=CHE").json()] == ["CHE-TN"]
    assert len(client.get("/api/goods/products").json()) == 4

    scanned = client.get(f"/api/goods/products/{TEA}")
    assert scanned.status_code == 200
    assert (scanned.json()["name"], scanned.json()["price"]) == ("Chè Thái Nguyên đặc biệt", 50_000)
    assert client.get("/api/goods/products/8934600000042").json()["price"] is None

    misread = client.get("/api/goods/products/8934600000012")
    assert misread.status_code == 400
    assert "check digit" in misread.json()["detail"]
    assert client.get("/api/goods/products/8934600000097").status_code == 404
    assert client.get("/api/goods/products/%00%00").status_code == 404


def test_stock_of_a_point_with_its_value(client_as, clerk_a, director, stocked):
    body = client_as(clerk_a).get("/api/goods/stock").json()
    assert (body["point"], body["quantity"], body["value"]) == ("240001", 19, 78_000)
    assert [(line["code"], line["quantity"], line["value"]) for line in body["lines"]] == [
        ("CHE-TN", 5, 0),
        ("SUACHUA", 4, 18_000),
        ("SUA180", 10, 60_000),
    ]
    assert client_as(clerk_a).get("/api/goods/stock?point=240002").status_code == 404
    assert client_as(director).get("/api/goods/stock?point=240001").json()["value"] == 78_000
    assert client_as(director).get("/api/goods/stock").status_code == 400  # no point of their own


def test_a_sale_through_the_api_once_per_key(client_as, clerk_a, clerk_b, stocked):
    client = client_as(clerk_a)
    order = {"lines": [{"code": MILK, "quantity": 2}, {"code": TEA, "quantity": 1}]}

    assert _post(client, "sales", order).status_code == 400  # no key
    made = _post(client, "sales", order, key="k1")
    assert made.status_code == 201
    body = made.json()
    assert (body["number"], body["total"], body["vat"]) == ("BH240001000001", 67_280, 1_280)
    assert [line["code"] for line in body["lines"]] == ["SUA180", "CHE-TN"]
    again = _post(client, "sales", order, key="k1")
    assert (again.status_code, again.json()["number"]) == (201, "BH240001000001")
    assert Sale.objects.count() == 1
    assert (
        _post(client, "sales", {"lines": [{"code": MILK, "quantity": 1}]}, key="k1").status_code
        == 400
    )

    assert client.get("/api/goods/sales/bh240001000001").json()["total"] == 67_280
    assert client_as(clerk_b).get("/api/goods/sales/BH240001000001").status_code == 404
    assert client.get("/api/goods/sales/NOPE").status_code == 404


def test_a_sale_refused_names_every_problem(client_as, clerk_a, stocked):
    client = client_as(clerk_a)
    refused = _post(
        client,
        "sales",
        {"lines": [{"code": MILK, "quantity": 11}, {"code": "XX", "quantity": 10**30}]},
        key="k1",
    )
    assert refused.status_code in (400, 422)
    refused = _post(
        client,
        "sales",
        {"lines": [{"code": MILK, "quantity": 11}, {"code": "8934600000097", "quantity": 1}]},
        key="k1",
    )
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"lines.0.quantity", "lines.1.code"}
    assert _post(client, "sales", {"lines": []}, key="k2").status_code == 400
    assert _post(client, "sales", {"lines": "milk"}, key="k3").status_code == 422
    assert (
        _post(client, "sales", {"lines": [{"code": MILK, "quantity": "two"}]}, key="k4").status_code
        == 422
    )
    assert (
        _post(
            client, "sales", {"lines": [{"code": MILK, "quantity": 1}], "point": "999999"}, key="k5"
        ).status_code
        == 404
    )
    broken = client.post(
        "/api/goods/sales", "{", content_type="application/json", HTTP_IDEMPOTENCY_KEY="k6"
    )
    assert broken.status_code == 400
    assert StockLevel.objects.get(point=stocked, product__barcode=MILK).quantity == 10
    assert Sale.objects.count() == 0


def test_a_return_through_the_api(client_as, clerk_a, stocked):
    client = client_as(clerk_a)
    sale = _post(client, "sales", {"lines": [{"code": YOGHURT, "quantity": 2}]}, key="k1").json()
    back = _post(
        client,
        f"sales/{sale['number']}/returns",
        {"lines": [{"code": YOGHURT, "quantity": 1}], "reason": "Khách đổi ý"},
        key="r1",
    )
    assert back.status_code == 201
    assert (back.json()["total"], back.json()["sale"]) == (6_480, sale["number"])
    assert [line["code"] for line in back.json()["lines"]] == ["SUACHUA"]
    too_many = _post(
        client,
        f"sales/{sale['number']}/returns",
        {"lines": [{"code": YOGHURT, "quantity": 2}], "reason": "x"},
        key="r2",
    )
    assert too_many.status_code == 400
    assert "at most 1" in too_many.json()["detail"]
    assert (
        _post(
            client,
            "sales/NOPE/returns",
            {"lines": [{"code": YOGHURT, "quantity": 1}], "reason": "x"},
            key="r3",
        ).status_code
        == 404
    )


def test_receipts_and_transfers_through_the_api(client_as, keeper, clerk_a, catalogue, warehouse):
    client = client_as(keeper)
    receipt = _post(
        client,
        "receipts",
        {"supplier": "vinamilk", "lines": [{"code": MILK, "quantity": 10, "unit_cost": 6_000}]},
        key="n1",
    )
    assert receipt.status_code == 201
    assert (receipt.json()["point"], receipt.json()["total"]) == ("240000", 60_000)
    unknown = _post(
        client, "receipts", {"supplier": "nope", "lines": [{"code": MILK, "quantity": 1}]}, key="n2"
    )
    assert unknown.status_code == 400
    assert set(unknown.json()["errors"]) == {"supplier", "lines.0.unit_cost"}
    assert (
        _post(
            client_as(clerk_a),
            "receipts",
            {"supplier": "vinamilk", "lines": [{"code": MILK, "quantity": 1, "unit_cost": 1}]},
            key="n3",
        ).status_code
        == 404
    )

    client = client_as(keeper)  # one test client: logged in as the keeper again
    sent = _post(
        client,
        "transfers",
        {"to_point": "240001", "lines": [{"code": MILK, "quantity": 4}]},
        key="t1",
    )
    assert sent.status_code == 201
    number = sent.json()["number"]
    assert (sent.json()["status"], sent.json()["total"]) == ("sent", 24_000)
    assert client_as(clerk_a).get(f"/api/goods/transfers/{number}").status_code == 200

    received = client_as(clerk_a).post(f"/api/goods/transfers/{number}/receive")
    assert received.status_code == 200
    assert received.json()["status"] == "received"
    twice = client_as(clerk_a).post(f"/api/goods/transfers/{number}/receive")
    assert twice.status_code == 400
    assert "received already" in twice.json()["detail"]
    assert balance("156.240001") == 24_000
    assert client_as(clerk_a).post("/api/goods/transfers/DC0/receive").status_code == 404


def test_write_offs_and_stocktakes_through_the_api(client_as, clerk_a, accountant, stocked):
    clerk = client_as(clerk_a)
    asked = _post(
        clerk, "write-offs", {"lines": [{"code": MILK, "quantity": 1}], "reason": "Vỡ"}, key="w1"
    )
    assert asked.status_code == 201
    number = asked.json()["number"]
    assert clerk.post(f"/api/goods/write-offs/{number}/approve").status_code == 403
    approver = client_as(accountant)
    done = approver.post(f"/api/goods/write-offs/{number}/approve")
    assert (done.status_code, done.json()["status"], done.json()["total"]) == (
        200,
        "approved",
        6_000,
    )
    assert approver.post(f"/api/goods/write-offs/{number}/approve").status_code == 400
    assert approver.get(f"/api/goods/write-offs/{number}").json()["lines"][0]["value"] == 6_000

    clerk = client_as(clerk_a)
    counted = _post(clerk, "stocktakes", {"lines": [{"code": YOGHURT, "counted": 3}]}, key="c1")
    assert counted.status_code == 201
    count_number = counted.json()["number"]
    assert counted.json()["lines"][0]["difference"] == -1
    assert (
        _post(
            clerk, "stocktakes", {"lines": [{"code": YOGHURT, "counted": -1}]}, key="c2"
        ).status_code
        == 400
    )
    approver = client_as(accountant)
    booked = approver.post(f"/api/goods/stocktakes/{count_number}/approve")
    assert (booked.status_code, booked.json()["total"]) == (200, -4_500)
    assert approver.get("/api/goods/stocktakes/NOPE").status_code == 404


def test_the_api_needs_a_login(client, stocked):
    assert client.get("/api/goods/products").status_code == 401
    assert (
        _post(client, "sales", {"lines": [{"code": MILK, "quantity": 1}]}, key="k").status_code
        == 401
    )


def test_junk_in_codes_is_a_4xx_on_every_database(client_as, clerk_a, keeper, stocked):
    client = client_as(clerk_a)
    nul = "\u0000"
    for path, payload in [
        ("sales", {"lines": [{"code": nul, "quantity": 1}]}),
        ("sales", {"lines": [{"code": MILK, "quantity": 1}], "point": f"9{nul}"}),
        ("sales", {"lines": [{"code": MILK, "quantity": 1}], "buyer_tax_code": nul}),
        (f"sales/{nul}/returns", {"lines": [{"code": MILK, "quantity": 1}], "reason": "x"}),
        ("write-offs", {"lines": [{"code": MILK, "quantity": 1}], "reason": nul}),
        ("stocktakes", {"lines": [{"code": nul, "counted": 1}]}),
    ]:
        answer = _post(client, path, payload, key="j1")
        assert 400 <= answer.status_code < 500, (path, answer.content)
    for path in [
        f"/api/goods/products?q={nul}",
        f"/api/goods/stock?point={nul}",
        f"/api/goods/sales/{nul}",
        f"/api/goods/products/{nul}?province={nul}",
    ]:
        answer = client.get(path)
        assert answer.status_code < 500, path
    keeper_client = client_as(keeper)
    for payload in [
        {"supplier": nul, "lines": [{"code": MILK, "quantity": 1, "unit_cost": 1}]},
        {"supplier": "vinamilk", "point": nul, "lines": [{"code": MILK, "quantity": 1}]},
    ]:
        assert 400 <= _post(keeper_client, "receipts", payload, key="j2").status_code < 500
    answer = _post(
        keeper_client,
        "transfers",
        {"to_point": nul, "lines": [{"code": MILK, "quantity": 1}]},
        key="j3",
    )
    assert 400 <= answer.status_code < 500
    assert keeper_client.post(f"/api/goods/transfers/{nul}/receive").status_code == 404


def test_the_goods_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    goods = sorted(path for path in paths if path.startswith("/api/goods/"))
    assert goods == [
        "/api/goods/figures",
        "/api/goods/orders",
        "/api/goods/orders/{number}",
        "/api/goods/orders/{number}/return",
        "/api/goods/products",
        "/api/goods/products/{code}",
        "/api/goods/receipts",
        "/api/goods/sales",
        "/api/goods/sales/{number}",
        "/api/goods/sales/{number}/returns",
        "/api/goods/stock",
        "/api/goods/stocktakes",
        "/api/goods/stocktakes/{number}",
        "/api/goods/stocktakes/{number}/approve",
        "/api/goods/transfers",
        "/api/goods/transfers/{number}",
        "/api/goods/transfers/{number}/receive",
        "/api/goods/write-offs",
        "/api/goods/write-offs/{number}",
        "/api/goods/write-offs/{number}/approve",
    ]


def test_the_auditor_reads_and_never_writes(client_as, clerk_a, auditor, stocked):
    sale = _post(client_as(clerk_a), "sales", {"lines": [{"code": MILK, "quantity": 1}]}, key="k1")
    number = sale.json()["number"]
    client = client_as(auditor)
    assert client.get(f"/api/goods/sales/{number}").status_code == 200
    assert client.get("/api/goods/stock?point=240001").json()["quantity"] == 18
    order = {"point": "240001", "lines": [{"code": MILK, "quantity": 1}]}
    assert _post(client, "sales", order, key="k2").status_code == 403
    assert _post(client, "write-offs", {**order, "reason": "x"}, key="k3").status_code == 403
    assert client.post("/api/goods/transfers/DC240000000001/receive").status_code == 403
