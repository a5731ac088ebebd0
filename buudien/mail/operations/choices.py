"""Vocabularies of mail operations: dispatch bags, delivery rounds and their attempts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class BagStatus(models.TextChoices):
    """A bag's life, in this order; each step happens once."""

    OPEN = "open", _("Open, being filled")
    CLOSED = "closed", _("Closed")
    DISPATCHED = "dispatched", _("Dispatched")
    RECEIVED = "received", _("Received at the destination")
    OPENED = "opened", _("Opened at the destination")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Out for delivery")
    CLOSED = "closed", _("Closed")


class AttemptOutcome(models.TextChoices):
    """What became of one item of a delivery round."""

    PENDING = "pending", _("Not recorded yet")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Not delivered")
    RETURNED = "returned", _("Not delivered, returned to the sender")
