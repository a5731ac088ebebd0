"""Reads of the network, always through the reader's scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Count, OuterRef, Q, QuerySet, StringAgg, Subquery, Value
from django.utils.translation import gettext as _

from buudien.core.errors import NotFound
from buudien.core.text import fold
from buudien.network.choices import (
    MULTI_SERVICE_MIN,
    MULTI_SERVICE_SET,
    AdminAreaLevel,
    AdminAreaStructure,
    PointKind,
    UnitKind,
)
from buudien.network.models import (
    AdminArea,
    CommuneChange,
    EffectiveQuerySet,
    PointQuerySet,
    PointService,
    ServicePoint,
    Unit,
    UnitSuccession,
)
from buudien.people import access


def unit_list(
    *, user: Any, q: str = "", kind: str = "", active_on: dt.date | None = None
) -> QuerySet[Unit]:
    units = access.visible(user, Unit.objects.select_related("parent"), "path")
    if q:
        units = units.filter(Q(name_folded__contains=fold(q)) | Q(code__icontains=q.strip()))
    if kind:
        units = units.filter(kind=kind)
    if active_on:
        units = cast(EffectiveQuerySet, units).in_force_on(active_on)
    return units.order_by("path")


def unit_get(*, user: Any, code: str) -> Unit:
    unit = Unit.objects.select_related("parent").filter(code=code).first()
    if unit is None or not access.in_scope(user, unit.path):
        raise NotFound(_("No such unit."))
    return unit


@dataclass
class TreeNode:
    unit: Unit
    depth: int
    points_active: int
    active: bool


def unit_tree(*, user: Any, day: dt.date, include_inactive: bool = False) -> list[TreeNode]:
    """The units the user may see, in tree order, each with the points it serves on ``day``."""
    units = list(unit_list(user=user))
    counts = dict(
        ServicePoint.objects.in_force_on(day)
        .filter(unit__in=[u.pk for u in units])
        .order_by()
        .values_list("unit")
        .annotate(n=Count("pk"))
        .values_list("unit", "n")
    )
    base = min((u.depth for u in units), default=0)
    nodes = []
    for unit in units:
        active = unit.is_active_on(day)
        if active or include_inactive:
            nodes.append(TreeNode(unit, unit.depth - base, counts.get(unit.pk, 0), active))
    return nodes


POINT_ORDERINGS = {"code": "code", "name": "name_folded", "kind": "kind", "opened": "opened_on"}


def point_list(
    *,
    user: Any,
    q: str = "",
    kind: str = "",
    unit: str = "",
    commune: str = "",
    multi_service: bool | None = None,
    cashless: bool | None = None,
    service: str = "",
    active_on: dt.date | None = None,
    order: str = "code",
) -> QuerySet[ServicePoint]:
    """Points in the user's scope. ``q`` ignores case and diacritics ("dong dang")."""
    points = access.visible(
        user,
        ServicePoint.objects.select_related("unit", "commune", "commune_legacy"),
        "unit_path",
    )
    if q:
        folded = fold(q)
        points = points.filter(
            Q(name_folded__contains=folded)
            | Q(code__startswith=q.strip())
            | Q(commune__name_folded__contains=folded)
            | Q(commune_legacy__name_folded__contains=folded)
        )
    if kind:
        points = points.filter(kind=kind)
    if unit:
        parent = Unit.objects.filter(code=unit).first()
        points = points.filter(unit_path__startswith=parent.path) if parent else points.none()
    if commune:
        points = points.filter(Q(commune__code=commune) | Q(commune_legacy__code=commune))
    if multi_service is not None:
        points = points.filter(multi_service=multi_service)
    if cashless is not None:
        points = points.filter(cashless=cashless)
    if service:
        points = points.filter(offers__service=service)
    if active_on:
        points = cast(PointQuerySet, points).in_force_on(active_on)
    return points.order_by(POINT_ORDERINGS.get(order, "code"), "code")


def with_services(points: QuerySet[ServicePoint]) -> QuerySet[ServicePoint]:
    """The points with the services each offers (``service_list``: their codes joined by
    commas, or None), read in the same query: for a list, no second query and no model
    instance per service (``PointOut`` reads either this or the prefetched ``offers``)."""
    offered = (
        PointService.objects.filter(point=OuterRef("pk"))
        .order_by()
        .values("point")
        .annotate(codes=StringAgg("service", delimiter=Value(",")))
        .values("codes")
    )
    return points.annotate(service_list=Subquery(offered))


def point_get(*, user: Any, code: str) -> ServicePoint:
    point = (
        ServicePoint.objects.select_related("unit", "commune", "commune_legacy")
        .prefetch_related("offers")
        .filter(code=code)
        .first()
    )
    if point is None or not access.in_scope(user, point.unit_path):
        raise NotFound(_("No such service point."))
    return point


def point_staff(point: ServicePoint) -> QuerySet[Any]:
    return point.staff.filter(is_active=True).order_by("role", "full_name")


def point_counts_by_kind(points: QuerySet[ServicePoint]) -> dict[str, int]:
    grouped = points.order_by().values_list("kind").annotate(n=Count("pk"))
    counts = dict(grouped.values_list("kind", "n"))
    return {kind: counts.get(kind, 0) for kind in PointKind.values}


@dataclass(frozen=True)
class PointCounts:
    by_kind: dict[str, int]  # every kind, in the choices' order
    total: int
    bdvhx_multi: int  # the multi-service commune cultural points
    cashless: int  # the points that take payments without cash


def point_counts(points: QuerySet[ServicePoint]) -> PointCounts:
    """``points`` counted by kind, with the multi-service BĐVHX and the cashless points
    among them: one grouped query."""
    rows = (
        points.order_by()
        .values_list("kind")
        .annotate(
            n=Count("pk"),
            multi=Count("pk", filter=Q(kind=PointKind.BDVHX, multi_service=True)),
            cashless=Count("pk", filter=Q(cashless=True)),
        )
        .values_list("kind", "n", "multi", "cashless")
    )
    counts = {kind: (n, multi, cashless) for kind, n, multi, cashless in rows}
    return PointCounts(
        by_kind={kind: counts.get(kind, (0, 0, 0))[0] for kind in PointKind.values},
        total=sum(n for n, _multi, _cashless in counts.values()),
        bdvhx_multi=sum(multi for _n, multi, _cashless in counts.values()),
        cashless=sum(cashless for _n, _multi, cashless in counts.values()),
    )


@dataclass
class Coverage:
    province_code: str
    province_name: str
    day: dt.date
    structure: str
    communes_total: int
    communes_covered: int
    points_active: int
    uncovered: list[AdminArea] = field(default_factory=list)

    @property
    def pct(self) -> float | None:
        if not self.communes_total:
            return None
        return round(100 * self.communes_covered / self.communes_total, 1)


def provinces_visible(user: Any) -> QuerySet[Unit]:
    """Provincial posts the user can see whole: only those may have their coverage read."""
    return unit_list(user=user, kind=UnitKind.PROVINCE).exclude(province_code="")


def coverage(
    *, user: Any, province_code: str, day: dt.date, province: Unit | None = None
) -> Coverage:
    """Communes with at least one active counter on ``day``, out of all communes in force.

    The structure (legacy or 2025) is the one in force on ``day``; each point's commune in
    that structure is used. ``province``: the provincial post, when the caller has read it
    among ``provinces_visible(user)``.
    """
    if province is None or province.province_code != province_code:
        province = provinces_visible(user).filter(province_code=province_code).first()
    if province is None:
        raise NotFound(_("No such province in your scope."))
    structure = AdminAreaStructure.in_force_on(day)
    communes = AdminArea.objects.in_force_on(day).filter(
        structure=structure, level=AdminAreaLevel.COMMUNE, province_code=province_code
    )
    # The communes, and the province's own area (for its name), in one read.
    areas = list(
        AdminArea.objects.filter(
            Q(pk__in=communes.values("pk"))
            | Q(structure=structure, level=AdminAreaLevel.PROVINCE, code=province_code)
        ).order_by("name_folded")
    )
    all_communes = [a for a in areas if a.level == AdminAreaLevel.COMMUNE]
    area = next((a for a in areas if a.level == AdminAreaLevel.PROVINCE), None)
    points = list(
        ServicePoint.objects.in_force_on(day)
        .with_counter()
        .filter(unit_path__startswith=province.path)
        .values_list("commune", "commune_legacy")
    )
    covered_ids = communes_of(points, day, {c.pk for c in all_communes})
    uncovered = [c for c in all_communes if c.pk not in covered_ids]
    return Coverage(
        province_code=province_code,
        province_name=area.name if area else province.name,
        day=day,
        structure=structure,
        communes_total=len(all_communes),
        communes_covered=len(all_communes) - len(uncovered),
        points_active=len(points),
        uncovered=uncovered,
    )


def covered_communes(points: QuerySet[ServicePoint], day: dt.date, in_force: set[int]) -> set[int]:
    """The communes where ``points`` are, in the structure in force on ``day`` (``in_force``:
    its communes on that day). A point's legacy commune is today's; before a merger that
    formed it (``CommuneChange``), the point was in the merged commune's seat (the one
    predecessor marked as such, or the only one): a past year's points are counted in that
    year's communes."""
    return communes_of(points.values_list("commune", "commune_legacy"), day, in_force)


def communes_of(
    points: Iterable[tuple[int | None, int | None]], day: dt.date, in_force: set[int]
) -> set[int]:
    """``covered_communes`` of points given as (commune, legacy commune) ids."""
    if AdminAreaStructure.in_force_on(day) == AdminAreaStructure.V2025:
        return {commune for commune, _legacy in points if commune is not None}
    found = {legacy for _commune, legacy in points if legacy is not None}
    if not found - in_force:
        return found
    before: dict[int, list[tuple[int, bool]]] = {}
    for successor, predecessor, seat in CommuneChange.objects.filter(
        effective_on__gt=day
    ).values_list("successor_id", "predecessor_id", "seat"):
        before.setdefault(successor, []).append((predecessor, seat))
    covered: set[int] = set()
    for commune in found:
        seen: set[int] = set()
        while commune not in in_force and commune in before and commune not in seen:
            seen.add(commune)
            formed_from = before[commune]
            seats = [pk for pk, seat in formed_from if seat]
            if not seats and len(formed_from) > 1:
                break  # no seat known: the point is counted nowhere rather than guessed
            commune = (seats or [formed_from[0][0]])[0]
        covered.add(commune)
    return covered


def commune_change_list(*, user: Any, province_code: str) -> QuerySet[CommuneChange]:
    """The commune mergers of a province the user may see, in the order they happened."""
    if not provinces_visible(user).filter(province_code=province_code).exists():
        raise NotFound(_("No such province in your scope."))
    return (
        CommuneChange.objects.filter(predecessor__province_code=province_code)
        .select_related("predecessor", "successor")
        .order_by("effective_on", "successor__code", "predecessor__code")
    )


def succession_list(*, user: Any, unit: str = "") -> QuerySet[UnitSuccession]:
    """The successions whose replaced unit the user may see; of one unit (as either side)."""
    rows = access.visible(
        user, UnitSuccession.objects.select_related("predecessor", "successor"), "predecessor__path"
    )
    if unit:
        rows = rows.filter(Q(predecessor__code=unit) | Q(successor__code=unit))
    return rows.order_by("predecessor__code", "successor__code")


def multi_service_ids(points: QuerySet[ServicePoint]) -> QuerySet[Any]:
    """The ids of ``points`` that are multi-service: offering at least MULTI_SERVICE_MIN of
    the services of MULTI_SERVICE_SET (one GROUP BY over the services offered)."""
    return (
        PointService.objects.filter(point__in=points.values("pk"), service__in=MULTI_SERVICE_SET)
        .values("point")
        .annotate(n=Count("pk"))
        .filter(n__gte=MULTI_SERVICE_MIN)
        .values_list("point", flat=True)
    )
