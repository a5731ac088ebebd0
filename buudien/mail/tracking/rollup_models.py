"""The delivery rollup: items delivered per province, day, delivery office and service, and
how many of them on time. Kept up to date where an item first becomes delivered
(``buudien.mail.tracking.rollup``); reports read it, never the items."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from buudien.mail.choices import MailService

__all__ = ["DeliveryRollup"]


class DeliveryRollup(models.Model):
    """One (province, day of delivery in Vietnam's time, delivery office, service): the items
    delivered (final EMI, not returned to the sender) and those delivered within their
    service's full-course time. ``office_code`` is blank for items without a delivery
    office."""

    province_code = models.CharField(_("province code"), max_length=2)
    day = models.DateField(_("day"))
    office_code = models.CharField(_("delivery office"), max_length=32, blank=True)
    service = models.CharField(_("service"), max_length=32, choices=MailService)
    delivered = models.PositiveIntegerField(_("delivered"), default=0)
    on_time = models.PositiveIntegerField(_("delivered on time"), default=0)

    class Meta:
        verbose_name = _("delivery rollup")
        verbose_name_plural = _("delivery rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "day", "office_code", "service"],
                name="delivery_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.province_code} {self.day:%d/%m/%Y} {self.office_code} {self.service}"
