"""What the records show for the next titles, from known records: the three emulation
fighters' conditions, the Labour Order's five years, and the collective titles' shares of
the unit's people."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.emulation.eligibility import eligibility, unit_eligibility
from buudien.emulation.tests.conftest import award, initiative, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _checks(found: list[Any]) -> dict[str, Any]:
    return {check.kind: check for check in found}


def test_a_person_s_fighter_titles_follow_the_titles_and_initiatives_on_record(
    world: Any, clerk_a: Any
) -> None:
    for year in (2023, 2024, 2025):
        award(clerk_a, "cstd_co_so", year)
    award(clerk_a, "lao_dong_tien_tien", 2025)
    initiative([clerk_a], 2024, level="ministry", title="Quy trình chi trả lương hưu tại nhà")
    award(clerk_a, "cstd_bo", 2022)
    award(clerk_a, "cstd_bo", 2025)

    checks = _checks(eligibility(clerk_a, 2025))

    # grassroots: the advanced worker of 2025 holds, but no initiative of 2025
    assert not checks["cstd_co_so"].ok
    assert checks["cstd_co_so"].reasons[-1] == (
        "No initiative of 2025 recognised at grassroots or above."
    )
    # ministry: three grassroots titles running and a ministry initiative in them
    assert checks["cstd_bo"].ok
    assert checks["cstd_bo"].reasons == [
        "Grassroots emulation fighter 2023, decision 2023/QĐ of 10/01/2024.",
        "Grassroots emulation fighter 2024, decision 2024/QĐ of 10/01/2025.",
        "Grassroots emulation fighter 2025, decision 2025/QĐ of 10/01/2026.",
        "Initiative “Quy trình chi trả lương hưu tại nhà” (2024), recognised at ministry level, "
        "decision SK-2024 of 20/12/2024.",
    ]
    # national: two ministry titles running, but no national initiative
    assert not checks["cstd_toan_quoc"].ok
    assert "No initiative of 2020–2025 recognised at national level or above." in (
        checks["cstd_toan_quoc"].reasons
    )
    # a gap breaks the run
    assert not _checks(eligibility(clerk_a, 2026))["cstd_bo"].ok


def test_the_labour_order_needs_the_class_below_five_years_before_and_a_proposal_is_no_title(
    world: Any, director: Any
) -> None:
    award(director, "huan_chuong_ld_3", 2019, number="1234/QĐ-CTN", year_from=2014)
    award(director, "lao_dong_tien_tien", 2025, status="proposed", decision_number="",
          decision_date=None)  # fmt: skip

    early = _checks(eligibility(director, 2024))["huan_chuong_ld_2"]
    ready = _checks(eligibility(director, 2025))

    assert not early.ok
    assert early.reasons == [
        "Labour Order, third class 2014–2019, decision 1234/QĐ-CTN of 10/01/2020.",
        "Decided 4 years before 2024: 5 are needed.",
    ]
    assert ready["huan_chuong_ld_2"].ok
    assert not ready["huan_chuong_ld_1"].ok
    assert ready["huan_chuong_ld_1"].reasons == ["No Labour Order, second class."]
    assert ready["cstd_co_so"].reasons[0] == "Advanced worker 2025 is proposed, not decided yet."


def test_a_unit_s_collective_titles_follow_its_people_s_titles(world: Any, clerk_a: Any) -> None:
    staff = [clerk_a] + [person(world, f"a{i}", f"Nhân viên {i}") for i in range(9)]
    retired = person(world, "retired", "Đã nghỉ hưu")  # not counted: no longer active
    retired.is_active = False
    retired.save()
    for worker in staff[:5]:
        award(worker, "lao_dong_tien_tien", 2025)

    half = _checks(unit_eligibility(world.unit_a, 2025))
    assert not half["tap_the_ldtt"].ok  # 5 of 10 is not more than half
    assert half["tap_the_ldtt"].reasons == [
        "5 of the unit's 10 people are Advanced worker for 2025: 50.0%."
    ]

    for worker in staff[5:7]:
        award(worker, "lao_dong_tien_tien", 2025)
    seventy = _checks(unit_eligibility(world.unit_a, 2025))
    assert seventy["tap_the_ldtt"].ok
    assert not seventy["tap_the_ldxs"].ok  # 70%, but no grassroots emulation fighter
    assert seventy["tap_the_ldxs"].reasons[-1] == ("No Grassroots emulation fighter for 2025.")

    award(staff[0], "cstd_co_so", 2025)
    assert _checks(unit_eligibility(world.unit_a, 2025))["tap_the_ldxs"].ok
