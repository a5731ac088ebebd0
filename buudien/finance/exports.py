"""The ledger's reports as .xlsx workbooks (openpyxl), amounts as whole đồng."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from buudien.core.sheets import text_only
from buudien.finance.selectors import Journal, Statement, TrialBalance, TrialBalanceRow

MONEY_FORMAT = "#,##0"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _blank_zeros(row: TrialBalanceRow) -> list[int | None]:
    """The six columns of a line, a zero left blank as on the printed report."""
    return [amount or None for amount in row.amounts]


def trial_balance_xlsx(report: TrialBalance) -> bytes:
    """One sheet: the provincial post, the title, the period and the unit of money as on the
    printed report, the header, each main account's subtotal (bold) followed by its
    accounts, the totals row last. Amounts are numbers of đồng; a zero is a blank cell."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Trial balance")[:31]
    heading = [
        report.province_name.upper(),
        _("Trial balance"),
        pgettext("report period", "From %(start)s to %(end)s")
        % {"start": f"{report.date_from:%d/%m/%Y}", "end": f"{report.date_to:%d/%m/%Y}"},
        _("Unit of money: đồng"),
    ]
    for line in heading:
        sheet.append([line])
    sheet["A1"].font = sheet["A2"].font = Font(bold=True)
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
    _bold_row(sheet)
    for group in report.groups:
        sheet.append([group.code, group.name, *_blank_zeros(group.subtotal)])
        _bold_row(sheet)
        if not group.detailed:
            continue
        for row in group.rows:
            assert row.account is not None
            sheet.append([row.account.code, row.account.name, *_blank_zeros(row)])
            sheet.cell(sheet.max_row, 2).alignment = Alignment(indent=1)
    sheet.append([_("Total"), "", *_blank_zeros(report.totals)])
    _bold_row(sheet)
    _money_columns(sheet, "CDEFGH", len(heading) + 2)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 48
    for column in "CDEFGH":
        sheet.column_dimensions[column].width = 18
    return _save(book)


def _bold_row(sheet: Any) -> None:
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _money_columns(sheet: Any, columns: str, first_row: int) -> None:
    for column in columns:
        for cell in sheet[column][first_row - 1 :]:
            cell.number_format = MONEY_FORMAT


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    text_only(book).save(buffer)
    return buffer.getvalue()


def statement_xlsx(statement: Statement) -> bytes:
    """One sheet: a title, the header, the opening balance, a row per transfer with the
    running balance, the totals and closing balance last. Dates as dates, amounts in đồng."""
    account = statement.account
    book = Workbook()
    sheet = book.active
    sheet.title = account.code[:31]
    sheet.append(
        [
            f"{account.code} {account.name}, "
            f"{statement.date_from:%d/%m/%Y} – {statement.date_to:%d/%m/%Y}"
        ]
    )
    sheet["A1"].font = Font(bold=True)
    sheet.append(
        [
            _("Day"),
            _("Entry"),
            _("Kind"),
            _("Reference"),
            _("Other account"),
            pgettext("ledger side", "Debit"),
            pgettext("ledger side", "Credit"),
            _("Balance"),
        ]
    )
    _bold_row(sheet)
    sheet.append(
        [statement.date_from, "", "", _("Opening balance"), "", None, None, statement.opening]
    )
    for line in statement.lines:
        sheet.append(
            [
                line.business_date,
                line.entry.pk,
                line.entry.get_kind_display(),
                line.entry.reference,
                line.other.code,
                line.debit or None,
                line.credit or None,
                line.balance,
            ]
        )
    sheet.append(
        [
            statement.date_to,
            "",
            "",
            _("Total and closing balance"),
            "",
            statement.debit_total,
            statement.credit_total,
            statement.closing,
        ]
    )
    _bold_row(sheet)
    for cell in sheet["A"][2:]:
        cell.number_format = "DD/MM/YYYY"
    _money_columns(sheet, "FGH", 3)
    for column, width in zip("ABCDEFGH", (12, 10, 24, 32, 20, 16, 16, 18), strict=True):
        sheet.column_dimensions[column].width = width
    return _save(book)


def journal_xlsx(journal: Journal) -> bytes:
    """One sheet: a title, the drawer's day (opening, in, out, closing), then a row per
    transfer of the day's entries at the point."""
    point = journal.point
    book = Workbook()
    sheet = book.active
    sheet.title = _("Daily journal")[:31]
    sheet.append([f"{_('Daily journal')} · {point.code} {point.name} · {journal.day:%d/%m/%Y}"])
    sheet["A1"].font = Font(bold=True)
    if journal.drawer is not None:
        sheet.append([_("Cash drawer"), journal.drawer.code])
        sheet.append([_("Opening balance"), journal.drawer_opening])
        sheet.append([capfirst(_("in")), journal.drawer_in])
        sheet.append([capfirst(_("out")), journal.drawer_out])
        sheet.append([_("Closing balance"), journal.drawer_closing])
        _bold_row(sheet)
        for row in sheet.iter_rows(min_row=3, max_row=6, min_col=2, max_col=2):
            for cell in row:
                cell.number_format = MONEY_FORMAT
    sheet.append([])
    sheet.append(
        [
            _("Entry"),
            _("Kind"),
            _("Reference"),
            pgettext("ledger side", "Debit"),
            pgettext("ledger side", "Credit"),
            _("Amount"),
            _("Service"),
            _("By"),
            _("Time"),
        ]
    )
    _bold_row(sheet)
    header = sheet.max_row
    for item in journal.entries:
        entry = item.entry
        created = timezone.localtime(entry.created_at)
        for transfer in item.transfers:
            sheet.append(
                [
                    entry.pk,
                    entry.get_kind_display(),
                    entry.reference,
                    transfer.debit.code,
                    transfer.credit.code,
                    transfer.amount,
                    transfer.service,
                    str(entry.created_by) if entry.created_by else "",
                    f"{created:%H:%M}",
                ]
            )
    _money_columns(sheet, "F", header + 1)
    for column, width in zip("ABCDEFGHI", (10, 24, 32, 20, 20, 16, 16, 24, 8), strict=True):
        sheet.column_dimensions[column].width = width
    return _save(book)
