"""The QR code as SVG for the page, and the customer's A6 receipt with the code."""

from __future__ import annotations

from typing import Any

import segno
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from buudien.cashless.models import PaymentRequest
from buudien.core.pdf import LANGUAGE, counter_receipt_pdf


def qr_svg(payload: str, *, scale: int = 8) -> SafeString:
    """The code as inline SVG (segno), error correction M as VietQR apps expect; the payload
    is ASCII made by ``vietqr.build``, so the SVG carries no text of the user's."""
    code = segno.make(payload, error="m", micro=False)
    svg = code.svg_inline(
        scale=scale, border=4, dark="#000", light="#fff", title="VietQR", svgclass="vietqr"
    )
    return mark_safe(svg)


def receipt_pdf(request: PaymentRequest, *, clerk: Any = None) -> bytes:
    """The A6 slip the customer scans (or keeps): amount, purpose, code and the VietQR."""
    with translation.override(LANGUAGE):
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
        notes = [
            _("Scan the code with your banking app; the amount and purpose are filled in."),
            _("Do not change the purpose: its code matches your transfer to this payment."),
        ]
        return counter_receipt_pdf(
            title=_("Cashless payment"),
            point=request.point,
            when=request.created_at,
            reference=request.code,
            lines=lines,
            total=request.amount,
            total_label=_("Amount to transfer"),
            clerk=clerk or request.created_by,
            notes=notes,
            qr_payload=request.payload,
        )
