"""The receipt of a payment (phiếu chi trả), A6, signed by who received the money and by the
clerk. In Vietnamese whatever the language of the page that asked for it."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from buudien.core.pdf import LANGUAGE, counter_receipt_pdf
from buudien.payouts.choices import PayoutService
from buudien.payouts.models import Payment, PayoutLine


def receipt_pdf(line: PayoutLine) -> bytes:
    """The receipt of a paid line (``line.payment`` exists)."""
    payment: Payment = line.payment
    payout_list = line.payout_list
    with translation.override(LANGUAGE):
        title = (
            _("Pension payment receipt")
            if payout_list.service == PayoutService.PENSION
            else _("Disbursement receipt")
        )
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
        signatures = [pgettext("payouts", "Receiver"), pgettext("payouts", "Clerk")]
        return counter_receipt_pdf(
            title=title,
            point=payment.point,
            when=payment.paid_at,
            reference=line.code,
            lines=lines,
            total=line.amount,
            total_label=pgettext("payouts", "Amount paid"),
            clerk=payment.clerk,
            notes=notes,
            signatures=signatures,
        )
