"""Administrative dossiers received and returned through the post (hành chính công).

An ``Agency`` settles the procedures; a ``Procedure`` names its documents, its fee (lệ phí,
owed to the agency), the post's charge and its processing time in business days. A
``Dossier`` is a counter operation (``counter.models.CounterOperation``): its reference is
the dossier code on the slip, its entry the money taken at intake. Each step of its life is a
``DossierStep``; the dossiers handed to an agency, and the results it hands back, travel in a
``Handover`` with its printed record (biên bản bàn giao).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.core.bizdays import VIETNAM
from buudien.core.text import fold
from buudien.counter.models import CounterOperation, entry_link, person_link, point_link
from buudien.dossiers.choices import AgencyKind, Direction, Mode, ReturnBy, Status, StepKind


class Agency(models.Model):
    province_code = models.CharField(_("province code"), max_length=2)
    code = models.SlugField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=AgencyKind)
    handover_point = models.ForeignKey(
        "network.ServicePoint",
        verbose_name=_("hands over at"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The post office that carries dossiers to this agency and results back."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact"), max_length=150, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["province_code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province_code", "code"], name="dossiers_agency_code")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(self.name)[:200]
        super().save(*args, **kwargs)


class Procedure(models.Model):
    """An administrative procedure the post receives dossiers of. ``documents`` is the list
    of required documents: ``{"name": ..., "original": bool, "copies": n}``."""

    province_code = models.CharField(_("province code"), max_length=2)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="procedures"
    )
    code = models.CharField(_("procedure code"), max_length=32)
    name = models.CharField(_("name"), max_length=300)
    name_folded = models.CharField(max_length=300, editable=False, db_index=True)
    documents = models.JSONField(_("required documents"), default=list, blank=True)
    agency_fee = models.BigIntegerField(_("agency's fee (đồng)"), default=0)
    charge_receive = models.BigIntegerField(_("charge to receive and send (đồng)"), default=0)
    charge_return = models.BigIntegerField(_("charge to return the result (đồng)"), default=0)
    processing_days = models.PositiveSmallIntegerField(_("processing time (business days)"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["province_code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "code"], name="dossiers_procedure_code"
            ),
            models.CheckConstraint(
                condition=models.Q(agency_fee__gte=0)
                & models.Q(charge_receive__gte=0)
                & models.Q(charge_return__gte=0),
                name="dossiers_procedure_money",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(f"{self.code} {self.name}")[:300]
        super().save(*args, **kwargs)

    def charge_for(self, mode: str) -> int:
        """The post's charge for a dossier of ``mode``."""
        charge = 0
        if mode in (Mode.RECEIVE, Mode.BOTH):
            charge += self.charge_receive
        if mode in Mode.returns():
            charge += self.charge_return
        return charge


class Handover(models.Model):
    """Dossiers carried to an agency, or results it hands back, with the printed record."""

    province_code = models.CharField(_("province code"), max_length=2)
    number = models.CharField(pgettext_lazy("document number", "number"), max_length=24)
    direction = models.CharField(_("direction"), max_length=16, choices=Direction)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="handovers"
    )
    point = point_link(_("service point"))
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    created_by = person_link(_("by"))
    count = models.PositiveIntegerField(_("dossiers"), default=0)
    receiver_name = models.CharField(_("agency's receiver"), max_length=150, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("hand-over")
        verbose_name_plural = _("hand-overs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "number"], name="dossiers_handover_number"
            )
        ]

    def __str__(self) -> str:
        return self.number


class FeeSettlement(models.Model):
    """The agency's fees collected over a range of business days, passed on in one transfer:
    one ledger entry (debit what the post owes the agency, credit the post's bank account);
    the dossiers whose fees it paid point at it."""

    province_code = models.CharField(_("province code"), max_length=2)
    reference = models.CharField(pgettext_lazy("document number", "reference"), max_length=48)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="settlements"
    )
    date_from = models.DateField(pgettext_lazy("date range", "from"))
    date_to = models.DateField(pgettext_lazy("date range", "to"))
    count = models.PositiveIntegerField(_("dossiers"), default=0)
    total = models.BigIntegerField(_("fees passed on (đồng)"), default=0)
    bank = models.CharField(_("bank account"), max_length=32)
    entry = entry_link(_("ledger entry"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=128)
    memo = models.CharField(_("memo"), max_length=500, blank=True)
    created_by = person_link(_("settled by"))
    created_at = models.DateTimeField(_("settled at"), default=timezone.now)

    class Meta:
        verbose_name = _("fee settlement")
        verbose_name_plural = _("fee settlements")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "reference"], name="dossiers_settlement_ref"
            ),
            models.UniqueConstraint(
                fields=["province_code", "idempotency_key"], name="dossiers_settlement_key"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class Dossier(CounterOperation):
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="dossiers"
    )
    mode = models.CharField(_("mode"), max_length=8, choices=Mode)
    status = models.CharField(_("status"), max_length=16, choices=Status, db_index=True)
    applicant_name = models.CharField(_("applicant"), max_length=150)
    applicant_folded = models.CharField(max_length=150, editable=False, db_index=True)
    citizen_id = models.CharField(_("citizen ID"), max_length=12, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    documents = models.JSONField(_("documents received"), default=list, blank=True)
    agency_reference = models.CharField(
        _("agency's receipt number"),
        max_length=40,
        blank=True,
        help_text=_("For a dossier lodged at the agency, whose result the post returns."),
    )
    at_address = models.BooleanField(
        _("received at the applicant's address"),
        default=False,
        help_text=_("Picked up by a postman rather than handed in at the counter."),
    )
    agency_fee = models.BigIntegerField(_("agency's fee (đồng)"), default=0)
    charge = models.BigIntegerField(_("post's charge (đồng)"), default=0)
    return_by = models.CharField(_("result returned"), max_length=8, choices=ReturnBy, blank=True)
    commune = models.ForeignKey(
        "network.AdminArea",
        verbose_name=_("applicant's commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Where the result is posted, when it goes to the applicant's address."),
    )
    due_date = models.DateField(_("promised return date"), db_index=True)
    handover = models.ForeignKey(
        Handover,
        verbose_name=_("hand-over to the agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers_sent",
    )
    result_handover = models.ForeignKey(
        Handover,
        verbose_name=_("result hand-over"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers_back",
    )
    result_at = models.DateTimeField(_("result back at"), null=True, blank=True)
    result_item = models.OneToOneField(
        "mail.PostalItem",
        verbose_name=_("result posted as"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossier",
        help_text=_("The administrative delivery (HC) item that takes the result to the address."),
    )
    late_reason = models.CharField(_("reason for the delay"), max_length=300, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_point = point_link(_("returned at the point"), optional=True)
    returned_by = person_link(_("returned by"))
    receiver_name = models.CharField(_("received by"), max_length=150, blank=True)
    settlement = models.ForeignKey(
        FeeSettlement,
        verbose_name=_("fee settlement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )

    class Meta(CounterOperation.Meta):
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        indexes = [
            models.Index(fields=["province_code", "status", "due_date"]),
            # The year's figures (received by business day, returned by day) and the public
            # lookup by code alone.
            models.Index(fields=["province_code", "business_date"]),
            models.Index(fields=["province_code", "returned_at"]),
            models.Index(fields=["reference"]),
        ]

    @property
    def on_time(self) -> bool | None:
        """Whether the result was returned by the promised date (None until it is)."""
        if self.returned_at is None:
            return None
        return self.returned_at.astimezone(VIETNAM).date() <= self.due_date


class DossierStep(models.Model):
    """One step of a dossier's life: who, where, when. The public lookup shows the steps."""

    province_code = models.CharField(_("province code"), max_length=2)
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField(_("step"), max_length=24, choices=StepKind)
    at = models.DateTimeField(_("at"))
    point = point_link(_("service point"), optional=True)
    actor = person_link(_("by"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    key = models.CharField(_("idempotency key"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "key"],
                condition=~models.Q(key=""),
                name="dossiers_step_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier} · {self.get_kind_display()}"


class AgencyToken(models.Model):
    """A bearer token of an agency's one-stop system: it reads the dossiers handed to that
    agency and tells their status. Only a hash is kept; the token is shown once."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = person_link(_("by"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("agency API token")
        verbose_name_plural = _("agency API tokens")

    def __str__(self) -> str:
        return f"{self.agency} · {self.name} ({self.prefix}…)"


class DossierRollup(models.Model):
    """One (province, day, point, agency, procedure): the dossiers received that business
    day at the point, with the agencies' fees and the post's charges taken; the results
    returned that day (in Vietnam) by the point (at its counter, or delivered by its
    postmen), and of them those returned by their promised date. Kept by the services in
    the transaction of each intake and return (``dossiers.rollup``); the figures read it,
    never the dossiers."""

    province_code = models.CharField(_("province code"), max_length=2)
    day = models.DateField(_("day"))
    point = point_link(_("service point"))
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="+"
    )
    received = models.PositiveIntegerField(pgettext_lazy("dossiers", "received"), default=0)
    agency_fees = models.BigIntegerField(_("agency's fees (đồng)"), default=0)
    charges = models.BigIntegerField(_("post's charges (đồng)"), default=0)
    returned = models.PositiveIntegerField(pgettext_lazy("dossiers", "returned"), default=0)
    returned_on_time = models.PositiveIntegerField(_("returned on time"), default=0)

    class Meta:
        verbose_name = _("dossier rollup")
        verbose_name_plural = _("dossier rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "day", "point", "agency", "procedure"],
                name="dossier_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.province_code} {self.day:%d/%m/%Y} {self.point_id}"
