"""/api/planning/: the report JSON, plans, uplift and imports, scoped like the pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from buudien.planning.models import Plan

pytestmark = pytest.mark.django_db


def test_the_year_report_json(world, director, client_as, post):
    post(world.point_a, "registered", 1_000_000, dt.date(2023, 3, 5))
    response = client_as(director).get("/api/planning/reports/year?province=20&year=2023")
    assert response.status_code == 200
    body = response.json()
    assert body["province"] == {"code": "20", "name": "Bưu điện tỉnh Lạng Sơn"}
    assert body["revenue"]["actual"] == 1_000_000
    assert body["revenue"]["plan"] is None
    assert body["lines"][0]["name"] == "Bưu chính chuyển phát"  # Vietnamese by default


def test_another_province_is_not_found(world, outsider, client_as):
    response = client_as(outsider).get("/api/planning/reports/year?province=20&year=2023")
    assert response.status_code == 404


def test_a_bad_year_is_a_400(world, director, client_as):
    response = client_as(director).get("/api/planning/reports/year?province=20&year=1900")
    assert response.status_code == 400


def test_anonymous_is_refused(world, client):
    assert client.get("/api/planning/reports/year?province=20&year=2023").status_code == 401


def test_plans_set_list_and_clear(world, director, client_as):
    client = client_as(director)
    payload = {"unit_code": "UA", "year": 2023, "metric": "revenue", "service": "postal",
               "amount": 1_500_000}  # fmt: skip
    response = client.put("/api/planning/plans", json.dumps(payload), "application/json")
    assert response.status_code == 200
    assert response.json()["amount"] == 1_500_000
    listed = client.get("/api/planning/plans?province=20&year=2023").json()
    assert [(p["unit_code"], p["service"], p["amount"]) for p in listed] == [
        ("UA", "postal", 1_500_000)
    ]
    deleted = client.delete(f"/api/planning/plans/{listed[0]['id']}")
    assert deleted.status_code == 204
    assert not Plan.objects.exists()


def test_a_clerk_may_not_set_plans(world, clerk_a, client_as):
    payload = {"unit_code": "UA", "year": 2023, "metric": "revenue", "amount": 1}
    response = client_as(clerk_a).put(
        "/api/planning/plans", json.dumps(payload), "application/json"
    )
    assert response.status_code == 403
    assert not Plan.objects.exists()


def test_uplift(world, director, client_as):
    Plan.objects.create(province_code="20", year=2023, unit=world.province, metric="revenue",
                        subject="total", amount=100)  # fmt: skip
    response = client_as(director).post(
        "/api/planning/plans/uplift",
        json.dumps({"province": "20", "year": 2023, "pct": 2}),
        "application/json",
    )
    assert response.json() == {"year": 2024, "rows": 1}
    assert Plan.objects.get(year=2024).amount == 102


def test_import_reports_every_row_and_writes_nothing(world, director, client_as):
    upload = SimpleUploadedFile(
        "plans.csv", b"year,unit_code,metric,service,amount\n2023,UA,revenue,total,x\n"
    )
    response = client_as(director).post("/api/planning/imports/plans", {"file": upload})
    assert response.status_code == 400
    assert response.json()["errors"][0]["row"] == 2
    assert response.json()["errors"][0]["column"] == "amount"
    good = SimpleUploadedFile(
        "plans.csv", b"year,unit_code,metric,service,amount\n2023,UA,revenue,total,5\n"
    )
    response = client_as(director).post("/api/planning/imports/plans", {"file": good})
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}


@pytest.mark.parametrize("role", ["clerk", "postman", "kt1_operator", "hcc_officer"])
def test_the_api_follows_the_pages_role_rules(world, client_as, role):
    from buudien.people.tests.factories import UserFactory

    user = UserFactory(username=f"u_{role}", role=role, unit=world.province)
    client = client_as(user)
    for url in (
        "/api/planning/reports/year?province=20&year=2023",
        "/api/planning/plans?province=20&year=2023",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "giám đốc, kế toán" in response.json()["detail"]
    assert client.get("/planning/").status_code == 403


@pytest.mark.parametrize("role", ["director", "accountant", "auditor", "admin"])
def test_the_readers_read_plans_and_the_report(world, client_as, role):
    from buudien.people.tests.factories import UserFactory

    client = client_as(UserFactory(username=f"u_{role}", role=role, unit=world.province))
    assert client.get("/api/planning/reports/year?province=20&year=2023").status_code == 200
    assert client.get("/api/planning/plans?province=20&year=2023").status_code == 200
    assert client.get("/planning/").status_code == 200
