"""Printed documents of goods, in Vietnamese whatever the page's language: the customer's
receipt of a sale (the counter receipt at A6, one line per product) and the delivery note of
a transfer (phiếu xuất kho kiêm vận chuyển nội bộ, A4, one line per product, as many pages
as it takes)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfbase.pdfmetrics import stringWidth  # type: ignore[import-untyped]

from buudien.core.bizdays import VIETNAM
from buudien.core.money import format_number, format_vnd
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
from buudien.goods.models import Sale, SaleLine, Transfer, TransferLine

LINE_SIZE = 7  # the size of a receipt's lines (core.pdf.counter_receipt_pdf)


def _cut(text: str, room: float, size: float = LINE_SIZE) -> str:
    """``text`` cut with "…" so that it takes at most ``room`` points."""
    register_fonts()
    if stringWidth(text, FONT, size) <= room:
        return text
    while text and stringWidth(text + "…", FONT, size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def sale_receipt(sale: Sale, lines: list[SaleLine]) -> Receipt:
    """The customer's receipt of a sale: each product with its quantity and price, the
    total; the VAT inside it; the buyer's data for a VAT invoice when given."""
    register_fonts()
    width = A6[0] - 2 * MARGIN
    rows = []
    for line in lines:
        amount = format_vnd(line.line_total)
        caption = f"{line.product.name} × {line.quantity}"
        room = width - stringWidth(amount, FONT, LINE_SIZE) - 3 * mm
        rows.append((_cut(caption, room), amount))
    notes = []
    if sale.vat:
        notes.append(_("VAT included: %(vat)s.") % {"vat": format_vnd(sale.vat)})
    if sale.buyer_tax_code:
        notes.append(
            _("VAT invoice for %(name)s, tax code %(code)s, %(address)s.")
            % {
                "name": sale.buyer_name,
                "code": sale.buyer_tax_code,
                "address": sale.buyer_address,
            }
        )
    notes.append(_("Keep this receipt: goods are taken back within 30 days with it."))
    return Receipt.of(
        sale,
        title=_("Sales receipt"),
        lines=rows,
        total=sale.total,
        total_label=_("Total paid"),
        notes=notes,
        signatures=[_("Buyer"), _("Counter clerk")],
    )


def sale_receipt_pdf(sale: Sale, lines: list[SaleLine]) -> bytes:
    return receipt_pdf(lambda: sale_receipt(sale, lines))


def _columns() -> list[tuple[str, float, bool]]:
    """The delivery note's columns: caption, width in millimetres, flush right."""
    return [
        ("#", 8, False),
        (_("Product code"), 25, False),
        (_("Product"), 60, False),
        (pgettext("goods", "Unit"), 20, False),
        (_("Quantity"), 20, True),
        (_("Unit cost"), 24, True),
        (_("Value"), 23, True),
    ]


def delivery_note_pdf(transfer: Transfer, lines: list[TransferLine]) -> bytes:
    """The delivery note of a transfer at A4: the post and the warehouse, title, number and
    date, where to, a table of the goods, their value and the three signatures."""
    point = transfer.point

    def header(sheet: Sheet) -> None:
        sheet.canvas.setFont(FONT_BOLD, 8)
        x = sheet.left
        for caption, width, right in _columns():
            if right:
                sheet.canvas.drawRightString(x + width * mm - 1 * mm, sheet.y - 10, caption)
            else:
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
        sheet.center(_("Delivery note").upper(), size=14, bold=True)
        sheet.center(_("(internal transfer of goods)"), size=9)
        when = timezone.localtime(transfer.created_at, VIETNAM)
        sheet.center(
            _("No. %(number)s · %(day)s")
            % {"number": transfer.reference, "day": f"{when:%d/%m/%Y %H:%M}"},
            size=9,
        )
        sheet.space(8)
        sheet.text(_("From: %(point)s") % {"point": f"{point.code} · {point.name}"}, size=9)
        to = transfer.to_point
        sheet.text(_("To: %(point)s") % {"point": f"{to.code} · {to.name}"}, size=9)
        if to.address:
            sheet.text(_("Address: %(address)s") % {"address": to.address}, size=9)
        sheet.space(6)
        header(sheet)
        for index, line in enumerate(lines, start=1):
            if sheet.y < 50 * mm:
                sheet.canvas.showPage()
                sheet.y = A4[1] - 15 * mm
                header(sheet)
            sheet.y -= 11
            sheet.canvas.setFont(FONT, 7.5)
            x = sheet.left
            cells = [
                str(index),
                line.product.code,
                line.product.name,
                line.product.unit,
                format_number(line.quantity),
                format_number(line.unit_cost),
                format_number(line.value),
            ]
            for (_caption, width, right), cell in zip(_columns(), cells, strict=True):
                text = _cut(cell, width * mm - 2 * mm, 7.5)
                if right:
                    sheet.canvas.drawRightString(x + width * mm - 1 * mm, sheet.y, text)
                else:
                    sheet.canvas.drawString(x, sheet.y, text)
                x += width * mm
        sheet.rule()
        sheet.pair(
            _("Number of units: %(n)s") % {"n": format_number(sum(li.quantity for li in lines))},
            _("Value at cost: %(value)s") % {"value": format_vnd(transfer.total)},
            size=10,
            bold=True,
        )
        sheet.space(14)
        captions = [_("Warehouse keeper"), _("Carrier"), _("Received by (the point)")]
        column = sheet.inner / len(captions)
        for size, texts in ((10, captions), (7, [_("(signature, full name)")] * len(captions))):
            sheet.y -= size + 4
            for index, caption in enumerate(texts):
                sheet.canvas.setFont(FONT_BOLD if size == 10 else FONT, size)
                sheet.canvas.drawCentredString(
                    sheet.left + column * (index + 0.5), sheet.y, caption
                )

    return pdf_render(A4, transfer.reference, draw)
