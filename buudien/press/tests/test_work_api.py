"""/api/press/ for the daily work: an issue received at the centre (201), sent, its unsold
copies returned; a point's copies counted; the deliveries of a day listed for a postman and
confirmed once, one by one or many at once; refusals with their messages and junk answered
with a 4xx, never a 500, nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from buudien.press import work
from buudien.press.models import IssueAllocation, PressDelivery, PressIssue
from buudien.press.tests.conftest import DAILY, DEC1, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ISSUE = {"title": DAILY, "issue_date": "2026-12-01", "received": 9}


def _post(client: Any, path: str, payload: Any) -> Any:
    return client.post(f"/api/press/{path}", payload, content_type="application/json")


def _received(centre_clerk: Any, titles: Any) -> PressIssue:
    return work.issue_receive(
        actor=centre_clerk, title=titles[DAILY], issue_date=DEC1, received=7, at=at(DEC1, 5)
    )


def test_the_centre_receives_sends_and_returns_an_issue(
    client_as: Any, world: Any, centre_clerk: Any, clerk_b: Any, titles: Any, served: Any
) -> None:
    client = client_as(centre_clerk)
    with time_machine.travel(at(DEC1, 5), tick=True):
        made = _post(client, "issues", ISSUE)
        assert made.status_code == 201, made.content
        body = made.json()
        assert (body["expected"], body["received"], body["single_copies"]) == (7, 9, 2)
        again = _post(client, "issues", ISSUE)
        assert again.status_code == 400 and "received already" in again.json()["detail"]
    listed = client.get("/api/press/issues?day=2026-12-01").json()
    assert [(row["id"], row["title"]) for row in listed] == [(body["id"], DAILY)]

    sent = _post(client, f"issues/{body['id']}/dispatch", {})
    assert sent.status_code == 200 and sent.json()["dispatched_at"] is not None
    assert _post(client, f"issues/{body['id']}/dispatch", {}).status_code == 400
    returned = _post(client, f"issues/{body['id']}/returns", {"copies": 2})
    assert returned.status_code == 200 and returned.json()["returned"] == 2
    refused = _post(client, f"issues/{body['id']}/returns", {"copies": 1})
    assert refused.status_code == 400 and "At most 0" in refused.json()["detail"]

    line = IssueAllocation.objects.get(point=world.point_b)
    counted = _post(client_as(clerk_b), f"allocations/{line.pk}/receive", {"received": 6})
    assert counted.status_code == 200 and counted.json()["received"] == 6
    assert (
        _post(client_as(clerk_b), f"allocations/{line.pk}/receive", {"received": 6}).status_code
        == 400
    )


def test_a_postman_lists_and_confirms_the_deliveries_of_the_point(
    client_as: Any,
    world: Any,
    centre_clerk: Any,
    postman_a: Any,
    postman_b: Any,
    titles: Any,
    served: Any,
) -> None:
    _received(centre_clerk, titles)
    client = client_as(postman_b)
    rows = client.get("/api/press/deliveries?day=2026-12-01").json()
    assert sorted(row["name"] for row in rows) == [
        "Trường THCS Đồng Đăng",
        "UBND xã Chi Lăng",
        "Ông Hoàng Văn Sình",
    ]
    by_name = {row["name"]: row["id"] for row in rows}

    missed = _post(
        client, f"deliveries/{by_name['UBND xã Chi Lăng']}/confirm", {"delivered": False}
    )
    assert missed.status_code == 400 and "reason" in missed.json()["errors"]
    missed = _post(
        client,
        f"deliveries/{by_name['UBND xã Chi Lăng']}/confirm",
        {"delivered": False, "reason": "absent", "note": "đi họp huyện"},
    )
    assert missed.status_code == 200 and missed.json()["status"] == "missed"
    twice = _post(client, f"deliveries/{by_name['UBND xã Chi Lăng']}/confirm", {})
    assert twice.status_code == 400 and "confirmed already" in twice.json()["detail"]

    # A's postman does not see B's deliveries, nor confirm them
    other = client_as(postman_a)
    assert [r["name"] for r in other.get("/api/press/deliveries?day=2026-12-01").json()] == [
        "Nguyễn Văn Hùng"
    ]
    assert (
        _post(other, f"deliveries/{by_name['Ông Hoàng Văn Sình']}/confirm", {}).status_code == 404
    )

    client = client_as(postman_b)  # the one test client, logged in as B's postman again
    many = _post(client, "deliveries/confirm", {"ids": list(by_name.values())})
    assert many.status_code == 200 and many.json() == {"confirmed": 2}
    pending = client.get("/api/press/deliveries?day=2026-12-01&status=pending").json()
    assert pending == []
    assert client.get("/api/press/deliveries?day=2026-12-01&status=lost").status_code == 400
    statuses = PressDelivery.objects.filter(point=world.point_b).values_list("status", flat=True)
    assert sorted(statuses) == ["delivered", "delivered", "missed"]


def test_refusals_and_junk_are_answered_with_a_4xx_and_change_nothing(
    client_as: Any,
    world: Any,
    centre_clerk: Any,
    clerk_a: Any,
    postman_b: Any,
    auditor: Any,
    titles: Any,
    served: Any,
) -> None:
    issue = _received(centre_clerk, titles)
    delivery = PressDelivery.objects.filter(point=world.point_b).first()
    assert delivery is not None
    centre = client_as(centre_clerk)
    for junk in [
        "not json",
        [],
        {},
        {**ISSUE, "received": "9"},
        {**ISSUE, "received": 9.0},
        {**ISSUE, "received": True},
        {**ISSUE, "received": 10**40},
        {**ISSUE, "issue_date": "yesterday"},
        {**ISSUE, "title": None},
        {**ISSUE, "title": "NOPE"},
        {**ISSUE, "note": "x" * 5000},
    ]:
        answer = _post(centre, "issues", junk)
        assert answer.status_code in (400, 422), (junk, answer.status_code)
    for path, junk in [
        (f"issues/{issue.pk}/returns", {"copies": "1"}),
        (f"issues/{issue.pk}/returns", {"copies": -1}),
        ("issues/99999999999999999999999/returns", {"copies": 1}),
        ("issues/0/dispatch", {}),
    ]:
        answer = _post(centre, path, junk)
        assert answer.status_code in (400, 404, 422), (path, junk, answer.status_code)
    postman = client_as(postman_b)
    for path, junk in [
        (f"deliveries/{delivery.pk}/confirm", {"delivered": "yes"}),
        (f"deliveries/{delivery.pk}/confirm", {"delivered": False, "reason": "x" * 100}),
        (f"deliveries/{delivery.pk}/confirm", {"delivered": False, "reason": "lazy"}),
        ("deliveries/99999999999999999999999/confirm", {}),
        ("deliveries/confirm", {"ids": ["1"]}),
        ("deliveries/confirm", {"ids": [10**30]}),
        ("deliveries/confirm", {"ids": []}),
        ("deliveries/confirm", {"ids": "all"}),
        (
            f"allocations/{IssueAllocation.objects.get(point=world.point_b).pk}/receive",
            {"received": -5},
        ),
    ]:
        answer = _post(postman, path, junk)
        assert answer.status_code in (400, 404, 422), (path, junk, answer.status_code)
    assert postman.get("/api/press/deliveries?day=junk").status_code == 422

    # who may not: a point's clerk receives nothing, a postman reads no issue, an auditor
    # confirms nothing
    assert postman.get("/api/press/issues?day=2026-12-01").status_code == 403
    assert _post(client_as(clerk_a), "issues", ISSUE).status_code == 403
    assert _post(client_as(auditor), f"deliveries/{delivery.pk}/confirm", {}).status_code == 403
    assert _post(client_as(auditor), f"issues/{issue.pk}/dispatch", {}).status_code == 403

    issue.refresh_from_db()
    assert (issue.returned, issue.dispatched_at) == (0, None)
    assert PressIssue.objects.count() == 1
    assert not PressDelivery.objects.exclude(status="pending").exists()
    assert not IssueAllocation.objects.filter(received__isnull=False).exists()
