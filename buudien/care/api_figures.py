"""``GET /api/care/figures``: the care figures of a year, for management, accounting, audit
and the care officers (a unit of their scope; outside it, "not found"). A router of its own,
attached to the care API's router."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from buudien.care.figures import year_summary
from buudien.care.schemas_figures import CareFiguresOut
from buudien.people import access

router = Router(tags=["care"])


@router.get(
    "/figures",
    response=CareFiguresOut,
    summary="Requests, complaints, time to resolve and compensation of a year",
)
def figures_of_year(request: HttpRequest, year: int, unit: str | None = None) -> Any:
    """For a unit of your scope (the province, or your own unit, when ``unit`` is left out):
    the requests received per channel, kind, service, ground, month and child unit, those
    closed within the legal time, the complaints upheld, the compensation paid, the
    complaints per 10,000 items accepted, against last year."""
    return year_summary(
        user=request.user,
        province_code=access.user_province(request.user),
        year=year,
        unit_code=(unit or "").strip()[:32] or None,
    )
