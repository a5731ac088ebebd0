"""A report made before its period ends is an estimate ("ước thực hiện"): the actuals to
date plus last year's figures for the days left; once the period is over, the actuals."""

from __future__ import annotations

import datetime as dt

import pytest

from buudien.core.bizdays import VIETNAM
from buudien.core.errors import DomainError
from buudien.planning import selectors
from buudien.planning.models import RevenueHistory
from buudien.planning.render import charts
from buudien.planning.render.narrative import narrative
from buudien.planning.render.tables import monthly_table, summary_table

pytestmark = pytest.mark.django_db


def _prose(report):
    parts = narrative(report).parts
    return [heading for heading, _s in parts], " ".join(
        p for _h, sections in parts for s in sections for p in s.paragraphs
    )


@pytest.fixture
def year(world, post):
    """2023 to 30 June: 3 million in March; 2022: 2 million in March, 1 million on 30 June,
    4 million in September; the history of October 2022 at B: 500 thousand."""
    post(world.point_a, "registered", 3_000_000, dt.date(2023, 3, 5))
    post(world.point_a, "registered", 2_000_000, dt.date(2022, 3, 5))
    post(world.point_a, "registered", 1_000_000, dt.date(2022, 6, 30))
    post(world.point_b, "registered", 4_000_000, dt.date(2022, 9, 12))
    RevenueHistory.objects.create(
        province_code="20", month=dt.date(2022, 10, 1), unit=world.unit_b,
        service="parcel", amount=500_000, volume=5,
    )  # fmt: skip


def test_a_year_not_over_is_estimated_from_last_years_days_left(world, year, time_machine):
    time_machine.move_to(dt.datetime(2023, 6, 30, 16, 0, tzinfo=VIETNAM))

    r = selectors.year_report(user=None, province_code="20", year=2023)

    assert r["estimate"] == {"actual_to": "2023-06-30", "basis": "previous_year"}
    # this year to 30 June, plus 1 July to 31 December of 2022 (the 30 June is lived)
    assert r["revenue"]["actual"] == 3_000_000 + 4_000_000 + 500_000
    assert r["revenue"]["previous"] == 7_500_000  # the whole of 2022
    registered = r["services"][0]
    assert (registered["actual"], registered["volume"]) == (7_000_000, 2)
    assert [u["actual"] for u in r["per_unit"]] == [3_000_000, 4_500_000]
    months = {m["month"]: m for m in r["monthly"]}
    assert (months[3]["actual"], months[3]["estimated"]) == (3_000_000, False)
    assert (months[6]["actual"], months[6]["estimated"]) == (None, False)
    assert (months[9]["actual"], months[9]["estimated"]) == (4_000_000, True)
    assert (months[10]["actual"], months[12]["estimated"]) == (500_000, True)
    assert r["period"] == {
        "from": "2023-01-01",
        "to": "2023-12-31",
        "kind": "year",
        "name": "năm 2023",
    }
    headings, prose = _prose(r)
    assert headings[0] == "ƯỚC THỰC HIỆN KẾ HOẠCH NĂM 2023"
    assert "Tổng doanh thu ước thực hiện năm 2023 đạt 8 triệu đồng, bằng năm 2022." in prose
    assert (
        "Số liệu thực hiện đến hết ngày 30/06/2023; những ngày còn lại của năm được ước theo "
        "số liệu cùng kỳ năm 2022."
    ) in prose
    # the tables say it too
    assert summary_table(r).columns[1].label == "Ước thực hiện 2023"
    labels = [row[0] for row in monthly_table(r).rows]
    assert labels[5:7] == ["Tháng 6", "Tháng 7 (ước)"]
    # and the chart: the estimated months drawn apart, with their own legend
    assert "Năm 2023 (ước)" in charts.svg(charts.monthly_chart(r))


def test_the_actuals_to_date_when_no_estimate_is_asked(world, year, time_machine):
    time_machine.move_to(dt.datetime(2023, 6, 30, 16, 0, tzinfo=VIETNAM))

    r = selectors.year_report(user=None, province_code="20", year=2023, estimate=False)

    assert r["estimate"] is None
    assert (r["revenue"]["actual"], r["revenue"]["previous"]) == (3_000_000, 7_500_000)
    assert not any(m["estimated"] for m in r["monthly"])


def test_a_closed_year_states_its_actuals(world, year, time_machine):
    time_machine.move_to(dt.datetime(2024, 1, 2, 9, 0, tzinfo=VIETNAM))

    r = selectors.year_report(user=None, province_code="20", year=2023)

    assert r["estimate"] is None
    assert r["revenue"]["actual"] == 3_000_000
    headings, prose = _prose(r)
    assert headings[0] == "KẾT QUẢ THỰC HIỆN KẾ HOẠCH NĂM 2023"
    assert "ước" not in prose


def test_a_period_that_has_not_begun_is_not_estimated(world, year, time_machine):
    time_machine.move_to(dt.datetime(2023, 6, 30, 16, 0, tzinfo=VIETNAM))

    r = selectors.year_report(
        user=None,
        province_code="20",
        year=2023,
        date_from=dt.date(2023, 9, 1),
        date_to=dt.date(2023, 9, 30),
    )

    assert r["estimate"] is None and r["revenue"]["actual"] is None
    assert r["revenue"]["previous"] == 4_000_000


def test_the_api_estimates_unless_told_not_to(world, year, director, client_as, time_machine):
    time_machine.move_to(dt.datetime(2023, 6, 30, 16, 0, tzinfo=VIETNAM))
    url = "/api/planning/reports/year?province=20&year=2023"

    estimated = client_as(director).get(url).json()
    actual = client_as(director).get(url + "&estimate=false").json()

    assert estimated["estimate"]["actual_to"] == "2023-06-30"
    assert estimated["revenue"]["actual"] == 7_500_000
    assert actual["estimate"] is None and actual["revenue"]["actual"] == 3_000_000


def test_any_period_against_the_same_period_and_its_share_of_the_plan(
    world, year, director, client_as, time_machine
):
    """The first 6 months of 2023 (closed by August): against the first 6 months of 2022,
    and the revenue plan of 12 million in its share of the year's days."""
    from buudien.planning.choices import PlanMetric
    from buudien.planning.models import Plan
    from buudien.planning.render.tables import services_table

    time_machine.move_to(dt.datetime(2023, 8, 10, 9, 0, tzinfo=VIETNAM))
    Plan.objects.create(
        province_code="20", year=2023, unit=world.province, metric=PlanMetric.REVENUE,
        subject="total", amount=12_000_000,
    )  # fmt: skip
    r = selectors.year_report(user=None, province_code="20", year=2023, period="h1")
    assert r["estimate"] is None  # the first half is over
    assert r["period"] == {
        "from": "2023-01-01",
        "to": "2023-06-30",
        "kind": "h1",
        "name": "6 tháng đầu năm 2023",
    }
    assert (r["revenue"]["actual"], r["revenue"]["previous"]) == (3_000_000, 3_000_000)
    assert r["revenue"]["plan_pct"] == 25.0  # of the year's plan
    share = r["period_plan"]
    assert share["share_pct"] == 49.6  # 181 of 365 days
    assert share["revenue_plan"] == 12_000_000 * 181 // 365
    assert share["revenue_plan_pct"] == 50.4
    headings, prose = _prose(r)
    assert headings == ["KẾT QUẢ THỰC HIỆN KẾ HOẠCH 6 THÁNG ĐẦU NĂM 2023"]
    assert (
        "Tổng doanh thu 6 tháng đầu năm 2023 đạt 3 triệu đồng, bằng 25,0% kế hoạch năm, " in prose
    )
    assert "đạt 50,4% kế hoạch 6 tháng đầu năm 2023, bằng cùng kỳ năm 2022" in prose
    assert "KẾ HOẠCH NĂM 2024" not in " ".join(headings)
    assert "Tổng số lao động đến 30/06/2023 là" in prose  # at the period's end
    assert [c.label for c in summary_table(r).columns][1:4] == [
        "Thực hiện 6 tháng đầu năm 2023",
        "Kế hoạch năm 2023",
        "% kế hoạch năm",
    ]
    assert services_table(r).rows  # the services' own table still reads
    # A quarter, a month; a period and dates at once, or an unknown period, refused.
    q3 = selectors.year_report(user=None, province_code="20", year=2022, period="q3")
    assert (q3["period"]["name"], q3["revenue"]["actual"]) == ("quý III năm 2022", 4_000_000)
    assert (
        selectors.year_report(user=None, province_code="20", year=2022, period="m6")["revenue"][
            "actual"
        ]
        == 1_000_000
    )
    client = client_as(director)
    api = "/api/planning/reports/year?province=20&year=2023"
    assert client.get(f"{api}&period=h1").json()["period_plan"]["share_pct"] == 49.6
    assert client.get(f"{api}&period=h3").status_code == 400
    assert client.get(f"{api}&period=h1&date_from=2023-01-01").status_code == 400
    page = client.get("/planning/report/?province=20&year=2023&period=q1").content.decode()
    assert "quý I năm 2023" in page and "period=q1" in page  # the downloads keep it


def test_the_days_left_can_be_estimated_from_the_plan(
    world, year, director, client_as, time_machine
):
    """On 30 June 2023 with a year's plan of 36.5 million for registered mail: the 184 days
    left are worth 18.4 million of it; parcel, without a plan, keeps last year's."""
    from buudien.planning.choices import PlanMetric
    from buudien.planning.models import Plan

    time_machine.move_to(dt.datetime(2023, 6, 30, 16, 0, tzinfo=VIETNAM))
    for subject, amount in (("registered", 36_500_000), ("total", 40_000_000)):
        Plan.objects.create(
            province_code="20", year=2023, unit=world.province, metric=PlanMetric.REVENUE,
            subject=subject, amount=amount,
        )  # fmt: skip
    by_plan = selectors.year_report(user=None, province_code="20", year=2023, basis="plan")
    assert by_plan["estimate"] == {"actual_to": "2023-06-30", "basis": "plan"}
    services = {s["code"]: s["actual"] for s in by_plan["services"]}
    assert services["registered"] == 3_000_000 + 36_500_000 * 184 // 365
    assert services["parcel"] == 500_000  # no plan: October 2022's history
    assert by_plan["revenue"]["actual"] == 3_000_000 + 40_000_000 * 184 // 365
    _headings, prose = _prose(by_plan)
    assert "được ước theo kế hoạch năm" in prose
    by_last_year = selectors.year_report(user=None, province_code="20", year=2023)
    assert by_last_year["revenue"]["actual"] == 7_500_000
    with pytest.raises(DomainError):
        selectors.year_report(user=None, province_code="20", year=2023, basis="guess")
    client = client_as(director)
    api = "/api/planning/reports/year?province=20&year=2023"
    assert client.get(f"{api}&basis=plan").json()["estimate"]["basis"] == "plan"
    assert client.get(f"{api}&basis=guess").status_code == 400
    page = client.get("/planning/report/?province=20&year=2023&figures=estimate_plan")
    assert "được ước theo kế hoạch năm" in page.content.decode()


def test_a_periods_plan_follows_last_years_seasons_when_last_year_is_whole(
    world, year, director, time_machine
):
    """With revenue in every month of 2022, the first quarter's plan is the part of 2022's
    revenue the first quarter made, not a quarter of the days; a period that is not whole
    months still takes its days."""
    from buudien.planning.choices import PlanMetric
    from buudien.planning.models import Plan

    time_machine.move_to(dt.datetime(2023, 8, 10, 9, 0, tzinfo=VIETNAM))
    Plan.objects.create(
        province_code="20", year=2023, unit=world.province, metric=PlanMetric.REVENUE,
        subject="total", amount=12_000_000,
    )  # fmt: skip
    q1 = selectors.year_report(user=None, province_code="20", year=2023, period="q1")
    assert q1["period_plan"]["basis"] == "days"  # 2022 has months without revenue

    for month in range(1, 13):  # 100 thousand a month besides the fixture's
        RevenueHistory.objects.create(
            province_code="20", month=dt.date(2022, month, 1), unit=world.unit_a,
            service="parcel", amount=100_000, volume=1,
        )  # fmt: skip
    q1 = selectors.year_report(user=None, province_code="20", year=2023, period="q1")
    # 2022: 8.700.000 in all; January to March 300.000 of history and 2.000.000 in March.
    share = q1["period_plan"]
    assert share["basis"] == "last_year"
    assert share["revenue_plan"] == 12_000_000 * 2_300_000 // 8_700_000
    assert share["share_pct"] == 26.4
    assert share["revenue_plan_pct"] == round(3_000_000 * 100 / share["revenue_plan"], 1)
    dated = selectors.year_report(
        user=None,
        province_code="20",
        year=2023,
        date_from=dt.date(2023, 1, 1),
        date_to=dt.date(2023, 1, 15),
    )
    assert dated["period_plan"]["basis"] == "days"


def test_the_report_computes_only_the_domain_sections_asked_for(world, year, time_machine):
    """The home page's dashboard asks for care's section alone: the other domains' sections
    are left out, and the figures read from the ledger are the same."""
    time_machine.move_to(dt.datetime(2023, 6, 30, 16, 0, tzinfo=VIETNAM))
    whole = selectors.year_report(user=None, province_code="20", year=2023)
    some = selectors.year_report(user=None, province_code="20", year=2023, parts={"care"})

    assert set(whole) >= selectors.DOMAIN_PARTS
    assert set(whole) - set(some) == selectors.DOMAIN_PARTS - {"care"}
    assert some["care"] == whole["care"]
    assert (some["revenue"], some["per_unit"]) == (whole["revenue"], whole["per_unit"])
