"""The network: administrative geography, the organisational tree and the service points."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from buudien.core.catalogue import Service
from buudien.core.text import fold
from buudien.network.choices import AdminAreaLevel, AdminAreaStructure, PointKind, UnitKind


class EffectiveQuerySet(models.QuerySet[Any]):
    """Rows carrying valid_from / valid_to (inclusive), or opened_on / closed_on."""

    start_field = "valid_from"
    end_field = "valid_to"

    def in_force_on(self, day: dt.date) -> EffectiveQuerySet:
        start, end = self.start_field, self.end_field
        return self.filter(
            Q(**{f"{start}__isnull": True}) | Q(**{f"{start}__lte": day}),
            Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day}),
        )


class AdminArea(models.Model):
    """A province, district or commune of one administrative structure, over its dates.

    Codes are the GSO codes (province 2 digits, district 3, commune 5). The same number can
    name different places in the two structures, so the key is (structure, level, code).
    """

    structure = models.CharField(_("structure"), max_length=8, choices=AdminAreaStructure)
    level = models.CharField(_("level"), max_length=8, choices=AdminAreaLevel)
    code = models.CharField(_("code"), max_length=8)
    name = models.CharField(_("name"), max_length=120)
    name_folded = models.CharField(max_length=120, db_index=True, editable=False)
    division_type = models.CharField(_("division type"), max_length=40)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province_code = models.CharField(_("province code"), max_length=2, db_index=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative area")
        verbose_name_plural = _("administrative areas")
        ordering = ["structure", "level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["structure", "level", "code"], name="adminarea_structure_level_code_uniq"
            )
        ]
        indexes = [
            models.Index(
                fields=["province_code", "structure", "level"], name="adminarea_province_idx"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)


class AdminAreaSuccession(models.Model):
    """A legacy commune and a 2025 commune it became (wholly, or partly when it was split)."""

    legacy = models.ForeignKey(
        AdminArea,
        on_delete=models.CASCADE,
        related_name="successions",
        verbose_name=_("legacy commune"),
    )
    successor = models.ForeignKey(
        AdminArea,
        on_delete=models.CASCADE,
        related_name="predecessions",
        verbose_name=_("commune since 2025"),
    )
    partly = models.BooleanField(_("only partly"), default=False)

    class Meta:
        verbose_name = _("commune succession")
        verbose_name_plural = _("commune successions")
        constraints = [
            models.UniqueConstraint(fields=["legacy", "successor"], name="succession_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.legacy} → {self.successor}"


class CommuneChange(models.Model):
    """A legacy commune that became part of another before 2025 (the mergers of 2019-2024):
    from ``effective_on`` ``predecessor`` is part of ``successor``. ``seat``: the successor's
    seat, and so its commune post, was in this predecessor, so the points of the successor
    served it before the change. Loaded with the dated commune list (``legacy_communes``
    import); the report counts a past year's coverage against the communes of that year."""

    predecessor = models.ForeignKey(
        AdminArea,
        on_delete=models.CASCADE,
        related_name="became",
        verbose_name=_("commune before"),
    )
    successor = models.ForeignKey(
        AdminArea,
        on_delete=models.CASCADE,
        related_name="formed_from",
        verbose_name=_("commune after"),
    )
    effective_on = models.DateField(_("effective on"))
    seat = models.BooleanField(_("seat of the commune after"), default=False)

    class Meta:
        verbose_name = _("commune merger")
        verbose_name_plural = _("commune mergers")
        ordering = ["effective_on", "successor__code", "predecessor__code"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor"], name="communechange_once"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_on:%d/%m/%Y})"


class Unit(models.Model):
    """A node of the organisational tree, effective-dated.

    ``path`` is the chain of codes from the root ("VNP/BDT20/BDX06187/"), so a subtree is one
    indexed prefix match on both databases. Codes never change once given.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province_code = models.CharField(_("province code"), max_length=2, blank=True, db_index=True)
    path = models.CharField(max_length=400, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_dates",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(self.name)
        self.path = (self.parent.path if self.parent else "") + self.code + "/"
        self.depth = self.path.count("/") - 1
        super().save(*args, **kwargs)

    def is_within(self, other: Unit) -> bool:
        """True when this unit is ``other`` or lies below it."""
        return self.path.startswith(other.path)

    def is_active_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )


class UnitSuccession(models.Model):
    """A unit that replaced another, wholly or for a share: the commune posts of 1 September
    2025 that replaced the district posts, each taking the share of its district's business
    that its communes did. The figures of a replaced unit are carried to its successors by
    these shares (``planning.selectors.Figures``), so a successor's growth compares like with
    like. The shares of one predecessor add up to 100 %."""

    predecessor = models.ForeignKey(
        Unit,
        verbose_name=_("replaced unit"),
        on_delete=models.PROTECT,
        related_name="successions",
    )
    successor = models.ForeignKey(
        Unit,
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        related_name="predecessions",
    )
    share_bp = models.PositiveIntegerField(
        _("share (basis points)"),
        help_text=_("The part of the replaced unit's business the successor took: 10000 = all."),
    )
    effective_on = models.DateField(_("effective on"))

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        ordering = ["predecessor__path", "successor__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="unit_succession_uniq"
            ),
            models.CheckConstraint(
                condition=Q(share_bp__gte=1) & Q(share_bp__lte=10_000),
                name="unit_succession_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id} {self.share_bp / 100:.2f} %"

    @property
    def share_pct(self) -> float:
        return self.share_bp / 100


class PointQuerySet(models.QuerySet["ServicePoint"]):
    def in_force_on(self, day: dt.date) -> PointQuerySet:
        """Points serving on ``day``: opened on or before it, not closed by it.

        ``closed_on`` is the first day the point no longer serves.
        """
        return self.filter(Q(opened_on__lte=day), Q(closed_on__isnull=True) | Q(closed_on__gt=day))

    def with_counter(self) -> PointQuerySet:
        return self.filter(kind__in=PointKind.with_counter())


class ServicePoint(models.Model):
    """A place where the post office serves people: a post office, a BĐVHX, an agent, a kiosk.

    A point is located in a commune of the structure in force when it opened; the commune in
    the other structure is kept beside it (from the succession table) so coverage can be counted
    on any date.
    """

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=8, choices=PointKind, db_index=True)
    multi_service = models.BooleanField(
        _("multi-service"),
        default=False,
        help_text=_("A commune cultural post office that offers the full range of services."),
    )
    cashless = models.BooleanField(_("takes cashless payments"), default=False)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="points"
    )
    unit_path = models.CharField(max_length=400, db_index=True, editable=False)
    province_code = models.CharField(_("province code"), max_length=2, db_index=True)
    commune = models.ForeignKey(
        AdminArea,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="points",
        limit_choices_to={"structure": "2025", "level": "commune"},
    )
    commune_legacy = models.ForeignKey(
        AdminArea,
        verbose_name=_("commune (before 1 July 2025)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="legacy_points",
        limit_choices_to={"structure": "legacy", "level": "commune"},
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = PointQuerySet.as_manager()

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="point_closed_after_opened",
            ),
            models.CheckConstraint(
                condition=Q(commune__isnull=False) | Q(commune_legacy__isnull=False),
                name="point_has_commune",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(self.name)
        self.unit_path = self.unit.path
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.multi_service and self.kind != PointKind.BDVHX:
            raise ValidationError(
                {"multi_service": _("Only a commune cultural post office can be multi-service.")}
            )
        if self.closed_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _("A point cannot close before it opens.")})

    def is_active_on(self, day: dt.date) -> bool:
        return self.opened_on <= day and (self.closed_on is None or self.closed_on > day)

    def commune_on(self, day: dt.date) -> AdminArea | None:
        """The commune of the point in the structure in force on ``day``."""
        if AdminAreaStructure.in_force_on(day) == AdminAreaStructure.V2025:
            return self.commune
        return self.commune_legacy


class PointService(models.Model):
    """A service a point offers at its counter."""

    point = models.ForeignKey(ServicePoint, on_delete=models.CASCADE, related_name="offers")
    service = models.CharField(_("service"), max_length=32, choices=Service)

    class Meta:
        verbose_name = _("service offered")
        verbose_name_plural = _("services offered")
        constraints = [
            models.UniqueConstraint(fields=["point", "service"], name="pointservice_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.point.code}: {self.get_service_display()}"
