"""The kinds of insurance product sold at the counter and the status of a policy."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductKind(models.TextChoices):
    MOTORBIKE_LIABILITY = "motorbike_liability", _("Motorbike compulsory liability")
    CAR_LIABILITY = "car_liability", _("Car compulsory liability")
    PERSONAL_ACCIDENT = "personal_accident", _("Personal accident")
    HEALTH = "health", _("Health and hospital cash")
    HOME = "home", _("Home")
    OTHER = "other", _("Other insurance")

    @classmethod
    def vehicles(cls) -> frozenset[str]:
        return frozenset({cls.MOTORBIKE_LIABILITY, cls.CAR_LIABILITY})


class PolicyStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    CANCELLED = "cancelled", _("Cancelled")
