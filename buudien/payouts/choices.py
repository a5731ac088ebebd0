from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy

from buudien.core.catalogue import Service


class PayoutService(models.TextChoices):
    """The two services of this app, with the catalogue's codes."""

    PENSION = (
        Service.PENSION.value,
        pgettext_lazy("payouts", "Pensions and social insurance benefits"),
    )
    DISBURSEMENT = Service.DISBURSEMENT.value, pgettext_lazy("payouts", "Disbursement")


class ListStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("payouts", "Open for payment")
    CLOSED = "closed", pgettext_lazy("payouts", "Closed, unpaid lines returned")


class LineStatus(models.TextChoices):
    UNPAID = "unpaid", pgettext_lazy("payouts", "Not paid yet")
    PAID = "paid", pgettext_lazy("payouts", "Paid")
    RETURNED = "returned", pgettext_lazy("payouts", "Returned to the payer")
