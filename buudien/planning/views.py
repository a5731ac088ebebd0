"""Pages of planning: the plan grid (units × metrics, editable by planners), drafting next
year's plan by uplift, imports; and the year-end report page (``render.views``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from buudien.core import imports as im
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.finance.selectors import user_province_code
from buudien.jobs.services import import_start
from buudien.planning import scorecard, selectors, services
from buudien.planning.choices import PlanMetric
from buudien.planning.forms import ImportForm, PlanFilterForm, UpliftForm

_AMOUNT = im.money()


def _filters(request: HttpRequest) -> tuple[PlanFilterForm, str, int, str | None]:
    form = PlanFilterForm(request.GET or request.POST or None)
    province, year, unit = form.values(user_province_code(request.user))
    if not form.is_bound:
        form = PlanFilterForm(initial={"province": province, "year": year, "unit": unit or ""})
    return form, province, year, unit


def _back(province: str, year: int, unit: str | None) -> str:
    query = {"province": province, "year": year, **({"unit": unit} if unit else {})}
    return f"{reverse('planning:index')}?{urlencode(query)}"


@login_required
def index(request: HttpRequest) -> HttpResponse:
    form, province, year, unit_code = _filters(request)
    errors: dict[str, str] = {}
    posted: dict[str, str] = {}
    unit, rows = selectors.plan_grid(
        user=request.user, province_code=province, year=year, unit_code=unit_code
    )
    editable = selectors.can_plan(request.user, unit)
    if request.method == "POST" and editable:
        changes: list[tuple[Any, Any, int | None]] = []
        for row in rows:
            for cell in row.cells:
                raw = request.POST.get(cell.name, "").strip()
                posted[cell.name] = raw
                try:
                    amount = _AMOUNT(raw) if raw else None
                except ValueError as exc:
                    errors[cell.name] = str(exc)
                    continue
                if amount != cell.direct:
                    changes.append((row.unit, cell, amount))
        if not errors:
            try:
                with transaction.atomic():
                    for row_unit, cell, amount in changes:
                        services.plan_set(
                            actor=request.user,
                            unit_code=row_unit.code,
                            year=year,
                            metric=cell.metric,
                            subject=cell.subject,
                            amount=amount,
                        )
            except DomainError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(
                    request, _("The plan is saved (%(count)d changes).") % {"count": len(changes)}
                )
                return redirect(_back(province, year, unit_code))
        else:
            messages.error(request, _("Nothing was saved: correct the amounts marked below."))
    for row in rows:
        for cell in row.cells:
            cell.posted = posted.get(cell.name)
            cell.error = errors.get(cell.name)
    columns = [
        (PlanMetric(metric).label, selectors.subject_label(subject))
        for metric, subject in selectors.GRID_COLUMNS
    ]
    return render(
        request,
        "planning/plans.html",
        {
            "form": form,
            "province": province,
            "year": year,
            "unit": unit,
            "rows": rows,
            "columns": columns,
            "editable": editable,
            "uplift_form": UpliftForm(),
            "import_form": ImportForm(),
            "query": urlencode({"province": province, "year": year, "unit": unit.code}),
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def uplift(request: HttpRequest) -> HttpResponse:
    _form, province, year, unit_code = _filters(request)
    form = UpliftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the uplift as a percentage, e.g. 2."))
        return redirect(_back(province, year, unit_code))
    try:
        rows = services.plan_uplift(
            actor=request.user,
            province_code=province,
            year=year,
            pct=form.cleaned_data["pct"],
            basis=form.cleaned_data["basis"],
            unit_code=unit_code,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(_back(province, year, unit_code))
    messages.success(
        request,
        _("The plan of %(year)d is drafted: %(rows)d rows.") % {"year": year + 1, "rows": rows},
    )
    return redirect(_back(province, year + 1, unit_code))


@login_required
@require_POST
def plan_import(request: HttpRequest) -> HttpResponse:
    _form, province, year, unit_code = _filters(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a kind and a file."))
        return redirect(_back(province, year, unit_code))
    upload = form.cleaned_data["file"]
    # In the background: the job's page shows how far it has got, then the counts or every
    # problem of the file (row, column, reason), and the way back here.
    try:
        job = import_start(
            actor=request.user,
            kind=form.cleaned_data["kind"],
            data=upload.read(),
            name=upload.name,
            back=_back(province, year, unit_code),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect(_back(province, year, unit_code))
    return redirect("jobs:detail", job_id=job.pk)


# --- the commune scorecard --------------------------------------------------------------------


def _scorecard_province(request: HttpRequest) -> str:
    province = request.GET.get("province") or user_province_code(request.user)
    if not province:
        raise Http404
    return province


@login_required
def communes(request: HttpRequest) -> HttpResponse:
    """The 2025 communes of the province, each with its points and a link to its scorecard."""
    province = _scorecard_province(request)
    try:
        rows = scorecard.commune_list(user=request.user, province_code=province)
    except AccessDenied:
        raise PermissionDenied from None
    return render(
        request,
        "planning/communes.html",
        {"province": province, "communes": rows, "year": timezone.localdate().year},
    )


@login_required
def commune_scorecard(request: HttpRequest, code: str) -> HttpResponse:
    """One commune's scorecard for a year, printable for its People's Committee."""
    province = _scorecard_province(request)
    year_text = request.GET.get("year") or str(timezone.localdate().year)
    if not year_text.isdigit():
        raise Http404
    try:
        card = scorecard.commune_scorecard(
            user=request.user, province_code=province, commune_code=code, year=int(year_text)
        )
    except AccessDenied:
        raise PermissionDenied from None
    except (NotFound, DomainError) as exc:
        raise Http404(str(exc.message)) from None
    rows = [
        (
            label,
            card["current"].get(key),
            card["previous"].get(key),
            card["growth_pct"].get(key),
            kind,
        )
        for key, label, kind in scorecard_rows()
    ]
    return render(
        request,
        "planning/scorecard.html",
        {"card": card, "rows": rows, "province": province, "years": _years_around(int(year_text))},
    )


def scorecard_rows() -> list[tuple[str, Any, str]]:
    """(key, label, kind) of the scorecard's table, in its order."""
    return [
        ("revenue", _("Revenue at the commune's points"), "money"),
        ("items", _("Mail items accepted"), "count"),
        ("delivered", _("Items delivered by the commune's offices"), "count"),
        ("on_time_pct", _("Delivered on time (%)"), "pct"),
        ("pensions_paid", _("Pensions and benefits paid"), "count"),
        ("bills_collected", _("Bills collected"), "count"),
        ("dossiers_received", _("Administrative dossiers received"), "count"),
        ("dossiers_returned", _("Results returned"), "count"),
        ("press_delivered", _("Newspaper copies delivered"), "count"),
        ("cashless_payments", _("Payments without cash"), "count"),
        ("accounts_opened", _("Payment accounts opened"), "count"),
    ]


def _years_around(year: int) -> list[int]:
    this = timezone.localdate().year
    return list(range(this - 3, this + 1)) if year <= this else [year]
