"""The attestation of public-press delivery (biên bản xác nhận phát hành báo chí công ích):
the post's proof, for the State's payment, of what a programme's recipients received over a
period, signed by the post and by the commune People's Committee or the ordering agency.

Its numbers are read from the deliveries the postmen confirmed (``PressDelivery``), never
from a rollup: per commune and title, the recipients, the copies due (every delivery of the
issues of the period), delivered, of them on time and late, and not delivered (missed, or
not confirmed yet). The same report is a page, an .xlsx workbook and an A4 PDF.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]

from buudien.core.errors import DomainError, NotFound
from buudien.core.money import format_number, format_vnd
from buudien.core.pdf import FONT, FONT_BOLD, Sheet, pdf_render
from buudien.core.sheets import text_only
from buudien.finance import ledger
from buudien.network.models import AdminArea
from buudien.press import selectors
from buudien.press.choices import DeliveryStatus
from buudien.press.models import PressDelivery, Programme, Title

MONEY_FORMAT = "#,##0"
# The longest period one attestation covers: a year and a day for a leap year's programme.
MAX_DAYS = 366


@dataclass(frozen=True)
class AttestationRow:
    """The copies of one title for the recipients of one commune over the period."""

    commune: str
    commune_name: str
    title: str
    title_name: str
    recipients: int
    due: int
    delivered: int
    on_time: int
    missed: int

    @property
    def late(self) -> int:
        return self.delivered - self.on_time

    @property
    def not_delivered(self) -> int:
        """Missed, or not confirmed by the postman yet."""
        return self.due - self.delivered

    @property
    def figures(self) -> list[int]:
        """The numbers of the row, in the order of the columns."""
        return [
            self.recipients,
            self.due,
            self.delivered,
            self.on_time,
            self.late,
            self.not_delivered,
        ]


@dataclass(frozen=True)
class Attestation:
    programme: Programme
    date_from: dt.date
    date_to: dt.date
    title: Title | None
    commune: AdminArea | None
    rows: list[AttestationRow]
    totals: AttestationRow
    post_name: str = ""
    fee_per_copy: int = field(default=0)

    @property
    def amount(self) -> int:
        """What the copies delivered are worth at the programme's fee per copy."""
        return self.totals.delivered * self.fee_per_copy


def _sums() -> dict[str, Any]:
    delivered = Q(status=DeliveryStatus.DELIVERED)
    return {
        "recipients": Count("recipient", distinct=True),
        "due": Sum("copies"),
        "delivered": Sum("copies", filter=delivered),
        "on_time": Sum("copies", filter=delivered & Q(on_time=True)),
        "missed": Sum("copies", filter=Q(status=DeliveryStatus.MISSED)),
    }


def _row(values: Mapping[str, Any], **names: str) -> AttestationRow:
    return AttestationRow(
        **names,
        recipients=values["recipients"] or 0,
        due=values["due"] or 0,
        delivered=values["delivered"] or 0,
        on_time=values["on_time"] or 0,
        missed=values["missed"] or 0,
    )


def programme_for(*, user: Any, pk: int) -> Programme:
    """The programme ``pk`` of the user's province (readers only); elsewhere not found."""
    selectors.require_reader(user)
    found = Programme.objects.filter(pk=pk, province_code=selectors.province_of(user)).first()
    if found is None:
        raise NotFound(_("No such programme."))
    return found


def attestation(
    *,
    user: Any,
    programme: Programme,
    date_from: dt.date,
    date_to: dt.date,
    title: str = "",
    commune: str = "",
) -> Attestation:
    """The attestation of ``programme`` for the issues from ``date_from`` to ``date_to``,
    of one title (its code) and one commune (its code) when given."""
    selectors.require_reader(user)
    if programme.province_code != selectors.province_of(user):
        raise NotFound(_("No such programme."))
    if date_to < date_from:
        raise DomainError(_("The range ends before it starts."), field="to")
    if (date_to - date_from).days >= MAX_DAYS:
        raise DomainError(
            _("An attestation covers at most %(days)s days.") % {"days": MAX_DAYS}, field="to"
        )
    rows = PressDelivery.objects.filter(
        province_code=programme.province_code,
        programme=programme,
        issue_date__gte=date_from,
        issue_date__lte=date_to,
    )
    chosen_title = chosen_commune = None
    if title:
        chosen_title = programme.titles.filter(code=title.strip().upper()[:32]).first()
        if chosen_title is None:
            raise DomainError(_("The programme carries no such title."), field="title")
        rows = rows.filter(title=chosen_title)
    if commune:
        chosen_commune = AdminArea.objects.filter(
            code=commune.strip()[:8], province_code=programme.province_code
        ).first()
        if chosen_commune is None:
            raise DomainError(_("Choose the commune."), field="commune")
        rows = rows.filter(commune=chosen_commune)
    per_line = (
        rows.values("commune__code", "commune__name", "title__code", "title__name")
        .annotate(**_sums())
        .order_by("commune__name", "commune__code", "title__code")
    )
    lines = [
        _row(
            values,
            commune=values["commune__code"] or "",
            commune_name=values["commune__name"] or "",
            title=values["title__code"],
            title_name=values["title__name"],
        )
        for values in per_line
    ]
    totals = _row(rows.aggregate(**_sums()), commune="", commune_name="", title="", title_name="")
    try:
        post = ledger.province_unit(programme.province_code).name
    except DomainError:
        post = ""
    return Attestation(
        programme=programme,
        date_from=date_from,
        date_to=date_to,
        title=chosen_title,
        commune=chosen_commune,
        rows=lines,
        totals=totals,
        post_name=post,
        fee_per_copy=programme.fee_per_copy,
    )


def columns() -> list[str]:
    """The captions of the figures of a row, in order."""
    return [
        _("Recipients"),
        _("Copies due"),
        _("Copies delivered"),
        _("Of them on time"),
        _("Of them late"),
        _("Copies not delivered"),
    ]


def heading(report: Attestation) -> str:
    return _("%(programme)s, issues from %(start)s to %(end)s") % {
        "programme": str(report.programme),
        "start": f"{report.date_from:%d/%m/%Y}",
        "end": f"{report.date_to:%d/%m/%Y}",
    }


def file_name(report: Attestation, extension: str) -> str:
    return (
        f"BBXN-{report.programme.code}-{report.date_from:%Y%m%d}-{report.date_to:%Y%m%d}"
        f".{extension}"
    )


# --- .xlsx ----------------------------------------------------------------------------------


def _append(sheet: Any, values: list[Any], *, bold: bool = False) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, int):
            cell.number_format = MONEY_FORMAT
        if bold:
            cell.font = Font(bold=True)


def attestation_xlsx(report: Attestation) -> bytes:
    """One sheet: the title and the programme, the header, a row per commune and title,
    the totals row, then what the copies delivered are worth."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Attestation")[:31]
    _append(sheet, [_("Record of public press delivery")], bold=True)
    _append(sheet, [heading(report)])
    _append(sheet, [_("Ordering agency: %(name)s") % {"name": report.programme.ordering_agency}])
    _append(sheet, [_("Commune"), _("Press title"), *columns()], bold=True)
    for row in report.rows:
        _append(sheet, [row.commune_name, row.title_name, *row.figures])
    _append(sheet, [_("Total"), "", *report.totals.figures], bold=True)
    if report.fee_per_copy:
        _append(sheet, [_("Paid per copy delivered"), "", report.fee_per_copy])
        _append(sheet, [_("Amount"), "", report.amount], bold=True)
    buffer = io.BytesIO()
    text_only(book).save(buffer)
    return buffer.getvalue()


# --- PDF ------------------------------------------------------------------------------------

# The widths of the columns in millimetres: #, commune, title, then the six figures.
WIDTHS = (8, 40, 44, 15, 15, 15, 14, 14, 15)
SIZE = 7.5


def _cells(sheet: Sheet, cells: list[str], *, bold: bool = False, size: float = SIZE) -> None:
    """One line of the table, each cell cut to its column; figures flush right."""
    font = FONT_BOLD if bold else FONT
    sheet.y -= size + 4
    sheet.canvas.setFont(font, size)
    x = sheet.left
    for index, (cell, width) in enumerate(zip(cells, WIDTHS, strict=True)):
        room = width * mm - 1.5 * mm
        text = cell
        while text and stringWidth(text, font, size) > room:
            text = text[:-2] + "…"
        if index >= 3:
            sheet.canvas.drawRightString(x + room, sheet.y, text)
        else:
            sheet.canvas.drawString(x, sheet.y, text)
        x += width * mm


def _signatures(sheet: Sheet, captions: list[str]) -> None:
    column = sheet.inner / len(captions)
    for size, texts in ((9, captions), (7, [_("(signature, full name)")] * len(captions))):
        sheet.y -= size + 4
        for index, caption in enumerate(texts):
            sheet.canvas.setFont(FONT_BOLD if size == 9 else FONT, size)
            sheet.canvas.drawCentredString(sheet.left + column * (index + 0.5), sheet.y, caption)


def attestation_pdf(report: Attestation) -> bytes:
    """The attestation at A4: the post and the country's heading, the title, the
    programme, its agency and period, a table per commune and title with the totals, what
    the copies are worth, and the signatures of the post, the commune People's Committee
    and the ordering agency. As many pages as it takes."""
    programme = report.programme

    def header(sheet: Sheet) -> None:
        captions = ["#", _("Commune"), _("Press title"), *columns()]
        sheet.canvas.setFont(FONT_BOLD, 6.5)
        x = sheet.left
        for caption, width in zip(captions, WIDTHS, strict=True):
            for offset, part in enumerate(
                caption.split(" ", 1) if len(caption) > 12 else [caption]
            ):
                sheet.canvas.drawString(x, sheet.y - 9 - offset * 8, part)
            x += width * mm
        sheet.y -= 20
        sheet.canvas.setLineWidth(0.4)
        sheet.canvas.line(sheet.left, sheet.y, sheet.right, sheet.y)

    def draw(sheet: Sheet) -> None:
        sheet.left, sheet.right = 12 * mm, A4[0] - 12 * mm
        sheet.y -= 8 * mm
        top = sheet.y
        sheet.text(report.post_name or programme.province_code, size=9, bold=True)
        sheet.y = top
        sheet.canvas.setFont(FONT_BOLD, 9)
        sheet.canvas.drawRightString(
            sheet.right, sheet.y - 10.5, _("Socialist Republic of Vietnam")
        )
        sheet.canvas.setFont(FONT, 9)
        sheet.canvas.drawRightString(
            sheet.right, sheet.y - 22, _("Independence - Freedom - Happiness")
        )
        sheet.space(36)
        sheet.center(_("Record of public press delivery").upper(), size=13, bold=True)
        sheet.center(heading(report), size=9)
        sheet.space(8)
        sheet.text(_("Ordering agency: %(name)s") % {"name": programme.ordering_agency}, size=9)
        if programme.funding_decision:
            sheet.text(
                _("Funding decision: %(decision)s") % {"decision": programme.funding_decision},
                size=9,
            )
        if report.title is not None:
            sheet.text(_("Press title: %(title)s") % {"title": report.title.name}, size=9)
        if report.commune is not None:
            sheet.text(_("Commune: %(commune)s") % {"commune": report.commune.name}, size=9)
        sheet.space(6)
        header(sheet)
        for index, row in enumerate(report.rows, start=1):
            if sheet.y < 50 * mm:
                sheet.canvas.showPage()
                sheet.y = A4[1] - 15 * mm
                header(sheet)
            _cells(
                sheet,
                [
                    str(index),
                    row.commune_name,
                    row.title_name,
                    *(format_number(n) for n in row.figures),
                ],
            )
        sheet.rule()
        _cells(
            sheet,
            ["", _("Total"), "", *(format_number(n) for n in report.totals.figures)],
            bold=True,
        )
        if report.fee_per_copy:
            sheet.space(4)
            sheet.text(
                _("%(copies)s copies delivered at %(fee)s a copy: %(amount)s.")
                % {
                    "copies": format_number(report.totals.delivered),
                    "fee": format_vnd(report.fee_per_copy),
                    "amount": format_vnd(report.amount),
                },
                size=9,
            )
        sheet.space(14)
        _signatures(
            sheet,
            [
                _("For the post"),
                _("For the commune People's Committee"),
                _("For the ordering agency"),
            ],
        )

    return pdf_render(A4, file_name(report, "pdf"), draw)
