"""The reads of the press: the titles on sale, the subscriptions a user may see, one
subscription, the programmes and their recipients, the day's allocation per delivery point;
and the daily work: the issues of a day at the centre, the copies counted at a point, a
point's deliveries (the postman's round), the deliveries missed on a day.

Who reads: counter clerks and administrators (who take subscriptions), accountants,
directors and auditors; each sees the subscriptions of the points in their scope, elsewhere
"not found". The issues received: the centre's clerks and the supervisors of the province.
The deliveries: a postman those of their point, the others (clerks, supervisors) those of
the points in their scope.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.text import fold, natural_key
from buudien.network.choices import AdminAreaLevel, AdminAreaStructure
from buudien.network.models import AdminArea, ServicePoint
from buudien.people import access
from buudien.people.access import user_province as province_of
from buudien.people.choices import Role
from buudien.press import work
from buudien.press.choices import DeliveryStatus
from buudien.press.models import (
    IssueAllocation,
    PressDelivery,
    PressIssue,
    Programme,
    ProgrammeRecipient,
    Subscription,
    Title,
)
from buudien.press.services import AllocationLine, issues_on

__all__ = ["province_of"]

READERS = frozenset({"clerk", "admin", "accountant", "director", "auditor"})
# Who follows the press's daily work in their scope (the issues, the deliveries missed).
SUPERVISORS = frozenset({"admin", "director", "accountant", "auditor"})
LIST_LIMIT = 200
# The deliveries of a day shown at once: a point's round, the missed of a province.
ROUND_LIMIT = 2_000
PK_MAX = 2**63 - 1


def require_reader(user: Any) -> None:
    if not access.has_role(user, READERS):
        raise AccessDenied(
            _("Only counter, accounting and management staff may read the press records.")
        )


def titles_for(*, province_code: str) -> QuerySet[Title]:
    """The titles distributed in the province (active, of an active publisher)."""
    return (
        Title.objects.select_related("publisher")
        .prefetch_related("prices")
        .filter(province_code=province_code, is_active=True, publisher__is_active=True)
        .order_by("code")
    )


def subscriptions_visible(user: Any) -> QuerySet[Subscription]:
    require_reader(user)
    return (
        Subscription.objects.select_related("point", "delivery_point", "title", "created_by")
        .filter(access.scope_q(user, "point__unit_path"))
        .order_by("-created_at", "-id")
    )


def subscription_list(*, user: Any, q: str = "", limit: int = LIST_LIMIT) -> list[Subscription]:
    """The subscriptions ``user`` may see, the newest first: ``q`` is a reference, a phone,
    a title's code or part of the subscriber's name (diacritics optional)."""
    rows = subscriptions_visible(user)
    text = " ".join("".join(ch for ch in str(q or "") if ch.isprintable()).split())[:60]
    if text:
        rows = rows.filter(
            Q(reference=text.upper())
            | Q(phone=text.replace(" ", ""))
            | Q(title__code=text.upper())
            | Q(subscriber_name__icontains=text)
        )
    return list(rows[: max(1, min(limit, LIST_LIMIT))])


def subscription_get(*, user: Any, reference: str) -> Subscription:
    text = str(reference or "").strip().upper()[:30]
    row = subscriptions_visible(user).filter(reference=text).first()
    if row is None or not text:
        raise NotFound(_("No such subscription."))
    return row


def programmes_for(*, user: Any) -> list[Programme]:
    """The programmes of the user's province with their titles and recipients."""
    require_reader(user)
    recipients = ProgrammeRecipient.objects.select_related("commune", "delivery_point")
    return list(
        Programme.objects.filter(province_code=province_of(user))
        .prefetch_related("titles", Prefetch("recipients", queryset=recipients))
        .order_by("-year", "code")
    )


def programme_get(*, user: Any, code: str, year: int | None = None) -> Programme:
    require_reader(user)
    rows = Programme.objects.filter(province_code=province_of(user), code=str(code)[:32])
    if year is not None:
        rows = rows.filter(year=year)
    found = rows.order_by("-year").first()
    if found is None:
        raise NotFound(_("No such programme."))
    return found


def allocation(*, user: Any, day: dt.date) -> list[AllocationLine]:
    """The copies per delivery point and title on ``day``, for the points in the user's
    scope: as the centre split the issue when it was received, as forecast otherwise."""
    require_reader(user)
    province = province_of(user)
    counted = [
        AllocationLine(row.point, row.issue.title, row.subscribed, row.public, received=True)
        for row in IssueAllocation.objects.select_related("point", "issue__title").filter(
            province_code=province, issue__issue_date=day
        )
    ]
    done = set(
        PressIssue.objects.filter(province_code=province, issue_date=day).values_list(
            "title_id", flat=True
        )
    )
    forecast = [
        line for line in issues_on(day, province_code=province) if line.title.pk not in done
    ]
    return [
        line
        for line in sorted(counted + forecast, key=lambda line: (line.point.code, line.title.code))
        if access.in_scope(user, line.point.unit_path)
    ]


def _pk(value: Any) -> int:
    """A primary key given in a request; anything else is "not found"."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if isinstance(value, bool) or not 1 <= number <= PK_MAX:
        raise NotFound(_("No such record."))
    return number


# --- the centre ---------------------------------------------------------------------------


def require_centre(user: Any) -> None:
    """The centre's clerks (who receive the press) and the supervisors (who read)."""
    if not (work.can_receive(user) or access.has_role(user, SUPERVISORS)):
        raise AccessDenied(_("Only the centre's staff and the supervisors see the press issues."))


@dataclass(frozen=True)
class TitleOfDay:
    """A title appearing on a day: the copies expected of it (the subscriptions and the
    programmes' recipients) and its issue once received at the centre."""

    title: Title
    expected: int
    issue: PressIssue | None


def issue_list(*, user: Any, day: dt.date) -> list[PressIssue]:
    """The issues of ``day`` received at the centre of the user's province."""
    require_centre(user)
    return list(
        PressIssue.objects.select_related("title", "received_by")
        .filter(province_code=province_of(user), issue_date=day)
        .order_by("title__code")
    )


def centre_day(*, user: Any, day: dt.date) -> list[TitleOfDay]:
    """For the centre: each title appearing on ``day`` (or received that day) with the
    copies expected of it in the province, and its issue when received."""
    issues = {issue.title_id: issue for issue in issue_list(user=user, day=day)}
    province = province_of(user)
    expected: dict[int, int] = defaultdict(int)
    for line in issues_on(day, province_code=province):
        expected[line.title.pk] += line.copies
    titles = {t.pk: t for t in titles_for(province_code=province) if t.appears_on(day)}
    titles.update({pk: issue.title for pk, issue in issues.items()})
    return [
        TitleOfDay(title, issues[pk].expected if pk in issues else expected[pk], issues.get(pk))
        for pk, title in sorted(titles.items(), key=lambda pair: pair[1].code)
    ]


def issue_get(*, user: Any, pk: Any) -> PressIssue:
    require_centre(user)
    found = (
        PressIssue.objects.select_related("title", "received_by", "centre")
        .filter(province_code=province_of(user), pk=_pk(pk))
        .first()
    )
    if found is None:
        raise NotFound(_("No such press issue."))
    return found


def issue_lines(*, user: Any, issue: PressIssue) -> list[IssueAllocation]:
    """The issue's allocation lines for the points in the user's scope."""
    return list(
        issue.lines.select_related("point", "received_by")
        .filter(access.scope_q(user, "point__unit_path"))
        .order_by("point__code")
    )


def issue_deliveries(*, issue: PressIssue) -> dict[str, int]:
    """How the issue's deliveries stand: all, delivered, on time, missed, still pending."""
    status = DeliveryStatus
    return PressDelivery.objects.filter(issue=issue).aggregate(
        deliveries=Count("pk"),
        delivered=Count("pk", filter=Q(status=status.DELIVERED)),
        on_time=Count("pk", filter=Q(status=status.DELIVERED, on_time=True)),
        missed=Count("pk", filter=Q(status=status.MISSED)),
        pending=Count("pk", filter=Q(status=status.PENDING)),
    )


# --- the points: copies counted, deliveries -----------------------------------------------


def _points_q(user: Any, field: str = "point") -> Q:
    """The points whose press work ``user`` follows: a postman's own point; the points in
    the scope of a clerk or a supervisor."""
    if access.has_role(user, frozenset({Role.POSTMAN})):
        return Q(**{f"{field}_id": getattr(user, "point_id", None) or 0})
    if access.has_role(user, READERS):
        return access.scope_q(user, f"{field}__unit_path")
    raise AccessDenied(_("Only the points' staff and the supervisors see the press deliveries."))


def point_lines(*, user: Any, day: dt.date) -> list[IssueAllocation]:
    """The allocation lines of ``day`` for the user's point (an administrator: the points
    in scope), to count the copies as they arrive."""
    if not work.can_confirm(user):
        raise AccessDenied(_("Only the point's staff count the copies it receives."))
    rows = IssueAllocation.objects.select_related("point", "issue__title", "received_by").filter(
        issue__issue_date=day
    )
    if getattr(user, "point_id", None) and not work.is_admin(user):
        rows = rows.filter(point_id=user.point_id)
    else:
        rows = rows.filter(access.scope_q(user, "point__unit_path"))
    return list(rows.order_by("point__code", "issue__title__code")[:ROUND_LIMIT])


def allocation_get(*, user: Any, pk: Any) -> IssueAllocation:
    found = (
        IssueAllocation.objects.select_related("point", "issue__title")
        .filter(_points_q(user), pk=_pk(pk))
        .first()
    )
    if found is None:
        raise NotFound(_("No such allocation line."))
    return found


def deliveries_visible(user: Any) -> QuerySet[PressDelivery]:
    return PressDelivery.objects.select_related("point", "title", "commune").filter(_points_q(user))


def delivery_list(*, user: Any, day: dt.date, status: str = "") -> list[PressDelivery]:
    """The deliveries of ``day`` the user follows (``status``: those of one status)."""
    rows = deliveries_visible(user).filter(issue_date=day)
    if status:
        if status not in DeliveryStatus.values:
            raise DomainError(
                _("The status is one of: %(statuses)s.")
                % {"statuses": ", ".join(DeliveryStatus.values)},
                field="status",
            )
        rows = rows.filter(status=status)
    return list(rows.order_by("point__code", "title__code", "address", "pk")[:ROUND_LIMIT])


def delivery_get(*, user: Any, pk: Any) -> PressDelivery:
    found = deliveries_visible(user).filter(pk=_pk(pk)).first()
    if found is None:
        raise NotFound(_("No such press delivery."))
    return found


def round_point(*, user: Any, code: str = "") -> ServicePoint | None:
    """The point whose round ``user`` confirms: their own; an administrator's choice among
    the points of their scope (None until chosen)."""
    if not work.can_confirm(user):
        raise AccessDenied(_("Only a postman or the point's clerk confirms press deliveries."))
    own = getattr(user, "point", None)
    if not work.is_admin(user):
        if own is None:
            raise AccessDenied(_("Your account has no delivery point."))
        return own
    text = str(code or "").strip()[:16]
    if not text:
        return own
    found = ServicePoint.objects.filter(access.scope_q(user, "unit_path"), code=text).first()
    if found is None:
        raise NotFound(_("No such service point."))
    return found


def round_list(*, point: ServicePoint, day: dt.date) -> list[PressDelivery]:
    """The deliveries of ``point`` on ``day``: those still to deliver first, each part in
    the natural order of the addresses ("Số 13" before "Số 103")."""
    rows = PressDelivery.objects.select_related("title").filter(
        province_code=point.province_code, point=point, issue_date=day
    )[:ROUND_LIMIT]
    return sorted(
        rows,
        key=lambda row: (
            row.status != DeliveryStatus.PENDING,
            natural_key(row.address),
            fold(row.name),
            row.pk,
        ),
    )


@dataclass(frozen=True)
class MissedGroup:
    """The deliveries not made on a day for one point, title and commune."""

    point: ServicePoint
    title: Title
    commune: AdminArea | None
    deliveries: list[PressDelivery]

    @property
    def copies(self) -> int:
        return sum(row.copies for row in self.deliveries)


def missed_list(*, user: Any, day: dt.date, now: dt.datetime) -> list[MissedGroup]:
    """The deliveries of ``day`` not made: recorded as not delivered, or still pending after
    their due time at ``now``; per point, title and commune. For the supervisors and the
    points' clerks (the points of their scope)."""
    if not access.has_role(user, READERS):
        raise AccessDenied(_("Only the points' clerks and the supervisors see the missed press."))
    rows = (
        deliveries_visible(user)
        .filter(issue_date=day)
        .filter(Q(status=DeliveryStatus.MISSED) | Q(status=DeliveryStatus.PENDING, due_at__lt=now))
        .order_by("point__code", "title__code", "pk")[:ROUND_LIMIT]
    )
    ordered = sorted(
        rows,
        key=lambda row: (
            row.point.code,
            row.title.code,
            fold(row.commune.name) if row.commune is not None else "",
            fold(row.name),
            row.pk,
        ),
    )
    return [
        MissedGroup(point, title, commune, list(group))
        for (point, title, commune), group in itertools.groupby(
            ordered, key=lambda row: (row.point, row.title, row.commune)
        )
    ]


# --- a programme's recipients -------------------------------------------------------------


def programme_by_pk(*, user: Any, pk: Any) -> Programme:
    require_reader(user)
    found = (
        Programme.objects.prefetch_related("titles")
        .filter(province_code=province_of(user), pk=_pk(pk))
        .first()
    )
    if found is None:
        raise NotFound(_("No such programme."))
    return found


def recipient_list(*, programme: Programme, q: str = "") -> list[ProgrammeRecipient]:
    """The programme's recipients per commune; ``q``: part of a recipient's or a commune's
    name, with or without diacritics."""
    rows = programme.recipients.select_related("commune", "delivery_point")
    text = fold(q)[:60]
    if text:
        rows = rows.filter(Q(name_folded__contains=text) | Q(commune__name_folded__contains=text))
    return list(rows.order_by("commune__name", "name_folded"))


def communes_of(*, province_code: str) -> QuerySet[AdminArea]:
    """The communes (since 2025) of the province, to choose a recipient's."""
    return AdminArea.objects.filter(
        province_code=province_code,
        structure=AdminAreaStructure.V2025,
        level=AdminAreaLevel.COMMUNE,
    ).order_by("name")
