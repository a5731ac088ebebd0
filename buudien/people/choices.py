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
