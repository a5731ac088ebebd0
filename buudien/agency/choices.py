"""Choices of the agency services: partners, savings terms, kinds of operation."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Partner(models.TextChoices):
    """The banks and wallets the post acts for. The value is the ledger's partner slug
    (``3388.partner.<slug>``, ``131.partner.<slug>``)."""

    LPBANK = "lpbank", _("LPBank (Lộc Phát Việt Nam Bank)")
    VBSP = "vbsp", _("Vietnam Bank for Social Policies")
    POSTPAY = "postpay", _("PostPay e-wallet")
    VIETINBANK = "vietinbank", _("VietinBank")


class SavingsTerm(models.IntegerChoices):
    """Terms of a passbook, in months (0: on demand)."""

    DEMAND = 0, _("On demand")
    M1 = 1, _("1 month")
    M3 = 3, _("3 months")
    M6 = 6, _("6 months")
    M9 = 9, _("9 months")
    M12 = 12, _("12 months")
    M18 = 18, _("18 months")
    M24 = 24, _("24 months")
    M36 = 36, _("36 months")


class SavingsKind(models.TextChoices):
    DEPOSIT = "deposit", _("Deposit")
    WITHDRAWAL = "withdrawal", _("Withdrawal")


class OpeningChannel(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    ONLINE = "online", _("Online, helped by the clerk")


class RemittanceStatus(models.TextChoices):
    SENT = "sent", _("Sent, waiting to be paid")
    PAID = "paid", _("Paid to the recipient")
    CREDITED = "credited", _("Credited to the recipient's account")


class RemittanceDestination(models.TextChoices):
    POINT = "point", _("Cash at a post office")
    ACCOUNT = "account", _("A bank account")


class RateService(models.TextChoices):
    """The services whose commission or fee is configured per province."""

    SAVINGS = "savings", _("Postal savings")
    CREDIT = "credit", _("Credit")
    PAYMENT_ACCOUNT = "payment_account", _("Payment accounts")
    REMITTANCE = "remittance", _("Remittance")
