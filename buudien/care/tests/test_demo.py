"""The demo's year of customer care, built on the small test province with a few months of
mail: every request lodged and handled through the services, in the past, the rollup equal
to what was made, and what a care desk's year looks like (mostly enquiries, complaints about
delay and loss, a few late, a few open past their deadline)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from buudien.care import demo
from buudien.care.choices import Status
from buudien.care.models import CareRequest, CareRollup, CareStep
from buudien.core.bizdays import VIETNAM
from buudien.core.models import AuditEntry
from buudien.mail.choices import MailService
from buudien.mail.tests.ops_factories import ops_item
from buudien.people.models import User
from buudien.people.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

NOW = dt.datetime(2026, 12, 15, 10, 0, tzinfo=VIETNAM)
REQUESTS = 160


@pytest.fixture
def mail_year(world: Any, clerk_a: Any, clerk_b: Any) -> list[Any]:
    """An item accepted every other day of 2026 at A or B, most delivered four days later;
    a KT1 item among them; the heads of A and B."""
    UserFactory(username="head_a", role="director", unit=world.unit_a)
    UserFactory(username="head_b", role="director", unit=world.unit_b)
    items = []
    for n in range(150):
        accepted = dt.datetime(2026, 1, 5, 9, 0, tzinfo=VIETNAM) + dt.timedelta(days=2 * n)
        point = world.point_a if n % 3 else world.point_b
        delivered = n % 10 != 0
        items.append(
            ops_item(
                point=point,
                service=MailService.PARCEL if n % 4 == 0 else MailService.REGISTERED,
                accepted_at=accepted,
                status="delivered" if delivered else "in_transit",
                delivered_at=accepted + dt.timedelta(days=4) if delivered else None,
            )
        )
    items.append(ops_item(point=world.point_a, service=MailService.KT1))
    return items


def test_the_demo_makes_a_year_of_care_through_the_services(mail_year: list[Any]) -> None:
    said: list[str] = []
    line = demo.build(seed=7, report=said.append, requests=REQUESTS, now=NOW)

    requests = CareRequest.objects.all()
    count = requests.count()
    assert said == ["Customer care: a year"] and line.startswith("Customer care: ")
    assert REQUESTS - 10 <= count <= REQUESTS
    # every one lodged by the service, with its step and audit record, in the past
    assert CareStep.objects.filter(kind="lodged").count() == count
    assert AuditEntry.objects.filter(action="care.request_lodge").count() == count
    assert not CareStep.objects.filter(at__gt=NOW).exists()
    assert not requests.filter(item__service=MailService.KT1).exists()
    # the hotline's two care officers were made
    assert User.objects.filter(role="care_officer").count() == 2

    kinds = Counter(requests.values_list("kind", flat=True))
    assert kinds["enquiry"] > kinds["complaint"] > kinds["suggestion"] > 0
    assert 0.15 <= kinds["complaint"] / count <= 0.40
    complaints = requests.filter(kind="complaint")
    grounds = Counter(complaints.values_list("ground", flat=True))
    assert grounds["delay"] + grounds["loss"] > complaints.count() / 2
    channels = Counter(requests.values_list("channel", flat=True))
    assert channels["hotline"] == max(channels.values()) and channels["counter"] > 0

    closed = complaints.filter(status=Status.CLOSED)
    late = [row for row in closed if row.closed_on > row.resolve_by]
    assert 0 < len(late) < closed.count() / 4
    assert all(row.outcome and row.cause for row in closed)
    assert closed.filter(outcome__in=["upheld", "partly"]).exists()
    overdue = complaints.exclude(status=Status.CLOSED).filter(resolve_by__lt=NOW.date())
    assert overdue.exists() and all(row.escalated_at is not None for row in overdue)
    assert requests.exclude(status=Status.CLOSED).filter(received_on__gte=dt.date(2026, 12, 1))

    # the figures' rollup is what was made
    rollup = CareRollup.objects.all()
    assert sum(rollup.values_list("received", flat=True)) == count
    assert sum(rollup.values_list("closed", flat=True)) == requests.filter(status="closed").count()
    on_time = [r for r in requests.filter(status="closed") if r.closed_on <= r.resolve_by]
    assert sum(rollup.values_list("closed_on_time", flat=True)) == len(on_time)

    # built once: a second run says so and adds nothing
    again = demo.build(seed=7, report=said.append, requests=REQUESTS, now=NOW)
    assert "already there" in again and CareRequest.objects.count() == count


def test_no_requests_asked_none_made(mail_year: list[Any]) -> None:
    assert demo.build(seed=7, report=print, requests=0, now=NOW) == ""
    assert not CareRequest.objects.exists()
