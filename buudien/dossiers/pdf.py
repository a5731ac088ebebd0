"""Printed documents of administrative dossiers, in Vietnamese whatever the page's language:
the slip the applicant takes home (the counter receipt at A6, with the dossier code as a
barcode and the public lookup as a QR code) and the record of a hand-over (biên bản bàn
giao, A4, one line per dossier, as many pages as it takes)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]

from buudien.core.bizdays import VIETNAM
from buudien.core.money import format_vnd
from buudien.core.pdf import (
    A6,
    FONT,
    FONT_BOLD,
    MARGIN,
    Sheet,
    pdf_render,
    province_post_name,
    register_fonts,
)
from buudien.counter.receipts import Receipt, receipt_pdf
from buudien.dossiers.choices import Direction
from buudien.dossiers.forms import document_label
from buudien.dossiers.models import Dossier, Handover

LINE_SIZE = 7  # the size of a receipt's lines (core.pdf.counter_receipt_pdf)


def lookup_url(code: str, request: HttpRequest | None = None) -> str:
    """The public lookup of a dossier: absolute when there is a request to tell the host."""
    path = f"{reverse('dossiers:lookup')}?{urlencode({'code': code})}"
    return request.build_absolute_uri(path) if request is not None else path


def masked_id(citizen_id: str) -> str:
    """ "••••••••6789": only the last four digits of a citizen ID."""
    return "•" * max(len(citizen_id) - 4, 0) + citizen_id[-4:]


def fit(caption: str, value: str, *, width: float = A6[0] - 2 * MARGIN) -> str:
    """``value`` cut with "…" so that it fits beside ``caption`` on one receipt line."""
    register_fonts()
    room = width - stringWidth(caption, FONT, LINE_SIZE) - 3 * mm
    if stringWidth(value, FONT, LINE_SIZE) <= room:
        return value
    while value and stringWidth(value + "…", FONT, LINE_SIZE) > room:
        value = value[:-1]
    return value.rstrip() + "…"


def slip(dossier: Dossier, request: HttpRequest | None = None) -> Receipt:
    """The slip of a dossier (phiếu tiếp nhận hồ sơ, hẹn trả kết quả)."""
    url = lookup_url(dossier.reference, request)

    def line(caption: str, value: str) -> tuple[str, str]:
        return caption, fit(caption, value)

    lines = [
        line(_("Procedure"), f"{dossier.procedure.code} · {dossier.procedure.name}"),
        line(_("Agency"), dossier.agency.name),
        *(
            [line(_("Agency's receipt number"), dossier.agency_reference)]
            if dossier.agency_reference
            else []
        ),
        line(pgettext("dossier", "Applicant"), dossier.applicant_name),
        line(_("Citizen ID"), masked_id(dossier.citizen_id)),
        *(
            line(_("Document %(n)s") % {"n": index}, document_label(doc))
            for index, doc in enumerate(dossier.documents, start=1)
        ),
        line(pgettext("dossier", "Service"), dossier.get_mode_display()),
    ]
    if dossier.return_by:
        lines.append(line(_("Result returned"), dossier.get_return_by_display()))
    notes = [_("Follow the dossier at %(url)s") % {"url": url}]
    if lines[0][1].endswith("…"):  # the procedure's name, whole
        notes.insert(0, _("Procedure: %(name)s") % {"name": dossier.procedure.name})
    lines += [
        (_("Promised return date"), f"{dossier.due_date:%d/%m/%Y}"),
        (_("Agency's fee"), format_vnd(dossier.agency_fee)),
        (_("Post's charge"), format_vnd(dossier.charge)),
    ]
    return Receipt.of(
        dossier,
        title=_("Dossier intake slip"),
        lines=lines,
        total=dossier.agency_fee + dossier.charge,
        total_label=pgettext("dossier", "Paid"),
        notes=notes,
        qr_payload=url,
        signatures=[pgettext("dossier", "Applicant"), _("Counter clerk")],
    )


def slip_pdf(dossier: Dossier, request: HttpRequest | None = None) -> bytes:
    return receipt_pdf(lambda: slip(dossier, request))


# The columns of the hand-over record: caption and width in millimetres.
def _columns() -> list[tuple[str, float]]:
    return [
        ("#", 10),
        (_("Dossier code"), 32),
        (pgettext("dossier", "Applicant"), 42),
        (_("Procedure"), 71),
        (_("Promised return date"), 25),
    ]


def handover_pdf(handover: Handover, dossiers: list[Dossier]) -> bytes:
    """The record of a hand-over at A4: the post and the point, the title, number and date,
    the agency, a table of the dossiers, their count and the two signatures."""
    point = handover.point
    to_agency = handover.direction == Direction.TO_AGENCY

    def header(sheet: Sheet) -> None:
        sheet.canvas.setFont(FONT_BOLD, 8)
        x = sheet.left
        for caption, width in _columns():
            sheet.canvas.drawString(x, sheet.y - 10, caption)
            x += width * mm
        sheet.y -= 13
        sheet.canvas.setLineWidth(0.4)
        sheet.canvas.line(sheet.left, sheet.y, sheet.right, sheet.y)

    def draw(sheet: Sheet) -> None:
        sheet.left, sheet.right = 15 * mm, A4[0] - 15 * mm
        sheet.y -= 10 * mm
        sheet.text(province_post_name(point), size=10, bold=True)
        sheet.text(f"{point.code} · {point.name}", size=9)
        sheet.space(10)
        title = (
            _("Record of dossiers handed over") if to_agency else _("Record of results received")
        )
        sheet.center(title.upper(), size=14, bold=True)
        when = timezone.localtime(handover.created_at, VIETNAM)
        sheet.center(
            _("No. %(number)s · %(day)s")
            % {"number": handover.number, "day": f"{when:%d/%m/%Y %H:%M}"},
            size=9,
        )
        sheet.space(8)
        sheet.text(_("Agency: %(name)s") % {"name": handover.agency.name}, size=9)
        if handover.agency.address:
            sheet.text(_("Address: %(address)s") % {"address": handover.agency.address}, size=9)
        sheet.text(
            _("Service point: %(point)s") % {"point": f"{point.code} · {point.name}"}, size=9
        )
        sheet.space(6)
        header(sheet)
        for index, row in enumerate(dossiers, start=1):
            if sheet.y < 45 * mm:
                sheet.canvas.showPage()
                sheet.y = A4[1] - 15 * mm
                header(sheet)
            sheet.y -= 11
            sheet.canvas.setFont(FONT, 7.5)
            x = sheet.left
            cells = [
                str(index),
                row.reference,
                row.applicant_name,
                f"{row.procedure.code} · {row.procedure.name}",
                f"{row.due_date:%d/%m/%Y}",
            ]
            for (_caption, width), cell in zip(_columns(), cells, strict=True):
                room = width * mm - 2 * mm
                while cell and stringWidth(cell, FONT, 7.5) > room:
                    cell = cell[:-2] + "…"
                sheet.canvas.drawString(x, sheet.y, cell)
                x += width * mm
        sheet.rule()
        sheet.text(_("Number of dossiers: %(n)s") % {"n": len(dossiers)}, size=10, bold=True)
        if handover.receiver_name:
            sheet.text(_("Agency's receiver: %(name)s") % {"name": handover.receiver_name}, size=9)
        sheet.space(14)
        if to_agency:
            captions = [_("Handed over by (the post)"), _("Received by (the agency)")]
        else:
            captions = [_("Handed back by (the agency)"), _("Received by (the post)")]
        column = sheet.inner / len(captions)
        for size, texts in ((10, captions), (7, [_("(signature, full name)")] * len(captions))):
            sheet.y -= size + 4
            for index, caption in enumerate(texts):
                sheet.canvas.setFont(FONT_BOLD if size == 10 else FONT, size)
                sheet.canvas.drawCentredString(
                    sheet.left + column * (index + 0.5), sheet.y, caption
                )

    return pdf_render(A4, handover.number, draw)
