"""The label and the receipt of an accepted item, as PDF (reportlab).

The label prints at 100 × 150 mm (thermal label printers) or A6 (105 × 148 mm, a quarter of
an A4 sheet); the receipt prints at A6. Both are in Vietnamese whatever the language of the
page that asked for them, set in DejaVu Sans (it has every Vietnamese letter and the ₫ sign).

The label carries a Code 128 barcode of the S10 identifier, for the scanners, and a QR code
of the public tracking address ``/tracking/<s10>`` (absolute when a request is given), for
the recipient's phone. A KT1 item's label shows its secrecy grade and urgency; no other
label mentions KT1.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from buudien.core.bizdays import VIETNAM
from buudien.core.money import format_number, format_vnd
from buudien.core.pdf import (
    LANGUAGE,
    Sheet,
    pdf_render,
    province_name,
    province_post_name,
    register_fonts,
)
from buudien.counter.receipts import Receipt
from buudien.counter.receipts import receipt_pdf as counter_receipt
from buudien.mail.acceptance.pricing import rate_text
from buudien.mail.models import PostalItem

LABEL_SIZES: dict[str, tuple[float, float]] = {
    "100x150": (100 * mm, 150 * mm),
    "a6": (105 * mm, 148 * mm),
}


def tracking_path(item: PostalItem) -> str:
    return f"/tracking/{item.s10}"


def tracking_url(item: PostalItem, request: HttpRequest | None = None) -> str:
    path = tracking_path(item)
    return request.build_absolute_uri(path) if request is not None else path


def recipient_place(item: PostalItem) -> str:
    """ "Xã Chi Lăng, Tỉnh Lạng Sơn"."""
    province = province_name(item.recipient_province_code) or item.recipient_province_code
    return f"{item.recipient_commune.name}, {province}"


def _when(item: PostalItem) -> str:
    return item.accepted_at.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def _grams(grams: int) -> str:
    return f"{format_number(grams)} g"


def label_pdf(
    item: PostalItem, *, size: str = "100x150", request: HttpRequest | None = None
) -> bytes:
    """The address label of ``item``: ``size`` is "100x150" or "a6"."""
    if size not in LABEL_SIZES:
        raise ValueError(f"unknown label size {size!r}")
    return pdf_render(LABEL_SIZES[size], item.s10, label_drawing(item, request=request))


def label_page(
    canvas: Canvas, item: PostalItem, *, size: str = "100x150", request: HttpRequest | None = None
) -> None:
    """Draw the label of ``item`` on the current page of ``canvas`` (a page of ``size``), in
    Vietnamese, as ``label_pdf`` does: for several labels in one PDF, a page each."""
    if size not in LABEL_SIZES:
        raise ValueError(f"unknown label size {size!r}")
    register_fonts()
    with translation.override(LANGUAGE):
        label_drawing(item, request=request)(Sheet(canvas, *LABEL_SIZES[size]))


def label_drawing(
    item: PostalItem, *, request: HttpRequest | None = None
) -> Callable[[Sheet], None]:
    """What draws the label of ``item`` on a page."""
    url = tracking_url(item, request)
    header = province_post_name(item.accepted_point)

    def draw(sheet: Sheet) -> None:
        point = item.accepted_point
        sheet.text(header, size=10, bold=True)
        sheet.text(f"{point.code} · {point.name}", size=7)
        sheet.text(item.get_service_display(), size=11, bold=True)
        if item.is_kt1:
            grade = _("Secrecy grade %(grade)s") % {"grade": item.kt1_grade}
            urgency = item.get_kt1_urgency_display() if item.kt1_urgency else ""
            sheet.text(f"KT1 · {grade}" + (f" · {urgency}" if urgency else ""), size=10, bold=True)
            if item.kt1_deadline:
                deadline = item.kt1_deadline.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
                sheet.text(_("Deliver by %(time)s") % {"time": deadline}, size=8, bold=True)
        sheet.space(4)
        sheet.barcode(item.s10, height=16 * mm)
        sheet.center(item.s10, size=12, bold=True)
        sheet.rule()

        sheet.text(_("From:"), size=7)
        sheet.text(item.sender_name, size=9, bold=True, indent=6)
        for line in (item.sender_phone, item.sender_address):
            if line:
                sheet.text(line, size=8, indent=6)
        sheet.rule()

        sheet.text(_("To:"), size=7)
        sheet.text(item.recipient_name, size=11, bold=True, indent=6)
        if item.recipient_phone:
            sheet.text(item.recipient_phone, size=9, bold=True, indent=6)
        sheet.text(item.recipient_address, size=9, indent=6)
        sheet.text(recipient_place(item), size=9, bold=True, indent=6)
        if item.delivery_point is not None:
            office = _("Delivery office: %(code)s") % {"code": item.delivery_point.code}
            sheet.text(office, size=7, indent=6)
        sheet.rule()

        qr_size = 24 * mm
        facts_width = sheet.inner - qr_size - 3 * mm
        top = sheet.y
        weight = _("Weight: %(weight)s") % {"weight": _grams(item.weight_g)}
        if item.charged_weight_g != item.weight_g:
            weight += " · " + _("charged %(weight)s") % {"weight": _grams(item.charged_weight_g)}
        sheet.text(weight, size=8, width=facts_width)
        sheet.text(_("Accepted: %(when)s") % {"when": _when(item)}, size=8, width=facts_width)
        if item.cod_amount:
            sheet.text(_("COD to collect:"), size=8, width=facts_width)
            sheet.text(format_vnd(item.cod_amount), size=13, bold=True, width=facts_width)
        sheet.qr(url, size=qr_size, x=sheet.right - qr_size, y=top - qr_size - 2)
        sheet.y = min(sheet.y, top - qr_size - 2)
        sheet.text(url, size=6)

    return draw


def receipt(item: PostalItem, *, request: HttpRequest | None = None) -> Receipt:
    """The customer's receipt of ``item``: who sends what to whom, the price line by line,
    VAT and the total (in figures and in words, by the counter's one receipt layout)."""
    weight = _grams(item.weight_g)
    if item.charged_weight_g != item.weight_g:
        weight += " · " + _("charged %(weight)s") % {"weight": _grams(item.charged_weight_g)}
    lines = [
        (_("Service"), item.get_service_display()),
        (_("Sender"), item.sender_name),
        (_("Recipient"), item.recipient_name),
        (_("Address"), f"{item.recipient_address}, {recipient_place(item)}"),
        (_("Weight"), weight),
        (_("Zone"), item.get_zone_display()),
        (_("Postage"), format_vnd(item.price_base)),
    ]
    if item.price_surcharge:
        lines.append((_("Remote commune surcharge"), format_vnd(item.price_surcharge)))
    for addon in item.addons:
        lines.append((str(addon.get("name", addon.get("code", ""))), format_vnd(addon["amount"])))
    rate = rate_text(item.tariff.vat_rate_bp)
    lines += [
        (_("Price before VAT"), format_vnd(item.price_total - item.price_vat)),
        (_("VAT (%(rate)s)") % {"rate": rate}, format_vnd(item.price_vat)),
    ]
    notes = []
    if item.cod_amount:
        notes.append(
            _("COD to collect from the recipient: %(amount)s")
            % {"amount": format_vnd(item.cod_amount)}
        )
    if item.declared_value:
        notes.append(_("Declared value: %(amount)s") % {"amount": format_vnd(item.declared_value)})
    notes.append(_("Track this item at %(url)s") % {"url": tracking_url(item, request)})
    return Receipt(
        title=_("RECEIPT"),
        reference=item.s10,
        point=item.accepted_point,
        when=item.accepted_at,
        clerk=item.accepted_by,
        lines=lines,
        total=item.price_total,
        notes=notes,
        signatures=[_("Sender"), _("Clerk")],
    )


def receipt_pdf(item: PostalItem, *, request: HttpRequest | None = None) -> bytes:
    """The receipt of ``item`` at A6, in Vietnamese."""
    return counter_receipt(lambda: receipt(item, request=request))
