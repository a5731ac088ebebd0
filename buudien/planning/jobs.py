"""The year-end report's files (.docx, .xlsx) made in the background: the .docx draws its
charts and lays out some fifty pages of tables, seconds of work a page should not wait on."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from buudien.core.errors import DomainError
from buudien.jobs.models import Job
from buudien.jobs.services import Outcome, Progress, job_kind, job_start
from buudien.planning import selectors
from buudien.planning.render import CONTENT_TYPES, default_issued_on, file_name, render_year_report

FILE_FORMATS = ("docx", "xlsx")


@job_kind("report_file")
def report_file_make(job: Job, progress: Progress) -> Outcome:
    params = job.params
    progress(_("Reading the figures"), 0, 2)
    report = selectors.year_report(
        user=job.requested_by,
        province_code=params["province"],
        year=params["year"],
        unit=params.get("unit"),
        estimate=params.get("estimate", True),
        basis=params.get("basis", "previous_year"),
        period=params.get("period"),
    )
    fmt = params["fmt"]
    progress(_("Writing the .%(fmt)s file") % {"fmt": fmt}, 1, 2)
    issued = params.get("issued_on")
    issued_on = dt.date.fromisoformat(issued) if issued else default_issued_on(report)
    content = render_year_report(report, fmt, issued_on=issued_on)
    name = file_name(report, fmt)
    return Outcome(
        message=_("The report is ready: %(name)s.") % {"name": name},
        file=content,
        file_name=name,
        content_type=CONTENT_TYPES[fmt],
    )


def report_file_start(
    *,
    actor: Any,
    fmt: str,
    province: str,
    year: int,
    unit: str | None = None,
    estimate: bool = True,
    basis: str = "previous_year",
    period: str | None = None,
    issued_on: dt.date | None = None,
    back: str = "",
) -> Job:
    """Queue the report's file. What the report checks before reading a figure (the reader,
    the province or unit in their scope, the year, the period, the basis) is checked here, so
    a refusal is immediate; the report checks it again when the file is made, as the reader."""
    if fmt not in FILE_FORMATS:
        raise DomainError(_("A file is .docx or .xlsx."), field="fmt")
    selectors.report_request_checked(
        user=actor, province_code=province, year=year, unit=unit, period=period, basis=basis
    )
    return job_start(
        kind="report_file",
        actor=actor,
        title=_("Year-end report %(year)d, province %(province)s (.%(fmt)s)")
        % {"year": year, "province": province, "fmt": fmt},
        province_code=province,
        params={
            "fmt": fmt,
            "province": province,
            "year": year,
            "unit": unit,
            "estimate": estimate,
            "basis": basis,
            "period": period,
            "issued_on": issued_on.isoformat() if issued_on else None,
            "back": back,
        },
    )
