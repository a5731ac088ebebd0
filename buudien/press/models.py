"""Press (``press``) and public press (``public_press``), services of the distribution line.

A ``Publisher`` (a newspaper or a publishing house) is a partner of the province: the
subscriptions the post takes for it are owed to it (``3388.partner.nxb-<code>``), less the
post's margin, revenue of ``press``. A ``Title`` is a newspaper or magazine the post
distributes: how often it appears and on which days, its issue price and, effective-dated,
its subscription prices per period (``TitlePrice``). A ``Subscription`` is taken and paid at
a counter (a counter operation with its one ledger entry) for whole months from the first
day of a coming month, delivered by the postman of its delivery point.

A public-press ``Programme`` is funded by the State (the titles Decision 45/2015/QĐ-TTg
names, the free press for ethnic-minority and mountain areas): its titles go free to its
recipients (``ProgrammeRecipient``: a commune People's Committee, a prestigious person, a
village), settled with the ordering agency, revenue of ``public_press``.

A ``PublisherSettlement`` pays a publisher its share of the subscriptions of a range of days
(they point at it); a ``ProgrammeSettlement`` bills a programme's ordering agency for the
copies delivered of a range of issues (the deliveries point at it); ``press.settlements``.

Every table carries ``province_code`` and its unique keys include it (DESIGN.md, "Scale").
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.core.bizdays import VIETNAM
from buudien.counter.models import CounterOperation, entry_link, person_link, point_link
from buudien.press.choices import (
    DeliveryStatus,
    MissReason,
    Periodicity,
    PeriodKind,
    RecipientKind,
    SubscriberKind,
)

# The ledger partner of a publisher: ``nxb-<code>`` (nhà xuất bản), beside insurance's ``bh-``.
PARTNER_PREFIX = "nxb-"
# The ledger partner of a programme's ordering agency: ``bcci-<code>`` (báo chí công ích).
PROGRAMME_PARTNER_PREFIX = "bcci-"


class Publisher(models.Model):
    """A newspaper's publisher (cơ quan báo chí) or a publishing house of the province's
    titles."""

    province_code = models.CharField(_("province code"), max_length=2)
    code = models.SlugField(
        _("code"),
        max_length=28,
        help_text=_("Lowercase letters, digits and '-': the publisher's account in the ledger."),
    )
    name = models.CharField(_("name"), max_length=200)
    bank = models.CharField(
        _("settlement bank account"),
        max_length=32,
        blank=True,
        help_text=_("Short code of the post's bank account the publisher is paid from."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("publisher")
        verbose_name_plural = _("publishers")
        ordering = ["province_code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["province_code", "code"], name="press_publisher_uniq")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def partner(self) -> str:
        """The publisher's slug in the ledger (``3388.partner.<partner>``)."""
        return f"{PARTNER_PREFIX}{self.code}"


class Title(models.Model):
    """A newspaper or magazine. It appears on the ISO weekdays in ``weekdays`` (``"135"``:
    Monday, Wednesday, Friday) and on the days of the month in ``month_days`` (``"1,15"``).
    The post keeps ``margin_bp`` basis points of a subscription's price; the rest is owed to
    the publisher."""

    province_code = models.CharField(_("province code"), max_length=2)
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    publisher = models.ForeignKey(
        Publisher, verbose_name=_("publisher"), on_delete=models.PROTECT, related_name="titles"
    )
    periodicity = models.CharField(_("periodicity"), max_length=16, choices=Periodicity)
    weekdays = models.CharField(
        _("weekdays it appears"),
        max_length=7,
        blank=True,
        help_text=_("ISO weekdays, 1 Monday to 7 Sunday: '1234567' every day, '5' on Fridays."),
    )
    month_days = models.CharField(
        _("days of the month it appears"),
        max_length=90,
        blank=True,
        help_text=_("Days of the month separated by commas, e.g. '1,15'."),
    )
    issue_price = models.BigIntegerField(_("issue price (đồng)"), default=0)
    margin_bp = models.PositiveIntegerField(
        _("post's margin (basis points)"), default=0, help_text=_("1 basis point is 0.01 %.")
    )
    due_days = models.PositiveSmallIntegerField(
        _("days to deliver"),
        default=0,
        help_text=_("0: the copies are due on the issue day itself; 2: two days after it."),
    )
    due_time = models.TimeField(
        _("due by"),
        default=dt.time(11, 0),
        help_text=_("The hour by which a copy is delivered to be on time."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("press title")
        verbose_name_plural = _("press titles")
        ordering = ["province_code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["province_code", "code"], name="press_title_uniq"),
            models.CheckConstraint(
                condition=Q(issue_price__gte=0), name="press_title_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(margin_bp__lte=10_000), name="press_title_margin_max"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"

    def appears_on(self, day: dt.date) -> bool:
        if str(day.isoweekday()) in self.weekdays:
            return True
        days = {part.strip() for part in self.month_days.split(",") if part.strip()}
        return str(day.day) in days

    def due_at(self, issue_date: dt.date) -> dt.datetime:
        """The moment by which a copy of the issue of ``issue_date`` is delivered on time."""
        day = issue_date + dt.timedelta(days=self.due_days)
        return dt.datetime.combine(day, self.due_time, tzinfo=VIETNAM)

    def margin_of(self, total: int) -> int:
        """The post's margin on ``total``, rounded to the đồng (half up)."""
        return (total * self.margin_bp + 5_000) // 10_000


class TitlePrice(models.Model):
    """The subscription price of one copy of ``title`` for a period of ``period_kind``,
    in force from ``valid_from`` until the next price of the same kind."""

    province_code = models.CharField(_("province code"), max_length=2)
    title = models.ForeignKey(
        Title, verbose_name=_("press title"), on_delete=models.PROTECT, related_name="prices"
    )
    period_kind = models.CharField(_("period"), max_length=16, choices=PeriodKind)
    price = models.BigIntegerField(_("price per copy (đồng)"))
    valid_from = models.DateField(_("valid from"))

    class Meta:
        verbose_name = _("subscription price")
        verbose_name_plural = _("subscription prices")
        ordering = ["title", "period_kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "title", "period_kind", "valid_from"],
                name="press_titleprice_uniq",
            ),
            models.CheckConstraint(condition=Q(price__gt=0), name="press_titleprice_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.title.code} {self.period_kind} {self.valid_from:%d/%m/%Y}"


class Subscription(CounterOperation):
    """A subscription taken and paid at the counter: ``copies`` of ``title`` from ``starts_on``
    (the first day of a month) to ``ends_on`` (the last day of the period's last month),
    delivered by the postman of ``delivery_point``. ``publisher_share`` is owed to the
    publisher, ``margin`` is the post's."""

    title = models.ForeignKey(
        Title, verbose_name=_("press title"), on_delete=models.PROTECT, related_name="subscriptions"
    )
    subscriber_name = models.CharField(_("subscriber"), max_length=150)
    subscriber_kind = models.CharField(_("subscriber kind"), max_length=16, choices=SubscriberKind)
    phone = models.CharField(_("phone"), max_length=12, blank=True)
    address = models.CharField(_("delivery address"), max_length=300)
    delivery_point = point_link(_("delivery point"))
    copies = models.PositiveIntegerField(_("copies"))
    period_kind = models.CharField(_("period"), max_length=16, choices=PeriodKind)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    price = models.BigIntegerField(_("price per copy (đồng)"))
    total = models.BigIntegerField(_("total (đồng)"))
    publisher_share = models.BigIntegerField(_("publisher's share (đồng)"))
    margin = models.BigIntegerField(_("post's margin (đồng)"))
    settlement = models.ForeignKey(
        "PublisherSettlement",
        verbose_name=_("settlement with the publisher"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subscriptions",
    )

    class Meta(CounterOperation.Meta):
        verbose_name = _("press subscription")
        verbose_name_plural = _("press subscriptions")
        constraints = [
            *CounterOperation.Meta.constraints,
            models.CheckConstraint(
                condition=Q(total__gt=0)
                & Q(margin__gte=0)
                & Q(publisher_share__gte=0)
                & Q(total=models.F("margin") + models.F("publisher_share")),
                name="press_subscription_money",
            ),
            models.CheckConstraint(condition=Q(copies__gte=1), name="press_subscription_copies"),
        ]
        indexes = [
            models.Index(
                fields=["province_code", "delivery_point", "starts_on", "ends_on"],
                name="press_subscription_run_idx",
            ),
            models.Index(
                fields=["province_code", "point", "business_date"],
                name="press_subscription_day_idx",
            ),
        ]


class Programme(models.Model):
    """A public-press programme of one year: the titles the State pays the post to deliver
    free to its recipients, ordered by ``ordering_agency`` under ``funding_decision``."""

    province_code = models.CharField(_("province code"), max_length=2)
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=200)
    ordering_agency = models.CharField(_("ordering agency"), max_length=200)
    funding_decision = models.CharField(_("funding decision"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    fee_per_copy = models.BigIntegerField(
        _("paid per copy delivered (đồng)"),
        default=0,
        help_text=_("What the ordering agency pays the post for each copy delivered."),
    )
    titles = models.ManyToManyField(Title, verbose_name=_("press titles"), related_name="+")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("public press programme")
        verbose_name_plural = _("public press programmes")
        ordering = ["province_code", "-year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "code", "year"], name="press_programme_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    @property
    def partner(self) -> str:
        """The ordering agency's slug in the ledger (``131.partner.<partner>``: what it owes
        the post for the copies delivered)."""
        return f"{PROGRAMME_PARTNER_PREFIX}{slugify(self.code)}"[:32].rstrip("-")


class ProgrammeRecipient(models.Model):
    """A recipient of a programme in a commune: ``copies`` of each of the programme's titles,
    delivered by the postman of ``delivery_point``."""

    province_code = models.CharField(_("province code"), max_length=2)
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("public press programme"),
        on_delete=models.PROTECT,
        related_name="recipients",
    )
    commune = models.ForeignKey(
        "network.AdminArea",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("recipient"), max_length=200)
    name_folded = models.CharField(max_length=200, editable=False)
    kind = models.CharField(_("recipient kind"), max_length=16, choices=RecipientKind)
    delivery_point = point_link(_("delivery point"))
    copies = models.PositiveIntegerField(_("copies"), default=1)

    class Meta:
        verbose_name = _("programme recipient")
        verbose_name_plural = _("programme recipients")
        ordering = ["programme", "commune__code", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "programme", "commune", "name_folded"],
                name="press_recipient_uniq",
            ),
            models.CheckConstraint(condition=Q(copies__gte=1), name="press_recipient_copies"),
        ]

    def __str__(self) -> str:
        return self.name


class PressIssue(models.Model):
    """The issue of ``title`` of ``issue_date`` received at the provincial centre: the copies
    ``expected`` (those subscribed and those of the programmes, counted when it arrives) and
    those ``received``. A shortfall is ``missing``; copies beyond the expected ones are single
    copies for sale at the counters, of which ``returned`` went back to the publisher unsold.
    Received once per title and date."""

    province_code = models.CharField(_("province code"), max_length=2)
    title = models.ForeignKey(
        Title, verbose_name=_("press title"), on_delete=models.PROTECT, related_name="issues"
    )
    issue_date = models.DateField(_("issue date"))
    expected = models.PositiveIntegerField(_("copies expected"))
    received = models.PositiveIntegerField(_("copies received"))
    returned = models.PositiveIntegerField(_("unsold copies returned"), default=0)
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    centre = point_link(_("received at the centre"))
    dispatched_at = models.DateTimeField(_("sent to the points at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("press issue")
        verbose_name_plural = _("press issues")
        ordering = ["-issue_date", "title__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "title", "issue_date"], name="press_issue_uniq"
            ),
            models.CheckConstraint(
                condition=Q(returned__lte=models.F("received")), name="press_issue_returned"
            ),
        ]
        indexes = [models.Index(fields=["province_code", "issue_date"], name="press_issue_day_idx")]

    def __str__(self) -> str:
        return f"{self.title.code} {self.issue_date:%d/%m/%Y}"

    @property
    def missing(self) -> int:
        return max(self.expected - self.received, 0)

    @property
    def single_copies(self) -> int:
        return max(self.received - self.expected, 0)


class IssueAllocation(models.Model):
    """The copies of one issue for one delivery point: those subscribed and those of the
    programmes, sent from the centre and received (counted) at the point."""

    province_code = models.CharField(_("province code"), max_length=2)
    issue = models.ForeignKey(
        PressIssue, verbose_name=_("press issue"), on_delete=models.PROTECT, related_name="lines"
    )
    point = point_link(_("delivery point"))
    subscribed = models.PositiveIntegerField(_("copies subscribed"))
    public = models.PositiveIntegerField(_("public press copies"))
    received = models.PositiveIntegerField(_("copies received at the point"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at the point at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received at the point by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("allocation line")
        verbose_name_plural = _("allocation lines")
        ordering = ["issue", "point__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "issue", "point"], name="press_allocation_uniq"
            )
        ]
        indexes = [models.Index(fields=["province_code", "point"], name="press_allocation_pt_idx")]

    def __str__(self) -> str:
        return f"{self.issue} → {self.point_id}"

    @property
    def copies(self) -> int:
        return self.subscribed + self.public


class PressDelivery(models.Model):
    """The copies of one issue for one recipient: a subscriber (``subscription``) or a
    programme's recipient (``recipient``, ``public``), on the round of ``point``'s postman.
    The postman confirms it delivered (``on_time`` when before the title's due time) or
    records why not; once."""

    province_code = models.CharField(_("province code"), max_length=2)
    issue = models.ForeignKey(
        PressIssue, verbose_name=_("press issue"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.ForeignKey(
        Title, verbose_name=_("press title"), on_delete=models.PROTECT, related_name="+"
    )
    issue_date = models.DateField(_("issue date"))
    point = point_link(_("delivery point"))
    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("subscription"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    recipient = models.ForeignKey(
        ProgrammeRecipient,
        verbose_name=_("programme recipient"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("public press programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    commune = models.ForeignKey(
        "network.AdminArea",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("recipient"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=12, blank=True)
    copies = models.PositiveIntegerField(_("copies"))
    due_at = models.DateTimeField(_("due by"))
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus, default=DeliveryStatus.PENDING
    )
    reason = models.CharField(_("reason"), max_length=16, choices=MissReason, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_time = models.BooleanField(_("on time"), null=True, blank=True)
    settlement = models.ForeignKey(
        "ProgrammeSettlement",
        verbose_name=_("settlement with the ordering agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )

    class Meta:
        verbose_name = _("press delivery")
        verbose_name_plural = _("press deliveries")
        ordering = ["point", "issue_date", "address", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "issue", "subscription"],
                condition=Q(subscription__isnull=False),
                name="press_delivery_sub_uniq",
            ),
            models.UniqueConstraint(
                fields=["province_code", "issue", "recipient"],
                condition=Q(recipient__isnull=False),
                name="press_delivery_rcp_uniq",
            ),
            models.CheckConstraint(
                condition=Q(subscription__isnull=True) ^ Q(recipient__isnull=True),
                name="press_delivery_one_recipient",
            ),
        ]
        indexes = [
            models.Index(
                fields=["province_code", "point", "issue_date", "status"],
                name="press_delivery_round_idx",
            ),
            models.Index(
                fields=["province_code", "programme", "issue_date"],
                name="press_delivery_prog_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title.code} {self.issue_date:%d/%m/%Y} · {self.name}"

    @property
    def public(self) -> bool:
        return self.recipient_id is not None


class PressRollup(models.Model):
    """One (province, month, point, title, press or public press): the subscriptions taken
    in the month at the point (their copies, price and the post's margin) and the copies due
    to recipients of the point's round in the month, of them delivered, on time, missed.
    Kept by the services in their transaction (``press.rollup``); the figures read it."""

    province_code = models.CharField(_("province code"), max_length=2)
    month = models.DateField(_("month"))
    point = point_link(_("service point"))
    title = models.ForeignKey(
        Title, verbose_name=_("press title"), on_delete=models.PROTECT, related_name="+"
    )
    public = models.BooleanField(_("public press"))
    subscriptions = models.IntegerField(_("subscriptions"), db_default=0)
    subscribed_copies = models.IntegerField(_("copies subscribed"), db_default=0)
    sales = models.BigIntegerField(_("subscriptions sold (đồng)"), db_default=0)
    margin = models.BigIntegerField(_("post's margin (đồng)"), db_default=0)
    copies_due = models.IntegerField(_("copies due"), db_default=0)
    delivered = models.IntegerField(_("copies delivered"), db_default=0)
    on_time = models.IntegerField(_("copies on time"), db_default=0)
    missed = models.IntegerField(_("copies not delivered"), db_default=0)

    class Meta:
        verbose_name = _("press rollup")
        verbose_name_plural = _("press rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "month", "point", "title", "public"],
                name="press_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title_id} {self.month:%m/%Y} {self.point_id}"


class Settlement(models.Model):
    """What a settlement with a partner of the press holds, whichever the partner: its
    reference, the range of days it covers, the ledger entry that moved the money, who made
    it and under which idempotency key."""

    province_code = models.CharField(_("province code"), max_length=2)
    reference = models.CharField(pgettext_lazy("document number", "reference"), max_length=48)
    date_from = models.DateField(pgettext_lazy("date range", "from"))
    date_to = models.DateField(pgettext_lazy("date range", "to"))
    count = models.PositiveIntegerField(_("rows settled"), default=0)
    amount = models.BigIntegerField(_("amount (đồng)"), default=0)
    entry = entry_link(_("ledger entry"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=128)
    memo = models.CharField(_("memo"), max_length=500, blank=True)
    created_by = person_link(_("settled by"))
    created_at = models.DateTimeField(_("settled at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["province_code", "reference"], name="%(app_label)s_%(class)s_ref_uniq"
            ),
            models.UniqueConstraint(
                fields=["province_code", "idempotency_key"],
                name="%(app_label)s_%(class)s_key_uniq",
            ),
            models.CheckConstraint(
                condition=Q(date_to__gte=models.F("date_from")),
                name="%(app_label)s_%(class)s_range",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class PublisherSettlement(Settlement):
    """The publisher's share of the subscriptions taken over a range of business days, paid
    in one transfer: one ledger entry (debit what the post owes the publisher, credit the
    post's bank account); the subscriptions it paid (``count``) point at it."""

    publisher = models.ForeignKey(
        Publisher, verbose_name=_("publisher"), on_delete=models.PROTECT, related_name="settlements"
    )
    bank = models.CharField(_("bank account"), max_length=32)

    class Meta(Settlement.Meta):
        verbose_name = _("settlement with a publisher")
        verbose_name_plural = _("settlements with publishers")


class ProgrammeSettlement(Settlement):
    """The copies of a programme delivered over a range of issue dates, billed to its
    ordering agency at the programme's ``fee_per_copy``: one ledger entry (debit what the
    agency owes the post, credit the revenue of ``public_press``); the deliveries it billed
    (``count``) point at it."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("public press programme"),
        on_delete=models.PROTECT,
        related_name="settlements",
    )
    copies = models.PositiveIntegerField(_("copies delivered"), default=0)
    fee_per_copy = models.BigIntegerField(_("paid per copy delivered (đồng)"))

    class Meta(Settlement.Meta):
        verbose_name = _("settlement with an ordering agency")
        verbose_name_plural = _("settlements with ordering agencies")
        constraints = [
            *Settlement.Meta.constraints,
            models.CheckConstraint(
                condition=Q(amount=models.F("copies") * models.F("fee_per_copy")),
                name="press_programmesettlement_amount",
            ),
        ]
