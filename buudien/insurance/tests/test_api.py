"""/api/insurance/: every endpoint, who may call it, once per key, and bad bodies answered
with a 4xx and a message (never a 500)."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.core.bizdays import local_today
from buudien.insurance.models import Policy
from buudien.insurance.tests.conftest import CAR, MOTORBIKE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

BODY = {"product": MOTORBIKE, "insured_name": "Trần Văn Nam", "plate": "12-B1 234.56"}


def _post(client: Any, path: str, payload: Any, key: str | None = None) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(
        f"/api/insurance/{path}", payload, content_type="application/json", **headers
    )


def test_the_products_on_sale(client_as: Any, clerk_a: Any, products: Any) -> None:
    found = client_as(clerk_a).get("/api/insurance/products").json()
    assert [(p["code"], p["premium"], p["plate_required"]) for p in found] == [
        ("BIC-NHA", None, False),
        ("BIC-OTO", None, True),
        ("PTI-SK", None, False),
        ("PTI-XM", 66_000, True),
    ]


def test_a_policy_through_the_api_once_per_key(
    client_as: Any, clerk_a: Any, clerk_b: Any, products: Any
) -> None:
    client = client_as(clerk_a)
    made = _post(client, "policies", BODY, key="k1")
    assert made.status_code == 201
    body = made.json()
    assert (body["premium"], body["commission"], body["owed"]) == (66_000, 13_200, 52_800)
    assert body["starts_on"] == local_today().isoformat()
    again = _post(client, "policies", BODY, key="k1")
    assert again.status_code == 201 and again.json()["reference"] == body["reference"]
    assert _post(client, "policies", {**BODY, "insured_name": "X Y"}, key="k1").status_code == 400
    assert Policy.objects.count() == 1

    got = client.get(f"/api/insurance/policies/{body['reference']}")
    assert got.status_code == 200 and got.json()["plate"] == "12-B1 234.56"
    assert (
        client.get("/api/insurance/policies?q=tran van").json()[0]["reference"] == body["reference"]
    )
    assert client.get("/api/insurance/policies?q=12B123456").json()[0]["plate"] == "12-B1 234.56"
    # another point's clerk: not found, and cannot cancel
    other = client_as(clerk_b)
    assert other.get(f"/api/insurance/policies/{body['reference']}").status_code == 404
    assert other.get("/api/insurance/policies").json() == []
    refused = _post(other, f"policies/{body['reference']}/cancel", {})
    assert refused.status_code == 404
    cancelled = _post(client_as(clerk_a), f"policies/{body['reference']}/cancel", {"reason": "x"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_entry_id"] is not None


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"product": MOTORBIKE},
        {**BODY, "premium": "much"},
        {**BODY, "starts_on": "2026-02-30"},
        {**BODY, "product": "NOPE"},
        {**BODY, "plate": "ABC"},
        {**BODY, "product": CAR, "premium": 10},
        {**BODY, "insured_name": "\x00"},
        {**BODY, "point": "999999"},
        [1, 2],
    ],
)
def test_bad_bodies_are_refused_with_a_4xx(
    client_as: Any, clerk_a: Any, products: Any, payload: Any
) -> None:
    answer = _post(client_as(clerk_a), "policies", payload, key="bad")
    assert 400 <= answer.status_code < 500
    assert answer.json()
    assert not Policy.objects.exists()


def test_every_problem_comes_back_at_once(client_as: Any, clerk_a: Any, products: Any) -> None:
    answer = _post(
        client_as(clerk_a), "policies", {**BODY, "plate": "", "phone": "1", "insured_name": ""}, "k"
    )
    assert answer.status_code == 400
    assert set(answer.json()["errors"]) == {"plate", "phone", "insured_name"}


def test_a_key_is_required(client_as: Any, clerk_a: Any, products: Any) -> None:
    answer = _post(client_as(clerk_a), "policies", BODY)
    assert answer.status_code == 400 and "Idempotency-Key" in answer.json()["detail"]


def test_messages_are_in_vietnamese_for_a_vietnamese_user(
    client: Any, clerk_a: Any, products: Any, settings: Any
) -> None:
    client.force_login(clerk_a, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    answer = _post(client, "policies", {**BODY, "plate": "ABC"}, key="vi")
    assert answer.status_code == 400
    assert "biển số" in answer.json()["detail"]


def test_the_auditor_reads_and_does_not_issue(
    client_as: Any, clerk_a: Any, auditor: Any, products: Any
) -> None:
    _post(client_as(clerk_a), "policies", BODY, key="k1")
    client = client_as(auditor)
    assert len(client.get("/api/insurance/policies").json()) == 1
    assert _post(client, "policies", {**BODY, "point": "240001"}, key="k2").status_code == 403
    assert Policy.objects.count() == 1


def test_the_statement_and_the_figures_equal_the_rows(
    client_as: Any, clerk_a: Any, clerk_b: Any, accountant: Any, products: Any
) -> None:
    _post(client_as(clerk_a), "policies", BODY, key="k1")
    _post(client_as(clerk_b), "policies", {**BODY, "insured_name": "Lò Văn Sáu"}, key="k2")
    gone = _post(client_as(clerk_b), "policies", {**BODY, "insured_name": "Bỏ"}, key="k3").json()
    _post(client_as(clerk_b), f"policies/{gone['reference']}/cancel", {"reason": "Nhầm"})
    today = local_today()
    client = client_as(accountant)
    report = client.get(
        f"/api/insurance/statement?insurer=pti&year={today.year}&month={today.month}"
    ).json()
    assert (report["policies"], report["premium"], report["commission"], report["owed"]) == (
        2,
        132_000,
        26_400,
        105_600,
    )
    assert sum(line["owed"] for line in report["lines"]) == report["owed"]
    assert client.get("/api/insurance/statement?insurer=nope&year=2026&month=1").status_code == 404
    assert client.get("/api/insurance/statement?insurer=pti&year=2026&month=13").status_code == 400

    figures = client.get(f"/api/insurance/figures?year={today.year}").json()
    assert (figures["total"]["policies"], figures["total"]["cancelled"]) == (2, 1)
    assert (figures["total"]["premium"], figures["total"]["commission"]) == (132_000, 26_400)
    assert figures["bdvhx"]["policies"] == 1  # point B is a BĐVHX
    assert [p["code"] for p in figures["per_insurer"]] == ["pti"]
    assert figures["previous"]["policies"] is None
    # the clerk reads no statement (the same test client, logged in again)
    assert (
        client_as(clerk_a).get("/api/insurance/statement?insurer=pti&year=2026&month=1").status_code
        == 403
    )
