"""Mail vocabularies: services handled here, zones, statuses and the UPU EMSEVT events."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from buudien.core.catalogue import Service

MAIL_SERVICES = [
    Service.REGISTERED,
    Service.ORDINARY,
    Service.PARCEL,
    Service.EMS,
    Service.KT1,
    Service.ADMIN_DELIVERY,
]


class MailService(models.TextChoices):
    REGISTERED = Service.REGISTERED.value, Service.REGISTERED.label
    ORDINARY = Service.ORDINARY.value, Service.ORDINARY.label
    PARCEL = Service.PARCEL.value, Service.PARCEL.label
    EMS = Service.EMS.value, Service.EMS.label
    KT1 = Service.KT1.value, Service.KT1.label
    ADMIN_DELIVERY = Service.ADMIN_DELIVERY.value, Service.ADMIN_DELIVERY.label


class Zone(models.TextChoices):
    PROVINCE = "province", _("Within the province")
    REGION = "region", _("Neighbouring region")
    COUNTRY = "country", _("Other regions")


class ItemStatus(models.TextChoices):
    """One normalised status, derived from the item's events."""

    ACCEPTED = "accepted", _("Accepted")
    IN_TRANSIT = "in_transit", _("In transit")
    AT_DELIVERY_OFFICE = "at_delivery_office", _("At the delivery office")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    HELD = "held", _("Held at the office")
    AT_PICKUP_POINT = "at_pickup_point", _("Waiting at a pick-up point")
    DELIVERY_FAILED = "delivery_failed", _("Delivery attempt failed")
    DELIVERED = "delivered", _("Delivered")
    RETURNING = "returning", _("Returning to sender")
    RETURNED = "returned", _("Returned to sender")


class Kt1Grade(models.TextChoices):
    A = "A", _("Top secret (A)")
    B = "B", _("Secret (B)")
    C = "C", _("Confidential (C)")


class Kt1Urgency(models.TextChoices):
    NORMAL = "", _("Normal")
    FLASH = "hoa_toc", _("Flash (hỏa tốc)")
    TIMED = "hen_gio", _("Timed (hẹn giờ)")


class EventCode(models.TextChoices):
    """UPU EMSEVT events used in the domestic network."""

    EMA = "EMA", _("Posted: accepted at the counter")
    EMB = "EMB", _("Arrived at the outward office")
    EMC = "EMC", _("Left the outward office")
    EMD = "EMD", _("Arrived at the inward office")
    EMF = "EMF", _("Left the inward office")
    EMJ = "EMJ", _("Arrived at a transit office")
    EMK = "EMK", _("Left a transit office")
    EDD = "EDD", _("Into the sorting centre")
    EDE = "EDE", _("Out of the sorting centre")
    EMG = "EMG", _("Arrived at the delivery office")
    EDF = "EDF", _("Held at the delivery office")
    EDG = "EDG", _("Out for delivery")
    EDH = "EDH", _("Arrived at the pick-up point")
    EMH = "EMH", _("Delivery attempt unsuccessful")
    EMI = "EMI", _("Delivered")


class FailureReason(models.TextChoices):
    """Why a delivery attempt failed (EMH)."""

    ABSENT = "absent", _("Recipient absent")
    REFUSED = "refused", _("Refused by the recipient")
    WRONG_ADDRESS = "wrong_address", _("Incomplete or wrong address")
    MOVED = "moved", _("Recipient moved away")
    UNKNOWN = "unknown", _("Recipient unknown at the address")
    NO_COD_MONEY = "no_cod_money", _("Recipient could not pay the COD amount")
    DECEASED = "deceased", _("Recipient deceased")
    FORCE_MAJEURE = "force_majeure", _("Force majeure (flood, road closed)")


class FailureAction(models.TextChoices):
    """What was done after a failed attempt (EMH)."""

    RETRY = "retry", _("Delivery will be attempted again")
    HOLD = "hold", _("Held at the office for collection")
    RETURN = "return", _("Returned to sender")
