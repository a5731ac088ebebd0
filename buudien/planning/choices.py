from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanMetric(models.TextChoices):
    """What a plan row sets a target for."""

    REVENUE = "revenue", _("Revenue")
    BUDGET_CONTRIBUTION = "budget_contribution", _("Budget contribution")
    SURPLUS = "surplus", _("Income-expense surplus")
    VOLUME = "volume", _("Volume")
    # A quality target: the share of items delivered within their service's full-course
    # time, in basis points (9500 = 95.0%), always for the unit's total.
    ON_TIME_RATE = "on_time_rate", _("On-time delivery rate")
    # How far beyond the Corporation's plan the unit aims ("hoàn thành vượt mức từ 2% các chỉ
    # tiêu kế hoạch"), in basis points, for the unit's total; a unit without its own takes
    # its nearest ancestor's.
    UPLIFT = "uplift", _("Aim beyond the plan")


class FinanceKind(models.TextChoices):
    """The kinds of imported monthly finance history."""

    EXPENSE = "expense", _("Expense")
    BUDGET_CONTRIBUTION = "budget_contribution", _("Budget contribution")


class UpliftBasis(models.TextChoices):
    PLAN = "plan", _("This year's plan")
    ACTUAL = "actual", _("This year's actuals")


# The subject of a plan row that stands for the whole unit.
TOTAL = "total"

# Rates are stored in basis points: 10000 = 100%.
RATE_METRICS = frozenset({PlanMetric.ON_TIME_RATE.value, PlanMetric.UPLIFT.value})
MAX_RATE = 10_000
