"""The customer's receipt of a bill collected at the counter (A6 PDF), in Vietnamese."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from buudien.collection.choices import BillStatus, PaymentMethod
from buudien.collection.models import Bill
from buudien.core.money import format_vnd
from buudien.core.pdf import LANGUAGE, counter_receipt_pdf


def bill_receipt_pdf(bill: Bill) -> bytes:
    """The receipt: the partner, the customer, the period, the amount, the fee and its VAT,
    the total in figures and words; a cancelled bill or one awaiting its transfer says so."""
    with translation.override(LANGUAGE):
        lines: list[tuple[str, str]] = [
            (_("Collected for"), bill.partner.name),
            (_("Customer code"), bill.customer_code),
            (_("Customer"), bill.customer_name),
        ]
        if bill.period:
            lines.append((_("Period"), bill.period))
        lines.append((_("Bill amount"), format_vnd(bill.amount)))
        if bill.fee:
            lines.append((_("Service fee"), format_vnd(bill.fee)))
        if bill.fee_vat:
            lines.append((_("VAT on the fee"), format_vnd(bill.fee_vat)))
        lines.append((_("Paid by"), str(PaymentMethod(bill.method).label)))
        notes: list[str] = []
        if bill.status == BillStatus.CANCELLED:
            notes.append(_("CANCELLED: this receipt is void."))
        elif bill.status == BillStatus.PENDING:
            notes.append(_("Awaiting the transfer: not paid yet."))
        else:
            notes.append(
                _("The post office has collected this amount on behalf of %(partner)s.")
                % {"partner": bill.partner.name}
            )
        title = _("Bill payment receipt")
        signatures = (_("Payer"), _("Counter clerk"))
    when = bill.collected_at or bill.created_at
    return counter_receipt_pdf(
        title=title,
        point=bill.point,
        when=when,
        reference=bill.reference,
        lines=lines,
        total=bill.total,
        clerk=bill.collected_by,
        notes=notes,
        signatures=signatures,
    )
