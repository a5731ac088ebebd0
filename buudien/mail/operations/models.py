"""Mail operations: dispatch bags, delivery rounds, KT1 custody hand-overs.

Kept apart from models.py while the acceptance and tracking models settle; models.py
imports everything here so Django finds these models.

Every table carries ``province_code`` (that of the bag's origin, the round's office, the
item's province for a hand-over) and every unique key includes it, so the tables can be
distributed by province like the items and events (DESIGN.md, "Scale").

What moves an item is always written as its tracking events (``mail.TrackingEvent``); these
tables hold what the events cannot: which items travel in which bag, who took which item out
on which round, who holds a KT1 item. A bag and a round go through their steps once each, in
order, so the time and the person of each step are columns of the row, not rows of their own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.mail.choices import FailureAction, FailureReason
from buudien.mail.operations.choices import AttemptOutcome, BagStatus, RoundStatus

__all__ = ["Bag", "BagItem", "CustodyTransfer", "DeliveryAttempt", "DeliveryRound"]


class Bag(models.Model):
    """A dispatch bag (túi gói, chuyến thư) from one office to another.

    Filled while ``open``; its manifest (the ``BagItem`` rows not removed) is frozen when it
    is ``closed``; ``dispatched`` scans every item out of the origin, ``received`` scans them
    in at the destination, ``opened`` compares the manifest with what was found inside.
    """

    province_code = models.CharField(_("province code"), max_length=2)
    code = models.CharField(_("bag number"), max_length=32)
    origin = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=pgettext_lazy("place", "from"),
        on_delete=models.PROTECT,
        related_name="bags_out",
    )
    destination = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=pgettext_lazy("place", "to"),
        on_delete=models.PROTECT,
        related_name="bags_in",
    )
    status = models.CharField(_("status"), max_length=16, choices=BagStatus, default=BagStatus.OPEN)
    created_at = models.DateTimeField(_("opened for filling at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened for filling by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dispatched by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at destination at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened at destination by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    extra_s10 = models.JSONField(
        _("found inside but not on the manifest"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("dispatch bag")
        verbose_name_plural = _("dispatch bags")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "code"], name="bag_province_code_uniq"
            ),
            models.CheckConstraint(
                condition=~Q(origin=F("destination")), name="bag_origin_not_destination"
            ),
        ]
        indexes = [
            models.Index(fields=["origin", "status"], name="bag_origin_status_idx"),
            models.Index(fields=["destination", "status"], name="bag_destination_status_idx"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status == BagStatus.OPEN


class BagItem(models.Model):
    """One item on a bag's manifest. ``in_transit`` is true while the item is on the manifest
    of a bag not yet opened at its destination; an item is in transit in one bag at most (the
    partial unique key is the last guard when two clerks scan the same item at once).
    A removed line stays, with who removed it and when."""

    province_code = models.CharField(_("province code"), max_length=2)
    bag = models.ForeignKey(Bag, on_delete=models.PROTECT, related_name="lines")
    item = models.ForeignKey(
        "mail.PostalItem",
        verbose_name=_("item"),
        on_delete=models.PROTECT,
        related_name="bag_lines",
    )
    added_at = models.DateTimeField(_("added at"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    in_transit = models.BooleanField(_("in a bag not yet opened"), default=True)
    found = models.BooleanField(_("found when the bag was opened"), null=True, blank=True)

    class Meta:
        verbose_name = _("bag manifest line")
        verbose_name_plural = _("bag manifest lines")
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "item"],
                condition=Q(in_transit=True),
                name="bagitem_one_unopened_bag",
            )
        ]
        indexes = [models.Index(fields=["bag", "removed_at"], name="bagitem_bag_idx")]

    def __str__(self) -> str:
        return f"{self.bag_id}:{self.item_id}"


class DeliveryRound(models.Model):
    """A postman's round from a delivery office on one day (one open round per postman)."""

    province_code = models.CharField(_("province code"), max_length=2)
    point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("delivery office"),
        on_delete=models.PROTECT,
        related_name="delivery_rounds",
    )
    postman = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("postman"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    day = models.DateField(_("day"))
    status = models.CharField(
        _("status"), max_length=8, choices=RoundStatus, default=RoundStatus.OPEN
    )
    started_at = models.DateTimeField(_("started at"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("delivery round")
        verbose_name_plural = _("delivery rounds")
        ordering = ["-day", "-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "postman"],
                condition=Q(status="open"),
                name="round_one_open_per_postman",
            )
        ]
        indexes = [models.Index(fields=["point", "day"], name="round_point_day_idx")]

    def __str__(self) -> str:
        return f"{self.point_id} {self.day:%d/%m/%Y} #{self.pk}"


class DeliveryAttempt(models.Model):
    """One item taken out on a round, and what became of it. An item is pending in one
    round at most."""

    province_code = models.CharField(_("province code"), max_length=2)
    round = models.ForeignKey(DeliveryRound, on_delete=models.PROTECT, related_name="attempts")
    item = models.ForeignKey(
        "mail.PostalItem",
        verbose_name=_("item"),
        on_delete=models.PROTECT,
        related_name="delivery_attempts",
    )
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=AttemptOutcome, default=AttemptOutcome.PENDING
    )
    attempted_at = models.DateTimeField(_("recorded at"), null=True, blank=True)
    recipient_name = models.CharField(_("received by"), max_length=200, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=16, choices=FailureReason, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=FailureAction, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    signature = models.TextField(
        _("signature"), blank=True, help_text=_("A PNG image as a data: URL, drawn on the phone.")
    )
    photo = models.FileField(_("photo"), upload_to="delivery/%Y/%m/", blank=True, max_length=200)
    cod_collected = models.BigIntegerField(_("COD collected (đồng)"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "round", "item"], name="attempt_round_item_uniq"
            ),
            models.UniqueConstraint(
                fields=["province_code", "item"],
                condition=Q(outcome="pending"),
                name="attempt_one_pending_per_item",
            ),
            models.CheckConstraint(
                condition=Q(cod_collected__gte=0), name="attempt_cod_nonnegative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.item_id} {self.outcome}"

    @property
    def is_pending(self) -> bool:
        return self.outcome == AttemptOutcome.PENDING


class CustodyTransfer(models.Model):
    """One hand-over of a KT1 item from one KT1 officer to another. It counts once the
    receiving officer confirms it; until then it is pending, the officer who gave it may
    withdraw it (the item stays with them), and the item has one pending hand-over at
    most."""

    province_code = models.CharField(_("province code"), max_length=2)
    item = models.ForeignKey(
        "mail.PostalItem",
        verbose_name=_("item"),
        on_delete=models.PROTECT,
        related_name="custody_transfers",
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over to"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    from_point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("from office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("to office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handed_at = models.DateTimeField(_("handed over at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("KT1 custody hand-over")
        verbose_name_plural = _("KT1 custody hand-overs")
        ordering = ["handed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "item"],
                condition=Q(confirmed_at__isnull=True, cancelled_at__isnull=True),
                name="custody_one_pending_per_item",
            ),
            models.CheckConstraint(
                condition=~Q(from_user=F("to_user")), name="custody_to_someone_else"
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | Q(cancelled_at__isnull=True),
                name="custody_confirmed_or_withdrawn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.from_user_id} → {self.to_user_id}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_pending(self) -> bool:
        """Waiting for the receiver: neither confirmed nor withdrawn."""
        return self.confirmed_at is None and self.cancelled_at is None
