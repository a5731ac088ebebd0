"""Printed documents of the counters as PDF (reportlab): a page written from the top down.

Documents are in Vietnamese whatever the language of the page that asked for them, set in
DejaVu Sans (it has every Vietnamese letter and the ₫ sign). ``counter_receipt_pdf`` is the
receipt every counter operation prints (a bill paid, a pension paid, a deposit taken ...).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF  # type: ignore[import-untyped]
from reportlab.graphics.barcode import code128  # type: ignore[import-untyped]
from reportlab.graphics.barcode.qr import QrCodeWidget  # type: ignore[import-untyped]
from reportlab.graphics.shapes import Drawing  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.lib.utils import simpleSplit  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from buudien.core.bizdays import VIETNAM
from buudien.core.money import amount_in_words, format_vnd
from buudien.network.choices import AdminAreaLevel, UnitKind
from buudien.network.models import AdminArea, ServicePoint, Unit

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
MARGIN = 5 * mm
LANGUAGE = "vi"
A6 = (105 * mm, 148 * mm)


@cache
def register_fonts() -> None:
    """Register DejaVu Sans and its bold once per process."""
    pdfmetrics.registerFont(TTFont(FONT, f"{FONT_DIR}/DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, f"{FONT_DIR}/DejaVuSans-Bold.ttf"))


def province_name(code: str) -> str:
    """ "Tỉnh Lạng Sơn" for "20" (the current structure first), "" if unknown."""
    area = (
        AdminArea.objects.filter(level=AdminAreaLevel.PROVINCE, code=code)
        .order_by("structure")  # "2025" before "legacy"
        .values_list("name", flat=True)
        .first()
    )
    return area or ""


def province_post_name(point: ServicePoint) -> str:
    """ "Bưu điện tỉnh Lạng Sơn": the provincial post the point belongs to."""
    codes = [code for code in point.unit_path.split("/") if code]
    unit = Unit.objects.filter(code__in=codes, kind=UnitKind.PROVINCE).order_by("-depth").first()
    if unit is not None:
        return unit.name
    province = province_name(point.province_code)
    return f"Bưu điện {province}" if province else point.name


class Sheet:
    """A page written from the top down, each line wrapped to the width."""

    def __init__(self, canvas: Canvas, width: float, height: float) -> None:
        self.canvas = canvas
        self.width = width
        self.left = MARGIN
        self.right = width - MARGIN
        self.y = height - MARGIN

    @property
    def inner(self) -> float:
        return self.right - self.left

    def text(
        self,
        text: str,
        *,
        size: float = 8,
        bold: bool = False,
        indent: float = 0,
        width: float | None = None,
        gap: float = 1.5,
    ) -> None:
        font = FONT_BOLD if bold else FONT
        room = (width or self.inner) - indent
        for line in simpleSplit(text, font, size, room) or [""]:
            self.y -= size + gap
            self.canvas.setFont(font, size)
            self.canvas.drawString(self.left + indent, self.y, line)

    def center(self, text: str, *, size: float = 8, bold: bool = False) -> None:
        self.y -= size + 1.5
        self.canvas.setFont(FONT_BOLD if bold else FONT, size)
        self.canvas.drawCentredString((self.left + self.right) / 2, self.y, text)

    def pair(self, label: str, value: str, *, size: float = 8, bold: bool = False) -> None:
        """A caption on the left and an amount flush right, on one line."""
        self.y -= size + 2
        self.canvas.setFont(FONT, size)
        self.canvas.drawString(self.left, self.y, label)
        self.canvas.setFont(FONT_BOLD if bold else FONT, size)
        self.canvas.drawRightString(self.right, self.y, value)

    def rule(self, gap: float = 3) -> None:
        self.y -= gap
        self.canvas.setLineWidth(0.6)
        self.canvas.line(self.left, self.y, self.right, self.y)
        self.y -= gap

    def space(self, points: float) -> None:
        self.y -= points

    def barcode(self, value: str, *, height: float, width: float | None = None) -> None:
        room = width or self.inner
        modules = code128.Code128(value, barWidth=1, barHeight=height, quiet=False).width
        symbol = code128.Code128(
            value, barWidth=room / modules, barHeight=height, quiet=False, humanReadable=False
        )
        self.y -= height + 2
        symbol.drawOn(self.canvas, self.left + (self.inner - symbol.width) / 2, self.y)

    def qr(self, value: str, *, size: float, x: float, y: float) -> None:
        widget = QrCodeWidget(value, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, self.canvas, x, y)


def pdf_render(size: tuple[float, float], title: str, draw: Callable[[Sheet], None]) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=size, invariant=1, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("buudien")
    canvas.setCreator("buudien")
    with translation.override(LANGUAGE):
        draw(Sheet(canvas, *size))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def counter_receipt_pdf(
    *,
    title: str,
    point: ServicePoint,
    when: dt.datetime,
    reference: str,
    lines: Sequence[tuple[str, str]],
    total: int | None,
    total_label: str | None = None,
    clerk: Any = None,
    notes: Sequence[str] = (),
    qr_payload: str | None = None,
    signatures: Sequence[str] = (),
) -> bytes:
    """The customer's receipt of a counter operation at A6: the province post and the point,
    ``title`` and ``reference`` (also as a barcode), ``lines`` of caption and value, the total
    in figures and in words, ``notes``, the clerk, an optional QR code (a VietQR payload) and
    room for the ``signatures`` asked for ("Người nộp tiền", "Giao dịch viên")."""

    def draw(sheet: Sheet) -> None:
        sheet.text(province_post_name(point), size=9, bold=True)
        sheet.text(f"{point.code} · {point.name}", size=7)
        if point.address:
            sheet.text(point.address, size=7)
        sheet.space(2)
        sheet.text(title.upper(), size=11, bold=True)
        local = when.astimezone(VIETNAM) if when.tzinfo else when
        sheet.text(f"{reference} · {local:%d/%m/%Y %H:%M}", size=7)
        sheet.barcode(reference, height=7 * mm, width=sheet.inner * 0.7)
        sheet.rule()
        for caption, value in lines:
            sheet.pair(caption, value, size=7)
        if total is not None:
            sheet.rule(2)
            sheet.pair(total_label or _("Total"), format_vnd(total), size=10, bold=True)
            sheet.text(
                _("In words: %(words)s") % {"words": amount_in_words(total, capitalize=True)},
                size=7,
            )
        for note in notes:
            sheet.text(note, size=7)
        if qr_payload:
            size = 30 * mm
            sheet.space(2)
            sheet.qr(
                qr_payload, size=size, x=(sheet.left + sheet.right - size) / 2, y=sheet.y - size
            )
            sheet.space(size + 2)
        sheet.rule()
        name = (str(clerk) if clerk is not None else "") or "—"
        sheet.text(_("Clerk: %(name)s") % {"name": name}, size=7)
        if signatures:
            column = sheet.inner / len(signatures)
            sheet.y -= 9
            for index, caption in enumerate(signatures):
                sheet.canvas.setFont(FONT, 7)
                sheet.canvas.drawCentredString(
                    sheet.left + column * (index + 0.5), sheet.y, caption
                )

    return pdf_render(A6, reference, draw)
