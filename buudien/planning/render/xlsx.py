"""The year-end report's tables as an .xlsx workbook: one sheet per table, money in whole
đồng with a thousands format, percentages as numbers with one decimal, no data left blank."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from buudien.core.sheets import text_only
from buudien.planning.render.names import body_of
from buudien.planning.render.tables import Table, all_tables

FORMATS = {
    "money": "#,##0",
    "count": "#,##0",
    "pct": '0.0"%"',
    "growth": '+0.0"%";-0.0"%";0.0"%"',
    "decimal": "0.00",
}
HEADER_FILL = PatternFill("solid", fgColor="FFF4DC")


def _sheet_title(index: int, title: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\."""
    clean = "".join(ch for ch in title if ch not in "[]:*?/\\")
    return f"{index}. {clean}"[:31]


def _write(sheet: Any, table: Table, heading: str) -> None:
    sheet.append([heading])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append(["Tiền: đồng; tỷ lệ: %" if table.note else ""])
    sheet["A2"].font = Font(italic=True)
    sheet.append([column.label for column in table.columns])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    rows = [(index, row) for index, row in enumerate(table.rows)]
    if table.total is not None:
        rows.append((-1, table.total))
    for index, values in rows:
        sheet.append(list(values))
        for column, cell in enumerate(sheet[sheet.max_row]):
            kind = table.kind(index if index >= 0 else None, column)
            if kind in FORMATS:
                cell.number_format = FORMATS[kind]
            if index < 0:
                cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 44
    for column in range(2, len(table.columns) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 18
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)


def render_xlsx(report: dict[str, Any]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    body = body_of(report.get("province"))
    year = report.get("year")
    for index, table in enumerate(all_tables(report), start=1):
        sheet = workbook.create_sheet(_sheet_title(index, table.sheet or table.title))
        _write(sheet, table, f"{body} - {table.title} - năm {year}")
    if not workbook.sheetnames:
        sheet = workbook.create_sheet("Báo cáo")
        sheet.append([f"{body} - năm {year}: chưa có số liệu"])
    workbook.properties.title = f"Báo cáo tổng kết công tác năm {year}"
    workbook.properties.creator = "buudien"
    buffer = io.BytesIO()
    text_only(workbook).save(buffer)
    return buffer.getvalue()
