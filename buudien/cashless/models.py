"""Cashless payment at the counter: a VietQR code for an amount owed, confirmed when the
money reaches the provincial post's bank account (by a bank statement or by an accountant).

Every table carries the province code and its unique keys include it (see DESIGN, Scale).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.cashless.choices import LineStatus, PaymentEventKind, PaymentStatus
from buudien.cashless.registry import label_for


class BankAccount(models.Model):
    """A bank account of a provincial post that receives cashless payments. One per province
    is active: new payment codes name it."""

    province_code = models.CharField(_("province code"), max_length=2)
    bank_bin = models.CharField(
        _("bank BIN"), max_length=6, help_text=_("The bank's 6-digit NAPAS BIN, e.g. 970415.")
    )
    bank_name = models.CharField(_("bank"), max_length=100)
    account_number = models.CharField(_("account number"), max_length=19)
    account_name = models.CharField(_("account name"), max_length=200)
    ledger_slug = models.CharField(
        _("ledger bank code"),
        max_length=32,
        help_text=_("The short code of the bank account in the ledger (1121.<code>), e.g. vtb."),
    )
    active = models.BooleanField(_("receives payments"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("receiving bank account")
        verbose_name_plural = _("receiving bank accounts")
        ordering = ["province_code", "-active", "bank_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "bank_bin", "account_number"],
                name="cashless_bankaccount_uniq",
            ),
            models.UniqueConstraint(
                fields=["province_code"],
                condition=Q(active=True),
                name="cashless_bankaccount_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank_name} {self.account_number}"


class PaymentRequest(models.Model):
    """An amount owed at a counter, to be paid by a bank transfer to the province's account
    through a VietQR code. ``code`` goes into the transfer's purpose, so a line of the bank
    statement finds its request."""

    province_code = models.CharField(_("province code"), max_length=2)
    point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("service point"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=32)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    amount = models.BigIntegerField(_("amount"))
    purpose = models.CharField(
        pgettext_lazy("bank transfer", "purpose"), max_length=200, blank=True
    )
    code = models.CharField(_("code"), max_length=16)
    payload = models.CharField(_("VietQR payload"), max_length=512)
    bank_account = models.ForeignKey(
        BankAccount,
        verbose_name=_("bank account"),
        on_delete=models.PROTECT,
        related_name="requests",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PaymentStatus, default=PaymentStatus.PENDING
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=128)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    paid_on = models.DateField(
        pgettext_lazy("bank transfer", "paid on"),
        null=True,
        blank=True,
        help_text=_("The day the money reached the bank."),
    )
    bank_reference = models.CharField(_("bank reference"), max_length=64, blank=True)
    entry = models.ForeignKey(
        "finance.Entry",
        verbose_name=_("ledger entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "code"], name="cashless_request_code_uniq"
            ),
            models.UniqueConstraint(
                fields=["province_code", "idempotency_key"], name="cashless_request_key_uniq"
            ),
            models.UniqueConstraint(
                fields=["province_code", "bank_reference"],
                condition=~Q(bank_reference=""),
                name="cashless_request_bankref_uniq",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="cashless_request_amount_pos"),
        ]
        indexes = [
            models.Index(
                fields=["province_code", "status", "created_at"], name="cashless_req_status_idx"
            ),
            models.Index(fields=["point", "created_at"], name="cashless_req_point_idx"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def kind_label(self) -> str:
        """What the payment is for, in words ("Thu hộ", "Bán hàng hóa")."""
        return label_for(self.kind)

    def is_open(self) -> bool:
        return self.status in PaymentStatus.open()

    def is_past_expiry(self, now: dt.datetime | None = None) -> bool:
        return self.status == PaymentStatus.PENDING and (now or timezone.now()) >= self.expires_at

    @property
    def shown_status(self) -> str:
        """The status a person should see: a pending code past its time shows as expired."""
        return PaymentStatus.EXPIRED.value if self.is_past_expiry() else self.status

    def get_shown_status_display(self) -> str:
        return str(PaymentStatus(self.shown_status).label)


class PaymentEvent(models.Model):
    """What happened to a payment request, appended in the transaction that did it."""

    province_code = models.CharField(_("province code"), max_length=2)
    request = models.ForeignKey(PaymentRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=PaymentEventKind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"


class StatementLine(models.Model):
    """A line of the receiving account's bank statement, as imported. A line is imported once
    (its bank reference); a credit is matched to its payment request, or kept unmatched for an
    accountant to match by hand; what is no customer's payment (the bank's fees, interest,
    money going out: a negative amount) is kept as not related, with the reason."""

    province_code = models.CharField(_("province code"), max_length=2)
    date = models.DateField(_("date"))
    amount = models.BigIntegerField(
        _("amount"), help_text=_("Credited; negative when the money went out (a debit).")
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=LineStatus)
    reason = models.CharField(_("why not matched"), max_length=300, blank=True)
    request = models.ForeignKey(
        PaymentRequest,
        verbose_name=_("payment request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statement_lines",
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    source = models.CharField(_("file"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("bank statement line")
        verbose_name_plural = _("bank statement lines")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "bank_reference"], name="cashless_line_bankref_uniq"
            ),
        ]
        indexes = [
            models.Index(
                fields=["province_code", "status", "date"], name="cashless_line_status_idx"
            )
        ]

    def __str__(self) -> str:
        return self.bank_reference


class CashlessPoint(models.Model):
    """Since when a point takes cashless payments: the day of its first confirmed one, or
    the day an administrator enabled it (``cashless_point_enable``) if that came first."""

    province_code = models.CharField(_("province code"), max_length=2)
    point = models.OneToOneField(
        "network.ServicePoint",
        verbose_name=_("service point"),
        on_delete=models.CASCADE,
        related_name="cashless_record",
    )
    since = models.DateField(_("cashless since"))
    first_request = models.ForeignKey(
        PaymentRequest,
        verbose_name=_("first payment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("cashless point")
        verbose_name_plural = _("cashless points")
        ordering = ["province_code", "since"]
        indexes = [models.Index(fields=["province_code", "since"], name="cashless_point_since_idx")]

    def __str__(self) -> str:
        return f"{self.point_id} {self.since}"
