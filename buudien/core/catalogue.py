"""The service catalogue: stable codes every operation books its revenue against.

Each service belongs to exactly one business line. The codes are a public contract
(imports, API, reports); the labels are translated.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Line(models.TextChoices):
    POSTAL = "postal", _("Postal and courier")
    FINANCE = "finance", _("Postal finance")
    DISTRIBUTION = "distribution", _("Distribution and media")
    PUBLIC_ADMIN = "public_admin", _("Public administration")
    OTHER = "other", _("Other")


class Service(models.TextChoices):
    REGISTERED = "registered", _("Registered mail")
    ORDINARY = "ordinary", _("Ordinary mail")
    PARCEL = "parcel", _("Parcel")
    EMS = "ems", _("EMS express")
    KT1 = "kt1", _("KT1 confidential mail")
    ADMIN_DELIVERY = "admin_delivery", _("Delivery of administrative dossiers and results")
    COLLECTION = "collection", _("Bill collection")
    DISBURSEMENT = "disbursement", _("Disbursement")
    PENSION = "pension", _("Pensions and social insurance benefits")
    SAVINGS = "savings", _("Postal savings")
    CREDIT = "credit", _("Credit")
    REMITTANCE = "remittance", _("Remittance")
    INSURANCE = "insurance", _("Insurance")
    PAYMENT_ACCOUNT = "payment_account", _("Payment accounts")
    CONSUMER_GOODS = "consumer_goods", _("Consumer goods")
    PRESS = "press", _("Press distribution")
    PUBLIC_PRESS = "public_press", _("Public press programme")
    TELECOM = "telecom", _("Telecom cards and services")
    DOSSIER = "dossier", _("Administrative dossiers received and returned")
    OTHER = "other", _("Other")


SERVICE_LINE: dict[str, str] = {
    Service.REGISTERED: Line.POSTAL,
    Service.ORDINARY: Line.POSTAL,
    Service.PARCEL: Line.POSTAL,
    Service.EMS: Line.POSTAL,
    Service.KT1: Line.POSTAL,
    Service.ADMIN_DELIVERY: Line.POSTAL,
    Service.COLLECTION: Line.FINANCE,
    Service.DISBURSEMENT: Line.FINANCE,
    Service.PENSION: Line.FINANCE,
    Service.SAVINGS: Line.FINANCE,
    Service.CREDIT: Line.FINANCE,
    Service.REMITTANCE: Line.FINANCE,
    Service.INSURANCE: Line.FINANCE,
    Service.PAYMENT_ACCOUNT: Line.FINANCE,
    Service.CONSUMER_GOODS: Line.DISTRIBUTION,
    Service.PRESS: Line.DISTRIBUTION,
    Service.PUBLIC_PRESS: Line.DISTRIBUTION,
    Service.TELECOM: Line.DISTRIBUTION,
    Service.DOSSIER: Line.PUBLIC_ADMIN,
    Service.OTHER: Line.OTHER,
}


def services_of(line: str) -> list[str]:
    return [service for service, owner in SERVICE_LINE.items() if owner == line]
