"""Reads of mail operations: bags, delivery rounds, KT1 custody, and the supervisors' lists
and daily counts. Always through the reader's scope.

Secrecy of KT1 items: only KT1 operators (and superusers) learn that a KT1 item exists. For
everyone else it is absent from every list and count, and asking for it by number answers
exactly as for a number nobody gave. Every read of one KT1 item here, and every KT1 row a
list shows, is written to the audit log (action ``kt1.view``).

Overdue: an item's full-course time is ``Tariff.full_course_days`` business days after the
business day it was accepted on (``add_business_days``); it is overdue on a day D when that
due date is before D and it was not delivered (or returned to its sender) by the end of D.
The rule is turned into one date bound per distinct ``full_course_days``, from one read of
the calendar, so that a list or a count stays one SQL query whatever the holidays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from buudien.core.audit import audit_records
from buudien.core.bizdays import VIETNAM, add_business_days, business_days_in, local_today
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.s10 import s10_is_valid, s10_normalise
from buudien.core.text import fold, natural_key
from buudien.mail import selectors
from buudien.mail.choices import ItemStatus, MailService
from buudien.mail.models import PostalItem, Tariff, TrackingEvent
from buudien.mail.operations.choices import AttemptOutcome, RoundStatus
from buudien.mail.operations.models import (
    Bag,
    BagItem,
    CustodyTransfer,
    DeliveryAttempt,
    DeliveryRound,
)
from buudien.network.models import ServicePoint
from buudien.people import access
from buudien.people.choices import Role
from buudien.people.models import User

SUPERVISOR_ROLES = frozenset({Role.DIRECTOR, Role.AUDITOR, Role.ADMIN})
KT1_VIEW = "kt1.view"
FINISHED = (ItemStatus.DELIVERED.value, ItemStatus.RETURNED.value)
# Items a postman may take out from the office they are at.
READY_FOR_ROUND = (
    ItemStatus.AT_DELIVERY_OFFICE.value,
    ItemStatus.HELD.value,
    ItemStatus.DELIVERY_FAILED.value,
)
NO_SUCH_ITEM = "No item with this number."
MAX_ID = 2**63 - 1


def no_such_item() -> NotFound:
    """The one answer for an unknown number and for a number the reader may not know of."""
    return NotFound(_(NO_SUCH_ITEM), field="s10")


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_kt1_operator(user: Any) -> bool:
    """KT1 operators, and nobody else, handle KT1 items (superusers may only read them)."""
    return _active(user) and user.role == Role.KT1_OPERATOR


def can_see_kt1(user: Any) -> bool:
    return selectors.can_see_kt1(user)


def is_supervisor(user: Any) -> bool:
    return access.has_role(user, SUPERVISOR_ROLES)


def require_supervisor(user: Any) -> None:
    if not is_supervisor(user):
        raise AccessDenied(_("Only a director, an auditor or an administrator sees these lists."))


def parse_id(value: Any) -> int:
    """A row id from a URL or a form, or NotFound: never an overflow deeper down."""
    text = str(value)
    if not text.isdigit() or len(text) > 19 or not 0 < int(text) <= MAX_ID:
        raise NotFound(_("Not found."))
    return int(text)


def kt1_audit(user: Any, items: Iterable[PostalItem], *, via: str) -> None:
    """One ``kt1.view`` audit entry per KT1 item in ``items`` (the others are not audited),
    all in one insert: a page of 50 items read is one statement, not 50."""
    audit_records(
        actor=user,
        action=KT1_VIEW,
        objs=[item for item in items if item.service == MailService.KT1],
        after={"via": via},
    )


# --- where items are --------------------------------------------------------------------


def _last_event_point() -> Subquery:
    return Subquery(
        TrackingEvent.objects.filter(item_id=OuterRef("pk"))
        .order_by("-occurred_at", "-id")
        .values("point_id")[:1]
    )


def item_locations(item_ids: Iterable[int]) -> dict[int, int | None]:
    """{item id: id of the office of its last event} in one query; None when the last
    event names no office."""
    ids = list(item_ids)
    if not ids:
        return {}
    rows = (
        PostalItem.objects.filter(pk__in=ids)
        .annotate(at_point=_last_event_point())
        .values_list("pk", "at_point")
    )
    return dict(rows)


def item_for_scan(*, user: Any, s10: str, point: ServicePoint | None = None) -> PostalItem:
    """The item whose number was scanned, wherever it is (a bag or a round takes the items
    that are physically at the office; the service checks where each one is). A KT1 item is
    not found for anyone who may not see KT1 items. When two provinces gave the same number,
    the one of ``point``'s province."""
    number = s10_normalise(str(s10))[:40]
    if not s10_is_valid(number):
        raise DomainError(
            _("“%(s10)s” is not a valid item number.") % {"s10": number[:20]}, field="s10"
        )
    items = PostalItem.objects.filter(s10=number)
    if not can_see_kt1(user):
        items = items.exclude(service=MailService.KT1)
    found = list(items.order_by("-accepted_at", "-id")[:5])
    if not found:
        raise no_such_item()
    if point is not None:
        for item in found:
            if item.province_code == point.province_code:
                return item
    return found[0]


def items_for_scan(*, user: Any, numbers: Iterable[str], point: ServicePoint) -> list[PostalItem]:
    """The items of a list of scanned numbers (in the order given, each once); NotFound
    naming the first unknown one."""
    wanted: list[str] = []
    for raw in numbers:
        number = s10_normalise(str(raw))[:40]
        if number and number not in wanted:
            wanted.append(number)
    bad = [n for n in wanted if not s10_is_valid(n)]
    if bad:
        raise DomainError(
            _("“%(s10)s” is not a valid item number.") % {"s10": bad[0][:20]}, field="s10"
        )
    items = PostalItem.objects.filter(s10__in=wanted)
    if not can_see_kt1(user):
        items = items.exclude(service=MailService.KT1)
    by_number: dict[str, PostalItem] = {}
    for item in items.order_by("-accepted_at", "-id"):
        known = by_number.get(item.s10)
        if known is None or (
            known.province_code != point.province_code and item.province_code == point.province_code
        ):
            by_number[item.s10] = item
    missing = [n for n in wanted if n not in by_number]
    if missing:
        raise NotFound(
            _("No item with the number %(s10)s.") % {"s10": missing[0]},
            field="s10",
            errors={"s10": [_("No item with the number %(s10)s.") % {"s10": n} for n in missing]},
        )
    return [by_number[n] for n in wanted]


# --- bags -------------------------------------------------------------------------------


def bags_visible(user: Any) -> QuerySet[Bag]:
    """Bags from or to an office in the user's scope."""
    origin = access.scope_q(user, "origin__unit_path")
    if not origin:  # everything: Q() | Q(x) would narrow it to x
        return Bag.objects.all()
    return Bag.objects.filter(origin | access.scope_q(user, "destination__unit_path"))


def bag_list(*, user: Any, status: str = "", point: ServicePoint | None = None) -> QuerySet[Bag]:
    bags = bags_visible(user).select_related("origin", "destination")
    if status:
        bags = bags.filter(status=status)
    if point is not None:
        bags = bags.filter(Q(origin=point) | Q(destination=point))
    return bags.annotate(
        item_count=Count("lines", filter=Q(lines__removed_at__isnull=True))
    ).order_by("-created_at", "-id")


def bag_get(*, user: Any, code: str) -> Bag:
    bag = (
        bags_visible(user)
        .select_related(
            "origin",
            "destination",
            "created_by",
            "closed_by",
            "dispatched_by",
            "received_by",
            "opened_by",
        )
        .filter(code=str(code)[:32].upper().replace("\x00", ""))
        .first()
    )
    if bag is None:
        raise NotFound(_("No such bag."), field="code")
    return bag


@dataclass(frozen=True)
class BagSides:
    """Which end of a bag the user works at: the origin fills, closes and dispatches it;
    the destination receives and opens it."""

    origin: bool
    destination: bool


BAG_ROLES = frozenset({Role.CLERK, Role.ADMIN})


def bag_sides(user: Any, bag: Bag) -> BagSides:
    if not access.has_role(user, BAG_ROLES):
        return BagSides(False, False)
    return BagSides(
        origin=access.in_scope(user, bag.origin.unit_path) or user.point_id == bag.origin_id,
        destination=access.in_scope(user, bag.destination.unit_path)
        or user.point_id == bag.destination_id,
    )


def bag_manifest(bag: Bag) -> list[BagItem]:
    """The lines on the bag's manifest (removed ones left out), with their items."""
    return list(
        bag.lines.filter(removed_at__isnull=True)
        .select_related("item", "item__accepted_point", "item__delivery_point")
        .order_by("added_at", "id")
    )


def bag_points(*, user: Any, day: dt.date) -> QuerySet[ServicePoint]:
    """Offices the user may fill bags at: in their scope, serving on ``day``."""
    if not _active(user):
        return ServicePoint.objects.none()
    return (
        ServicePoint.objects.in_force_on(day)
        .filter(access.scope_q(user, "unit_path") | Q(pk=user.point_id))
        .order_by("code")
    )


def bag_destinations(*, day: dt.date) -> QuerySet[ServicePoint]:
    """Any office serving on ``day`` (a bag may go anywhere in the network)."""
    return ServicePoint.objects.in_force_on(day).order_by("code")


# --- rounds -----------------------------------------------------------------------------


def rounds_visible(user: Any) -> QuerySet[DeliveryRound]:
    return DeliveryRound.objects.filter(access.scope_q(user, "point__unit_path"))


def round_list(
    *, user: Any, day: dt.date | None = None, point: ServicePoint | None = None
) -> QuerySet[DeliveryRound]:
    rounds = rounds_visible(user).select_related("point", "postman")
    if _active(user) and user.role == Role.POSTMAN:
        rounds = rounds.filter(postman=user)
    if day is not None:
        rounds = rounds.filter(day=day)
    if point is not None:
        rounds = rounds.filter(point=point)
    return rounds.annotate(
        item_count=Count("attempts"),
        pending_count=Count("attempts", filter=Q(attempts__outcome=AttemptOutcome.PENDING)),
    ).order_by("-day", "-started_at", "-id")


def round_get(*, user: Any, pk: Any) -> DeliveryRound:
    """A round in the user's scope; a postman sees only their own rounds."""
    rounds = rounds_visible(user).select_related("point", "postman", "started_by", "closed_by")
    if _active(user) and user.role == Role.POSTMAN:
        rounds = rounds.filter(postman=user)
    found = rounds.filter(pk=parse_id(pk)).first()
    if found is None:
        raise NotFound(_("No such delivery round."))
    return found


def round_attempts(delivery_round: DeliveryRound) -> list[DeliveryAttempt]:
    """The round's items in the order the postman walks them: those still to deliver first,
    then by commune and address in their natural order ("Số 13" before "Số 103")."""
    attempts = delivery_round.attempts.select_related("item", "item__recipient_commune")
    return sorted(
        attempts,
        key=lambda a: (
            not a.is_pending,
            fold(a.item.recipient_commune.name if a.item.recipient_commune else ""),
            natural_key(a.item.recipient_address),
            a.pk,
        ),
    )


def attempt_get(*, user: Any, pk: Any) -> DeliveryAttempt:
    attempts = DeliveryAttempt.objects.filter(
        access.scope_q(user, "round__point__unit_path")
    ).select_related("round", "round__point", "round__postman", "item")
    if _active(user) and user.role == Role.POSTMAN:
        attempts = attempts.filter(round__postman=user)
    found = attempts.filter(pk=parse_id(pk)).first()
    if found is None:
        raise NotFound(_("No such delivery attempt."))
    return found


def round_attempt_by_s10(*, delivery_round: DeliveryRound, s10: str) -> DeliveryAttempt:
    number = s10_normalise(str(s10))[:40]
    if not s10_is_valid(number):
        raise NotFound(_("This item is not on the round."), field="s10")
    found = (
        delivery_round.attempts.select_related("round", "round__point", "item")
        .filter(item__s10=number)
        .first()
    )
    if found is None:
        raise NotFound(_("This item is not on the round."), field="s10")
    return found


def round_today(*, user: Any, day: dt.date) -> list[DeliveryRound]:
    """The postman's rounds of ``day``, the open one first."""
    if not _active(user):
        return []
    rounds = DeliveryRound.objects.filter(postman=user, day=day).select_related("point")
    return sorted(rounds.order_by("-started_at", "-id"), key=lambda r: r.status != RoundStatus.OPEN)


def items_ready_for_round(*, user: Any, point: ServicePoint) -> list[PostalItem]:
    """Items at ``point`` waiting to go out: arrived (or held, or back from a failed attempt
    to be tried again) and not on a round or in a bag; items accepted at the office that
    delivers them too. KT1 items never go out on rounds."""
    if not access.in_scope(user, point.unit_path):
        return []
    pending = DeliveryAttempt.objects.filter(item=OuterRef("pk"), outcome=AttemptOutcome.PENDING)
    bagged = BagItem.objects.filter(item=OuterRef("pk"), in_transit=True)
    candidates = (
        PostalItem.objects.exclude(service=MailService.KT1)
        .filter(
            Q(status__in=READY_FOR_ROUND)
            | Q(status=ItemStatus.ACCEPTED, accepted_point=point, delivery_point=point)
        )
        .annotate(at_point=_last_event_point())
        .filter(at_point=point.pk)
        .exclude(Exists(pending))
        .exclude(Exists(bagged))
        .select_related("recipient_commune")
        .order_by("recipient_commune__name", "recipient_address", "id")
    )
    return list(candidates[:500])


def postmen_for(*, point: ServicePoint) -> QuerySet[User]:
    """Active postmen who work at ``point`` or whose unit covers it."""
    units = [code for code in point.unit_path.split("/") if code]
    return User.objects.filter(
        Q(point=point) | Q(unit__code__in=units), role=Role.POSTMAN, is_active=True
    ).order_by("full_name", "username")


# --- KT1 custody ------------------------------------------------------------------------


def kt1_items(*, user: Any, status: str = "") -> QuerySet[PostalItem]:
    """KT1 items in the user's scope; none for anyone who may not see KT1 items."""
    if not can_see_kt1(user):
        return PostalItem.objects.none()
    items = selectors.items_visible(user).filter(service=MailService.KT1)
    if status:
        items = items.filter(status=status)
    return items.select_related("accepted_point", "delivery_point").order_by("-accepted_at", "-id")


def kt1_item_get(*, user: Any, s10: str, audit: bool = True) -> PostalItem:
    """One KT1 item, audited (``audit=False`` when the caller is about to act on it and
    audits that); for anyone who may not see KT1 items, and for any number that is not a
    KT1 item in the user's scope, the answer for an unknown number."""
    number = s10_normalise(str(s10))[:40]
    if not can_see_kt1(user) or not s10_is_valid(number):
        raise no_such_item()
    item = (
        kt1_items(user=user)
        .select_related("accepted_by", "recipient_commune")
        .filter(s10=number)
        .first()
    )
    if item is None:
        raise no_such_item()
    if audit:
        kt1_audit(user, [item], via="kt1_item")
    return item


def custody_chain(item: PostalItem) -> list[CustodyTransfer]:
    return list(
        item.custody_transfers.select_related(
            "from_user", "to_user", "from_point", "to_point", "confirmed_by", "cancelled_by"
        ).order_by("handed_at", "id")
    )


def custodian(item: PostalItem) -> Any:
    """Who holds a KT1 item now: the receiver of its last confirmed hand-over, else whoever
    accepted it (None when the system made it)."""
    last = (
        CustodyTransfer.objects.filter(item=item, confirmed_at__isnull=False)
        .select_related("to_user")
        .order_by("-confirmed_at", "-id")
        .first()
    )
    if last is not None:
        return last.to_user
    return item.accepted_by


PENDING = Q(confirmed_at__isnull=True, cancelled_at__isnull=True)


def pending_handover(item: PostalItem) -> CustodyTransfer | None:
    """The hand-over of ``item`` still waiting for its receiver's confirmation, if any: no
    other may start until it is confirmed or withdrawn."""
    return (
        CustodyTransfer.objects.filter(PENDING, item=item)
        .select_related("from_user", "to_user", "from_point", "to_point")
        .order_by("-handed_at", "-id")
        .first()
    )


def kt1_pending_for(*, user: Any) -> list[CustodyTransfer]:
    """Hand-overs waiting for ``user`` to confirm them."""
    return _kt1_pending(user, Q(to_user=user))


def kt1_pending_from(*, user: Any) -> list[CustodyTransfer]:
    """Hand-overs ``user`` made that wait for their receiver's confirmation."""
    return _kt1_pending(user, Q(from_user=user))


def _kt1_pending(user: Any, whose: Q) -> list[CustodyTransfer]:
    if not is_kt1_operator(user):
        return []
    transfers = list(
        CustodyTransfer.objects.filter(PENDING, whose)
        .select_related("item", "from_user", "from_point", "to_user", "to_point")
        .order_by("handed_at", "id")
    )
    kt1_audit(user, [t.item for t in transfers], via="kt1_pending")
    return transfers


# The register shows at most this many hand-overs (a month of a province's KT1 desk).
REGISTER_LIMIT = 2000


def kt1_register(*, user: Any, date_from: dt.date, date_to: dt.date) -> list[CustodyTransfer]:
    """The KT1 hand-over register (sổ giao nhận) of the days ``date_from`` to ``date_to``:
    every hand-over of a KT1 item in the user's scope, in the order they were made, each
    item read audited; none for anyone who may not see KT1 items."""
    if not can_see_kt1(user):
        return []
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=VIETNAM)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=VIETNAM)
    transfers = list(
        CustodyTransfer.objects.filter(
            item__in=kt1_items(user=user), handed_at__gte=start, handed_at__lt=end
        )
        .select_related("item", "from_user", "from_point", "to_user", "to_point", "confirmed_by")
        .order_by("handed_at", "id")[:REGISTER_LIMIT]
    )
    kt1_audit(user, [t.item for t in transfers], via="kt1_register")
    return transfers


def kt1_transfer_get(*, user: Any, pk: Any) -> CustodyTransfer:
    """A hand-over of a KT1 item in the user's scope; unknown to anyone else."""
    if not can_see_kt1(user):
        raise NotFound(_("No such hand-over."))
    visible = kt1_items(user=user)
    found = (
        CustodyTransfer.objects.filter(pk=parse_id(pk), item__in=visible)
        .select_related("item", "from_user", "to_user")
        .first()
    )
    if found is None:
        raise NotFound(_("No such hand-over."))
    return found


def kt1_receivers(*, user: Any) -> QuerySet[User]:
    """The KT1 operators ``user`` may hand an item to: every other active one."""
    if not is_kt1_operator(user):
        return User.objects.none()
    return (
        User.objects.filter(role=Role.KT1_OPERATOR, is_active=True)
        .exclude(pk=user.pk)
        .select_related("point")
        .order_by("full_name", "username")
    )


# --- supervisors ------------------------------------------------------------------------


def _business_days_before(day: dt.date, count: int) -> list[dt.date]:
    """The ``count`` business days before ``day``, nearest first (one calendar read)."""
    span = count * 2 + 40
    days = business_days_in(day - dt.timedelta(days=span), day - dt.timedelta(days=1))
    return days[::-1]


def overdue_q(day: dt.date) -> Q:
    """Items whose full-course time ended before ``day``: add_business_days(accepted_on, n)
    < day, where n is the item's tariff's ``full_course_days``. The n-th business day after
    a is before ``day`` exactly when a is before the n-th business day counting back from
    the day before ``day``; n = 0 rolls a forward to a business day, which is before ``day``
    when a is on or before the first business day counting back. Two queries: the distinct
    n of the tariffs, the calendar."""
    counts = sorted(set(Tariff.objects.values_list("full_course_days", flat=True)))
    if not counts:
        return Q(pk__in=[])
    back = _business_days_before(day, max(max(counts), 1))
    condition = Q(pk__in=[])
    for n in counts:
        if n == 0:
            if back:
                condition |= Q(tariff__full_course_days=0, accepted_on__lte=back[0])
            continue
        if len(back) >= n:
            condition |= Q(tariff__full_course_days=n, accepted_on__lt=back[n - 1])
    return condition


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), tzinfo=VIETNAM)
    return start, start + dt.timedelta(days=1)


def supervisor_items(
    *,
    user: Any,
    s10: str = "",
    status: str = "",
    office: str = "",
    service: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    overdue: bool = False,
    today: dt.date | None = None,
) -> QuerySet[PostalItem]:
    """Items in the supervisor's scope, newest first. ``office`` is the code of the office
    that accepted the item or delivers it; ``overdue`` keeps the items past their
    full-course time on ``today`` and not delivered."""
    require_supervisor(user)
    items = selectors.items_visible(user).select_related(
        "accepted_point", "delivery_point", "tariff"
    )
    if s10:
        items = items.filter(s10=s10_normalise(s10)[:40].replace("\x00", ""))
    if status:
        items = items.filter(status=status)
    if office:
        items = items.filter(Q(accepted_point__code=office) | Q(delivery_point__code=office))
    if service:
        items = items.filter(service=service)
    if date_from is not None:
        items = items.filter(accepted_on__gte=date_from)
    if date_to is not None:
        items = items.filter(accepted_on__lte=date_to)
    if overdue:
        items = items.filter(overdue_q(today or local_today())).exclude(status__in=FINISHED)
    return items.order_by("-accepted_at", "-id")


@dataclass
class ItemFile:
    """Everything a supervisor sees of one item."""

    item: PostalItem
    events: list[TrackingEvent]
    bag_lines: list[BagItem]
    attempts: list[DeliveryAttempt]
    transfers: list[CustodyTransfer] = field(default_factory=list)
    due_on: dt.date | None = None


def supervisor_item(*, user: Any, s10: str) -> ItemFile:
    """One item with its events, bags, delivery attempts and (KT1) hand-overs. A KT1 item
    read is audited; for anyone who may not see it, the answer for an unknown number."""
    require_supervisor(user)
    number = s10_normalise(str(s10))[:40]
    if not s10_is_valid(number):
        raise no_such_item()
    item = (
        selectors.items_visible(user)
        .select_related(
            "accepted_point", "delivery_point", "tariff", "accepted_by", "recipient_commune"
        )
        .filter(s10=number)
        .order_by("-accepted_at", "-id")
        .first()
    )
    if item is None:
        raise no_such_item()
    kt1_audit(user, [item], via="supervisor_item")
    return item_file(item)


def item_file(item: PostalItem) -> ItemFile:
    events = list(item.events.select_related("point", "actor").order_by("occurred_at", "id"))
    lines = list(
        item.bag_lines.select_related("bag", "bag__origin", "bag__destination").order_by(
            "added_at", "id"
        )
    )
    attempts = list(
        item.delivery_attempts.select_related("round", "round__point", "round__postman").order_by(
            "id"
        )
    )
    transfers = custody_chain(item) if item.is_kt1 else []
    due = add_business_days(item.accepted_on, item.tariff.full_course_days)
    return ItemFile(item, events, lines, attempts, transfers, due)


@dataclass(frozen=True)
class CountRow:
    office_code: str
    office_name: str
    service: str
    service_label: str
    accepted: int = 0
    delivered: int = 0
    returned: int = 0
    overdue: int = 0


def daily_counts(*, user: Any, day: dt.date) -> list[CountRow]:
    """Counts per office and service on ``day``: items accepted that day, delivered that
    day, returned to their sender that day, and overdue on that day (past their full-course
    time and not delivered by its end). Accepted, returned and overdue count at the office
    that accepted the item; delivered at the office that delivers it. Four queries: the
    tariffs' full-course times, the calendar, then two aggregates."""
    require_supervisor(user)
    start, end = _day_bounds(day)
    items = selectors.items_visible(user)
    accepted = Q(accepted_on=day)
    returned = Q(status=ItemStatus.RETURNED, delivered_at__gte=start, delivered_at__lt=end)
    overdue = overdue_q(day) & (Q(delivered_at__isnull=True) | Q(delivered_at__gte=end))
    labels = dict(MailService.choices)
    table: dict[tuple[str, str], dict[str, Any]] = {}

    def row(code: str | None, name: str | None, service: str) -> dict[str, Any]:
        key = (code or "", service)
        if key not in table:
            table[key] = {
                "office_code": code or "",
                "office_name": name or _("No delivery office"),
                "service": service,
                "service_label": str(labels.get(service, service)),
                "accepted": 0,
                "delivered": 0,
                "returned": 0,
                "overdue": 0,
            }
        return table[key]

    at_acceptance = (
        items.filter(accepted | returned | overdue)
        .values("accepted_point__code", "accepted_point__name", "service")
        .annotate(
            n_accepted=Count("id", filter=accepted),
            n_returned=Count("id", filter=returned),
            n_overdue=Count("id", filter=overdue),
        )
        .order_by()
    )
    for found in at_acceptance:
        entry = row(found["accepted_point__code"], found["accepted_point__name"], found["service"])
        entry["accepted"] += found["n_accepted"]
        entry["returned"] += found["n_returned"]
        entry["overdue"] += found["n_overdue"]
    at_delivery = (
        items.filter(status=ItemStatus.DELIVERED, delivered_at__gte=start, delivered_at__lt=end)
        .values("delivery_point__code", "delivery_point__name", "service")
        .annotate(n=Count("id"))
        .order_by()
    )
    for delivered in at_delivery:
        entry = row(
            delivered["delivery_point__code"],
            delivered["delivery_point__name"],
            delivered["service"],
        )
        entry["delivered"] += delivered["n"]
    order = {service: index for index, service in enumerate(MailService.values)}
    rows = [CountRow(**values) for values in table.values()]
    return sorted(
        rows, key=lambda r: (r.office_code == "", r.office_code, order.get(r.service, 99))
    )


def count_totals(rows: Iterable[CountRow]) -> dict[str, int]:
    totals = {"accepted": 0, "delivered": 0, "returned": 0, "overdue": 0}
    for found in rows:
        totals["accepted"] += found.accepted
        totals["delivered"] += found.delivered
        totals["returned"] += found.returned
        totals["overdue"] += found.overdue
    return totals


def audit_kt1_list(user: Any, items: Iterable[PostalItem], *, via: str) -> None:
    """Audit the KT1 rows a list page or answer shows."""
    kt1_audit(user, items, via=via)
