"""Disbursements and pensions (chi hộ; chi trả lương hưu và trợ cấp BHXH).

A ``Payer`` (BHXH tỉnh, the provincial labour department ...) sends a monthly ``PayoutList``;
each ``PayoutLine`` is one beneficiary to pay at a counter, once. Its ``Payment`` is the event
of paying it (who, where, when, to whom: the beneficiary or an authorised representative).
The money is on the ledger (see ``services``); these rows say what it was for.

Large tables (lines, payments) carry ``province_code`` and include it in their unique keys,
so they can be distributed by province (DESIGN.md, "Scale").
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.payouts.choices import LineStatus, ListStatus, PayoutService


class Payer(models.Model):
    """Who sends lists and pays the post a commission for paying them. ``code`` names the
    payer's account on the ledger (``3388.partner.<code>``); ``bank`` the post's bank account
    its money arrives in (``1121.<bank>``)."""

    province_code = models.CharField(_("province code"), max_length=2)
    code = models.CharField(
        _("code"),
        max_length=32,
        help_text=_("Lowercase letters, digits, '-' and '_': names the payer's ledger account."),
    )
    name = models.CharField(_("name"), max_length=200)
    service = models.CharField(_("service"), max_length=16, choices=PayoutService)
    bank = models.CharField(
        _("bank account"),
        max_length=32,
        default="bidv",
        help_text=_("The post's bank account the payer's money arrives in (a short code)."),
    )
    commission_per_line = models.BigIntegerField(
        _("commission per line (đồng)"),
        default=0,
        help_text=_("What the payer pays the post for each line paid."),
    )
    commission_rate_bp = models.PositiveIntegerField(
        _("commission rate (hundredths of a percent of the amount)"),
        default=0,
        help_text=_("50 means 0.50 percent of the amount paid."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("payer")
        verbose_name_plural = _("payers")
        ordering = ["province_code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province_code", "code"], name="payer_code_uniq"),
            models.CheckConstraint(
                condition=models.Q(commission_per_line__gte=0), name="payer_commission_gte0"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def commission_for(self, amount: int) -> int:
        """The commission of a line of ``amount`` đồng: per line plus the rate, rounded half
        up to the đồng."""
        return self.commission_per_line + (amount * self.commission_rate_bp + 5_000) // 10_000


class PayoutList(models.Model):
    """One payer's list for one month (``period`` is its first day)."""

    province_code = models.CharField(_("province code"), max_length=2)
    code = models.CharField(_("code"), max_length=20)
    payer = models.ForeignKey(
        Payer, verbose_name=_("payer"), on_delete=models.PROTECT, related_name="lists"
    )
    service = models.CharField(_("service"), max_length=16, choices=PayoutService)
    period = models.DateField(pgettext_lazy("payouts", "period"))
    unit = models.ForeignKey(
        "network.Unit",
        verbose_name=_("provincial post"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reference = models.CharField(_("payer's reference"), max_length=100, blank=True)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ListStatus, default=ListStatus.OPEN
    )
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    total_amount = models.BigIntegerField(_("total"), default=0)
    commission_total = models.BigIntegerField(_("commission"), default=0)
    created_at = models.DateTimeField(_("imported at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    funding_entry = models.ForeignKey(
        "finance.Entry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(pgettext_lazy("books", "closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("books", "closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_count = models.PositiveIntegerField(_("lines returned"), default=0)
    returned_amount = models.BigIntegerField(_("amount returned"), default=0)
    return_entry = models.ForeignKey(
        "finance.Entry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("payout list")
        verbose_name_plural = _("payout lists")
        ordering = ["-period", "code"]
        constraints = [
            models.UniqueConstraint(fields=["province_code", "code"], name="payoutlist_code_uniq"),
        ]
        indexes = [
            models.Index(fields=["province_code", "period"], name="payoutlist_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.payer} · {self.period:%m/%Y}"

    @property
    def period_text(self) -> str:
        return f"{self.period:%m/%Y}"

    @property
    def period_end(self) -> dt.date:
        following = (self.period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return following - dt.timedelta(days=1)

    @property
    def is_open(self) -> bool:
        return self.status == ListStatus.OPEN


class PayoutLine(models.Model):
    """One beneficiary of a list: paid once, at any point of the province, or returned to the
    payer when the list closes."""

    province_code = models.CharField(_("province code"), max_length=2)
    payout_list = models.ForeignKey(
        PayoutList, verbose_name=_("list"), on_delete=models.PROTECT, related_name="lines"
    )
    number = models.PositiveIntegerField(_("line number"))
    beneficiary_name = models.CharField(_("beneficiary"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, default="")
    citizen_id = models.CharField(_("citizen ID"), max_length=12)
    amount = models.BigIntegerField(_("amount"))
    commission = models.BigIntegerField(_("commission"), default=0)
    point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("pay point"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    line_reference = models.CharField(_("payer's line reference"), max_length=50, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=LineStatus, default=LineStatus.UNPAID
    )

    class Meta:
        verbose_name = _("payout line")
        verbose_name_plural = _("payout lines")
        ordering = ["payout_list", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "payout_list", "number"], name="payoutline_number_uniq"
            ),
            models.UniqueConstraint(
                fields=["province_code", "payout_list", "citizen_id"], name="payoutline_cid_uniq"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payoutline_amount_gt0"),
        ]
        indexes = [
            models.Index(fields=["province_code", "citizen_id"], name="payoutline_cid_idx"),
            models.Index(fields=["payout_list", "status", "point"], name="payoutline_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.beneficiary_name}"

    @property
    def code(self) -> str:
        """The line's public number: the list's code and the line's number (on receipts)."""
        return f"{self.payout_list.code}-{self.number:05d}"

    @property
    def citizen_id_masked(self) -> str:
        """The ID with its middle hidden, for lists on a screen: ``001******345``."""
        return f"{self.citizen_id[:3]}******{self.citizen_id[-3:]}"


class Payment(models.Model):
    """The event of paying a line: at most one per line. A payment to an authorised
    representative records who they are and the number of the authorisation."""

    province_code = models.CharField(_("province code"), max_length=2)
    line = models.OneToOneField(
        PayoutLine, verbose_name=_("line"), on_delete=models.PROTECT, related_name="payment"
    )
    point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("paid at"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clerk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    paid_at = models.DateTimeField(_("paid at"))
    request_key = models.CharField(_("request key"), max_length=128)
    entry = models.ForeignKey(
        "finance.Entry", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    proxy_name = models.CharField(_("representative"), max_length=200, blank=True)
    proxy_citizen_id = models.CharField(_("representative's citizen ID"), max_length=12, blank=True)
    proxy_document = models.CharField(_("authorisation document number"), max_length=50, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("payouts", "payment")
        verbose_name_plural = pgettext_lazy("payouts", "payments")
        ordering = ["-paid_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "request_key"], name="payment_key_uniq"
            ),
        ]
        indexes = [models.Index(fields=["point", "paid_at"], name="payment_point_time_idx")]

    def __str__(self) -> str:
        return f"{self.line_id} {self.paid_at:%d/%m/%Y %H:%M}"

    @property
    def by_proxy(self) -> bool:
        return bool(self.proxy_name)
