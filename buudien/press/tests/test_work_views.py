"""The pages of the press's daily work: the centre receives an issue (every problem at once,
nothing changed), sends it and returns unsold copies; the allocation prints the received
lines; the point counts its copies; the postman's round (pending first, natural order of
the addresses, one tap each, htmx); the missed of the day; a programme's recipients."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from buudien.press import work
from buudien.press.models import IssueAllocation, PressDelivery, PressIssue, ProgrammeRecipient
from buudien.press.tests.conftest import DAILY, DEC1, at, take

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ISSUES = "/press/issues/?day=2026-12-01"
HTMX = {"HTTP_HX_REQUEST": "true"}


def receive(actor: Any, titles: Any, *, received: int = 7) -> PressIssue:
    return work.issue_receive(
        actor=actor, title=titles[DAILY], issue_date=DEC1, received=received, at=at(DEC1, 5)
    )


def test_the_centre_receives_an_issue_every_problem_at_once_and_once(
    client_as: Any, centre_clerk: Any, titles: Any, served: Any
) -> None:
    client = client_as(centre_clerk)
    with time_machine.travel(at(DEC1, 5), tick=True):
        page = client.get(ISSUES)
        assert page.status_code == 200
        rows = page.context["rows"]
        # Tuesday: the daily appears (1 + 3 subscribed, 2 + 1 of the programme), not the weekly
        assert [(r["title"].code, r["expected"], r["issue"]) for r in rows] == [(DAILY, 7, None)]
        assert 'name="received"' in page.content.decode()
        assert rows[0]["form"].fields["received"].widget.attrs.get("autofocus") is True

        bad = client.post(
            ISSUES,
            {"title": DAILY, "issue_date": "2026-12-01", "received": "-3", "note": "x" * 301},
        )
        assert bad.status_code == 200
        form = bad.context["rows"][0]["form"]
        assert set(form.errors) == {"received", "note"}
        text = bad.content.decode()
        assert "The copies received" in text and "longer than 300" in text
        assert not PressIssue.objects.exists() and not PressDelivery.objects.exists()

        done = client.post(
            ISSUES, {"title": DAILY, "issue_date": "2026-12-01", "received": "9", "note": ""}
        )
        assert done.status_code == 302 and done["Location"] == "/press/issues/?day=2026-12-01"
        issue = PressIssue.objects.get()
        assert (issue.expected, issue.received, issue.single_copies) == (7, 9, 2)

        again = client.post(ISSUES, {"title": DAILY, "issue_date": "2026-12-01", "received": "9"})
        assert again.status_code == 200 and "received already" in again.content.decode()
        assert PressIssue.objects.count() == 1

    client.post(f"/press/issues/{issue.pk}/dispatch/")
    client.post(f"/press/issues/{issue.pk}/returns/", {"copies": "3", "back": "issue"})
    issue.refresh_from_db()
    assert issue.dispatched_at is not None and issue.returned == 0  # at most 2 go back
    client.post(f"/press/issues/{issue.pk}/returns/", {"copies": "2"})
    issue.refresh_from_db()
    assert issue.returned == 2

    detail = client.get(f"/press/issues/{issue.pk}/")
    assert detail.status_code == 200
    assert [(line.point.code, line.copies) for line in detail.context["lines"]] == [
        ("240001", 1),
        ("240002", 6),
    ]
    assert detail.context["summary"] == {
        "deliveries": 4,
        "delivered": 0,
        "on_time": 0,
        "missed": 0,
        "pending": 4,
    }


def test_the_centre_pages_are_for_the_centre_and_the_supervisors(
    client_as: Any,
    centre_clerk: Any,
    clerk_a: Any,
    postman_a: Any,
    auditor: Any,
    outsider: Any,
    titles: Any,
    served: Any,
) -> None:
    issue = receive(centre_clerk, titles)
    assert client_as(clerk_a).get(ISSUES).status_code == 403
    assert client_as(postman_a).get(ISSUES).status_code == 403
    assert client_as(outsider).get(f"/press/issues/{issue.pk}/").status_code == 404
    client = client_as(auditor)
    page = client.get(ISSUES)
    assert page.status_code == 200 and page.context["rows"][0]["form"] is None
    assert client.get(f"/press/issues/{issue.pk}/").status_code == 200
    assert client.post(ISSUES, {"title": DAILY, "received": "1"}).status_code == 403
    client.post(f"/press/issues/{issue.pk}/dispatch/")
    assert PressIssue.objects.get().dispatched_at is None


def printed(client: Any, day: str) -> list[tuple[str, int, bool]]:
    """The lines of the printed allocation: point, copies, as received at the centre."""
    page = client.get(f"/press/allocation/?day={day}")
    return [
        (line.point.code, line.copies, line.received)
        for entry in page.context["points"]
        for line in entry["lines"]
    ]


def test_the_allocation_prints_the_issue_as_received_then_the_forecast(
    client_as: Any,
    world: Any,
    centre_clerk: Any,
    clerk_a: Any,
    auditor: Any,
    titles: Any,
    served: Any,
) -> None:
    receive(centre_clerk, titles)
    # taken after the issue came: the forecast would count it, the issue received does not
    take(clerk_a, world.point_a, key="late", copies=2)
    client = client_as(auditor)
    assert printed(client, "2026-12-01") == [("240001", 1, True), ("240002", 6, True)]
    assert printed(client, "2026-12-02") == [("240001", 3, False), ("240002", 6, False)]


def test_the_point_counts_its_copies_once(
    client_as: Any,
    world: Any,
    centre_clerk: Any,
    clerk_a: Any,
    clerk_b: Any,
    titles: Any,
    served: Any,
) -> None:
    receive(centre_clerk, titles)
    client = client_as(clerk_b)
    page = client.get("/press/copies/?day=2026-12-01")
    assert [line.point.code for line in page.context["lines"]] == ["240002"]
    line = page.context["lines"][0]
    answer = client.post(f"/press/copies/{line.pk}/", {"received": "6"})
    assert answer.status_code == 302
    assert IssueAllocation.objects.get(pk=line.pk).received == 6
    again = client.post(f"/press/copies/{line.pk}/", {"received": "5"}, follow=True)
    assert "counted at the point already" in again.content.decode()
    assert IssueAllocation.objects.get(pk=line.pk).received == 6
    assert (
        client_as(clerk_a).post(f"/press/copies/{line.pk}/", {"received": "1"}).status_code == 404
    )


def test_the_round_lists_pending_first_by_address_and_confirms_with_a_tap(
    client_as: Any,
    world: Any,
    centre_clerk: Any,
    clerk_a: Any,
    postman_a: Any,
    postman_b: Any,
    director: Any,
    titles: Any,
    served: Any,
    django_assert_num_queries: Any,
) -> None:
    for key, address in [("n103", "Số 103 Lê Lợi"), ("n13", "Số 13 Lê Lợi")]:
        take(
            clerk_a,
            world.point_a,
            key=key,
            subscriber_name=f"Nhà {address}",
            address=address,
            delivery_point=world.point_b.code,
        )
    receive(centre_clerk, titles, received=9)
    rows = {row.name: row for row in PressDelivery.objects.filter(point=world.point_b)}
    work.delivery_confirm(actor=postman_b, delivery=rows["UBND xã Chi Lăng"], at=at(DEC1, 8))

    client = client_as(postman_b)
    with django_assert_num_queries(5):  # session, user, unit, point; the deliveries, titles
        page = client.get("/press/round/?day=2026-12-01")
    assert [row.address for row in page.context["rows"]] == [
        "Số 13 Lê Lợi",
        "Số 103 Lê Lợi",
        "Thôn Pò Mã, xã Đồng Đăng",
        "Xã Chi Lăng",
        "Xã Chi Lăng",
    ]
    assert page.context["rows"][-1].status == "delivered"
    text = page.content.decode()
    assert 'href="tel:0912345678"' in text

    first = page.context["rows"][0]
    card = client.post(f"/press/round/{first.pk}/delivered/", **HTMX)
    assert card.status_code == 200 and 'data-status="delivered"' in card.content.decode()
    assert "<html" not in card.content.decode()
    elder = rows["Ông Hoàng Văn Sình"]
    refused = client.post(f"/press/round/{elder.pk}/missed/", {"reason": ""}, **HTMX)
    assert "Say why" in refused.content.decode()
    assert PressDelivery.objects.get(pk=elder.pk).status == "pending"
    missed = client.post(
        f"/press/round/{elder.pk}/missed/", {"reason": "absent", "note": "đi nương"}, **HTMX
    )
    assert 'data-status="missed"' in missed.content.decode()
    assert PressDelivery.objects.get(pk=elder.pk).reason == "absent"

    left = [row.pk for row in client.get("/press/round/?day=2026-12-01").context["pending"]]
    assert len(left) == 2
    done = client.post("/press/round/all/", {"day": "2026-12-01", "ids": [*left, elder.pk]})
    assert (
        done.status_code == 302 and done["Location"] == "/press/round/?day=2026-12-01&point=240002"
    )
    statuses = dict(PressDelivery.objects.filter(point=world.point_b).values_list("name", "status"))
    assert sorted(statuses.values()) == ["delivered"] * 4 + ["missed"]

    assert client_as(postman_a).post(f"/press/round/{elder.pk}/delivered/").status_code == 404
    assert client_as(director).get("/press/round/").status_code == 403


def test_a_missed_recipient_is_seen_the_same_day(
    client_as: Any,
    world: Any,
    centre_clerk: Any,
    clerk_a: Any,
    postman_a: Any,
    postman_b: Any,
    auditor: Any,
    titles: Any,
    served: Any,
) -> None:
    receive(centre_clerk, titles)
    rows = {row.name: row for row in PressDelivery.objects.all()}
    work.delivery_confirm(
        actor=postman_b,
        delivery=rows["UBND xã Chi Lăng"],
        delivered=False,
        reason="refused",
        at=at(DEC1, 8),
    )
    work.delivery_confirm(actor=postman_a, delivery=rows["Nguyễn Văn Hùng"], at=at(DEC1, 8))
    client = client_as(auditor)
    url = "/press/missed/?day=2026-12-01"
    with time_machine.travel(at(DEC1, 10), tick=False):
        before = client.get(url)
    assert [[d.name for d in g.deliveries] for g in before.context["groups"]] == [
        ["UBND xã Chi Lăng"]
    ]
    with time_machine.travel(at(DEC1, 12), tick=False):
        after = client.get(url)  # the due time (11:00) has passed: the pending ones are late
        groups = [
            (g.point.code, g.commune.name if g.commune else "", [d.name for d in g.deliveries])
            for g in after.context["groups"]
        ]
        assert groups == [
            ("240002", "", ["Trường THCS Đồng Đăng"]),
            ("240002", "Xã Chi Lăng", ["Ông Hoàng Văn Sình", "UBND xã Chi Lăng"]),
        ]
        assert after.context["total"] == 3
        # the clerk of A sees A's, where all was delivered
        assert client_as(clerk_a).get(url).context["groups"] == []
    assert client_as(postman_b).get(url).status_code == 403


def test_a_programme_lists_its_recipients_and_an_administrator_adds_one(
    client_as: Any,
    world: Any,
    admin_user: Any,
    auditor: Any,
    outsider: Any,
    programme: Any,
    served: Any,
) -> None:
    url = f"/press/programmes/{programme.pk}/"
    client = client_as(admin_user)
    found = client.get(url, {"q": "hoang van sinh"})
    assert [r.name for r in found.context["recipients"]] == ["Ông Hoàng Văn Sình"]
    assert [r.name for r in client.get(url, {"q": "chi lang"}).context["recipients"]] == [
        "Ông Hoàng Văn Sình",
        "UBND xã Chi Lăng",
    ]
    bad = client.post(url, {"commune": "", "name": "", "kind": "prestigious", "copies": "0"})
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"commune", "name", "delivery_point", "copies"}
    assert ProgrammeRecipient.objects.count() == 2
    added = client.post(
        url,
        {
            "commune": world.commune_a.code,
            "name": "Bà Nông Thị Mai",
            "kind": "prestigious",
            "delivery_point": world.point_a.code,
            "copies": "1",
        },
    )
    assert added.status_code == 302
    assert ProgrammeRecipient.objects.filter(
        name="Bà Nông Thị Mai", commune=world.commune_a
    ).exists()

    reader = client_as(auditor)
    page = reader.get(url)
    assert page.status_code == 200 and page.context["form"] is None
    assert reader.post(url, {"name": "x"}).status_code == 403
    assert client_as(outsider).get(url).status_code == 404
    assert ProgrammeRecipient.objects.count() == 3


def test_the_daily_work_in_the_navigation(
    client_as: Any, clerk_a: Any, postman_a: Any, auditor: Any, titles: Any
) -> None:
    def urls(user: Any, path: str) -> list[str]:
        return [i.url for i in client_as(user).get(path).context["subnav_items"]]

    assert "/press/round/" in urls(postman_a, "/mail/items/")
    assert "/press/round/" in urls(postman_a, "/press/round/")
    assert {"/press/copies/", "/press/round/", "/press/missed/"} <= set(urls(clerk_a, "/press/"))
    reader = urls(auditor, "/press/")
    assert "/press/issues/" in reader and "/press/round/" not in reader
