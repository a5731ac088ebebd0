from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The Vietnamese banknotes a drawer is counted in, largest first (đồng). Coins are rare:
# they are counted as one amount beside the notes.
DENOMINATIONS: tuple[int, ...] = (
    500_000,
    200_000,
    100_000,
    50_000,
    20_000,
    10_000,
    5_000,
    2_000,
    1_000,
    500,
)


class ClosingStatus(models.TextChoices):
    """Where a day's closing of a drawer stands.

    ``closed`` (the count matched the ledger) and ``approved`` (the difference was booked)
    are final; ``pending`` waits for an accountant; ``rejected`` waits for a recount."""

    CLOSED = "closed", _("Closed, no difference")
    PENDING = "pending", _("Difference awaiting approval")
    REJECTED = "rejected", _("Recount asked for")
    APPROVED = "approved", _("Difference approved and booked")

    @classmethod
    def final(cls) -> frozenset[str]:
        return frozenset({cls.CLOSED.value, cls.APPROVED.value})

    @classmethod
    def open(cls) -> frozenset[str]:
        return frozenset({cls.PENDING.value, cls.REJECTED.value})


class ClosingAction(models.TextChoices):
    COUNTED = "counted", _("Counted")
    RECOUNTED = "recounted", _("Recounted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Recount asked for")


class HandoverKind(models.TextChoices):
    BANK = "bank", _("Deposited at the bank")
    POINT = "point", _("Handed to another counter's safe")


class HandoverStatus(models.TextChoices):
    """Where cash handed over stands. ``pending``: out of the drawer, in cash in transit
    (113), until the receiving point confirms it (another point's safe) or an accountant
    approves the deposit (the bank, above the amount a clerk deposits alone); ``confirmed``:
    received; ``refused``: sent back into the drawer it came from."""

    PENDING = "pending", pgettext_lazy("handover", "In transit, awaiting confirmation")
    CONFIRMED = "confirmed", pgettext_lazy("handover", "Received")
    REFUSED = "refused", pgettext_lazy("handover", "Refused, back in the drawer")


class PayoutMethod(models.TextChoices):
    CASH = "cash", _("Cash at the counter")
    BANK = "bank", _("Bank transfer")
    KEPT = "kept", _("Kept by the post for goods it sold")
