"""Emulation and commendation (thi đua, khen thưởng) under the Law on Emulation and
Commendation 06/2022/QH15 and Decree 98/2023/NĐ-CP.

A provincial post launches a ``Movement`` (phong trào thi đua) with a theme for a year or
several, judged by criteria of ``emulation.criteria`` with their weights, among all its
units or the ones named. Each unit's management and trade union sign a ``Pledge`` (giao ước
thi đua) for a year with targets on the unit criteria; once the year has ended the results
are recorded against them. An ``Award`` is a title (annual: Lao động tiên tiến, Chiến sĩ thi
đua, Cờ thi đua...) or an award for a period (giấy khen, bằng khen, Huân chương...) given to
one person or one unit, proposed by the head of a unit and decided (with the decision's number
and date) by the province post's emulation officer or director, or recorded at once when a
higher level has decided. An ``Initiative`` (sáng kiến) has its authors, is recognised by a
council at a level, and is applied in units.

Every table carries ``province_code`` and its unique keys include it (DESIGN.md, "Scale").
Writes go through ``emulation.services``; reads through ``emulation.selectors``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.emulation.choices import (
    TITLE_KINDS,
    AwardKind,
    AwardLevel,
    AwardStatus,
    InitiativeLevel,
    InitiativeStatus,
)

KEPT = (AwardStatus.PROPOSED, AwardStatus.AWARDED)  # a title held or on its way


def _user(label: Any, *, optional: bool = True) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        null=optional,
        blank=optional,
        on_delete=models.PROTECT,
        related_name="+",
    )


def _unit(label: Any) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        "network.Unit", verbose_name=label, on_delete=models.PROTECT, related_name="+"
    )


class Movement(models.Model):
    """An emulation movement launched by a province post (``province``) for ``year_from`` to
    ``year_to``; ``units`` empty means every unit of the province."""

    province_code = models.CharField(_("province code"), max_length=2)
    province = _unit(_("launched by the post"))
    theme = models.CharField(_("theme"), max_length=400)
    description = models.TextField(_("description"), blank=True)
    launched_by = models.CharField(_("launched by"), max_length=150)
    launched_on = models.DateField(_("launched on"))
    year_from = models.PositiveSmallIntegerField(_("from the year"))
    year_to = models.PositiveSmallIntegerField(_("to the year"))
    units = models.ManyToManyField(
        "network.Unit", verbose_name=_("participating units"), blank=True, related_name="+"
    )
    created_by = _user(_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("emulation movement")
        verbose_name_plural = _("emulation movements")
        ordering = ["-year_to", "-launched_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_to__gte=models.F("year_from")), name="emulation_movement_years"
            )
        ]
        indexes = [models.Index(fields=["province_code", "year_to"], name="emu_movement_year")]

    def __str__(self) -> str:
        return self.theme

    @property
    def years(self) -> str:
        if self.year_from == self.year_to:
            return str(self.year_from)
        return f"{self.year_from}–{self.year_to}"


class MovementCriterion(models.Model):
    """A criterion (``emulation.criteria.CRITERIA``) a movement judges by, with its weight."""

    province_code = models.CharField(_("province code"), max_length=2)
    movement = models.ForeignKey(
        Movement, verbose_name=_("movement"), on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.CharField(_("criterion"), max_length=40)
    weight = models.PositiveSmallIntegerField(pgettext_lazy("emulation", "weight"))

    class Meta:
        verbose_name = _("criterion of a movement")
        verbose_name_plural = _("criteria of movements")
        ordering = ["movement", "-weight", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "movement", "code"], name="emulation_movement_criterion"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=10), name="emulation_criterion_weight"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} × {self.weight}"


class Pledge(models.Model):
    """A unit's emulation pledge (giao ước thi đua) for a year, signed by its management and
    its trade union, under a movement or on its own; its targets are ``targets``."""

    province_code = models.CharField(_("province code"), max_length=2)
    movement = models.ForeignKey(
        Movement,
        verbose_name=_("movement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pledges",
    )
    unit = _unit(_("unit"))
    unit_path = models.CharField(max_length=400, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    signed_on = models.DateField(_("signed on"))
    management_signatory = models.CharField(_("signed for the management"), max_length=150)
    union_signatory = models.CharField(_("signed for the trade union"), max_length=150)
    note = models.TextField(_("note"), blank=True)
    created_by = _user(_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"))
    results_at = models.DateTimeField(_("results recorded at"), null=True, blank=True)
    results_by = _user(_("results recorded by"))

    class Meta:
        verbose_name = _("emulation pledge")
        verbose_name_plural = _("emulation pledges")
        ordering = ["-year", "unit_path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "unit", "year", "movement"],
                condition=Q(movement__isnull=False),
                name="emulation_pledge_once",
            ),
            models.UniqueConstraint(
                fields=["province_code", "unit", "year"],
                condition=Q(movement__isnull=True),
                name="emulation_pledge_once_alone",
            ),
        ]
        indexes = [models.Index(fields=["province_code", "year"], name="emu_pledge_year")]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}"


class PledgeTarget(models.Model):
    """One target of a pledge on a unit criterion; ``result`` and ``met`` once recorded."""

    province_code = models.CharField(_("province code"), max_length=2)
    pledge = models.ForeignKey(
        Pledge, verbose_name=_("pledge"), on_delete=models.CASCADE, related_name="targets"
    )
    code = models.CharField(_("criterion"), max_length=40)
    target = models.DecimalField(
        pgettext_lazy("emulation", "target"), max_digits=12, decimal_places=2
    )
    result = models.DecimalField(
        pgettext_lazy("emulation", "result"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    met = models.BooleanField(_("met"), null=True, blank=True)

    class Meta:
        verbose_name = _("pledge target")
        verbose_name_plural = _("pledge targets")
        ordering = ["pledge", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "pledge", "code"], name="emulation_pledge_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.target}"


class Award(models.Model):
    """A title or an award to one person or one unit for ``year_from``–``year_to``: proposed
    by the head of a unit, then awarded (with its decision) or not approved by a recorder;
    ``unit_path`` is the recipient's unit (the person's, when a person) at the time."""

    province_code = models.CharField(_("province code"), max_length=2)
    kind = models.CharField(_("title or award"), max_length=24, choices=AwardKind)
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("For another title or award: its name."),
    )
    level = models.CharField(pgettext_lazy("emulation", "level"), max_length=16, choices=AwardLevel)
    issuer = models.CharField(_("conferred by"), max_length=200, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="emulation_awards",
    )
    unit = models.ForeignKey(
        "network.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit_path = models.CharField(max_length=400, editable=False)
    year_from = models.PositiveSmallIntegerField(_("from the year"))
    year_to = models.PositiveSmallIntegerField(_("to the year"))
    movement = models.ForeignKey(
        Movement,
        verbose_name=_("movement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=AwardStatus, default=AwardStatus.PROPOSED
    )
    citation = models.TextField(_("achievements"), blank=True)
    note = models.TextField(_("note"), blank=True)
    proposed_by = _user(_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    recorded_by = _user(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("title or award")
        verbose_name_plural = _("titles and awards")
        ordering = ["-year_to", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(unit__isnull=True))
                | (Q(person__isnull=True) & Q(unit__isnull=False)),
                name="emulation_award_one_recipient",
            ),
            models.CheckConstraint(
                condition=Q(year_to__gte=models.F("year_from")), name="emulation_award_years"
            ),
            models.CheckConstraint(
                condition=~Q(status=AwardStatus.AWARDED)
                | (~Q(decision_number="") & Q(decision_date__isnull=False)),
                name="emulation_award_decision",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AwardKind.OTHER) | ~Q(name=""), name="emulation_award_name"
            ),
            models.UniqueConstraint(
                fields=["province_code", "person", "kind", "year_from"],
                condition=Q(person__isnull=False, kind__in=TITLE_KINDS, status__in=KEPT),
                name="emulation_person_title_once",
            ),
            models.UniqueConstraint(
                fields=["province_code", "unit", "kind", "year_from"],
                condition=Q(unit__isnull=False, kind__in=TITLE_KINDS, status__in=KEPT),
                name="emulation_unit_title_once",
            ),
        ]
        indexes = [
            models.Index(fields=["province_code", "year_to", "kind"], name="emu_award_year"),
            models.Index(fields=["unit_path"], name="emu_award_path"),
        ]

    def __str__(self) -> str:
        return f"{self.title} · {self.recipient} · {self.years}"

    @property
    def title(self) -> str:
        """What is given: the kind, or the name of another title or award."""
        # The enum's label, not get_kind_display (which rebuilds the choices on every call:
        # a third of the year-end report's time with some 1.700 awards).
        return self.name if self.kind == AwardKind.OTHER else str(AwardKind(self.kind).label)

    @property
    def recipient(self) -> object:
        return self.person if self.person_id else self.unit

    @property
    def years(self) -> str:
        if self.year_from == self.year_to:
            return str(self.year_from)
        return f"{self.year_from}–{self.year_to}"


class Initiative(models.Model):
    """An initiative (sáng kiến) of its ``authors`` from ``unit``, proposed for ``year`` and
    recognised (with the council's decision) at a level, or not approved."""

    province_code = models.CharField(_("province code"), max_length=2)
    title = models.CharField(_("title"), max_length=300)
    title_folded = models.CharField(max_length=300, editable=False, default="")
    summary = models.TextField(_("summary"), blank=True)
    unit = _unit(_("unit"))
    unit_path = models.CharField(max_length=400, editable=False)
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("authors"), related_name="emulation_initiatives"
    )
    level = models.CharField(
        pgettext_lazy("emulation", "level"), max_length=16, choices=InitiativeLevel
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"), max_length=16, choices=InitiativeStatus, default=InitiativeStatus.PROPOSED
    )
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    benefit = models.TextField(_("benefit"), blank=True)
    benefit_amount = models.BigIntegerField(_("benefit (đồng a year)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    proposed_by = _user(_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed at"))
    decided_by = _user(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["-year", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(benefit_amount__isnull=True) | Q(benefit_amount__gte=0),
                name="emulation_initiative_benefit",
            ),
            models.CheckConstraint(
                condition=~Q(status=InitiativeStatus.RECOGNISED)
                | (~Q(decision_number="") & Q(decision_date__isnull=False)),
                name="emulation_initiative_decision",
            ),
        ]
        indexes = [
            models.Index(fields=["province_code", "year", "status"], name="emu_initiative_year"),
            models.Index(fields=["unit_path"], name="emu_initiative_path"),
        ]

    def __str__(self) -> str:
        return self.title


class InitiativeApplication(models.Model):
    """Where an initiative is applied, and since when."""

    province_code = models.CharField(_("province code"), max_length=2)
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="applications",
    )
    unit = _unit(_("unit"))
    applied_on = models.DateField(_("applied since"))
    recorded_by = _user(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("application of an initiative")
        verbose_name_plural = _("applications of initiatives")
        ordering = ["initiative", "applied_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "initiative", "unit"], name="emulation_applied_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.initiative} · {self.unit}"
