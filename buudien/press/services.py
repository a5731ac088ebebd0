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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record
from buudien.core.bizdays import local_today, months_later
from buudien.core.catalogue import Service
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.text import fold
from buudien.counter import fields, many
from buudien.counter.api import commune_of_code
from buudien.counter.desk import COUNTER_ROLES, Desk, Op, can_act, fingerprint_of, moment_of
from buudien.counter.drawers import drawers_of
from buudien.counter.problems import Problems
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account
from buudien.network.models import AdminArea, ServicePoint
from buudien.people import access
from buudien.press.choices import PeriodKind, RecipientKind, SubscriberKind
from buudien.press.models import Programme, ProgrammeRecipient, Subscription, Title, TitlePrice
from buudien.press.work import rollup_subscriptions

__all__ = [
    "COUNTER_ROLES",
    "AllocationLine",
    "Order",
    "can_act",
    "issues_on",
    "price_in_force",
    "recipient_add",
    "subscription_take",
    "subscriptions_take_many",
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


@dataclass(frozen=True)
class Order:
    """One subscription taken by ``actor`` at ``point``, as ``subscription_take`` is asked (a
    row of ``subscriptions_take_many``)."""

    actor: Any
    point: ServicePoint
    key: str
    title: Any
    subscriber_name: str
    address: str
    subscriber_kind: str = SubscriberKind.PERSON
    phone: str = ""
    delivery_point: Any = None
    copies: Any = 1
    period_kind: str = PeriodKind.MONTH
    starts_on: dt.date | str | None = None
    at: dt.datetime | None = None


@dataclass(frozen=True)
class _Taken:
    """A subscription whose every field was checked: its title, its row's own fields (by
    attribute name) and the fingerprint of its request."""

    title: Title
    fields: dict[str, Any]
    fingerprint: dict[str, Any]

    @property
    def total(self) -> int:
        return int(self.fields["total"])

    @property
    def margin(self) -> int:
        return int(self.fields["margin"])


def _once[T](known: dict[Any, Any], key: tuple[Any, ...], find: Callable[[], T]) -> T:
    """``find()`` once for ``key`` in a list (a refusal is not kept: each row says it)."""
    if key not in known:
        known[key] = find()
    found: T = known[key]
    return found


def _title_code(value: Any) -> str:
    return value.code if isinstance(value, Title) else str(value or "").strip().upper()[:32]


def _titles(known: dict[Any, Any], province: str) -> dict[str, Title]:
    """The titles ``title_for`` finds, by code, read once for a list."""
    if "titles" not in known:
        known["titles"] = {
            title.code: title
            for title in Title.objects.select_related("publisher").filter(
                province_code=province, is_active=True, publisher__is_active=True
            )
        }
    found: dict[str, Title] = known["titles"]
    return found


def _price(known: dict[Any, Any], title: Title, period: str, day: dt.date) -> TitlePrice | None:
    """``price_in_force``, the province's prices read once for a list."""
    if "prices" not in known:
        prices: dict[tuple[int, str], list[TitlePrice]] = defaultdict(list)
        for price in TitlePrice.objects.filter(province_code=title.province_code).order_by(
            "-valid_from"
        ):
            prices[(price.title_id, price.period_kind)].append(price)
        known["prices"] = prices
    return next((p for p in known["prices"][(title.pk, period)] if p.valid_from <= day), None)


def _order_checked(row: Order, day: dt.date, known: dict[Any, Any]) -> _Taken:
    """``row`` checked as taken on ``day`` (see ``subscription_take``), or refused with
    every problem at once. ``known``: the titles, points and prices a list found already."""
    province = row.point.province_code
    problems = Problems()
    chosen = _titles(known, province).get(_title_code(row.title))
    if chosen is None:  # refused, with the service's reason
        problems.check(title_for, province, row.title)
    name = problems.check(
        fields.text, row.subscriber_name, field="subscriber_name", label=_("The subscriber's name")
    )
    kind = problems.check(
        _choice,
        row.subscriber_kind or SubscriberKind.PERSON,
        SubscriberKind,
        field="subscriber_kind",
        message=_("Choose the kind of subscriber."),
    )
    tel = problems.check(fields.phone, row.phone, required=False)
    where = problems.check(
        fields.text, row.address, field="address", label=_("The delivery address"), limit=300
    )
    given = row.delivery_point or row.point
    deliverer: ServicePoint | None = problems.check(
        _once,
        known,
        ("point", given.pk if isinstance(given, ServicePoint) else given, day),
        lambda: delivery_point_for(province, given, day),
    )
    count = problems.check(_copies, row.copies)
    period = problems.check(
        _choice,
        row.period_kind or PeriodKind.MONTH,
        PeriodKind,
        field="period_kind",
        message=_("Choose the period: a month, a quarter, a half-year or a year."),
    )
    start = problems.check(_start, row.starts_on, day)
    price: TitlePrice | None = None
    if chosen is not None and period is not None and start is not None:
        price = _price(known, chosen, period, start)
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
    return _Taken(
        title=chosen,
        fields={
            "title_id": chosen.pk,
            "subscriber_name": name,
            "subscriber_kind": kind,
            "phone": tel or "",
            "address": where,
            "delivery_point_id": deliverer.pk,
            "copies": count,
            "period_kind": period,
            "starts_on": start,
            "ends_on": months_later(start, PeriodKind(period).months) - dt.timedelta(days=1),
            "price": price.price,
            "total": total,
            "publisher_share": total - margin,
            "margin": margin,
        },
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
    )


class _Accounts:
    """The accounts of subscriptions: those of a list's (``taken``) at ``points`` in one
    query, no account made that none of them posts to."""

    def __init__(
        self, province: str, points: Iterable[ServicePoint], taken: Iterable[_Taken]
    ) -> None:
        self.province = province
        taken = list(taken)
        owed = {
            f"{ledger.PARTNER_PREFIX}{t.title.publisher.partner}": t.title.publisher
            for t in taken
            if t.total > t.margin
        }
        wanted: dict[str, Callable[[], Account]] = {
            code: partial(ledger.account_for_partner, province, publisher.partner)
            for code, publisher in owed.items()
        }
        revenue = f"{ledger.REVENUE_PREFIX}{Service.PRESS}"
        if any(t.margin > 0 for t in taken):
            wanted[revenue] = partial(ledger.account_for_revenue, province, Service.PRESS)
        self.drawers, found = drawers_of(province, list(points), wanted)
        self.owed = {publisher.pk: found[code] for code, publisher in owed.items()}
        self.revenue = found.get(revenue)

    def legs(self, point: ServicePoint, taken: _Taken) -> list[ledger.Leg]:
        """The publisher's share owed to it and the post's margin, both taken in the drawer."""
        drawer, total, margin = self.drawers[point.pk], taken.total, taken.margin
        legs = []
        if total > margin:
            owed = self.owed[taken.title.publisher.pk]
            legs.append(ledger.Leg(drawer, owed, total - margin, Service.PRESS))
        if margin > 0:
            assert self.revenue is not None
            legs.append(ledger.Leg(drawer, self.revenue, margin, Service.PRESS))
        return legs


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
    row = Order(
        actor,
        point,
        idempotency_key,
        title,
        subscriber_name,
        address,
        subscriber_kind,
        phone,
        delivery_point,
        copies,
        period_kind,
        starts_on,
        at,
    )
    taken = _order_checked(row, desk.day, {})

    def work(op: Op) -> Subscription:
        legs = _Accounts(point.province_code, [point], [taken]).legs(point, taken)
        entry = op.post(kind=EntryKind.FEE, legs=legs)
        made = Subscription.objects.create(**op.record(entry), **taken.fields)
        rollup_subscriptions(
            [(made.province_code, made.business_date, made.point_id, taken.title.pk, taken.fields)]
        )
        return made

    return desk.once(
        Subscription,
        operation="subscription",
        key=idempotency_key,
        prefix=PREFIX,
        fingerprint=taken.fingerprint,
        work=work,
    )


@transaction.atomic
def subscriptions_take_many(*, rows: Sequence[Order]) -> list[str]:
    """Take the subscriptions of ``rows`` (each by its actor at its point and moment; one
    province's, of one business day), each as ``subscription_take`` records it: its
    reference from its point's serials, its ledger entry, its row, its counts in the rollup
    and its audit line, but written in a few statements for the whole list
    (``counter.many``). All or nothing: a problem refuses the list, naming its row. A row
    whose key was used for the same request is the subscription taken already; for another
    request the list is refused. The subscriptions' references, in the order of ``rows``."""
    if not rows:
        return []
    province = str(rows[0].point.province_code)
    many.list_checked(rows, province, moment_of(rows[0].at)[1])
    desks = many.Desks(app=APP)
    known: dict[Any, Any] = {}
    planned: list[tuple[Order, _Taken, many.Planned]] = []
    for index, row in enumerate(rows):
        try:
            desk = desks.open(row.actor, row.point, row.at or many.noon(moment_of(None)[1]))
            taken = _order_checked(row, desk.day, known)
            key = desk.key("subscription", row.key)
        except DomainError as exc:
            raise many.refused(index, exc) from None
        plan = many.Planned(index, desk, key, fingerprint_of(taken.fingerprint), [], taken.fields)
        planned.append((row, taken, plan))
    todo, references = many.operations_done(Subscription, province, [p for *_, p in planned])
    if todo:
        asked = {plan.key: taken for _row, taken, plan in planned}
        accounts = _Accounts(
            province, {plan.desk.point for plan in todo}, [asked[plan.key] for plan in todo]
        )
        for plan in todo:
            plan.legs = accounts.legs(plan.desk.point, asked[plan.key])
        many.operations_write(
            Subscription,
            todo,
            province=province,
            kind=EntryKind.FEE,
            operation="subscription",
            prefix=PREFIX,
        )
        rollup_subscriptions(
            (
                province,
                plan.business_date or plan.desk.day,
                plan.desk.point.pk,
                plan.fields["title_id"],
                plan.fields,
            )
            for plan in todo
        )
    references.update((plan.key, plan.reference) for plan in todo)
    return [references[plan.key] for *_, plan in planned]


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
