"""The year-end report as a .docx laid out by Decree 30/2020/NĐ-CP (Appendix I):

A4 portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman, body at
14 pt, justified, first line indented 1.27 cm, 6 pt between paragraphs; the issuing body
(parent body above, in capitals) and the national motto side by side, each with a short rule
under it; the number and symbol under the body and the place and date, in italics, under the
motto; the kind of document (BÁO CÁO) and its summary centred in bold; page numbers centred
in the header from the second page; the recipients (Nơi nhận) and the signature (GIÁM ĐỐC)
side by side at the end.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from buudien.planning.render import charts
from buudien.planning.render.names import body_of, initials, place_of
from buudien.planning.render.narrative import narrative, report_title
from buudien.planning.render.numbers import date_line
from buudien.planning.render.tables import (
    Table,
    care_channels_table,
    care_grounds_table,
    care_table,
    costs_table,
    emulation_awards_table,
    emulation_notable_table,
    goods_groups_table,
    goods_table,
    insurance_table,
    lines_table,
    network_table,
    press_table,
    press_titles_table,
    public_admin_table,
    public_admin_units_table,
    services_table,
    summary_table,
    telecom_table,
    units_surplus_table,
    units_table,
    workforce_table,
)

FONT = "Times New Roman"
BODY_PT = 14
PARENT_BODY = "TỔNG CÔNG TY BƯU ĐIỆN VIỆT NAM"
MOTTO_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
TEXT_WIDTH = Mm(210 - 30 - 15)


def _set_font(style_or_run: Any, size: float | None = None) -> None:
    font = style_or_run.font
    font.name = FONT
    if size is not None:
        font.size = Pt(size)
    r_pr = style_or_run.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    if size is not None:
        # The complex-script size too: LibreOffice sizes some Vietnamese letters by it.
        complex_size = r_pr.find(qn("w:szCs"))
        if complex_size is None:
            complex_size = OxmlElement("w:szCs")
            r_pr.append(complex_size)
        complex_size.set(qn("w:val"), str(int(size * 2)))


def _para(
    container: Any,
    text: str = "",
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    align: Any = WD_ALIGN_PARAGRAPH.CENTER,
    before: float = 0,
    after: float = 0,
    indent: bool = False,
) -> Paragraph:
    paragraph: Paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing = 1.0
    if indent:
        fmt.first_line_indent = Cm(1.27)
    if text:
        run = paragraph.add_run(text)
        _set_font(run, size)
        run.bold, run.italic = bold, italic
    return paragraph


def _rule(container: Any, width: Any, cell_width: Any) -> None:
    """A short horizontal rule, centred: a tiny paragraph with a bottom border, indented so
    the border is ``width`` long."""
    paragraph = _para(container, size=2)
    side = max(0, int((cell_width - width) / 2))
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
    run = paragraph.add_run("")
    _set_font(run, 2)


def _first_cell_paragraph(cell: _Cell) -> Paragraph:
    """A new cell holds one empty paragraph; write into it rather than under it."""
    return cell.paragraphs[0]


def _cell_lines(cell: _Cell, lines: Sequence[tuple[str, dict[str, Any]]]) -> None:
    for index, (text, options) in enumerate(lines):
        if index == 0:
            paragraph = _first_cell_paragraph(cell)
            paragraph.alignment = options.get("align", WD_ALIGN_PARAGRAPH.CENTER)
            paragraph.paragraph_format.space_after = Pt(0)
            run = paragraph.add_run(text)
            _set_font(run, options.get("size", 13))
            run.bold, run.italic = options.get("bold", False), options.get("italic", False)
        else:
            _para(cell, text, **options)


def _no_borders(table: Any) -> None:
    """A layout table: no borders and no cell padding (its text lines up with the page's)."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    # The schema's order: tblBorders and tblCellMar before tblLayout and tblLook.
    anchor = tbl_pr.find(qn("w:tblLayout"))
    if anchor is None:
        anchor = tbl_pr.find(qn("w:tblLook"))
    if anchor is not None:
        anchor.addprevious(borders)
        anchor.addprevious(margins)
    else:
        tbl_pr.append(borders)
        tbl_pr.append(margins)


def _widths(table: Any, widths: Sequence[Any]) -> None:
    """Column widths that Word and LibreOffice both follow: the grid and every cell."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _header(document: Any, report: dict[str, Any], issued_on: dt.date) -> None:
    place = place_of(report.get("province")) or "……"
    parent, body = PARENT_BODY, body_of(report.get("province"))
    unit = report.get("unit") or {}
    if unit.get("kind") not in (None, "province") and unit.get("name"):
        # A report of one unit: issued by that unit, under the provincial post.
        parent, body = body, str(unit["name"]).upper()
    # At 12 pt (Times New Roman, or Liberation Serif 2 which has its metrics) the parent
    # body's name takes 74.2 mm and the national title 87.7 mm: each keeps to one line.
    left, right = Mm(76), TEXT_WIDTH - Mm(76)
    table = document.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _widths(table, [left, right])
    body_cell, motto_cell = table.rows[0].cells
    _cell_lines(body_cell, [(parent, {"size": 12}), (body, {"size": 12, "bold": True})])
    _rule(body_cell, Mm(22), left)
    _cell_lines(
        motto_cell, [(MOTTO_1, {"size": 12, "bold": True}), (MOTTO_2, {"size": 13, "bold": True})]
    )
    _rule(motto_cell, Mm(58), right)
    number_cell, date_cell = table.rows[1].cells
    symbol = f"BC-BĐ{initials(place)}" if place != "……" else "BC"
    _cell_lines(number_cell, [(f"Số:       /{symbol}", {"size": 13})])
    _cell_lines(date_cell, [(f"{place}, {date_line(issued_on)}", {"size": 14, "italic": True})])


def _title(document: Any, report: dict[str, Any]) -> None:
    _para(document, "BÁO CÁO", bold=True, before=18)
    _para(document, report_title(report), bold=True)
    _rule(document, Mm(40), TEXT_WIDTH)
    document.paragraphs[-1].paragraph_format.space_after = Pt(12)


def _body(document: Any, text: str) -> Paragraph:
    paragraph = _para(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=6, indent=True)
    paragraph.paragraph_format.line_spacing = 1.15
    return paragraph


def _heading(document: Any, text: str) -> None:
    paragraph = _para(
        document, text, bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=6, after=6
    )
    paragraph.paragraph_format.first_line_indent = Cm(1.27)


def _cell_text(cell: _Cell, text: str, *, bold: bool = False, align: Any = None) -> None:
    paragraph = _first_cell_paragraph(cell)
    paragraph.alignment = align if align is not None else WD_ALIGN_PARAGRAPH.LEFT
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    _set_font(run, 11)
    run.bold = bold


class _Counter:
    def __init__(self) -> None:
        self.tables = 0
        self.charts = 0


def _table(document: Any, table: Table, counter: _Counter) -> None:
    if not table.rows:
        return
    counter.tables += 1
    _para(document, f"Bảng {counter.tables}. {table.title}", size=13, bold=True, before=6)
    if table.note:
        _para(document, table.note, size=12, italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    rows = table.shown_rows + ([table.shown_total] if table.shown_total else [])
    grid = document.add_table(rows=1 + len(rows), cols=len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
        _cell_text(cell, column.label, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    numeric = table.numeric
    for index, values in enumerate(rows, start=1):
        bold = table.shown_total is not None and index == len(rows)
        for cell, value, is_numeric in zip(grid.rows[index].cells, values, numeric, strict=True):
            align = WD_ALIGN_PARAGRAPH.RIGHT if is_numeric else WD_ALIGN_PARAGRAPH.LEFT
            _cell_text(cell, value, bold=bold, align=align)
    first = Mm(48) if len(table.columns) > 2 else Mm(110)
    rest = (TEXT_WIDTH - first) / max(1, len(table.columns) - 1)
    _widths(grid, [first] + [int(rest)] * (len(table.columns) - 1))
    _para(document, size=6)


def _chart(document: Any, figure: Any, title: str, counter: _Counter) -> None:
    counter.charts += 1
    paragraph = _para(document, before=6)
    paragraph.add_run().add_picture(io.BytesIO(charts.png(figure)), width=Mm(160))
    _para(document, f"Biểu đồ {counter.charts}. {title}", size=12, italic=True, after=6)


def _page_numbers(section: Any) -> None:
    """The page number centred at the top, from the second page on (Decree 30, Appendix I)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    _set_font(run, 13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _signature(document: Any, report: dict[str, Any]) -> None:
    left, right = Mm(80), TEXT_WIDTH - Mm(80)
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [left, right])
    recipients, signer = table.rows[0].cells
    start = WD_ALIGN_PARAGRAPH.LEFT
    _cell_lines(
        recipients,
        [
            ("Nơi nhận:", {"size": 12, "bold": True, "italic": True, "align": start}),
            ("- Tổng công ty Bưu điện Việt Nam;", {"size": 11, "align": start}),
            ("- Ban Giám đốc;", {"size": 11, "align": start}),
            ("- Các phòng, đơn vị trực thuộc;", {"size": 11, "align": start}),
            ("- Lưu: VT, KH.", {"size": 11, "align": start}),
        ],
    )
    signature = report.get("signer") or {}
    lines: list[tuple[str, dict[str, Any]]] = [
        (str(signature.get("title") or "GIÁM ĐỐC").upper(), {"size": 14, "bold": True})
    ]
    lines += [("", {"size": 14})] * 4
    if signature.get("name"):
        lines.append((str(signature["name"]), {"size": 14, "bold": True}))
    _cell_lines(signer, lines)


def render_docx(report: dict[str, Any], *, issued_on: dt.date) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    normal = document.styles["Normal"]
    _set_font(normal, BODY_PT)
    normal.paragraph_format.space_after = Pt(0)

    year = report.get("year")
    document.core_properties.title = f"Báo cáo tổng kết công tác năm {year}"
    document.core_properties.language = "vi-VN"
    document.core_properties.author = body_of(report.get("province"))
    _page_numbers(section)
    _header(document, report, issued_on)
    _title(document, report)

    text = narrative(report)
    figures = {key: (title, figure) for key, title, figure in charts.all_charts(report)}
    counter = _Counter()
    _body(document, text.intro)
    roman = ("I", "II", "III", "IV")
    for part_index, (part, sections) in enumerate(text.parts):
        _heading(document, f"{roman[part_index]}. {part}")
        for index, section_text in enumerate(sections, start=1):
            _heading(document, f"{index}. {section_text.heading}")
            for paragraph in section_text.paragraphs:
                _body(document, paragraph)
            if section_text.key == "revenue":
                _table(document, summary_table(report), counter)
                _table(document, lines_table(report), counter)
                for key in ("lines", "monthly"):
                    if key in figures:
                        _chart(document, figures[key][1], figures[key][0], counter)
                _table(document, services_table(report), counter)
                if "services" in figures:
                    _chart(document, figures["services"][1], figures["services"][0], counter)
                _table(document, units_table(report), counter)
            elif section_text.key == "budget":
                _table(document, costs_table(report), counter)
                _table(document, units_surplus_table(report), counter)
            elif section_text.key == "network":
                _table(document, network_table(report), counter)
            elif section_text.key == "public_admin":
                _table(document, public_admin_table(report), counter)
                _table(document, public_admin_units_table(report), counter)
            elif section_text.key == "goods":
                _table(document, goods_table(report), counter)
                _table(document, goods_groups_table(report), counter)
            elif section_text.key == "telecom":
                _table(document, telecom_table(report), counter)
            elif section_text.key == "insurance":
                _table(document, insurance_table(report), counter)
            elif section_text.key == "press":
                _table(document, press_table(report), counter)
                _table(document, press_titles_table(report), counter)
            elif section_text.key == "quality":
                _table(document, care_table(report), counter)
                _table(document, care_grounds_table(report), counter)
                _table(document, care_channels_table(report), counter)
            elif section_text.key == "workforce":
                _table(document, workforce_table(report), counter)
            elif section_text.key == "emulation":
                _table(document, emulation_awards_table(report), counter)
                _table(document, emulation_notable_table(report), counter)
    if not text.parts:
        _body(document, "Chưa có số liệu cho kỳ báo cáo.")
    _para(document, size=8)
    _signature(document, report)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
