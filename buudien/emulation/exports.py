"""The register of titles and awards as an .xlsx workbook (openpyxl): a title row, the
header, a row per title or award. Every text cell is written as text, so a name or a
decision number that starts with = + - @ is never read as a formula (DESIGN.md, "Exports
are data")."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from buudien.core.sheets import text_only
from buudien.emulation.models import Award


def _row(sheet: Any, values: list[Any], *, bold: bool = False) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if bold:
            cell.font = Font(bold=True)


def awards_xlsx(awards: Iterable[Award]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Titles and awards")[:31]
    _row(sheet, [_("Register of titles and awards")], bold=True)
    header = [
        _("Title or award"),
        pgettext("emulation", "Recipient"),
        _("Unit"),
        _("Years"),
        pgettext("emulation", "Level"),
        _("Status"),
        _("Decision number"),
        _("Decision date"),
        _("Conferred by"),
        _("Achievements"),
    ]
    _row(sheet, header, bold=True)
    for award in awards:
        home = award.unit if award.unit_id else getattr(award.person, "unit", None)
        _row(
            sheet,
            [
                award.title,
                str(award.recipient),
                str(home or ""),
                award.years,
                str(award.get_level_display()),
                str(award.get_status_display()),
                award.decision_number,
                f"{award.decision_date:%d/%m/%Y}" if award.decision_date else "",
                award.issuer,
                award.citation,
            ],
        )
    for column, width in zip("ABCDEFGHIJ", (34, 28, 28, 11, 22, 14, 18, 13, 28, 50), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    text_only(book).save(out)
    return out.getvalue()
