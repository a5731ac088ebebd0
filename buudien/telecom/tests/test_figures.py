"""The telecom figures read from the rollup equal the sales; the ledger agrees (the operator
is owed the face value less the commission); the year-end report has its telecom section."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.db.models import Sum

from buudien.agency.tests.helpers import balance
from buudien.core.bizdays import VIETNAM
from buudien.finance.models import Entry, Transfer
from buudien.telecom import figures, services
from buudien.telecom.models import PinSale, Topup
from buudien.telecom.tests.conftest import VIETTEL_PHONE, VINA_PHONE

pytestmark = pytest.mark.django_db

MAY = dt.datetime(2026, 5, 4, 10, 0, tzinfo=VIETNAM)
LAST_YEAR = dt.datetime(2025, 6, 2, 10, 0, tzinfo=VIETNAM)


@pytest.fixture
def sold(clerk_a, clerk_b, world, stocked) -> None:
    def topup(clerk: Any, point: Any, key: str, phone: str, amount: int, at: Any) -> None:
        services.topup_sell(
            actor=clerk, point=point, idempotency_key=key, phone=phone, amount=amount, at=at
        )

    topup(clerk_a, world.point_a, "a1", VIETTEL_PHONE, 100_000, MAY)
    topup(clerk_a, world.point_a, "a2", VINA_PHONE, 50_000, MAY)
    topup(clerk_b, world.point_b, "b1", VIETTEL_PHONE, 20_000, MAY)
    topup(clerk_a, world.point_a, "old", VIETTEL_PHONE, 200_000, LAST_YEAR)
    services.pins_sell(
        actor=clerk_b,
        point=world.point_b,
        idempotency_key="p1",
        operator="viettel",
        face_value=100_000,
        quantity=3,
        at=MAY,
    )


def test_the_figures_equal_the_rows_and_the_ledger(sold, world):
    year = figures.year_figures(province_code="20", year=2026)
    total = year.total()
    rows_2026 = [
        *Topup.objects.filter(business_date__year=2026),
        *PinSale.objects.filter(business_date__year=2026),
    ]
    assert total.sales == len(rows_2026) == 4
    assert total.amount == sum(r.amount for r in rows_2026) == 470_000
    assert total.commission == sum(r.commission for r in rows_2026) == 4_000 + 2_250 + 800 + 15_000
    assert total.units == 6
    assert year.bdvhx().sales == 2 and figures.share_pct(2, 4) == 50.0
    assert {k: t.sales for k, t in year.by_kind().items()} == {"topup": 3, "pin": 1}

    # the ledger: balanced, the payable the face value less the commission
    for entry in Entry.objects.all():
        assert sum(t.amount for t in entry.transfers.all()) > 0
    cash = Transfer.objects.filter(debit__code__startswith="1111.").aggregate(s=Sum("amount"))
    everything = Topup.objects.aggregate(s=Sum("amount"))["s"] + 300_000
    assert cash["s"] == everything
    commission = sum(r.commission for r in [*Topup.objects.all(), *PinSale.objects.all()])
    payable = balance("3388.partner.telecom-viettel") + balance("3388.partner.telecom-vinaphone")
    assert payable == everything - commission
    assert balance("5113.telecom") == commission


def test_the_year_end_report_has_the_telecom_section(sold):
    from docx import Document

    from buudien.planning import selectors
    from buudien.planning.render import render_year_report

    report = selectors.year_report(user=None, province_code="20", year=2026)
    section = report["telecom"]
    assert section["sales"] == {"actual": 4, "previous": 1, "growth_pct": 300.0}
    assert section["commission"]["actual"] == 22_050
    assert section["commission"]["previous"] == 8_000
    assert section["bdvhx_share_pct"] == {"actual": 50.0, "previous": None}
    assert [row["code"] for row in section["per_kind"]] == ["topup", "pin"]

    html = render_year_report(report, "html").decode()
    assert ". Dịch vụ viễn thông</h3>" in html and 'data-testid="table-telecom"' in html
    document = Document(io.BytesIO(render_year_report(report, "docx")))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "Doanh thu hoa hồng dịch vụ viễn thông" in cells
