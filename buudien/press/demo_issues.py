"""The demo's daily press work of the year: each title's issues received at the
provincial centre on the days they appear (``press.work.issue_receive``, at the moment they
came, a few copies short now and then, a few single copies over), split per delivery point,
and delivered: in the last ``PHONE_WEEKS`` weeks the round of each point on each day
confirmed at once by its clerk (``press.work.deliveries_confirm``: one call per point and
day, as the postman's "all delivered" on the phone), in the weeks before from the signed
delivery sheets by the administrator (one call for the day's timely rounds, one for the late
ones); most before the titles' due time, a few rounds late, a few recipients missed with
their reason (``press.work.delivery_confirm``). A step of
``buudien demo`` (``press.issues``, registered in ``PressConfig.ready``) after the year of
subscriptions (``press.year``).

- The last ``DEFAULT_WEEKS`` weeks up to now, a year (``BUUDIEN_DEMO_PRESS_WEEKS`` or
  ``build(weeks=...)``; 0 skips the step).
  Today's issues are received if they came already; a delivery whose moment is still to
  come is left to deliver.
- Every call is one transaction of its own, at a past moment (``at=``).

Seeded (``random.Random``) and repeatable on a fresh database; a second build changes
nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from buudien.core.bizdays import VIETNAM, local_now
from buudien.core.money import format_number
from buudien.network.choices import PointKind
from buudien.network.models import ServicePoint
from buudien.people.choices import Role
from buudien.people.models import User
from buudien.press import work
from buudien.press.choices import DeliveryStatus, MissReason
from buudien.press.models import PressDelivery, PressIssue, ProgrammeRecipient, Subscription, Title

PROVINCE = "20"
DEFAULT_WEEKS = 52  # a year
# The last weeks are confirmed on the phones, point by point; the weeks before were entered
# from the signed delivery sheets by the office (one call for a day's rounds).
PHONE_WEEKS = 4
SHEET_ROWS = 5_000  # deliveries_confirm takes at most this many at once
WEEKS_ENV = "BUUDIEN_DEMO_PRESS_WEEKS"
LATE_ROUNDS = 0.06  # of the rounds, confirmed after the due time
MISSED = 0.015  # of the deliveries, not delivered (with a reason)
SHORT = 0.05  # of the issues, a copy or two short from the publisher
REASONS = [MissReason.ABSENT] * 4 + [MissReason.ADDRESS, MissReason.REFUSED, MissReason.OTHER]


def _weeks(weeks: int | None) -> int:
    if weeks is not None:
        return max(0, weeks)
    raw = os.environ.get(WEEKS_ENV, "").strip()
    return int(raw) if raw.isdigit() else DEFAULT_WEEKS


def build(
    *,
    seed: int,
    report: Callable[[str], None],
    weeks: int | None = None,
    now: dt.datetime | None = None,
) -> str:
    """The issues and deliveries of the last ``weeks`` weeks; one line of summary."""
    started = time.perf_counter()
    count = _weeks(weeks)
    titles = list(Title.objects.filter(province_code=PROVINCE, is_active=True).order_by("code"))
    admin = User.objects.filter(username="admin").first()
    if not count or not titles or admin is None:
        return ""
    if PressIssue.objects.filter(province_code=PROVINCE).exists():
        return _("Press issues: already built.")
    now = (now or local_now()).astimezone(VIETNAM)
    today = now.date()
    rng = random.Random(seed + 77)
    report(_("Press: the issues of the last weeks"))
    receiver, confirmers = _staff(admin)
    expected = _Expected(titles)
    first = today - dt.timedelta(days=7 * count - 1)
    by_phone_from = today - dt.timedelta(days=7 * PHONE_WEEKS - 1)
    issues = 0
    for offset in range((today - first).days + 1):
        day = first + dt.timedelta(days=offset)
        for title in titles:
            if not title.appears_on(day):
                continue
            moment = _at(day, 4, rng.randint(0, 90))
            if moment >= now:
                continue
            due = expected.copies(title, day)
            received = due + rng.randint(0, 6)
            if due and rng.random() < SHORT:
                received = due - rng.randint(1, min(2, due))
            work.issue_receive(
                actor=receiver, title=title, issue_date=day, received=received, at=moment
            )
            issues += 1
        _deliver(rng, day, now, confirmers, admin, by_sheet=day < by_phone_from)
    return _summary(issues, started)


class _Expected:
    """The copies each title's issue of a day is expected with: those of the subscriptions
    in force and of the recipients of the day's year's programmes (as ``work`` counts them),
    read once."""

    def __init__(self, titles: list[Title]) -> None:
        self.runs: dict[int, list[tuple[dt.date, dt.date, int]]] = defaultdict(list)
        for title_id, starts, ends, copies in Subscription.objects.filter(
            province_code=PROVINCE
        ).values_list("title_id", "starts_on", "ends_on", "copies"):
            self.runs[title_id].append((starts, ends, copies))
        self.public: dict[tuple[int, int], int] = defaultdict(int)
        for title_id, year, copies in ProgrammeRecipient.objects.filter(
            province_code=PROVINCE, programme__is_active=True
        ).values_list("programme__titles", "programme__year", "copies"):
            if title_id is not None:
                self.public[(title_id, year)] += copies

    def copies(self, title: Title, day: dt.date) -> int:
        subscribed = sum(c for starts, ends, c in self.runs[title.pk] if starts <= day <= ends)
        return subscribed + self.public[(title.pk, day.year)]


def _staff(admin: Any) -> tuple[Any, dict[int, Any]]:
    """A clerk of the centre (who receives; else the administrator) and a clerk of each
    point (who confirms its round; where a point has none, the administrator)."""
    clerks = User.objects.filter(
        point__province_code=PROVINCE, role=Role.CLERK, is_active=True
    ).order_by("username")
    receiver = clerks.filter(point__kind=PointKind.CENTRE).first() or admin
    confirmers: dict[int, Any] = {}
    for user in clerks.exclude(point__kind=PointKind.CENTRE):
        assert user.point_id is not None
        confirmers.setdefault(user.point_id, user)
    return receiver, confirmers


def _at(day: dt.date, hour: int, minutes: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=VIETNAM) + dt.timedelta(minutes=minutes)


def _deliver(
    rng: random.Random,
    day: dt.date,
    now: dt.datetime,
    confirmers: dict[int, Any],
    admin: Any,
    *,
    by_sheet: bool,
) -> None:
    """The rounds of ``day``: per point, a few deliveries missed, the rest confirmed at once
    (before the earliest due time, or late): on the phone by the point's staff, one call per
    point; or (``by_sheet``, the weeks before) from the signed delivery sheets by the
    administrator, one call for the day's timely rounds and one for the late ones."""
    rounds: dict[int, list[tuple[int, dt.datetime]]] = defaultdict(list)
    for pk, point_id, due_at in (
        PressDelivery.objects.filter(
            province_code=PROVINCE, issue_date=day, status=DeliveryStatus.PENDING
        )
        .order_by("point_id", "pk")
        .values_list("pk", "point_id", "due_at")
    ):
        rounds[point_id].append((pk, due_at))
    points = ServicePoint.objects.in_bulk(list(rounds))
    sheets: dict[dt.datetime, list[int]] = defaultdict(list)
    if rounds:
        earliest_of_day = min(due for rows in rounds.values() for _pk, due in rows)
        timely_at = earliest_of_day - dt.timedelta(minutes=rng.randint(30, 240))
        late_at = earliest_of_day + dt.timedelta(minutes=rng.randint(20, 300))
    for point_id, rows in rounds.items():
        actor = admin if by_sheet else confirmers.get(point_id, admin)
        late = rng.random() < LATE_ROUNDS
        if by_sheet:
            moment = late_at if late else timely_at
        else:
            earliest = min(due for _pk, due in rows)
            minutes = rng.randint(20, 300) if late else -rng.randint(30, 240)
            moment = earliest + dt.timedelta(minutes=minutes)
        if moment >= now:
            continue
        delivered = []
        for pk, _due in rows:
            if rng.random() < MISSED:
                work.delivery_confirm(
                    actor=actor,
                    delivery=PressDelivery.objects.get(pk=pk),
                    delivered=False,
                    reason=rng.choice(REASONS),
                    at=moment,
                )
            else:
                delivered.append(pk)
        if by_sheet:
            sheets[moment] += delivered
        elif delivered:
            work.deliveries_confirm(actor=actor, point=points[point_id], ids=delivered, at=moment)
    for moment, ids in sheets.items():
        for start in range(0, len(ids), SHEET_ROWS):
            work.deliveries_confirm(
                actor=admin, point=None, ids=ids[start : start + SHEET_ROWS], at=moment
            )


def _summary(issues: int, started: float) -> str:
    rows = PressDelivery.objects.filter(province_code=PROVINCE)
    found = rows.aggregate(
        deliveries=Count("pk"),
        copies=Sum("copies"),
        timely=Count("pk", filter=Q(on_time=True)),
        late=Count("pk", filter=Q(on_time=False)),
        missed=Count("pk", filter=Q(status=DeliveryStatus.MISSED)),
    )
    return _(
        "Press issues: %(issues)s issues received, %(deliveries)s deliveries "
        "(%(copies)s copies): %(on_time)s on time, %(late)s late, %(missed)s not delivered "
        "(%(seconds)s s)."
    ) % {
        "issues": format_number(issues),
        "deliveries": format_number(found["deliveries"]),
        "copies": format_number(found["copies"] or 0),
        "on_time": format_number(found["timely"]),
        "late": format_number(found["late"]),
        "missed": format_number(found["missed"]),
        "seconds": format_number(time.perf_counter() - started, 1),
    }
