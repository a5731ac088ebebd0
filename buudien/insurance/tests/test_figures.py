"""The figures of insurance read from the rollup equal the policies, and the year-end report
shows them (this year against last) beside the commission the ledger gives the service."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Sum

from buudien.core.bizdays import VIETNAM
from buudien.insurance import services
from buudien.insurance.choices import PolicyStatus
from buudien.insurance.figures import year_figures
from buudien.insurance.models import Policy
from buudien.insurance.tests.conftest import CAR, HOME, issue
from buudien.planning.render.docx import render_docx
from buudien.planning.render.narrative import narrative
from buudien.planning.selectors import year_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LAST_YEAR = dt.datetime(2025, 6, 10, 10, 0, tzinfo=VIETNAM)
THIS_YEAR = dt.datetime(2026, 3, 16, 10, 0, tzinfo=VIETNAM)


@pytest.fixture
def sold(world: Any, clerk_a: Any, clerk_b: Any, products: Any) -> None:
    issue(clerk_a, world.point_a, key="y1", at=LAST_YEAR)
    issue(clerk_a, world.point_a, key="a1", at=THIS_YEAR)
    issue(
        clerk_a,
        world.point_a,
        key="a2",
        at=THIS_YEAR,
        product=CAR,
        premium=873_400,
        plate="30A-123.45",
    )
    issue(clerk_b, world.point_b, key="b1", at=THIS_YEAR)
    gone = issue(
        clerk_b, world.point_b, key="b2", at=THIS_YEAR, product=HOME, premium=500_000, plate=""
    )
    services.policy_cancel(actor=clerk_b, policy=gone, reason="Sai biển số", at=THIS_YEAR)


def _rows(year: int) -> dict[str, int]:
    rows = Policy.objects.filter(business_date__year=year, status=PolicyStatus.ISSUED)
    sums = rows.aggregate(premium=Sum("premium"), commission=Sum("commission"))
    return {"policies": rows.count(), **sums}


def test_the_figures_equal_the_rows(world: Any, sold: None) -> None:
    figures = year_figures(province_code="20", year=2026)
    total = figures.total()
    rows = _rows(2026)
    assert (total.policies, total.premium, total.commission) == (
        rows["policies"],
        rows["premium"],
        rows["commission"],
    )
    assert total.cancelled == 1
    assert total.owed == rows["premium"] - rows["commission"]
    assert figures.bdvhx().policies == 1
    assert {kind: t.policies for kind, t in figures.by_kind().items()} == {
        "motorbike_liability": 2,
        "car_liability": 1,
        "home": 0,
    }
    assert sum(t.premium or 0 for t in figures.by_point().values()) == rows["premium"]
    assert figures.by_month()[3].commission == rows["commission"]
    assert figures.by_unit([world.unit_a])[world.unit_a.pk].policies == 2


def test_the_year_end_report_has_its_insurance_section(world: Any, sold: None) -> None:
    report = year_report(user=None, province_code="20", year=2026)

    section = report["insurance"]
    rows = _rows(2026)
    assert section["policies"] == {"actual": 3, "previous": 1, "growth_pct": 200.0}
    assert section["premium"]["actual"] == rows["premium"] == 66_000 * 2 + 873_400
    assert section["commission"]["actual"] == rows["commission"]
    assert section["commission"]["previous"] == 13_200
    assert section["bdvhx_policies"]["actual"] == 1
    assert [i["name"] for i in section["per_insurer"]] == [
        "Bảo hiểm BIDV (BIC)",
        "Bảo hiểm Bưu điện (PTI)",
    ]
    # the revenue of the service insurance, from the ledger, is the same commission
    service = next(s for s in report["services"] if s["code"] == "insurance")
    assert service["actual"] == rows["commission"]
    assert service["previous"] == 13_200

    text = narrative(report)
    insurance = next(s for _title, part in text.parts for s in part if s.key == "insurance")
    assert insurance.heading == "Bảo hiểm"
    assert insurance.paragraphs[0].startswith("Bán 3 hợp đồng bảo hiểm, tăng")
    assert render_docx(report, issued_on=dt.date(2026, 12, 31))[:2] == b"PK"
