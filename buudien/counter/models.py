"""What every counter operation records (an abstract model: each service has its own table).

A service's operation model subclasses ``CounterOperation`` and keeps its ``Meta``::

    class LoanRepayment(CounterOperation):
        ...
        class Meta(CounterOperation.Meta):
            verbose_name = ...

``counter.desk.Op.record(entry)`` gives the values of these fields for a new row.

``CancelRequest`` is the one concrete table: a cancellation waiting for a supervisor.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.counter.choices import CancelStatus


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


class CancelRequest(models.Model):
    """A cancellation of an operation that moved money, asked for an amount above what a clerk
    cancels alone (``settings.BUUDIEN_CANCEL_APPROVAL_ABOVE``): who asked, when and why; it
    waits until a director or an accountant whose units hold the point approves it (the
    cancellation is done then, under the same rules as at once) or refuses it, with a reason.

    The record is named by its kind (``collection.bill``, ``telecom.topup`` ...; see
    ``counter.cancellations``) and its primary key; ``reference`` and ``amount`` are what the
    supervisor reads. ``params`` holds what the cancellation needs besides the record (the
    lines of a goods return, the key of a ledger reversal). One request at a time waits for a
    record."""

    province_code = models.CharField(_("province code"), max_length=2)
    kind = models.CharField(_("kind"), max_length=40)
    record_id = models.CharField(_("record"), max_length=40)
    reference = models.CharField(pgettext_lazy("document number", "reference"), max_length=48)
    amount = models.BigIntegerField(_("amount (đồng)"))
    point = point_link(_("service point"), optional=True)
    unit_path = models.CharField(max_length=400, editable=False)
    reason = models.CharField(_("reason for cancelling"), max_length=200)
    params = models.JSONField(default=dict, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=CancelStatus, default=CancelStatus.PENDING
    )
    requested_by = person_link(_("asked by"))
    requested_at = models.DateTimeField(_("asked at"), default=timezone.now)
    decided_by = person_link(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    refusal = models.CharField(_("reason for refusing"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("cancellation request")
        verbose_name_plural = _("cancellation requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "kind", "record_id"],
                condition=Q(status="pending"),
                name="counter_cancelrequest_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="counter_cancelrequest_amount_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "unit_path"], name="counter_cancelreq_status_idx"),
            models.Index(fields=["kind", "record_id"], name="counter_cancelreq_record_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"
