"""The press pages: the subscription form (every problem at once, then the receipt and its
A6 PDF), the list, the day's allocation and the programmes."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.press.models import Subscription
from buudien.press.tests.conftest import DAILY, take

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_the_form_shows_every_problem_then_takes_the_subscription(
    client_as: Any, world: Any, clerk_a: Any, titles: Any
) -> None:
    client = client_as(clerk_a)
    page = client.get("/press/subscribe/")
    assert page.status_code == 200
    token = page.context["form"].initial["token"]
    bad = client.post(
        "/press/subscribe/",
        {"token": token, "title": "", "subscriber_name": "", "address": "", "copies": "x"},
    )
    assert bad.status_code == 200
    assert {"title", "subscriber_name", "address", "copies"} <= set(bad.context["form"].errors)
    done = client.post(
        "/press/subscribe/",
        {
            "token": token,
            "title": DAILY,
            "period_kind": "month",
            "copies": "1",
            "subscriber_name": "Nguyễn Thị Lan",
            "subscriber_kind": "person",
            "address": "Thôn Pò Mã",
            "delivery_point": world.point_a.code,
        },
    )
    row = Subscription.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/press/subscriptions/{row.reference}/"
    assert client.get(done["Location"]).status_code == 200
    pdf = client.get(f"/press/subscriptions/{row.reference}/receipt.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_lists_allocation_and_programmes(
    client_as: Any, world: Any, clerk_a: Any, auditor: Any, titles: Any, programme: Any
) -> None:
    from buudien.press.tests.conftest import MONDAY

    row = take(clerk_a, world.point_a, at=MONDAY)
    client = client_as(auditor)
    listing = client.get("/press/")
    assert listing.status_code == 200 and row.reference in listing.content.decode()
    allocation = client.get("/press/allocation/?day=2026-12-04")
    assert allocation.status_code == 200
    assert [len(p["lines"]) for p in allocation.context["points"]] == [1]
    assert client.get("/press/programmes/").status_code == 200
    assert client.get("/press/subscribe/").status_code == 403


def test_the_press_section_in_the_navigation(
    client_as: Any, clerk_a: Any, auditor: Any, titles: Any
) -> None:
    from buudien.people.tests.factories import UserFactory

    labels = [i.label for i in client_as(clerk_a).get("/press/").context["subnav_items"]]
    assert "Take a subscription" in labels
    client = client_as(auditor)
    labels = [i.label for i in client.get("/press/").context["subnav_items"]]
    assert "Take a subscription" not in labels and "Allocation of the day" in labels
    assert "Press" in [i.label for i in client.get("/").context["nav_items"]]
    postman = UserFactory(username="postman_p", role="postman", unit=clerk_a.unit)
    page = client_as(postman).get("/mail/items/")  # a postman's home is the round
    assert "Press" not in [i.label for i in page.context["nav_items"]]
