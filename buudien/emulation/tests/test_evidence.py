"""The council's evidence from known figures of 2025 in the personas' province: the
candidates' ranking on the movement's page and in the API (a clerk sees only their own
unit's figures, the queries do not grow with the units), an initiative's impact where it is
applied, and the pledges' results computed from the figures once the year has ended."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from buudien.core.bizdays import VIETNAM
from buudien.core.errors import AccessDenied, DomainError
from buudien.emulation import services
from buudien.emulation.models import Pledge, PledgeTarget
from buudien.emulation.tests.conftest import DECIDED, initiative
from buudien.emulation.tests.test_api import _as, _post
from buudien.emulation.tests.test_measures import closing, fee, plan
from buudien.mail.models import DeliveryRollup
from buudien.network.tests.factories import PointFactory, UnitFactory
from buudien.people.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

WEIGHTS = {"revenue_plan_pct": 3, "on_time_rate": 1, "counter_transactions": 1}


def delivered(point: Any, day: dt.date, n: int, on_time: int) -> None:
    DeliveryRollup.objects.create(
        province_code="20", office_code=point.code, service="registered", day=day,
        delivered=n, on_time=on_time,
    )  # fmt: skip


@pytest.fixture
def year_2025(world: Any, hr: Any, clerk_a: Any, clerk_b: Any) -> Any:
    """2025: UA earned 1.100.000 ₫ (two fees of clerk_a) against a plan of 1.000.000 ₫ and
    delivered 90 of 100 items on time; UB 1.000.000 ₫ (one fee of clerk_b) against
    2.000.000 ₫, 49 of 50 on time. The movement of 2025 judges units by the plan (× 3) and
    on-time delivery (× 1), people by their counter transactions."""
    plan(world.unit_a, 2025, 1_000_000)
    plan(world.unit_b, 2025, 2_000_000)
    fee(world.point_a, 600_000, dt.date(2025, 3, 3), actor=clerk_a)
    fee(world.point_a, 500_000, dt.date(2025, 9, 3), actor=clerk_a)
    fee(world.point_b, 1_000_000, dt.date(2025, 5, 5), actor=clerk_b)
    delivered(world.point_a, dt.date(2025, 3, 1), 100, 90)
    delivered(world.point_b, dt.date(2025, 3, 1), 50, 49)
    return services.movement_launch(
        actor=hr, province=world.province, theme="Hoàn thành kế hoạch năm 2025",
        launched_by="Giám đốc", launched_on=dt.date(2025, 1, 10), year_from=2025,
        criteria=WEIGHTS, at=DECIDED,
    )  # fmt: skip


def _rows(table: Any) -> list[tuple[str, int, float | None, list[tuple[str, int | None]]]]:
    return [
        (row.name, row.position, row.score, [(cell.text, cell.rank) for cell in row.cells])
        for row in table.rows
    ]


def test_the_movement_page_ranks_the_units_and_their_people_by_the_criteria(
    client_as: Any, hr: Any, world: Any, clerk_a: Any, clerk_b: Any, year_2025: Any
) -> None:
    page = client_as(hr).get(f"/emulation/movements/{year_2025.pk}/", {"year": 2025})

    ranking = page.context["ranking"]
    assert (ranking.year, ranking.date_from, ranking.date_to) == (
        2025, dt.date(2025, 1, 1), dt.date(2025, 12, 31),
    )  # fmt: skip
    # UA: ranks 1 (plan) and 2 (on time): (3×1 + 1×2) / 4; UB: (3×2 + 1×1) / 4.
    assert _rows(ranking.units) == [
        (world.unit_a.name, 1, 1.25, [("110,0%", 1), ("90,0%", 2)]),
        (world.unit_b.name, 2, 1.75, [("50,0%", 2), ("98,0%", 1)]),
    ]
    assert [(r.subject_id, r.unit, r.position, r.score_text) for r in ranking.people.rows] == [
        (clerk_a.pk, world.unit_a.name, 1, "1,00"),
        (clerk_b.pk, world.unit_b.name, 2, "2,00"),
    ]
    html = page.content.decode()
    assert 'data-testid="ranking-unit"' in html and 'data-testid="ranking-person"' in html
    assert f'href="/emulation/people/{clerk_a.pk}/?year=2025"' in html
    assert "lower is better" in html and "01/01/2025 to 31/12/2025" in html


def test_the_api_gives_the_ranking_as_numbers(
    hr: Any, world: Any, clerk_a: Any, clerk_b: Any, year_2025: Any
) -> None:
    url = f"/api/emulation/movements/{year_2025.pk}/ranking"

    found = _as(hr).get(url, {"year": 2025}).json()

    assert (found["movement"], found["year"], found["years"][0]) == (year_2025.pk, 2025, 2025)
    units = found["units"]
    assert [c["code"] for c in units["criteria"]] == ["revenue_plan_pct", "on_time_rate"]
    rows = units["rows"]
    assert [(r["id"], r["position"], r["score"], r["values"], r["ranks"]) for r in rows] == [
        (world.unit_a.pk, 1, 1.25, {"revenue_plan_pct": 110.0, "on_time_rate": 90.0},
         {"revenue_plan_pct": 1, "on_time_rate": 2}),
        (world.unit_b.pk, 2, 1.75, {"revenue_plan_pct": 50.0, "on_time_rate": 98.0},
         {"revenue_plan_pct": 2, "on_time_rate": 1}),
    ]  # fmt: skip
    people = found["people"]["rows"]
    assert [(r["id"], r["values"]) for r in people] == [
        (clerk_a.pk, {"counter_transactions": 2}),
        (clerk_b.pk, {"counter_transactions": 1}),
    ]
    refused = _as(hr).get(url, {"year": 2024})
    assert refused.status_code == 400
    assert "one of its years that has begun: " in refused.json()["detail"]


def test_a_clerk_sees_only_their_units_figures_with_its_place_among_all(
    client_as: Any, world: Any, clerk_a: Any, clerk_b: Any, year_2025: Any
) -> None:
    page = client_as(clerk_a).get(f"/emulation/movements/{year_2025.pk}/", {"year": 2025})

    ranking = page.context["ranking"]
    assert _rows(ranking.units) == [(world.unit_a.name, 1, 1.25, [("110,0%", 1), ("90,0%", 2)])]
    assert (ranking.units.ranked, ranking.units.outside) == (2, 1)
    assert [row.subject_id for row in ranking.people.rows] == [clerk_a.pk]
    html = page.content.decode()
    section = html[html.index('data-testid="ranking"') :]
    assert world.unit_b.name not in section and "98,0%" not in section
    assert "1 other candidate, outside your units, is ranked but not shown." in section
    found = _as(clerk_a).get(f"/api/emulation/movements/{year_2025.pk}/ranking").json()
    assert [r["id"] for r in found["units"]["rows"]] == [world.unit_a.pk]
    assert [r["id"] for r in found["people"]["rows"]] == [clerk_a.pk]


def test_the_movement_page_reads_as_many_queries_for_four_units_as_for_two(
    client_as: Any, hr: Any, world: Any, year_2025: Any
) -> None:
    client = client_as(hr)
    url = f"/emulation/movements/{year_2025.pk}/?year=2025"
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as done:
            page = client.get(url)
        assert page.status_code == 200
        return len(done)

    two = count()
    for n in (1, 2):
        unit = UnitFactory(code=f"UX{n}", name=f"Bưu điện xã X{n}", parent=world.province)
        point = PointFactory(code=f"24009{n}", unit=unit)
        plan(unit, 2025, 1_000_000)
        delivered(point, dt.date(2025, 4, 1), 10, n)
        UserFactory(username=f"clerk_x{n}", role="clerk", unit=unit, point=point)
    four = count()

    ranking = client.get(url).context["ranking"]
    assert (len(ranking.units.rows), len(ranking.people.rows)) == (4, 4)
    assert four == two


def test_an_initiative_shows_its_impact_where_it_is_applied(
    client_as: Any, hr: Any, world: Any, clerk_a: Any
) -> None:
    found = initiative([clerk_a], 2025, title="Phát hàng theo bản đồ số")
    delivered(world.point_a, dt.date(2025, 3, 1), 10, 9)
    delivered(world.point_a, dt.date(2025, 5, 2), 20, 19)
    closing(world.point_a, dt.date(2025, 2, 3), -50_000)
    client = client_as(hr)
    url = f"/emulation/initiatives/{found.pk}/"
    before = client.get(url)
    assert before.context["impact"] == [] and 'data-testid="impact"' not in before.content.decode()

    services.initiative_apply(
        actor=hr, initiative=found, unit=world.unit_a, applied_on=dt.date(2025, 4, 1), at=DECIDED
    )
    page = client.get(url)

    [place] = page.context["impact"]
    assert (place.unit, place.applied_on) == (world.unit_a.name, dt.date(2025, 4, 1))
    rows = {c.code: (c.before_text, c.after_text, c.change_text, c.better) for c in place.rows}
    assert rows["on_time_rate"] == ("90,0%", "95,0%", "+5,0 points", True)
    assert rows["cash_differences"] == ("1", "0", "-100,0%", True)
    assert rows["dossiers_on_time_pct"] == ("—", "—", "—", None)
    assert len(rows) == 7
    html = page.content.decode()
    assert 'data-testid="impact"' in html and "+5,0 points" in html


# --- pledges' results from the figures ---------------------------------------------------


def _pledge(hr: Any, unit: Any, targets: dict[str, str]) -> Pledge:
    return services.pledge_record(
        actor=hr, unit=unit, year=2025, signed_on=dt.date(2025, 1, 12),
        management_signatory="Hoàng Văn Đức", union_signatory="Nông Thị Hoa",
        targets=targets, at=DECIDED,
    )  # fmt: skip


@pytest.fixture
def pledges(world: Any, hr: Any, year_2025: Any) -> list[Pledge]:
    inner = UnitFactory(code="UA1", name="Tổ khai thác Đồng Đăng", parent=world.unit_a)
    return [
        _pledge(hr, world.unit_a, {"revenue_plan_pct": "100", "on_time_rate": "95"}),
        _pledge(hr, world.unit_b, {"revenue_plan_pct": "45", "dossiers_on_time_pct": "90"}),
        _pledge(hr, inner, {"on_time_rate": "90"}),  # inside UA: measured on its own
    ]


def _results() -> dict[tuple[str, str], tuple[Any, bool | None]]:
    rows = PledgeTarget.objects.select_related("pledge__unit")
    return {(t.pledge.unit.code, t.code): (t.result, t.met) for t in rows}


def test_the_results_are_computed_from_the_figures_once_the_year_has_ended(
    hr: Any, world: Any, pledges: list[Pledge]
) -> None:
    with pytest.raises(DomainError) as early:
        services.pledges_compute_results(
            actor=hr, province=world.province, year=2025,
            at=dt.datetime(2025, 12, 31, 23, 0, tzinfo=VIETNAM),
        )  # fmt: skip
    assert "once the year has ended, from 01/01/2026" in early.value.message
    assert not Pledge.objects.filter(results_at__isnull=False).exists()

    count = services.pledges_compute_results(
        actor=hr, province=world.province, year=2025, at=DECIDED
    )

    assert count == 3
    assert _results() == {
        ("UA", "revenue_plan_pct"): (110, True),
        ("UA", "on_time_rate"): (90, False),
        ("UB", "revenue_plan_pct"): (50, True),
        ("UB", "dossiers_on_time_pct"): (None, None),
        ("UA1", "on_time_rate"): (None, None),
    }
    assert set(Pledge.objects.values_list("results_by", flat=True)) == {hr.pk}
    with pytest.raises(DomainError) as again:
        services.pledges_compute_results(actor=hr, province=world.province, year=2025, at=DECIDED)
    assert again.value.message == (
        "Every pledge of 2025 has its results recorded already: none is waiting."
    )


def test_only_a_recorder_of_the_province_computes_the_results(
    hr: Any, world: Any, clerk_a: Any, outsider: Any, pledges: list[Pledge], january: None
) -> None:
    with pytest.raises(AccessDenied):
        services.pledges_compute_results(actor=clerk_a, province=world.province, year=2025)
    assert _post(_as(clerk_a), "/api/emulation/pledges/results", {"year": 2025}).status_code == 403
    assert _as(clerk_a).post("/emulation/pledges/results/", {"year": "2025"}).status_code == 403
    elsewhere = _post(
        _as(outsider), "/api/emulation/pledges/results", {"year": 2025, "province": "BDT20"}
    )
    assert elsewhere.status_code == 404
    assert _post(_as(hr), "/api/emulation/pledges/results", {"year": "2025"}).status_code == 422
    assert not Pledge.objects.filter(results_at__isnull=False).exists()

    done = _post(_as(hr), "/api/emulation/pledges/results", {"year": 2025})

    assert (done.status_code, done.json()) == (200, {"year": 2025, "recorded": 3})
    assert not Pledge.objects.filter(results_at__isnull=True).exists()


def test_the_pledges_page_has_the_button_while_some_results_are_missing(
    client_as: Any, hr: Any, clerk_a: Any, pledges: list[Pledge], january: None
) -> None:
    assert 'data-testid="results-form"' not in (
        client_as(clerk_a).get("/emulation/pledges/", {"year": 2025}).content.decode()
    )
    client = client_as(hr)
    page = client.get("/emulation/pledges/", {"year": 2025})
    assert page.context["may_compute"] and 'data-testid="results-form"' in page.content.decode()
    assert not client.get("/emulation/pledges/", {"year": 2026}).context["may_compute"]

    answer = client.post("/emulation/pledges/results/", {"year": "2025"}, follow=True)

    assert answer.redirect_chain == [("/emulation/pledges/?year=2025", 302)]
    assert "The results of 3 pledges were computed from the figures and recorded." in (
        answer.content.decode()
    )
    assert not answer.context["may_compute"]
    again = client.post("/emulation/pledges/results/", {"year": "2025"})
    assert again.status_code == 400
    assert "none is waiting" in again.content.decode()


@pytest.fixture
def january() -> Any:
    with time_machine.travel(DECIDED, tick=True):
        yield
