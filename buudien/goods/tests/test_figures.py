"""The figures of goods (``goods.figures``) from sales and returns made with the services:
revenue, cost and margin per group, point, unit and month, BĐVHX sales, the history before
go-live, the stock per point with its value, slow-moving goods, and ``/api/goods/figures``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from buudien.goods import figures, services
from buudien.goods.figures import GoodsFigures, Held, Slow, Tally, year_figures
from buudien.goods.models import Product, StockLevel
from buudien.goods.tests.conftest import MILK, MONDAY, TEA, send_goods
from buudien.planning.models import RevenueHistory

pytestmark = pytest.mark.django_db

TUESDAY = MONDAY + dt.timedelta(days=1)


@pytest.fixture
def sold(stocked: Any, world: Any, keeper: Any, warehouse: Any, clerk_a: Any, clerk_b: Any) -> Any:
    """At A: 2 milk and 1 tea sold on Monday, 1 milk back on Tuesday; at the BĐVHX B: 1 milk
    (of 5 sent). 2025 has only the imported history of A's unit."""
    to_b = send_goods(keeper, warehouse, world.point_b, [{"code": MILK, "quantity": 5}], key="t2")
    services.transfer_receive(actor=clerk_b, transfer=to_b.reference, at=MONDAY)
    sale = services.sale_make(
        actor=clerk_a,
        point=world.point_a,
        idempotency_key="s1",
        lines=[{"code": MILK, "quantity": 2}, {"code": TEA, "quantity": 1}],
        at=MONDAY,
    )
    services.sale_return(
        actor=clerk_a,
        point=world.point_a,
        idempotency_key="r1",
        sale=sale.reference,
        lines=[{"code": MILK, "quantity": 1}],
        reason="Hỏng bao bì",
        at=TUESDAY,
    )
    services.sale_make(
        actor=clerk_b,
        point=world.point_b,
        idempotency_key="s2",
        lines=[{"code": MILK, "quantity": 1}],
        at=MONDAY,
    )
    RevenueHistory.objects.create(
        province_code="20",
        month=dt.date(2025, 3, 1),
        unit=world.unit_a,
        service="consumer_goods",
        amount=1_000_000,
        volume=100,
    )
    return sale


CONSUMER = Tally(sales=2, returns=1, units=2, amount=17_280, revenue=16_000, vat=1_280, cost=12_000)
LOCAL = Tally(sales=1, returns=0, units=1, amount=50_000, revenue=7_500, vat=0, cost=0)
AT_B = Tally(sales=1, returns=0, units=1, amount=8_640, revenue=8_000, vat=640, cost=6_000)


def test_revenue_cost_and_margin_of_a_year_net_of_returns(sold, world):
    found = year_figures(province_code="20", year=2026)

    total = found.total()
    # Two sales: the one of milk and tea counts once in the total, and in each group.
    assert total == Tally(
        sales=2, returns=1, units=3, amount=67_280, revenue=23_500, vat=1_280, cost=12_000
    )
    assert (total.margin, total.margin_pct) == (11_500, 48.9)
    assert found.by_group() == {"consumer": CONSUMER, "local": LOCAL}
    assert found.by_mode() == {"purchase": CONSUMER, "consignment": LOCAL}
    assert found.by_group()["local"].margin == 7_500  # consigned: the commission, no cost
    assert found.by_month() == {11: total}
    at_a = Tally(sales=1, returns=1, units=2, amount=58_640, revenue=15_500, vat=640, cost=6_000)
    assert found.by_point() == {world.point_a.pk: at_a, world.point_b.pk: AT_B}
    assert found.by_unit([world.unit_a, world.unit_b]) == {
        world.unit_a.pk: at_a,
        world.unit_b.pk: AT_B,
    }
    assert found.bdvhx() == AT_B


def test_a_unit_sees_its_subtree_and_a_period_cuts_by_day(sold, world):
    assert year_figures(province_code="20", year=2026, unit=world.unit_b).total() == AT_B
    monday_only = GoodsFigures(province_code="20", date_from=MONDAY.date(), date_to=MONDAY.date())
    assert monday_only.total().returns == 0
    assert monday_only.total().revenue == 31_500
    assert year_figures(province_code="04", year=2026).total() == Tally()


def test_a_year_before_go_live_comes_from_the_imported_history(sold, world):
    found = year_figures(province_code="20", year=2025)

    assert found.total() == Tally(sales=100, revenue=1_000_000)
    assert found.total().margin is None  # no cost in history
    assert found.by_group() == {}
    assert found.by_unit([world.unit_a, world.unit_b])[world.unit_a.pk].revenue == 1_000_000


def test_several_periods_are_read_in_one_query_of_each_as_one_by_one(
    sold, world, django_assert_num_queries
):
    """``over``: the rollup of both periods in one query, their history in another (the
    points read once); each period's figures as when read alone, overlapping ones too."""
    periods = [
        (MONDAY.date(), MONDAY.date()),
        (dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        (TUESDAY.date(), dt.date(2026, 12, 31)),
    ]
    with django_assert_num_queries(3):
        found = GoodsFigures.over(periods, province_code="20")
    alone = [GoodsFigures(province_code="20", date_from=a, date_to=b) for a, b in periods]

    def seen(one: GoodsFigures) -> tuple[Any, ...]:
        return one.total(), one.by_group(), one.by_unit([world.unit_a, world.unit_b])

    assert [seen(one) for one in found] == [seen(one) for one in alone]
    assert found[0].total().revenue == 31_500 and found[1].total().revenue == 1_000_000
    overlapping = [(dt.date(2026, 1, 1), dt.date(2026, 12, 31)), (MONDAY.date(), MONDAY.date())]
    both = GoodsFigures.over(overlapping, province_code="20", unit=world.unit_a)
    assert [one.total() for one in both] == [
        GoodsFigures(province_code="20", date_from=a, date_to=b, unit=world.unit_a).total()
        for a, b in overlapping
    ]


def test_stock_per_point_with_its_value_now_and_at_the_end_of_a_day(sold, world, warehouse):
    now = figures.stock_by_point(province_code="20")
    assert now == {
        warehouse.pk: Held(warehouse.pk, 85 + 46 + 15, 510_000 + 207_000),
        world.point_a.pk: Held(world.point_a.pk, 9 + 4 + 4, 54_000 + 18_000),
        world.point_b.pk: Held(world.point_b.pk, 4, 24_000),
    }
    assert figures.stock_value(province_code="20") == 813_000
    assert figures.stock_value(province_code="20", unit=world.unit_b) == 24_000
    # The end of a day before today: the sum of the movements up to it.
    assert figures.stock_by_point(province_code="20", as_of=MONDAY.date()) == {
        **now,
        world.point_a.pk: Held(world.point_a.pk, 8 + 4 + 4, 48_000 + 18_000),
    }
    assert figures.stock_value(province_code="20", as_of=dt.date(2025, 12, 31)) is None


def test_slow_moving_goods_are_held_and_not_sold_for_days(sold, world, warehouse):
    yoghurt = Product.objects.get(code="SUACHUA")
    milk = Product.objects.get(code="SUA180")

    soon = figures.slow_moving(province_code="20", unit=world.unit_a, today=TUESDAY.date())
    assert soon == [Slow(world.point_a.pk, yoghurt.pk, 4, 18_000, None)]

    later = TUESDAY.date() + dt.timedelta(days=120)
    slow = figures.slow_moving(province_code="20", unit=world.unit_a, today=later)
    assert [(one.product_id, one.last_sale) for one in slow] == [
        (milk.pk, MONDAY.date()),
        (yoghurt.pk, None),
        (Product.objects.get(code="CHE-TN").pk, MONDAY.date()),
    ]
    # The warehouse holds stock too, to send to the points: it is never slow to sell.
    assert StockLevel.objects.filter(point=warehouse, quantity__gt=0).exists()
    everywhere = figures.slow_moving(province_code="20", today=TUESDAY.date())
    assert {one.point_id for one in everywhere} == {world.point_a.pk}


def test_the_api_gives_the_figures_of_a_unit_of_your_scope(
    sold, client_as, director, clerk_b, world
):
    body = client_as(director).get("/api/goods/figures?year=2026").json()

    assert body["unit"]["code"] == "BDT20"
    assert body["total"]["revenue"] == 23_500
    assert body["total"]["margin"] == 11_500
    assert (body["previous"]["revenue"], body["previous"]["cost"]) == (1_000_000, None)
    assert body["bdvhx"]["amount"] == 8_640
    assert [row["code"] for row in body["per_group"]] == ["consumer", "local"]
    assert [(row["code"], row["revenue"]) for row in body["per_unit"]] == [
        ("UA", 15_500),
        ("UB", 8_000),
    ]
    assert [row["month"] for row in body["per_month"]] == [11]
    assert body["stock"]["value"] == 813_000
    assert body["slow_moving"]["days"] == 90
    assert client_as(director).get("/api/goods/figures?year=2027").json()["previous"]["units"] == 3

    own = client_as(clerk_b).get("/api/goods/figures?year=2026").json()
    assert (own["unit"]["code"], own["total"]["revenue"]) == ("UB", 8_000)
    assert client_as(clerk_b).get("/api/goods/figures?year=2026&unit=UA").status_code == 404
    assert client_as(director).get("/api/goods/figures?year=1999").status_code == 400
    from buudien.people.tests.factories import UserFactory

    postman = UserFactory(username="pm", role="postman", unit=world.unit_a, point=world.point_a)
    assert client_as(postman).get("/api/goods/figures?year=2026").status_code == 403


def test_the_report_section_equals_the_figures(sold, world):
    from buudien.planning import selectors

    section = selectors.year_report(user=None, province_code="20", year=2026)["goods"]

    assert section["revenue"] == {"actual": 23_500, "previous": 1_000_000, "growth_pct": -97.7}
    assert section["cost"] == {"actual": 12_000, "previous": None, "growth_pct": None}
    assert section["gross_margin"] == {"actual": 11_500, "previous": None, "growth_pct": None}
    assert section["margin_pct"] == {"actual": 48.9, "previous": None}
    assert section["units_sold"] == {"actual": 3, "previous": None, "growth_pct": None}
    assert section["bdvhx_revenue"] == {"actual": 8_000, "previous": None, "growth_pct": None}
    assert section["stock_value"] == {"actual": 813_000, "previous": None, "growth_pct": None}
    assert section["per_group"] == [
        {
            "code": "consumer",
            "name": "Hàng tiêu dùng",
            "revenue": 16_000,
            "revenue_previous": None,
            "growth_pct": None,
            "cost": 12_000,
            "gross_margin": 4_000,
            "margin_pct": 25.0,
            "units_sold": 2,
        },
        {
            "code": "local",
            "name": section["per_group"][1]["name"],
            "revenue": 7_500,
            "revenue_previous": None,
            "growth_pct": None,
            "cost": 0,
            "gross_margin": 7_500,
            "margin_pct": 100.0,
            "units_sold": 1,
        },
    ]
    of_b = selectors.year_report(user=None, province_code="20", year=2026, unit="UB")["goods"]
    assert of_b["revenue"]["actual"] == 8_000
    assert of_b["stock_value"]["actual"] == 24_000


def test_every_format_has_the_goods_section(sold):
    import io

    from docx import Document
    from openpyxl import load_workbook

    from buudien.planning import selectors
    from buudien.planning.render import render_year_report

    report = selectors.year_report(user=None, province_code="20", year=2026)

    html = render_year_report(report, "html").decode()
    assert ". Kinh doanh hàng hóa</h3>" in html
    assert 'data-testid="table-goods"' in html
    assert 'data-testid="table-goods_groups"' in html
    assert "bán ra 3 sản phẩm" in html

    document = Document(io.BytesIO(render_year_report(report, "docx")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Kinh doanh hàng hóa tại các điểm phục vụ" in text
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "Giá vốn hàng bán" in cells
    assert "Hàng tiêu dùng" in cells

    workbook = load_workbook(io.BytesIO(render_year_report(report, "xlsx")))
    name = next(sheet for sheet in workbook.sheetnames if sheet.endswith("Hàng hóa"))
    rows = list(workbook[name].iter_rows(min_row=4, values_only=True))
    assert rows[0] == ("Doanh thu bán hàng hóa (không gồm thuế GTGT)", 23_500, 1_000_000, -97.7)
    assert rows[3] == ("Tỷ suất lãi gộp trên doanh thu (%)", 48.9, None, None)
    assert rows[4] == ("Số lượng hàng bán ra", 3, None, None)
