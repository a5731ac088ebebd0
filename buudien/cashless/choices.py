from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")

    @classmethod
    def open(cls) -> tuple[str, str]:
        """Statuses a payment may still be confirmed from: the money may arrive after the
        code expired."""
        return (cls.PENDING.value, cls.EXPIRED.value)


class PaymentEventKind(models.TextChoices):
    CREATED = "created", _("Created")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class LineStatus(models.TextChoices):
    MATCHED = "matched", _("Matched")
    UNMATCHED = "unmatched", _("Unmatched")
    # No customer's payment: a bank fee, interest, money going out (the reason says which).
    NOT_RELATED = "not_related", _("Not related")
