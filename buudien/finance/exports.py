"""The ledger's reports as .xlsx workbooks (openpyxl), amounts as whole đồng."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from buudien.finance.selectors import TrialBalance, TrialBalanceRow

MONEY_FORMAT = "#,##0"


def _amounts(row: TrialBalanceRow) -> list[int]:
    return [
        row.opening_debit,
        row.opening_credit,
        row.debit,
        row.credit,
        row.closing_debit,
        row.closing_credit,
    ]


def trial_balance_xlsx(report: TrialBalance) -> bytes:
    """One sheet: a title, the header, a row per account, the totals row last."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Trial balance")[:31]
    sheet.append(
        [
            _("Trial balance of province %(province)s, %(start)s to %(end)s")
            % {
                "province": report.province_code,
                "start": f"{report.date_from:%d/%m/%Y}",
                "end": f"{report.date_to:%d/%m/%Y}",
            }
        ]
    )
    sheet["A1"].font = Font(bold=True)
    header = [
        _("Account"),
        _("Name"),
        _("Opening debit"),
        _("Opening credit"),
        _("Debits"),
        _("Credits"),
        _("Closing debit"),
        _("Closing credit"),
    ]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in report.rows:
        assert row.account is not None
        sheet.append([row.account.code, row.account.name, *_amounts(row)])
    sheet.append([_("Total"), "", *_amounts(report.totals)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for line in sheet.iter_rows(min_row=3, min_col=3, max_col=8):
        for cell in line:
            cell.number_format = MONEY_FORMAT
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 48
    for column in "CDEFGH":
        sheet.column_dimensions[column].width = 18
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
