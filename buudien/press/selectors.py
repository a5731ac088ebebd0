"""The reads of the press: the titles on sale, the subscriptions a user may see, one
subscription, the programmes and their recipients, the day's allocation per delivery point.

Who reads: counter clerks and administrators (who take subscriptions), accountants,
directors and auditors; each sees the subscriptions of the points in their scope, elsewhere
"not found".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from buudien.core.errors import AccessDenied, NotFound
from buudien.people import access
from buudien.people.access import user_province as province_of
from buudien.press.models import Programme, ProgrammeRecipient, Subscription, Title
from buudien.press.services import AllocationLine, issues_on

__all__ = ["province_of"]

READERS = frozenset({"clerk", "admin", "accountant", "director", "auditor"})
LIST_LIMIT = 200


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
    scope."""
    require_reader(user)
    return [
        line
        for line in issues_on(day, province_code=province_of(user))
        if access.in_scope(user, line.point.unit_path)
    ]
