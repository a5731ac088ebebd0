"""Customer care (``care``): the requests the post receives (enquiries, complaints,
suggestions) from the hotline, the counter, the public web form or a partner, their handling
step by step within the law's deadlines, and the compensation of an upheld complaint.

A ``CareRequest`` names what it is about (a mail item by its number, or the reference of a
bill, a payout, a dossier or a sale) and, for a complaint, its ground. A complaint about an
item is admissible until ``admissible_until`` (Law on Postal Services 49/2010/QH12, art. 38:
6 months after the full-course time for loss and delay, 1 month after delivery for damage,
missing contents and the price) and is resolved by ``resolve_by`` (2 months after it was
received for a domestic item, 3 for an international one). Each ``CareStep`` is one thing
that happened to it, by whom; the customer sees the public ones, never the staff's notes.

Every table carries ``province_code`` and its unique keys include it (DESIGN.md, "Scale").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.care.choices import (
    Channel,
    CompensationRule,
    CompensationStatus,
    Ground,
    Outcome,
    PaymentMethod,
    RequestKind,
    Status,
    StepKind,
    Subject,
)
from buudien.counter.models import CounterOperation, point_link

# The public code of a request: "CS" (chăm sóc) and 8 digits, printed on the customer's slip.
CODE_PREFIX = "CS"


class CareRequest(models.Model):
    province_code = models.CharField(_("province code"), max_length=2)
    code = models.CharField(_("code"), max_length=16)
    channel = models.CharField(pgettext_lazy("care", "channel"), max_length=16, choices=Channel)
    kind = models.CharField(_("kind"), max_length=16, choices=RequestKind)
    ground = models.CharField(_("ground"), max_length=16, choices=Ground, blank=True)
    subject = models.CharField(_("about"), max_length=16, choices=Subject, default=Subject.NONE)
    item = models.ForeignKey(
        "mail.PostalItem",
        verbose_name=_("mail item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_ref = models.CharField(_("reference"), max_length=64, blank=True)
    service = models.CharField(_("service"), max_length=32, blank=True)
    is_kt1 = models.BooleanField(_("KT1"), default=False, editable=False)
    international = models.BooleanField(_("international"), default=False)
    customer_name = models.CharField(_("customer"), max_length=150)
    # The name without its diacritics (``core.text.fold``): what the staff's search reads.
    customer_folded = models.CharField(max_length=150, blank=True, editable=False)
    customer_phone = models.CharField(_("phone"), max_length=12, blank=True)
    customer_email = models.EmailField(_("email"), blank=True)
    description = models.TextField(_("what the customer says"), max_length=4_000)
    unit = models.ForeignKey(
        "network.Unit", verbose_name=_("unit in charge"), on_delete=models.PROTECT, related_name="+"
    )
    unit_path = models.CharField(max_length=400, editable=False)
    # The unit the request was first put in charge of (the point's, the item's office's, or
    # the provincial post): the figures count it there, wherever it is handled afterwards.
    origin_unit = models.ForeignKey(
        "network.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    point = point_link(_("received at"), optional=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"))
    received_on = models.DateField(_("received on"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    admissible_until = models.DateField(_("admissible until"), null=True, blank=True)
    resolve_by = models.DateField(_("to resolve by"))
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.RECEIVED)
    answer = models.TextField(_("answer to the customer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome, blank=True)
    cause = models.CharField(_("cause found"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer request")
        verbose_name_plural = _("customer requests")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["province_code", "code"], name="care_request_code"),
            models.CheckConstraint(
                condition=~Q(kind=RequestKind.COMPLAINT) | ~Q(ground=""),
                name="care_complaint_has_ground",
            ),
        ]
        indexes = [
            models.Index(fields=["province_code", "status", "resolve_by"], name="care_open_idx"),
            models.Index(fields=["province_code", "item", "ground"], name="care_item_idx"),
            models.Index(fields=["province_code", "received_on"], name="care_day_idx"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.CLOSED,)


class CareStep(models.Model):
    """One thing that happened to a request: lodged, assigned, a note, the answer, escalated,
    closed. ``public`` steps are shown to the customer on the public page."""

    province_code = models.CharField(_("province code"), max_length=2)
    request = models.ForeignKey(
        CareRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="steps"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=StepKind)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("text"), blank=True)
    public = models.BooleanField(_("shown to the customer"), default=False)

    class Meta:
        verbose_name = _("request step")
        verbose_name_plural = _("request steps")
        ordering = ["request", "at", "id"]

    def __str__(self) -> str:
        return f"{self.request.code} {self.kind}"


class Compensation(models.Model):
    """The compensation of an upheld (or partly upheld) complaint about a mail item: the
    most the rules allow (``amount_max``, computed by ``care.compensation`` from the item's
    own price and declared value), the amount proposed within it, approved by an accountant,
    then paid once (at a counter or by transfer: a ledger expense, never an edit)."""

    province_code = models.CharField(_("province code"), max_length=2)
    request = models.OneToOneField(
        CareRequest,
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="compensation",
    )
    rule = models.CharField(_("rule"), max_length=24, choices=CompensationRule)
    charge = models.BigIntegerField(_("charge paid (đồng)"))
    declared_value = models.BigIntegerField(_("declared value (đồng)"), default=0)
    loss_bp = models.PositiveIntegerField(
        _("share lost (basis points)"), default=10_000, help_text=_("10000: all of it.")
    )
    amount_max = models.BigIntegerField(_("most the rules allow (đồng)"))
    amount = models.BigIntegerField(_("amount (đồng)"))
    status = models.CharField(
        _("status"), max_length=16, choices=CompensationStatus, default=CompensationStatus.PROPOSED
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    entry = models.ForeignKey(
        "finance.Entry",
        verbose_name=_("ledger entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("compensation")
        verbose_name_plural = _("compensations")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(amount__lte=models.F("amount_max")),
                name="care_compensation_within_rules",
            ),
            models.CheckConstraint(
                condition=Q(loss_bp__gte=1) & Q(loss_bp__lte=10_000),
                name="care_compensation_share",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request.code} {self.amount}"


class CompensationPayment(CounterOperation):
    """A compensation paid, once (``compensation`` is unique): in cash from a counter's
    drawer by its clerk, or by transfer from the provincial post's bank account by an
    accountant. Its ledger entry debits the compensation expense (``811.compensation``) and
    credits the drawer or the bank; its reference is printed on the customer's receipt."""

    compensation = models.OneToOneField(
        Compensation,
        verbose_name=_("compensation"),
        on_delete=models.PROTECT,
        related_name="payment",
    )
    method = models.CharField(_("payment method"), max_length=16, choices=PaymentMethod)
    bank = models.CharField(_("bank"), max_length=32, blank=True)
    payee_name = models.CharField(_("paid to"), max_length=150)
    payee_account = models.CharField(_("payee's bank account"), max_length=40, blank=True)
    amount = models.BigIntegerField(_("amount (đồng)"))

    class Meta(CounterOperation.Meta):
        verbose_name = _("compensation payment")
        verbose_name_plural = _("compensation payments")


class CareRollup(models.Model):
    """One (province, month, unit, channel, kind, service, ground): the requests received
    that month, of them closed, closed within the legal time, upheld (fully or partly); the
    compensations paid that month and their amount. Kept by the services in their
    transaction (``care.rollup``); the figures read it, never the requests."""

    province_code = models.CharField(_("province code"), max_length=2)
    month = models.DateField(_("month"))
    unit = models.ForeignKey(
        "network.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(pgettext_lazy("care", "channel"), max_length=16, choices=Channel)
    kind = models.CharField(_("kind"), max_length=16, choices=RequestKind)
    service = models.CharField(_("service"), max_length=32)
    ground = models.CharField(_("ground"), max_length=16)
    received = models.IntegerField(_("received"), db_default=0)
    closed = models.IntegerField(_("closed"), db_default=0)
    closed_on_time = models.IntegerField(_("closed within the legal time"), db_default=0)
    upheld = models.IntegerField(_("upheld"), db_default=0)
    compensations = models.IntegerField(_("compensations paid"), db_default=0)
    compensation_paid = models.BigIntegerField(_("compensation paid (đồng)"), db_default=0)

    class Meta:
        verbose_name = _("care rollup")
        verbose_name_plural = _("care rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "month", "unit", "channel", "kind", "service", "ground"],
                name="care_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y} {self.unit_id} {self.kind}"
