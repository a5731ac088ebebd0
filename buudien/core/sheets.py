"""Spreadsheets written for people: text stays text.

Text that begins with "=" is a formula to Excel and LibreOffice, and in a CSV file opened by
them so is text that begins with "+", "-", "@", a tab or a carriage return: a name typed
"=HYPERLINK(...)" at a counter would run when an accountant opens the export. Every export
passes its workbook through ``text_only`` before saving it (or marks each cell with
``as_text`` when the workbook is written row by row), and writes CSV text through
``csv_text``, which ``csv_unquote`` undoes when such a file is imported again.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """``value`` for a CSV cell: with a leading apostrophe when a spreadsheet would take it
    for a formula."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def csv_unquote(value: str) -> str:
    """What ``csv_text`` wrote, read back."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def as_text(cell: Any) -> Any:
    """An openpyxl cell whose text would be taken for a formula, kept as text."""
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def text_only(book: Any) -> Any:
    """Every cell of an openpyxl workbook that holds a formula holds it as text: the
    exports write no formulas of their own, so any is text a person typed."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                as_text(cell)
    return book
