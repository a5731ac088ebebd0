"""/api/press/: the titles, a subscription once per key (201), read back; the programmes,
a recipient added; the allocation of a day; junk bodies answered with a 4xx, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.core.bizdays import local_today, months_later
from buudien.press.models import Subscription
from buudien.press.tests.conftest import DAILY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

BODY = {"title": DAILY, "subscriber_name": "Trần Văn Nam", "address": "Thôn Nà Pàn"}


def _post(client: Any, path: str, payload: Any, key: str | None = None) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(f"/api/press/{path}", payload, content_type="application/json", **headers)


def test_the_titles_with_their_prices(client_as: Any, clerk_a: Any, titles: Any) -> None:
    found = client_as(clerk_a).get("/api/press/titles").json()
    assert [(t["code"], t["weekdays"], len(t["prices"])) for t in found] == [
        ("LS", "1234567", 3),
        ("VNTT", "5", 1),
    ]


def test_a_subscription_through_the_api_once_per_key(
    client_as: Any, clerk_a: Any, clerk_b: Any, titles: Any
) -> None:
    client = client_as(clerk_a)
    made = _post(client, "subscriptions", {**BODY, "copies": 2}, key="k1")
    assert made.status_code == 201, made.content
    body = made.json()
    start = months_later(local_today().replace(day=1), 1)
    assert body["starts_on"] == start.isoformat()
    assert (body["total"], body["publisher_share"], body["margin"]) == (200_000, 160_000, 40_000)
    again = _post(client, "subscriptions", {**BODY, "copies": 2}, key="k1")
    assert again.status_code == 201 and again.json()["reference"] == body["reference"]
    assert _post(client, "subscriptions", BODY, key="k1").status_code == 400
    assert Subscription.objects.count() == 1

    got = client.get(f"/api/press/subscriptions/{body['reference']}")
    assert got.status_code == 200 and got.json()["copies"] == 2
    assert [r["reference"] for r in client.get("/api/press/subscriptions").json()] == [
        body["reference"]
    ]
    other = client_as(clerk_b).get(f"/api/press/subscriptions/{body['reference']}")
    assert other.status_code == 404


def test_junk_is_refused_with_a_4xx(client_as: Any, clerk_a: Any, titles: Any) -> None:
    client = client_as(clerk_a)
    assert _post(client, "subscriptions", BODY).status_code == 400  # no key
    for junk in [
        "not json",
        [],
        {},
        {**BODY, "copies": "many"},
        {**BODY, "copies": 0},
        {**BODY, "starts_on": "yesterday"},
        {**BODY, "title": None},
        {**BODY, "period_kind": 7},
        {**BODY, "subscriber_name": "x" * 5000},
        {**BODY, "point": "999999"},
    ]:
        answer = _post(client, "subscriptions", junk, key="j")
        assert 400 <= answer.status_code < 500, (junk, answer.status_code)
    answer = _post(client, "subscriptions", {**BODY, "starts_on": "2020-01-01"}, key="j2")
    assert answer.status_code == 400 and "starts_on" in answer.json().get("errors", {})
    assert client.get("/api/press/allocation?day=junk").status_code == 422
    assert not Subscription.objects.exists()


def test_programmes_recipients_and_the_allocation(
    client_as: Any, world: Any, admin_user: Any, clerk_a: Any, programme: Any
) -> None:
    admin = client_as(admin_user)
    body = {
        "commune": world.commune_b.code,
        "name": "Ông Hoàng Văn Pao",
        "kind": "prestigious",
        "delivery_point": world.point_b.code,
        "copies": 2,
    }
    added = _post(admin, f"programmes/QD45/{programme.year}/recipients", body)
    assert added.status_code == 201, added.content
    assert _post(admin, f"programmes/QD45/{programme.year}/recipients", body).status_code == 400
    assert _post(admin, "programmes/NOPE/2026/recipients", body).status_code == 404
    listed = admin.get("/api/press/programmes").json()
    assert [(p["code"], p["titles"], len(p["recipients"])) for p in listed] == [
        ("QD45", [DAILY], 1)
    ]
    lines = admin.get("/api/press/allocation?day=2026-12-04").json()
    assert [(x["point"], x["title"], x["public"], x["copies"]) for x in lines] == [
        ("240002", DAILY, 2, 2)
    ]
    assert client_as(clerk_a).get("/api/press/allocation?day=2026-12-04").json() == []
