"""The words of telecom sales at the counter: top-ups and prepaid card codes (e-PIN)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The face values the operators sell, for top-ups and e-PIN codes alike (đồng).
DENOMINATIONS = (10_000, 20_000, 30_000, 50_000, 100_000, 200_000, 300_000, 500_000)
MAX_PINS = 20  # codes in one sale


class TelecomKind(models.TextChoices):
    TOPUP = "topup", _("Top-up")
    PIN = "pin", _("Card code (e-PIN)")


class PinStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    SOLD = "sold", _("Sold")
