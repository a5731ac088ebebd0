"""Writes of the press: a subscription taken at the counter, a recipient added to a
public-press programme; and the schedule of a day's issues, the basis of the allocation list.

``subscription_take`` is one counter operation (``buudien.counter.desk``): a counter clerk at
their own point (or an administrator at a point of their scope) takes the subscription and
its price in cash. It runs for whole months of the period (a month, a quarter, a half-year, a
year) from the first day of a month not yet past; its price is the title's price in force
that day for the period, times the copies. Every problem of the request is refused at once,
each under its field; a retry under the same idempotency key returns the subscription
already taken, another request under a used key is refused.

The ledger entry of a subscription (``D`` debit, ``C`` credit), every leg of service
``press``:

- D drawer / C payable to the publisher (``3388.partner.nxb-<code>``): the price less the
  post's margin, owed to the publisher and settled with it per period;
- D drawer / C revenue ``press``: the post's margin (the title's basis points of the price).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record
from buudien.core.bizdays import local_today, months_later
from buudien.core.catalogue import Service
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.text import fold
from buudien.counter import fields
from buudien.counter.api import commune_of_code
from buudien.counter.desk import COUNTER_ROLES, Desk, Op, can_act
from buudien.counter.problems import Problems
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.network.models import AdminArea, ServicePoint
from buudien.people import access
from buudien.press.choices import PeriodKind, RecipientKind, SubscriberKind
from buudien.press.models import Programme, ProgrammeRecipient, Subscription, Title, TitlePrice
from buudien.press.work import rollup_subscription

__all__ = [
    "COUNTER_ROLES",
    "AllocationLine",
    "can_act",
    "issues_on",
    "price_in_force",
    "recipient_add",
    "subscription_take",
]

APP = "press"
# đặt báo: <prefix><point code><serial of 6 digits>
PREFIX = "DB"
COPIES_MAX = 1_000
START_AHEAD_MONTHS = 12
PROGRAMME_MANAGERS = frozenset({"admin"})


def title_for(province_code: str, value: Any) -> Title:
    """The active title of the province with the code ``value`` (or the title given)."""
    code = value.code if isinstance(value, Title) else str(value or "").strip().upper()[:32]
    if not code:
        raise DomainError(_("Choose the press title."), field="title")
    found = (
        Title.objects.select_related("publisher")
        .filter(province_code=province_code, code=code, is_active=True, publisher__is_active=True)
        .first()
    )
    if found is None:
        raise DomainError(
            _("No press title %(code)s is distributed in the province.") % {"code": code},
            field="title",
        )
    return found


def price_in_force(title: Title, period_kind: str, day: dt.date) -> TitlePrice | None:
    """The price of one copy of ``title`` for a period of ``period_kind`` in force on ``day``."""
    return (
        TitlePrice.objects.filter(title=title, period_kind=period_kind, valid_from__lte=day)
        .order_by("-valid_from")
        .first()
    )


def _choice(value: Any, choices: Any, *, field: str, message: str) -> str:
    text = str(value or "").strip()
    if text not in choices.values:
        raise DomainError(message, field=field)
    return text


def _copies(value: Any, *, field: str = "copies") -> int:
    if value in (None, ""):
        return 1
    try:
        copies = int(value)
    except (TypeError, ValueError):
        copies = 0
    if isinstance(value, bool) or not 1 <= copies <= COPIES_MAX:
        raise DomainError(
            _("The copies are a whole number from 1 to %(most)s.") % {"most": COPIES_MAX},
            field=field,
        )
    return copies


def first_of_next_month(day: dt.date) -> dt.date:
    return months_later(day.replace(day=1), 1)


def _start(value: Any, today: dt.date) -> dt.date:
    """The first day of a month not yet past (today's month only on its first day), at most
    a year ahead; ``"yyyy-mm"`` names the month, empty is next month."""
    if value in (None, ""):
        return first_of_next_month(today)
    if isinstance(value, str):
        text = value.strip()
        try:
            value = dt.date.fromisoformat(f"{text}-01" if len(text) == 7 else text)
        except ValueError:
            raise DomainError(
                _("Write the first month as mm/yyyy or the date as dd/mm/yyyy."), field="starts_on"
            ) from None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise DomainError(
            _("Write the first month as mm/yyyy or the date as dd/mm/yyyy."), field="starts_on"
        )
    if value.day != 1:
        raise DomainError(
            _("A subscription starts on the first day of a month, not on %(day)s.")
            % {"day": f"{value:%d/%m/%Y}"},
            field="starts_on",
        )
    if value < today:
        raise DomainError(
            _(
                "The month of %(day)s has already started: a subscription starts on the "
                "first day of a coming month, from %(next)s."
            )
            % {"day": f"{value:%m/%Y}", "next": f"{first_of_next_month(today):%d/%m/%Y}"},
            field="starts_on",
        )
    latest = months_later(today.replace(day=1), START_AHEAD_MONTHS)
    if value > latest:
        raise DomainError(
            _("A subscription starts at the latest on %(day)s.") % {"day": f"{latest:%d/%m/%Y}"},
            field="starts_on",
        )
    return value


def delivery_point_for(province_code: str, value: Any, day: dt.date) -> ServicePoint:
    """The open point of the province (its code, or the point given) whose postman delivers."""
    if isinstance(value, ServicePoint):
        found: ServicePoint | None = value
    else:
        code = str(value or "").strip()[:16]
        if not code:
            raise DomainError(_("Choose the delivery point."), field="delivery_point")
        found = ServicePoint.objects.filter(code=code).first()
    if found is None or found.province_code != province_code:
        raise DomainError(_("No such delivery point in the province."), field="delivery_point")
    if not found.is_active_on(day):
        raise DomainError(
            _("%(point)s is closed: choose another delivery point.") % {"point": found.name},
            field="delivery_point",
        )
    return found


def subscription_take(
    *,
    actor: Any,
    point: ServicePoint,
    idempotency_key: str,
    title: Any,
    subscriber_name: str,
    address: str,
    subscriber_kind: str = SubscriberKind.PERSON,
    phone: str = "",
    delivery_point: Any = None,
    copies: Any = 1,
    period_kind: str = PeriodKind.MONTH,
    starts_on: dt.date | str | None = None,
    at: dt.datetime | None = None,
) -> Subscription:
    """Take a subscription of ``copies`` of ``title`` (its code) at ``point`` for one period
    from ``starts_on`` and take its price in cash. It is delivered by the postman of
    ``delivery_point`` (a point's code; the counter's own point when none is given)."""
    desk = Desk.open(actor=actor, point=point, at=at, app=APP)
    province = point.province_code
    problems = Problems()
    chosen: Title | None = problems.check(title_for, province, title)
    name = problems.check(
        fields.text, subscriber_name, field="subscriber_name", label=_("The subscriber's name")
    )
    kind = problems.check(
        _choice,
        subscriber_kind or SubscriberKind.PERSON,
        SubscriberKind,
        field="subscriber_kind",
        message=_("Choose the kind of subscriber."),
    )
    tel = problems.check(fields.phone, phone, required=False)
    where = problems.check(
        fields.text, address, field="address", label=_("The delivery address"), limit=300
    )
    deliverer: ServicePoint | None = problems.check(
        delivery_point_for, province, delivery_point or point, desk.day
    )
    count = problems.check(_copies, copies)
    period = problems.check(
        _choice,
        period_kind or PeriodKind.MONTH,
        PeriodKind,
        field="period_kind",
        message=_("Choose the period: a month, a quarter, a half-year or a year."),
    )
    start = problems.check(_start, starts_on, desk.day)
    price: TitlePrice | None = None
    if chosen is not None and period is not None and start is not None:
        price = price_in_force(chosen, period, start)
        if price is None:
            problems.add(
                "period_kind",
                _("%(title)s has no price for a %(period)s on %(day)s.")
                % {
                    "title": chosen.name,
                    "period": PeriodKind(period).label.lower(),
                    "day": f"{start:%d/%m/%Y}",
                },
            )
    problems.raise_any()
    assert chosen is not None and price is not None and start is not None and name is not None
    assert deliverer is not None and count is not None and period is not None
    assert where is not None and kind is not None
    total = price.price * count
    margin = chosen.margin_of(total)
    ends = months_later(start, PeriodKind(period).months) - dt.timedelta(days=1)

    def work(op: Op) -> Subscription:
        drawer = ledger.account_for_drawer(point)
        legs = []
        if total > margin:
            payable = ledger.account_for_partner(province, chosen.publisher.partner)
            legs.append(ledger.Leg(drawer, payable, total - margin, Service.PRESS))
        if margin > 0:
            revenue = ledger.account_for_revenue(province, Service.PRESS)
            legs.append(ledger.Leg(drawer, revenue, margin, Service.PRESS))
        entry = op.post(kind=EntryKind.FEE, legs=legs)
        row = Subscription.objects.create(
            **op.record(entry),
            title=chosen,
            subscriber_name=name,
            subscriber_kind=kind,
            phone=tel or "",
            address=where,
            delivery_point=deliverer,
            copies=count,
            period_kind=period,
            starts_on=start,
            ends_on=ends,
            price=price.price,
            total=total,
            publisher_share=total - margin,
            margin=margin,
        )
        rollup_subscription(row)
        return row

    return desk.once(
        Subscription,
        operation="subscription",
        key=idempotency_key,
        prefix=PREFIX,
        fingerprint={
            "title": chosen.code,
            "name": name,
            "kind": kind,
            "phone": tel,
            "address": where,
            "delivery_point": deliverer.code,
            "copies": count,
            "period": period,
            "starts_on": start.isoformat(),
        },
        work=work,
    )


def _commune(province_code: str, value: Any) -> AdminArea:
    """The 2025 commune of the code ``value`` (or the commune given), of the province."""
    found = (
        value
        if isinstance(value, AdminArea)
        else commune_of_code(str(value or "").strip()[:8], field="commune")
    )
    if found is None:
        raise DomainError(_("Choose the commune."), field="commune")
    if found.province_code != province_code:
        raise DomainError(_("The commune is not one of the programme's province."), field="commune")
    return found


def recipient_add(
    *,
    actor: Any,
    programme: Programme,
    commune: Any,
    name: str,
    kind: str = RecipientKind.COMMUNE,
    delivery_point: Any = None,
    copies: Any = 1,
) -> ProgrammeRecipient:
    """Add a recipient in ``commune`` (its code) to ``programme``: ``copies`` of each of its
    titles, delivered by the postman of ``delivery_point`` (a point's code). An administrator
    of the programme's province adds it; a commune of another province, a point elsewhere
    and a recipient already on the list are refused, every problem at once."""
    if not access.has_role(actor, PROGRAMME_MANAGERS):
        raise AccessDenied(_("Only an administrator may change a programme's recipients."))
    province = programme.province_code
    own = str(getattr(getattr(actor, "unit", None), "province_code", "") or "")
    if own and own != province:
        raise NotFound(_("No such programme."))
    problems = Problems()
    area: AdminArea | None = problems.check(_commune, province, commune)
    who = problems.check(
        fields.text, name, field="name", label=_("The recipient's name"), limit=200
    )
    sort = problems.check(
        _choice,
        kind or RecipientKind.COMMUNE,
        RecipientKind,
        field="kind",
        message=_("Choose the kind of recipient."),
    )
    today = local_today()
    deliverer: ServicePoint | None = problems.check(
        delivery_point_for, province, delivery_point, today
    )
    count = problems.check(_copies, copies)
    if (
        area is not None
        and who is not None
        and ProgrammeRecipient.objects.filter(
            programme=programme, commune=area, name_folded=fold(who)
        ).exists()
    ):
        problems.add(
            "name",
            _("%(name)s of %(commune)s is on the programme's list already.")
            % {"name": who, "commune": area.name},
        )
    problems.raise_any()
    assert area is not None and who is not None and sort is not None
    assert deliverer is not None and count is not None
    with transaction.atomic():
        recipient = ProgrammeRecipient.objects.create(
            province_code=province,
            programme=programme,
            commune=area,
            name=who,
            name_folded=fold(who),
            kind=sort,
            delivery_point=deliverer,
            copies=count,
        )
        audit_record(
            actor=actor,
            action=f"{APP}.recipient_add",
            obj=recipient,
            after={
                "programme": programme.code,
                "commune": area.code,
                "name": who,
                "kind": sort,
                "delivery_point": deliverer.code,
                "copies": count,
            },
        )
    return recipient


@dataclass(frozen=True)
class AllocationLine:
    """The copies of one title for one delivery point on one issue date: those subscribed
    (press) and those of public-press programmes; as forecast, or as the issue received at
    the centre split them (``received``)."""

    point: ServicePoint
    title: Title
    subscribed: int
    public: int
    # True: the lines of the issue received at the centre; False: the forecast.
    received: bool = False

    @property
    def copies(self) -> int:
        return self.subscribed + self.public


def issues_on(day: dt.date, *, province_code: str) -> list[AllocationLine]:
    """The titles of the province that appear on ``day`` and the copies of each per delivery
    point: the subscriptions in force that day and the recipients of the year's active
    programmes that carry the title. Ordered by point, then title."""
    titles = {
        t.pk: t
        for t in Title.objects.select_related("publisher").filter(
            province_code=province_code, is_active=True
        )
        if t.appears_on(day)
    }
    if not titles:
        return []
    counts: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    subscribed = (
        Subscription.objects.filter(
            province_code=province_code,
            title_id__in=titles,
            starts_on__lte=day,
            ends_on__gte=day,
        )
        .values_list("delivery_point_id", "title_id")
        .annotate(copies=Sum("copies"))
    )
    for point_id, title_id, copies in subscribed:
        counts[(point_id, title_id)][0] += copies
    public = (
        ProgrammeRecipient.objects.filter(
            province_code=province_code,
            programme__is_active=True,
            programme__year=day.year,
            programme__titles__in=list(titles),
        )
        .values_list("delivery_point_id", "programme__titles")
        .annotate(copies=Sum("copies"))
    )
    for point_id, title_id, copies in public:
        counts[(point_id, title_id)][1] += copies
    points = ServicePoint.objects.in_bulk({point_id for point_id, _title in counts})
    lines = [
        AllocationLine(points[point_id], titles[title_id], sub, pub)
        for (point_id, title_id), (sub, pub) in counts.items()
    ]
    return sorted(lines, key=lambda line: (line.point.code, line.title.code))
