"""The press's daily work: an issue received and counted at the provincial centre, split per
delivery point, sent with the bags, counted at the point, delivered by the postman who
confirms each recipient on the phone; unsold single copies returned to the publisher.

``issue_receive`` is the centre's step: the copies expected are those of the subscriptions
in force on the issue date and of the recipients of the year's programmes carrying the
title. It writes, in one transaction, the issue, its allocation line per delivery point and
one delivery per recipient (prepared inserts, ``core.bulk``), and adds the copies due to the
rollup. An issue is received once per title and date.

``delivery_confirm`` is the postman's: delivered (on time when before the title's due time)
or not, with the reason; once (a conditional UPDATE, so two phones confirming at the same
moment confirm it once). ``deliveries_confirm`` confirms many at once ("all delivered").

Who: the centre's clerks (a clerk of a processing centre of the province) or an
administrator receive and dispatch; the clerks and postmen of a point count its copies; the
postmen (and the clerks of a BĐVHX, where recipients collect their copies) of the delivery
point confirm its deliveries; an administrator may do each within their scope.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from buudien.core import rollup
from buudien.core.bulk import insert_rows
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.counter import fields
from buudien.counter.desk import moment_of, user_or_none
from buudien.counter.problems import Problems
from buudien.network.choices import PointKind
from buudien.network.models import ServicePoint
from buudien.people import access
from buudien.people.choices import Role
from buudien.press.choices import DeliveryStatus, MissReason
from buudien.press.models import (
    IssueAllocation,
    PressDelivery,
    PressIssue,
    PressRollup,
    ProgrammeRecipient,
    Subscription,
    Title,
)

__all__ = [
    "allocation_receive",
    "can_confirm",
    "can_receive",
    "deliveries_confirm",
    "delivery_confirm",
    "is_admin",
    "issue_dispatch",
    "issue_receive",
    "issue_return",
]

COPIES_MAX = 1_000_000
_DIGITS = re.compile(r"[0-9]{1,9}")
# How far back an issue may be received: a parcel of papers found a week late is recorded.
RECEIVE_BACK_DAYS = 7
# What the rollup of a confirmation needs of each delivery.
FIELDS_CONFIRMED = (
    "province_code",
    "issue_date",
    "point_id",
    "title_id",
    "recipient_id",
    "copies",
    "due_at",
)
ROLLUP_KEYS = ("province_code", "month", "point_id", "title_id", "public")


def is_admin(actor: Any) -> bool:
    """A superuser or an administrator (who may act at any point of their scope)."""
    return bool(getattr(actor, "is_superuser", False)) or access.has_role(
        actor, frozenset({Role.ADMIN})
    )


def can_receive(actor: Any) -> bool:
    """A clerk of a processing centre, or an administrator."""
    if is_admin(actor):
        return True
    point = getattr(actor, "point", None)
    return (
        access.has_role(actor, frozenset({Role.CLERK}))
        and point is not None
        and point.kind == PointKind.CENTRE
    )


def can_confirm(actor: Any) -> bool:
    """A postman, a clerk (of a BĐVHX where recipients collect), or an administrator."""
    return is_admin(actor) or access.has_role(actor, frozenset({Role.POSTMAN, Role.CLERK}))


def can_open_round(actor: Any) -> bool:
    """Whether the press round page opens for ``actor``: one who confirms deliveries and has
    a point to confirm them at (an administrator chooses one)."""
    return can_confirm(actor) and (is_admin(actor) or getattr(actor, "point_id", None) is not None)


def _check_province(actor: Any, province_code: str) -> None:
    own = access.user_province(actor)
    if own and own != province_code:
        raise NotFound(_("No such press title."))


def _at_point(actor: Any, point: ServicePoint, *, message: str) -> None:
    """``actor`` works at ``point`` (an administrator: ``point`` is in their scope)."""
    if is_admin(actor):
        if not access.in_scope(actor, point.unit_path):
            raise NotFound(_("No such service point."), field="point")
        return
    if getattr(actor, "point_id", None) != point.pk:
        raise AccessDenied(message)


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _copies(value: Any, *, field: str, label: str, high: int = COPIES_MAX) -> int:
    """A whole number of copies from 0 to ``high``: an integer, or its digits as typed."""
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise DomainError(
            _("%(label)s is a whole number of copies from 0 to %(high)s.")
            % {"label": label, "high": high},
            field=field,
        )
    return value


def rollup_subscriptions(
    rows: Iterable[tuple[str, dt.date, int, int, Mapping[str, Any]]],
) -> None:
    """Count subscriptions just taken (``services``), each given as its (province, business
    day, point, title, fields), in its month at its point: the list's counts summed per row
    of the rollup, added in one statement."""
    counts: dict[tuple[str, dt.date, int, int], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for province, day, point_id, title_id, found in rows:
        count = counts[(province, _month(day), point_id, title_id)]
        count[0] += 1
        count[1] += found["copies"]
        count[2] += found["total"]
        count[3] += found["margin"]
    rollup.add_many(
        PressRollup,
        ["province_code", "month", "point_id", "title_id", "public"],
        ["subscriptions", "subscribed_copies", "sales", "margin"],
        [[*key, False, *count] for key, count in sorted(counts.items())],
    )


def _expected(title: Title, day: dt.date) -> tuple[list[Any], list[Any]]:
    """The subscriptions in force on ``day`` and the recipients of the year's programmes
    carrying ``title``: one row each, with what a delivery needs."""
    subscribed: list[dict[str, Any]] = [
        dict(row)
        for row in Subscription.objects.filter(
            province_code=title.province_code,
            title=title,
            starts_on__lte=day,
            ends_on__gte=day,
        ).values("pk", "delivery_point_id", "subscriber_name", "address", "phone", "copies")
    ]
    public: list[dict[str, Any]] = [
        dict(row)
        for row in ProgrammeRecipient.objects.filter(
            province_code=title.province_code,
            programme__is_active=True,
            programme__year=day.year,
            programme__titles=title,
        ).values(
            "pk",
            "programme_id",
            "commune_id",
            "commune__name",
            "delivery_point_id",
            "name",
            "copies",
        )
    ]
    return subscribed, public


@transaction.atomic
def issue_receive(
    *,
    actor: Any,
    title: Title,
    issue_date: dt.date,
    received: Any,
    note: str = "",
    at: dt.datetime | None = None,
) -> PressIssue:
    """Receive the issue of ``title`` of ``issue_date`` at the centre: ``received`` copies
    counted. It is split at once: its allocation line per delivery point and one delivery
    per recipient on the points' rounds. Every problem is refused at once."""
    if not can_receive(actor):
        raise AccessDenied(_("Only the centre's clerks or an administrator receive the press."))
    _check_province(actor, title.province_code)
    moment, today = moment_of(at)
    problems = Problems()
    count = problems.check(_copies, received, field="received", label=_("The copies received"))
    text = problems.check(
        fields.text, note, field="note", label=_("The note"), limit=300, required=False
    )
    if not isinstance(issue_date, dt.date) or isinstance(issue_date, dt.datetime):
        problems.add("issue_date", _("Write the issue date as dd/mm/yyyy."))
    elif issue_date > today:
        problems.add(
            "issue_date",
            _("The issue of %(day)s has not appeared yet.") % {"day": f"{issue_date:%d/%m/%Y}"},
        )
    elif issue_date < today - dt.timedelta(days=RECEIVE_BACK_DAYS):
        problems.add(
            "issue_date",
            _("An issue is received at most %(days)s days after it appears.")
            % {"days": RECEIVE_BACK_DAYS},
        )
    elif not title.appears_on(issue_date):
        problems.add(
            "issue_date",
            _("%(title)s does not appear on %(day)s.")
            % {"title": title.name, "day": f"{issue_date:%d/%m/%Y}"},
        )
    else:
        done = PressIssue.objects.filter(
            province_code=title.province_code, title=title, issue_date=issue_date
        ).first()
        if done is not None:
            problems.add(
                "issue_date",
                _("The issue of %(day)s of %(title)s was received already, at %(at)s.")
                % {
                    "day": f"{issue_date:%d/%m/%Y}",
                    "title": title.name,
                    "at": f"{done.received_at.astimezone(moment.tzinfo):%H:%M %d/%m/%Y}",
                },
            )
    problems.raise_any()
    assert count is not None
    subscribed, public = _expected(title, issue_date)
    per_point: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for row in subscribed:
        per_point[row["delivery_point_id"]][0] += row["copies"]
    for row in public:
        per_point[row["delivery_point_id"]][1] += row["copies"]
    province = title.province_code
    centre = getattr(actor, "point", None)
    issue = PressIssue.objects.create(
        province_code=province,
        title=title,
        issue_date=issue_date,
        expected=sum(sub + pub for sub, pub in per_point.values()),
        received=count,
        received_at=moment,
        received_by=user_or_none(actor),
        centre=centre if isinstance(centre, ServicePoint) else None,
        note=text or "",
    )
    # Thousands of rows a day for the province: one prepared INSERT each (core.bulk), not
    # bulk_create, which spent three quarters of the time building them (bench/press_allocation).
    insert_rows(
        IssueAllocation,
        (
            {
                "province_code": province,
                "issue_id": issue.pk,
                "point_id": point_id,
                "subscribed": sub,
                "public": pub,
            }
            for point_id, (sub, pub) in sorted(per_point.items())
        ),
    )
    common = {
        "province_code": province,
        "issue_id": issue.pk,
        "title_id": title.pk,
        "issue_date": issue_date,
        "due_at": title.due_at(issue_date),
    }
    insert_rows(
        PressDelivery,
        (
            {
                **common,
                "point_id": row["delivery_point_id"],
                "subscription_id": row["pk"],
                "name": row["subscriber_name"],
                "address": row["address"],
                "phone": row["phone"],
                "copies": row["copies"],
            }
            for row in subscribed
        ),
    )
    insert_rows(
        PressDelivery,
        (
            {
                **common,
                "point_id": row["delivery_point_id"],
                "recipient_id": row["pk"],
                "programme_id": row["programme_id"],
                "commune_id": row["commune_id"],
                "name": row["name"],
                "address": row["commune__name"],
                "copies": row["copies"],
            }
            for row in public
        ),
    )
    month = _month(issue_date)
    rollup.add_many(
        PressRollup,
        ROLLUP_KEYS,
        ("copies_due",),
        [
            (province, month, point_id, title.pk, public_, copies)
            for point_id, pair in per_point.items()
            for public_, copies in ((False, pair[0]), (True, pair[1]))
            if copies
        ],
    )
    return issue


def issue_dispatch(*, actor: Any, issue: PressIssue, at: dt.datetime | None = None) -> PressIssue:
    """Send the issue's copies to the points (with the day's bags): once."""
    if not can_receive(actor):
        raise AccessDenied(_("Only the centre's clerks or an administrator receive the press."))
    _check_province(actor, issue.province_code)
    moment, _day = moment_of(at)
    sent = PressIssue.objects.filter(pk=issue.pk, dispatched_at__isnull=True).update(
        dispatched_at=moment
    )
    issue.refresh_from_db()
    if not sent:
        assert issue.dispatched_at is not None
        raise DomainError(
            _("The issue was sent to the points already, at %(at)s.")
            % {"at": f"{issue.dispatched_at.astimezone(moment.tzinfo):%H:%M %d/%m/%Y}"},
            field="issue",
        )
    return issue


def allocation_receive(
    *, actor: Any, allocation: IssueAllocation, received: Any, at: dt.datetime | None = None
) -> IssueAllocation:
    """Count the copies of an issue arriving at the delivery point: once."""
    if not can_confirm(actor):
        raise AccessDenied(_("Only the point's staff count the copies it receives."))
    point = allocation.point
    _at_point(
        actor,
        point,
        message=_("Only the staff of %(point)s count its copies.") % {"point": point.name},
    )
    count = _copies(
        received, field="received", label=_("The copies received"), high=allocation.copies * 2 + 10
    )
    moment, _day = moment_of(at)
    done = IssueAllocation.objects.filter(pk=allocation.pk, received_at__isnull=True).update(
        received=count, received_at=moment, received_by=user_or_none(actor)
    )
    allocation.refresh_from_db()
    if not done:
        raise DomainError(_("The copies were counted at the point already."), field="received")
    return allocation


def issue_return(*, actor: Any, issue: PressIssue, copies: Any) -> PressIssue:
    """Book ``copies`` unsold single copies of ``issue`` returned to the publisher."""
    if not can_receive(actor):
        raise AccessDenied(_("Only the centre's clerks or an administrator receive the press."))
    _check_province(actor, issue.province_code)
    left = issue.single_copies - issue.returned
    count = _copies(copies, field="copies", label=_("The copies returned"), high=COPIES_MAX)
    if count < 1 or count > left:
        raise DomainError(
            _("At most %(left)s unsold single copies of this issue can be returned.")
            % {"left": left},
            field="copies",
        )
    done = PressIssue.objects.filter(
        pk=issue.pk, returned__lte=F("received") - F("expected") - count
    ).update(returned=F("returned") + count)
    if not done:
        raise DomainError(_("The copies were returned meanwhile: look again."), field="copies")
    issue.refresh_from_db()
    return issue


def _confirm_rollup(rows: list[PressDelivery], delivered: bool, on_time: bool | None) -> None:
    per_key: dict[tuple[Any, ...], int] = defaultdict(int)
    for row in rows:
        key = (row.province_code, _month(row.issue_date), row.point_id, row.title_id, row.public)
        per_key[key] += row.copies
    counters = ("delivered", "on_time", "missed")
    rollup.add_many(
        PressRollup,
        ROLLUP_KEYS,
        counters,
        [
            (
                *key,
                copies if delivered else 0,
                copies if delivered and on_time else 0,
                0 if delivered else copies,
            )
            for key, copies in per_key.items()
        ],
    )


def _confirmable(actor: Any, point: ServicePoint) -> None:
    if not can_confirm(actor):
        raise AccessDenied(_("Only a postman or the point's clerk confirms press deliveries."))
    _at_point(
        actor,
        point,
        message=_("Only the staff of %(point)s confirm its deliveries.") % {"point": point.name},
    )


@transaction.atomic
def delivery_confirm(
    *,
    actor: Any,
    delivery: PressDelivery,
    delivered: bool = True,
    reason: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> PressDelivery:
    """The copies of ``delivery`` delivered (or not, ``reason`` says why): once."""
    _confirmable(actor, delivery.point)
    moment, day = moment_of(at)
    problems = Problems()
    why = str(reason or "").strip()
    if not delivered and why not in MissReason.values:
        problems.add("reason", _("Say why the copies were not delivered."))
    text = problems.check(
        fields.text, note, field="note", label=_("The note"), limit=300, required=False
    )
    if day < delivery.issue_date - dt.timedelta(days=1):
        problems.add("at", _("The issue has not appeared yet."))
    problems.raise_any()
    on_time = (moment <= delivery.due_at) if delivered else None
    done = PressDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.DELIVERED if delivered else DeliveryStatus.MISSED,
        reason="" if delivered else why,
        note=text or "",
        confirmed_at=moment,
        confirmed_by=user_or_none(actor),
        on_time=on_time,
    )
    if not done:
        delivery.refresh_from_db()
        assert delivery.confirmed_at is not None
        raise DomainError(
            _("The delivery to %(name)s was confirmed already, at %(at)s.")
            % {
                "name": delivery.name,
                "at": f"{delivery.confirmed_at.astimezone(moment.tzinfo):%H:%M %d/%m/%Y}",
            },
            field="delivery",
        )
    _confirm_rollup([delivery], delivered, on_time)
    delivery.refresh_from_db()
    return delivery


@transaction.atomic
def deliveries_confirm(
    *, actor: Any, point: ServicePoint | None, ids: list[int], at: dt.datetime | None = None
) -> int:
    """The deliveries ``ids`` of ``point`` still to deliver, all delivered at ``at``. Those
    confirmed meanwhile are left as they are. The deliveries confirmed.

    Without a point, an administrator enters the signed delivery sheets of the points of
    their scope (a BĐVHX without a phone signs its sheet; the office records it): the
    deliveries of any point they may see."""
    if point is not None:
        _confirmable(actor, point)
        where = Q(point=point)
    elif is_admin(actor):
        where = access.scope_q(actor, "point__unit_path")
    else:
        raise AccessDenied(_("Only the staff of a point confirm its deliveries."))
    moment, _day = moment_of(at)
    wanted = [int(pk) for pk in ids][:5_000]
    rows = list(
        PressDelivery.objects.select_for_update()
        .filter(where, pk__in=wanted, status=DeliveryStatus.PENDING)
        .only(
            "pk",
            "province_code",
            "issue_date",
            "point_id",
            "title_id",
            "recipient_id",
            "copies",
            "due_at",
        )
    )
    if not rows:
        return 0
    groups: dict[bool, list[PressDelivery]] = {True: [], False: []}
    for row in rows:
        groups[moment <= row.due_at].append(row)
    for on_time, chosen in groups.items():
        if not chosen:
            continue
        PressDelivery.objects.filter(
            pk__in=[row.pk for row in chosen], status=DeliveryStatus.PENDING
        ).update(
            status=DeliveryStatus.DELIVERED,
            confirmed_at=moment,
            confirmed_by=user_or_none(actor),
            on_time=on_time,
        )
        _confirm_rollup(chosen, True, on_time)
    return len(rows)
