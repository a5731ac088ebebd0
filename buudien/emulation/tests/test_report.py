"""The year-end report's sections of emulation and of the workforce, against the records they
are computed from: the counts per level and kind, the notable awards by name, the pledges met,
the initiatives; the narrative and the tables say the same; another province's records and
proposals never count."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from buudien.emulation.models import InitiativeApplication, Movement, Pledge, PledgeTarget
from buudien.emulation.tests.conftest import award, initiative, person
from buudien.planning.render.narrative import narrative
from buudien.planning.render.tables import all_tables
from buudien.planning.selectors import year_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world: Any) -> dict[str, Any]:
    """2026's records at the province of Lạng Sơn (and one of 2025, one of Cao Bằng)."""
    director = person(world, "gd", "Phạm Thị Thanh Xuân", world.province)
    director.position = "Giám đốc"
    director.save()
    an, binh, chi = (
        person(world, "an", "Nguyễn Văn An"),
        person(world, "binh", "Trần Thị Bình"),
        person(world, "chi", "Lê Văn Chí", world.unit_b),
    )
    day = {"decision_date": dt.date(2026, 1, 10)}
    for someone in (an, binh, chi):
        award(someone, "lao_dong_tien_tien", 2025, **day)
    award(an, "lao_dong_tien_tien", 2024, decision_date=dt.date(2025, 1, 10))  # last year
    award(director, "huan_chuong_ld_2", 2025, issuer="Chủ tịch nước", **day)
    for unit in (world.province, world.unit_b):
        award(unit, "co_thi_dua_bo", 2025, issuer="Bộ Thông tin và Truyền thông", **day)
    award(binh, "giay_khen", 2025, status="proposed", decision_number="", decision_date=None)
    outsider = person(world, "cb", "Nông Văn Cao", world.other_province)
    award(outsider, "lao_dong_tien_tien", 2025, **day)
    found = initiative([an, binh], 2026, benefit_amount=24_000_000)
    InitiativeApplication.objects.create(
        province_code="20",
        initiative=found,
        unit=world.unit_b,
        applied_on=dt.date(2026, 3, 1),
        recorded_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
    )
    initiative([chi], 2026, level="corporation")
    movement = Movement.objects.create(
        province_code="20",
        province=world.province,
        theme="Phấn đấu thực hiện thắng lợi kế hoạch năm 2026",
        launched_by="Giám đốc Bưu điện tỉnh",
        launched_on=dt.date(2026, 1, 5),
        year_from=2026,
        year_to=2026,
        created_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
    )
    for unit, met in ((world.unit_a, True), (world.unit_b, False)):
        pledge = Pledge.objects.create(
            province_code="20",
            movement=movement,
            unit=unit,
            unit_path=unit.path,
            year=2026,
            signed_on=dt.date(2026, 1, 5),
            management_signatory="Giám đốc",
            union_signatory="Chủ tịch Công đoàn",
            created_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
            results_at=dt.datetime(2027, 1, 2, tzinfo=dt.UTC),
        )
        PledgeTarget.objects.create(
            province_code="20", pledge=pledge, code="on_time_rate", target=95, met=met
        )
    return {"director": director}


def test_the_section_counts_the_records_of_the_period(world: Any, records: Any) -> None:
    # (estimate=False here: the records lie anywhere in 2026, the year the suite may run in;
    # a report of a year not over would count only the days lived so far)
    found = year_report(user=None, province_code="20", year=2026, estimate=False)["emulation"]

    assert [row["theme"] for row in found["movements"]] == [
        "Phấn đấu thực hiện thắng lợi kế hoạch năm 2026"
    ]
    assert found["pledges"] == {"signed": 2, "assessed": 2, "met": 1, "met_pct": 50.0}
    awards = found["awards"]
    assert awards["total"] == {"actual": 6, "previous": 1, "growth_pct": 500.0}
    assert (awards["persons"], awards["units"]) == (4, 2)
    assert [(row["code"], row["total"], row["previous"]) for row in awards["per_level"]] == [
        ("state", 1, 0),
        ("ministry", 2, 0),
        ("unit", 3, 1),
    ]
    assert [(row["code"], row["persons"], row["units"]) for row in awards["per_kind"]] == [
        ("huan_chuong_ld_2", 1, 0),
        ("co_thi_dua_bo", 0, 2),
        ("lao_dong_tien_tien", 3, 0),
    ]
    assert [(row["kind"], row["recipient"]) for row in found["notable"]] == [
        ("huan_chuong_ld_2", "Phạm Thị Thanh Xuân, Giám đốc"),
        ("co_thi_dua_bo", "Bưu điện tỉnh Lạng Sơn"),
        ("co_thi_dua_bo", "Bưu điện xã Chi Lăng"),
    ]
    initiatives = found["initiatives"]
    assert initiatives["recognised"]["actual"] == 2
    assert [(row["code"], row["count"]) for row in initiatives["per_level"]] == [
        ("unit", 1),
        ("corporation", 1),
    ]
    assert (initiatives["benefit_amount"], initiatives["applied_units"]) == (24_000_000, 1)

    # A unit's report counts its own: the flag of Chi Lăng and Chí's title, not the rest.
    unit_b = year_report(user=None, province_code="20", year=2026, unit="UB", estimate=False)[
        "emulation"
    ]
    assert unit_b["awards"]["total"]["actual"] == 2
    assert unit_b["pledges"]["signed"] == 1


def test_the_narrative_and_the_tables_say_it(world: Any, records: Any) -> None:
    report = year_report(user=None, province_code="20", year=2026, estimate=False)
    sections = {s.key: s for _, part in narrative(report).parts for s in part}
    text = " ".join(sections["emulation"].paragraphs)

    assert "đã phát động phong trào thi đua: “Phấn đấu thực hiện thắng lợi" in text
    assert "2 đơn vị ký giao ước thi đua năm 2026; 1/2 đơn vị hoàn thành" in text
    assert (
        "Phạm Thị Thanh Xuân, Giám đốc được tặng Huân chương Lao động hạng Nhì của Chủ tịch nước"
        in text
    )
    assert "Bưu điện tỉnh Lạng Sơn và Bưu điện xã Chi Lăng được tặng Cờ thi đua" in text
    assert "tổng số 6 lượt tập thể, cá nhân được khen thưởng" in text
    assert "Có 2 sáng kiến, giải pháp được công nhận" in text
    tables = {table.key: table for table in all_tables(report)}
    assert tables["emulation_awards"].shown_total == ["Tổng cộng", "4", "2", "6", "1"]
    assert tables["emulation_notable"].rows[0][3] == "2025/QĐ 10/01/2026"


def test_workforce_in_the_report(world: Any, records: Any) -> None:
    from buudien.people.models import AverageIncome, User

    User.objects.filter(username__in=["an", "binh", "chi", "gd"]).update(
        contract_type="indefinite", employed_from=dt.date(2020, 1, 1)
    )
    User.objects.filter(username="chi").update(employed_from=dt.date(2026, 5, 1))
    for year, income in ((2025, 9_000_000), (2026, 9_720_000)):
        AverageIncome.objects.create(
            unit=world.province,
            year=year,
            headcount=4,
            average_income=income,
            imported_at=dt.datetime(2027, 1, 5, tzinfo=dt.UTC),
        )
    report = year_report(user=None, province_code="20", year=2026, estimate=False)

    figures = report["workforce"]
    assert figures["headcount"]["actual"] == 4 and figures["headcount"]["previous"] == 3
    assert figures["joined"] == 1
    assert figures["average_income"]["growth_pct"] == 8.0
    sections = {s.key: s for _, part in narrative(report).parts for s in part}
    text = " ".join(sections["workforce"].paragraphs)
    assert "Tổng số lao động đến 31/12/2026 là 4 người" in text
    assert "thu nhập bình quân đạt 9,7 triệu đồng/người/tháng, tăng 8,0% so với năm 2025" in text
