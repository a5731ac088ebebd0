"""The customer's receipt of a bill collected at the counter (A6 PDF), in Vietnamese."""

from __future__ import annotations

from django.utils.translation import gettext as _

from buudien.collection.choices import BillStatus, PaymentMethod
from buudien.collection.models import Bill
from buudien.core.money import format_vnd
from buudien.counter.receipts import Receipt
from buudien.counter.receipts import receipt_pdf as counter_receipt


def bill_receipt(bill: Bill) -> Receipt:
    """The receipt: the partner, the customer, the period, the amount, the fee and its VAT,
    the total in figures and words; a cancelled bill or one awaiting its transfer says so."""
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
    if bill.status == BillStatus.CANCELLED:
        note = _("CANCELLED: this receipt is void.")
    elif bill.status == BillStatus.PENDING:
        note = _("Awaiting the transfer: not paid yet.")
    else:
        note = _("The post office has collected this amount on behalf of %(partner)s.") % {
            "partner": bill.partner.name
        }
    return Receipt(
        title=_("Bill payment receipt"),
        reference=bill.reference,
        point=bill.point,
        when=bill.collected_at or bill.created_at,
        clerk=bill.collected_by,
        lines=lines,
        total=bill.total,
        notes=[note],
        signatures=[_("Payer"), _("Counter clerk")],
    )


def bill_receipt_pdf(bill: Bill) -> bytes:
    """The receipt at A6, in Vietnamese whatever the page's language."""
    return counter_receipt(lambda: bill_receipt(bill))
