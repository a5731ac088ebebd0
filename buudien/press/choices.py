"""The kinds of the press: how often a title appears, a subscription's period and its
subscriber, a public-press recipient."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Periodicity(models.TextChoices):
    DAILY = "daily", _("Daily")
    SEVERAL_WEEKLY = "several_weekly", _("Several issues a week")
    WEEKLY = "weekly", _("Weekly")
    TWICE_MONTHLY = "twice_monthly", _("Twice a month")
    MONTHLY = "monthly", _("Monthly")


class PeriodKind(models.TextChoices):
    MONTH = "month", pgettext_lazy("press", "Month")
    QUARTER = "quarter", pgettext_lazy("press", "Quarter")
    HALF_YEAR = "half_year", pgettext_lazy("press", "Half-year")
    YEAR = "year", pgettext_lazy("press", "Year")

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "half_year": 6, "year": 12}[self.value]


class SubscriberKind(models.TextChoices):
    PERSON = "person", pgettext_lazy("press", "Person")
    AGENCY = "agency", _("Agency")
    SCHOOL = "school", _("School")
    COMMUNE = "commune", _("Commune People's Committee")


class RecipientKind(models.TextChoices):
    COMMUNE = "commune", _("Commune People's Committee")
    PRESTIGIOUS = "prestigious", _("Prestigious person of an ethnic minority")
    VILLAGE = "village", _("Especially disadvantaged village")
    SCHOOL = "school", _("School")
    OTHER = "other", _("Other recipient")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("To deliver")
    DELIVERED = "delivered", _("Delivered")
    MISSED = "missed", _("Not delivered")


class MissReason(models.TextChoices):
    ABSENT = "absent", _("Nobody at the address")
    REFUSED = "refused", _("Refused by the recipient")
    ADDRESS = "address", _("Address not found")
    NOT_RECEIVED = "not_received", _("Copies not received at the point")
    OTHER = "other", _("Other reason")
