"""The year-end report page and its downloads (.docx, .xlsx, .json, standalone .html).

    /planning/report/?province=20&year=2023&date=28/12/2023
    /planning/report/download.docx?province=20&year=2023&date=28/12/2023

Views parse, call ``selectors.year_report`` (which scopes by unit subtree: another province
is "not found") and render. Reading reports is for directors, accountants, auditors and
administrators.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from buudien.core.errors import AccessDenied, DomainError
from buudien.core.forms import apply_domain_error
from buudien.network import selectors as network
from buudien.planning import selectors
from buudien.planning.jobs import FILE_FORMATS, report_file_start
from buudien.planning.render import (
    CONTENT_TYPES,
    FORMATS,
    default_issued_on,
    file_name,
    render_year_report,
)
from buudien.planning.render.html import report_context

can_read_reports = selectors.can_read_reports


def report_url(**params: Any) -> str | None:
    """The report page's url with ``params``, or None while it is not mounted."""
    try:
        url = reverse("planning:report")
    except NoReverseMatch:
        return None
    query = {key: value for key, value in params.items() if value not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url


class ReportForm(forms.Form):
    province = forms.ChoiceField(label=gettext_lazy("Province"))
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    date = forms.DateField(
        label=gettext_lazy("Date of the report"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=gettext_lazy("dd/mm/yyyy; by default today, or the end of a past year"),
    )
    period = forms.ChoiceField(
        label=gettext_lazy("Period"),
        choices=[
            ("year", gettext_lazy("The whole year")),
            ("h1", gettext_lazy("The first 6 months")),
            ("9m", gettext_lazy("The first 9 months")),
            *((f"q{q}", format_lazy(gettext_lazy("Quarter {q}"), q=q)) for q in range(1, 5)),
            *((f"m{m}", format_lazy(gettext_lazy("Month {m}"), m=m)) for m in range(1, 13)),
        ],
    )
    figures = forms.ChoiceField(
        label=gettext_lazy("Figures of a year not over"),
        choices=[
            ("estimate", gettext_lazy("Estimate for the whole year")),
            ("estimate_plan", gettext_lazy("Estimate, the days left from the plan")),
            ("to_date", gettext_lazy("Actuals to date")),
        ],
    )

    def __init__(self, *args: Any, provinces: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = provinces  # type: ignore[attr-defined]


def _form(request: HttpRequest, data: Any = None) -> ReportForm:
    if not can_read_reports(request.user):
        raise AccessDenied(_("Only directors, accountants and auditors read the reports."))
    provinces = [
        (unit.province_code, unit.name) for unit in network.provinces_visible(request.user)
    ]
    if not provinces:
        raise AccessDenied(_("You see no whole province."))
    data = (request.GET if data is None else data).copy()
    data.setdefault("province", provinces[0][0])
    data.setdefault("year", str(timezone.localdate().year))
    data.setdefault("figures", "estimate")
    data.setdefault("period", "year")
    return ReportForm(data, provinces=provinces)


def _report(request: HttpRequest, form: ReportForm) -> tuple[dict[str, Any], dt.date] | None:
    if not form.is_valid():
        return None
    try:
        report = selectors.year_report(
            user=request.user,
            province_code=form.cleaned_data["province"],
            year=form.cleaned_data["year"],
            estimate=form.cleaned_data["figures"] != "to_date",
            basis="plan" if form.cleaned_data["figures"] == "estimate_plan" else "previous_year",
            period=form.cleaned_data["period"],
        )
    except AccessDenied:
        raise
    except DomainError as exc:
        if exc.status == 404:
            raise
        apply_domain_error(form, exc)
        return None
    return report, form.cleaned_data["date"] or default_issued_on(report)


@login_required
def report_page(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    found = _report(request, form)
    context: dict[str, Any] = {"form": form}
    if found is not None:
        report, issued_on = found
        context.update(report_context(report, issued_on=issued_on))
        query = {
            "province": form.cleaned_data["province"],
            "year": form.cleaned_data["year"],
            "date": issued_on.strftime("%d/%m/%Y"),
            "figures": form.cleaned_data["figures"],
            "period": form.cleaned_data["period"],
        }
        base = reverse("planning:report_download", kwargs={"fmt": "docx"})[: -len("docx")]
        context["downloads"] = [
            (fmt, f"{base}{fmt}?{urlencode(query)}") for fmt in ("json", "html")
        ]
        # The .docx and .xlsx are made in the background: the button asks for the file and
        # lands on the job's page, which shows its progress and then the download.
        context["file_formats"] = FILE_FORMATS
        context["report_query"] = query
    return render(request, "planning/report.html", context)


@login_required
@require_POST
def report_file(request: HttpRequest, fmt: str) -> HttpResponse:
    """Ask for the report's .docx or .xlsx: a background job, whose page the reader lands on."""
    if fmt not in FILE_FORMATS:
        raise Http404
    form = _form(request, request.POST)
    back = (
        reverse("planning:report")
        + "?"
        + urlencode(
            {key: value for key, value in request.POST.items() if key != "csrfmiddlewaretoken"}
        )
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    data = form.cleaned_data
    job = report_file_start(
        actor=request.user,
        fmt=fmt,
        province=data["province"],
        year=data["year"],
        estimate=data["figures"] != "to_date",
        basis="plan" if data["figures"] == "estimate_plan" else "previous_year",
        period=data["period"],
        issued_on=data["date"],
        back=back,
    )
    return redirect("jobs:detail", job_id=job.pk)


@login_required
def report_download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    form = _form(request)
    found = _report(request, form)
    if found is None:
        problems = "; ".join(
            f"{form.fields[name].label if name in form.fields else ''}: "
            + " ".join(str(error) for error in errors)
            for name, errors in form.errors.items()
        )
        return HttpResponse(problems, status=400, content_type="text/plain; charset=utf-8")
    report, issued_on = found
    response = HttpResponse(
        render_year_report(report, fmt, issued_on=issued_on), content_type=CONTENT_TYPES[fmt]
    )
    disposition = "inline" if fmt in ("json", "html") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{file_name(report, fmt)}"'
    return response
