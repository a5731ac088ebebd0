"""The cash desk: the daily closing of each point's drawer, cash handed over to the bank or
another counter, and COD paid out to senders.

Every table carries ``province_code`` and its unique keys include it (DESIGN.md, "Scale").
Money moves only on the ledger (``buudien.finance``); these rows record the count, the
decision and which items' COD was paid, and point at the ledger entry they posted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.cashdesk.choices import (
    ClosingAction,
    ClosingStatus,
    HandoverKind,
    HandoverStatus,
    PayoutMethod,
)


class CashClosing(models.Model):
    """The count of one point's drawer at the end of one business day, compared with what
    the ledger says the drawer holds. One per point and day: a recount replaces a count not
    yet decided; ``closed`` and ``approved`` closings are final."""

    province_code = models.CharField(_("province code"), max_length=2)
    point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("service point"),
        on_delete=models.PROTECT,
        related_name="cash_closings",
    )
    business_date = models.DateField(_("business day"))
    status = models.CharField(_("status"), max_length=16, choices=ClosingStatus)
    counts = models.JSONField(
        _("banknotes counted"), default=dict, help_text=_("Denomination (đồng) → number of notes.")
    )
    coins = models.BigIntegerField(_("coins and small change (đồng)"), default=0)
    counted_total = models.BigIntegerField(_("counted (đồng)"))
    opening = models.BigIntegerField(_("opening balance (đồng)"))
    receipts = models.BigIntegerField(_("received during the day (đồng)"))
    payments = models.BigIntegerField(_("paid out during the day (đồng)"))
    expected = models.BigIntegerField(_("ledger balance (đồng)"))
    difference = models.BigIntegerField(
        _("difference (đồng)"), help_text=_("Counted minus the ledger: below zero is a shortage.")
    )
    recounts = models.PositiveIntegerField(_("recounts"), default=0)
    note = models.CharField(_("clerk's note"), max_length=500, blank=True)
    counted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counted by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    counted_at = models.DateTimeField(_("counted at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("accountant's note"), max_length=500, blank=True)
    entry = models.ForeignKey(
        "finance.Entry",
        verbose_name=_("ledger entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("cash closing")
        verbose_name_plural = _("cash closings")
        ordering = ["-business_date", "point__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "point", "business_date"], name="cashdesk_closing_uniq"
            ),
            models.CheckConstraint(
                condition=Q(counted_total__gte=0), name="cashdesk_closing_counted_nonnegative"
            ),
        ]
        indexes = [
            models.Index(fields=["province_code", "status"], name="cashdesk_closing_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.business_date:%d/%m/%Y}"

    @property
    def is_final(self) -> bool:
        return self.status in ClosingStatus.final()

    @property
    def shortage(self) -> int:
        return max(0, -self.difference)

    @property
    def surplus(self) -> int:
        return max(0, self.difference)

    @property
    def notes_total(self) -> int:
        return self.counted_total - self.coins


class ClosingEvent(models.Model):
    """Each count, recount and decision of a closing, as it happened (append-only)."""

    province_code = models.CharField(_("province code"), max_length=2)
    closing = models.ForeignKey(
        CashClosing,
        verbose_name=pgettext_lazy("cash count", "closing"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    action = models.CharField(_("action"), max_length=16, choices=ClosingAction)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    counted_total = models.BigIntegerField(_("counted (đồng)"))
    expected = models.BigIntegerField(_("ledger balance (đồng)"))
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("closing event")
        verbose_name_plural = _("closing events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.closing_id} {self.action}"


class CashHandover(models.Model):
    """Cash taken out of a drawer and handed to the bank or to another counter's safe.

    ``entry`` took it out of the drawer: into the bank account at once (a deposit at or
    below ``BUUDIEN_HANDOVER_APPROVAL_ABOVE``), or into cash in transit (113.cash) while it
    waits (``pending``) for the receiving point's confirmation or an accountant's approval;
    ``settled_entry`` then moved it on, to where it was handed, or back into the drawer
    (``refused``)."""

    province_code = models.CharField(_("province code"), max_length=2)
    idempotency_key = models.CharField(_("idempotency key"), max_length=128)
    point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("from the drawer of"),
        on_delete=models.PROTECT,
        related_name="cash_handovers",
    )
    kind = models.CharField(_("handed to"), max_length=8, choices=HandoverKind)
    bank = models.CharField(_("bank"), max_length=32, blank=True)
    to_point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("to the safe of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = models.BigIntegerField(_("amount (đồng)"))
    slip = models.CharField(_("slip number"), max_length=64, blank=True)
    business_date = models.DateField(_("business day"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"))
    entry = models.ForeignKey(
        "finance.Entry", verbose_name=_("ledger entry"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=HandoverStatus)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed or refused by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("confirmed or refused at"), null=True, blank=True)
    refusal = models.CharField(_("reason for refusing"), max_length=200, blank=True)
    settled_entry = models.ForeignKey(
        "finance.Entry",
        verbose_name=_("entry of the receipt or the return"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("cash handover")
        verbose_name_plural = _("cash handovers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "idempotency_key"], name="cashdesk_handover_key_uniq"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="cashdesk_handover_positive"),
        ]
        indexes = [
            models.Index(fields=["province_code", "status"], name="cashdesk_handover_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.point_id} {self.amount}"

    @property
    def is_pending(self) -> bool:
        return self.status == HandoverStatus.PENDING


class CodPayout(models.Model):
    """COD paid to one sender in one batch: in cash at a counter or by bank transfer."""

    province_code = models.CharField(_("province code"), max_length=2)
    idempotency_key = models.CharField(_("idempotency key"), max_length=128)
    number = models.CharField(_("number"), max_length=32)
    method = models.CharField(_("paid"), max_length=8, choices=PayoutMethod)
    point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("sender's post office"),
        on_delete=models.PROTECT,
        related_name="cod_payouts",
        help_text=_("Where the items were posted; a cash payout is paid from its drawer."),
    )
    bank = models.CharField(_("from the bank account at"), max_length=32, blank=True)
    sender_name = models.CharField(_("sender"), max_length=200)
    sender_phone = models.CharField(_("sender phone"), max_length=20, blank=True)
    payee_name = models.CharField(
        pgettext_lazy("COD payout", "received by"), max_length=200, blank=True
    )
    payee_id_number = models.CharField(_("ID card number"), max_length=20, blank=True)
    payee_account = models.CharField(_("sender's bank account"), max_length=40, blank=True)
    total = models.BigIntegerField(_("total (đồng)"))
    item_count = models.PositiveIntegerField(_("items"))
    business_date = models.DateField(_("business day"))
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("paid by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    paid_at = models.DateTimeField(_("paid at"))
    entry = models.ForeignKey(
        "finance.Entry", verbose_name=_("ledger entry"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("COD payout")
        verbose_name_plural = _("COD payouts")
        ordering = ["-paid_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "idempotency_key"], name="cashdesk_payout_key_uniq"
            ),
            models.UniqueConstraint(
                fields=["province_code", "number"], name="cashdesk_payout_number_uniq"
            ),
            models.CheckConstraint(condition=Q(total__gt=0), name="cashdesk_payout_positive"),
        ]
        indexes = [
            models.Index(
                fields=["province_code", "sender_phone"], name="cashdesk_payout_phone_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class CodPayoutItem(models.Model):
    """One item's COD in a payout: each item's COD is paid once (the unique key)."""

    province_code = models.CharField(_("province code"), max_length=2)
    payout = models.ForeignKey(
        CodPayout, verbose_name=_("payout"), on_delete=models.PROTECT, related_name="lines"
    )
    item = models.ForeignKey(
        "mail.PostalItem", verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.BigIntegerField(_("COD amount (đồng)"))

    class Meta:
        verbose_name = _("COD paid for an item")
        verbose_name_plural = _("COD paid for items")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "item"], name="cashdesk_cod_item_paid_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payout_id}:{self.item_id}"
