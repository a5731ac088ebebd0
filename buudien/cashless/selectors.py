"""Reads of the cashless app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from buudien.cashless.choices import LineStatus, PaymentStatus
from buudien.cashless.models import BankAccount, CashlessPoint, PaymentRequest, StatementLine
from buudien.cashless.services import codes_in
from buudien.finance.selectors import user_province_code
from buudien.network.models import ServicePoint
from buudien.people import access


def user_province(user: Any) -> str:
    point = getattr(user, "point", None)
    if point is not None:
        return str(point.province_code)
    return user_province_code(user)


def payment_request_list(
    *,
    user: Any,
    province_code: str = "",
    point: ServicePoint | None = None,
    status: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    q: str = "",
) -> QuerySet[PaymentRequest]:
    """Requests of the points ``user`` may see (a clerk: their own point), newest first."""
    requests = PaymentRequest.objects.select_related("point", "created_by", "confirmed_by")
    requests = requests.filter(access.scope_q(user, "point__unit_path"))
    own = getattr(user, "point_id", None)
    if own is not None:
        requests = requests.filter(point_id=own)
    if province_code:
        requests = requests.filter(province_code=province_code)
    if point is not None:
        requests = requests.filter(point=point)
    if status:
        requests = requests.filter(status=status)
    if date_from is not None:
        requests = requests.filter(created_at__date__gte=date_from)
    if date_to is not None:
        requests = requests.filter(created_at__date__lte=date_to)
    if q:
        term = q.strip()
        requests = requests.filter(
            Q(code__icontains=term) | Q(reference__icontains=term) | Q(bank_reference=term)
        )
    return requests.order_by("-created_at", "-id")


def statement_line_list(
    *, user: Any, province_code: str, status: str = ""
) -> QuerySet[StatementLine]:
    """Lines of a province's statements, for those whose scope holds the provincial post."""
    from buudien.finance.ledger import province_unit

    if not province_code or not access.in_scope(user, province_unit(province_code).path):
        return StatementLine.objects.none()
    lines = StatementLine.objects.filter(province_code=province_code).select_related("request")
    if status:
        lines = lines.filter(status=status)
    return lines.order_by("-date", "-id")


# How long before the money arrived a code may have been made to be offered for its line.
CANDIDATE_DAYS = 30
CANDIDATES_PER_LINE = 5


def statement_line_candidates(
    *, user: Any, lines: Sequence[StatementLine], limit: int = CANDIDATES_PER_LINE
) -> dict[int, list[PaymentRequest]]:
    """For each credit line (by id), the open payment requests of its province that it may
    pay, most likely first: those of exactly its amount made on or before the day the money
    arrived (at most ``CANDIDATE_DAYS`` before), whose points ``user`` may see; first those
    whose code is in the line's description, then the nearest to that day. One query for
    any number of lines."""
    credits = [line for line in lines if line.amount > 0]
    found: dict[int, list[PaymentRequest]] = {line.pk: [] for line in lines}
    if not credits:
        return found
    first = min(line.date for line in credits) - dt.timedelta(days=CANDIDATE_DAYS)
    last = max(line.date for line in credits) + dt.timedelta(days=1)
    zone = timezone.get_current_timezone()
    requests = list(
        PaymentRequest.objects.select_related("point", "bank_account")
        .filter(access.scope_q(user, "point__unit_path"))
        .filter(
            province_code__in={line.province_code for line in credits},
            status__in=PaymentStatus.open(),
            amount__in={line.amount for line in credits},
            created_at__gte=dt.datetime.combine(first, dt.time(), zone),
            created_at__lt=dt.datetime.combine(last, dt.time(), zone),
        )
        .order_by("-created_at", "-id")
    )
    made = {r.pk: timezone.localdate(r.created_at) for r in requests}
    for line in credits:
        codes = set(codes_in(line.description))
        earliest = line.date - dt.timedelta(days=CANDIDATE_DAYS)
        fitting = [
            r
            for r in requests
            if r.province_code == line.province_code
            and r.amount == line.amount
            and earliest <= made[r.pk] <= line.date
        ]
        fitting.sort(key=lambda r: (r.code not in codes, (line.date - made[r.pk]).days))
        found[line.pk] = fitting[:limit]
    return found


def bank_account_list(*, user: Any, province_code: str) -> QuerySet[BankAccount]:
    from buudien.finance.ledger import province_unit

    if not province_code or not access.in_scope(user, province_unit(province_code).path):
        return BankAccount.objects.none()
    return BankAccount.objects.filter(province_code=province_code).order_by("-active", "id")


def cashless_points(*, province_code: str, as_of: dt.date) -> QuerySet[ServicePoint]:
    """The points of a province that take cashless payments as at ``as_of``: flagged
    cashless, serving on that day, and cashless since then: since the day of their first
    confirmed payment or of their enabling (``CashlessPoint``), or, for points flagged
    without a recorded day (by an import or an administrator), since they opened."""
    records = CashlessPoint.objects.filter(point=OuterRef("pk"))
    return (
        ServicePoint.objects.filter(province_code=province_code, cashless=True)
        .in_force_on(as_of)
        .annotate(recorded=Exists(records))
        .filter(
            Q(recorded=False)
            | Q(pk__in=CashlessPoint.objects.filter(since__lte=as_of).values("point_id"))
        )
        .order_by("code")
    )


@dataclass(frozen=True)
class PointRow:
    point: ServicePoint
    since: dt.date | None
    payments: int
    amount: int


def cashless_point_rows(*, user: Any, province_code: str, as_of: dt.date) -> list[PointRow]:
    """The cashless points as at ``as_of`` that ``user`` may see, with since when and their
    confirmed payments up to that day."""
    points = list(
        cashless_points(province_code=province_code, as_of=as_of).filter(
            access.scope_q(user, "unit_path")
        )
    )
    since = dict(CashlessPoint.objects.filter(point__in=points).values_list("point_id", "since"))
    totals = {
        row["point_id"]: (row["n"], row["total"] or 0)
        for row in PaymentRequest.objects.filter(
            point__in=points, status=PaymentStatus.CONFIRMED, paid_on__lte=as_of
        )
        .values("point_id")
        .annotate(n=Count("id"), total=Sum("amount"))
        .order_by()
    }
    return [
        PointRow(
            point=p,
            since=since.get(p.pk),
            payments=totals.get(p.pk, (0, 0))[0],
            amount=totals.get(p.pk, (0, 0))[1],
        )
        for p in points
    ]


def unmatched_count(*, user: Any, province_code: str) -> int:
    return statement_line_list(
        user=user, province_code=province_code, status=LineStatus.UNMATCHED
    ).count()
