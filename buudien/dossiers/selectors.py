"""Reads of administrative dossiers, scoped by the user: the dossiers received at points of
their unit's subtree (outside it a dossier is "not found"); the public lookup, which needs no
login and shows only the steps, the dates and the applicant's initials."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from buudien.core.bizdays import VIETNAM, local_today
from buudien.core.errors import NotFound
from buudien.core.prepared import aware, bind, compiled, rows
from buudien.core.text import fold
from buudien.dossiers.choices import Mode, Status, StepKind
from buudien.dossiers.models import Agency, Dossier, DossierStep, Handover, Procedure
from buudien.people import access

CODE_MAX = 24


def dossiers_visible(user: Any) -> QuerySet[Dossier]:
    """Dossiers received at points of ``user``'s scope."""
    return Dossier.objects.filter(access.scope_q(user, "point__unit_path")).select_related(
        "point", "procedure", "agency", "created_by"
    )


def dossier_get(*, user: Any, reference: str) -> Dossier:
    code = str(reference or "").strip().upper()[:CODE_MAX]
    found = (
        dossiers_visible(user)
        .select_related("procedure", "agency", "point", "commune", "result_item")
        .filter(reference=code)
        .first()
    )
    if found is None:
        raise NotFound(_("No such dossier."))
    return found


def dossier_list(
    *,
    user: Any,
    q: str = "",
    status: str = "",
    agency: str = "",
    point: str = "",
    due: str = "",
    today: dt.date | None = None,
) -> QuerySet[Dossier]:
    """Dossiers of ``user``'s scope, newest first: ``q`` finds a code, a citizen ID or a
    name without its diacritics; ``due`` is "today" (promised today, still open) or
    "overdue" (promised before today, still open)."""
    rows = dossiers_visible(user)
    text = str(q or "").strip()[:60]
    if text:
        code = text.upper()
        rows = rows.filter(
            Q(reference=code) | Q(citizen_id=text) | Q(applicant_folded__contains=fold(text))
        )
    if status in Status.values:
        rows = rows.filter(status=status)
    if agency:
        rows = rows.filter(agency__code=agency[:32])
    if point:
        rows = rows.filter(point__code=point[:16])
    day = today or local_today()
    if due == "today":
        rows = rows.filter(status__in=Status.open(), due_date=day)
    elif due == "overdue":
        rows = rows.filter(status__in=Status.open(), due_date__lt=day)
    return rows


@dataclass(frozen=True)
class Deadlines:
    """Open dossiers of a point against their promised date."""

    point_code: str
    point_name: str
    open: int
    due_today: int
    overdue: int


def deadlines(*, user: Any, today: dt.date | None = None) -> list[Deadlines]:
    """Per point of ``user``'s scope with open dossiers: how many, due today, overdue."""
    day = today or local_today()
    rows = (
        dossiers_visible(user)
        .filter(status__in=Status.open())
        .values("point__code", "point__name")
        .annotate(
            open=Count("id"),
            due_today=Count("id", filter=Q(due_date=day)),
            overdue=Count("id", filter=Q(due_date__lt=day)),
        )
        .order_by("-overdue", "-due_today", "point__code")
    )
    return [
        Deadlines(r["point__code"], r["point__name"], r["open"], r["due_today"], r["overdue"])
        for r in rows
    ]


def procedures_for(*, province_code: str, q: str = "") -> QuerySet[Procedure]:
    """Procedures in force in a province, found by code or name without diacritics."""
    rows = Procedure.objects.filter(
        province_code=province_code, is_active=True, agency__is_active=True
    ).select_related("agency")
    text = fold(str(q or "").strip()[:60])
    if text:
        rows = rows.filter(name_folded__contains=text)
    return rows.order_by("code")


def agencies_for(*, province_code: str) -> QuerySet[Agency]:
    return Agency.objects.filter(province_code=province_code, is_active=True).select_related(
        "handover_point"
    )


def handovers_visible(user: Any) -> QuerySet[Handover]:
    return Handover.objects.filter(access.scope_q(user, "point__unit_path")).select_related(
        "agency", "point", "created_by"
    )


def handover_get(*, user: Any, number: str) -> Handover:
    found = handovers_visible(user).filter(number=str(number or "").strip().upper()[:24]).first()
    if found is None:
        raise NotFound(_("No such hand-over."))
    return found


def ready_to_hand_over(*, user: Any, point_code: str) -> QuerySet[Dossier]:
    """Dossiers received at a point and not handed over yet, oldest first."""
    return (
        dossiers_visible(user)
        .filter(point__code=point_code[:16], status=Status.RECEIVED)
        .order_by("agency__name", "created_at")
    )


def awaiting_results(*, user: Any, agency_code: str) -> QuerySet[Dossier]:
    """Dossiers with an agency whose result the post returns, promised date first."""
    return (
        dossiers_visible(user)
        .filter(
            agency__code=agency_code[:32],
            status=Status.HANDED_OVER,
            mode__in=Mode.returns(),
        )
        .order_by("due_date", "reference")
    )


# --- the public lookup -----------------------------------------------------------------------


@dataclass(frozen=True)
class PublicStep:
    label: str
    at: dt.datetime
    place: str


@dataclass(frozen=True)
class PublicDossier:
    code: str
    initials: str
    procedure: str
    agency: str
    status: str
    received_on: dt.date
    due_date: dt.date
    returned_on: dt.date | None
    steps: list[PublicStep]


def initials(name: str) -> str:
    """ "Hoàng Văn Thụ" -> "H. V. T.": no more of the applicant's name than that."""
    return " ".join(f"{word[0].upper()}." for word in name.split() if word)


_PUBLIC_COLUMNS = (
    "kind",
    "at",
    "point__name",
    "dossier__reference",
    "dossier__applicant_name",
    "dossier__status",
    "dossier__created_at",
    "dossier__due_date",
    "dossier__returned_at",
    "dossier__procedure__name",
    "dossier__agency__name",
)


def public_lookup(*, code: str, citizen_id: str = "", phone: str = "") -> PublicDossier:
    """A dossier by its code (for anyone holding the slip), or by citizen ID and phone
    together (the latest of that applicant): its steps and dates, nothing personal. By code
    it is one query: the dossier's steps joined with what the page shows of the dossier
    (every dossier has its intake step)."""
    wanted = str(code or "").strip().upper()[:CODE_MAX]
    if not wanted and citizen_id and phone:
        cid = "".join(str(citizen_id).split())[:12]
        tel = "".join(ch for ch in str(phone) if ch.isdigit())[:20]
        latest = (
            Dossier.objects.filter(citizen_id=cid, phone=tel)
            .order_by("-created_at")
            .values_list("reference", flat=True)
            .first()
        )
        wanted = latest or ""
    found: list[tuple[Any, ...]] = []
    if wanted:
        sql, params = _lookup_sql()
        found = rows(sql, bind(params, {_CODE: wanted}))
    if not found:
        raise NotFound(_("No dossier with this code."))
    _k, _a, _p, reference, name, status, received, due, returned, procedure, agency = found[0]
    received, returned = aware(received), aware(returned)
    assert received is not None
    return PublicDossier(
        code=reference,
        initials=initials(name),
        procedure=procedure,
        agency=agency,
        status=str(Status(status).label),
        received_on=received.astimezone(VIETNAM).date(),
        due_date=due,
        returned_on=returned.astimezone(VIETNAM).date() if returned else None,
        steps=[
            PublicStep(
                label=str(StepKind(row[0]).label), at=aware(row[1]) or row[1], place=row[2] or ""
            )
            for row in found
        ],
    )


_CODE = "\x00code"  # the stand-in for the code in the SQL compiled once below


@lru_cache(maxsize=1)
def _lookup_sql() -> tuple[str, list[Any]]:
    """The public lookup's one query, compiled once (``core.prepared``)."""
    return compiled(
        DossierStep.objects.filter(dossier__reference=_CODE)
        .exclude(kind=StepKind.LATE)
        .order_by("at", "id")
        .values_list(*_PUBLIC_COLUMNS)
    )
