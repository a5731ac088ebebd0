"""Bill collection (thu hộ): the partners the post collects for, the bills it collected, and
the settlements that pay the partners what they are owed.

Every table carries ``province_code`` and every unique key includes it, so the tables can
be distributed by province (DESIGN.md, "Scale"). Money is an integer of đồng.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.collection.choices import BillStatus, PartnerKind, PaymentMethod
from buudien.core.text import fold

BASIS_POINTS = 10_000


def _half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator in whole đồng, rounded half up (both non-negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


class Partner(models.Model):
    """A partner whose bills the post collects (EVN, the water company, the tax office, BHXH,
    a telecom operator ...) in one province.

    ``code`` names its payable account on the ledger (``3388.partner.<code>``), so it never
    changes. ``bank`` is the short code of the provincial post's bank account the partner is
    settled from (``1121.<bank>``); ``payee_account`` the partner's own account, printed on
    the settlement. The commission (the post's revenue) is ``commission_fixed`` đồng a bill
    plus ``commission_bp`` basis points of the amount, at least ``commission_min``, never more
    than the bill. ``customer_fee`` (before VAT, at ``fee_vat_rate_bp``) is what the customer
    pays on top of the bill, if anything.
    """

    province_code = models.CharField(_("province code"), max_length=2)
    code = models.CharField(
        _("code"),
        max_length=32,
        help_text=_("Lowercase letters, digits, '-' and '_'; names the payable account."),
    )
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False, default="")
    kind = models.CharField(
        _("kind"), max_length=20, choices=PartnerKind, default=PartnerKind.OTHER
    )
    bank = models.CharField(
        _("settlement bank account"),
        max_length=32,
        help_text=_("Short code of the post's bank account the partner is paid from."),
    )
    payee_account = models.CharField(_("partner's bank account"), max_length=200, blank=True)
    commission_fixed = models.BigIntegerField(_("commission per bill (đồng)"), default=0)
    commission_bp = models.PositiveIntegerField(_("commission (basis points)"), default=0)
    commission_min = models.BigIntegerField(_("minimum commission (đồng)"), default=0)
    customer_fee = models.BigIntegerField(_("customer fee before VAT (đồng)"), default=0)
    fee_vat_rate_bp = models.PositiveIntegerField(_("VAT on the fee (basis points)"), default=1_000)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["province_code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "code"], name="collection_partner_code_uniq"
            ),
            models.CheckConstraint(
                condition=Q(commission_fixed__gte=0)
                & Q(commission_min__gte=0)
                & Q(customer_fee__gte=0)
                & Q(commission_bp__lte=BASIS_POINTS)
                & Q(fee_vat_rate_bp__lte=BASIS_POINTS),
                name="collection_partner_rates_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(f"{self.name} {self.code}")[:200]
        super().save(*args, **kwargs)

    def commission_for(self, amount: int) -> int:
        """The post's commission on a bill of ``amount`` đồng."""
        rate = _half_up(amount * self.commission_bp, BASIS_POINTS)
        commission = max(self.commission_fixed + rate, self.commission_min)
        return min(commission, amount)

    @property
    def fee_vat(self) -> int:
        """VAT on the customer fee, rounded half up."""
        return _half_up(self.customer_fee * self.fee_vat_rate_bp, BASIS_POINTS)


class Settlement(models.Model):
    """A batch transfer paying a partner what the post collected for it over a range of
    business days, net of the commission: one ledger entry (debit the partner's payable,
    credit the bank), and the bills it paid point at it."""

    province_code = models.CharField(_("province code"), max_length=2)
    reference = models.CharField(pgettext_lazy("document number", "reference"), max_length=48)
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="settlements"
    )
    date_from = models.DateField(pgettext_lazy("date range", "from"))
    date_to = models.DateField(pgettext_lazy("date range", "to"))
    bill_count = models.PositiveIntegerField(_("bills"), default=0)
    gross = models.BigIntegerField(_("collected (đồng)"), default=0)
    commission = models.BigIntegerField(_("commission (đồng)"), default=0)
    net = models.BigIntegerField(_("paid to the partner (đồng)"), default=0)
    bank = models.CharField(_("bank account"), max_length=32)
    entry = models.ForeignKey(
        "finance.Entry",
        verbose_name=_("ledger entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=128)
    memo = models.CharField(_("memo"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("settled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("settled at"), auto_now_add=True)

    class Meta:
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "reference"], name="collection_settlement_ref_uniq"
            ),
            models.UniqueConstraint(
                fields=["province_code", "idempotency_key"], name="collection_settlement_key_uniq"
            ),
            models.CheckConstraint(
                condition=Q(date_to__gte=F("date_from")), name="collection_settlement_range"
            ),
            models.CheckConstraint(
                condition=Q(net=F("gross") - F("commission")), name="collection_settlement_net"
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "date_to"], name="collection_settlement_p_idx"),
        ]

    def __str__(self) -> str:
        return self.reference


class Bill(models.Model):
    """One bill collected at a counter: the partner's customer, the period, the amount.

    A cash bill is posted on the ledger when it is collected; a bill paid by transfer waits
    (``pending``, nothing posted) until the cashless app confirms the transfer. A bill is
    never edited: a mistake is cancelled the same business day (its entry reversed) and the
    bill collected again.
    """

    province_code = models.CharField(_("province code"), max_length=2)
    reference = models.CharField(pgettext_lazy("document number", "reference"), max_length=32)
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="bills"
    )
    point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("service point"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clerk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    customer_code = models.CharField(_("customer code"), max_length=40)
    customer_name = models.CharField(_("customer name"), max_length=200)
    customer_folded = models.CharField(max_length=250, db_index=True, editable=False, default="")
    period = models.CharField(_("period"), max_length=20, blank=True)
    amount = models.BigIntegerField(_("amount (đồng)"))
    commission = models.BigIntegerField(_("commission (đồng)"), default=0)
    fee = models.BigIntegerField(pgettext_lazy("collection", "fee before VAT (đồng)"), default=0)
    fee_vat = models.BigIntegerField(_("VAT on the fee (đồng)"), default=0)
    method = models.CharField(
        pgettext_lazy("payment method", "payment"),
        max_length=16,
        choices=PaymentMethod,
        default=PaymentMethod.CASH,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=BillStatus, default=BillStatus.COLLECTED
    )
    business_date = models.DateField(_("business day"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))
    collected_at = models.DateTimeField(_("collected"), null=True, blank=True)
    entry = models.ForeignKey(
        "finance.Entry",
        verbose_name=_("ledger entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    payment_ref = models.CharField(_("cashless payment"), max_length=64, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    cancel_entry = models.ForeignKey(
        "finance.Entry",
        verbose_name=_("reversal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    settlement = models.ForeignKey(
        Settlement,
        verbose_name=_("settlement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bills",
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=128)

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "reference"], name="collection_bill_ref_uniq"
            ),
            models.UniqueConstraint(
                fields=["province_code", "idempotency_key"], name="collection_bill_key_uniq"
            ),
            # One payment of a customer's bill for a period (cancelled ones aside).
            models.UniqueConstraint(
                fields=["province_code", "partner", "customer_code", "period"],
                condition=~Q(status="cancelled") & ~Q(period=""),
                name="collection_bill_once_per_period",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0)
                & Q(commission__gte=0)
                & Q(commission__lte=F("amount"))
                & Q(fee__gte=0)
                & Q(fee_vat__gte=0),
                name="collection_bill_amounts_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["province_code", "business_date", "partner"], name="collection_bill_day_idx"
            ),
            models.Index(fields=["point", "business_date"], name="collection_bill_point_idx"),
            models.Index(
                fields=["partner", "status", "settlement", "business_date"],
                name="collection_bill_unsettled_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.customer_folded = fold(f"{self.customer_code} {self.customer_name}")[:250]
        super().save(*args, **kwargs)

    @property
    def total(self) -> int:
        """What the customer pays: the bill, the fee and its VAT."""
        return self.amount + self.fee + self.fee_vat

    @property
    def net(self) -> int:
        """What the partner is owed for this bill: the amount less the commission."""
        return self.amount - self.commission

    @property
    def is_settled(self) -> bool:
        return self.settlement_id is not None
