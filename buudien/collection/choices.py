from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.TextChoices):
    """What a partner's bills are for (a grouping for the lists, not a rule)."""

    ELECTRICITY = "electricity", _("Electricity")
    WATER = "water", _("Water")
    TAX = "tax", _("Taxes and fees")
    SOCIAL_INSURANCE = "social_insurance", _("Social and health insurance")
    TELECOM = "telecom", _("Telecom and internet")
    FINANCE = "finance", _("Loans and instalments")
    OTHER = "other", _("Other")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Transfer (VietQR)")


class BillStatus(models.TextChoices):
    """``pending``: a bill to be paid by transfer, not confirmed yet (nothing on the ledger);
    ``collected``: the money is in (cash in the drawer, or the transfer confirmed);
    ``cancelled``: cancelled the day it was collected (its entry reversed)."""

    PENDING = "pending", _("Awaiting transfer")
    COLLECTED = "collected", _("Collected")
    CANCELLED = "cancelled", _("Cancelled")
