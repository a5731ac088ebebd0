"""The generic exports write text that a spreadsheet would take for a formula as text: the
.xlsx (a text cell), CSV (an apostrophe first, which the importer takes away again)."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from buudien.core.imports import read_table, write_csv, write_xlsx
from buudien.core.sheets import csv_text, csv_unquote

TYPED = ['=HYPERLINK("http://x";"a")', "+1+2", "-3", "@SUM(A1)", "Nguyễn Văn An", "\t=1"]


def _cells(data: bytes) -> list[tuple[Any, str]]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [(cell.value, cell.data_type) for row in sheet.iter_rows() for cell in row]


def test_the_generic_xlsx_keeps_typed_text_as_text() -> None:
    out = io.BytesIO()
    write_xlsx(["name", "n"], [[text, 5] for text in TYPED], out)

    cells = _cells(out.getvalue())
    assert ('=HYPERLINK("http://x";"a")', "s") in cells
    assert not [cell for cell in cells if cell[1] == "f"]
    assert (5, "n") in cells


def test_csv_quotes_formulas_and_reads_them_back() -> None:
    out = io.StringIO()
    write_csv(["name", "n"], [[text, -7] for text in TYPED], out)

    lines = out.getvalue().splitlines()
    assert lines[1].startswith("\"'=HYPERLINK") and lines[3] == "'-3,-7"
    read = read_table(io.BytesIO(out.getvalue().encode()))
    assert [values["name"] for _, values in read.rows] == TYPED
    assert [csv_unquote(csv_text(text)) for text in TYPED] == TYPED
    assert csv_unquote("'quoted") == "'quoted"
