from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults

from buudien.core.bizdays import local_today
from buudien.dossiers import selectors as dossiers
from buudien.network import selectors as network
from buudien.network.choices import PointKind
from buudien.people import access
from buudien.people.choices import Role
from buudien.planning.render.dashboard import dashboard_context
from buudien.web.counter import counter_day

# Whose home is their own section: a care officer starts the day on the requests' clock, a
# postman on today's round (the rounds page opens the one in progress), a KT1 operator on the
# hand-overs waiting and the items in custody.
HOMES: dict[str, str] = {
    Role.CARE_OFFICER: "care:index",
    Role.HR_OFFICER: "emulation:index",
    Role.POSTMAN: "mailops:rounds",
    Role.KT1_OPERATOR: "mailops:kt1_home",
}
# Who finds their dossiers' deadlines on the home page: those who receive and return them.
DOSSIER_DESK = frozenset({Role.HCC_OFFICER, Role.CLERK})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The home page: a counter clerk's day at their point (``web.counter``); for directors,
    accountants and auditors the year so far against plan (the dashboard); for everyone, the
    network the user is responsible for, today. A role with a section of its own (``HOMES``)
    lands there."""
    own = HOMES.get(str(getattr(request.user, "role", "")))
    if own is not None and not request.user.is_superuser:
        return redirect(own)
    today = local_today()
    point = getattr(request.user, "point", None)
    if getattr(request.user, "role", "") == Role.CLERK and point is not None:
        return render(request, "web/counter_home.html", counter_day(request.user, point, today))
    counts = network.point_counts(network.point_list(user=request.user, active_on=today))
    provinces = list(network.provinces_visible(request.user)[:5])
    coverages = [
        network.coverage(user=request.user, province_code=p.province_code, day=today, province=p)
        for p in provinces
    ]
    context = {
        "today": today,
        "points_total": counts.total,
        "by_kind": [(kind, PointKind(kind).label, n) for kind, n in counts.by_kind.items()],
        "bdvhx": counts.by_kind[PointKind.BDVHX],
        "bdvhx_multi": counts.bdvhx_multi,
        "cashless": counts.cashless,
        "coverages": coverages,
        "units": network.unit_list(user=request.user, active_on=today).count(),
        "dashboard": dashboard_context(request.user, today, provinces=provinces),
        "dossiers": _dossier_desk(request.user, today),
    }
    return render(request, "web/home.html", context)


def _dossier_desk(user: Any, today: dt.date) -> dict[str, int] | None:
    """The open dossiers of the user's scope against their promised date (for those who
    receive and return them); None for the other roles."""
    if not access.has_role(user, DOSSIER_DESK):
        return None
    rows = dossiers.deadlines(user=user, today=today)
    return {
        "open": sum(row.open for row in rows),
        "due_today": sum(row.due_today for row in rows),
        "overdue": sum(row.overdue for row in rows),
    }


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A path that matches nothing: JSON under /api/ (as every other answer of the API),
    Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """What a request that failed answers. The database out of reach (stopped, restarting,
    its connections all taken) is 503, "try again in a moment", with Retry-After; anything
    else 500. JSON under /api/, as every other answer of the API; elsewhere a plain page in
    the user's language that reads nothing from the database (it may be the one down)."""
    unavailable = isinstance(sys.exc_info()[1], (OperationalError, InterfaceError))
    status = 503 if unavailable else 500
    message = (
        _("The database cannot be reached just now: try again in a moment.")
        if unavailable
        else _("Something went wrong on the server; it has been logged.")
    )
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=status)
    else:
        title = _("Service unavailable") if unavailable else _("Server error")
        language = escape(get_language() or "vi")
        response = HttpResponse(
            f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)} · buudien</title></head><body><h1>{escape(title)}</h1>"
            f'<p>{escape(message)}</p><p><a href="/">buudien</a></p></body></html>',
            status=status,
            content_type="text/html; charset=utf-8",
        )
    if unavailable:
        response["Retry-After"] = "5"
    return response
