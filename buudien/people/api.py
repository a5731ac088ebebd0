"""/api/people/: who am I, and the staff in my scope; the workforce: the headcount on a day,
the average income of a year, a member of staff without a login added, the payroll's files
imported (multipart, all or nothing, every problem by row and column under ``errors``)."""

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from buudien.core.bizdays import local_today
from buudien.core.errors import DomainError, NotFound
from buudien.core.imports import ImportFailed, upload_check
from buudien.network.models import ServicePoint
from buudien.network.selectors import unit_get
from buudien.people import access, selectors, services
from buudien.people.importers import IMPORTS
from buudien.people.schemas import (
    ImportOut,
    IncomeOut,
    StaffIn,
    StaffOut,
    UserOut,
    WorkforceOut,
)

router = Router(tags=["people"])


@router.get("/me", response=UserOut, summary="The user the request acts as")
def me(request: HttpRequest) -> Any:
    return request.user


@router.get("/users", response=list[UserOut], summary="Staff in your scope")
@paginate
def users(request: HttpRequest, q: str = "", role: str = "", unit: str = "") -> Any:
    return selectors.user_list(user=request.user, q=q, role=role, unit=unit)


# --- the workforce ---------------------------------------------------------------------------


def _unit(request: HttpRequest, code: str) -> Any:
    unit = selectors.workforce_unit(user=request.user, code=code[:32])
    if unit is None:
        raise NotFound(_("No such unit."), field="unit")
    return unit


@router.get("/workforce", response=WorkforceOut, summary="Headcount on a day by contract type")
def workforce(request: HttpRequest, unit: str = "", date: dt.date | None = None) -> Any:
    """The staff employed on ``date`` (today by default), with or without a login, of a unit
    of your scope (your own by default): in total, of the unit itself, per child unit and
    per service point, by contract type."""
    found = _unit(request, unit)
    counts = selectors.headcount_by_unit(found, date or local_today())
    return {**counts, "unit": found.code, "date": counts["day"]}


@router.get("/income", response=IncomeOut, summary="Average income of a year against the last")
def income(request: HttpRequest, year: int, unit: str = "") -> Any:
    """The payroll's average income (đồng per person per month) of a unit of your scope
    (your own by default) in ``year`` and the year before, and of each child unit."""
    if not 2000 <= year <= 2100:
        raise DomainError(_("The year must be between 2000 and 2100."), field="year")
    found = _unit(request, unit)
    return {
        **selectors.income(found, year),
        "unit": found.code,
        "units": selectors.income_by_unit(found, year),
    }


@router.post("/staff", response={201: StaffOut}, summary="Add a member of staff without a login")
def staff_create(request: HttpRequest, payload: StaffIn) -> Any:
    access.require_workforce_manager(request.user)
    unit = unit_get(user=request.user, code=payload.unit.strip())
    point = None
    if payload.point.strip():
        point = ServicePoint.objects.filter(code=payload.point.strip()).first()
        if point is None or not access.in_scope(request.user, point.unit_path):
            raise NotFound(_("No such service point."), field="point")
    data = payload.dict(exclude={"unit", "point"})
    data["contract_type"] = data["contract_type"] or ""
    return Status(201, services.staff_create(actor=request.user, unit=unit, point=point, **data))


@router.post(
    "/imports/{kind}",
    response=ImportOut,
    summary="Import the payroll's staff list or average incomes (CSV or .xlsx, all or nothing)",
)
def imports(request: HttpRequest, kind: str, file: File[UploadedFile]) -> Any:
    """``kind`` is ``staff`` or ``average_income``; the file has the payroll's Vietnamese
    headers or the columns' names. A refused file changes nothing; every problem is under
    ``errors`` with its row, column and reason."""
    if kind not in IMPORTS:
        raise NotFound(_("Unknown kind %(name)s.") % {"name": kind})
    upload_check(file)
    try:
        result = IMPORTS[kind](file, actor=request.user, name=file.name or "")
    except ImportFailed as exc:  # every problem as {"row", "column", "reason"}
        errors = [asdict(error) for error in exc.errors]
        raise DomainError(exc.message, field="file", errors=errors) from exc
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
