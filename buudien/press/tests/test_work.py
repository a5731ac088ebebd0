"""The daily work through the services: an issue received at the centre is split per point
with one delivery per recipient, received once; the postman confirms each delivery once, on
time or late or missed with its reason; the rollup counts what the records hold."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Sum

from buudien.core.errors import AccessDenied, DomainError
from buudien.press import work
from buudien.press.choices import DeliveryStatus
from buudien.press.models import IssueAllocation, PressDelivery, PressIssue, PressRollup
from buudien.press.tests.conftest import DAILY, DEC1, WEEKLY, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def receive(
    actor: Any,
    titles: Any,
    *,
    day: dt.date = DEC1,
    received: int = 7,
    code: str = DAILY,
    hour: int = 5,
) -> PressIssue:
    return work.issue_receive(
        actor=actor, title=titles[code], issue_date=day, received=received, at=at(day, hour)
    )


def rollup(**filters: Any) -> dict[str, int]:
    rows = PressRollup.objects.filter(**filters)
    names = ("subscriptions", "sales", "margin", "copies_due", "delivered", "on_time", "missed")
    return {name: rows.aggregate(total=Sum(name))["total"] or 0 for name in names}


def test_an_issue_is_split_per_point_with_a_delivery_for_each_recipient(
    world: Any, centre_clerk: Any, titles: Any, served: Any
) -> None:
    issue = receive(centre_clerk, titles, received=6)

    # 1 + 3 subscribed, 2 + 1 of the programme: 7 expected, 6 came, one missing
    assert (issue.expected, issue.received, issue.missing, issue.single_copies) == (7, 6, 1, 0)
    lines = {line.point.code: (line.subscribed, line.public) for line in issue.lines.all()}
    assert lines == {"240001": (1, 0), "240002": (3, 3)}
    rows = PressDelivery.objects.filter(issue=issue).order_by("pk")
    assert {(row.name, row.point.code, row.copies, row.public) for row in rows} == {
        ("Nguyễn Văn Hùng", "240001", 1, False),
        ("Ông Hoàng Văn Sình", "240002", 1, True),
        ("Trường THCS Đồng Đăng", "240002", 3, False),
        ("UBND xã Chi Lăng", "240002", 2, True),
    }
    assert rows[0].due_at == at(DEC1, 11)
    assert rollup(public=False)["copies_due"] == 4
    assert rollup(public=True)["copies_due"] == 3
    # the weekly's subscription is not on the daily's issue
    assert not PressDelivery.objects.filter(subscription=served["weekly"]).exists()


def test_an_issue_is_received_once_and_only_when_it_appears(
    world: Any, centre_clerk: Any, titles: Any, served: Any
) -> None:
    receive(centre_clerk, titles)
    with pytest.raises(DomainError, match="received already"):
        receive(centre_clerk, titles, hour=9)
    with pytest.raises(DomainError, match="does not appear"):
        receive(centre_clerk, titles, code=WEEKLY)
    with pytest.raises(DomainError, match="not appeared yet"):
        work.issue_receive(
            actor=centre_clerk,
            title=titles[DAILY],
            issue_date=dt.date(2026, 12, 2),
            received=1,
            at=at(DEC1, 9),
        )
    with pytest.raises(DomainError) as refused:
        work.issue_receive(
            actor=centre_clerk, title=titles[DAILY], issue_date="1/12", received=-1, at=at(DEC1, 9)
        )
    assert set(refused.value.errors) == {"received", "issue_date"}
    assert PressIssue.objects.count() == 1
    assert PressDelivery.objects.count() == 4


def test_only_the_centre_receives(world: Any, clerk_a: Any, titles: Any, served: Any) -> None:
    with pytest.raises(AccessDenied):
        receive(clerk_a, titles)
    assert not PressIssue.objects.exists()


def test_the_postman_confirms_each_delivery_once_on_time_late_or_missed(
    world: Any, centre_clerk: Any, postman_a: Any, postman_b: Any, titles: Any, served: Any
) -> None:
    issue = receive(centre_clerk, titles)
    rows = {row.name: row for row in PressDelivery.objects.filter(issue=issue)}

    done = work.delivery_confirm(actor=postman_a, delivery=rows["Nguyễn Văn Hùng"], at=at(DEC1, 9))
    assert (done.status, done.on_time, done.confirmed_by) == ("delivered", True, postman_a)
    late = work.delivery_confirm(
        actor=postman_b, delivery=rows["Trường THCS Đồng Đăng"], at=at(DEC1, 14)
    )
    assert late.on_time is False
    with pytest.raises(DomainError, match="Say why"):
        work.delivery_confirm(actor=postman_b, delivery=rows["UBND xã Chi Lăng"], delivered=False)
    missed = work.delivery_confirm(
        actor=postman_b,
        delivery=rows["UBND xã Chi Lăng"],
        delivered=False,
        reason="absent",
        at=at(DEC1, 10),
    )
    assert (missed.status, missed.reason, missed.on_time) == ("missed", "absent", None)
    with pytest.raises(DomainError, match="confirmed already"):
        work.delivery_confirm(actor=postman_a, delivery=rows["Nguyễn Văn Hùng"], at=at(DEC1, 10))
    # a postman confirms the deliveries of his own point only
    with pytest.raises(AccessDenied):
        work.delivery_confirm(actor=postman_a, delivery=rows["Ông Hoàng Văn Sình"])

    press, public = rollup(public=False), rollup(public=True)
    assert (press["delivered"], press["on_time"], press["missed"]) == (4, 1, 0)
    assert (public["delivered"], public["on_time"], public["missed"]) == (0, 0, 2)
    assert PressDelivery.objects.filter(status=DeliveryStatus.PENDING).count() == 1


def test_all_delivered_at_once_leaves_those_confirmed_already(
    world: Any, centre_clerk: Any, postman_b: Any, titles: Any, served: Any
) -> None:
    issue = receive(centre_clerk, titles)
    rows = list(PressDelivery.objects.filter(issue=issue, point=world.point_b))
    work.delivery_confirm(
        actor=postman_b, delivery=rows[0], delivered=False, reason="refused", at=at(DEC1, 8)
    )

    count = work.deliveries_confirm(
        actor=postman_b, point=world.point_b, ids=[row.pk for row in rows], at=at(DEC1, 10)
    )

    assert count == 2
    assert PressDelivery.objects.get(pk=rows[0].pk).status == DeliveryStatus.MISSED
    totals = rollup(point=world.point_b)
    assert totals["delivered"] + totals["missed"] == totals["copies_due"] == 6
    assert totals["on_time"] == totals["delivered"]


def test_the_point_counts_its_copies_once_and_unsold_copies_go_back(
    world: Any, centre_clerk: Any, clerk_b: Any, titles: Any, served: Any
) -> None:
    issue = receive(centre_clerk, titles, received=12)
    assert issue.single_copies == 5
    work.issue_dispatch(actor=centre_clerk, issue=issue, at=at(DEC1, 6))
    with pytest.raises(DomainError, match="already"):
        work.issue_dispatch(actor=centre_clerk, issue=issue, at=at(DEC1, 7))
    line = IssueAllocation.objects.get(issue=issue, point=world.point_b)
    with pytest.raises(AccessDenied):
        work.allocation_receive(
            actor=centre_clerk,
            allocation=IssueAllocation.objects.get(issue=issue, point=world.point_a),
            received=1,
        ) if False else work.allocation_receive(
            actor=clerk_b,
            allocation=IssueAllocation.objects.get(issue=issue, point=world.point_a),
            received=1,
        )
    counted = work.allocation_receive(actor=clerk_b, allocation=line, received=6, at=at(DEC1, 8))
    assert counted.received == 6
    with pytest.raises(DomainError, match="already"):
        work.allocation_receive(actor=clerk_b, allocation=line, received=6)

    work.issue_return(actor=centre_clerk, issue=issue, copies=3)
    with pytest.raises(DomainError, match="At most 2"):
        work.issue_return(actor=centre_clerk, issue=issue, copies=3)
    issue.refresh_from_db()
    assert issue.returned == 3


def test_an_administrator_enters_the_signed_sheets_of_several_points_at_once(
    world: Any, centre_clerk: Any, admin_user: Any, clerk_a: Any, titles: Any, served: Any
) -> None:
    issue = receive(centre_clerk, titles)
    ids = list(PressDelivery.objects.filter(issue=issue).values_list("pk", flat=True))
    with pytest.raises(AccessDenied):
        work.deliveries_confirm(actor=clerk_a, point=None, ids=ids, at=at(DEC1, 10))

    count = work.deliveries_confirm(actor=admin_user, point=None, ids=ids, at=at(DEC1, 10))

    assert count == 4
    assert set(PressDelivery.objects.values_list("confirmed_by", flat=True)) == {admin_user.pk}
    assert rollup()["delivered"] == rollup()["copies_due"] == 7
