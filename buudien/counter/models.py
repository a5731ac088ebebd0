"""What every counter operation records (an abstract model: each service has its own table).

A service's operation model subclasses ``CounterOperation`` and keeps its ``Meta``::

    class LoanRepayment(CounterOperation):
        ...
        class Meta(CounterOperation.Meta):
            verbose_name = ...

``counter.desk.Op.record(entry)`` gives the values of these fields for a new row.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def point_link(verbose_name: Any, *, optional: bool = False) -> Any:
    """A service point a row happened at (never deleted while a row points to it)."""
    return models.ForeignKey(
        "network.ServicePoint",
        verbose_name=verbose_name,
        null=optional,
        blank=optional,
        on_delete=models.PROTECT,
        related_name="+",
    )


def person_link(verbose_name: Any) -> Any:
    """The user who did something to a row (none for a system's act)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


def entry_link(verbose_name: Any) -> Any:
    """The ledger entry that moved a row's money."""
    return models.ForeignKey(
        "finance.Entry",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


class CounterOperation(models.Model):
    """What every customer operation at a counter records: where, when, by whom, its
    readable reference (printed on the receipt), the idempotency key it was asked under and
    the fingerprint of the request (a retry with other data is refused), its ledger entry."""

    province_code = models.CharField(_("province code"), max_length=2)
    reference = models.CharField(pgettext_lazy("document number", "reference"), max_length=24)
    idempotency_key = models.CharField(_("idempotency key"), max_length=128)
    fingerprint = models.CharField(max_length=64, editable=False)
    point = point_link(_("service point"))
    business_date = models.DateField(_("business day"))
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    created_by = person_link(_("clerk"))
    entry = entry_link(_("ledger entry"))

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "reference"], name="%(app_label)s_%(class)s_ref_uniq"
            ),
            models.UniqueConstraint(
                fields=["province_code", "idempotency_key"],
                name="%(app_label)s_%(class)s_key_uniq",
            ),
        ]

    def __str__(self) -> str:
        return self.reference
