"""Mail: tariffs, postal items and their tracking events.

Large tables (items, events) carry ``province_code`` and include it in their unique keys, so
they can be distributed by province; events are append-only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from buudien.mail.choices import (
    EventCode,
    FailureAction,
    FailureReason,
    ItemStatus,
    Kt1Grade,
    Kt1Urgency,
    MailService,
    Zone,
)


class Tariff(models.Model):
    """The price list of one service over its dates: weight steps per zone, VAT, surcharges.

    Above the last step, each further ``extra_step_g`` (or part of it) costs the zone's
    ``extra_price``. Rates are in basis points (800 = 8 %).
    """

    service = models.CharField(_("service"), max_length=32, choices=MailService)
    name = models.CharField(_("name"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    vat_rate_bp = models.PositiveIntegerField(_("VAT rate (basis points)"), default=800)
    remote_surcharge_bp = models.PositiveIntegerField(
        _("remote commune surcharge (basis points)"), default=2000
    )
    max_weight_g = models.PositiveIntegerField(_("maximum weight (g)"), default=30_000)
    extra_step_g = models.PositiveIntegerField(_("extra weight step (g)"), default=500)
    volumetric_divisor = models.PositiveIntegerField(_("volumetric divisor (cm³/kg)"), default=6000)
    full_course_days = models.PositiveSmallIntegerField(
        _("full-course time (business days)"), default=3
    )

    class Meta:
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        ordering = ["service", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "valid_from"], name="tariff_service_from_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from:%d/%m/%Y})"


class TariffStep(models.Model):
    tariff = models.ForeignKey(Tariff, on_delete=models.CASCADE, related_name="steps")
    zone = models.CharField(_("zone"), max_length=16, choices=Zone)
    up_to_g = models.PositiveIntegerField(_("up to (g)"))
    price = models.BigIntegerField(_("price (đồng)"))

    class Meta:
        verbose_name = _("tariff step")
        verbose_name_plural = _("tariff steps")
        ordering = ["tariff", "zone", "up_to_g"]
        constraints = [
            models.UniqueConstraint(fields=["tariff", "zone", "up_to_g"], name="tariffstep_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.zone} ≤{self.up_to_g} g: {self.price}"


class TariffExtra(models.Model):
    """The price of each further ``extra_step_g`` above the last step of a zone."""

    tariff = models.ForeignKey(Tariff, on_delete=models.CASCADE, related_name="extras")
    zone = models.CharField(_("zone"), max_length=16, choices=Zone)
    price = models.BigIntegerField(_("price per extra step (đồng)"))

    class Meta:
        verbose_name = _("tariff extra step")
        verbose_name_plural = _("tariff extra steps")
        constraints = [models.UniqueConstraint(fields=["tariff", "zone"], name="tariffextra_uniq")]

    def __str__(self) -> str:
        return f"{self.zone} +{self.price}"


class AddOn(models.Model):
    """An extra service sold with an item (acknowledgement of receipt, insurance ...)."""

    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    tariff = models.ForeignKey(Tariff, on_delete=models.CASCADE, related_name="addons")
    price = models.BigIntegerField(_("fixed price (đồng)"), default=0)
    rate_bp = models.PositiveIntegerField(_("rate on the declared value (basis points)"), default=0)

    class Meta:
        verbose_name = _("add-on")
        verbose_name_plural = _("add-ons")
        constraints = [models.UniqueConstraint(fields=["tariff", "code"], name="addon_uniq")]

    def __str__(self) -> str:
        return self.name


class RemoteCommune(models.Model):
    """A commune where delivery costs more (vùng sâu, vùng xa), over its dates."""

    commune = models.ForeignKey(
        "network.AdminArea", on_delete=models.CASCADE, related_name="remote_periods"
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("remote commune")
        verbose_name_plural = _("remote communes")

    def __str__(self) -> str:
        return str(self.commune)


# The services delivered only against a proof (``PostalItem.needs_proof``).
PROOF_SERVICES = frozenset(
    {MailService.REGISTERED, MailService.EMS, MailService.PARCEL, MailService.ADMIN_DELIVERY}
)


class PostalItem(models.Model):
    """An item accepted at a counter, identified by its S10 id. Its status is derived from
    its events and kept here for lists; the events are the truth."""

    province_code = models.CharField(_("province code"), max_length=2)
    s10 = models.CharField(_("item number"), max_length=13, db_index=True)
    service = models.CharField(_("service"), max_length=32, choices=MailService)
    status = models.CharField(
        _("status"), max_length=24, choices=ItemStatus, default=ItemStatus.ACCEPTED
    )
    accepted_point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("accepted at"),
        on_delete=models.PROTECT,
        related_name="accepted_items",
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"))
    accepted_on = models.DateField(_("business day"))

    sender_name = models.CharField(_("sender"), max_length=200)
    sender_phone = models.CharField(_("sender phone"), max_length=20, blank=True)
    sender_address = models.CharField(_("sender address"), max_length=300, blank=True)
    sender_commune = models.ForeignKey(
        "network.AdminArea",
        verbose_name=_("sender commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient_name = models.CharField(_("recipient"), max_length=200)
    recipient_phone = models.CharField(_("recipient phone"), max_length=20, blank=True)
    recipient_address = models.CharField(_("recipient address"), max_length=300)
    recipient_commune = models.ForeignKey(
        "network.AdminArea",
        verbose_name=_("recipient commune"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient_province_code = models.CharField(_("recipient province"), max_length=2)
    delivery_point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("delivery office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="delivery_items",
    )

    weight_g = models.PositiveIntegerField(_("weight (g)"))
    length_mm = models.PositiveIntegerField(_("length (mm)"), default=0)
    width_mm = models.PositiveIntegerField(_("width (mm)"), default=0)
    height_mm = models.PositiveIntegerField(_("height (mm)"), default=0)
    charged_weight_g = models.PositiveIntegerField(_("charged weight (g)"))
    declared_value = models.BigIntegerField(_("declared value (đồng)"), default=0)
    cod_amount = models.BigIntegerField(_("COD amount (đồng)"), default=0)
    addons = models.JSONField(_("add-ons"), default=list, blank=True)

    tariff = models.ForeignKey(Tariff, on_delete=models.PROTECT, related_name="items")
    zone = models.CharField(_("zone"), max_length=16, choices=Zone)
    remote = models.BooleanField(_("remote commune"), default=False)
    price_base = models.BigIntegerField(_("postage (đồng)"))
    price_surcharge = models.BigIntegerField(_("surcharge (đồng)"), default=0)
    price_addons = models.BigIntegerField(_("add-ons (đồng)"), default=0)
    price_vat = models.BigIntegerField(_("VAT (đồng)"))
    price_total = models.BigIntegerField(_("total (đồng)"))

    kt1_grade = models.CharField(_("secrecy grade"), max_length=1, choices=Kt1Grade, blank=True)
    kt1_urgency = models.CharField(
        _("urgency"), max_length=8, choices=Kt1Urgency, blank=True, default=""
    )
    kt1_deadline = models.DateTimeField(_("deliver by"), null=True, blank=True)

    last_event_code = models.CharField(_("last event"), max_length=3, blank=True)
    last_event_at = models.DateTimeField(_("last event at"), null=True, blank=True)
    returning = models.BooleanField(_("returning to sender"), default=False)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # The key the counter's request came with (its form's token, the API's header): an item
    # is accepted once per key. Blank for items accepted without one (lists, imports).
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=128, blank=True, default="", editable=False
    )

    class Meta:
        verbose_name = _("postal item")
        verbose_name_plural = _("postal items")
        ordering = ["-accepted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["province_code", "s10"], name="item_province_s10_uniq"),
            models.UniqueConstraint(
                fields=["province_code", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="item_province_key_uniq",
            ),
            models.CheckConstraint(condition=Q(weight_g__gt=0), name="item_weight_positive"),
            models.CheckConstraint(condition=Q(cod_amount__gte=0), name="item_cod_nonnegative"),
            models.CheckConstraint(
                condition=Q(declared_value__gte=0), name="item_declared_nonnegative"
            ),
        ]
        # No index holds a derived tracking field (status, returning, delivered_at,
        # last_event_*): every event rewrites them, and on PostgreSQL an update that changes
        # no indexed column is a HOT update (no new entry in any of the table's dozen indexes),
        # given free room in the page: fillfactor 50 on PostgreSQL (RunSQL in a migration).
        # Lists filter status after the point/day or province/day index.
        indexes = [
            models.Index(fields=["accepted_point", "accepted_on"], name="item_point_day_idx"),
            models.Index(fields=["province_code", "accepted_on"], name="item_province_day_idx"),
        ]

    def __str__(self) -> str:
        return self.s10

    @property
    def is_kt1(self) -> bool:
        return self.service == MailService.KT1

    @property
    def needs_proof(self) -> bool:
        """Delivered only against the recipient's signature or a photo of the hand-over:
        every service but ordinary letters and KT1 (whose chain of custody is its record),
        and any item with cash to collect, a declared value or an add-on (AR, insurance)."""
        return bool(
            self.service in PROOF_SERVICES or self.cod_amount or self.declared_value or self.addons
        )

    @property
    def last_event_label(self) -> str:
        """The last event in words ("Delivered to the recipient"), its UPU code if unknown."""
        if self.last_event_code in EventCode.values:
            return str(EventCode(self.last_event_code).label)
        return self.last_event_code


class TrackingEvent(models.Model):
    """One scan or hand-over of an item. Append-only; ``(source, source_event_id)`` makes a
    retried batch store nothing twice."""

    province_code = models.CharField(_("province code"), max_length=2)
    # No index of its own: event_item_time_idx (item, occurred_at) serves it.
    item = models.ForeignKey(
        PostalItem, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    code = models.CharField(_("event"), max_length=3, choices=EventCode)
    occurred_at = models.DateTimeField(_("time"))
    point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    office_code = models.CharField(_("office code"), max_length=16, blank=True)
    reason = models.CharField(_("reason"), max_length=16, choices=FailureReason, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=FailureAction, blank=True)
    recipient_name = models.CharField(_("received by"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("source"), max_length=32, blank=True)
    source_event_id = models.CharField(_("source event id"), max_length=64, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "source", "source_event_id"],
                condition=~Q(source_event_id=""),
                name="event_source_uniq",
            )
        ]
        indexes = [models.Index(fields=["item", "occurred_at"], name="event_item_time_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.occurred_at:%d/%m/%Y %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("tracking events are append-only")
        super().save(*args, **kwargs)


from buudien.mail.operations.models import *  # noqa: E402, F403  (bags, rounds, custody)
from buudien.mail.tracking.rollup_models import *  # noqa: E402, F403  (the delivery rollup)
