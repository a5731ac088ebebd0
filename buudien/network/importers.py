"""Import and export kinds of the network: ``units`` (the organisational tree) and ``points``
(the service points). Registered when the app is ready (see ``apps.py``).

Both are all-or-nothing (``buudien.core.imports``); an existing code is updated, a new one
created. An optional column left out of the file leaves the stored value alone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buudien.core import imports as im
from buudien.core.bizdays import local_today
from buudien.core.catalogue import Service
from buudien.core.imports import Column, ImportKind, ImportResult, Row, RowError, register
from buudien.core.text import fold
from buudien.network.choices import (
    STRUCTURE_2025_FROM,
    AdminAreaLevel,
    AdminAreaStructure,
    PointKind,
    UnitKind,
)
from buudien.network.models import (
    AdminArea,
    AdminAreaSuccession,
    CommuneChange,
    PointService,
    ServicePoint,
    Unit,
    UnitSuccession,
)
from buudien.people.access import require_network_manager, visible

# --------------------------------------------------------------------------------------------
# Shared: access
# --------------------------------------------------------------------------------------------


class _NetworkKind(ImportKind):
    """Importing changes the network: an administrator, and only inside their own subtree.
    The console (``actor=None``) has full rights."""

    exportable = True

    def check_access(self) -> None:
        if self.actor is not None:
            require_network_manager(self.actor)

    def in_scope(self, path: str) -> bool:
        if self.actor is None:
            return True
        scope: str | None = getattr(self.actor, "scope_path", None)
        return scope is not None and path.startswith(scope)


def _duplicates(rows: Sequence[Row], column: str = "code") -> list[RowError]:
    """Every row after the first that repeats a code."""
    errors: list[RowError] = []
    first: dict[str, int] = {}
    for row in rows:
        value = row[column]
        if value is None:
            continue
        if value in first:
            errors.append(
                row.error(
                    column,
                    _("%(code)s appears more than once in the file (first in row %(row)d)")
                    % {"code": value, "row": first[value]},
                )
            )
        else:
            first[value] = row.number
    return errors


# --------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------


@register
class UnitImport(_NetworkKind):
    name = "units"
    help = gettext_lazy(
        "The organisational tree: corporation, provincial posts, district/area/commune posts, "
        "centres. Parents may come before or after their children in the file."
    )
    columns = (
        Column("code", im.code(32), help=gettext_lazy("the unit's code; never changes")),
        Column("name", im.text(200), help=gettext_lazy("the unit's name")),
        Column("kind", im.choice(UnitKind), help=gettext_lazy("what the unit is")),
        Column(
            "parent_code",
            im.code(32),
            required=False,
            help=gettext_lazy(
                "code of the unit above, in the database or in this file; blank for the root"
            ),
        ),
        Column(
            "province_code",
            im.code(digits=2),
            required=False,
            help=gettext_lazy("GSO code of the province the unit serves; blank above provinces"),
        ),
        Column("valid_from", im.date(), required=False, help=gettext_lazy("first day in force")),
        Column("valid_to", im.date(), required=False, help=gettext_lazy("last day in force")),
    )

    def validate(self, rows: list[Row]) -> list[RowError]:
        errors = _duplicates(rows)
        codes = [row["code"] for row in rows if row["code"] is not None]
        self.existing: dict[str, Unit] = Unit.objects.in_bulk(codes, field_name="code")
        # The whole tree as code -> parent code: small (a country has a few thousand units)
        # and it is what cycle detection needs.
        parent_of: dict[str, str | None] = dict(Unit.objects.values_list("code", "parent__code"))
        in_file = set(codes)

        # The tree as it will be once the file is written.
        for row in rows:
            code = row["code"]
            if code is None:
                continue
            if row.has("parent_code") and "parent_code" not in row.invalid:
                parent = row["parent_code"]
                if parent is not None and parent not in parent_of and parent not in in_file:
                    errors.append(
                        row.error("parent_code", _("unknown unit %(code)s") % {"code": parent})
                    )
                    parent = None
                parent_of[code] = parent
            elif code not in parent_of:
                parent_of[code] = None

        self.final_path: dict[str, str] = {}
        cyclic: set[str] = set()
        for start in codes:
            chain: list[str] = []
            on_chain: set[str] = set()
            node: str | None = start
            while node is not None and node not in self.final_path and node not in cyclic:
                if node in on_chain:
                    loop = chain[chain.index(node) :]
                    cyclic.update(chain)
                    for row in rows:
                        if row["code"] in loop and row.has("parent_code"):
                            errors.append(
                                row.error(
                                    "parent_code",
                                    _("this parent makes a loop: %(loop)s")
                                    % {"loop": " → ".join([*loop, loop[0]])},
                                )
                            )
                    break
                on_chain.add(node)
                chain.append(node)
                node = parent_of.get(node)
            else:
                if node is not None and node in cyclic:
                    cyclic.update(chain)
                    continue
                path = self.final_path[node] if node is not None else ""
                for code in reversed(chain):
                    path += code + "/"
                    self.final_path[code] = path
        self.parent_of = parent_of

        for row in rows:
            code = row["code"]
            existing = self.existing.get(code) if code is not None else None
            valid_from = (
                row["valid_from"] if row.has("valid_from") or not existing else existing.valid_from
            )
            valid_to = row["valid_to"] if row.has("valid_to") or not existing else existing.valid_to
            if valid_from and valid_to and valid_to < valid_from:
                errors.append(
                    row.error(
                        "valid_to" if row.has("valid_to") else "valid_from",
                        _("the unit cannot end (%(to)s) before it starts (%(from)s)")
                        % {"to": valid_to.isoformat(), "from": valid_from.isoformat()},
                    )
                )
            if self.actor is not None and code is not None:
                paths = [self.final_path.get(code, ""), existing.path if existing else ""]
                if not all(self.in_scope(path) for path in paths if path):
                    errors.append(row.error("code", _("outside your unit")))
        return errors

    def write(self, rows: list[Row]) -> ImportResult:
        created = updated = unchanged = 0
        cache: dict[str, Unit] = {}

        def get(code: str) -> Unit | None:
            if code not in cache:
                unit = Unit.objects.filter(code=code).first()
                if unit is None:
                    return None
                cache[code] = unit
            return cache[code]

        # Parents before children: by depth in the tree as it will be.
        ordered = sorted(rows, key=lambda row: self.final_path[row["code"]].count("/"))
        for row in ordered:
            code: str = row["code"]
            parent_code = self.parent_of.get(code)
            parent = get(parent_code) if parent_code else None
            unit = get(code)
            if unit is None:
                unit = Unit(
                    code=code,
                    name=row["name"],
                    kind=row["kind"],
                    parent=parent,
                    province_code=row.get("province_code", ""),
                    valid_from=row["valid_from"],
                    valid_to=row["valid_to"],
                )
                unit.save()
                cache[code] = unit
                created += 1
                continue

            values: dict[str, Any] = {"name": row["name"], "kind": row["kind"]}
            for column in ("valid_from", "valid_to"):
                if row.has(column):
                    values[column] = row[column]
            if row.has("province_code"):
                values["province_code"] = row.get("province_code", "")
            if row.has("parent_code"):
                values["parent_id"] = parent.pk if parent else None
            changed = {key: value for key, value in values.items() if getattr(unit, key) != value}
            if not changed:
                unchanged += 1
                continue
            old_path, old_depth = unit.path, unit.depth
            for key, value in changed.items():
                setattr(unit, key, value)
            if "parent_id" in changed:
                unit.parent = parent
            unit.save()
            updated += 1
            if unit.path != old_path:
                _move_subtree(unit, old_path, old_depth)
                cache.clear()
        return ImportResult(created, updated, unchanged)

    def export(self) -> Iterable[Sequence[Any]]:
        units: QuerySet[Unit] = Unit.objects.select_related("parent").order_by("path")
        if self.actor is not None:
            units = visible(self.actor, units, "path")
        for unit in units:
            yield [
                unit.code,
                unit.name,
                unit.kind,
                unit.parent.code if unit.parent else None,
                unit.province_code or None,
                unit.valid_from,
                unit.valid_to,
            ]


def _move_subtree(unit: Unit, old_path: str, old_depth: int) -> None:
    """``unit`` moved from ``old_path``: carry its descendants and their points along."""
    cut = len(old_path) + 1
    Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
        path=Concat(Value(unit.path), Substr("path", cut)),
        depth=F("depth") + (unit.depth - old_depth),
    )
    ServicePoint.objects.filter(unit_path__startswith=old_path).update(
        unit_path=Concat(Value(unit.path), Substr("unit_path", cut))
    )


# --------------------------------------------------------------------------------------------
# Geography: a commune in the other structure
# (until buudien.network.geography_selectors.commune_for_structure exists; same rule)
# --------------------------------------------------------------------------------------------


def _communes(structure: str, codes: Iterable[str]) -> dict[str, AdminArea]:
    return {
        area.code: area
        for area in AdminArea.objects.filter(
            structure=structure, level=AdminAreaLevel.COMMUNE, code__in=set(codes)
        )
    }


def _counterparts(structure: str, communes: Iterable[AdminArea]) -> dict[int, AdminArea]:
    """Each commune's counterpart in the other structure, where the succession table has one.

    legacy -> 2025: the successor that took it wholly, else the first by code.
    2025 -> legacy: the lowest-code predecessor wholly merged into it, else the lowest code.
    """
    ids = [area.pk for area in communes]
    best: dict[int, tuple[bool, str, AdminArea]] = {}
    if structure == AdminAreaStructure.LEGACY:
        for link in AdminAreaSuccession.objects.filter(legacy_id__in=ids).select_related(
            "successor"
        ):
            candidate = (link.partly, link.successor.code, link.successor)
            if link.legacy_id not in best or candidate[:2] < best[link.legacy_id][:2]:
                best[link.legacy_id] = candidate
    else:
        for link in AdminAreaSuccession.objects.filter(successor_id__in=ids).select_related(
            "legacy"
        ):
            candidate = (link.partly, link.legacy.code, link.legacy)
            if link.successor_id not in best or candidate[:2] < best[link.successor_id][:2]:
                best[link.successor_id] = candidate
    return {key: value[2] for key, value in best.items()}


# --------------------------------------------------------------------------------------------
# Points
# --------------------------------------------------------------------------------------------


@dataclass
class _Resolved:
    unit: Unit
    commune: AdminArea | None
    commune_legacy: AdminArea | None
    province_code: str


_POINT_FIELDS = [
    "name",
    "name_folded",
    "kind",
    "multi_service",
    "cashless",
    "unit",
    "unit_path",
    "province_code",
    "commune",
    "commune_legacy",
    "address",
    "phone",
    "opened_on",
    "closed_on",
]


@register
class PointImport(_NetworkKind):
    name = "points"
    help = gettext_lazy(
        "Service points: post offices, BĐVHX, agents, kiosks, centres. The commune is one of "
        "the structure named in geography; its counterpart in the other structure is filled "
        "from the succession table."
    )
    columns = (
        Column("code", im.code(16), help=gettext_lazy("the point's code (bưu cục code)")),
        Column("name", im.text(200), help=gettext_lazy("the point's name")),
        Column("kind", im.choice(PointKind), help=gettext_lazy("what the point is")),
        Column(
            "commune_code",
            im.code(digits=5),
            help=gettext_lazy("GSO code of the commune where the point is"),
        ),
        Column(
            "geography",
            im.choice(AdminAreaStructure),
            required=False,
            help=gettext_lazy(
                "the structure commune_code belongs to: legacy or 2025; blank: the one in force "
                "on opened_on (legacy before 2025-07-01)"
            ),
        ),
        Column("unit_code", im.code(32), help=gettext_lazy("code of the unit the point is under")),
        Column(
            "multi_service",
            im.boolean(),
            help=gettext_lazy("a BĐVHX offering the full range of services (bdvhx only)"),
        ),
        Column("cashless", im.boolean(), help=gettext_lazy("takes cashless payments")),
        Column("opened_on", im.date(), help=gettext_lazy("first day the point served")),
        Column(
            "closed_on",
            im.date(),
            required=False,
            help=gettext_lazy("first day the point no longer served; blank while open"),
        ),
        Column("address", im.text(300), required=False, help=gettext_lazy("street address")),
        Column("phone", im.text(20), required=False, help=gettext_lazy("telephone number")),
        Column(
            "services",
            im.choice_list(Service),
            required=False,
            help=gettext_lazy("service codes offered at the counter (replaces the list)"),
        ),
    )

    def validate(self, rows: list[Row]) -> list[RowError]:
        errors = _duplicates(rows)
        codes = [row["code"] for row in rows if row["code"] is not None]
        existing: dict[str, ServicePoint] = ServicePoint.objects.in_bulk(codes, field_name="code")
        units: dict[str, Unit] = Unit.objects.in_bulk(
            {row["unit_code"] for row in rows if row["unit_code"] is not None},
            field_name="code",
        )

        # Which structure each row's commune is in, then every commune in two queries and
        # their counterparts in two more.
        structure_of: dict[int, str] = {}
        for row in rows:
            if row["geography"] is not None:
                structure_of[row.number] = row["geography"]
            elif row["opened_on"] is not None and "geography" not in row.invalid:
                structure_of[row.number] = AdminAreaStructure.in_force_on(row["opened_on"])
        communes: dict[str, dict[str, AdminArea]] = {}
        counterparts: dict[int, AdminArea] = {}
        for name in AdminAreaStructure.values:
            wanted = [
                row["commune_code"]
                for row in rows
                if structure_of.get(row.number) == name and row["commune_code"] is not None
            ]
            communes[name] = _communes(name, wanted) if wanted else {}
            if communes[name]:
                counterparts.update(_counterparts(name, communes[name].values()))
        # A row whose structure cannot be told (its opened_on did not parse): its commune
        # should at least exist in one of them.
        undecided = {
            row["commune_code"]
            for row in rows
            if row.number not in structure_of and row["commune_code"] is not None
        }
        known_anywhere = (
            set(
                AdminArea.objects.filter(
                    level=AdminAreaLevel.COMMUNE, code__in=undecided
                ).values_list("code", flat=True)
            )
            if undecided
            else set()
        )

        self.resolved: dict[int, _Resolved] = {}
        for row in rows:
            point = existing.get(row["code"]) if row["code"] is not None else None

            unit = units.get(row["unit_code"]) if row["unit_code"] is not None else None
            if row["unit_code"] is not None and unit is None:
                errors.append(
                    row.error("unit_code", _("unknown unit %(code)s") % {"code": row["unit_code"]})
                )
            if self.actor is not None and (
                (unit is not None and not self.in_scope(unit.path))
                or (point is not None and not self.in_scope(point.unit_path))
            ):
                errors.append(row.error("unit_code", _("outside your unit")))

            if row["multi_service"] and row["kind"] not in (None, PointKind.BDVHX):
                errors.append(
                    row.error(
                        "multi_service",
                        _("only a commune cultural post office (bdvhx) can be multi-service"),
                    )
                )

            opened_on: dt.date | None = row["opened_on"]
            closed_on: dt.date | None = (
                row["closed_on"] if row.has("closed_on") or point is None else point.closed_on
            )
            if opened_on and closed_on and closed_on < opened_on:
                errors.append(
                    row.error(
                        "closed_on",
                        _("a point cannot close (%(closed)s) before it opens (%(opened)s)")
                        % {"closed": closed_on.isoformat(), "opened": opened_on.isoformat()},
                    )
                )

            structure = structure_of.get(row.number)
            commune_code = row["commune_code"]
            if structure is None and commune_code is not None:
                if commune_code not in known_anywhere:
                    errors.append(
                        row.error(
                            "commune_code", _("unknown commune %(code)s") % {"code": commune_code}
                        )
                    )
                continue
            if structure is None or commune_code is None:
                continue
            commune = communes[structure].get(commune_code)
            if commune is None:
                errors.append(
                    row.error(
                        "commune_code",
                        _("unknown commune %(code)s in the %(structure)s structure")
                        % {"code": commune_code, "structure": structure},
                    )
                )
                continue
            other = counterparts.get(commune.pk)
            new: AdminArea | None
            legacy: AdminArea | None
            if structure == AdminAreaStructure.V2025:
                new, legacy = commune, other
            else:
                new, legacy = other, commune
            open_under_2025 = closed_on is None or closed_on > STRUCTURE_2025_FROM
            if new is None and open_under_2025 and "closed_on" not in row.invalid:
                errors.append(
                    row.error(
                        "commune_code",
                        _(
                            "commune %(code)s of the legacy structure has no successor in the "
                            "2025 structure, and the point is open on or after 2025-07-01; "
                            "give the 2025 commune (geography 2025)"
                        )
                        % {"code": commune_code},
                    )
                )
                continue
            if unit is not None:
                self.resolved[row.number] = _Resolved(unit, new, legacy, commune.province_code)
        return errors

    def write(self, rows: list[Row]) -> ImportResult:
        codes = [row["code"] for row in rows]
        existing: dict[str, ServicePoint] = ServicePoint.objects.in_bulk(codes, field_name="code")
        with_services = bool(rows) and rows[0].has("services")
        offered: dict[int, set[str]] = {}
        if with_services and existing:
            for point_id, service in PointService.objects.filter(
                point__in=list(existing.values())
            ).values_list("point_id", "service"):
                offered.setdefault(point_id, set()).add(service)

        to_create: list[ServicePoint] = []
        to_update: list[ServicePoint] = []
        wanted_services: dict[str, list[str]] = {}
        unchanged = 0
        for row in rows:
            resolved = self.resolved[row.number]
            values: dict[str, Any] = {
                "name": row["name"],
                "name_folded": fold(row["name"]),
                "kind": row["kind"],
                "multi_service": row.get("multi_service", False),
                "cashless": row.get("cashless", False),
                "unit_id": resolved.unit.pk,
                "unit_path": resolved.unit.path,
                "province_code": resolved.province_code,
                "commune_id": resolved.commune.pk if resolved.commune else None,
                "commune_legacy_id": (
                    resolved.commune_legacy.pk if resolved.commune_legacy else None
                ),
                "opened_on": row["opened_on"],
            }
            for column in ("address", "phone"):
                if row.has(column):
                    values[column] = row.get(column, "")
            if row.has("closed_on"):
                values["closed_on"] = row["closed_on"]
            if with_services:
                wanted_services[row["code"]] = row.get("services", [])

            point = existing.get(row["code"])
            if point is None:
                to_create.append(ServicePoint(code=row["code"], **values))
                continue
            changed = False
            for key, value in values.items():
                if getattr(point, key) != value:
                    setattr(point, key, value)
                    changed = True
            if with_services and offered.get(point.pk, set()) != set(wanted_services[point.code]):
                changed = True
            if changed:
                to_update.append(point)
            else:
                unchanged += 1

        ServicePoint.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            ServicePoint.objects.bulk_update(to_update, _POINT_FIELDS, batch_size=500)

        if with_services:
            points = [*to_create, *to_update]
            if any(point.pk is None for point in points):  # a backend without RETURNING
                ids = dict(
                    ServicePoint.objects.filter(
                        code__in=[point.code for point in points]
                    ).values_list("code", "pk")
                )
                for point in points:
                    point.pk = ids[point.code]
            stale = [
                pk
                for pk, point_id, service, code in PointService.objects.filter(
                    point__in=to_update
                ).values_list("pk", "point_id", "service", "point__code")
                if service not in wanted_services[code]
            ]
            if stale:
                PointService.objects.filter(pk__in=stale).delete()
            PointService.objects.bulk_create(
                [
                    PointService(point=point, service=service)
                    for point in points
                    for service in wanted_services[point.code]
                    if service not in offered.get(point.pk, set())
                ],
                batch_size=1000,
            )
        return ImportResult(len(to_create), len(to_update), unchanged)

    def export(self) -> Iterable[Sequence[Any]]:
        points: QuerySet[ServicePoint] = (
            ServicePoint.objects.select_related("unit", "commune", "commune_legacy")
            .prefetch_related("offers")
            .order_by("code")
        )
        if self.actor is not None:
            points = visible(self.actor, points, "unit_path")
        order = {value: index for index, value in enumerate(Service.values)}
        for point in points:
            commune = point.commune_on(point.opened_on) or point.commune or point.commune_legacy
            assert commune is not None  # the point_has_commune constraint
            services = sorted(
                (offer.service for offer in point.offers.all()), key=order.__getitem__
            )
            yield [
                point.code,
                point.name,
                point.kind,
                commune.code,
                commune.structure,
                point.unit.code,
                point.multi_service,
                point.cashless,
                point.opened_on,
                point.closed_on,
                point.address or None,
                point.phone or None,
                services,
            ]


# --------------------------------------------------------------------------------------------
# Unit successions
# --------------------------------------------------------------------------------------------

_SHARE = re.compile(r"^\d{1,3}(?:[.,]\d{1,2})?$")


def share_pct() -> im.Parser[int]:
    """A share in %, up to two decimals (``40``, ``33.33``, ``33,33``), as basis points."""

    def parse(value: Any) -> int:
        raw = " ".join(str(value).split()).removesuffix("%").strip()
        if isinstance(value, bool) or not _SHARE.match(raw):
            raise im.CellError(
                _("expected a share in %%, e.g. 40 or 33.33, not %(value)s") % {"value": raw}
            )
        bp = int(Decimal(raw.replace(",", ".")) * 100)
        if not 1 <= bp <= 10_000:
            raise im.CellError(_("a share is more than 0 % and at most 100 %"))
        return bp

    return im.Parser(parse, describe=gettext_lazy("a share in %, e.g. 40 or 33.33"))


@register
class UnitSuccessionImport(_NetworkKind):
    name = "unit_successions"
    help = gettext_lazy(
        "Which units replaced which (the commune posts of 2025 that replaced the district "
        "posts) and the share of the replaced unit's business each took: the report carries "
        "a replaced unit's figures to its successors. The shares of a replaced unit add up "
        "to 100 %; a blank share splits it equally. A replaced unit in the file has its "
        "successions replaced by the file's."
    )
    exportable = False
    columns = (
        Column("predecessor_code", im.code(32), help=gettext_lazy("the replaced unit")),
        Column("successor_code", im.code(32), help=gettext_lazy("a unit that replaced it")),
        Column("share_pct", share_pct(), required=False, help=gettext_lazy("its share, in %")),
        Column(
            "effective_on",
            im.date(),
            required=False,
            help=gettext_lazy("the day the successor took over (blank: its first day in force)"),
        ),
    )

    def validate(self, rows: list[Row]) -> list[RowError]:
        errors: list[RowError] = []
        codes = {row[c] for row in rows for c in ("predecessor_code", "successor_code") if row[c]}
        units: dict[str, Unit] = Unit.objects.in_bulk(list(codes), field_name="code")
        seen: dict[tuple[str, str], int] = {}
        self.by_predecessor: dict[str, list[tuple[Row, Unit]]] = {}
        for row in rows:
            before, after = row["predecessor_code"], row["successor_code"]
            if before is None or after is None:
                continue
            problem = False
            for column, code in (("predecessor_code", before), ("successor_code", after)):
                unit = units.get(code)
                if unit is None or not self.in_scope(unit.path):
                    errors.append(row.error(column, _("unknown unit %(code)s") % {"code": code}))
                    problem = True
            if problem:
                continue
            if before == after:
                errors.append(row.error("successor_code", _("a unit does not replace itself")))
                continue
            if (before, after) in seen:
                errors.append(
                    row.error(
                        "successor_code",
                        _("%(code)s appears more than once in the file (first in row %(row)d)")
                        % {"code": f"{before} → {after}", "row": seen[(before, after)]},
                    )
                )
                continue
            seen[(before, after)] = row.number
            self.by_predecessor.setdefault(before, []).append((row, units[after]))
        for before, pairs in self.by_predecessor.items():
            given = [row["share_pct"] for row, _unit in pairs if row["share_pct"] is not None]
            if given and len(given) != len(pairs):
                errors.append(
                    pairs[0][0].error(
                        "share_pct",
                        _("give a share for every successor of %(code)s, or none")
                        % {"code": before},
                    )
                )
            elif given and sum(given) != 10_000:
                errors.append(
                    pairs[0][0].error(
                        "share_pct",
                        _("the shares of %(code)s add up to %(total)s %%, not 100 %%")
                        % {"code": before, "total": f"{sum(given) / 100:g}"},
                    )
                )
        self.units = units
        return errors

    def write(self, rows: list[Row]) -> ImportResult:
        created = updated = unchanged = 0
        for before, pairs in self.by_predecessor.items():
            predecessor = self.units[before]
            count = len(pairs)
            equal = [10_000 // count + (1 if i < 10_000 % count else 0) for i in range(count)]
            kept = set()
            for index, (row, successor) in enumerate(pairs):
                share = row["share_pct"] if row["share_pct"] is not None else equal[index]
                effective = row["effective_on"] or successor.valid_from or local_today()
                found = UnitSuccession.objects.filter(
                    predecessor=predecessor, successor=successor
                ).first()
                if found is None:
                    found = UnitSuccession.objects.create(
                        predecessor=predecessor,
                        successor=successor,
                        share_bp=share,
                        effective_on=effective,
                    )
                    created += 1
                elif (found.share_bp, found.effective_on) != (share, effective):
                    found.share_bp, found.effective_on = share, effective
                    found.save(update_fields=["share_bp", "effective_on"])
                    updated += 1
                else:
                    unchanged += 1
                kept.add(found.pk)
            UnitSuccession.objects.filter(predecessor=predecessor).exclude(pk__in=kept).delete()
        return ImportResult(created, updated, unchanged)


# --------------------------------------------------------------------------------------------
# Legacy communes over the years (the mergers before 2025)
# --------------------------------------------------------------------------------------------


@register
class LegacyCommuneImport(_NetworkKind):
    name = "legacy_communes"
    help = gettext_lazy(
        "The communes as they were before 2025, with their dates: a commune that no longer "
        "exists (valid_to, and became_code: the commune it became part of the next day, seat: "
        "yes when the merged commune's seat was in it), or one formed by a merger (valid_from). "
        "A past year's coverage is counted against that year's communes. A commune already "
        "known keeps its name; only its dates and merger change."
    )
    exportable = False
    columns = (
        Column("code", im.code(8, digits=5), help=gettext_lazy("the commune's code (GSO)")),
        Column("name", im.text(120), required=False, help=gettext_lazy("its name then")),
        Column(
            "district_code",
            im.code(8, digits=3),
            required=False,
            help=gettext_lazy("its district (a new commune only)"),
        ),
        Column(
            "division_type",
            im.text(40),
            required=False,
            help=gettext_lazy("xã, phường or thị trấn (a new commune only; blank: xã)"),
        ),
        Column("valid_from", im.date(), required=False, help=gettext_lazy("its first day")),
        Column("valid_to", im.date(), required=False, help=gettext_lazy("its last day")),
        Column(
            "became_code",
            im.code(8, digits=5),
            required=False,
            help=gettext_lazy("the commune it became part of after its last day"),
        ),
        Column(
            "seat",
            im.boolean(),
            required=False,
            help=gettext_lazy("the merged commune's seat was in this one"),
        ),
    )

    def validate(self, rows: list[Row]) -> list[RowError]:
        errors = _duplicates(rows)
        legacy = AdminArea.objects.filter(
            structure=AdminAreaStructure.LEGACY, level=AdminAreaLevel.COMMUNE
        )
        codes = {row[c] for row in rows for c in ("code", "became_code") if row[c]}
        known = {area.code: area for area in legacy.filter(code__in=codes)}
        districts = {
            area.code: area
            for area in AdminArea.objects.filter(
                structure=AdminAreaStructure.LEGACY,
                level=AdminAreaLevel.DISTRICT,
                code__in=[row["district_code"] for row in rows if row["district_code"]],
            )
        }
        provinces = {
            unit.province_code: unit
            for unit in Unit.objects.filter(kind=UnitKind.PROVINCE).only("province_code", "path")
        }
        # The communes of the 2024 list (the package's) lasted until the 2025 reorganisation.
        lasted = set(
            AdminAreaSuccession.objects.filter(legacy__code__in=codes).values_list(
                "legacy__code", flat=True
            )
        )
        dates: dict[str, tuple[dt.date | None, dt.date | None]] = {
            code: (area.valid_from, area.valid_to) for code, area in known.items()
        }
        for row in rows:
            if row["code"] is not None and "code" not in row.invalid:
                old = dates.get(row["code"], (None, None))
                dates[row["code"]] = (  # a blank date leaves the stored one alone
                    row["valid_from"] or old[0],
                    row["valid_to"] or old[1],
                )
        seats: dict[str, int] = {}
        formed: dict[str, list[Row]] = {}
        for row in rows:
            code = row["code"]
            if code is None:
                continue
            area = known.get(code)
            first, last = dates[code]
            if area is None:
                if row["name"] is None:
                    errors.append(row.error("name", _("a new commune needs its name")))
                district = districts.get(row["district_code"] or "")
                if district is None:
                    errors.append(
                        row.error(
                            "district_code",
                            _("a new commune needs its district (a legacy district code)"),
                        )
                    )
                elif not self._in_scope(provinces, district.province_code):
                    errors.append(
                        row.error("district_code", _("district %(code)s is not in your scope")
                        % {"code": district.code})
                    )  # fmt: skip
            elif not self._in_scope(provinces, area.province_code):
                errors.append(row.error("code", _("commune %(code)s is not in your scope")
                              % {"code": code}))  # fmt: skip
            if first and last and first > last:
                errors.append(row.error("valid_to", _("the last day is before the first")))
            after = row["became_code"]
            if after is None:
                if row["seat"]:
                    errors.append(row.error("became_code", _("a seat of which commune?")))
                continue
            if last is None:
                errors.append(row.error("valid_to", _("a commune that became part of another "
                              "needs its last day")))  # fmt: skip
                continue
            if after == code:
                errors.append(row.error("became_code", _("a commune does not become itself")))
                continue
            if code in lasted:
                errors.append(
                    row.error(
                        "became_code",
                        _("commune %(code)s lasted until %(day)s: it became a commune of 2025")
                        % {
                            "code": code,
                            "day": f"{STRUCTURE_2025_FROM - dt.timedelta(days=1):%d/%m/%Y}",
                        },
                    )
                )
                continue
            if after not in dates:
                errors.append(
                    row.error("became_code", _("unknown commune %(code)s") % {"code": after})
                )
                continue
            begins, ends = dates[after]
            effective = last + dt.timedelta(days=1)
            if (begins and begins > effective) or (ends and ends < effective):
                errors.append(
                    row.error(
                        "became_code",
                        _("commune %(code)s is not in force on %(day)s")
                        % {"code": after, "day": f"{effective:%d/%m/%Y}"},
                    )
                )
                continue
            if row["seat"]:
                if after in seats:
                    errors.append(
                        row.error(
                            "seat",
                            _("commune %(code)s has its seat in one commune only (row %(row)d "
                              "says so too)") % {"code": after, "row": seats[after]},
                        )
                    )  # fmt: skip
                seats[after] = row.number
            if begins == effective:
                formed.setdefault(after, []).append(row)
        for after, merged in formed.items():
            if len(merged) > 1 and after not in seats:
                errors.append(
                    merged[0].error(
                        "seat",
                        _("commune %(code)s was formed from %(n)d communes: say which was its "
                          "seat") % {"code": after, "n": len(merged)},
                    )
                )  # fmt: skip
        self.known, self.districts = known, districts
        return errors

    def _in_scope(self, provinces: dict[str, Unit], province_code: str) -> bool:
        unit = provinces.get(province_code)
        return self.actor is None or (unit is not None and self.in_scope(unit.path))

    def write(self, rows: list[Row]) -> ImportResult:
        created = updated = unchanged = 0
        areas: dict[str, AdminArea] = dict(self.known)
        for row in rows:
            code = row["code"]
            area = areas.get(code)
            if area is None:
                district = self.districts[row["district_code"]]
                area = AdminArea.objects.create(
                    structure=AdminAreaStructure.LEGACY,
                    level=AdminAreaLevel.COMMUNE,
                    code=code,
                    name=row["name"],
                    division_type=row["division_type"] or "Xã",
                    parent=district,
                    province_code=district.province_code,
                    valid_from=row["valid_from"],
                    valid_to=row["valid_to"],
                )
                areas[code] = area
                created += 1
                continue
            wanted = {
                name: row[name] for name in ("valid_from", "valid_to") if row[name] is not None
            }
            if any(getattr(area, name) != value for name, value in wanted.items()):
                for name, value in wanted.items():
                    setattr(area, name, value)
                area.save(update_fields=list(wanted))
                updated += 1
            else:
                unchanged += 1
        for row in rows:
            predecessor = areas[row["code"]]
            last = predecessor.valid_to
            if row["became_code"] is None or last is None:
                continue
            CommuneChange.objects.update_or_create(
                predecessor=predecessor,
                defaults={
                    "successor": areas.get(row["became_code"])
                    or AdminArea.objects.get(
                        structure=AdminAreaStructure.LEGACY,
                        level=AdminAreaLevel.COMMUNE,
                        code=row["became_code"],
                    ),
                    "effective_on": last + dt.timedelta(days=1),
                    "seat": bool(row["seat"]),
                },
            )
        return ImportResult(created, updated, unchanged)
