"""The customer's receipt of a compensation paid at a counter (``counter.receipts``, A6):
the request, the item, the rule, the amount in figures and in words, the signatures."""

from __future__ import annotations

from django.utils.translation import gettext as _

from buudien.care.choices import CompensationRule, PaymentMethod
from buudien.care.models import CompensationPayment
from buudien.care.selectors_money import item_label
from buudien.counter.receipts import Receipt, receipt_pdf


def payment_receipt(payment: CompensationPayment) -> Receipt:
    compensation = payment.compensation
    request = compensation.request
    lines = [
        (_("Request"), request.code),
        (_("Mail item"), item_label(request)),
        (_("Rule"), str(CompensationRule(compensation.rule).label)),
        (_("Paid to"), payment.payee_name),
        (_("Paid by"), str(PaymentMethod(payment.method).label)),
    ]
    if payment.payee_account:
        lines.append((_("Account"), payment.payee_account))
    return Receipt.of(
        payment,
        title=_("Compensation payment receipt"),
        lines=lines,
        total=payment.amount,
        total_label=_("Compensation paid"),
        notes=[
            _("Paid under Decree 47/2011/NĐ-CP for complaint %(code)s.") % {"code": request.code}
        ],
        signatures=[_("Customer"), _("Clerk")],
    )


def payment_receipt_pdf(payment: CompensationPayment) -> bytes:
    return receipt_pdf(lambda: payment_receipt(payment))
