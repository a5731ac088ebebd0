"""The director's dashboard on the home page: the year so far against the plan of the year and
the same period last year, per business line and per unit, with two charts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from buudien.care.figures import open_overdue
from buudien.care.services import can_handle
from buudien.core.errors import DomainError
from buudien.network import selectors as network
from buudien.network.models import Unit
from buudien.planning import selectors
from buudien.planning.render import charts
from buudien.planning.render.html import headline
from buudien.planning.render.tables import lines_table, units_table
from buudien.planning.render.views import can_read_reports, report_url

# The dashboard's charts: (key, title).
DASHBOARD_CHARTS = (
    ("lines", "Thực hiện và kế hoạch theo mảng kinh doanh"),
    ("monthly", "Doanh thu theo tháng, năm nay và năm trước"),
)


def dashboard_context(
    user: Any, today: dt.date, *, provinces: list[Unit] | None = None
) -> dict[str, Any] | None:
    """What the dashboard shows, or None for a user who does not read reports (or sees no
    whole province). ``provinces``: the first of ``network.provinces_visible(user)``, when
    the caller has read them."""
    if not can_read_reports(user):
        return None
    if provinces is None:
        provinces = list(network.provinces_visible(user)[:1])
    province = provinces[0] if provinces else None
    if province is None:
        return None
    try:
        report = selectors.year_report(
            user=user,
            province_code=province.province_code,
            year=today.year,
            date_to=today,
            parts={"care"},  # the other domains' sections are the report page's
            details=False,  # and so are the network, the breakdowns, next year's plan
        )
    except DomainError:
        return None
    return {
        "report": report,
        "province": province,
        "today": today,
        "headline": headline(report),
        "charts": charts.svg_charts(report, DASHBOARD_CHARTS),
        "lines": lines_table(report),
        "units": units_table(report),
        "report_url": report_url(province=province.province_code, year=today.year),
        "care": _care(report, province.province_code, today, linked=can_handle(user)),
    }


# The care pages (``buudien.care``'s urls); a plain path, as the link of the block.
CARE_URL = "/care/"


def _care(
    report: dict[str, Any], province_code: str, today: dt.date, *, linked: bool
) -> dict[str, Any]:
    """The complaints of the year so far, the share resolved within the legal time and the
    complaints still open past their deadline; linked to the care pages for who handles
    requests (an accountant or an auditor reads the figures, not the requests)."""
    care = report.get("care") or {}
    return {
        "complaints": (care.get("complaints") or {}).get("actual"),
        "on_time_pct": (care.get("on_time_pct") or {}).get("actual"),
        "overdue": open_overdue(province_code=province_code, unit=None, today=today),
        "url": CARE_URL if linked else None,
    }
