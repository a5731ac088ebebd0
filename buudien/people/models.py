"""People: every member of staff is a user (a postman without a login has no usable password).

A user belongs to one unit and has one role; the unit's subtree is all they may see. The
workforce fields say under what contract and from when to when they are employed:
``is_active`` is about logging in, not employment (a postman without a login is staff).
``AverageIncome`` is the payroll's average income of a unit's workers over a year, imported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from buudien.core.text import fold
from buudien.people.choices import ContractType, Role


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    name_folded = models.CharField(max_length=150, db_index=True, editable=False, default="")
    role = models.CharField(_("role"), max_length=16, choices=Role, default=Role.CLERK)
    unit = models.ForeignKey(
        "network.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("service point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("The service point where the person works, if they work at a counter."),
    )
    position = models.CharField(_("position"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # The workforce (lao động): blank/None on rows made before it was recorded.
    staff_code = models.CharField(
        _("staff code"),
        max_length=20,
        blank=True,
        default="",
        help_text=_("The payroll's number of the person (mã nhân viên); unique when given."),
    )
    contract_type = models.CharField(
        _("contract type"), max_length=16, choices=ContractType, blank=True, default=""
    )
    employed_from = models.DateField(_("employed from"), null=True, blank=True)
    employed_until = models.DateField(
        _("left on"),
        null=True,
        blank=True,
        help_text=_("The first day the person no longer works here; empty while employed."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff_code"], condition=~Q(staff_code=""), name="user_staff_code_uniq"
            ),
            models.CheckConstraint(
                condition=Q(employed_until__isnull=True)
                | Q(employed_from__isnull=True)
                | Q(employed_until__gte=models.F("employed_from")),
                name="user_employed_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(f"{self.full_name} {self.username}")
        super().save(*args, **kwargs)

    @property
    def scope_path(self) -> str | None:
        """The path prefix of everything this user may see; None means nothing."""
        if self.is_superuser:
            return ""
        return self.unit.path if self.unit_id and self.unit else None

    @property
    def has_login(self) -> bool:
        return self.has_usable_password()

    def is_employed_on(self, day: dt.date) -> bool:
        return (self.employed_from is None or self.employed_from <= day) and (
            self.employed_until is None or self.employed_until > day
        )


def employed_on(day: dt.date, prefix: str = "") -> Q:
    """The staff employed on ``day`` (``prefix`` for a lookup through a relation, e.g.
    ``"staff__"``): joined on or before it (or unknown), not yet left."""
    joined = Q(**{f"{prefix}employed_from__isnull": True}) | Q(
        **{f"{prefix}employed_from__lte": day}
    )
    staying = Q(**{f"{prefix}employed_until__isnull": True}) | Q(
        **{f"{prefix}employed_until__gt": day}
    )
    return joined & staying


class AverageIncome(models.Model):
    """A unit's workers in a year (the average number on the payroll) and their average
    income (đồng per person per month), imported once the year's payroll is closed; one row
    per unit and year, replaced by a later import."""

    unit = models.ForeignKey(
        "network.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="average_incomes",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    headcount = models.PositiveIntegerField(_("average number of workers"))
    average_income = models.BigIntegerField(
        _("average income (đồng per person per month)"),
    )
    source = models.CharField(_("file"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("imported at"))
    imported_by = models.ForeignKey(
        User,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("average income")
        verbose_name_plural = _("average incomes")
        ordering = ["unit__path", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="averageincome_unit_year_uniq"),
            models.CheckConstraint(
                condition=Q(average_income__gte=0), name="averageincome_income_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"


class ApiToken(models.Model):
    """A bearer token for a machine client (a scanner, another system), acting as its user.

    Only a hash is stored; the token itself is shown once when it is made.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
