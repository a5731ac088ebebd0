"""The monthly statement of an insurer as an .xlsx workbook (openpyxl): a row per policy,
amounts in whole đồng, the totals last. Text is written as text, never as a formula."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from buudien.core.sheets import text_only
from buudien.insurance.selectors import Statement

MONEY_FORMAT = "#,##0"


def _append(sheet: Any, values: list[Any], *, bold: bool = False) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, int):
            cell.number_format = MONEY_FORMAT
        if bold:
            cell.font = Font(bold=True)


def statement_xlsx(report: Statement) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{report.month:02d}-{report.year}"
    _append(
        sheet,
        [
            _("Statement of %(insurer)s, %(month)s: premiums owed less the commission")
            % {"insurer": report.insurer.name, "month": f"{report.month:02d}/{report.year}"}
        ],
        bold=True,
    )
    _append(
        sheet,
        [
            _("Day"),
            _("Service point"),
            _("Policy number"),
            _("Insurance product"),
            _("Insured"),
            _("Premium"),
            _("Commission"),
            _("Owed to the insurer"),
        ],
        bold=True,
    )
    for row in report.rows:
        _append(
            sheet,
            [
                f"{row.business_date:%d/%m/%Y}",
                row.point.code,
                row.policy_number,
                row.product.code,
                row.insured_name,
                row.premium,
                row.commission,
                row.owed,
            ],
        )
    _append(
        sheet,
        [
            _("Total"),
            "",
            str(report.policies),
            "",
            "",
            report.premium,
            report.commission,
            report.owed,
        ],
        bold=True,
    )
    out = io.BytesIO()
    text_only(book).save(out)
    return out.getvalue()
