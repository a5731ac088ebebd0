"""The reads of insurance: the products on sale, the policies a user may see (searched by
the insured's name typed with or without diacritics, the number, the plate, the phone), one
policy, the policies whose cover ends soon (the renewal calls of a point), and the monthly
statement of what is owed to an insurer.

Who reads: counter clerks and administrators (who issue), accountants, directors and
auditors; each sees the policies of the points in their scope, elsewhere "not found".
"""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.text import fold
from buudien.insurance.choices import PolicyStatus
from buudien.insurance.models import Insurer, Policy, Product
from buudien.insurance.plates import TYPED, plate_clean
from buudien.people import access

READERS = frozenset({"clerk", "admin", "accountant", "director", "auditor"})
EXPIRING_DAYS = 30
LIST_LIMIT = 200


def require_reader(user: Any) -> None:
    if not access.has_role(user, READERS):
        raise AccessDenied(_("Only counter, accounting and management staff may read policies."))


province_of = access.user_province


def products_for(*, province_code: str) -> QuerySet[Product]:
    """The products on sale in the province (active, of an active insurer)."""
    return (
        Product.objects.select_related("insurer")
        .filter(province_code=province_code, is_active=True, insurer__is_active=True)
        .order_by("insurer__code", "code")
    )


def insurers_for(*, province_code: str) -> QuerySet[Insurer]:
    return Insurer.objects.filter(province_code=province_code).order_by("code")


def policies_visible(user: Any) -> QuerySet[Policy]:
    require_reader(user)
    return (
        Policy.objects.select_related("point", "product", "insurer", "created_by")
        .filter(access.scope_q(user, "point__unit_path"))
        .order_by("-created_at", "-id")
    )


def policy_list(
    *,
    user: Any,
    q: str = "",
    status: str = "",
    insurer: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = LIST_LIMIT,
) -> list[Policy]:
    """The policies ``user`` may see, the newest first: ``q`` is a policy number, a
    reference, a plate, a phone, a citizen ID, or part of the insured's name typed with or
    without its diacritics."""
    rows = policies_visible(user)
    text = " ".join("".join(ch for ch in str(q or "") if ch.isprintable()).split())[:60]
    if text:
        compact = TYPED.sub("", text).upper()
        found = (
            Q(policy_number=text.upper())
            | Q(reference=text.upper())
            | Q(citizen_id=compact)
            | Q(phone=compact)
            | Q(insured_folded__contains=fold(text))
        )
        plates = _plates(compact)
        if plates:
            found |= Q(plate__in=plates)
        rows = rows.filter(found)
    if status in PolicyStatus.values:
        rows = rows.filter(status=status)
    if insurer:
        rows = rows.filter(insurer__code=insurer[:28])
    if date_from is not None:
        rows = rows.filter(business_date__gte=date_from)
    if date_to is not None:
        rows = rows.filter(business_date__lte=date_to)
    return list(rows[: max(1, min(limit, LIST_LIMIT))])


def _plates(compact: str) -> list[str]:
    """The plates, as printed, that ``compact`` (a plate typed any way) may be."""
    out = []
    for car in (False, True):
        with suppress(DomainError):
            out.append(plate_clean(compact, car=car))
    return out


def policy_get(*, user: Any, number: str) -> Policy:
    """A policy of a point in ``user``'s scope by its reference or its policy number."""
    text = str(number or "").strip().upper()[:30]
    row = policies_visible(user).filter(Q(reference=text) | Q(policy_number=text)).first()
    if row is None or not text:
        raise NotFound(_("No such policy."))
    return row


def expiring(
    *, user: Any, today: dt.date, days: int = EXPIRING_DAYS, point_id: int | None = None
) -> list[Policy]:
    """The policies in force whose cover ends within ``days`` days from ``today`` at the
    points ``user`` may see (at their own point for a clerk), the soonest first: whom to call
    to renew."""
    rows = policies_visible(user).filter(
        status=PolicyStatus.ISSUED,
        ends_on__gte=today,
        ends_on__lte=today + dt.timedelta(days=days),
    )
    own = point_id or getattr(user, "point_id", None)
    if own is not None:
        rows = rows.filter(point_id=own)
    return list(rows.order_by("ends_on", "point__code", "id")[:LIST_LIMIT])


# --- the monthly statement of an insurer -----------------------------------------------------


@dataclass
class Statement:
    """What the post owes ``insurer`` for the policies issued in a month (cancelled ones
    left out): the premiums taken, less the commission."""

    insurer: Insurer
    year: int
    month: int
    rows: list[Policy] = field(default_factory=list)

    @property
    def policies(self) -> int:
        return len(self.rows)

    @property
    def premium(self) -> int:
        return sum(row.premium for row in self.rows)

    @property
    def commission(self) -> int:
        return sum(row.commission for row in self.rows)

    @property
    def owed(self) -> int:
        return self.premium - self.commission

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)


STATEMENT_READERS = frozenset({"accountant", "director", "auditor", "admin"})


def statement(*, user: Any, insurer: str, year: int, month: int) -> Statement:
    """The statement of ``insurer`` (its code, in the user's province) for a month: every
    policy issued and not cancelled at the points of the user's scope."""
    if not access.has_role(user, STATEMENT_READERS):
        raise AccessDenied(_("Only accounting and management staff may read the statements."))
    if not (2000 <= int(year) <= 2100 and 1 <= int(month) <= 12):
        raise DomainError(_("Choose a month of a year from 2000 to 2100."), field="month")
    province = province_of(user)
    found = Insurer.objects.filter(province_code=province, code=str(insurer)[:28]).first()
    if found is None:
        raise NotFound(_("No such insurer."), field="insurer")
    first = dt.date(int(year), int(month), 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    rows = (
        policies_visible(user)
        .filter(
            province_code=province,
            insurer=found,
            status=PolicyStatus.ISSUED,
            business_date__gte=first,
            business_date__lte=last,
        )
        .order_by("business_date", "point__code", "reference")
    )
    return Statement(found, int(year), int(month), list(rows))
