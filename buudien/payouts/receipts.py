"""The receipt of a payment (phiếu chi trả), A6, signed by who received the money and by the
clerk. In Vietnamese whatever the language of the page that asked for it."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from buudien.counter.receipts import Receipt
from buudien.counter.receipts import receipt_pdf as counter_receipt
from buudien.payouts.choices import PayoutService
from buudien.payouts.models import Payment, PayoutLine


def receipt(line: PayoutLine) -> Receipt:
    """The receipt of a paid line (``line.payment`` exists)."""
    payment: Payment = line.payment
    payout_list = line.payout_list
    lines = [
        (pgettext("payouts", "Beneficiary"), line.beneficiary_name),
        (_("Citizen ID"), line.citizen_id),
        (pgettext("payouts", "Payer"), payout_list.payer.name),
        (pgettext("payouts", "List"), f"{payout_list.code} · {payout_list.period:%m/%Y}"),
        (pgettext("payouts", "Line"), str(line.number)),
    ]
    if line.line_reference:
        lines.append((_("Payer's line reference"), line.line_reference))
    if line.point_id != payment.point_id:
        lines.append((_("Listed pay point"), line.point.code))
    notes: list[str] = []
    if payment.by_proxy:
        lines += [
            (_("Received by representative"), payment.proxy_name),
            (_("Representative's citizen ID"), payment.proxy_citizen_id),
            (_("Authorisation"), payment.proxy_document),
        ]
        notes.append(_("Paid to the authorised representative of the beneficiary."))
    pension = payout_list.service == PayoutService.PENSION
    return Receipt(
        title=_("Pension payment receipt") if pension else _("Disbursement receipt"),
        reference=line.code,
        point=payment.point,
        when=payment.paid_at,
        clerk=payment.clerk,
        lines=lines,
        total=line.amount,
        total_label=pgettext("payouts", "Amount paid"),
        notes=notes,
        signatures=[pgettext("payouts", "Receiver"), pgettext("payouts", "Clerk")],
    )


def receipt_pdf(line: PayoutLine) -> bytes:
    """The receipt at A6, in Vietnamese whatever the page's language."""
    return counter_receipt(lambda: receipt(line))
