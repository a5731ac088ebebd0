"""What the customer's receipt of a telecom sale says, for the result page and the A6 PDF
alike (``counter.receipts``). A code sale's receipt carries the codes in clear only when it is
made with the codes just revealed (``codes_reveal``); otherwise masked."""

from __future__ import annotations

from django.utils.translation import gettext as _

from buudien.core.money import format_vnd
from buudien.counter.receipts import Receipt
from buudien.telecom.models import Pin, PinSale, Topup


def topup_receipt(row: Topup) -> Receipt:
    notes = [_("Cancelled: the amount was given back.")] if row.is_cancelled else []
    return Receipt.of(
        row,
        title=_("Mobile top-up"),
        lines=[
            (_("Operator"), row.operator.name),
            (_("Subscriber number"), row.phone),
        ],
        total=row.amount,
        total_label=_("Amount paid"),
        notes=notes,
        signatures=[_("Customer"), _("Clerk")],
    )


def pin_receipt(sale: PinSale, shown: list[Pin] | None) -> Receipt:
    pins = shown if shown is not None else list(sale.pins.order_by("id"))
    lines = [
        (_("Operator"), sale.operator.name),
        (_("Face value"), format_vnd(sale.face_value)),
        (_("Quantity"), str(sale.quantity)),
    ]
    for number, pin in enumerate(pins, start=1):
        code = pin.code if shown is not None else pin.masked
        lines.append((_("Card %(n)s serial") % {"n": number}, pin.serial))
        lines.append((_("Card %(n)s code") % {"n": number}, code))
    notes = (
        [_("Keep this receipt: the codes are shown once and never printed again.")]
        if shown is not None
        else [_("A copy: the codes are masked.")]
    )
    return Receipt.of(
        sale,
        title=_("Prepaid card codes"),
        lines=lines,
        total=sale.amount,
        total_label=_("Amount paid"),
        notes=notes,
        signatures=[_("Customer"), _("Clerk")],
    )
