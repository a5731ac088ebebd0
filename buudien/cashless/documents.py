"""The QR code as SVG for the page, and the customer's A6 receipt with the code."""

from __future__ import annotations

from typing import Any

import segno
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from buudien.cashless.models import PaymentRequest
from buudien.counter.receipts import Receipt
from buudien.counter.receipts import receipt_pdf as counter_receipt


def qr_svg(payload: str) -> SafeString:
    """The code as inline SVG (segno), error correction M as VietQR apps expect; the payload
    is ASCII made by ``vietqr.build``, so the SVG carries no text of the user's.

    One unit a module and a viewBox instead of a width and height: the stylesheet's
    ``svg.vietqr`` scales it to its box, whole with the four white modules of its quiet zone
    around it, at any width (a fixed size in a narrower box cut a third of it off)."""
    code = segno.make(payload, error="m", micro=False)
    svg = code.svg_inline(
        scale=1,
        border=4,
        dark="#000",
        light="#fff",
        title="VietQR",
        svgclass="vietqr",
        omitsize=True,
    )
    return mark_safe(svg)


def receipt(request: PaymentRequest, *, clerk: Any = None) -> Receipt:
    """The A6 slip the customer scans (or keeps): amount, purpose, code and the VietQR."""
    account = request.bank_account
    lines = [
        (_("Payment code"), request.code),
        (pgettext("bank transfer", "Purpose"), request.purpose or "—"),
        (_("Bank"), f"{account.bank_name} ({account.bank_bin})"),
        (_("Account"), account.account_number),
        (_("Account name"), account.account_name),
    ]
    if request.reference:
        lines.append((_("Reference"), request.reference))
    lines.append((_("Status"), str(request.get_shown_status_display())))
    if request.bank_reference:
        lines.append((_("Bank reference"), request.bank_reference))
    return Receipt(
        title=_("Cashless payment"),
        reference=request.code,
        point=request.point,
        when=request.created_at,
        clerk=clerk or request.created_by,
        lines=lines,
        total=request.amount,
        total_label=_("Amount to transfer"),
        notes=[
            _("Scan the code with your banking app; the amount and purpose are filled in."),
            _("Do not change the purpose: its code matches your transfer to this payment."),
        ],
        qr_payload=request.payload,
    )


def receipt_pdf(request: PaymentRequest, *, clerk: Any = None) -> bytes:
    """The receipt at A6, in Vietnamese whatever the page's language."""
    return counter_receipt(lambda: receipt(request, clerk=clerk))
