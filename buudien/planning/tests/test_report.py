"""year_report: the JSON shape, nulls, figures from the rollup and the history, plans,
the network at the period's end, and the reader's scope."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from buudien.core.catalogue import Line, Service
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.imports import ImportFailed, import_file
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.network.models import PointService, ServicePoint
from buudien.network.tests.factories import LegacyCommuneFactory, PointFactory
from buudien.planning import selectors
from buudien.planning.models import FinanceHistory, Plan, RevenueHistory
from buudien.planning.render.narrative import narrative

pytestmark = pytest.mark.django_db

FIGURE = {"actual", "plan", "plan_pct", "previous", "growth_pct"}


def report(**kwargs):
    return selectors.year_report(user=None, province_code="20", year=2023, **kwargs)


def test_the_json_has_the_issue_shape_and_nulls_without_data(world):
    r = report()
    assert json.loads(json.dumps(r)) == r  # plain JSON
    assert r["province"] == {"code": "20", "name": "Bưu điện tỉnh Lạng Sơn"}
    assert r["year"] == 2023
    assert set(r["revenue"]) == FIGURE
    assert set(r["budget_contribution"]) == FIGURE | {"by_tax", "by_level", "not_classified"}
    assert set(r["surplus"]) == FIGURE
    assert r["revenue"] == dict.fromkeys(FIGURE)
    assert [line["code"] for line in r["lines"]] == list(Line.values)
    assert all(set(line) == FIGURE | {"code", "name"} for line in r["lines"])
    assert [s["code"] for s in r["services"]] == list(Service.values)
    assert {
        "code", "line", "actual", "previous", "growth_pct", "volume", "volume_previous",
        "volume_growth_pct",
    } <= set(r["services"][0])  # fmt: skip
    assert all(s["actual"] is None and s["volume"] is None for s in r["services"])
    assert set(r["network"]["points_by_kind"]) == {
        "bc1", "bc2", "bc3", "bdvhx", "agent", "kiosk", "centre"
    }  # fmt: skip
    assert {
        "bdvhx_multi_service", "cashless_points", "communes_total", "communes_covered",
        "coverage_pct",
    } <= set(r["network"])  # fmt: skip
    assert r["payment_accounts_opened"] is None
    assert r["pensions_paid"] is None
    assert r["items_by_service"]["registered"] is None
    assert [m["month"] for m in r["monthly"]] == list(range(1, 13))
    assert all(m["actual"] is None and m["previous"] is None for m in r["monthly"])
    assert [u["code"] for u in r["per_unit"]] == ["UA", "UB"]
    assert r["per_unit"][0]["actual"] is None
    assert r["next_year_plan"] == {
        "year": 2024, "revenue": None, "surplus": None, "budget_contribution": None,
        "uplift_pct": None,
    }  # fmt: skip


def test_revenue_and_volumes_come_from_the_ledger_with_growth(world, post):
    post(world.point_a, "registered", 1_100_000, dt.date(2023, 3, 5))
    post(world.point_a, "registered", 900_000, dt.date(2023, 3, 6))
    post(world.point_b, "savings", 500_000, dt.date(2023, 11, 30))
    post(world.point_a, "registered", 1_600_000, dt.date(2022, 3, 5))
    post(world.point_b, "pension", 10_000, dt.date(2023, 1, 2))
    r = report()
    assert r["revenue"]["actual"] == 2_510_000
    assert r["revenue"]["previous"] == 1_600_000
    assert r["revenue"]["growth_pct"] == 56.9
    registered = r["services"][0]
    assert (registered["actual"], registered["volume"], registered["volume_previous"]) == (
        2_000_000, 2, 1,
    )  # fmt: skip
    assert registered["growth_pct"] == 25.0
    assert registered["volume_growth_pct"] == 100.0
    postal = r["lines"][0]
    assert (postal["actual"], postal["previous"]) == (2_000_000, 1_600_000)
    assert r["lines"][1]["actual"] == 510_000
    # Nothing of the line last year while the ledger was kept: 0, not unknown ("—").
    assert (r["lines"][1]["previous"], r["lines"][1]["growth_pct"]) == (0, None)
    assert r["lines"][2]["actual"] == 0  # a line with nothing this year earned 0
    assert r["pensions_paid"] == 1
    assert r["items_by_service"]["registered"] == 2
    assert r["monthly"][2] == {
        "month": 3, "actual": 2_000_000, "previous": 1_600_000, "estimated": False
    }  # fmt: skip
    assert r["monthly"][3] == {"month": 4, "actual": None, "previous": None, "estimated": False}
    assert [(u["code"], u["actual"]) for u in r["per_unit"]] == [("UA", 2_000_000), ("UB", 510_000)]


def test_a_reversed_fee_is_not_revenue_nor_volume(world, post):
    entry = post(world.point_a, "registered", 1_000_000, dt.date(2023, 3, 5))
    post(world.point_a, "registered", 300_000, dt.date(2023, 3, 5))
    ledger.entry_reverse(actor=None, entry=entry, idempotency_key="undo")
    # the reversal lands in the open day (today): the year of today loses the revenue
    today = ledger.business_day_open_date("20")
    now = selectors.year_report(user=None, province_code="20", year=today.year)
    then = report()
    assert then["services"][0]["actual"] == 1_300_000
    assert now["services"][0]["volume"] == -1
    assert now["services"][0]["actual"] == -1_000_000


def test_expenses_budget_and_surplus(world, post, book):
    post(world.point_a, "registered", 5_000_000, dt.date(2023, 3, 5))
    book(EntryKind.EXPENSE, 3_000_000, dt.date(2023, 6, 1))
    book(EntryKind.BUDGET_CONTRIBUTION, 400_000, dt.date(2023, 6, 1))
    r = report()
    assert r["expenses"] == {
        "actual": 3_000_000,
        "previous": None,
        "growth_pct": None,
        "groups": [
            {
                "code": "642",
                "name": "Chi phí quản lý doanh nghiệp",
                "actual": 3_000_000,
                "previous": None,
                "growth_pct": None,
                "categories": [
                    {
                        "code": "642",
                        "name": "Chi phí quản lý chưa chi tiết",
                        "actual": 3_000_000,
                        "previous": None,
                        "growth_pct": None,
                    }
                ],
            }
        ],
        "not_classified": {"actual": None, "previous": None},
    }
    assert r["surplus"]["actual"] == 2_000_000
    assert r["surplus"]["previous"] is None
    assert r["budget_contribution"]["actual"] == 400_000
    # budget and expenses have no point: they belong to the province, not to a unit
    assert report(unit="UA")["expenses"]["actual"] is None


def test_imported_history_gives_last_year(world, post):
    post(world.point_a, "registered", 1_200_000, dt.date(2023, 3, 5))
    RevenueHistory.objects.create(
        province_code="20", month=dt.date(2022, 3, 1), unit=world.unit_a,
        service="registered", amount=1_000_000, volume=40,
    )  # fmt: skip
    RevenueHistory.objects.create(
        province_code="20", month=dt.date(2022, 5, 1), unit=world.unit_b, point=world.point_b,
        service="savings", amount=500_000, volume=None,
    )  # fmt: skip
    FinanceHistory.objects.create(
        province_code="20", month=dt.date(2022, 5, 1), unit=world.unit_b, kind="expense",
        amount=700_000,
    )  # fmt: skip
    FinanceHistory.objects.create(
        province_code="20", month=dt.date(2022, 5, 1), unit=world.province,
        kind="budget_contribution", amount=90_000,
    )  # fmt: skip
    r = report()
    assert r["revenue"]["previous"] == 1_500_000
    assert r["revenue"]["growth_pct"] == -20.0
    assert r["services"][0]["volume_previous"] == 40
    savings = next(s for s in r["services"] if s["code"] == "savings")
    assert (savings["previous"], savings["volume_previous"]) == (500_000, None)
    assert r["expenses"]["previous"] == 700_000
    assert r["surplus"]["previous"] == 800_000
    assert r["budget_contribution"]["previous"] == 90_000
    assert r["monthly"][4]["previous"] == 500_000
    assert [(u["code"], u["previous"]) for u in r["per_unit"]] == [
        ("UA", 1_000_000), ("UB", 500_000)
    ]  # fmt: skip


def test_plans_add_up_from_units_unless_set_directly(world, post):
    post(world.point_a, "registered", 1_010_000, dt.date(2023, 3, 5))
    Plan.objects.create(province_code="20", year=2023, unit=world.unit_a, metric="revenue",
                        subject="registered", amount=600_000)  # fmt: skip
    Plan.objects.create(province_code="20", year=2023, unit=world.unit_a, metric="revenue",
                        subject="parcel", amount=400_000)  # fmt: skip
    Plan.objects.create(province_code="20", year=2023, unit=world.unit_b, metric="revenue",
                        subject="finance", amount=500_000)  # fmt: skip
    r = report()
    assert r["revenue"]["plan"] == 1_500_000
    assert r["revenue"]["plan_pct"] == 67.3
    assert r["lines"][0]["plan"] == 1_000_000
    assert r["lines"][0]["plan_pct"] == 101.0
    assert r["services"][0]["plan"] == 600_000
    assert [(u["code"], u["plan"]) for u in r["per_unit"]] == [("UA", 1_000_000), ("UB", 500_000)]
    Plan.objects.create(province_code="20", year=2023, unit=world.province, metric="revenue",
                        subject="total", amount=1_000_000)  # fmt: skip
    Plan.objects.create(province_code="20", year=2024, unit=world.province, metric="surplus",
                        subject="total", amount=77)  # fmt: skip
    r = report()
    assert r["revenue"]["plan"] == 1_000_000
    assert r["revenue"]["plan_pct"] == 101.0
    assert r["next_year_plan"]["surplus"] == 77
    assert r["next_year_plan"]["revenue"] is None


def test_the_network_is_counted_at_the_end_of_the_period(world):
    many = PointFactory(code="240003", kind="bdvhx", multi_service=False, cashless=True,
                        unit=world.unit_b, commune=world.commune_b,
                        opened_on=dt.date(2020, 1, 1), closed_on=dt.date(2023, 6, 30))  # fmt: skip
    PointFactory(code="240004", kind="agent", unit=world.unit_b, commune=world.commune_b,
                 opened_on=dt.date(2024, 2, 1))  # fmt: skip
    # Multi-service is what a point offers, not a flag: 240003 offers four of the set, the
    # other BĐVHX (flagged by hand) only three.
    for service in ("parcel", "savings", "remittance", "telecom"):
        PointService.objects.create(point=many, service=service)
    ServicePoint.objects.filter(pk=world.point_b.pk).update(multi_service=True)
    for service in ("parcel", "savings", "insurance", "registered"):
        PointService.objects.create(point=world.point_b, service=service)
    full = report()["network"]
    assert full["points_by_kind"] == {
        "bc1": 0, "bc2": 0, "bc3": 1, "bdvhx": 1, "agent": 0, "kiosk": 0, "centre": 0
    }  # fmt: skip
    assert full["as_of"] == "2023-12-31"
    half = report(date_to=dt.date(2023, 6, 1))["network"]
    assert half["points_by_kind"]["bdvhx"] == 2
    assert half["bdvhx_multi_service"] == 1
    assert full["bdvhx_multi_service"] == 0  # 240003 closed; point B offers three of the set
    assert half["cashless_points"] == 1
    assert (full["communes_total"], full["communes_covered"], full["coverage_pct"]) == (
        None,
        0,
        None,
    )  # fmt: skip  (the legacy communes of 2023 are not loaded in this world)
    legacy = [LegacyCommuneFactory(code=f"0{i}") for i in range(3)]
    ServicePoint.objects.filter(pk=world.point_a.pk).update(commune_legacy=legacy[0])
    ServicePoint.objects.filter(pk=world.point_b.pk).update(commune_legacy=legacy[1])
    full = report()["network"]
    assert (full["communes_total"], full["communes_covered"], full["coverage_pct"]) == (
        3, 2, 66.7,
    )  # fmt: skip
    assert report(unit="UA")["network"]["communes_total"] is None


def test_the_points_opened_and_closed_in_the_period_by_kind(world):
    for code, kind, opened, closed in (
        ("240003", "bdvhx", dt.date(2020, 1, 1), dt.date(2023, 6, 30)),
        ("240004", "agent", dt.date(2023, 3, 1), None),
        ("240005", "agent", dt.date(2023, 9, 1), None),
        ("240006", "kiosk", dt.date(2024, 2, 1), None),
    ):
        PointFactory(code=code, kind=kind, unit=world.unit_b, commune=world.commune_b,
                     opened_on=opened, closed_on=closed)  # fmt: skip

    assert report()["network_change"] == {
        "opened": 2, "closed": 1,
        "opened_by_kind": {"agent": 2}, "closed_by_kind": {"bdvhx": 1},
    }  # fmt: skip
    assert report(date_to=dt.date(2023, 6, 29))["network_change"]["closed"] == 0
    assert report(unit="UA")["network_change"]["opened"] == 0
    text = " ".join(
        p for _h, sections in narrative(report()).parts for s in sections for p in s.paragraphs
    )
    assert "Trong kỳ mở mới 2 đại lý bưu điện; dừng hoạt động 1 điểm Bưu điện văn hóa xã." in text


def test_a_user_sees_their_subtree_only(world, post, clerk_a, outsider, director):
    from buudien.people.tests.factories import UserFactory

    head_a = UserFactory(username="head_a", role="director", unit=world.unit_a)
    post(world.point_a, "registered", 1_000_000, dt.date(2023, 3, 5))
    post(world.point_b, "registered", 2_000_000, dt.date(2023, 3, 5))
    mine = selectors.year_report(user=head_a, province_code="20", year=2023)
    assert mine["unit"]["code"] == "UA"
    assert mine["revenue"]["actual"] == 1_000_000
    assert mine["per_unit"] == []
    with pytest.raises(NotFound):
        selectors.year_report(user=head_a, province_code="20", year=2023, unit="UB")
    with pytest.raises(AccessDenied):  # a clerk reads no report, as the menu says
        selectors.year_report(user=clerk_a, province_code="20", year=2023)
    with pytest.raises(NotFound):
        selectors.year_report(user=outsider, province_code="20", year=2023)
    whole = selectors.year_report(user=director, province_code="20", year=2023)
    assert whole["revenue"]["actual"] == 3_000_000


def test_a_period_outside_the_year_is_refused(world):
    with pytest.raises(DomainError):
        report(date_from=dt.date(2022, 12, 1))
    with pytest.raises(DomainError):
        report(date_from=dt.date(2023, 6, 1), date_to=dt.date(2023, 5, 1))


def test_a_partial_period_compares_with_the_same_dates_last_year(world, post):
    post(world.point_a, "registered", 1_000_000, dt.date(2023, 3, 5))
    post(world.point_a, "registered", 2_000_000, dt.date(2023, 8, 5))
    post(world.point_a, "registered", 500_000, dt.date(2022, 3, 5))
    post(world.point_a, "registered", 9_000_000, dt.date(2022, 8, 5))
    r = report(date_from=dt.date(2023, 1, 1), date_to=dt.date(2023, 6, 30))
    assert (r["revenue"]["actual"], r["revenue"]["previous"]) == (1_000_000, 500_000)
    assert r["previous_period"] == {"from": "2022-01-01", "to": "2022-06-30"}


def test_the_aim_beyond_the_plan_is_imported_as_a_percentage(world):
    text = "year,unit_code,metric,service,amount\n2024,BDT20,uplift,total,2.5\n"
    assert import_file("plans", io.BytesIO(text.encode())).created == 1
    assert Plan.objects.get(metric="uplift").amount == 250
    assert report()["next_year_plan"]["uplift_pct"] == 2.5
    with pytest.raises(ImportFailed):  # an aim is for the unit's total
        import_file(
            "plans", io.BytesIO(b"year,unit_code,metric,service,amount\n2024,UA,uplift,ems,2\n")
        )


def test_the_next_years_aim_beyond_the_plan_is_the_units_or_its_ancestors(world):
    Plan.objects.create(
        province_code="20", year=2024, unit=world.province, metric="uplift", subject="total",
        amount=200,
    )  # fmt: skip
    Plan.objects.create(
        province_code="20", year=2024, unit=world.unit_b, metric="uplift", subject="total",
        amount=350,
    )  # fmt: skip

    assert report()["next_year_plan"]["uplift_pct"] == 2.0
    assert report(unit="UA")["next_year_plan"]["uplift_pct"] == 2.0  # the province's
    assert report(unit="UB")["next_year_plan"]["uplift_pct"] == 3.5
    assert (
        selectors.year_report(user=None, province_code="20", year=2024)["next_year_plan"][
            "uplift_pct"
        ]
        is None
    )
