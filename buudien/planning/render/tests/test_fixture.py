"""The Lạng Sơn 2023 review's figures come out of buudien: the fixture province, loaded through
the imports (units, points, plans, revenue, finance), gives them in the JSON, on the report
page and in the .docx read back from its PDF.

The review (../shared/seeds/000_*.txt): revenue "trên 138 tỷ đồng, đạt hơn 101% kế hoạch";
registered mail +13,3%, postal savings +54,4%, credit +26,3%, consumer goods +24,2% on 2022;
225 points in 100% of communes; 5,8 tỷ paid to the state budget; cashless payment at 93
points; more than 2.600 payment accounts opened; for 2024: revenue 133,643 tỷ, surplus 9,639 tỷ.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from docx import Document

from buudien.planning import selectors
from buudien.planning.fixtures import fixture_load
from buudien.planning.render import render_year_report
from buudien.planning.render.tests.pdf import docx_to_pdf, needs_soffice

pytestmark = [pytest.mark.django_db]

DAY = dt.date(2023, 12, 28)
REVIEW_TEXT = (
    "Tổng doanh thu năm 2023 đạt 138,2 tỷ đồng, bằng 101,2% kế hoạch, tăng 5,3% so với năm 2022",
    "bưu phẩm bảo đảm tăng 13,3%",
    "tiết kiệm bưu điện tăng 54,4%",
    "tín dụng tăng 26,3%",
    "hàng tiêu dùng tăng 24,2%",
    "225 điểm phục vụ tại 100% xã",
    "Nộp ngân sách nhà nước 5,8 tỷ đồng",
    "thanh toán không dùng tiền mặt tại 93 điểm",
    "mở 2.615 tài khoản thanh toán",
    "tổng doanh thu 133,643 tỷ đồng",
    "chênh lệch thu chi đạt 9,639 tỷ đồng",
    "Lạng Sơn, ngày 28 tháng 12 năm 2023",
)


def _service(report: dict[str, Any], code: str) -> dict[str, Any]:
    return next(s for s in report["services"] if s["code"] == code)


def assert_the_reviews_figures(report: dict[str, Any]) -> None:
    revenue = report["revenue"]
    assert revenue["actual"] > 138 * 10**9
    assert 101.0 < revenue["plan_pct"] < 102.0
    assert revenue["plan_pct"] == 101.2 and revenue["growth_pct"] == 5.3
    growth = {
        code: _service(report, code)["growth_pct"]
        for code in ("registered", "savings", "credit", "consumer_goods")
    }
    assert growth == {"registered": 13.3, "savings": 54.4, "credit": 26.3, "consumer_goods": 24.2}
    network = report["network"]
    assert network["points_total"] == 225
    assert network["communes_covered"] == network["communes_total"] == 194
    assert network["coverage_pct"] == 100.0
    assert network["cashless_points"] == 93
    assert round(report["budget_contribution"]["actual"] / 10**8) == 58  # 5,8 tỷ
    assert report["payment_accounts_opened"] > 2600
    assert report["next_year_plan"]["revenue"] == 133_643_000_000
    assert report["next_year_plan"]["surplus"] == 9_639_000_000
    assert report["next_year_plan"]["uplift_pct"] == 2.0  # "vượt mức từ 2%"
    # Everything adds up: lines to the total, services to their lines, units and months too.
    total = revenue["actual"]
    assert sum(line["actual"] or 0 for line in report["lines"]) == total
    assert sum(s["actual"] or 0 for s in report["services"]) == total
    assert sum(u["actual"] or 0 for u in report["per_unit"]) == total
    assert sum(m["actual"] for m in report["monthly"]) == total
    assert sum(m["previous"] for m in report["monthly"]) == revenue["previous"]


@needs_soffice
def test_the_fixture_province_gives_the_reviews_figures_everywhere(client_as: Any) -> None:
    from buudien.network.models import Unit
    from buudien.people.tests.factories import UserFactory

    loaded = fixture_load("lang_son_2023")
    assert loaded.results["points"].created == 227  # 225 serving at the end of 2023
    director = UserFactory(username="giamdoc", role="director", unit=Unit.objects.get(code="BDT20"))

    # The JSON.
    report = selectors.year_report(user=director, province_code="20", year=2023)
    assert_the_reviews_figures(report)

    # The page.
    page = client_as(director).get(
        "/planning/report/", {"province": "20", "year": "2023", "date": "28/12/2023"}
    )
    assert page.status_code == 200
    html = " ".join(page.content.decode().split())
    for words in REVIEW_TEXT:
        assert words in html, words
    assert html.count("<svg") == 3

    # The .docx, and the text of its PDF.
    data = render_year_report(report, "docx", issued_on=DAY)
    document_text = " ".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    pdf = docx_to_pdf(data)
    for words in REVIEW_TEXT:
        assert words in document_text or words in pdf.text, words
        assert words in pdf.text, words
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pdf.text


def test_an_unknown_fixture_is_not_found() -> None:
    from buudien.core.errors import NotFound
    from buudien.planning.fixtures import fixture_names

    assert fixture_names() == ["lang_son_2023"]
    with pytest.raises(NotFound):
        fixture_load("atlantis")
