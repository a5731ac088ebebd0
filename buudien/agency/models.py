"""The financial services the post offers at its counters as an agent: savings passbooks
and their deposits and withdrawals (for the partner bank), loan repayments collected and loan
applications referred, payment accounts opened for partners, and remittances.

Every customer operation is a row here and one ledger entry (``entry``) posted in the same
transaction, under the same idempotency key. Every table carries ``province_code`` and its
unique keys include it, so it can be distributed by province (DESIGN.md, "Scale").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buudien.agency.choices import (
    OpeningChannel,
    Partner,
    RateService,
    RemittanceDestination,
    RemittanceStatus,
    SavingsKind,
    SavingsTerm,
)
from buudien.counter.models import CounterOperation


class AgencyRate(models.Model):
    """What the post earns on one service in one province from ``valid_from``: a commission
    from the partner (savings, credit, payment accounts) or the fee the customer pays
    (remittance, VAT on top). ``rate_bp`` basis points of the amount plus ``fixed`` đồng,
    then at least ``minimum`` and at most ``maximum`` (0: no cap). A blank partner is the
    province's rate for every partner of the service."""

    province_code = models.CharField(_("province code"), max_length=2)
    service = models.CharField(_("service"), max_length=32, choices=RateService)
    partner = models.CharField(_("partner"), max_length=32, choices=Partner, blank=True)
    valid_from = models.DateField(_("valid from"))
    rate_bp = models.PositiveIntegerField(
        _("rate (basis points)"), default=0, help_text=_("1 basis point is 0.01 %.")
    )
    fixed = models.BigIntegerField(_("fixed amount (đồng)"), default=0)
    minimum = models.BigIntegerField(_("minimum (đồng)"), default=0)
    maximum = models.BigIntegerField(_("maximum (đồng)"), default=0, help_text=_("0: no cap."))
    vat_rate_bp = models.PositiveIntegerField(
        _("VAT rate (basis points)"), default=0, help_text=_("Remittance fees only.")
    )

    class Meta:
        verbose_name = _("agency rate")
        verbose_name_plural = _("agency rates")
        ordering = ["province_code", "service", "partner", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "service", "partner", "valid_from"],
                name="agency_rate_uniq",
            ),
            models.CheckConstraint(
                condition=Q(fixed__gte=0) & Q(minimum__gte=0) & Q(maximum__gte=0),
                name="agency_rate_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province_code} {self.service} {self.partner or '*'} {self.valid_from}"


class SavingsBook(models.Model):
    """A passbook of the partner bank opened at a point's counter. ``balance`` is what the
    deposits and withdrawals made through the post have left on it; it is never below zero."""

    province_code = models.CharField(_("province code"), max_length=2)
    number = models.CharField(_("book number"), max_length=20)
    partner = models.CharField(_("partner"), max_length=32, choices=Partner)
    holder_name = models.CharField(_("customer name"), max_length=150)
    holder_folded = models.CharField(max_length=150, editable=False, db_index=True)
    citizen_id = models.CharField(_("citizen ID"), max_length=12)
    term_months = models.PositiveSmallIntegerField(_("term"), choices=SavingsTerm)
    point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("service point"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_on = models.DateField(_("opened on"))
    balance = models.BigIntegerField(_("balance (đồng)"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("savings book")
        verbose_name_plural = _("savings books")
        ordering = ["province_code", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "number"], name="agency_savingsbook_uniq"
            ),
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="agency_savingsbook_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class SavingsTransaction(CounterOperation):
    """A deposit to a passbook or a withdrawal from it."""

    book = models.ForeignKey(
        SavingsBook,
        verbose_name=_("savings book"),
        on_delete=models.PROTECT,
        related_name="transactions",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SavingsKind)
    amount = models.BigIntegerField(_("amount (đồng)"))
    commission = models.BigIntegerField(_("commission (đồng)"), default=0)
    balance_after = models.BigIntegerField(_("balance after (đồng)"))

    class Meta(CounterOperation.Meta):
        verbose_name = _("savings transaction")
        verbose_name_plural = _("savings transactions")
        indexes = [
            models.Index(
                fields=["province_code", "point", "business_date"], name="agency_savtx_day_idx"
            )
        ]


class LoanRepayment(CounterOperation):
    """A loan repayment collected at the counter for the partner bank."""

    partner = models.CharField(_("partner"), max_length=32, choices=Partner)
    contract_number = models.CharField(_("loan contract number"), max_length=40)
    borrower_name = models.CharField(_("borrower"), max_length=150)
    citizen_id = models.CharField(_("citizen ID"), max_length=12, blank=True)
    amount = models.BigIntegerField(_("amount (đồng)"))
    commission = models.BigIntegerField(_("commission (đồng)"), default=0)

    class Meta(CounterOperation.Meta):
        verbose_name = _("loan repayment")
        verbose_name_plural = _("loan repayments")
        indexes = [
            models.Index(
                fields=["province_code", "point", "business_date"], name="agency_loan_day_idx"
            )
        ]


class LoanReferral(CounterOperation):
    """A loan application taken at the counter and referred to the partner bank (counted;
    no money moves, so no ledger entry)."""

    partner = models.CharField(_("partner"), max_length=32, choices=Partner)
    applicant_name = models.CharField(_("applicant"), max_length=150)
    citizen_id = models.CharField(_("citizen ID"), max_length=12)
    phone = models.CharField(_("phone"), max_length=20)
    amount_requested = models.BigIntegerField(_("amount requested (đồng)"))
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)

    class Meta(CounterOperation.Meta):
        verbose_name = _("loan referral")
        verbose_name_plural = _("loan referrals")
        indexes = [
            models.Index(
                fields=["province_code", "point", "business_date"], name="agency_referral_day_idx"
            )
        ]


class PaymentAccount(CounterOperation):
    """A payment account (or e-wallet) opened for a customer for a partner; the partner pays
    the post a commission per account opened."""

    partner = models.CharField(_("partner"), max_length=32, choices=Partner)
    customer_name = models.CharField(_("customer name"), max_length=150)
    citizen_id = models.CharField(_("citizen ID"), max_length=12)
    phone = models.CharField(_("phone"), max_length=20)
    account_number = models.CharField(_("account number"), max_length=30)
    channel = models.CharField(_("channel"), max_length=16, choices=OpeningChannel)
    commission = models.BigIntegerField(_("commission (đồng)"), default=0)

    class Meta(CounterOperation.Meta):
        verbose_name = _("payment account opened")
        verbose_name_plural = _("payment accounts opened")
        indexes = [
            models.Index(
                fields=["province_code", "point", "business_date"], name="agency_account_day_idx"
            )
        ]
        constraints = [
            *CounterOperation.Meta.constraints,
            models.UniqueConstraint(
                fields=["province_code", "partner", "account_number"],
                name="agency_paymentaccount_number_uniq",
            ),
        ]


class Remittance(CounterOperation):
    """Money sent at one counter, to be paid in cash at a destination point (with the
    recipient's ID and the code given to the sender) or credited to a bank account. The
    sending is ``entry``; the payment ``paid_entry``. Paid once."""

    sender_name = models.CharField(_("sender"), max_length=150)
    sender_citizen_id = models.CharField(_("sender's citizen ID"), max_length=12)
    sender_phone = models.CharField(_("sender's phone"), max_length=20, blank=True)
    recipient_name = models.CharField(_("recipient"), max_length=150)
    recipient_citizen_id = models.CharField(_("recipient's citizen ID"), max_length=12, blank=True)
    recipient_phone = models.CharField(_("recipient's phone"), max_length=20, blank=True)
    destination = models.CharField(_("destination"), max_length=16, choices=RemittanceDestination)
    destination_point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("paying point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient_bank = models.CharField(_("recipient's bank"), max_length=32, blank=True)
    recipient_account = models.CharField(_("recipient's account"), max_length=30, blank=True)
    amount = models.BigIntegerField(_("amount (đồng)"))
    fee = models.BigIntegerField(_("fee before VAT (đồng)"))
    vat = models.BigIntegerField(_("VAT (đồng)"))
    # The six-digit code is shown to the sender once; only its keyed hash is kept
    # (``services.code_hash``), and wrong codes are counted: past a few, the remittance is
    # locked at the counter.
    secret_hash = models.CharField(_("payment code (hash)"), max_length=64, blank=True)
    # The code itself, on the remittance just sent only (never stored).
    secret_code = ""
    wrong_tries = models.PositiveSmallIntegerField(_("wrong codes tried"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=RemittanceStatus)
    paid_reference = models.CharField(_("payment reference"), max_length=24, blank=True)
    paid_key = models.CharField(max_length=128, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_date = models.DateField(_("paid on"), null=True, blank=True)
    paid_point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("paid at point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paid by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    paid_entry = models.ForeignKey(
        "finance.Entry",
        verbose_name=_("payment entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(CounterOperation.Meta):
        verbose_name = _("remittance")
        verbose_name_plural = _("remittances")
        constraints = [
            *CounterOperation.Meta.constraints,
            models.UniqueConstraint(
                fields=["province_code", "paid_key"],
                condition=~Q(paid_key=""),
                name="agency_remittance_paid_key_uniq",
            ),
            models.UniqueConstraint(
                fields=["province_code", "paid_reference"],
                condition=~Q(paid_reference=""),
                name="agency_remittance_paid_ref_uniq",
            ),
        ]
        indexes = [
            models.Index(
                fields=["province_code", "point", "business_date"], name="agency_remit_day_idx"
            ),
            models.Index(
                fields=["province_code", "destination_point", "status"],
                name="agency_remittance_dest_idx",
            ),
        ]

    @property
    def total_paid_by_sender(self) -> int:
        return self.amount + self.fee + self.vat
