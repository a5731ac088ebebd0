"""Units replaced by others (the district posts of 2025 and the commune posts that replaced
them): the report carries a replaced unit's figures to its successors by share, lists only
the units in force, states the mapping it used, and loses no đồng on the way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from buudien.core.bizdays import local_today
from buudien.core.imports import ImportFailed, import_file
from buudien.network.models import UnitSuccession
from buudien.network.tests.factories import UnitFactory
from buudien.planning import selectors
from buudien.planning.models import RevenueHistory

pytestmark = pytest.mark.django_db

YEAR = local_today().year


@pytest.fixture
def district(world):
    """A district post replaced at the end of last August, with last year's revenue of
    10.000.001 đ in its history."""
    unit = UnitFactory(
        code="UD",
        name="Bưu điện huyện cũ",
        parent=world.province,
        valid_from=dt.date(2010, 1, 1),
        valid_to=dt.date(YEAR - 1, 8, 31),
    )
    RevenueHistory.objects.create(
        province_code="20",
        month=dt.date(YEAR - 1, 3, 1),
        unit=unit,
        service="registered",
        amount=10_000_001,
        volume=7,
    )
    return unit


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("s.csv", text.encode(), content_type="text/csv")


def _report(**kw):
    return selectors.year_report(user=None, province_code="20", year=YEAR, estimate=False, **kw)


def test_a_replaced_units_figures_go_to_its_successors_by_share(world, district):
    import_file(
        "unit_successions",
        _csv("predecessor_code,successor_code,share_pct\nUD,UA,60\nUD,UB,40\n"),
        name="s.csv",
    )
    report = _report()
    units = {u["code"]: u["previous"] for u in report["per_unit"]}
    assert "UD" not in units  # replaced: no row of its own
    assert units["UA"] + units["UB"] == 10_000_001  # not a đồng lost in the split
    assert (units["UA"], units["UB"]) == (6_000_001, 4_000_000)
    assert report["revenue"]["previous"] == 10_000_001
    assert report["successions"] == [
        {"code": "UD", "to": [{"code": "UA", "share_pct": 60.0}, {"code": "UB", "share_pct": 40.0}]}
    ]
    # A successor's own report carries its share too, so its growth is like for like.
    assert _report(unit="UA")["revenue"]["previous"] == 6_000_001
    # Last year's own report (the district still in force at its end? no: replaced in
    # August) carries it as well; a year when it was in force keeps it as it was.
    before = selectors.year_report(user=None, province_code="20", year=YEAR - 2, estimate=False)
    assert "UD" in {u["code"] for u in before["per_unit"]}


def test_a_replaced_units_own_report_after_its_end_has_nothing_of_its_own(world, district):
    """Its figures went to successors outside it: no unit's figures count in its report
    (the query of them named an empty list of units, which PostgreSQL refused: a 500)."""
    import_file(
        "unit_successions",
        _csv("predecessor_code,successor_code,share_pct\nUD,UA,60\nUD,UB,40\n"),
        name="s.csv",
    )
    report = _report(unit="UD")
    assert report["unit"]["code"] == "UD"
    assert (report["revenue"]["actual"], report["revenue"]["previous"]) == (None, None)


def test_without_a_succession_the_replaced_unit_keeps_its_row(world, district):
    units = {u["code"]: u["previous"] for u in _report()["per_unit"]}
    assert units["UD"] == 10_000_001 and _report()["successions"] == []


def test_the_succession_file_is_checked_whole_and_kept_once(world, district):
    with pytest.raises(ImportFailed) as failed:
        import_file(
            "unit_successions",
            _csv(
                "predecessor_code,successor_code,share_pct\n"
                "UD,UA,60\nUD,UB,30\nUD,UD,\nXX,UA,100\nUA,UB,150\n"
            ),
            name="s.csv",
        )
    problems = {(e.row, e.column) for e in failed.value.errors}
    assert problems == {
        (2, "share_pct"),
        (4, "successor_code"),
        (5, "predecessor_code"),
        (6, "share_pct"),
    }
    assert not UnitSuccession.objects.exists()
    text = "predecessor_code,successor_code\nUD,UA\nUD,UB\nUD,UC\n"
    from buudien.network.tests.factories import UnitFactory as Make

    Make(code="UC", name="Bưu điện xã C", parent=world.province)
    first = import_file("unit_successions", _csv(text), name="s.csv")
    assert (first.created, first.unchanged) == (3, 0)
    assert sorted(UnitSuccession.objects.values_list("share_bp", flat=True)) == [3333, 3333, 3334]
    again = import_file("unit_successions", _csv(text), name="s.csv")
    assert (again.created, again.unchanged) == (0, 3)
    # A new file for the same unit replaces its successions.
    import_file("unit_successions", _csv("predecessor_code,successor_code\nUD,UA\n"), name="s.csv")
    assert list(UnitSuccession.objects.values_list("successor__code", "share_bp")) == [
        ("UA", 10_000)
    ]


def test_the_unit_page_the_api_and_the_admin_show_the_succession(
    world, district, client_as, admin_user
):
    from buudien.people.tests.factories import UserFactory

    import_file(
        "unit_successions",
        _csv("predecessor_code,successor_code,share_pct\nUD,UA,60\nUD,UB,40\n"),
        name="s.csv",
    )
    client = client_as(admin_user)
    page = client.get("/network/units/UA/").content.decode()
    assert 'data-testid="successions"' in page and "Bưu điện huyện cũ" in page
    listed = client.get("/api/network/successions?unit=UD").json()
    assert [(r["predecessor"], r["successor"], r["share_pct"]) for r in listed] == [
        ("UD", "UA", 60.0),
        ("UD", "UB", 40.0),
    ]
    admin_page = client.get("/admin/network/unitsuccession/")
    assert admin_page.status_code == 200 and "Bưu điện huyện cũ" in admin_page.content.decode()
    clerk = UserFactory(username="c", role="clerk", unit=world.unit_b, point=world.point_b)
    assert client_as(clerk).get("/api/network/successions").json() == []  # not in its subtree
