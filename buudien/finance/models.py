"""The ledger: accounts and immutable double-entry transfers.

An ``Entry`` is one operation (a fee taken, a pension paid, an expense booked), posted
atomically as one or more ``Transfer`` rows, each moving a positive amount of đồng from a
credit account to a debit account. Entries and transfers are append-only: a mistake is
corrected by a reversing entry, never by an edit.

``Account.balance`` is kept on the normal side of the account: debits minus credits for the
debit-normal kinds (asset, expense), credits minus debits for the credit-normal ones
(liability, revenue, equity). So a cash drawer holding 5,000,000 đ has balance 5000000, and
so has a revenue account that earned it; the sum of the debit-normal balances minus the sum
of the credit-normal ones is always zero.

``DailyBalance`` is the rollup the reports read: per account and business day, the debit
total, the credit total and the number of transfers, kept in the same transaction as each
posting and rebuilt from the transfers by ``buudien ledger rebuild-rollups``. ``DailyFigure``
is the other rollup, per point and service (revenue, volume ...), kept and rebuilt the same
way, for the plans and the year-end report.

Every table carries ``province_code`` and every unique key includes it, so the ledger can be
distributed by province (DESIGN.md, "Scale").
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.core.catalogue import Service
from buudien.finance.choices import DEBIT_NORMAL, AccountKind, BudgetLevel, EntryKind, Tax


class Account(models.Model):
    """One account of a province's chart, e.g. ``1111.240001`` (the cash drawer of point
    240001) or ``5113.registered`` (revenue of registered mail).

    An account belongs to a point (its drawer) or to a unit (the provincial post, for the
    province-wide accounts): that is what decides who may see it. ``service`` and
    ``partner`` are further dimensions. ``allow_negative=False`` (cash drawers, banks) means
    the balance can never go below zero: a posting that would take it there is refused.
    """

    province_code = models.CharField(_("province code"), max_length=2)
    code = models.CharField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=AccountKind)
    point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("service point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    unit = models.ForeignKey(
        "network.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    service = models.CharField(_("service"), max_length=32, choices=Service, blank=True)
    partner = models.CharField(_("partner"), max_length=32, blank=True)
    allow_negative = models.BooleanField(
        _("may go negative"),
        default=True,
        help_text=_("Unticked for cash drawers and bank accounts: never below zero."),
    )
    balance = models.BigIntegerField(
        _("balance (đồng)"),
        default=0,
        help_text=_(
            "On the normal side: debits minus credits for assets and expenses, credits minus "
            "debits for liabilities, revenue and equity."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["province_code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "code"], name="finance_account_code_uniq"
            ),
            # The database itself refuses a negative drawer, whatever the path.
            models.CheckConstraint(
                condition=Q(allow_negative=True) | Q(balance__gte=0),
                name="finance_account_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(point__isnull=False) | Q(unit__isnull=False),
                name="finance_account_has_owner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_debit_normal(self) -> bool:
        return self.kind in DEBIT_NORMAL

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class _AppendOnlyQuerySet(models.QuerySet[Any]):
    """Posted rows are never changed or deleted in bulk either: corrections are reversals."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("posted ledger rows are immutable")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("posted ledger rows are immutable")


class _AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("posted ledger rows are immutable")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("posted ledger rows are immutable")


class Entry(_AppendOnly):
    """One operation posted to the ledger, atomically, under an idempotency key."""

    province_code = models.CharField(_("province code"), max_length=2)
    idempotency_key = models.CharField(_("idempotency key"), max_length=128)
    kind = models.CharField(_("kind"), max_length=32, choices=EntryKind)
    business_date = models.DateField(_("business day"))
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_('The operation it records, e.g. "item:RR000000015VN".'),
    )
    point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("service point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    memo = models.CharField(_("memo"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    reverses = models.ForeignKey(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversals",
    )
    late_for = models.DateField(
        _("late for"),
        null=True,
        blank=True,
        help_text=_("Posted into the open day on behalf of this closed one."),
    )

    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "idempotency_key"], name="finance_entry_key_uniq"
            ),
            # An entry is reversed at most once.
            models.UniqueConstraint(
                fields=["province_code", "reverses"],
                condition=Q(reverses__isnull=False),
                name="finance_entry_reversed_once",
            ),
        ]
        indexes = [
            models.Index(fields=["province_code", "business_date"], name="finance_entry_day_idx"),
            models.Index(fields=["province_code", "reference"], name="finance_entry_ref_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.reference}"


class Transfer(_AppendOnly):
    """One leg of an entry: ``amount`` đồng debited to ``debit`` and credited to ``credit``."""

    province_code = models.CharField(_("province code"), max_length=2)
    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="transfers"
    )
    debit = models.ForeignKey(
        Account, verbose_name=_("debit"), on_delete=models.PROTECT, related_name="+"
    )
    credit = models.ForeignKey(
        Account, verbose_name=_("credit"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.BigIntegerField(_("amount (đồng)"))
    service = models.CharField(_("service"), max_length=32, choices=Service, blank=True)
    point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("service point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    business_date = models.DateField(_("business day"))

    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_transfer_positive"),
            models.CheckConstraint(
                condition=~Q(debit=F("credit")), name="finance_transfer_two_accounts"
            ),
        ]
        indexes = [
            models.Index(fields=["debit", "business_date"], name="finance_transfer_debit_idx"),
            models.Index(fields=["credit", "business_date"], name="finance_transfer_credit_idx"),
            models.Index(
                fields=["province_code", "business_date", "point"], name="finance_transfer_day_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.debit_id} / {self.credit_id} {self.amount}"


class BusinessDay(models.Model):
    """A business day of a province that has been closed: it takes no more postings."""

    province_code = models.CharField(_("province code"), max_length=2)
    date = models.DateField(_("date"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("books", "closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("business day")
        verbose_name_plural = _("business days")
        ordering = ["province_code", "-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "date"], name="finance_businessday_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.province_code} {self.date:%d/%m/%Y}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class DailyBalance(models.Model):
    """What moved through one account on one business day: the rollup reports read."""

    province_code = models.CharField(_("province code"), max_length=2)
    date = models.DateField(_("date"))
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="daily"
    )
    debit_total = models.BigIntegerField(_("debits (đồng)"), default=0)
    credit_total = models.BigIntegerField(_("credits (đồng)"), default=0)
    transfer_count = models.IntegerField(_("transfers"), default=0)

    class Meta:
        verbose_name = _("daily balance")
        verbose_name_plural = _("daily balances")
        ordering = ["province_code", "date", "account"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "date", "account"], name="finance_dailybalance_uniq"
            )
        ]
        indexes = [
            models.Index(fields=["account", "date"], name="finance_daily_account_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.account_id} +{self.debit_total} -{self.credit_total}"


class DailyFigure(models.Model):
    """What one point did in one service on one business day: the rollup the plans and the
    year-end report read (``buudien.planning``), kept in the same transaction as each posting
    and rebuilt from the transfers by ``buudien ledger rebuild-rollups``.

    Per (province, day, point, unit, service); ``point`` is the transfer's point, null for
    the entries that have none (a cost of a unit, a payment to the budget); ``unit``, for
    those only, is the owner of the expense account a leg moved (the unit the cost belongs
    to), null otherwise; ``service`` is the leg's catalogue code, blank for legs without one.
    The figures, signed so that a reversal cancels what it reverses:

    - ``revenue``: net credits to revenue accounts by legs of the service (credits minus
      debits);
    - ``volume``: entries with at least one leg of the service (a reversal counts -1);
    - ``turnover``: the amounts of the legs of the service (what went through the counter);
    - ``expense``: net debits to expense accounts (debits minus credits);
    - ``budget``: the amounts of entries of kind ``budget_contribution`` (paid to the state).
    """

    province_code = models.CharField(_("province code"), max_length=2)
    date = models.DateField(_("date"))
    point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("service point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "network.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For a cost without a point: the unit whose expense account it moved."),
    )
    service = models.CharField(_("service"), max_length=32, choices=Service, blank=True)
    revenue = models.BigIntegerField(_("revenue (đồng)"), default=0)
    volume = models.IntegerField(_("volume"), default=0)
    turnover = models.BigIntegerField(_("turnover (đồng)"), default=0)
    expense = models.BigIntegerField(_("expenses (đồng)"), default=0)
    budget = models.BigIntegerField(_("paid to the budget (đồng)"), default=0)

    class Meta:
        verbose_name = _("daily figure")
        verbose_name_plural = _("daily figures")
        ordering = ["province_code", "date", "point", "service"]
        constraints = [
            # A null point is one key, not many: the upsert's conflict target is this
            # expression, the same on PostgreSQL and SQLite.
            models.UniqueConstraint(
                F("province_code"),
                F("date"),
                Coalesce(F("point"), Value(0)),
                Coalesce(F("unit"), Value(0)),
                F("service"),
                name="finance_dailyfigure_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.point_id} {self.service} {self.revenue}"


class MonthlyFigure(models.Model):
    """``DailyFigure`` summed over a calendar month (``month`` is its first day): the same
    key and figures, kept by the same posting statement and rebuilt with it, so a year's
    report reads ~12 rows per point and service instead of ~365."""

    province_code = models.CharField(_("province code"), max_length=2)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("service point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.ForeignKey(
        "network.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For a cost without a point: the unit whose expense account it moved."),
    )
    service = models.CharField(_("service"), max_length=32, choices=Service, blank=True)
    revenue = models.BigIntegerField(_("revenue (đồng)"), default=0)
    volume = models.IntegerField(_("volume"), default=0)
    turnover = models.BigIntegerField(_("turnover (đồng)"), default=0)
    expense = models.BigIntegerField(_("expenses (đồng)"), default=0)
    budget = models.BigIntegerField(_("paid to the budget (đồng)"), default=0)

    class Meta:
        verbose_name = _("monthly figure")
        verbose_name_plural = _("monthly figures")
        ordering = ["province_code", "month", "point", "service"]
        constraints = [
            models.UniqueConstraint(
                F("province_code"),
                F("month"),
                Coalesce(F("point"), Value(0)),
                Coalesce(F("unit"), Value(0)),
                F("service"),
                name="finance_monthlyfigure_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.point_id} {self.service} {self.revenue}"


class BudgetPayment(models.Model):
    """What a payment to the state budget paid, and to which level: the entry (kind
    ``budget_contribution``, debit the tax's 333x account, credit the bank) says how much and
    when; this says the tax, the level and the State Treasury's document. A payment whose
    entry was reversed counts no more."""

    province_code = models.CharField(_("province code"), max_length=2)
    entry = models.OneToOneField(
        Entry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="budget_payment"
    )
    paid_on = models.DateField(_("day paid"))
    tax = models.CharField(_("tax"), max_length=8, choices=Tax)
    level = models.CharField(_("budget level"), max_length=8, choices=BudgetLevel)
    amount = models.BigIntegerField(_("amount (đồng)"))
    treasury_reference = models.CharField(
        _("treasury document"),
        max_length=64,
        blank=True,
        help_text=_("The number of the State Treasury's payment document."),
    )

    class Meta:
        verbose_name = _("payment to the state budget")
        verbose_name_plural = _("payments to the state budget")
        ordering = ["province_code", "-paid_on", "-id"]
        indexes = [
            models.Index(fields=["province_code", "paid_on"], name="finance_budget_day_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="finance_budget_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.paid_on:%d/%m/%Y} {self.tax} {self.level} {self.amount}"
