"""The manifest of a dispatch bag (bảng kê chuyến thư) as an A4 PDF, in Vietnamese whatever
the language of the page that asked for it, set in DejaVu Sans (every Vietnamese letter)."""

from __future__ import annotations

import io
from functools import cache

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from buudien.core.bizdays import VIETNAM
from buudien.core.money import format_number
from buudien.mail.models import Bag, BagItem

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
LANGUAGE = "vi"
MARGIN = 15 * mm
ROW = 6 * mm
# x of each column, and the column titles.
COLUMNS = (0, 10, 50, 85, 110, 150)


@cache
def _fonts() -> None:
    pdfmetrics.registerFont(TTFont(FONT, f"{FONT_DIR}/DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, f"{FONT_DIR}/DejaVuSans-Bold.ttf"))


def _time(value: object) -> str:
    if value is None:
        return "—"
    return value.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")  # type: ignore[attr-defined]


def manifest_pdf(bag: Bag, lines: list[BagItem]) -> bytes:
    """The bag's manifest: the bag, its two offices, its steps, and one row per item."""
    _fonts()
    with translation.override(LANGUAGE):
        return _draw(bag, lines)


def _draw(bag: Bag, lines: list[BagItem]) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(f"{_('Dispatch bag manifest')} {bag.code}")
    width, height = A4
    titles = (
        _("No."),
        _("Item number"),
        _("Service"),
        _("Weight (g)"),
        _("Delivery office"),
        _("COD (đồng)"),
    )

    def header() -> float:
        y = height - MARGIN
        canvas.setFont(FONT_BOLD, 14)
        canvas.drawString(MARGIN, y, f"{_('Dispatch bag manifest')} {bag.code}")
        y -= 8 * mm
        canvas.setFont(FONT, 9)
        for label, value in (
            (pgettext("place", "From"), f"{bag.origin.code} {bag.origin.name}"),
            (pgettext("place", "To"), f"{bag.destination.code} {bag.destination.name}"),
            (_("Closed at"), _time(bag.closed_at)),
            (_("Dispatched at"), _time(bag.dispatched_at)),
        ):
            canvas.drawString(MARGIN, y, f"{label}: {value}")
            y -= 5 * mm
        y -= 3 * mm
        canvas.setFont(FONT_BOLD, 8)
        for x, title in zip(COLUMNS, titles, strict=True):
            canvas.drawString(MARGIN + x * mm, y, title)
        canvas.line(MARGIN, y - 1.5 * mm, width - MARGIN, y - 1.5 * mm)
        canvas.setFont(FONT, 8)
        return y - ROW

    y = header()
    for number, line in enumerate(lines, start=1):
        if y < MARGIN + 30 * mm:
            canvas.showPage()
            y = header()
        item = line.item
        delivery = item.delivery_point.code if item.delivery_point else "—"
        values = (
            str(number),
            item.s10,
            str(item.get_service_display()),
            format_number(item.weight_g),
            delivery,
            format_number(item.cod_amount) if item.cod_amount else "",
        )
        for x, value in zip(COLUMNS, values, strict=True):
            canvas.drawString(MARGIN + x * mm, y, value[:40])
        y -= ROW
    canvas.setFont(FONT_BOLD, 9)
    canvas.drawString(MARGIN, y - 2 * mm, _("Items: %(n)d") % {"n": len(lines)})
    y -= 16 * mm
    canvas.setFont(FONT, 9)
    canvas.drawString(MARGIN, y, _("Closed by (signature)"))
    canvas.drawString(width / 2, y, _("Received by (signature)"))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
