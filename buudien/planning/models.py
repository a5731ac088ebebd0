"""Plans and imported history.

A ``Plan`` row is the target of one unit for one year, one metric and one subject: a service
of the catalogue, a business line, or ``total``. A unit without a row of its own gets the sum
of its children's (``selectors.plan_resolve``).

``RevenueHistory`` and ``FinanceHistory`` hold the monthly figures of the months before
go-live, as imported (``buudien import revenue|finance``): they are never turned into ledger
postings. The report adds them to the ledger's rollup (``finance.DailyFigure``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from buudien.core.catalogue import Service
from buudien.planning.choices import FinanceKind, PlanMetric


class Plan(models.Model):
    province_code = models.CharField(_("province code"), max_length=2)
    year = models.PositiveSmallIntegerField(_("year"))
    unit = models.ForeignKey(
        "network.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    metric = models.CharField(_("metric"), max_length=32, choices=PlanMetric)
    subject = models.CharField(
        _("service, line or total"),
        max_length=32,
        help_text=_("A service code, a business line code, or total."),
    )
    amount = models.BigIntegerField(_("amount"), help_text=_("Đồng, or a count for volumes."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["province_code", "year", "unit", "metric", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "year", "unit", "metric", "subject"],
                name="planning_plan_uniq",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="planning_plan_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.unit_id} {self.metric} {self.subject} {self.amount}"


class RevenueHistory(models.Model):
    """Revenue and volume of one month, unit (or point) and service, imported."""

    province_code = models.CharField(_("province code"), max_length=2)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    unit = models.ForeignKey(
        "network.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("service point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    service = models.CharField(_("service"), max_length=32, choices=Service)
    amount = models.BigIntegerField(_("revenue (đồng)"))
    volume = models.BigIntegerField(_("volume"), null=True, blank=True)

    class Meta:
        verbose_name = _("revenue history")
        verbose_name_plural = _("revenue history")
        ordering = ["province_code", "month", "unit", "service"]
        constraints = [
            models.UniqueConstraint(
                F("province_code"),
                F("month"),
                F("unit"),
                Coalesce(F("point"), Value(0)),
                F("service"),
                name="planning_revenuehistory_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.unit_id} {self.service} {self.amount}"


class FinanceHistory(models.Model):
    """Expenses or payments to the state budget of one month and unit, imported."""

    province_code = models.CharField(_("province code"), max_length=2)
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    unit = models.ForeignKey(
        "network.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=FinanceKind)
    amount = models.BigIntegerField(_("amount (đồng)"))

    class Meta:
        verbose_name = _("finance history")
        verbose_name_plural = _("finance history")
        ordering = ["province_code", "month", "unit", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "month", "unit", "kind"],
                name="planning_financehistory_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.unit_id} {self.kind} {self.amount}"
