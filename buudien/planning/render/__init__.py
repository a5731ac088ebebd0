"""The year-end report in every format: ``render_year_report(report, fmt)`` -> bytes.

``report`` is the dict of ``buudien.planning.selectors.year_report`` (the same as its JSON);
``fmt`` one of ``FORMATS``. The content is a Vietnamese document (the .docx follows Decree
30/2020/NĐ-CP), written from the figures alone: a null figure is left out of the prose and
shown as "—" in tables.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from buudien.core.errors import DomainError

FORMATS = ("json", "html", "docx", "xlsx")
CONTENT_TYPES = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def default_issued_on(report: dict[str, Any]) -> dt.date:
    """The date on the report when none is given: today, or the last day of the period when
    the report is of a year already over."""
    today = timezone.localdate()
    period_end = (report.get("period") or {}).get("to")
    year = report.get("year")
    last = dt.date(year, 12, 31) if isinstance(year, int) else today
    if isinstance(period_end, str):
        with contextlib.suppress(ValueError):
            last = dt.date.fromisoformat(period_end)
    return min(today, last) if last.year < today.year else today


def file_name(report: dict[str, Any], fmt: str) -> str:
    """ "bao-cao-nam-2023-tinh-20.docx"."""
    province = (report.get("province") or {}).get("code") or "x"
    return f"bao-cao-nam-{report.get('year')}-tinh-{province}.{fmt}"


def render_year_report(
    report: dict[str, Any], fmt: str, *, issued_on: dt.date | None = None
) -> bytes:
    """The report as ``fmt`` (json, html, docx or xlsx), dated ``issued_on`` (the place and
    date line of the .docx and the page; by default ``default_issued_on``)."""
    day = issued_on or default_issued_on(report)
    if fmt == "json":
        return json.dumps(report, ensure_ascii=False, indent=2).encode()
    if fmt == "html":
        from buudien.planning.render.html import render_html

        return render_html(report, issued_on=day)
    if fmt == "docx":
        from buudien.planning.render.docx import render_docx

        return render_docx(report, issued_on=day)
    if fmt == "xlsx":
        from buudien.planning.render.xlsx import render_xlsx

        return render_xlsx(report)
    raise DomainError(
        _("Unknown format %(format)s: choose one of %(formats)s.")
        % {"format": fmt, "formats": ", ".join(FORMATS)},
        field="format",
    )
