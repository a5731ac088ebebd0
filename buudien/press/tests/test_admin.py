"""Publishers, titles, prices and programmes in the admin, within the administrator's
province (audited); subscriptions read-only."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.core.models import AuditEntry
from buudien.press.models import Publisher, Title
from buudien.press.tests.conftest import take

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_an_administrator_adds_a_title_with_the_days_it_appears(
    client_as: Any, admin_user: Any, titles: Any
) -> None:
    client = client_as(admin_user)
    publisher = Publisher.objects.get(code="bls")
    body = {
        "province_code": "20",
        "code": "ls-cn",
        "name": "Báo Lạng Sơn cuối tuần",
        "publisher": publisher.pk,
        "periodicity": "weekly",
        "weekdays": "8",
        "month_days": "",
        "issue_price": 5_000,
        "margin_bp": 2_000,
        "is_active": "on",
    }
    assert client.post("/admin/press/title/add/", body).status_code == 200  # no 8th weekday
    answer = client.post("/admin/press/title/add/", {**body, "weekdays": "76"})
    assert answer.status_code == 302
    assert Title.objects.get(code="LS-CN").weekdays == "67"
    assert AuditEntry.objects.filter(action="press.title").count() == 1
    for page in ["publisher", "title", "titleprice", "programme", "programme/add"]:
        assert client.get(f"/admin/press/{page}/").status_code == 200, page


def test_subscriptions_are_read_only_in_the_admin(
    client_as: Any, world: Any, admin_user: Any, clerk_a: Any, titles: Any
) -> None:
    row = take(clerk_a, world.point_a)
    client = client_as(admin_user)
    assert client.get("/admin/press/subscription/").status_code == 200
    assert client.get(f"/admin/press/subscription/{row.pk}/change/").status_code == 200
    assert client.get("/admin/press/subscription/add/").status_code == 403


def test_the_daily_work_is_read_only_in_the_admin(
    client_as: Any, world: Any, admin_user: Any, titles: Any, served: Any, centre_clerk: Any
) -> None:
    from buudien.press import work
    from buudien.press.models import IssueAllocation, PressDelivery, PressIssue
    from buudien.press.tests.conftest import DAILY, DEC1, at

    issue = work.issue_receive(
        actor=centre_clerk, title=titles[DAILY], issue_date=DEC1, received=7, at=at(DEC1, 5)
    )
    rows = {
        "pressissue": issue,
        "issueallocation": IssueAllocation.objects.filter(issue=issue).first(),
        "pressdelivery": PressDelivery.objects.filter(issue=issue).first(),
    }
    client = client_as(admin_user)
    for model, row in rows.items():
        assert row is not None
        listing = client.get(f"/admin/press/{model}/")
        assert listing.status_code == 200, model
        assert client.get(f"/admin/press/{model}/{row.pk}/change/").status_code == 200
        assert client.get(f"/admin/press/{model}/add/").status_code == 403
        assert client.post(f"/admin/press/{model}/{row.pk}/change/", {}).status_code == 403
        assert (
            client.post(f"/admin/press/{model}/{row.pk}/delete/", {"post": "yes"}).status_code
            == 403
        )
    assert list(PressIssue.objects.values_list("received", flat=True)) == [7]
    assert PressDelivery.objects.filter(issue=issue).count() == 4
