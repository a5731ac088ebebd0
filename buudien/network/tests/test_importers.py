"""Importing and exporting units and service points (``buudien import units|points``)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import Workbook

from buudien.core.errors import AccessDenied
from buudien.core.imports import ImportFailed, ImportResult, export_rows, import_file, write_csv
from buudien.core.models import AuditEntry
from buudien.network.choices import AdminAreaStructure, PointKind, UnitKind
from buudien.network.models import AdminArea, PointService, ServicePoint, Unit
from buudien.network.tests.factories import (
    AdminAreaFactory,
    LegacyCommuneFactory,
    PointFactory,
    UnitFactory,
)
from buudien.people.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def geo(world: Any) -> dict[str, AdminArea]:
    """Beside the world's 2025 communes 06001 and 06002 (which have no predecessors here):

    legacy 06100 became 06003 wholly; legacy 06101 was split between 06004 and 06003;
    legacy 06102 has no successor in the table; 06005 is in province 04.
    """
    from buudien.network.models import AdminAreaSuccession

    new3 = AdminAreaFactory(code="06003", name="Xã Hoàng Văn Thụ")
    new4 = AdminAreaFactory(code="06004", name="Xã Tân Thành")
    new5 = AdminAreaFactory(code="06005", name="Xã Hòa An", province_code="04")
    old0 = LegacyCommuneFactory(code="06100", name="Xã Hoàng Đồng")
    old1 = LegacyCommuneFactory(code="06101", name="Xã Mai Pha")
    old2 = LegacyCommuneFactory(code="06102", name="Xã Quảng Lạc")
    AdminAreaSuccession.objects.create(legacy=old0, successor=new3, partly=False)
    AdminAreaSuccession.objects.create(legacy=old1, successor=new4, partly=True)
    AdminAreaSuccession.objects.create(legacy=old1, successor=new3, partly=True)
    return {
        "06003": new3,
        "06004": new4,
        "06005": new5,
        "06100": old0,
        "06101": old1,
        "06102": old2,
    }


def csv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


UNITS = """\
code,name,kind,parent_code,province_code,valid_from,valid_to
UC1,Bưu điện xã Hoàng Văn Thụ,commune,UD,20,2025-09-01,
UD,Bưu điện khu vực Đông,area,BDT20,20,01/01/2020,
"""

POINTS = """\
code,name,kind,commune_code,geography,unit_code,multi_service,cashless,opened_on,closed_on,\
address,phone,services
240010,Điểm BĐVHX Hoàng Văn Thụ,bdvhx,06003,2025,UC1,x,có,2025-09-15,,Thôn Nà Chuông,\
0205 3870 000,"pension, collection"
240011,Bưu cục Hoàng Đồng,bc3,06100,,UD,,0,15/03/2010,,,,ems registered
"""


def table(model: Any, *fields: str) -> list[tuple[Any, ...]]:
    return list(model.objects.order_by("pk").values_list(*fields))


def point_rows() -> list[tuple[Any, ...]]:
    return table(
        ServicePoint,
        "code",
        "name",
        "name_folded",
        "kind",
        "multi_service",
        "cashless",
        "unit__code",
        "unit_path",
        "province_code",
        "commune__code",
        "commune_legacy__code",
        "address",
        "phone",
        "opened_on",
        "closed_on",
    )


def unit_rows() -> list[tuple[Any, ...]]:
    return table(
        Unit,
        "code",
        "name",
        "name_folded",
        "kind",
        "parent__code",
        "province_code",
        "path",
        "depth",
        "valid_from",
        "valid_to",
    )


def everything() -> dict[str, Any]:
    return {
        "units": unit_rows(),
        "points": point_rows(),
        "services": table(PointService, "point__code", "service"),
        "audit": AuditEntry.objects.count(),
    }


# --- good files ------------------------------------------------------------------------------


def test_units_then_points_import_with_parents_after_children(
    geo: dict[str, AdminArea], tmp_path: Path
) -> None:
    units = import_file("units", csv(tmp_path, "units.csv", UNITS))
    points = import_file("points", csv(tmp_path, "points.csv", POINTS))

    assert units == ImportResult(created=2, updated=0)
    assert points == ImportResult(created=2, updated=0)
    ud, uc1 = Unit.objects.get(code="UD"), Unit.objects.get(code="UC1")
    assert (ud.path, ud.depth, ud.kind, ud.valid_from) == (
        "VNP/BDT20/UD/",
        2,
        UnitKind.AREA,
        dt.date(2020, 1, 1),
    )
    assert (uc1.path, uc1.depth, uc1.parent, uc1.name_folded) == (
        "VNP/BDT20/UD/UC1/",
        3,
        ud,
        "buu dien xa hoang van thu",
    )
    new = ServicePoint.objects.get(code="240010")
    assert (new.kind, new.multi_service, new.cashless, new.unit_path, new.province_code) == (
        PointKind.BDVHX,
        True,
        True,
        "VNP/BDT20/UD/UC1/",
        "20",
    )
    assert (new.commune, new.commune_legacy) == (geo["06003"], geo["06100"])
    assert (new.address, new.phone, new.opened_on) == (
        "Thôn Nà Chuông",
        "0205 3870 000",
        dt.date(2025, 9, 15),
    )
    assert table(PointService, "point__code", "service") == [
        ("240010", "collection"),
        ("240010", "pension"),
        ("240011", "registered"),
        ("240011", "ems"),
    ]
    assert list(AuditEntry.objects.order_by("id").values_list("action", "after")) == [
        ("import.units", {"file": "units.csv", "created": 2, "updated": 0, "unchanged": 0}),
        ("import.points", {"file": "points.csv", "created": 2, "updated": 0, "unchanged": 0}),
    ]


def test_a_legacy_commune_gets_its_2025_commune_filled(
    geo: dict[str, AdminArea], tmp_path: Path
) -> None:
    import_file(
        "points", csv(tmp_path, "p.csv", POINTS.replace(",UC1,", ",UA,").replace(",UD,", ",UB,"))
    )

    old = ServicePoint.objects.get(code="240011")
    assert (old.commune_legacy, old.commune, old.name_folded) == (
        geo["06100"],
        geo["06003"],
        "buu cuc hoang dong",
    )
    assert old.commune_on(dt.date(2024, 1, 1)) == geo["06100"]
    assert old.commune_on(dt.date(2026, 1, 1)) == geo["06003"]


def test_a_split_commune_maps_to_the_first_successor_by_code_and_back_to_a_whole_one(
    geo: dict[str, AdminArea], tmp_path: Path
) -> None:
    path = csv(
        tmp_path,
        "p.csv",
        (
            "code,name,kind,commune_code,unit_code,multi_service,cashless,opened_on\n"
            "240030,Split,bc3,06101,UA,0,0,2012-01-01\n"
            "240031,New,agent,06003,UA,0,0,2025-10-01\n"
        ),
    )

    import_file("points", path)

    split, new = ServicePoint.objects.get(code="240030"), ServicePoint.objects.get(code="240031")
    assert (split.commune_legacy.code, split.commune.code) == ("06101", "06003")
    assert (new.commune.code, new.commune_legacy.code) == ("06003", "06100")


def test_a_legacy_commune_without_successor_is_fine_for_a_point_closed_before_the_change(
    geo: dict[str, AdminArea], tmp_path: Path
) -> None:
    path = csv(
        tmp_path,
        "p.csv",
        (
            "code,name,kind,commune_code,unit_code,multi_service,cashless,opened_on,closed_on\n"
            "240040,Closed,bc3,06102,UA,0,0,2005-01-01,2019-12-31\n"
            "240041,Open,bc3,06102,UA,0,0,2005-01-01,\n"
        ),
    )

    with pytest.raises(ImportFailed) as excinfo:
        import_file("points", path)

    assert excinfo.value.lines() == [
        "row 3, column commune_code: commune 06102 of the legacy structure has no successor in "
        "the 2025 structure, and the point is open on or after 2025-07-01; give the 2025 "
        "commune (geography 2025)"
    ]
    path.write_text(path.read_text().splitlines()[0] + "\n" + path.read_text().splitlines()[1])
    import_file("points", path)
    closed = ServicePoint.objects.get(code="240040")
    assert (closed.commune_legacy.code, closed.commune, closed.province_code) == (
        "06102",
        None,
        "20",
    )


def test_the_province_of_a_point_is_the_province_of_its_commune(
    geo: dict[str, AdminArea], tmp_path: Path
) -> None:
    path = csv(
        tmp_path,
        "p.csv",
        (
            "code,name,kind,commune_code,unit_code,multi_service,cashless,opened_on\n"
            "240050,Hòa An,kiosk,06005,UA,0,0,2026-01-05\n"
        ),
    )

    import_file("points", path)

    assert ServicePoint.objects.get(code="240050").province_code == "04"


def test_an_existing_point_is_updated_and_its_services_replaced(world: Any, tmp_path: Path) -> None:
    PointService.objects.create(point=world.point_b, service="pension")
    PointService.objects.create(point=world.point_b, service="press")
    path = csv(
        tmp_path,
        "p.csv",
        (
            "code,name,kind,commune_code,geography,unit_code,multi_service,cashless,opened_on,"
            "services\n"
            "240002,Điểm BĐVHX Chi Lăng mới,bdvhx,06002,2025,UA,1,1,2016-01-01,pension savings\n"
            "240001,Bưu cục Đồng Đăng,bc3,06001,2025,UA,0,0,2015-01-01,\n"
        ),
    )

    result = import_file("points", path)

    assert result == ImportResult(created=0, updated=1, unchanged=1)
    point_b = ServicePoint.objects.get(code="240002")
    assert (point_b.name, point_b.name_folded, point_b.unit, point_b.unit_path) == (
        "Điểm BĐVHX Chi Lăng mới",
        "diem bdvhx chi lang moi",
        world.unit_a,
        "VNP/BDT20/UA/",
    )
    assert (point_b.multi_service, point_b.cashless) == (True, True)
    assert sorted(point_b.offers.values_list("service", flat=True)) == ["pension", "savings"]


def test_an_optional_column_left_out_leaves_the_stored_value_alone(
    world: Any, tmp_path: Path
) -> None:
    ServicePoint.objects.filter(pk=world.point_a.pk).update(address="Số 1", phone="0205")
    PointService.objects.create(point=world.point_a, service="ems")
    path = csv(
        tmp_path,
        "p.csv",
        (
            "code,name,kind,commune_code,geography,unit_code,multi_service,cashless,opened_on\n"
            "240001,Bưu cục Đồng Đăng,bc3,06001,2025,UA,0,1,2015-01-01\n"
        ),
    )

    assert import_file("points", path) == ImportResult(created=0, updated=1)

    point = ServicePoint.objects.get(code="240001")
    assert (point.address, point.phone, point.cashless) == ("Số 1", "0205", True)
    assert list(point.offers.values_list("service", flat=True)) == ["ems"]


def test_moving_a_unit_carries_its_subtree_and_points_along(world: Any, tmp_path: Path) -> None:
    below = UnitFactory(code="UB1", parent=world.unit_b)
    point = PointFactory(code="240060", unit=below, commune=world.commune_b)
    path = csv(
        tmp_path, "u.csv", ("code,name,kind,parent_code\nUB,Bưu điện xã Chi Lăng,commune,UA\n")
    )

    assert import_file("units", path) == ImportResult(created=0, updated=1)

    assert table(Unit, "code", "path", "depth")[-3:] == [
        ("UB", "VNP/BDT20/UA/UB/", 3),
        ("BDT04", "VNP/BDT04/", 1),
        ("UB1", "VNP/BDT20/UA/UB/UB1/", 4),
    ]
    assert ServicePoint.objects.get(pk=world.point_b.pk).unit_path == "VNP/BDT20/UA/UB/"
    assert ServicePoint.objects.get(pk=point.pk).unit_path == "VNP/BDT20/UA/UB/UB1/"
    assert ServicePoint.objects.get(pk=world.point_a.pk).unit_path == "VNP/BDT20/UA/"


def test_a_file_may_move_a_unit_and_update_a_unit_below_it(world: Any, tmp_path: Path) -> None:
    UnitFactory(code="UB1", name="Cũ", parent=world.unit_b)
    path = csv(
        tmp_path,
        "u.csv",
        ("code,name,kind,parent_code\nUB1,Mới,commune,UB\nUB,Bưu điện xã Chi Lăng,commune,UA\n"),
    )

    assert import_file("units", path) == ImportResult(created=0, updated=2)

    assert Unit.objects.values_list("name", "path", "depth").get(code="UB1") == (
        "Mới",
        "VNP/BDT20/UA/UB/UB1/",
        4,
    )


def test_importing_points_takes_the_same_queries_for_3_or_30_rows(
    geo: dict[str, AdminArea], tmp_path: Path
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    header = "code,name,kind,commune_code,unit_code,multi_service,cashless,opened_on,services\n"

    def import_points(first: int, count: int) -> int:
        lines = [
            f"{250000 + n},Điểm {n},bdvhx,{'06100' if n % 2 else '06101'},UA,0,1,"
            f"2024-01-0{1 + n % 2},ems pension\n"
            for n in range(first, first + count)
        ]
        path = csv(tmp_path, f"p{first}.csv", header + "".join(lines))
        with CaptureQueriesContext(connection) as queries:
            import_file("points", path)
        return len(queries)

    assert import_points(0, 3) == import_points(100, 30)
    assert ServicePoint.objects.filter(code__startswith="25").count() == 33
    assert PointService.objects.filter(point__code__startswith="25").count() == 66


# --- round trip ------------------------------------------------------------------------------


def test_reimporting_an_export_changes_nothing(geo: dict[str, AdminArea], tmp_path: Path) -> None:
    import_file("units", csv(tmp_path, "units.csv", UNITS))
    import_file("points", csv(tmp_path, "points.csv", POINTS))
    ServicePoint.objects.filter(code="240011").update(closed_on=dt.date(2026, 3, 1))
    before = everything()

    results = {}
    for kind in ("units", "points"):
        header, rows = export_rows(kind)
        out = io.StringIO()
        write_csv(header, rows, out)
        results[kind] = import_file(kind, csv(tmp_path, f"{kind}-export.csv", out.getvalue()))

    assert results == {
        "units": ImportResult(created=0, updated=0, unchanged=7),
        "points": ImportResult(created=0, updated=0, unchanged=4),
    }
    after = everything()
    assert after["audit"] == before["audit"] + 2
    assert {key: after[key] for key in ("units", "points", "services")} == {
        key: before[key] for key in ("units", "points", "services")
    }


def test_the_points_export_names_the_structure_of_each_commune(
    geo: dict[str, AdminArea], tmp_path: Path
) -> None:
    import_file("units", csv(tmp_path, "units.csv", UNITS))
    import_file("points", csv(tmp_path, "points.csv", POINTS))

    header, rows = export_rows("points")

    assert header == [
        "code",
        "name",
        "kind",
        "commune_code",
        "geography",
        "unit_code",
        "multi_service",
        "cashless",
        "opened_on",
        "closed_on",
        "address",
        "phone",
        "services",
    ]
    assert rows[2:] == [
        [
            "240010",
            "Điểm BĐVHX Hoàng Văn Thụ",
            "bdvhx",
            "06003",
            "2025",
            "UC1",
            True,
            True,
            dt.date(2025, 9, 15),
            None,
            "Thôn Nà Chuông",
            "0205 3870 000",
            ["collection", "pension"],
        ],
        [
            "240011",
            "Bưu cục Hoàng Đồng",
            "bc3",
            "06100",
            "legacy",
            "UD",
            False,
            False,
            dt.date(2010, 3, 15),
            None,
            None,
            None,
            ["registered", "ems"],
        ],
    ]


def test_an_xlsx_file_with_date_and_number_cells_imports(
    geo: dict[str, AdminArea], tmp_path: Path
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Code",
            "Name",
            "Kind",
            "Commune_code",
            "Unit_code",
            "Multi_service",
            "Cashless",
            "Opened_on",
            "Closed_on",
        ]
    )
    sheet.append(
        [240070, "Đại lý Tân Thành", "agent", 6004, "UA", None, True, dt.datetime(2025, 8, 1), None]
    )
    sheet.append(
        [
            240071,
            "Kiosk Hoàng Đồng",
            "kiosk",
            6100,
            "UA",
            0,
            "x",
            dt.datetime(2024, 5, 2),
            dt.datetime(2025, 1, 1),
        ]
    )
    path = tmp_path / "points.xlsx"
    workbook.save(path)

    assert import_file("points", path) == ImportResult(created=2, updated=0)

    agent, kiosk = ServicePoint.objects.get(code="240070"), ServicePoint.objects.get(code="240071")
    # 06004 has only a partly merged predecessor: the lowest-code one is taken
    assert (agent.commune.code, agent.commune_legacy.code, agent.cashless) == (
        "06004",
        "06101",
        True,
    )
    assert (kiosk.commune_legacy.code, kiosk.commune.code, kiosk.closed_on) == (
        "06100",
        "06003",
        dt.date(2025, 1, 1),
    )


# --- bad files -------------------------------------------------------------------------------

BAD_POINTS = """\
code,name,kind,commune_code,geography,unit_code,multi_service,opened_on,closed_on
240020,A,bc3,99999,2025,UA,0,2025-08-01,
240021,B,bc9,06001,2025,UA,0,2025-08-01,
240022,C,bc3,06001,2025,UA,0,2025-13-01,
240020,D,bc3,06001,2025,UA,0,2025-08-01,
240023,E,bc3,06001,2025,UA,1,2025-08-01,
240024,F,bc3,06001,2025,UA,0,2025-08-01,2025-07-01
240025,G,bc3,06001,2025,ZZ,0,2025-08-01,
"""

BAD_POINTS_LINES = [
    "row 1, column cashless: the column is missing",
    "row 2, column commune_code: unknown commune 99999 in the 2025 structure",
    "row 3, column kind: expected one of bc1, bc2, bc3, bdvhx, agent, kiosk, centre, not bc9",
    "row 4, column opened_on: 2025-13-01 is not a real day",
    "row 5, column code: 240020 appears more than once in the file (first in row 2)",
    "row 6, column multi_service: only a commune cultural post office (bdvhx) can be multi-service",
    "row 7, column closed_on: a point cannot close (2025-07-01) before it opens (2025-08-01)",
    "row 8, column unit_code: unknown unit ZZ",
]


def test_a_bad_points_file_lists_every_problem_and_changes_nothing(
    world: Any, tmp_path: Path
) -> None:
    before = everything()

    with pytest.raises(ImportFailed) as excinfo:
        import_file("points", csv(tmp_path, "bad.csv", BAD_POINTS))

    assert excinfo.value.lines() == BAD_POINTS_LINES
    assert [(e.row, e.column) for e in excinfo.value.errors] == [
        (1, "cashless"),
        (2, "commune_code"),
        (3, "kind"),
        (4, "opened_on"),
        (5, "code"),
        (6, "multi_service"),
        (7, "closed_on"),
        (8, "unit_code"),
    ]
    assert everything() == before
    assert ServicePoint.objects.count() == 2


def test_a_bad_units_file_lists_every_problem_and_changes_nothing(
    world: Any, tmp_path: Path
) -> None:
    before = everything()
    path = csv(
        tmp_path,
        "u.csv",
        (
            "code,name,kind,parent_code,province_code,valid_from,valid_to\n"
            "X1,Loop one,area,X2,20,,\n"
            "X2,Loop two,area,X1,20,,\n"
            "X3,Orphan,area,NOPE,20,,\n"
            "X4,Backwards,area,BDT20,20,2025-01-01,2024-12-31\n"
            "X4,Twice,area,BDT20,20,,\n"
            "X5,Province,area,BDT20,200,,\n"
            "BDT20,Bưu điện tỉnh Lạng Sơn,province,UA,20,,\n"
            "X6,Kind,post,BDT20,20,,\n"
        ),
    )

    with pytest.raises(ImportFailed) as excinfo:
        import_file("units", path)

    assert excinfo.value.lines() == [
        "row 2, column parent_code: this parent makes a loop: X1 → X2 → X1",
        "row 3, column parent_code: this parent makes a loop: X1 → X2 → X1",
        "row 4, column parent_code: unknown unit NOPE",
        "row 5, column valid_to: the unit cannot end (2024-12-31) before it starts (2025-01-01)",
        "row 6, column code: X4 appears more than once in the file (first in row 5)",
        "row 7, column province_code: expected a code of 2 digits, not 200",
        "row 8, column parent_code: this parent makes a loop: BDT20 → UA → BDT20",
        "row 9, column kind: expected one of corporation, province, district, area, commune, "
        "centre, not post",
    ]
    assert everything() == before


def test_an_unknown_commune_is_reported_even_when_the_opening_day_is_unreadable(
    world: Any, tmp_path: Path
) -> None:
    path = csv(
        tmp_path,
        "p.csv",
        "code,name,kind,commune_code,unit_code,multi_service,cashless,opened_on\n"
        "240090,A,bc3,99999,UA,0,0,someday\n"
        "240091,B,bc3,06001,UA,0,0,someday\n",
    )

    with pytest.raises(ImportFailed) as excinfo:
        import_file("points", path)

    assert excinfo.value.lines() == [
        "row 2, column commune_code: unknown commune 99999",
        "row 2, column opened_on: expected a date as YYYY-MM-DD or DD/MM/YYYY, not someday",
        "row 3, column opened_on: expected a date as YYYY-MM-DD or DD/MM/YYYY, not someday",
    ]


def test_a_unit_cannot_be_its_own_parent(world: Any, tmp_path: Path) -> None:
    path = csv(tmp_path, "u.csv", "code,name,kind,parent_code\nUA,A,commune,UA\n")

    with pytest.raises(ImportFailed) as excinfo:
        import_file("units", path)

    assert excinfo.value.lines() == ["row 2, column parent_code: this parent makes a loop: UA → UA"]


def test_a_write_that_the_database_refuses_rolls_back_the_whole_file(
    world: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: if a check is missed, the database constraint still keeps the file
    out as a whole (here the point_closed_after_opened check, with validate bypassed)."""
    from buudien.network.importers import PointImport

    original = PointImport.validate

    def lenient(self: PointImport, rows: list[Any]) -> list[Any]:
        original(self, rows)
        return []

    monkeypatch.setattr(PointImport, "validate", lenient)
    before = everything()
    path = csv(
        tmp_path,
        "p.csv",
        (
            "code,name,kind,commune_code,unit_code,multi_service,cashless,opened_on,closed_on\n"
            "240080,Good,bc3,06001,UA,0,0,2025-08-01,\n"
            "240081,Bad,bc3,06001,UA,0,0,2025-08-01,2025-07-01\n"
        ),
    )

    with pytest.raises(ImportFailed) as excinfo:
        import_file("points", path)

    assert excinfo.value.errors[0].reason.startswith("The database refused the file")
    assert everything() == before


# --- access ----------------------------------------------------------------------------------


def test_an_administrator_imports_inside_their_unit(
    admin_user: Any, world: Any, tmp_path: Path
) -> None:
    path = csv(tmp_path, "u.csv", "code,name,kind,parent_code\nUA9,Mới,commune,UA\n")

    assert import_file("units", path, actor=admin_user) == ImportResult(created=1)
    assert AuditEntry.objects.get().actor == admin_user


def test_a_director_may_not_import_the_network(director: Any, tmp_path: Path) -> None:
    path = csv(tmp_path, "u.csv", "code,name,kind,parent_code\nUA9,Mới,commune,UA\n")

    with pytest.raises(AccessDenied):
        import_file("units", path, actor=director)

    assert not Unit.objects.filter(code="UA9").exists()


def test_an_administrator_elsewhere_gets_outside_your_unit(world: Any, tmp_path: Path) -> None:
    admin_04 = UserFactory(username="admin04", role="admin", unit=world.other_province)
    before = everything()
    units = csv(
        tmp_path,
        "u.csv",
        (
            "code,name,kind,parent_code\n"
            "C9,Mine,commune,BDT04\n"
            "UA9,Not mine,commune,UA\n"
            "UB,Steal,commune,BDT04\n"
        ),
    )
    points = csv(
        tmp_path,
        "p.csv",
        (
            "code,name,kind,commune_code,geography,unit_code,multi_service,cashless,opened_on\n"
            "240001,Bưu cục Đồng Đăng,bc3,06001,2025,BDT04,0,0,2015-01-01\n"
        ),
    )

    with pytest.raises(ImportFailed) as units_failed:
        import_file("units", units, actor=admin_04)
    with pytest.raises(ImportFailed) as points_failed:
        import_file("points", points, actor=admin_04)

    assert units_failed.value.lines() == [
        "row 3, column code: outside your unit",
        "row 4, column code: outside your unit",
    ]
    assert points_failed.value.lines() == ["row 2, column unit_code: outside your unit"]
    assert everything() == before


def test_an_export_for_a_user_holds_only_what_they_see(admin_user: Any, world: Any) -> None:
    _header, units = export_rows("units", actor=admin_user)
    _header, points = export_rows("points", actor=admin_user)

    assert [row[0] for row in units] == ["BDT20", "UA", "UB"]
    assert [row[0] for row in points] == ["240001", "240002"]


# --- the console -----------------------------------------------------------------------------


def test_the_import_command_prints_one_line_of_counts(
    geo: dict[str, AdminArea], tmp_path: Path
) -> None:
    out = io.StringIO()

    call_command(
        "import", "units", str(csv(tmp_path, "units.csv", UNITS)), "--lang", "en", stdout=out
    )

    assert out.getvalue() == "units.csv (units): 2 created, 0 updated, 0 unchanged\n"


def test_a_dry_run_on_the_console_writes_nothing(geo: dict[str, AdminArea], tmp_path: Path) -> None:
    out = io.StringIO()
    before = everything()

    call_command(
        "import",
        "units",
        str(csv(tmp_path, "units.csv", UNITS)),
        "--dry-run",
        "--lang",
        "en",
        stdout=out,
    )

    assert out.getvalue() == (
        "units.csv (units), dry run, nothing written: 2 created, 0 updated, 0 unchanged\n"
    )
    assert everything() == before


def test_a_bad_file_on_the_console_prints_every_problem_and_fails(
    world: Any, tmp_path: Path
) -> None:
    err = io.StringIO()
    before = everything()

    with pytest.raises(CommandError, match=r"Nothing was imported: the file has 8 problems\."):
        call_command(
            "import",
            "points",
            str(csv(tmp_path, "bad.csv", BAD_POINTS)),
            "--lang",
            "en",
            stderr=err,
        )

    assert err.getvalue().splitlines() == BAD_POINTS_LINES
    assert everything() == before


def test_the_console_refuses_an_unknown_kind_or_a_missing_file(tmp_path: Path) -> None:
    known = r"Unknown kind planets; known kinds: .*\bitems\b.*\bpoints\b"
    with pytest.raises(CommandError, match=known):
        call_command("import", "planets", str(csv(tmp_path, "x.csv", "a\n")), "--lang", "en")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import", "units", str(tmp_path / "nope.csv"), "--lang", "en")


def test_a_failing_import_exits_non_zero_from_the_command_line(
    world: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.core.management import load_command_class

    command = load_command_class("buudien.core", "import")
    path = str(csv(tmp_path, "bad.csv", BAD_POINTS))

    with pytest.raises(SystemExit) as excinfo:
        command.run_from_argv(["buudien", "import", "points", path, "--lang", "en"])

    assert excinfo.value.code == 1
    assert capsys.readouterr().err.splitlines() == [
        *BAD_POINTS_LINES,
        "CommandError: Nothing was imported: the file has 8 problems.",
    ]


def test_import_help_lists_every_kind_and_column() -> None:
    from django.core.management import load_command_class

    command = load_command_class("buudien.core", "import")
    text = command.create_parser("buudien", "import").format_help()

    assert "units: The organisational tree" in text
    assert "points: Service points" in text
    for name in (
        "parent_code",
        "province_code",
        "valid_from",
        "commune_code",
        "geography",
        "unit_code",
        "multi_service",
        "cashless",
        "opened_on",
        "closed_on",
        "services",
    ):
        assert f"\n  {name} " in text
    assert "a BĐVHX offering the full range of services (bdvhx only)" in text


def test_the_console_script_shows_the_import_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "buudien", "import", "--help", "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "usage: buudien import [-h] [--dry-run]" in done.stdout
    assert "  commune_code   * GSO code of the commune where the point is" in done.stdout


def test_the_export_command_writes_csv_to_stdout_and_xlsx_to_a_file(
    geo: dict[str, AdminArea], tmp_path: Path
) -> None:
    import_file("units", csv(tmp_path, "units.csv", UNITS))
    import_file("points", csv(tmp_path, "points.csv", POINTS))
    out = io.StringIO()

    call_command("export", "points", stdout=out)
    call_command(
        "export",
        "points",
        "-o",
        str(tmp_path / "points.xlsx"),
        "--lang",
        "en",
        stdout=io.StringIO(),
    )
    call_command("export", "units", "-o", str(tmp_path / "units.csv"), stdout=io.StringIO())

    assert out.getvalue().splitlines()[0] == (
        "code,name,kind,commune_code,geography,unit_code,multi_service,cashless,opened_on,"
        "closed_on,address,phone,services"
    )
    assert out.getvalue().splitlines()[-1] == (
        "240011,Bưu cục Hoàng Đồng,bc3,06100,legacy,UD,0,0,2010-03-15,,,,registered ems"
    )
    assert (tmp_path / "units.csv").read_bytes().startswith(b"\xef\xbb\xbfcode,name,kind")
    before = everything()
    assert import_file("points", tmp_path / "points.xlsx") == ImportResult(unchanged=4)
    assert import_file("units", tmp_path / "units.csv") == ImportResult(unchanged=7)
    assert {k: v for k, v in everything().items() if k != "audit"} == {
        k: v for k, v in before.items() if k != "audit"
    }


def test_the_batched_commune_lookup_agrees_with_the_geography_selector(
    geo: dict[str, AdminArea],
) -> None:
    from buudien.network.geography_selectors import commune_for_structure
    from buudien.network.importers import _counterparts

    for structure, other in (
        (AdminAreaStructure.LEGACY, AdminAreaStructure.V2025),
        (AdminAreaStructure.V2025, AdminAreaStructure.LEGACY),
    ):
        communes = list(AdminArea.objects.filter(structure=structure, level="commune"))
        batched = _counterparts(structure, communes)
        assert {c.code: batched.get(c.pk) for c in communes} == {
            c.code: commune_for_structure(c, other) for c in communes
        }
