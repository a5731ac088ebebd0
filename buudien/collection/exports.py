"""The reconciliation as an .xlsx workbook (openpyxl), amounts in whole đồng."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from buudien.collection.selectors import Reconciliation, ReconRow
from buudien.core.sheets import text_only

MONEY_FORMAT = "#,##0"


def _figures(row: ReconRow) -> list[int]:
    return [
        row.count,
        row.gross,
        row.commission,
        row.net,
        row.fees,
        row.settled_net,
        row.unsettled_net,
        row.ledger_gross,
        row.ledger_commission,
        row.ledger_net,
        row.difference,
        row.cancelled,
    ]


def reconciliation_xlsx(report: Reconciliation) -> bytes:
    """One sheet: a title, the header, a row per partner and day, the totals row last."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Reconciliation")[:31]
    title = _("Bill collection reconciliation, province %(province)s, %(start)s to %(end)s") % {
        "province": report.province_code,
        "start": f"{report.date_from:%d/%m/%Y}",
        "end": f"{report.date_to:%d/%m/%Y}",
    }
    if report.partner is not None:
        title += f" · {report.partner.name}"
    if report.unit is not None:
        title += f" · {report.unit.name}"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append(
        [
            _("Day"),
            _("Partner"),
            _("Bills"),
            _("Collected"),
            _("Commission"),
            _("Owed to the partner"),
            _("Customer fees"),
            _("Settled"),
            _("Not settled"),
            _("Ledger: collected"),
            _("Ledger: commission"),
            _("Ledger: owed"),
            _("Difference"),
            _("Cancelled bills"),
        ]
    )
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in report.rows:
        sheet.append(
            [
                f"{row.day:%d/%m/%Y}",
                row.partner.name if row.partner else "",
                *_figures(row),
            ]
        )
    if report.totals is not None:
        sheet.append([_("Total"), "", *_figures(report.totals)])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for line in sheet.iter_rows(min_row=3, min_col=4, max_col=13):
        for cell in line:
            cell.number_format = MONEY_FORMAT
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 36
    for column in "CDEFGHIJKLMN":
        sheet.column_dimensions[column].width = 16
    buffer = io.BytesIO()
    text_only(book).save(buffer)
    return buffer.getvalue()
