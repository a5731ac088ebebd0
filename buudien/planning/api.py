"""/api/planning/: plans (list, set, clear, uplift, import) and the year-end report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from buudien.core.errors import DomainError, NotFound
from buudien.core.imports import import_for_api
from buudien.finance.selectors import user_province_code
from buudien.jobs.api import accepted
from buudien.jobs.schemas import JobOut
from buudien.people import access
from buudien.planning import scorecard, selectors, services
from buudien.planning.jobs import report_file_start
from buudien.planning.models import Plan
from buudien.planning.schemas import (
    ImportOut,
    PlanIn,
    PlanOut,
    ReportFileIn,
    UpliftIn,
    UpliftOut,
)

router = Router(tags=["planning"])

IMPORT_KINDS = ("plans", "revenue", "finance")


def _province(request: HttpRequest, given: str | None) -> str:
    province = given or user_province_code(request.user)
    if not province:
        raise DomainError(_("Say which province: province=NN."), field="province")
    return province


def _out(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "province_code": plan.province_code,
        "year": plan.year,
        "unit_code": plan.unit.code,
        "unit_name": plan.unit.name,
        "metric": plan.metric,
        "service": plan.subject,
        "amount": plan.amount,
    }


@router.get("/plans", response=list[PlanOut], summary="Plan rows set directly, in your scope")
def plans_list(
    request: HttpRequest, year: int, province: str | None = None, unit: str | None = None
) -> Any:
    plans = selectors.plan_list(
        user=request.user, province_code=_province(request, province), year=year, unit_code=unit
    )
    return [_out(plan) for plan in plans]


@router.put(
    "/plans",
    response={200: PlanOut, 204: None},
    summary="Set one plan row (amount null clears it); planners only",
)
def plans_set(request: HttpRequest, payload: PlanIn) -> Any:
    plan = services.plan_set(
        actor=request.user,
        unit_code=payload.unit_code,
        year=payload.year,
        metric=payload.metric,
        subject=payload.service,
        amount=payload.amount,
    )
    if plan is None:
        return Status(204, None)
    return Status(200, _out(Plan.objects.select_related("unit").get(pk=plan.pk)))


@router.delete("/plans/{int:plan_id}", response={204: None}, summary="Clear one plan row")
def plans_delete(request: HttpRequest, plan_id: int) -> Any:
    plan = Plan.objects.select_related("unit").filter(pk=plan_id).first()
    if plan is None or not access.in_scope(request.user, plan.unit.path):
        raise NotFound(_("No such plan."))
    services.plan_set(
        actor=request.user,
        unit_code=plan.unit.code,
        year=plan.year,
        metric=plan.metric,
        subject=plan.subject,
        amount=None,
    )
    return Status(204, None)


@router.post(
    "/plans/uplift",
    response=UpliftOut,
    summary="Draft next year's plan as this year's plan or actuals plus a percentage",
)
def plans_uplift(request: HttpRequest, payload: UpliftIn) -> Any:
    rows = services.plan_uplift(
        actor=request.user,
        province_code=payload.province,
        year=payload.year,
        pct=str(payload.pct),
        basis=payload.basis,
        unit_code=payload.unit,
    )
    return {"year": payload.year + 1, "rows": rows}


@router.post(
    "/imports/{kind}",
    response=ImportOut,
    summary="Import plans, revenue or finance history (CSV or .xlsx, all or nothing)",
)
def imports(
    request: HttpRequest, kind: str, file: File[UploadedFile], dry_run: bool = False
) -> Any:
    if kind not in IMPORT_KINDS:
        raise NotFound(_("Unknown kind %(name)s.") % {"name": kind})
    return import_for_api(kind, file, actor=request.user, dry_run=dry_run)


@router.get("/reports/year", summary="The year-end report's figures (JSON)")
def report_year(
    request: HttpRequest,
    year: int,
    province: str | None = None,
    unit: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    estimate: bool = True,
    period: str | None = None,
    basis: str = "previous_year",
) -> dict[str, Any]:
    """A period not over yet is estimated (``estimate`` in the answer says on what) unless
    ``estimate=false``: then its figures are the actuals to date. ``period`` (``year``,
    ``h1``, ``9m``, ``q1``-``q4``, ``m1``-``m12``) or ``date_from``/``date_to`` choose a
    part of the year: it is compared with the same period a year before, and
    ``period_plan`` gives its share of the year's plan (``basis``: ``last_year``, the part of
    last year's revenue its months made, or ``days``). ``basis=plan`` estimates the days
    left of a revenue with a plan from the plan instead of last year's same days."""
    return selectors.year_report(
        user=request.user,
        province_code=_province(request, province),
        year=year,
        unit=unit,
        date_from=date_from,
        date_to=date_to,
        estimate=estimate,
        period=period,
        basis=basis,
    )


@router.post(
    "/reports/year/file",
    response={202: JobOut},
    summary="Make the year-end report's .docx or .xlsx in the background",
)
def report_year_file(request: HttpRequest, payload: ReportFileIn) -> Any:
    """Answers 202 with the job at once; ``GET /api/jobs/{id}`` tells its progress, and its
    ``file_url`` gives the file when it is done. The fields are those of
    ``GET /reports/year``; ``issued_on`` is the date written on the report."""
    job = report_file_start(
        actor=request.user,
        fmt=payload.fmt,
        province=_province(request, payload.province),
        year=payload.year,
        unit=payload.unit,
        estimate=payload.estimate,
        basis=payload.basis,
        period=payload.period,
        issued_on=payload.issued_on,
    )
    return accepted(job)


@router.get("/communes", summary="The 2025 communes of a province and their points")
def communes_list(request: HttpRequest, province: str | None = None) -> Any:
    return scorecard.commune_list(user=request.user, province_code=_province(request, province))


@router.get(
    "/communes/{code}/scorecard",
    summary="What the post did in a commune in a year, against the year before",
)
def commune_scorecard(
    request: HttpRequest, code: str, year: int, province: str | None = None
) -> Any:
    return scorecard.commune_scorecard(
        user=request.user, province_code=_province(request, province), commune_code=code, year=year
    )
