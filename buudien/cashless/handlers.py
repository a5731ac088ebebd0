"""The cashless app's own kind: ``counter_payment``, any amount owed at a counter that no
other service settles (a mail fee, goods, a copy ...).

What it posts, and why: the clerk books the operation at the counter as usual, against the
drawer (Dr drawer / Cr revenue, VAT ...: the operation's own entry, counted once in the
service's volume and revenue). The customer then pays by transfer instead of cash, so the
drawer never received the money it was debited with. When the transfer reaches the bank,
confirming posts **Dr bank / Cr drawer**: the bank holds the money and the drawer comes back
to the cash it really holds, so the evening's count matches. The drawer cannot go below
zero: a payment for an operation that was never booked against the drawer is refused (and
stays unconfirmed) instead of hiding a shortage.

The leg carries no service code: it moves money between two of the post's own accounts for
an operation whose entry is counted already; a service code here would count the operation
twice in the year-end volumes. The entry kind is ``bank_deposit`` (the drawer's money going
to the bank is what it amounts to) until the ledger has a kind of its own for it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buudien.cashless.models import PaymentRequest
from buudien.cashless.registry import settles
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account, Entry

COUNTER_PAYMENT = "counter_payment"
# A kind of its own, so the cash desk does not count these as deposits to the bank.
ENTRY_KIND: str = EntryKind.CASHLESS_PAYMENT


def ledger_key(payment: PaymentRequest) -> str:
    return f"cashless:{payment.pk}"


def ledger_reference(payment: PaymentRequest) -> str:
    return f"cashless:{payment.code}"


@settles(COUNTER_PAYMENT, label=gettext_lazy("Counter payment"))
def counter_payment_settle(payment: PaymentRequest, *, actor: Any, bank: Account) -> Entry:
    """Dr bank / Cr the point's drawer, on the day the money arrived."""
    return ledger.entry_post(
        actor=actor,
        idempotency_key=ledger_key(payment),
        kind=ENTRY_KIND,
        reference=ledger_reference(payment),
        legs=[
            ledger.Leg(
                debit=bank,
                credit=ledger.account_for_drawer(payment.point),
                amount=payment.amount,
            )
        ],
        province_code=payment.province_code,
        business_date=payment.paid_on,
        late=True,
        point=payment.point,
        memo=(_("Paid by transfer: %(purpose)s") % {"purpose": payment.purpose or payment.code})[
            :500
        ],
    )
