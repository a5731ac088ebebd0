from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

# The two-level structure (province > commune) replaced the three-level one on this day.
STRUCTURE_2025_FROM = dt.date(2025, 7, 1)
# Commune posts replaced district posts in the organisation on this day.
COMMUNE_POSTS_FROM = dt.date(2025, 9, 1)


class AdminAreaStructure(models.TextChoices):
    LEGACY = "legacy", _("Three-level structure (before 1 July 2025)")
    V2025 = "2025", _("Two-level structure (since 1 July 2025)")

    @classmethod
    def in_force_on(cls, day: dt.date) -> AdminAreaStructure:
        return cls.V2025 if day >= STRUCTURE_2025_FROM else cls.LEGACY


class AdminAreaLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class UnitKind(models.TextChoices):
    CORPORATION = "corporation", _("Corporation")
    PROVINCE = "province", _("Provincial post")
    DISTRICT = "district", _("District post")
    AREA = "area", _("Area post")
    COMMUNE = "commune", _("Commune post")
    CENTRE = "centre", _("Processing centre")


class PointKind(models.TextChoices):
    BC1 = "bc1", _("Level I post office")
    BC2 = "bc2", _("Level II post office")
    BC3 = "bc3", _("Level III post office")
    BDVHX = "bdvhx", _("Commune cultural post office")
    AGENT = "agent", _("Agent")
    KIOSK = "kiosk", _("Kiosk")
    CENTRE = "centre", _("Processing centre")

    @classmethod
    def with_counter(cls) -> list[str]:
        """Kinds that serve the public at a counter; a centre does not."""
        return [kind for kind in cls.values if kind != cls.CENTRE]


# A BĐVHX is "multi-service" (đa dịch vụ) when, beyond the mail, bills, pensions, press,
# dossiers and goods every commune post offers, it offers at least MULTI_SERVICE_MIN of these:
# parcels and express, the delivery of administrative results, the financial services of the
# partners (disbursements, savings, remittances, insurance, payment accounts) and telecom.
# The report counts it from the services a point offers (``PointService``), not from a flag.
MULTI_SERVICE_SET = frozenset(
    {
        "parcel",
        "ems",
        "admin_delivery",
        "disbursement",
        "savings",
        "remittance",
        "insurance",
        "payment_account",
        "telecom",
    }
)
MULTI_SERVICE_MIN = 4
