"""The year-end report's section "Chất lượng dịch vụ và chăm sóc khách hàng": the care figures
the services recorded, the complaints per 10,000 items of the report's mail volumes, in the
prose, the tables (.xlsx), the .docx and the page."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from buudien.care import services
from buudien.care.rollup import rollup_paid
from buudien.care.tests.conftest import lodge
from buudien.core.bizdays import VIETNAM
from buudien.finance.models import MonthlyFigure
from buudien.planning import selectors
from buudien.planning.render import render_year_report
from buudien.planning.render.narrative import narrative

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 28)
SENTENCE = (
    "Tiếp nhận 3 yêu cầu của khách hàng; trong đó 2 khiếu nại (0,80 khiếu nại trên 10.000 "
    "bưu gửi chấp nhận); 50,0% khiếu nại được giải quyết trong thời hạn quy định; 1 khiếu nại "
    "được xác định đúng (toàn bộ hoặc một phần); bồi thường cho khách hàng 150.000 đồng "
    "(1 trường hợp)."
)
GROUNDS = "Nguyên nhân khiếu nại chủ yếu: mất, thất lạc (1 vụ); hư hỏng (1 vụ)."


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=VIETNAM)


def _close(actor: Any, row: Any, day: dt.date, outcome: str) -> None:
    services.request_answer(actor=actor, request=row, text="Đã trả lời.", at=_at(day, 8))
    services.request_close(actor=actor, request=row, outcome=outcome, cause="Kiểm tra", at=_at(day))


@pytest.fixture
def report(world: Any, officer: Any, letter: Any, delivered: Any) -> dict[str, Any]:
    """2026: 25,000 registered letters accepted at A; a loss complaint closed in time and
    upheld (150.000 ₫ paid), a damage complaint closed late, an enquiry left open."""
    for month, volume in ((dt.date(2026, 3, 1), 15_000), (dt.date(2026, 4, 1), 10_000)):
        MonthlyFigure.objects.create(
            province_code="20", month=month, point=world.point_a, service="registered",
            volume=volume,
        )  # fmt: skip
    loss = lodge(officer, s10=letter.s10)
    _close(officer, loss, dt.date(2026, 4, 20), "upheld")
    rollup_paid(loss, 150_000, dt.date(2026, 5, 4))
    damage = lodge(officer, s10=delivered.s10, ground="damage", at=_at(dt.date(2026, 4, 2)))
    _close(officer, damage, dt.date(2026, 6, 20), "rejected")
    lodge(officer, kind="enquiry", ground="", subject="none")
    return selectors.year_report(user=None, province_code="20", year=2026)


def test_the_report_s_care_section_holds_the_services_figures(report: dict[str, Any]) -> None:
    care = report["care"]
    assert report["items_by_service"]["registered"] == 25_000
    assert (care["received"]["actual"], care["complaints"]["actual"]) == (3, 2)
    assert care["received"]["previous"] is None
    assert care["complaints_per_10000"] == {"actual": 0.8, "previous": None}
    assert care["on_time_pct"] == {"actual": 50.0, "previous": None}
    assert (care["closed"]["actual"], care["upheld"]["actual"]) == (2, 1)
    assert (care["compensations"]["actual"], care["compensation_paid"]["actual"]) == (1, 150_000)
    assert [(g["code"], g["complaints"], g["upheld"]) for g in care["per_ground"]] == [
        ("loss", 1, 1),
        ("damage", 1, 0),
    ]
    assert [(c["code"], c["received"]) for c in care["per_channel"]] == [("hotline", 3)]


def test_the_narrative_says_the_care_figures(report: dict[str, Any]) -> None:
    sections = {s.key: s for _part, found in narrative(report).parts for s in found}

    quality = sections["quality"]
    assert quality.heading == "Chất lượng dịch vụ và chăm sóc khách hàng"
    assert quality.paragraphs == [SENTENCE, GROUNDS]


def test_the_tables_the_docx_and_the_page_show_them(report: dict[str, Any]) -> None:
    workbook = load_workbook(io.BytesIO(render_year_report(report, "xlsx")))
    care = next(sheet for sheet in workbook if sheet.title.endswith("Chăm sóc khách hàng"))
    rows = {row[0]: row[1:] for row in care.iter_rows(min_row=4, values_only=True)}
    assert rows["Số yêu cầu của khách hàng tiếp nhận"] == (3, None, None)
    assert rows["Số khiếu nại trên 10.000 bưu gửi chấp nhận"][0] == 0.8
    assert rows["Tỷ lệ khiếu nại giải quyết trong thời hạn quy định (%)"][0] == 50.0
    assert rows["Số tiền bồi thường đã chi trả"][0] == 150_000
    grounds = next(sheet for sheet in workbook if "nguyên nhân" in sheet.title)
    assert [row[:3] for row in grounds.iter_rows(min_row=4, values_only=True)] == [
        ("Mất, thất lạc", 1, None),
        ("Hư hỏng", 1, None),
    ]

    document = Document(io.BytesIO(render_year_report(report, "docx", issued_on=DAY)))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert "Chất lượng dịch vụ và chăm sóc khách hàng" in text
    assert SENTENCE in text and GROUNDS in text
    assert "Bảng" in text and "Khiếu nại theo nguyên nhân" in text
    assert "0,80" in cells and "50,0%" in cells and "Mất, thất lạc" in cells

    html = render_year_report(report, "html", issued_on=DAY).decode()
    assert SENTENCE in html
    assert 'data-testid="table-care"' in html and 'data-testid="table-care_grounds"' in html


def test_without_requests_the_section_says_only_the_on_time_rate(world: Any) -> None:
    report = selectors.year_report(user=None, province_code="20", year=2026)
    report["quality"]["on_time_rate"]["actual"] = 96.2

    sections = {s.key: s for _part, found in narrative(report).parts for s in found}
    assert sections["quality"].paragraphs == ["Tỷ lệ phát đúng thời gian toàn trình đạt 96,2%."]
    assert report["care"]["received"]["actual"] is None
    assert report["care"]["complaints_per_10000"]["actual"] is None
