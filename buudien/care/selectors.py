"""Reads of customer care, scoped by the reader: the requests of the handler's unit subtree
(outside it a request is "not found"), a request about a KT1 item only for KT1 roles; the
search by code, phone or name without its diacritics; the legal clock (due soon, overdue);
and the public view of one request by its code, which needs no login and shows only the
public steps and the answer, never a note, never a KT1 request."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from buudien.care.choices import Channel, RequestKind, Status
from buudien.care.models import CareRequest, CareStep
from buudien.care.services import ESCALATE_DAYS, can_handle
from buudien.core.bizdays import local_today
from buudien.core.errors import NotFound
from buudien.core.text import fold
from buudien.mail.selectors import can_see_kt1
from buudien.people import access

CODE_MAX = 16
OPEN = (Status.RECEIVED, Status.IN_PROGRESS, Status.ANSWERED)
DUE_SOON = "soon"
OVERDUE = "overdue"


sees_kt1 = can_see_kt1  # the rule of KT1 mail itself


def requests_visible(user: Any) -> QuerySet[CareRequest]:
    """Requests in charge of a unit of ``user``'s scope, for a handler; none for the others.
    A request about a KT1 item exists only for KT1 roles."""
    if not can_handle(user):
        return CareRequest.objects.none()
    rows = CareRequest.objects.filter(access.scope_q(user, "unit_path"))
    if not sees_kt1(user):
        rows = rows.filter(is_kt1=False)
    return rows.select_related("unit", "owner", "item")


def _printable(text: Any) -> str:
    """``text`` without control characters (a NUL cannot even reach PostgreSQL)."""
    return " ".join("".join(ch for ch in str(text or "") if ch.isprintable()).split())


def code_of(code: Any) -> str:
    """A request's code as typed: letters and digits, upper case (anything else is dropped,
    so a code with a stray character is simply not found)."""
    return "".join(ch for ch in str(code or "") if ch.isascii() and ch.isalnum()).upper()[:CODE_MAX]


def request_get(*, user: Any, code: str) -> CareRequest:
    """One request of ``user``'s by its code; NotFound otherwise (also for a KT1 one)."""
    wanted = code_of(code)
    found = (
        requests_visible(user)
        .select_related("origin_unit", "point", "received_by", "item__tariff")
        .filter(code=wanted)
        .first()
    )
    if found is None:
        raise NotFound(_("No such request."))
    return found


def request_list(
    *,
    user: Any,
    q: str = "",
    status: str = "",
    kind: str = "",
    channel: str = "",
    due: str = "",
    today: dt.date | None = None,
) -> QuerySet[CareRequest]:
    """Requests of ``user``'s scope: ``q`` is a code, a phone number or a part of the
    customer's name without its diacritics; ``due`` is "soon" (open, deadline within
    ``ESCALATE_DAYS`` days) or "overdue" (open, deadline passed). The open ones whose
    deadline is nearest come first, then the closed ones, newest first."""
    rows = requests_visible(user)
    text = _printable(q)[:60]
    if text:
        digits = "".join(ch for ch in text if ch.isdigit())
        match = Q(code=text.upper()) | Q(customer_folded__contains=fold(text))
        if len(digits) >= 6 and len(digits) == len(text.replace(" ", "").replace(".", "")):
            match |= Q(customer_phone__contains=digits)
        rows = rows.filter(match)
    if status in Status.values:
        rows = rows.filter(status=status)
    if kind in RequestKind.values:
        rows = rows.filter(kind=kind)
    if channel in Channel.values:
        rows = rows.filter(channel=channel)
    day = today or local_today()
    if due == DUE_SOON:
        rows = rows.filter(
            status__in=OPEN,
            resolve_by__gte=day,
            resolve_by__lte=day + dt.timedelta(days=ESCALATE_DAYS),
        )
    elif due == OVERDUE:
        rows = rows.filter(status__in=OPEN, resolve_by__lt=day)
    closed_last = Case(
        When(status=Status.CLOSED, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    return rows.order_by(closed_last, "resolve_by", "-received_at", "-id")


def to_escalate(*, user: Any, today: dt.date | None = None) -> QuerySet[CareRequest]:
    """Open requests of ``user``'s scope, not escalated yet, whose deadline is within
    ``ESCALATE_DAYS`` days or past: the ones to hand up (``services.request_escalate``)."""
    day = today or local_today()
    return (
        requests_visible(user)
        .filter(
            status__in=OPEN,
            escalated_at__isnull=True,
            resolve_by__lte=day + dt.timedelta(days=ESCALATE_DAYS),
        )
        .order_by("resolve_by", "id")
    )


def steps_of(request: CareRequest) -> QuerySet[CareStep]:
    return request.steps.select_related("by").order_by("at", "id")


def days_left(request: CareRequest, today: dt.date | None = None) -> int:
    """Days to the deadline (negative: past it)."""
    return (request.resolve_by - (today or local_today())).days


# --- the public view ----------------------------------------------------------------------


@dataclass(frozen=True)
class PublicStep:
    kind: str
    label: str
    at: dt.datetime
    text: str


@dataclass(frozen=True)
class PublicRequest:
    """What the customer sees of a request: never the staff's notes, nor who handled it."""

    code: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    received_on: dt.date
    resolve_by: dt.date
    answer: str
    answered_at: dt.datetime | None
    outcome: str
    outcome_label: str
    steps: list[PublicStep]


def public_get(*, code: str) -> PublicRequest:
    """The request with this code as its customer sees it: its status, the deadline, the
    public steps (lodged, answered, closed) and the answer. A KT1 request is "not found"."""
    wanted = code_of(code)
    found = (
        CareRequest.objects.filter(code=wanted, is_kt1=False).order_by("-received_at").first()
        if wanted
        else None
    )
    if found is None:
        raise NotFound(_("No request has the code %(code)s.") % {"code": wanted[:CODE_MAX]})
    steps = found.steps.filter(public=True).order_by("at", "id")
    return PublicRequest(
        code=found.code,
        kind=found.kind,
        kind_label=str(found.get_kind_display()),
        status=found.status,
        status_label=str(found.get_status_display()),
        received_on=found.received_on,
        resolve_by=found.resolve_by,
        answer=found.answer,
        answered_at=found.answered_at,
        outcome=found.outcome,
        outcome_label=str(found.get_outcome_display()) if found.outcome else "",
        steps=[
            PublicStep(step.kind, str(step.get_kind_display()), step.at, step.text)
            for step in steps
        ],
    )
