"""Writes to the network: units and service points. Each function is one transaction, checks
the actor's role and scope, and writes its audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record, snapshot
from buudien.core.catalogue import Service
from buudien.core.errors import DomainError, NotFound
from buudien.network.choices import AdminAreaStructure, PointKind
from buudien.network.models import AdminArea, PointService, ServicePoint, Unit
from buudien.people import access

UNIT_FIELDS = ["name", "kind", "parent", "province_code", "valid_from", "valid_to"]
POINT_FIELDS = [
    "name",
    "kind",
    "unit",
    "commune",
    "commune_legacy",
    "multi_service",
    "cashless",
    "address",
    "phone",
    "opened_on",
    "closed_on",
]


def _full_clean(obj: Any, *, exclude: list[str] | None = None) -> None:
    """Model validation as a DomainError whose errors name each field."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        errors = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        first = next(iter(errors.values()))[0]
        raise DomainError(first, errors=errors) from exc


def _check_parent(actor: Any, parent: Unit | None) -> None:
    if parent is None:
        if not (actor is None or actor.is_superuser):
            raise DomainError(
                _("Only a superuser may create a unit without a parent."), field="parent"
            )
        return
    if actor is not None and not access.in_scope(actor, parent.path):
        raise NotFound(_("No such unit."), field="parent")


def _refresh_subtree(unit: Unit, old_path: str) -> None:
    """After a unit moved, rewrite the paths below it and the points' unit paths."""
    if unit.path == old_path:
        return
    for child in (
        Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).order_by("depth")
    ):
        child.save()  # save() rebuilds path from the (already moved) parent
    for point in ServicePoint.objects.filter(unit_path__startswith=old_path).select_related("unit"):
        ServicePoint.objects.filter(pk=point.pk).update(unit_path=point.unit.path)


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None,
    province_code: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> Unit:
    if actor is not None:
        access.require_network_manager(actor)
    _check_parent(actor, parent)
    code = code.strip().upper()
    if Unit.objects.filter(code=code).exists():
        raise DomainError(
            _("A unit with code %(code)s already exists.") % {"code": code}, field="code"
        )
    unit = Unit(
        code=code,
        name=name.strip(),
        kind=kind,
        parent=parent,
        province_code=province_code or (parent.province_code if parent else ""),
        valid_from=valid_from,
        valid_to=valid_to,
    )
    unit.path = (parent.path if parent else "") + code + "/"
    _full_clean(unit)
    unit.save()
    audit_record(actor=actor, action="unit.create", obj=unit, after=snapshot(unit))
    return unit


@transaction.atomic
def unit_update(*, actor: Any, unit: Unit, **changes: Any) -> Unit:
    if actor is not None:
        access.require_network_manager(actor)
        if not access.in_scope(actor, unit.path):
            raise NotFound(_("No such unit."))
    unknown = set(changes) - set(UNIT_FIELDS)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit)
    old_path = unit.path
    if "parent" in changes:
        parent = changes["parent"]
        if parent is not None and parent.path.startswith(unit.path):
            raise DomainError(_("A unit cannot be moved below itself."), field="parent")
        if parent != unit.parent:
            _check_parent(actor, parent)
            if actor is not None and unit.path == getattr(actor, "scope_path", None):
                raise DomainError(_("You cannot move the unit you belong to."), field="parent")
    for field, value in changes.items():
        setattr(unit, field, value.strip() if isinstance(value, str) else value)
    unit.path = (unit.parent.path if unit.parent else "") + unit.code + "/"
    _full_clean(unit, exclude=["path"])
    unit.save()
    _refresh_subtree(unit, old_path)
    audit_record(actor=actor, action="unit.update", obj=unit, before=before, after=snapshot(unit))
    return unit


def _resolve_communes(
    *,
    commune: AdminArea | None,
    commune_legacy: AdminArea | None,
    opened_on: dt.date,
    closed_on: dt.date | None,
) -> tuple[AdminArea | None, AdminArea | None]:
    """Fill the commune of the other structure from the succession table where needed."""
    from buudien.network.geography_selectors import commune_for_structure

    if commune is None and commune_legacy is None:
        raise DomainError(
            _("Choose the commune where the service point is located."), field="commune"
        )
    if commune is not None and commune.structure != AdminAreaStructure.V2025:
        raise DomainError(
            _("The commune must be one of the structure in force since 1 July 2025."),
            field="commune",
        )
    if commune_legacy is not None and commune_legacy.structure != AdminAreaStructure.LEGACY:
        raise DomainError(
            _("The legacy commune must be one of the structure before 1 July 2025."),
            field="commune_legacy",
        )
    from buudien.network.choices import STRUCTURE_2025_FROM

    serves_after = closed_on is None or closed_on > STRUCTURE_2025_FROM
    serves_before = opened_on < STRUCTURE_2025_FROM
    if commune is None and serves_after and commune_legacy is not None:
        commune = commune_for_structure(commune_legacy, AdminAreaStructure.V2025)
        if commune is None:
            raise DomainError(
                _(
                    "No commune of the structure since 1 July 2025 replaces %(name)s; "
                    "choose the new commune."
                )
                % {"name": commune_legacy.name},
                field="commune",
            )
    if commune_legacy is None and serves_before and commune is not None:
        commune_legacy = commune_for_structure(commune, AdminAreaStructure.LEGACY)
    return commune, commune_legacy


def _set_services(point: ServicePoint, services: Iterable[str]) -> None:
    wanted = set(services)
    bad = wanted - set(Service.values)
    if bad:
        raise DomainError(
            _("Unknown services: %(codes)s") % {"codes": ", ".join(sorted(bad))}, field="services"
        )
    point.offers.exclude(service__in=wanted).delete()
    have = set(point.offers.values_list("service", flat=True))
    PointService.objects.bulk_create(
        PointService(point=point, service=s) for s in sorted(wanted - have)
    )


def _check_point(actor: Any, point: ServicePoint) -> None:
    if point.multi_service and point.kind != PointKind.BDVHX:
        raise DomainError(
            _("Only a commune cultural post office can be multi-service."), field="multi_service"
        )
    if actor is not None and not access.in_scope(actor, point.unit.path):
        raise NotFound(_("No such unit."), field="unit")


@transaction.atomic
def point_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    unit: Unit,
    opened_on: dt.date,
    commune: AdminArea | None = None,
    commune_legacy: AdminArea | None = None,
    multi_service: bool = False,
    cashless: bool = False,
    address: str = "",
    phone: str = "",
    closed_on: dt.date | None = None,
    services: Iterable[str] = (),
) -> ServicePoint:
    if actor is not None:
        access.require_network_manager(actor)
    code = code.strip()
    if ServicePoint.objects.filter(code=code).exists():
        raise DomainError(
            _("A service point with code %(code)s already exists.") % {"code": code}, field="code"
        )
    commune, commune_legacy = _resolve_communes(
        commune=commune, commune_legacy=commune_legacy, opened_on=opened_on, closed_on=closed_on
    )
    area = commune or commune_legacy
    assert area is not None
    point = ServicePoint(
        code=code,
        name=name.strip(),
        kind=kind,
        unit=unit,
        unit_path=unit.path,
        province_code=area.province_code,
        commune=commune,
        commune_legacy=commune_legacy,
        multi_service=multi_service,
        cashless=cashless,
        address=address.strip(),
        phone=phone.strip(),
        opened_on=opened_on,
        closed_on=closed_on,
    )
    _check_point(actor, point)
    _full_clean(point)
    point.save()
    _set_services(point, services)
    audit_record(
        actor=actor,
        action="point.create",
        obj=point,
        after={**snapshot(point), "services": sorted(services)},
    )
    return point


@transaction.atomic
def point_update(
    *, actor: Any, point: ServicePoint, services: Iterable[str] | None = None, **changes: Any
) -> ServicePoint:
    if actor is not None:
        access.require_network_manager(actor)
        if not access.in_scope(actor, point.unit_path):
            raise NotFound(_("No such service point."))
    unknown = set(changes) - set(POINT_FIELDS)
    if unknown:
        raise DomainError(
            _("These fields cannot be changed: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    point = ServicePoint.objects.select_for_update().select_related("unit").get(pk=point.pk)
    before = {**snapshot(point), "services": sorted(point.offers.values_list("service", flat=True))}
    for field, value in changes.items():
        setattr(point, field, value.strip() if isinstance(value, str) else value)
    if {"commune", "commune_legacy", "opened_on", "closed_on"} & set(changes):
        point.commune, point.commune_legacy = _resolve_communes(
            commune=point.commune,
            commune_legacy=point.commune_legacy,
            opened_on=point.opened_on,
            closed_on=point.closed_on,
        )
        area = point.commune or point.commune_legacy
        assert area is not None
        point.province_code = area.province_code
    _check_point(actor, point)
    _full_clean(point, exclude=["unit_path"])
    point.save()
    if services is not None:
        _set_services(point, services)
    after = {**snapshot(point), "services": sorted(point.offers.values_list("service", flat=True))}
    audit_record(actor=actor, action="point.update", obj=point, before=before, after=after)
    return point
