"""Communes as they were in a past year: the dated commune list (``legacy_communes``), the
mergers it records, and a past year's coverage counted against that year's communes."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from buudien.core.imports import ImportFailed, ImportResult, import_file, write_csv
from buudien.network import selectors
from buudien.network.models import AdminArea, AdminAreaSuccession, CommuneChange, ServicePoint
from buudien.network.tests.factories import AdminAreaFactory, LegacyCommuneFactory
from buudien.planning.selectors import network_at

pytestmark = pytest.mark.django_db

HEADER = ["code", "name", "district_code", "valid_from", "valid_to", "became_code", "seat"]
# 10/01/2020: Xã Cũ X (the seat) and Xã Cũ Y merged into a new Xã Mới C; Xã Cũ Z joined A.
MERGERS = [
    ["05003", "", "", "2020-01-10", "", "", ""],
    ["05101", "Xã Cũ X", "180", "", "2020-01-09", "05003", "có"],
    ["05102", "Xã Cũ Y", "180", "", "2020-01-09", "05003", ""],
    ["05103", "Xã Cũ Z", "180", "", "2020-01-09", "05001", "không"],
]


def _file(rows: list[list[Any]]) -> io.BytesIO:
    out = io.StringIO()
    write_csv(HEADER, rows, out)
    return io.BytesIO(out.getvalue().encode())


@pytest.fixture
def legacy(world: Any) -> dict[str, AdminArea]:
    """A district of the legacy structure with communes A and C, as in the 2024 list (each
    became a 2025 commune), point A in A and point B in C."""
    district = LegacyCommuneFactory(code="180", name="Huyện Thử", level="district")
    areas = {
        code: LegacyCommuneFactory(code=code, name=name, parent=district)
        for code, name in (("05001", "Xã A"), ("05003", "Xã Mới C"))
    }
    AdminAreaSuccession.objects.create(legacy=areas["05001"], successor=world.commune_a)
    AdminAreaSuccession.objects.create(legacy=areas["05003"], successor=world.commune_b)
    ServicePoint.objects.filter(pk=world.point_a.pk).update(commune_legacy=areas["05001"])
    ServicePoint.objects.filter(pk=world.point_b.pk).update(commune_legacy=areas["05003"])
    return areas


def _coverage(user: Any, day: dt.date) -> tuple[int, int]:
    found = selectors.coverage(user=user, province_code="20", day=day)
    return found.communes_covered, found.communes_total


def test_a_past_years_coverage_counts_that_years_communes(director, world, legacy) -> None:
    assert _coverage(director, dt.date(2019, 12, 31)) == (2, 2)  # one list for every year

    result = import_file("legacy_communes", _file(MERGERS), name="communes.csv")

    assert result == ImportResult(created=3, updated=1, unchanged=0)
    assert AdminArea.objects.get(code="05003", structure="legacy").valid_from == dt.date(
        2020, 1, 10
    )
    assert sorted(
        CommuneChange.objects.values_list(
            "predecessor__code", "successor__code", "effective_on", "seat"
        )
    ) == [
        ("05101", "05003", dt.date(2020, 1, 10), True),
        ("05102", "05003", dt.date(2020, 1, 10), False),
        ("05103", "05001", dt.date(2020, 1, 10), False),
    ]
    # 2019: A, X, Y, Z; point B, in C today, was in C's seat X then.
    assert _coverage(director, dt.date(2019, 12, 31)) == (2, 4)
    assert {c.code for c in selectors.coverage(
        user=director, province_code="20", day=dt.date(2019, 12, 31)
    ).uncovered} == {"05102", "05103"}  # fmt: skip
    # 2023: A and C.
    assert _coverage(director, dt.date(2023, 12, 31)) == (2, 2)
    # The year-end report reads the same.
    found = network_at(province=world.province, unit=world.province, day=dt.date(2019, 12, 31))
    assert (found["communes_covered"], found["communes_total"], found["coverage_pct"]) == (
        2,
        4,
        50.0,
    )
    # Loading the same list again changes nothing.
    again = import_file("legacy_communes", _file(MERGERS), name="communes.csv")
    assert again == ImportResult(created=0, updated=0, unchanged=4)
    assert CommuneChange.objects.count() == 3


def test_a_commune_formed_from_several_needs_its_seat(director, world, legacy) -> None:
    rows = [[*row[:6], ""] for row in MERGERS]
    with pytest.raises(ImportFailed) as refused:
        import_file("legacy_communes", _file(rows), name="communes.csv")
    assert [(e.row, e.column) for e in refused.value.errors] == [(3, "seat")]
    assert "05003" in refused.value.errors[0].reason


def test_a_bad_list_is_refused_whole_with_every_problem(director, world, legacy) -> None:
    before = AdminArea.objects.count()
    rows = [
        ["05201", "", "", "", "2020-01-09", "05003", ""],  # no name, no district
        ["05202", "Xã Sai", "999", "2019-01-01", "2018-12-31", "", ""],  # unknown district
        ["05203", "Xã Đi Đâu", "180", "", "2020-01-09", "09999", ""],  # unknown successor
        ["05001", "", "", "", "2020-01-09", "05003", ""],  # A lasted until 2025
        ["05204", "Xã Tự", "180", "", "2020-01-09", "05204", ""],  # itself
        ["05205", "Xã Muộn", "180", "", "2025-07-01", "05003", ""],  # C had ended by then
        ["05206", "Xã Ghế", "180", "", "", "", "có"],  # a seat of nothing
        ["05207", "Xã Không Ngày", "180", "", "", "05003", ""],  # no last day
    ]
    with pytest.raises(ImportFailed) as refused:
        import_file("legacy_communes", _file(rows), name="communes.csv")
    assert [(e.row, e.column) for e in refused.value.errors] == [
        (2, "district_code"),
        (2, "name"),
        (3, "district_code"),
        (3, "valid_to"),
        (4, "became_code"),
        (5, "became_code"),
        (6, "became_code"),
        (7, "became_code"),
        (8, "became_code"),
        (9, "valid_to"),
    ]
    assert AdminArea.objects.count() == before and not CommuneChange.objects.exists()


def test_the_mergers_are_listed_through_the_api(client_as, director, world, legacy) -> None:
    import_file("legacy_communes", _file(MERGERS), name="communes.csv")

    body = client_as(director).get("/api/network/commune-mergers?province=20").json()

    assert [(r["predecessor_code"], r["successor_code"], r["seat"]) for r in body] == [
        ("05103", "05001", False),
        ("05101", "05003", True),
        ("05102", "05003", False),
    ]
    assert body[1]["effective_on"] == "2020-01-10" and body[1]["predecessor_name"] == "Xã Cũ X"
    assert client_as(director).get("/api/network/commune-mergers?province=99").status_code == 404


def test_a_clerk_may_not_load_the_communes(clerk_a, world, legacy) -> None:
    from buudien.core.errors import AccessDenied

    with pytest.raises(AccessDenied):
        import_file("legacy_communes", _file(MERGERS), actor=clerk_a, name="communes.csv")
    assert not CommuneChange.objects.exists()


def test_a_2025_commune_is_not_a_legacy_one(director, world, legacy) -> None:
    AdminAreaFactory(code="05301", name="Xã Của 2025")
    with pytest.raises(ImportFailed) as refused:
        import_file(
            "legacy_communes",
            _file([["05302", "Xã Cũ", "180", "", "2020-01-09", "05301", ""]]),
            name="communes.csv",
        )
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "became_code")]
