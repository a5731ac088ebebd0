"""Load Vietnam's administrative geography from the ``vietnam-provinces`` package.

Two structures are kept side by side in ``network.AdminArea``:

* ``legacy``: province > district > commune, in force until 30 June 2025;
* ``2025``: province > commune, in force since 1 July 2025 (districts abolished, many provinces
  and communes merged).

``network.AdminAreaSuccession`` links each legacy commune to the 2025 commune(s) it became,
with ``partly`` set when the legacy commune was split between several of them.

The load is an upsert keyed on (structure, level, code): running it again creates nothing, and
only rows whose data changed in the package are updated. It works on whole levels at a time
with ``bulk_create`` / ``bulk_update`` inside one transaction; the whole country (about 14,000
areas and 10,000 successions) loads in a few seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from buudien.core.errors import DomainError
from buudien.core.text import fold
from buudien.network.choices import STRUCTURE_2025_FROM, AdminAreaLevel, AdminAreaStructure
from buudien.network.models import AdminArea, AdminAreaSuccession

LEGACY_VALID_TO = STRUCTURE_2025_FROM - dt.timedelta(days=1)

# progress(step, done, total): called as each step of the load advances.
Progress = Callable[[str, int, int], None]

_FIELDS = [
    "name",
    "name_folded",
    "division_type",
    "parent",
    "province_code",
    "valid_from",
    "valid_to",
]
_BATCH = 500


@dataclass
class GeographyStats:
    """What a load found and did. Area counts are the rows in scope, whether new or not."""

    provinces_2025: int = 0
    communes_2025: int = 0
    provinces_legacy: int = 0
    districts_legacy: int = 0
    communes_legacy: int = 0
    successions: int = 0
    areas_created: int = 0
    areas_updated: int = 0
    successions_created: int = 0
    successions_updated: int = 0
    successions_deleted: int = 0

    @property
    def areas(self) -> int:
        return (
            self.provinces_2025
            + self.communes_2025
            + self.provinces_legacy
            + self.districts_legacy
            + self.communes_legacy
        )

    @property
    def changed(self) -> bool:
        return bool(
            self.areas_created
            or self.areas_updated
            or self.successions_created
            or self.successions_updated
            or self.successions_deleted
        )


@dataclass(frozen=True)
class _Area:
    """One area as the package describes it, ready to compare with a row."""

    structure: str
    level: str
    code: str
    name: str
    division_type: str
    province_code: str
    parent: tuple[str, str, str] | None  # (structure, level, code) of the parent
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass
class _Source:
    """The areas of the package in scope, level by level (parents before children)."""

    levels: list[tuple[str, str, list[_Area]]] = field(default_factory=list)
    # legacy commune code (int) -> [(2025 commune code (int), partly)]
    successions: dict[int, list[tuple[int, bool]]] = field(default_factory=dict)


def _name(raw: str) -> str:
    """The package's name, trimmed, first letter capitalised (it has "xã Bắc Sơn" once)."""
    name = " ".join(raw.split())
    return name[:1].upper() + name[1:]


def _kind(division_type: Any) -> str:
    return str(getattr(division_type, "value", division_type))


def normalise_province_codes(codes: Iterable[str | int]) -> list[str]:
    """ "20", 20 and " 4" -> "20", "20", "04"; refuses anything that is not a number."""
    result: list[str] = []
    for code in codes:
        text = str(code).strip()
        if not text.isdigit() or len(text) > 2:
            raise DomainError(
                _("%(code)s is not a province code (a number of one or two digits).")
                % {"code": code},
                field="province_codes",
            )
        if text.zfill(2) not in result:
            result.append(text.zfill(2))
    return result


def _read_package(province_codes: list[str] | None) -> _Source:
    """The package's data, restricted to the provinces asked for (None: the whole country)."""
    import vietnam_provinces as current
    from vietnam_provinces import _ward_conversion_2025 as conversion
    from vietnam_provinces.legacy import base as legacy

    wanted = set(province_codes) if province_codes is not None else None

    def keep(code: str) -> bool:
        return wanted is None or code in wanted

    new, old = AdminAreaStructure.V2025.value, AdminAreaStructure.LEGACY.value
    province, district, commune = (
        AdminAreaLevel.PROVINCE.value,
        AdminAreaLevel.DISTRICT.value,
        AdminAreaLevel.COMMUNE.value,
    )
    since, until = STRUCTURE_2025_FROM, LEGACY_VALID_TO

    new_provinces = [
        _Area(
            new,
            province,
            f"{p.code.value:02d}",
            _name(p.name),
            _kind(p.division_type),
            f"{p.code.value:02d}",
            None,
            since,
            None,
        )
        for p in current.Province.iter_all()
        if keep(f"{p.code.value:02d}")
    ]
    new_communes = [
        _Area(
            new,
            commune,
            f"{w.code.value:05d}",
            _name(w.name),
            _kind(w.division_type),
            f"{w.province_code.value:02d}",
            (new, province, f"{w.province_code.value:02d}"),
            since,
            None,
        )
        for w in current.Ward.iter_all()
        if keep(f"{w.province_code.value:02d}")
    ]
    old_provinces = [
        _Area(
            old,
            province,
            f"{p.code.value:02d}",
            _name(p.name),
            _kind(p.division_type),
            f"{p.code.value:02d}",
            None,
            None,
            until,
        )
        for p in legacy.Province.iter_all()
        if keep(f"{p.code.value:02d}")
    ]
    district_province: dict[int, str] = {}
    old_districts: list[_Area] = []
    for d in legacy.District.iter_all():
        province_code = f"{d.province_code.value:02d}"
        district_province[d.code.value] = province_code
        if keep(province_code):
            old_districts.append(
                _Area(
                    old,
                    district,
                    f"{d.code.value:03d}",
                    _name(d.name),
                    _kind(d.division_type),
                    province_code,
                    (old, province, province_code),
                    None,
                    until,
                )
            )
    old_communes: list[_Area] = []
    for w in legacy.Ward.iter_all():
        province_code = district_province[w.district_code.value]
        if keep(province_code):
            old_communes.append(
                _Area(
                    old,
                    commune,
                    f"{w.code.value:05d}",
                    _name(w.name),
                    _kind(w.division_type),
                    province_code,
                    (old, district, f"{w.district_code.value:03d}"),
                    None,
                    until,
                )
            )

    successions = {
        old_code: [(ref.code, bool(entry.old_ward.is_partly_merged)) for ref in entry.new_wards]
        for old_code, entry in conversion.OLD_TO_NEW.items()
    }
    return _Source(
        levels=[
            (new, province, new_provinces),
            (old, province, old_provinces),
            (old, district, old_districts),
            (new, commune, new_communes),
            (old, commune, old_communes),
        ],
        successions=successions,
    )


def _chunks[T](items: list[T], size: int = _BATCH) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _upsert_level(
    structure: str,
    level: str,
    areas: list[_Area],
    ids: dict[tuple[str, str, str], int],
    stats: GeographyStats,
) -> None:
    """Create the missing rows of one level and update the changed ones; fill ``ids``."""
    existing = {row.code: row for row in AdminArea.objects.filter(structure=structure, level=level)}
    to_create: list[AdminArea] = []
    to_update: list[AdminArea] = []
    for area in areas:
        parent_id = ids[area.parent] if area.parent else None
        wanted: dict[str, Any] = {
            "name": area.name,
            "name_folded": fold(area.name),
            "division_type": area.division_type,
            "parent_id": parent_id,
            "province_code": area.province_code,
            "valid_from": area.valid_from,
            "valid_to": area.valid_to,
        }
        row = existing.get(area.code)
        if row is not None and row.valid_from is not None and area.valid_from is None:
            # The package does not know when a legacy commune began; a dated commune list
            # (the ``legacy_communes`` import) does: its date stays.
            wanted["valid_from"] = row.valid_from
        if row is None:
            to_create.append(AdminArea(structure=structure, level=level, code=area.code, **wanted))
        elif any(getattr(row, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(row, name, value)
            to_update.append(row)
    AdminArea.objects.bulk_create(to_create, batch_size=_BATCH)
    AdminArea.objects.bulk_update(to_update, _FIELDS, batch_size=_BATCH)
    stats.areas_created += len(to_create)
    stats.areas_updated += len(to_update)
    # Read the ids back rather than trust bulk_create to have set them on every backend.
    for code, pk in AdminArea.objects.filter(structure=structure, level=level).values_list(
        "code", "pk"
    ):
        ids[(structure, level, code)] = pk


def _sync_successions(
    source: _Source,
    ids: dict[tuple[str, str, str], int],
    loaded: set[int],
    stats: GeographyStats,
) -> None:
    """Successions with at least one end among ``loaded`` and both ends in the database."""
    old, new = AdminAreaStructure.LEGACY.value, AdminAreaStructure.V2025.value
    commune = AdminAreaLevel.COMMUNE.value
    wanted: dict[tuple[int, int], bool] = {}
    for old_code, targets in source.successions.items():
        legacy_id = ids.get((old, commune, f"{old_code:05d}"))
        if legacy_id is None:
            continue
        for new_code, partly in targets:
            successor_id = ids.get((new, commune, f"{new_code:05d}"))
            if successor_id is None:
                continue
            if legacy_id in loaded or successor_id in loaded:
                wanted[(legacy_id, successor_id)] = partly
    stats.successions = len(wanted)

    existing = {
        (legacy_id, successor_id): (pk, partly)
        for pk, legacy_id, successor_id, partly in AdminAreaSuccession.objects.values_list(
            "pk", "legacy_id", "successor_id", "partly"
        )
        if legacy_id in loaded or successor_id in loaded
    }
    to_create = [
        AdminAreaSuccession(legacy_id=legacy_id, successor_id=successor_id, partly=partly)
        for (legacy_id, successor_id), partly in wanted.items()
        if (legacy_id, successor_id) not in existing
    ]
    to_update = [
        AdminAreaSuccession(pk=pk, partly=wanted[key])
        for key, (pk, partly) in existing.items()
        if key in wanted and wanted[key] != partly
    ]
    stale = [pk for key, (pk, _partly) in existing.items() if key not in wanted]
    AdminAreaSuccession.objects.bulk_create(to_create, batch_size=_BATCH)
    AdminAreaSuccession.objects.bulk_update(to_update, ["partly"], batch_size=_BATCH)
    for chunk in _chunks(stale):
        AdminAreaSuccession.objects.filter(pk__in=chunk).delete()
    stats.successions_created = len(to_create)
    stats.successions_updated = len(to_update)
    stats.successions_deleted = len(stale)


@transaction.atomic
def geography_load(
    *, province_codes: list[str] | None = None, progress: Progress | None = None
) -> GeographyStats:
    """Load both structures and the successions between them; idempotent.

    ``province_codes`` restricts the load: legacy rows are kept by their legacy province code,
    2025 rows by their 2025 province code, and the successions loaded are those between a
    loaded row and any row already in the database.
    """
    codes = normalise_province_codes(province_codes) if province_codes is not None else None
    source = _read_package(codes)
    if codes is not None:
        found = {
            a.province_code
            for _s, level, areas in source.levels
            for a in areas
            if level == AdminAreaLevel.PROVINCE
        }
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise DomainError(
                _("Unknown province code: %(codes)s.") % {"codes": ", ".join(unknown)},
                field="province_codes",
            )

    stats = GeographyStats()
    counters = {
        ("2025", "province"): "provinces_2025",
        ("2025", "commune"): "communes_2025",
        ("legacy", "province"): "provinces_legacy",
        ("legacy", "district"): "districts_legacy",
        ("legacy", "commune"): "communes_legacy",
    }
    total = sum(len(areas) for _s, _l, areas in source.levels) + 1
    done = 0
    ids: dict[tuple[str, str, str], int] = {}
    loaded: set[int] = set()
    for structure, level, areas in source.levels:
        if progress:
            progress(f"{structure} {level}", done, total)
        _upsert_level(structure, level, areas, ids, stats)
        setattr(stats, counters[(structure, level)], len(areas))
        loaded.update(ids[(structure, level, area.code)] for area in areas)
        done += len(areas)
    if progress:
        progress("successions", done, total)
    _sync_successions(source, ids, loaded, stats)
    if progress:
        progress("done", total, total)
    return stats
