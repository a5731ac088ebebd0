from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class CancelStatus(models.TextChoices):
    """Where a cancellation that waits for a supervisor stands."""

    PENDING = "pending", pgettext_lazy("cancellation", "Awaiting approval")
    APPROVED = "approved", pgettext_lazy("cancellation", "Approved")
    REFUSED = "refused", pgettext_lazy("cancellation", "Refused")
