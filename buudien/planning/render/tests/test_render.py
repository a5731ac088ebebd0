"""The renderers on a hand-made report with nulls in it: .docx, .xlsx, html, json."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
from typing import Any

import pytest
from docx import Document
from docx.shared import Pt
from openpyxl import load_workbook

from buudien.core.errors import DomainError
from buudien.planning.render import default_issued_on, file_name, render_year_report
from buudien.planning.render.narrative import narrative
from buudien.planning.render.numbers import amount_words, date_line
from buudien.planning.render.tests.pdf import docx_to_pdf, needs_soffice
from buudien.planning.render.tests.sample import sample_report

DAY = dt.date(2023, 12, 28)


def _empty_report() -> dict[str, Any]:
    """Every figure null: a province with no data at all."""

    def nulls(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: v if k in ("code", "name", "line", "kind", "year") else nulls(v)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [nulls(v) for v in value]
        if isinstance(value, int | float) and not isinstance(value, bool):
            return None
        return value

    report = nulls(sample_report())
    report["year"] = 2023
    report["network"] = None
    return report


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


# --- numbers ---------------------------------------------------------------------------------


def test_dates_follow_decree_30() -> None:
    assert date_line(dt.date(2023, 12, 28)) == "ngày 28 tháng 12 năm 2023"
    assert date_line(dt.date(2024, 1, 5)) == "ngày 05 tháng 01 năm 2024"
    assert date_line(dt.date(2024, 2, 9)) == "ngày 09 tháng 02 năm 2024"
    assert date_line(dt.date(2024, 3, 15)) == "ngày 15 tháng 3 năm 2024"


def test_amounts_read_in_billions_and_millions() -> None:
    assert amount_words(138_215_000_000) == "138,2 tỷ đồng"
    assert amount_words(133_643_000_000, 3) == "133,643 tỷ đồng"
    assert amount_words(140_000_000_000, 3) == "140 tỷ đồng"
    assert amount_words(850_000_000) == "850 triệu đồng"
    assert amount_words(None) == ""


# --- narrative -------------------------------------------------------------------------------


def test_the_narrative_is_written_from_the_figures() -> None:
    text = narrative(sample_report())
    prose = " ".join(p for _part, sections in text.parts for s in sections for p in s.paragraphs)
    assert (
        "Tổng doanh thu năm 2023 đạt 138,2 tỷ đồng, bằng 101,2% kế hoạch, "
        "tăng 5,3% so với năm 2022." in prose
    )
    assert (
        "bưu phẩm bảo đảm tăng 13,3%, tiết kiệm bưu điện tăng 54,4%, tín dụng tăng 26,3%, "
        "hàng tiêu dùng tăng 24,2%" in prose
    )
    assert "bưu phẩm thường giảm 4,8%" in prose
    assert "225 điểm phục vụ tại 100% xã" in prose
    assert "Nộp ngân sách nhà nước 5,8 tỷ đồng, bằng 101,8% kế hoạch" in prose
    assert "93 điểm giao dịch" in prose
    assert "mở 2.615 tài khoản thanh toán" in prose
    assert "tổng doanh thu 133,643 tỷ đồng; chênh lệch thu chi đạt 9,639 tỷ đồng" in prose
    assert [part for part, _ in text.parts] == [
        "KẾT QUẢ THỰC HIỆN KẾ HOẠCH NĂM 2023",
        "KẾ HOẠCH NĂM 2024",
    ]


def test_a_null_figure_is_left_out_of_the_narrative() -> None:
    report = sample_report()
    prose = " ".join(
        p for _part, sections in narrative(report).parts for s in sections for p in s.paragraphs
    )
    # The surplus has no plan and no last year: only its amount is said.
    assert "Chênh lệch thu chi đạt 9,5 tỷ đồng." in prose
    # The line "other" has no data: not mentioned; the budget plan of next year is null.
    assert "dịch vụ khác" not in prose
    assert "nộp ngân sách nhà nước" not in prose.split("KẾ HOẠCH")[-1].split("trong đó:")[-1]
    # A service with a null growth is neither among the growing nor the falling.
    assert "lương hưu tăng" not in prose
    # Next year's aim beyond the plan, as the review words it.
    assert "phấn đấu hoàn thành vượt mức từ 2% các chỉ tiêu kế hoạch" in prose


def test_a_report_without_data_says_no_number() -> None:
    text = narrative(_empty_report())
    assert text.parts == []
    assert "0" not in text.intro.replace("2023", "").replace("2024", "")


# --- .docx -----------------------------------------------------------------------------------


def test_the_docx_follows_decree_30() -> None:
    data = render_year_report(sample_report(), "docx", issued_on=DAY)
    document = Document(io.BytesIO(data))
    section = document.sections[0]

    def mm(length: Any) -> float:
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)  # A4
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (20, 20)
    assert (mm(section.left_margin), mm(section.right_margin)) == (30, 15)
    normal = document.styles["Normal"].font
    assert normal.name == "Times New Roman"
    assert normal.size == Pt(14)
    fonts = {run.font.name for p in document.paragraphs for run in p.runs if run.text}
    assert fonts == {"Times New Roman"}
    sizes = {run.font.size for p in document.paragraphs for run in p.runs if run.text.strip()}
    assert Pt(14) in sizes and all(Pt(11) <= size <= Pt(14) for size in sizes)

    text = _docx_text(data)
    for line in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "TỔNG CÔNG TY BƯU ĐIỆN VIỆT NAM",
        "BƯU ĐIỆN TỈNH LẠNG SƠN",
        "Số:       /BC-BĐLS",
        "Lạng Sơn, ngày 28 tháng 12 năm 2023",
        "BÁO CÁO",
        "Tổng kết công tác năm 2023 và kế hoạch năm 2024",
        "GIÁM ĐỐC",
        "Nơi nhận:",
    ):
        assert line in text, line
    assert "138,2 tỷ đồng, bằng 101,2% kế hoạch, tăng 5,3% so với năm 2022" in text
    assert "225 điểm phục vụ tại 100% xã" in text
    # Tables: millions of đồng, "—" for no data; three charts as pictures.
    assert "138.215" in text and "—" in text
    assert len(document.inline_shapes) == 3


def test_the_docx_of_a_report_without_data_still_opens() -> None:
    data = render_year_report(_empty_report(), "docx", issued_on=DAY)
    text = _docx_text(data)
    assert "Chưa có số liệu" in text
    assert "tỷ đồng" not in text
    assert len(Document(io.BytesIO(data)).inline_shapes) == 0


@needs_soffice
def test_the_docx_reads_the_same_once_printed_to_pdf() -> None:
    pdf = docx_to_pdf(render_year_report(sample_report(), "docx", issued_on=DAY))
    for words in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Lạng Sơn, ngày 28 tháng 12 năm 2023",
        "138,2 tỷ đồng, bằng 101,2% kế hoạch, tăng 5,3% so với năm 2022",
        "tiết kiệm bưu điện tăng 54,4%",
        "133,643 tỷ đồng",
    ):
        assert words in pdf.text, words
    # Times New Roman is drawn with its metric twin, embedded.
    assert "LiberationSerif" in pdf.fonts or "TimesNewRoman" in pdf.fonts
    assert pdf.pages >= 2


# --- .xlsx, html, json -------------------------------------------------------------------------


def test_the_xlsx_has_the_tables_in_dong_with_number_formats() -> None:
    workbook = load_workbook(io.BytesIO(render_year_report(sample_report(), "xlsx")))
    assert workbook.sheetnames == [
        "1. Chỉ tiêu chủ yếu",
        "2. Mảng kinh doanh",
        "3. Dịch vụ",
        "4. Theo tháng",
        "5. Mạng lưới",
        "6. Đơn vị",
    ]
    summary = workbook["1. Chỉ tiêu chủ yếu"]
    rows = list(summary.iter_rows(min_row=4, values_only=True))
    assert rows[0] == (
        "Tổng doanh thu",
        138_215_000_000,
        136_580_000_000,
        101.2,
        131_256_000_000,
        5.3,
    )
    assert rows[2] == ("Chênh lệch thu chi", 9_515_000_000, None, None, None, None)
    assert summary["B4"].number_format == "#,##0"
    assert summary["D4"].number_format == '0.0"%"'
    network = workbook["5. Mạng lưới"]
    values = {row[0]: row[1] for row in network.iter_rows(min_row=4, values_only=True)}
    assert values["Điểm thanh toán không dùng tiền mặt"] == 93
    assert values["Tỷ lệ xã có điểm phục vụ"] == 100.0


def test_the_xlsx_of_a_report_without_data_opens() -> None:
    workbook = load_workbook(io.BytesIO(render_year_report(_empty_report(), "xlsx")))
    assert workbook.sheetnames


def test_the_html_has_the_three_charts_and_the_tables() -> None:
    html = render_year_report(sample_report(), "html", issued_on=DAY).decode()
    assert html.count("<svg") == 3
    for key in ("lines", "monthly", "services"):
        assert f'data-testid="chart-{key}"' in html
    # The charts' text stays text: the labels are searchable and in Vietnamese.
    assert "Tài chính bưu" in html.split('data-testid="chart-lines"')[1].split("</svg>")[0]
    assert "Doanh thu theo tháng" in html
    assert "Lạng Sơn, ngày 28 tháng 12 năm 2023" in html
    assert "138,2 tỷ" in html and "138.215" in html


def test_the_json_is_the_report_itself() -> None:
    report = sample_report()
    assert json.loads(render_year_report(report, "json")) == report


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(DomainError):
        render_year_report(sample_report(), "pdf")


def test_the_renderers_leave_the_report_alone() -> None:
    report = sample_report()
    before = copy.deepcopy(report)
    for fmt in ("html", "docx", "xlsx"):
        render_year_report(report, fmt, issued_on=DAY)
    assert report == before


def test_names_and_default_date() -> None:
    assert file_name(sample_report(), "docx") == "bao-cao-nam-2023-tinh-20.docx"
    assert default_issued_on(sample_report()) == dt.date(2023, 12, 31)


def test_a_report_of_one_unit_is_issued_by_that_unit() -> None:
    report = sample_report()
    report["unit"] = {"code": "BD187", "name": "Bưu điện huyện Chi Lăng", "kind": "district"}
    text = _docx_text(render_year_report(report, "docx", issued_on=DAY))
    assert "BƯU ĐIỆN TỈNH LẠNG SƠN\nBƯU ĐIỆN HUYỆN CHI LĂNG" in text
    assert "Năm 2024, Bưu điện huyện Chi Lăng phấn đấu" in text


def test_a_chart_draws_every_vietnamese_letter() -> None:
    """Not one letter left as an empty box in the .docx's pictures, even where Debian holds a
    Liberation Sans without Vietnamese (fonts-liberation 1.x, which Chromium brings)."""
    import io
    import warnings

    from buudien.planning.render import charts

    with warnings.catch_warnings(), charts.drawing():
        from matplotlib.figure import Figure

        warnings.simplefilter("error")  # "Glyph ... missing from font(s) ..." is a UserWarning
        figure = Figure(figsize=(3, 2))
        figure.subplots().set_title("Kế hoạch, thực hiện, tăng trưởng: ẻễậốừữỳỹđ")
        figure.savefig(io.BytesIO(), format="png")


def test_costs_by_group_and_each_units_surplus_are_told_and_tabled() -> None:
    report = sample_report()
    report["expenses"] = {
        "actual": 120_000_000_000,
        "previous": 115_000_000_000,
        "growth_pct": 4.3,
        "groups": [
            {
                "code": "632", "name": "Cost of goods sold", "actual": 10_000_000_000,
                "previous": None, "growth_pct": None,
                "categories": [
                    {"code": "632", "name": "Giá vốn hàng bán", "actual": 10_000_000_000,
                     "previous": None, "growth_pct": None},
                ],
            },
            {
                "code": "641", "name": "Chi phí bán hàng", "actual": 110_000_000_000,
                "previous": 115_000_000_000, "growth_pct": -4.3,
                "categories": [
                    {"code": "6411", "name": "Nhân viên bán hàng", "actual": 110_000_000_000,
                     "previous": 115_000_000_000, "growth_pct": -4.3},
                ],
            },
        ],
        "not_classified": {"actual": None, "previous": None},
    }  # fmt: skip
    report["per_unit"] = [
        {"code": "UA", "name": "Bưu điện xã A", "actual": 5_000_000_000, "expenses": 4_000_000_000,
         "surplus": {"actual": 1_000_000_000, "plan": None, "previous": None}},
        {"code": "UB", "name": "Bưu điện xã B", "actual": 1_000_000_000, "expenses": 2_000_000_000,
         "surplus": {"actual": -1_000_000_000, "plan": None, "previous": None}},
    ]  # fmt: skip
    text = narrative(report)
    budget = next(s for _p, sections in text.parts for s in sections if s.key == "budget")
    said = " ".join(budget.paragraphs)
    assert (
        "Tổng chi phí 120,0 tỷ đồng, tăng 4,3% so với năm 2022, trong đó: giá vốn hàng bán "
        "10,0 tỷ đồng, chi phí bán hàng 110,0 tỷ đồng." in said
    )
    assert "1/2 đơn vị trực thuộc có chênh lệch thu chi dương." in said
    workbook = load_workbook(io.BytesIO(render_year_report(report, "xlsx")))
    costs = next(workbook[name] for name in workbook.sheetnames if name.endswith("Chi phí"))
    rows = [row for row in costs.iter_rows(min_row=4, values_only=True) if row[0]]
    assert rows[0][:3] == ("632 Giá vốn hàng bán", 10_000_000_000, None)  # in Vietnamese
    assert rows[2][:3] == ("641 Chi phí bán hàng", 110_000_000_000, 115_000_000_000)
    assert rows[3][0] == "  – 6411 Chi phí nhân viên bán hàng: tiền lương, bảo hiểm"
    assert rows[-1][:3] == ("Tổng chi phí", 120_000_000_000, 115_000_000_000)
    units = next(workbook[name] for name in workbook.sheetnames if name.endswith("Thu chi đơn vị"))
    assert [row[:4] for row in units.iter_rows(min_row=4, values_only=True) if row[0]] == [
        ("Bưu điện xã A", 5_000_000_000, 4_000_000_000, 1_000_000_000),
        ("Bưu điện xã B", 1_000_000_000, 2_000_000_000, -1_000_000_000),
    ]
    document = Document(io.BytesIO(render_year_report(report, "docx")))
    titles = " ".join(p.text for p in document.paragraphs)
    assert "Chi phí theo khoản mục" in titles
    assert "Doanh thu, chi phí và chênh lệch thu chi theo đơn vị" in titles


def _axis(figure: Any) -> tuple[str, list[str]]:
    """The drawn y axis: its name and its tick labels, as the reader sees them."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure).draw()
    ax = figure.axes[0]
    return ax.get_ylabel(), [t.get_text() for t in ax.get_yticklabels() if t.get_text()]


@pytest.mark.parametrize(
    ("scale", "unit"),
    [(10**9, "tỷ đồng"), (10**6, "triệu đồng")],
    ids=["a province (tỷ)", "a commune post (triệu)"],
)
def test_a_chart_axis_reads_in_its_unit_with_no_tick_repeated(scale: int, unit: str) -> None:
    from buudien.planning.render import charts

    report = {
        "year": 2026,
        "monthly": [
            {"month": m, "actual": int(scale * (1.2 + m / 10)), "previous": int(scale * 1.1)}
            for m in range(1, 13)
        ],
        "lines": [
            {"code": "postal", "name": "Bưu chính", "actual": 3 * scale, "plan": 2 * scale},
            {"code": "fin", "name": "Tài chính", "actual": scale // 2, "plan": scale},
        ],
    }
    for figure in (charts.monthly_chart(report), charts.lines_chart(report)):
        name, ticks = _axis(figure)
        assert name == unit
        assert len(ticks) == len(set(ticks)) >= 3, ticks  # "0 · 0 · 1 · 1" would repeat
        assert all(unit not in tick for tick in ticks)  # the unit once, beside the axis
