"""/api/network/: units, service points and commune coverage."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from buudien.core.bizdays import local_today
from buudien.core.errors import DomainError
from buudien.network import selectors, services
from buudien.network.choices import AdminAreaLevel, AdminAreaStructure
from buudien.network.models import AdminArea, ServicePoint, Unit
from buudien.network.schemas import (
    CommuneChangeOut,
    CoverageOut,
    PointFilters,
    PointIn,
    PointOut,
    PointPatch,
    SuccessionOut,
    UnitIn,
    UnitOut,
    UnitPatch,
)

router = Router(tags=["network"])

PATCH_CLEARABLE = frozenset({"closed_on", "address", "phone", "geography"})


def _parent(request: HttpRequest, code: str | None) -> Unit | None:
    if code is None or code == "":
        return None
    try:
        return selectors.unit_get(user=request.user, code=code)
    except DomainError as exc:
        exc.field = "parent_code"
        raise


def commune_lookup(code: str, structure: str) -> AdminArea:
    commune = AdminArea.objects.filter(
        structure=structure, level=AdminAreaLevel.COMMUNE, code=code.strip().zfill(5)
    ).first()
    if commune is None:
        raise DomainError(
            _("No commune with code %(code)s in the %(structure)s.")
            % {"code": code, "structure": AdminAreaStructure(structure).label},
            field="commune_code",
        )
    return commune


def _commune_fields(code: str, geography: str | None, opened_on: dt.date) -> dict[str, Any]:
    structure = geography or AdminAreaStructure.in_force_on(opened_on)
    commune = commune_lookup(code, structure)
    if structure == AdminAreaStructure.V2025:
        return {"commune": commune, "commune_legacy": None}
    return {"commune": None, "commune_legacy": commune}


@router.get("/units", response=list[UnitOut], summary="List units in your scope")
@paginate
def units_list(
    request: HttpRequest, q: str = "", kind: str = "", active_on: dt.date | None = None
) -> Any:
    return selectors.unit_list(user=request.user, q=q, kind=kind, active_on=active_on)


@router.get("/units/{code}", response=UnitOut, summary="One unit")
def units_get(request: HttpRequest, code: str) -> Any:
    return selectors.unit_get(user=request.user, code=code)


@router.get(
    "/successions",
    response=list[SuccessionOut],
    summary="Which units replaced which, and the share each took",
)
def successions_list(request: HttpRequest, unit: str = "") -> Any:
    """The successions whose replaced unit is in your scope (of ``unit`` only, replaced or
    successor, when given); the reports carry a replaced unit's figures by these shares."""
    return selectors.succession_list(user=request.user, unit=unit)


@router.get(
    "/commune-mergers",
    response=list[CommuneChangeOut],
    summary="The communes merged before 2025, with their dates",
)
def commune_mergers_list(request: HttpRequest, province: str) -> Any:
    """The legacy communes of a province in your scope that became part of another before
    the 2025 reorganisation (the dated commune list): a past year's coverage is counted
    against the communes of that year."""
    return selectors.commune_change_list(user=request.user, province_code=province)


@router.post("/units", response={201: UnitOut}, summary="Create a unit")
def units_create(request: HttpRequest, payload: UnitIn) -> Any:
    unit = services.unit_create(
        actor=request.user,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        parent=_parent(request, payload.parent_code),
        province_code=payload.province_code,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
    )
    return Status(201, unit)


@router.patch("/units/{code}", response=UnitOut, summary="Change a unit")
def units_update(request: HttpRequest, code: str, payload: UnitPatch) -> Any:
    unit = selectors.unit_get(user=request.user, code=code)
    changes = payload.dict(exclude_unset=True)
    if "parent_code" in changes:
        changes["parent"] = _parent(request, changes.pop("parent_code"))
    return services.unit_update(actor=request.user, unit=unit, **changes)


@router.get("/points", response=list[PointOut], summary="List service points in your scope")
@paginate
def points_list(request: HttpRequest, filters: Query[PointFilters]) -> Any:
    points = selectors.point_list(
        user=request.user,
        q=filters.q,
        kind=filters.kind or "",
        unit=filters.unit,
        commune=filters.commune,
        multi_service=filters.multi_service,
        cashless=filters.cashless,
        service=filters.service or "",
        active_on=filters.active_on,
    )
    return selectors.with_services(points)


@router.get("/points/{code}", response=PointOut, summary="One service point")
def points_get(request: HttpRequest, code: str) -> Any:
    return selectors.point_get(user=request.user, code=code)


@router.post("/points", response={201: PointOut}, summary="Create a service point")
def points_create(request: HttpRequest, payload: PointIn) -> Any:
    try:
        unit = selectors.unit_get(user=request.user, code=payload.unit_code)
    except DomainError as exc:
        exc.field = "unit_code"
        raise
    point = services.point_create(
        actor=request.user,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        unit=unit,
        opened_on=payload.opened_on,
        closed_on=payload.closed_on,
        multi_service=payload.multi_service,
        cashless=payload.cashless,
        address=payload.address,
        phone=payload.phone,
        services=payload.services,
        **_commune_fields(payload.commune_code, payload.geography, payload.opened_on),
    )
    return Status(201, selectors.point_get(user=request.user, code=point.code))


@router.patch("/points/{code}", response=PointOut, summary="Change a service point")
def points_update(request: HttpRequest, code: str, payload: PointPatch) -> Any:
    point: ServicePoint = selectors.point_get(user=request.user, code=code)
    changes = payload.dict(exclude_unset=True)
    # null clears what may be empty (the closing day, the address, the phone); every other
    # field keeps a value: null there is refused, not stored.
    for name, value in list(changes.items()):
        if value is None and name not in PATCH_CLEARABLE:
            raise DomainError(_("%(field)s cannot be empty.") % {"field": name}, field=name)
        if value is None and name in ("address", "phone"):
            changes[name] = ""
    geography = changes.pop("geography", None)
    services_wanted = changes.pop("services", None)
    if "unit_code" in changes:
        changes["unit"] = selectors.unit_get(user=request.user, code=changes.pop("unit_code"))
    if "commune_code" in changes:
        opened = changes.get("opened_on") or point.opened_on
        changes.update(_commune_fields(changes.pop("commune_code"), geography, opened))
    services.point_update(actor=request.user, point=point, services=services_wanted, **changes)
    return selectors.point_get(user=request.user, code=code)


@router.get("/coverage", response=CoverageOut, summary="Communes covered by service points")
def coverage_get(request: HttpRequest, province: str, on: dt.date | None = None) -> Any:
    result = selectors.coverage(user=request.user, province_code=province, day=on or local_today())
    return {**result.__dict__, "coverage_pct": result.pct}
