from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DIRECTOR = "director", _("Director")
    ACCOUNTANT = "accountant", _("Accountant")
    CLERK = "clerk", _("Counter clerk")
    POSTMAN = "postman", _("Postman")
    KT1_OPERATOR = "kt1_operator", _("KT1 operator")
    HCC_OFFICER = "hcc_officer", _("Public administration officer")
    CARE_OFFICER = "care_officer", _("Customer care officer")
    HR_OFFICER = "hr_officer", _("Personnel and emulation officer")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


class ContractType(models.TextChoices):
    """The kind of contract a member of staff works under (Bộ luật Lao động 2019, art. 20;
    the service contracts of the BĐVHX staff and agents are civil contracts, not labour ones)."""

    INDEFINITE = "indefinite", _("Indefinite-term labour contract")
    FIXED_TERM = "fixed_term", _("Fixed-term labour contract")
    SEASONAL = "seasonal", _("Seasonal contract (under 12 months)")
    SERVICE = "service", _("Service or piece-work contract")
