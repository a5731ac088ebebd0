"""Insurance sold at the counter as the agent of partner insurers (PTI, BIC, Bảo Việt...).

An ``Insurer`` is a partner of the province: the premiums the post takes for it are owed to
it (``3388.partner.bh-<code>``), less the commission the post keeps as revenue of the
service ``insurance``. A ``Product`` is what the counter sells of it (motorbike or car
compulsory civil liability, personal accident, health, home), with a fixed premium or one
entered per policy between a minimum and a maximum. A ``Policy`` is one certificate issued
at a counter: a counter operation with its one ledger entry; a cancellation the same day
reverses it. ``InsuranceRollup`` holds the figures per day, point, insurer and kind, kept by
the services; the figures read it, never the policies.

Every table carries ``province_code`` and its unique keys include it (DESIGN.md, "Scale").
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from buudien.counter.models import CounterOperation, entry_link, person_link, point_link
from buudien.insurance.choices import PolicyStatus, ProductKind

# The ledger partner of an insurer: ``bh-<code>`` (bảo hiểm), beside the agencies' ``hcc-``.
PARTNER_PREFIX = "bh-"
TERM_MONTHS_MAX = 60


class Insurer(models.Model):
    """A partner insurer whose policies the post sells in the province."""

    province_code = models.CharField(_("province code"), max_length=2)
    code = models.SlugField(
        _("code"),
        max_length=28,
        help_text=_("Lowercase letters, digits and '-': the insurer's account in the ledger."),
    )
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("insurer")
        verbose_name_plural = _("insurers")
        ordering = ["province_code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["province_code", "code"], name="insurance_insurer_uniq")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def partner(self) -> str:
        """The insurer's slug in the ledger (``3388.partner.<partner>``)."""
        return f"{PARTNER_PREFIX}{self.code}"


class Product(models.Model):
    """An insurance product of an insurer sold at the counter. ``premium`` is the fixed
    premium (VAT included) when more than 0; otherwise the premium is entered per policy
    from ``premium_min`` to ``premium_max``. The post earns ``commission_bp`` basis points of
    the premium."""

    province_code = models.CharField(_("province code"), max_length=2)
    insurer = models.ForeignKey(
        Insurer, verbose_name=_("insurer"), on_delete=models.PROTECT, related_name="products"
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=ProductKind)
    term_months = models.PositiveSmallIntegerField(_("term (months)"), default=12)
    premium = models.BigIntegerField(
        _("fixed premium (đồng)"), default=0, help_text=_("0: entered per policy.")
    )
    premium_min = models.BigIntegerField(_("lowest premium (đồng)"), default=0)
    premium_max = models.BigIntegerField(_("highest premium (đồng)"), default=0)
    commission_bp = models.PositiveIntegerField(
        _("commission (basis points)"), default=0, help_text=_("1 basis point is 0.01 %.")
    )
    plate_required = models.BooleanField(_("vehicle plate required"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("insurance product")
        verbose_name_plural = _("insurance products")
        ordering = ["province_code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "code"], name="insurance_product_uniq"
            ),
            models.CheckConstraint(
                condition=Q(premium__gte=0) & Q(premium_min__gte=0) & Q(premium_max__gte=0),
                name="insurance_product_premium_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(commission_bp__lte=10_000), name="insurance_product_commission_max"
            ),
            models.CheckConstraint(
                condition=Q(term_months__gte=1) & Q(term_months__lte=TERM_MONTHS_MAX),
                name="insurance_product_term",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    @property
    def fixed(self) -> bool:
        return self.premium > 0

    def commission_of(self, premium: int) -> int:
        """The post's commission on ``premium``, rounded to the đồng (half up)."""
        return (premium * self.commission_bp + 5_000) // 10_000


class Policy(CounterOperation):
    """A policy (its certificate) issued at the counter. ``policy_number`` is the number
    pre-printed on the insurer's certificate, or the reference when none was given; it is
    unique per insurer. ``commission`` is the post's; the rest of the premium is owed to the
    insurer."""

    product = models.ForeignKey(
        Product,
        verbose_name=_("insurance product"),
        on_delete=models.PROTECT,
        related_name="policies",
    )
    insurer = models.ForeignKey(
        Insurer, verbose_name=_("insurer"), on_delete=models.PROTECT, related_name="policies"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ProductKind)
    policy_number = models.CharField(_("policy number"), max_length=30)
    insured_name = models.CharField(_("insured"), max_length=150)
    insured_folded = models.CharField(max_length=150, editable=False, db_index=True)
    citizen_id = models.CharField(_("citizen ID"), max_length=12, blank=True)
    phone = models.CharField(_("phone"), max_length=12, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    plate = models.CharField(_("vehicle plate"), max_length=16, blank=True)
    starts_on = models.DateField(_("cover from"))
    ends_on = models.DateField(_("cover until"))
    premium = models.BigIntegerField(_("premium (đồng)"))
    commission = models.BigIntegerField(_("commission (đồng)"))
    status = models.CharField(
        _("status"), max_length=16, choices=PolicyStatus, default=PolicyStatus.ISSUED
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = person_link(_("cancelled by"))
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    cancel_entry = entry_link(_("reversal entry"))

    class Meta(CounterOperation.Meta):
        verbose_name = _("insurance policy")
        verbose_name_plural = _("insurance policies")
        constraints = [
            *CounterOperation.Meta.constraints,
            models.UniqueConstraint(
                fields=["province_code", "insurer", "policy_number"],
                name="insurance_policy_number_uniq",
            ),
            models.CheckConstraint(
                condition=Q(premium__gt=0)
                & Q(commission__gte=0)
                & Q(commission__lte=models.F("premium")),
                name="insurance_policy_money",
            ),
        ]
        indexes = [
            models.Index(
                fields=["province_code", "point", "business_date"], name="insurance_policy_day_idx"
            ),
            models.Index(
                fields=["province_code", "insurer", "business_date"],
                name="insurance_policy_insurer_idx",
            ),
            models.Index(
                fields=["province_code", "point", "ends_on"], name="insurance_policy_ends_idx"
            ),
        ]

    @property
    def owed(self) -> int:
        """What the insurer is owed of the premium: the premium less the commission."""
        return self.premium - self.commission


class InsuranceRollup(models.Model):
    """One (province, business day, point, insurer, product kind): the policies issued that
    day and their premiums and commissions, and of them the policies cancelled. Kept by
    ``services.policy_issue`` and ``services.policy_cancel`` in their transaction
    (``insurance.rollup``); the figures read it, never the policies."""

    province_code = models.CharField(_("province code"), max_length=2)
    day = models.DateField(_("day"))
    point = point_link(_("service point"))
    insurer = models.ForeignKey(
        Insurer, verbose_name=_("insurer"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ProductKind)
    policies = models.IntegerField(_("policies"), default=0)
    premium = models.BigIntegerField(_("premiums (đồng)"), default=0)
    commission = models.BigIntegerField(_("commission (đồng)"), default=0)
    cancelled = models.IntegerField(_("policies cancelled"), default=0)
    premium_cancelled = models.BigIntegerField(_("premiums cancelled (đồng)"), default=0)
    commission_cancelled = models.BigIntegerField(_("commission cancelled (đồng)"), default=0)

    class Meta:
        verbose_name = _("insurance rollup")
        verbose_name_plural = _("insurance rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "day", "point", "insurer", "kind"],
                name="insurance_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.province_code} {self.day:%d/%m/%Y} {self.point_id} {self.kind}"
