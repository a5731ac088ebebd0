"""Telecom sales at the counters: top-ups and prepaid card codes (e-PIN) of the mobile
operators, sold by the post as their agent for a commission.

- An ``Operator`` (Viettel, VinaPhone, MobiFone ...) per province: the mobile prefixes it
  owns, its commission on top-ups and on e-PIN codes (basis points, 100 = 1 %). Its ledger
  partner is ``telecom-<code>``: what the post owes it for what it sold (the face value less
  the commission).
- A ``Topup`` is a counter operation: a subscriber's number credited with a denomination.
- e-PIN codes are stock: a ``PinBatch`` imported from the operator's file, each ``Pin``
  with its serial and its secret code, available until one ``PinSale`` takes it. A code is
  sold once and shown once (``shown_at``): on the sale's result page (or in the API answer
  of the sale); every later view shows it masked.
- ``TelecomRollup``: the sales per day, point, operator and kind, kept by the services; the
  figures read it, never the sales.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from buudien.counter.models import CounterOperation, entry_link, person_link, point_link
from buudien.telecom.choices import PinStatus, TelecomKind

BASIS_POINTS = 10_000  # 100 %
PARTNER_PREFIX = "telecom-"

operator_code = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]{0,23}$",
    _("Lowercase letters, digits, '-' and '_', at most 24 (it names the operator's account)."),
)
prefixes_format = RegexValidator(
    r"^0\d{2}( 0\d{2})*$",
    _("Three-digit prefixes starting with 0, separated by spaces, e.g. 086 096 097."),
)


def mask_code(code: str) -> str:
    """A secret code as every later view shows it: its last four digits only."""
    return f"•••• •••• {code[-4:]}" if code else "—"


class Operator(models.Model):
    province_code = models.CharField(_("province code"), max_length=2)
    code = models.CharField(_("code"), max_length=24, validators=[operator_code])
    name = models.CharField(_("name"), max_length=100)
    prefixes = models.CharField(
        _("mobile prefixes"),
        max_length=300,
        validators=[prefixes_format],
        help_text=_("The three-digit prefixes of its numbers, separated by spaces."),
    )
    topup_commission_bp = models.PositiveIntegerField(
        _("commission on top-ups (basis points)"), default=0, help_text=_("100 = 1%.")
    )
    pin_commission_bp = models.PositiveIntegerField(
        _("commission on card codes (basis points)"), default=0, help_text=_("100 = 1%.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("mobile operator")
        verbose_name_plural = _("mobile operators")
        ordering = ["province_code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["province_code", "code"], name="telecom_operator_code"),
            models.CheckConstraint(
                condition=Q(topup_commission_bp__lte=BASIS_POINTS)
                & Q(pin_commission_bp__lte=BASIS_POINTS),
                name="telecom_operator_commission",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def partner(self) -> str:
        """The ledger partner: ``3388.partner.telecom-<code>`` is what the post owes it."""
        return f"{PARTNER_PREFIX}{self.code}"

    def prefix_list(self) -> list[str]:
        return self.prefixes.split()


class Topup(CounterOperation):
    """A subscriber's prepaid account credited with ``amount`` (nạp tiền trả trước)."""

    operator = models.ForeignKey(
        Operator, verbose_name=_("operator"), on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField(_("subscriber number"), max_length=10)
    amount = models.BigIntegerField(_("amount (đồng)"))
    commission = models.BigIntegerField(_("commission (đồng)"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = person_link(_("cancelled by"))
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    cancel_entry = entry_link(_("reversal entry"))

    class Meta(CounterOperation.Meta):
        verbose_name = _("top-up")
        verbose_name_plural = _("top-ups")

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class PinBatch(models.Model):
    """A file of codes received from an operator (lô mã thẻ)."""

    province_code = models.CharField(_("province code"), max_length=2)
    operator = models.ForeignKey(
        Operator, verbose_name=_("operator"), on_delete=models.PROTECT, related_name="batches"
    )
    face_value = models.BigIntegerField(
        _("face value (đồng)"), null=True, blank=True, help_text=_("Blank when the file mixes.")
    )
    count = models.PositiveIntegerField(_("codes"))
    total = models.BigIntegerField(_("total face value (đồng)"))
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received at"))
    received_by = person_link(_("received by"))

    class Meta:
        verbose_name = _("batch of card codes")
        verbose_name_plural = _("batches of card codes")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.operator_id} · {self.count} · {self.received_at:%d/%m/%Y}"


class PinSale(CounterOperation):
    """Card codes sold at a counter (bán mã thẻ): ``quantity`` codes of one operator and face
    value."""

    operator = models.ForeignKey(
        Operator, verbose_name=_("operator"), on_delete=models.PROTECT, related_name="+"
    )
    face_value = models.BigIntegerField(_("face value (đồng)"))
    quantity = models.PositiveIntegerField(_("quantity"))
    amount = models.BigIntegerField(_("amount (đồng)"))
    commission = models.BigIntegerField(_("commission (đồng)"))

    class Meta(CounterOperation.Meta):
        verbose_name = _("card code sale")
        verbose_name_plural = _("card code sales")


class Pin(models.Model):
    """One prepaid card code: its serial (printed, not secret) and its secret code, shown
    once to the customer who bought it."""

    province_code = models.CharField(_("province code"), max_length=2)
    operator = models.ForeignKey(
        Operator, verbose_name=_("operator"), on_delete=models.PROTECT, related_name="pins"
    )
    face_value = models.BigIntegerField(_("face value (đồng)"))
    serial = models.CharField(_("serial"), max_length=24)
    code = models.CharField(_("secret code"), max_length=24, editable=False)
    batch = models.ForeignKey(
        PinBatch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="pins"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=PinStatus, default=PinStatus.AVAILABLE
    )
    sale = models.ForeignKey(
        PinSale,
        verbose_name=_("sale"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pins",
    )
    shown_at = models.DateTimeField(_("code shown at"), null=True, blank=True)

    class Meta:
        verbose_name = _("card code")
        verbose_name_plural = _("card codes")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["operator", "serial"], name="telecom_pin_serial"),
            models.CheckConstraint(
                condition=Q(status=PinStatus.AVAILABLE, sale__isnull=True)
                | Q(status=PinStatus.SOLD, sale__isnull=False),
                name="telecom_pin_sold_with_sale",
            ),
        ]
        indexes = [
            models.Index(fields=["operator", "face_value", "status", "id"], name="telecom_pin_pick")
        ]

    def __str__(self) -> str:
        return f"{self.serial} ({mask_code(self.code)})"

    @property
    def masked(self) -> str:
        return mask_code(self.code)


class TelecomRollup(models.Model):
    """One (province, business day, point, operator, kind): the sales made, their face value
    and the post's commission, net of the top-ups cancelled that day (a cancellation counts
    -1). Kept by the services in their transaction (``telecom.rollup``)."""

    province_code = models.CharField(_("province code"), max_length=2)
    day = models.DateField(_("day"))
    point = point_link(_("service point"))
    operator = models.ForeignKey(
        Operator, verbose_name=_("operator"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=TelecomKind)
    sales = models.IntegerField(_("sales"), default=0)
    units = models.IntegerField(_("top-ups or codes"), default=0)
    amount = models.BigIntegerField(_("face value (đồng)"), default=0)
    commission = models.BigIntegerField(_("commission (đồng)"), default=0)

    class Meta:
        verbose_name = _("telecom rollup")
        verbose_name_plural = _("telecom rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "day", "point", "operator", "kind"],
                name="telecom_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.province_code} {self.day:%d/%m/%Y} {self.point_id} {self.kind}"
