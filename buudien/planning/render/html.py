"""The year-end report as html: the charts inline as SVG, the narrative and the tables.

``report_context`` is shared by the standalone document (``buudien report year --format
html``) and the page inside the site's layout.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string

from buudien.planning.render import charts
from buudien.planning.render import numbers as n
from buudien.planning.render.names import body_of, place_of
from buudien.planning.render.narrative import narrative, report_title
from buudien.planning.render.tables import all_tables


def headline(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The stat boxes: revenue, budget, surplus (each against plan and last year)."""
    year = report.get("year")
    last = year - 1 if isinstance(year, int) else ""
    boxes = []
    for key, label in (
        ("revenue", "Doanh thu"),
        ("budget_contribution", "Nộp ngân sách"),
        ("surplus", "Chênh lệch thu chi"),
    ):
        figure = report.get(key) or {}
        boxes.append(
            {
                "key": key,
                "label": label,
                "value": n.short_billions(figure.get("actual")),
                "plan_pct": n.percent(figure.get("plan_pct")),
                "growth": n.signed_percent(figure.get("growth_pct")),
                "last": last,
            }
        )
    return boxes


def report_context(report: dict[str, Any], *, issued_on: dt.date | None = None) -> dict[str, Any]:
    place = place_of(report.get("province"))
    return {
        "report": report,
        "body": body_of(report.get("province")),
        "place": place,
        "date_line": f"{place}, {n.date_line(issued_on)}" if issued_on else "",
        "title": report_title(report),
        "headline": headline(report),
        "narrative": narrative(report),
        "charts": charts.svg_charts(report, charts.REPORT_CHARTS),
        "tables": all_tables(report),
    }


def render_html(report: dict[str, Any], *, issued_on: dt.date) -> bytes:
    context = report_context(report, issued_on=issued_on)
    return render_to_string("planning/report_document.html", context).encode()
