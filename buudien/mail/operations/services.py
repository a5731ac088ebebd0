"""Writes of mail operations: dispatch bags, delivery rounds, the KT1 chain of custody.

Each function is one transaction: it checks the actor's role and scope, writes its rows and
the items' tracking events together, and changes nothing when it refuses (a DomainError).
A step that moves a row from one state to the next claims it with a conditional UPDATE
(``WHERE status = ...``) and checks the row count, so two people pressing the same button
at once do the step once, on SQLite as on PostgreSQL.

Tracking events (UPU EMSEVT):

=============================================  ===============================================
step                                           events of every item on the manifest / round
=============================================  ===============================================
bag dispatched from an office                  EMC left the outward office
bag dispatched from a processing centre        EDE out of the sorting centre
bag received at an office                      EMD arrived at the inward office, then EMG
                                               when that office delivers the item (for an
                                               item returning to its sender: the office that
                                               accepted it)
bag received at a processing centre            EDD into the sorting centre
round started                                  EDG out for delivery
item delivered                                 EMI, with who received it
item not delivered                             EMH, with the reason and the action taken
KT1 hand-over confirmed                        EMJ at the receiving officer's office, with a
                                               note naming both officers
=============================================  ===============================================

Bags and rounds write their events in bulk (one INSERT, then the items' statuses derived
again from their events by ``tracking.item_status_refresh``), with an idempotency key per
event (source ``bag`` or ``round``), so a step can never store an event twice. Single
events go through ``tracking.event_record``.

KT1 items never travel in dispatch bags or on delivery rounds: they move from officer to
officer by confirmed hand-overs (``kt1_handover`` / ``kt1_confirm``). To anyone who is not a
KT1 operator they do not exist: every refusal about one reads "no item with this number".
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageChops

from buudien.core.audit import audit_record
from buudien.core.bizdays import VIETNAM
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.money import format_vnd
from buudien.core.s10 import s10_normalise
from buudien.core.sequences import sequence_next
from buudien.mail.choices import EventCode, FailureAction, FailureReason, ItemStatus, MailService
from buudien.mail.ledger import cod_collected_post, cod_is_collected
from buudien.mail.models import PostalItem, TrackingEvent
from buudien.mail.operations import selectors
from buudien.mail.operations.choices import AttemptOutcome, BagStatus, RoundStatus
from buudien.mail.operations.models import (
    Bag,
    BagItem,
    CustodyTransfer,
    DeliveryAttempt,
    DeliveryRound,
)
from buudien.mail.tracking.services import FUTURE_TOLERANCE, event_record, item_status_refresh
from buudien.network.choices import PointKind
from buudien.network.models import ServicePoint
from buudien.people import access
from buudien.people.choices import Role

BAG_ROLES = selectors.BAG_ROLES
ROUND_ROLES = frozenset({Role.POSTMAN, Role.CLERK, Role.ADMIN})

# Delivery attempts allowed before an item must be held for collection or returned.
MAX_ATTEMPTS: dict[str, int] = {
    MailService.REGISTERED: 2,
    MailService.PARCEL: 2,
    MailService.EMS: 2,
    MailService.ADMIN_DELIVERY: 2,
    MailService.ORDINARY: 2,
}
DEFAULT_MAX_ATTEMPTS = 2

BAG_SOURCE = "bag"
ROUND_SOURCE = "round"
MAX_SCANS = 10_000
NAME_MAX = 200
NOTE_MAX = 300
SIGNATURE_PREFIX = "data:image/png;base64,"
SIGNATURE_MAX = 400_000  # characters of the data URL: ~300 kB of PNG
SIGNATURE_MAX_PIXELS = 4_000_000  # a phone's pad is some 400 × 200; more is no signature
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PHOTO_MAX = 8 * 1024 * 1024
PHOTO_TYPES = {b"\xff\xd8\xff": "jpg", PNG_MAGIC: "png"}

NOT_BAGGABLE = frozenset(
    {ItemStatus.DELIVERED.value, ItemStatus.RETURNED.value, ItemStatus.OUT_FOR_DELIVERY.value}
)


@dataclass(frozen=True)
class BagOpening:
    """What was found in a bag opened at its destination, against its manifest."""

    bag: Bag
    found: list[str]
    missing: list[str]
    extra: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing and not self.extra


# --- who may do what ---------------------------------------------------------------------


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def _require_role(actor: Any, roles: frozenset[str], message: str) -> None:
    if not access.has_role(actor, roles):
        raise AccessDenied(message)


def _require_scope(actor: Any, point: ServicePoint, message: str) -> None:
    if not (
        access.in_scope(actor, point.unit_path) or getattr(actor, "point_id", None) == point.pk
    ):
        raise AccessDenied(message)


def _user_or_none(actor: Any) -> Any:
    return actor if _active(actor) else None


def _kt1_refusal(actor: Any) -> DomainError:
    """What a KT1 item answers to an operation it cannot be part of: "no such item" for
    anyone who may not know it exists, the reason for a KT1 operator or superuser."""
    if not selectors.can_see_kt1(actor):
        return selectors.no_such_item()
    return DomainError(_("KT1 items travel only by hand-over between KT1 officers."), field="s10")


# --- times -------------------------------------------------------------------------------


def _when(at: dt.datetime | None, *, not_before: dt.datetime | None = None) -> dt.datetime:
    """The time of a step: now by default; naive means Vietnam's time; not more than a few
    minutes ahead, and not before the step it follows."""
    now = timezone.now()
    if at is None:
        when = now
    elif timezone.is_naive(at):
        when = at.replace(tzinfo=VIETNAM)
    else:
        when = at
    if when > now + FUTURE_TOLERANCE:
        raise DomainError(
            _("The time is more than %(minutes)d minutes in the future.")
            % {"minutes": FUTURE_TOLERANCE.seconds // 60},
            field="at",
        )
    if not_before is not None and when < not_before:
        raise DomainError(
            _("The time is before the previous step (%(time)s).")
            % {"time": not_before.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")},
            field="at",
        )
    return when


def _local_day(when: dt.datetime) -> dt.date:
    return when.astimezone(VIETNAM).date()


# --- events in bulk ----------------------------------------------------------------------


def _events_bulk(
    *,
    actor: Any,
    rows: Sequence[tuple[PostalItem, str]],
    point: ServicePoint,
    at: dt.datetime,
    source: str,
    key: str,
) -> int:
    """Write one event (item, code) per row at ``point`` and ``at``, in the order given, and
    derive the items' statuses again. ``key`` makes each event's idempotency key
    ``<key>:<s10>:<code>``. The number of events written."""
    if not rows:
        return 0
    user = _user_or_none(actor)
    TrackingEvent.objects.bulk_create(
        [
            TrackingEvent(
                province_code=item.province_code,
                item=item,
                code=code,
                occurred_at=at,
                point=point,
                office_code=point.code,
                actor=user,
                source=source,
                source_event_id=f"{key}:{item.s10}:{code}",
            )
            for item, code in rows
        ]
    )
    item_status_refresh(item_ids=sorted({item.pk for item, _code in rows}))
    return len(rows)


# --- bags --------------------------------------------------------------------------------


def _bag_locked(bag: Bag) -> Bag:
    found = (
        Bag.objects.select_for_update(of=("self",))
        .select_related("origin", "destination")
        .filter(pk=bag.pk)
        .first()
    )
    if found is None:
        raise NotFound(_("No such bag."), field="code")
    return found


def _bag_origin_side(actor: Any, bag: Bag) -> None:
    _require_role(actor, BAG_ROLES, _("Only a clerk or an administrator handles dispatch bags."))
    _require_scope(actor, bag.origin, _("Only the office that sends the bag may do this."))


def _bag_destination_side(actor: Any, bag: Bag) -> None:
    _require_role(actor, BAG_ROLES, _("Only a clerk or an administrator handles dispatch bags."))
    _require_scope(actor, bag.destination, _("Only the office the bag goes to may do this."))


def _bag_claim(bag: Bag, *, was: str, now: str, **fields: Any) -> None:
    """Move the bag from ``was`` to ``now``, or refuse: someone else moved it first."""
    if Bag.objects.filter(pk=bag.pk, status=was).update(status=now, **fields) != 1:
        raise DomainError(
            _("The bag %(code)s is no longer %(status)s.")
            % {"code": bag.code, "status": BagStatus(was).label.lower()}
        )
    bag.status = now
    for name, value in fields.items():
        setattr(bag, name, value)


def _bag_status_is(bag: Bag, status: str) -> None:
    if bag.status != status:
        raise DomainError(
            _("The bag %(code)s is %(status)s: it cannot be %(step)s now.")
            % {
                "code": bag.code,
                "status": BagStatus(bag.status).label.lower(),
                "step": _step_label(status),
            },
            field="status",
        )


def _step_label(status: str) -> str:
    return {
        BagStatus.OPEN: _("changed"),
        BagStatus.CLOSED: _("dispatched"),
        BagStatus.DISPATCHED: _("received"),
        BagStatus.RECEIVED: _("opened"),
    }.get(BagStatus(status), _("changed"))


@transaction.atomic
def bag_open(
    *,
    actor: Any,
    origin: ServicePoint,
    destination: ServicePoint,
    at: dt.datetime | None = None,
) -> Bag:
    """Open a new bag at ``origin`` for ``destination``; its number is ``BG`` + the origin's
    code + the origin's running number of bags (``BG240001000001``)."""
    _require_role(actor, BAG_ROLES, _("Only a clerk or an administrator handles dispatch bags."))
    _require_scope(actor, origin, _("You may open bags only at an office of your unit."))
    if origin.pk == destination.pk:
        raise DomainError(_("A bag goes to another office."), field="destination")
    when = _when(at)
    day = _local_day(when)
    for point, name in ((origin, "origin"), (destination, "destination")):
        if not point.is_active_on(day):
            raise DomainError(
                _("%(point)s is not serving on %(day)s.")
                % {"point": point, "day": day.strftime("%d/%m/%Y")},
                field=name,
            )
    number = sequence_next(f"bag:{origin.code}")
    return Bag.objects.create(
        province_code=origin.province_code,
        code=f"BG{origin.code}{number:06d}",
        origin=origin,
        destination=destination,
        status=BagStatus.OPEN,
        created_at=when,
        created_by=_user_or_none(actor),
    )


@transaction.atomic
def bag_add_item(
    *, actor: Any, bag: Bag, item: PostalItem, at: dt.datetime | None = None
) -> BagItem:
    """Scan ``item`` into an open bag. The item must be at the bag's origin (its last event
    there: accepted, arrived, or passing through), not delivered, returned or out for
    delivery, and not on the manifest of another bag that is not opened yet."""
    bag = _bag_locked(bag)
    _bag_origin_side(actor, bag)
    locked = PostalItem.objects.select_for_update().filter(pk=item.pk).first()
    if locked is None:
        raise selectors.no_such_item()
    if locked.is_kt1:
        raise _kt1_refusal(actor)
    _bag_status_is(bag, BagStatus.OPEN)
    if locked.status in NOT_BAGGABLE:
        raise DomainError(
            _("%(s10)s is %(status)s: it cannot go into a bag.")
            % {"s10": locked.s10, "status": ItemStatus(locked.status).label.lower()},
            field="s10",
        )
    where = selectors.item_locations([locked.pk]).get(locked.pk)
    if where != bag.origin_id:
        raise DomainError(
            _("%(s10)s is not at %(point)s.") % {"s10": locked.s10, "point": bag.origin},
            field="s10",
        )
    other = BagItem.objects.filter(item=locked, in_transit=True).select_related("bag").first()
    if other is not None:
        if other.bag_id == bag.pk:
            message = _("%(s10)s is already in this bag.") % {"s10": locked.s10}
        else:
            message = _("%(s10)s is already in the bag %(code)s.") % {
                "s10": locked.s10,
                "code": other.bag.code,
            }
        raise DomainError(message, field="s10")
    return BagItem.objects.create(
        province_code=bag.province_code,
        bag=bag,
        item=locked,
        added_at=_when(at, not_before=bag.created_at),
        added_by=_user_or_none(actor),
    )


@transaction.atomic
def bag_remove_item(
    *, actor: Any, bag: Bag, item: PostalItem, at: dt.datetime | None = None
) -> BagItem:
    """Take ``item`` out of an open bag; the manifest line stays, marked removed."""
    bag = _bag_locked(bag)
    _bag_origin_side(actor, bag)
    _bag_status_is(bag, BagStatus.OPEN)
    line = BagItem.objects.filter(bag=bag, item=item, in_transit=True).first()
    if line is None:
        raise NotFound(_("This item is not in the bag."), field="s10")
    when = _when(at, not_before=line.added_at)
    BagItem.objects.filter(pk=line.pk).update(
        in_transit=False, removed_at=when, removed_by=_user_or_none(actor)
    )
    line.refresh_from_db()
    return line


@transaction.atomic
def bag_close(*, actor: Any, bag: Bag, at: dt.datetime | None = None) -> Bag:
    """Close the bag: its manifest is frozen. A bag holds at least one item."""
    bag = _bag_locked(bag)
    _bag_origin_side(actor, bag)
    _bag_status_is(bag, BagStatus.OPEN)
    if not BagItem.objects.filter(bag=bag, removed_at__isnull=True).exists():
        raise DomainError(_("An empty bag cannot be closed: scan at least one item."))
    when = _when(at, not_before=bag.created_at)
    _bag_claim(
        bag,
        was=BagStatus.OPEN,
        now=BagStatus.CLOSED,
        closed_at=when,
        closed_by=_user_or_none(actor),
    )
    return bag


def _manifest_items(bag: Bag) -> list[PostalItem]:
    """The items on the manifest, locked in primary-key order."""
    ids = BagItem.objects.filter(bag=bag, removed_at__isnull=True).values("item_id")
    return list(
        PostalItem.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("delivery_point", "accepted_point")
        .order_by("pk")
    )


@transaction.atomic
def bag_dispatch(*, actor: Any, bag: Bag, at: dt.datetime | None = None) -> Bag:
    """Scan the closed bag out of its origin: EMC for every item on it (EDE when the origin
    is a processing centre)."""
    bag = _bag_locked(bag)
    _bag_origin_side(actor, bag)
    _bag_status_is(bag, BagStatus.CLOSED)
    assert bag.closed_at is not None
    when = _when(at, not_before=bag.closed_at)
    _bag_claim(
        bag,
        was=BagStatus.CLOSED,
        now=BagStatus.DISPATCHED,
        dispatched_at=when,
        dispatched_by=_user_or_none(actor),
    )
    code = EventCode.EDE if bag.origin.kind == PointKind.CENTRE else EventCode.EMC
    items = _manifest_items(bag)
    _events_bulk(
        actor=actor,
        rows=[(item, code.value) for item in items],
        point=bag.origin,
        at=when,
        source=BAG_SOURCE,
        key=bag.code,
    )
    return bag


def _delivering_office_id(item: PostalItem) -> int | None:
    """The office that hands the item over: its delivery office, or the office that
    accepted it once it is returning to its sender."""
    return item.accepted_point_id if item.returning else item.delivery_point_id


@transaction.atomic
def bag_receive(*, actor: Any, bag: Bag, at: dt.datetime | None = None) -> Bag:
    """Scan the dispatched bag in at its destination: EMD for every item (EDD at a
    processing centre), and EMG for the items this office delivers."""
    bag = _bag_locked(bag)
    _bag_destination_side(actor, bag)
    _bag_status_is(bag, BagStatus.DISPATCHED)
    assert bag.dispatched_at is not None
    when = _when(at, not_before=bag.dispatched_at)
    _bag_claim(
        bag,
        was=BagStatus.DISPATCHED,
        now=BagStatus.RECEIVED,
        received_at=when,
        received_by=_user_or_none(actor),
    )
    centre = bag.destination.kind == PointKind.CENTRE
    arrival = EventCode.EDD.value if centre else EventCode.EMD.value
    rows: list[tuple[PostalItem, str]] = []
    for item in _manifest_items(bag):
        rows.append((item, arrival))
        if not centre and _delivering_office_id(item) == bag.destination_id:
            rows.append((item, EventCode.EMG.value))
    _events_bulk(
        actor=actor, rows=rows, point=bag.destination, at=when, source=BAG_SOURCE, key=bag.code
    )
    return bag


@transaction.atomic
def bag_open_at_destination(
    *, actor: Any, bag: Bag, scanned: Iterable[str], at: dt.datetime | None = None
) -> BagOpening:
    """Open the received bag and compare its manifest with the item numbers scanned out of
    it: found, missing (on the manifest, not scanned) and extra (scanned, not on the
    manifest). The lines are marked found or not; the extra numbers are kept on the bag.
    Every item on the manifest is out of the bag from now on."""
    bag = _bag_locked(bag)
    _bag_destination_side(actor, bag)
    numbers: list[str] = []
    for count, raw in enumerate(scanned):
        if count >= MAX_SCANS:
            raise DomainError(
                _("At most %(max)s items per bag.") % {"max": f"{MAX_SCANS:,}"}, field="scanned"
            )
        number = s10_normalise(str(raw).replace("\x00", ""))[:40]
        if number and number not in numbers:
            numbers.append(number)
    _bag_status_is(bag, BagStatus.RECEIVED)
    assert bag.received_at is not None
    when = _when(at, not_before=bag.received_at)
    lines = list(
        BagItem.objects.filter(bag=bag, removed_at__isnull=True)
        .select_related("item")
        .order_by("added_at", "id")
    )
    on_manifest = {line.item.s10: line for line in lines}
    seen = set(numbers)
    found = [s10 for s10 in on_manifest if s10 in seen]
    missing = [s10 for s10 in on_manifest if s10 not in seen]
    extra = [s10 for s10 in numbers if s10 not in on_manifest]
    _bag_claim(
        bag,
        was=BagStatus.RECEIVED,
        now=BagStatus.OPENED,
        opened_at=when,
        opened_by=_user_or_none(actor),
        extra_s10=extra,
    )
    BagItem.objects.filter(pk__in=[on_manifest[s].pk for s in found]).update(
        found=True, in_transit=False
    )
    BagItem.objects.filter(pk__in=[on_manifest[s].pk for s in missing]).update(
        found=False, in_transit=False
    )
    return BagOpening(bag=bag, found=found, missing=missing, extra=extra)


# --- delivery rounds ---------------------------------------------------------------------


def max_attempts(service: str) -> int:
    return MAX_ATTEMPTS.get(service, DEFAULT_MAX_ATTEMPTS)


def attempts_used(item_ids: Iterable[int]) -> dict[int, int]:
    """{item id: unsuccessful attempts (EMH) since the item last started back to its
    sender}: the attempts that count against ``max_attempts``. One query."""
    counts = dict.fromkeys(item_ids, 0)
    rows = (
        TrackingEvent.objects.filter(item_id__in=list(counts), code=EventCode.EMH)
        .order_by("item_id", "occurred_at", "id")
        .values_list("item_id", "action")
    )
    for item_id, action in rows:
        counts[item_id] = 0 if action == FailureAction.RETURN else counts[item_id] + 1
    return counts


def _round_actor(actor: Any, delivery_round: DeliveryRound) -> None:
    """The round's postman, or a clerk or administrator of its office (entering the
    results from the postman's paper list)."""
    _require_role(
        actor, ROUND_ROLES, _("Only postmen, clerks and administrators handle delivery rounds.")
    )
    if getattr(actor, "role", None) == Role.POSTMAN and actor.pk != delivery_round.postman_id:
        raise NotFound(_("No such delivery round."))
    _require_scope(
        actor, delivery_round.point, _("This delivery round is not one of your offices.")
    )


def _ready_problem(
    item: PostalItem,
    *,
    point: ServicePoint,
    where: int | None,
    used: int,
    pending: set[int],
    bagged: set[int],
    when: dt.datetime,
) -> str | None:
    """Why ``item`` cannot go out on a round from ``point`` now, or None."""
    local = (
        item.status == ItemStatus.ACCEPTED
        and item.accepted_point_id == point.pk
        and item.delivery_point_id == point.pk
    )
    if item.status not in selectors.READY_FOR_ROUND and not local:
        return _("%(s10)s is %(status)s.") % {
            "s10": item.s10,
            "status": ItemStatus(item.status).label.lower(),
        }
    if where != point.pk:
        return _("%(s10)s is not at %(point)s.") % {"s10": item.s10, "point": point}
    if item.pk in pending:
        return _("%(s10)s is already out on another round.") % {"s10": item.s10}
    if item.pk in bagged:
        return _("%(s10)s is in a dispatch bag.") % {"s10": item.s10}
    if item.last_event_at is not None and item.last_event_at > when:
        return _("%(s10)s was scanned after the start of the round.") % {"s10": item.s10}
    if item.status == ItemStatus.DELIVERY_FAILED and used >= max_attempts(item.service):
        return _("%(s10)s has had its %(n)d delivery attempts: hold it or return it.") % {
            "s10": item.s10,
            "n": max_attempts(item.service),
        }
    return None


@transaction.atomic
def round_start(
    *,
    actor: Any,
    postman: Any,
    point: ServicePoint,
    items: Sequence[PostalItem],
    at: dt.datetime | None = None,
) -> DeliveryRound:
    """Start ``postman``'s round from the delivery office ``point`` with ``items``: each
    must be at that office, arrived or held or back from a failed attempt with attempts
    left (or accepted there for delivery there), and not on another round or in a bag.
    EDG for each. A postman has one open round at a time."""
    _require_role(
        actor, ROUND_ROLES, _("Only postmen, clerks and administrators handle delivery rounds.")
    )
    if getattr(actor, "role", None) == Role.POSTMAN and actor.pk != getattr(postman, "pk", None):
        raise AccessDenied(_("A postman starts only their own round."), field="postman")
    _require_scope(actor, point, _("You may start rounds only at an office of your unit."))
    if not _active(postman) or postman.role != Role.POSTMAN:
        raise DomainError(_("Choose a postman."), field="postman")
    if not (postman.point_id == point.pk or access.in_scope(postman, point.unit_path)):
        raise DomainError(
            _("%(name)s does not work at %(point)s.") % {"name": postman, "point": point},
            field="postman",
        )
    if point.kind == PointKind.CENTRE:
        raise DomainError(_("A processing centre does not deliver."), field="point")
    ids_seen: set[int] = set()
    ids: list[int] = []
    for item in items:
        if item.pk in ids_seen:
            raise DomainError(_("%(s10)s is on the list twice.") % {"s10": item.s10}, field="items")
        ids.append(item.pk)
        ids_seen.add(item.pk)
    if not ids:
        raise DomainError(_("Choose the items of the round."), field="items")
    when = _when(at)
    locked = list(PostalItem.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(locked) != len(ids):
        raise selectors.no_such_item()
    if any(item.is_kt1 for item in locked):
        raise _kt1_refusal(actor)
    if DeliveryRound.objects.filter(postman=postman, status=RoundStatus.OPEN).exists():
        raise DomainError(
            _("%(name)s already has a round out: close it first.") % {"name": postman},
            field="postman",
        )
    where = selectors.item_locations(ids)
    used = attempts_used(ids)
    pending = set(
        DeliveryAttempt.objects.filter(item_id__in=ids, outcome=AttemptOutcome.PENDING).values_list(
            "item_id", flat=True
        )
    )
    bagged = set(
        BagItem.objects.filter(item_id__in=ids, in_transit=True).values_list("item_id", flat=True)
    )
    by_id = {item.pk: item for item in locked}
    problems = [
        problem
        for pk in ids
        if (
            problem := _ready_problem(
                by_id[pk],
                point=point,
                where=where.get(pk),
                used=used.get(pk, 0),
                pending=pending,
                bagged=bagged,
                when=when,
            )
        )
    ]
    if problems:
        raise DomainError(problems[0], field="items", errors={"items": problems})
    delivery_round = DeliveryRound.objects.create(
        province_code=point.province_code,
        point=point,
        postman=postman,
        day=_local_day(when),
        status=RoundStatus.OPEN,
        started_at=when,
        started_by=_user_or_none(actor),
    )
    DeliveryAttempt.objects.bulk_create(
        [
            DeliveryAttempt(
                province_code=delivery_round.province_code,
                round=delivery_round,
                item=by_id[pk],
                outcome=AttemptOutcome.PENDING,
            )
            for pk in ids
        ]
    )
    _events_bulk(
        actor=actor,
        rows=[(by_id[pk], EventCode.EDG.value) for pk in ids],
        point=point,
        at=when,
        source=ROUND_SOURCE,
        key=f"R{delivery_round.pk}",
    )
    return delivery_round


def _attempt_locked(actor: Any, attempt: DeliveryAttempt) -> DeliveryAttempt:
    """The attempt, locked, with its round and item; checks the actor and that the round
    is open and the attempt still pending."""
    found = (
        DeliveryAttempt.objects.select_for_update(of=("self",))
        .select_related("round", "round__point", "item")
        .filter(pk=attempt.pk)
        .first()
    )
    if found is None:
        raise NotFound(_("No such delivery attempt."))
    _round_actor(actor, found.round)
    if found.item.is_kt1:  # never on a round; kept secret all the same
        raise _kt1_refusal(actor)
    if found.round.status != RoundStatus.OPEN:
        raise DomainError(_("This round is closed."), field="round")
    if found.outcome != AttemptOutcome.PENDING:
        raise DomainError(
            _("%(s10)s is already recorded as %(outcome)s.")
            % {
                "s10": found.item.s10,
                "outcome": AttemptOutcome(found.outcome).label.lower(),
            },
            field="outcome",
        )
    return found


def _claim_attempt(attempt: DeliveryAttempt, **fields: Any) -> None:
    claimed = DeliveryAttempt.objects.filter(pk=attempt.pk, outcome=AttemptOutcome.PENDING).update(
        **fields
    )
    if claimed != 1:  # pragma: no cover - the row lock makes this a PostgreSQL race only
        raise DomainError(_("This item was recorded meanwhile."), field="outcome")
    for name, value in fields.items():
        setattr(attempt, name, value)


def _clean_text(value: str, *, field: str, label: str, limit: int, required: bool) -> str:
    text = (value or "").strip()
    if "\x00" in text:
        raise DomainError(_("%(label)s contains a null character.") % {"label": label}, field=field)
    if required and not text:
        raise DomainError(_("%(label)s is required.") % {"label": label}, field=field)
    if len(text) > limit:
        raise DomainError(
            _("%(label)s is longer than %(max)d characters.") % {"label": label, "max": limit},
            field=field,
        )
    return text


def _has_ink(png: bytes) -> bool:
    """Whether a PNG shows a stroke: some pixel unlike the pad's own colour (its first
    pixel's). A pad touched without drawing sends an image of one colour. Refused when it
    is not a PNG image one can read."""
    not_png = DomainError(_("The signature is not a PNG image."), field="signature")
    try:
        with Image.open(io.BytesIO(png), formats=["PNG"]) as image:
            if image.width * image.height > SIGNATURE_MAX_PIXELS:
                raise not_png
            pixels = image.convert("RGBA")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise not_png from exc
    pad = Image.new("RGBA", pixels.size, pixels.getpixel((0, 0)))
    difference = ImageChops.difference(pixels, pad)
    return any(band.getbbox() is not None for band in difference.split())


def signature_clean(signature: str) -> str:
    """A signature drawn on the phone: a PNG image as a ``data:`` URL, or "" for none (a
    blank pad is none)."""
    text = (signature or "").strip()
    if not text:
        return ""
    if len(text) > SIGNATURE_MAX or not text.startswith(SIGNATURE_PREFIX):
        raise DomainError(_("The signature is not a PNG image."), field="signature")
    try:
        data = base64.b64decode(text[len(SIGNATURE_PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DomainError(_("The signature is not a PNG image."), field="signature") from exc
    if not data.startswith(PNG_MAGIC):
        raise DomainError(_("The signature is not a PNG image."), field="signature")
    return text if _has_ink(data) else ""


def _photo_kind(photo: File) -> str:  # type: ignore[type-arg]
    """The file extension of a JPEG or PNG photo, or a DomainError."""
    size = getattr(photo, "size", None)
    if size is not None and size > PHOTO_MAX:
        raise DomainError(
            _("The photo is larger than %(mb)d MB.") % {"mb": PHOTO_MAX // (1024 * 1024)},
            field="photo",
        )
    photo.seek(0)
    head = photo.read(8)
    photo.seek(0)
    if isinstance(head, str):
        head = head.encode()
    for magic, extension in PHOTO_TYPES.items():
        if head.startswith(magic):
            return extension
    raise DomainError(_("The photo must be a JPEG or PNG image."), field="photo")


@transaction.atomic
def attempt_deliver(
    *,
    actor: Any,
    attempt: DeliveryAttempt,
    recipient_name: str,
    at: dt.datetime | None = None,
    signature: str = "",
    photo: File | None = None,  # type: ignore[type-arg]
    cod_collected: int = 0,
) -> DeliveryAttempt:
    """Record the item delivered to ``recipient_name`` (EMI). The COD amount collected
    must be the item's (nothing for an item going back to its sender); it is posted on the
    ledger as money owed to the sender (``buudien.mail.ledger``) in the same transaction.
    An item that needs a proof (``PostalItem.needs_proof``) is refused without the
    recipient's signature (a blank pad is none) or a photo of the hand-over. Recording a
    delivery twice is refused."""
    attempt = _attempt_locked(actor, attempt)
    item = attempt.item
    name = _clean_text(
        recipient_name,
        field="recipient_name",
        label=_("The name of who received it"),
        limit=NAME_MAX,
        required=True,
    )
    drawn = signature_clean(signature)
    expected = 0 if item.returning else item.cod_amount
    if type(cod_collected) is not int or cod_collected != expected:
        if expected:
            message = _("Collect exactly %(amount)s for this item.") % {
                "amount": format_vnd(expected)
            }
        else:
            message = _("There is no cash on delivery for this item.")
        raise DomainError(message, field="cod_collected")
    if not drawn and photo is None and item.needs_proof:
        raise DomainError(
            _(
                "%(s10)s is delivered against a proof: the recipient's signature on the phone "
                "or a photo of the hand-over."
            )
            % {"s10": item.s10},
            field="signature",
        )
    extension = _photo_kind(photo) if photo is not None else ""
    when = _when(at, not_before=attempt.round.started_at)
    if expected and cod_is_collected(item):
        raise DomainError(
            _("The COD amount of %(s10)s is already booked.") % {"s10": item.s10},
            field="cod_collected",
        )
    _claim_attempt(
        attempt,
        outcome=AttemptOutcome.DELIVERED,
        attempted_at=when,
        delivered_at=when,
        recipient_name=name,
        signature=drawn,
        cod_collected=expected,
        recorded_by=_user_or_none(actor),
    )
    event_record(
        actor=actor,
        item=item,
        code=EventCode.EMI,
        point=attempt.round.point,
        at=when,
        recipient_name=name,
    )
    if expected:
        cod_collected_post(
            actor=_user_or_none(actor),
            item=item,
            point=attempt.round.point,
            amount=expected,
            day=_local_day(when),
        )
    if photo is not None:
        # Last, so that a refusal above leaves no file behind.
        stored = PurePath(str(getattr(photo, "name", "") or "photo")).stem[:40]
        attempt.photo.save(f"{item.s10}-{attempt.pk}-{stored}.{extension}", photo, save=False)
        DeliveryAttempt.objects.filter(pk=attempt.pk).update(photo=attempt.photo.name)
    return attempt


@transaction.atomic
def attempt_fail(
    *,
    actor: Any,
    attempt: DeliveryAttempt,
    reason: str,
    action: str,
    at: dt.datetime | None = None,
    note: str = "",
) -> DeliveryAttempt:
    """Record the item not delivered (EMH) with the reason and the action taken. After the
    allowed attempts (``max_attempts``) the action must be hold or return; ``return``
    starts the item's way back to its sender (outcome ``returned``)."""
    attempt = _attempt_locked(actor, attempt)
    item = attempt.item
    if reason not in FailureReason.values:
        raise DomainError(_("Choose why the item was not delivered."), field="reason")
    if action not in FailureAction.values:
        raise DomainError(_("Choose what was done with the item."), field="action")
    text = _clean_text(note, field="note", label=_("The note"), limit=NOTE_MAX, required=False)
    if action == FailureAction.RETURN and item.returning:
        raise DomainError(
            _("%(s10)s is already going back to its sender: hold it instead.") % {"s10": item.s10},
            field="action",
        )
    allowed = max_attempts(item.service)
    this_one = attempts_used([item.pk])[item.pk] + 1
    if action == FailureAction.RETRY and this_one >= allowed:
        raise DomainError(
            _(
                "This was attempt %(n)d of %(max)d: the item must now be held for "
                "collection or returned to its sender."
            )
            % {"n": this_one, "max": allowed},
            field="action",
        )
    when = _when(at, not_before=attempt.round.started_at)
    _claim_attempt(
        attempt,
        outcome=AttemptOutcome.RETURNED
        if action == FailureAction.RETURN
        else AttemptOutcome.FAILED,
        attempted_at=when,
        reason=reason,
        action=action,
        note=text,
        recorded_by=_user_or_none(actor),
    )
    event_record(
        actor=actor,
        item=item,
        code=EventCode.EMH,
        point=attempt.round.point,
        at=when,
        reason=reason,
        action=action,
        note=text,
    )
    return attempt


@transaction.atomic
def round_close(
    *, actor: Any, delivery_round: DeliveryRound, at: dt.datetime | None = None
) -> DeliveryRound:
    """Close the round once every item on it has an outcome; refused, naming them, while
    some are still pending."""
    found = (
        DeliveryRound.objects.select_for_update(of=("self",))
        .select_related("point")
        .filter(pk=delivery_round.pk)
        .first()
    )
    if found is None:
        raise NotFound(_("No such delivery round."))
    _round_actor(actor, found)
    if found.status != RoundStatus.OPEN:
        raise DomainError(_("This round is already closed."), field="status")
    pending = list(
        found.attempts.filter(outcome=AttemptOutcome.PENDING)
        .order_by("id")
        .values_list("item__s10", flat=True)
    )
    if pending:
        raise DomainError(
            _("Record what became of every item first; still to record: %(items)s.")
            % {"items": ", ".join(pending)},
            field="attempts",
            errors={"attempts": pending},
        )
    when = _when(at, not_before=found.started_at)
    claimed = DeliveryRound.objects.filter(pk=found.pk, status=RoundStatus.OPEN).update(
        status=RoundStatus.CLOSED, closed_at=when, closed_by=_user_or_none(actor)
    )
    if claimed != 1:  # pragma: no cover - the row lock makes this a PostgreSQL race only
        raise DomainError(_("This round is already closed."), field="status")
    found.refresh_from_db()
    return found


# --- KT1 chain of custody ----------------------------------------------------------------


def _kt1_item_locked(actor: Any, item: PostalItem) -> PostalItem:
    """The KT1 item, locked, when ``actor`` is a KT1 operator who may see it; for anyone
    else the answer for an unknown number."""
    if not selectors.is_kt1_operator(actor):
        if selectors.can_see_kt1(actor):
            raise AccessDenied(_("Only KT1 operators hand over KT1 items."))
        raise selectors.no_such_item()
    visible = selectors.kt1_items(user=actor).filter(pk=item.pk)
    locked = PostalItem.objects.select_for_update().filter(pk__in=visible.values("pk")).first()
    if locked is None:
        raise selectors.no_such_item()
    return locked


@transaction.atomic
def kt1_handover(
    *,
    actor: Any,
    item: PostalItem,
    to_user: Any,
    note: str = "",
    at: dt.datetime | None = None,
) -> CustodyTransfer:
    """Hand a KT1 item from ``actor`` (the KT1 officer who holds it) to another KT1
    officer. It counts once the receiver confirms it (``kt1_confirm``); until then the item
    has this one pending hand-over. Audited (``kt1.handover``)."""
    locked = _kt1_item_locked(actor, item)
    if not selectors.is_kt1_operator(to_user):
        raise AccessDenied(
            _("A KT1 item may be handed over only to a KT1 operator."), field="to_user"
        )
    if to_user.pk == actor.pk:
        raise DomainError(_("Hand the item over to another officer."), field="to_user")
    if locked.status in selectors.FINISHED:
        raise DomainError(
            _("%(s10)s is %(status)s.")
            % {"s10": locked.s10, "status": ItemStatus(locked.status).label.lower()},
            field="s10",
        )
    waiting = (
        CustodyTransfer.objects.filter(
            item=locked, confirmed_at__isnull=True, cancelled_at__isnull=True
        )
        .select_related("to_user")
        .first()
    )
    if waiting is not None:
        raise DomainError(
            _("%(s10)s was handed over to %(name)s, who has not confirmed yet.")
            % {"s10": locked.s10, "name": waiting.to_user},
            field="s10",
        )
    holder = selectors.custodian(locked)
    if holder is not None and holder.pk != actor.pk:
        raise AccessDenied(
            _("Only the officer who holds the item hands it over: %(name)s.") % {"name": holder},
            field="s10",
        )
    text = _clean_text(note, field="note", label=_("The note"), limit=NOTE_MAX, required=False)
    when = _when(at)
    transfer = CustodyTransfer.objects.create(
        province_code=locked.province_code,
        item=locked,
        from_user=actor,
        to_user=to_user,
        from_point=getattr(actor, "point", None),
        to_point=getattr(to_user, "point", None),
        handed_at=when,
        note=text,
    )
    audit_record(
        actor=actor,
        action="kt1.handover",
        obj=locked,
        after={
            "transfer": transfer.pk,
            "from": actor.get_username(),
            "to": to_user.get_username(),
            "handed_at": when.isoformat(),
        },
    )
    return transfer


def _confirm_point(actor: Any, transfer: CustodyTransfer, item: PostalItem) -> ServicePoint:
    """Where the hand-over is recorded: the receiving officer's office, else the giving
    officer's, else where the item last was, else where it was accepted; the first of these
    in the receiver's scope."""
    candidates: list[ServicePoint | None] = [transfer.to_point, transfer.from_point]
    where = selectors.item_locations([item.pk]).get(item.pk)
    if where is not None:
        candidates.append(ServicePoint.objects.filter(pk=where).first())
    candidates.append(item.accepted_point)
    for point in candidates:
        if point is not None and access.in_scope(actor, point.unit_path):
            return point
    raise AccessDenied(_("None of the offices of this hand-over is in your scope."))


def _kt1_transfer_locked(
    actor: Any, transfer: CustodyTransfer, *, not_operator: str
) -> CustodyTransfer:
    """The hand-over, locked, when ``actor`` is a KT1 operator who may see its item;
    ``not_operator`` for another role that sees KT1 items; for anyone else the answer for an
    unknown hand-over."""
    if not selectors.is_kt1_operator(actor):
        if selectors.can_see_kt1(actor):
            raise AccessDenied(not_operator)
        raise NotFound(_("No such hand-over."))
    found = (
        CustodyTransfer.objects.select_for_update(of=("self",))
        .select_related("item", "from_user", "to_user", "from_point", "to_point")
        .filter(pk=transfer.pk, item__in=selectors.kt1_items(user=actor).values("pk"))
        .first()
    )
    if found is None:
        raise NotFound(_("No such hand-over."))
    return found


@transaction.atomic
def kt1_confirm(
    *, actor: Any, transfer: CustodyTransfer, at: dt.datetime | None = None
) -> CustodyTransfer:
    """The receiving officer confirms a hand-over: it is recorded as an EMJ event (arrived
    with the next holder) at the receiver's office, with the note ``KT1 #<hand-over>:
    <giver> → <receiver>``, and in the audit log (``kt1.confirm``). Only the receiving
    officer may confirm, once."""
    found = _kt1_transfer_locked(
        actor, transfer, not_operator=_("Only the receiving officer confirms a hand-over.")
    )
    if found.to_user_id != actor.pk:
        raise AccessDenied(
            _("Only the receiving officer, %(name)s, confirms this hand-over.")
            % {"name": found.to_user}
        )
    if found.confirmed_at is not None:
        raise DomainError(_("This hand-over is already confirmed."))
    if found.cancelled_at is not None:
        raise DomainError(
            _("%(name)s withdrew this hand-over: the item stayed with them.")
            % {"name": found.from_user}
        )
    item = (
        PostalItem.objects.select_for_update()
        .select_related("accepted_point")
        .get(pk=found.item_id)
    )
    when = _when(at, not_before=found.handed_at)
    claimed = CustodyTransfer.objects.filter(
        pk=found.pk, confirmed_at__isnull=True, cancelled_at__isnull=True
    ).update(confirmed_at=when, confirmed_by=actor)
    if claimed != 1:  # pragma: no cover - the row lock makes this a PostgreSQL race only
        raise DomainError(_("This hand-over is no longer waiting for you."))
    found.confirmed_at, found.confirmed_by = when, actor
    point = _confirm_point(actor, found, item)
    # Stored as is, in no language: the usernames of the two officers and the hand-over.
    note = f"KT1 #{found.pk}: {found.from_user.get_username()} → {found.to_user.get_username()}"
    event_record(
        actor=actor, item=item, code=EventCode.EMJ, point=point, at=when, note=note[:NOTE_MAX]
    )
    audit_record(
        actor=actor,
        action="kt1.confirm",
        obj=item,
        after={
            "transfer": found.pk,
            "from": found.from_user.get_username(),
            "to": found.to_user.get_username(),
            "handed_at": found.handed_at.isoformat(),
            "confirmed_at": when.isoformat(),
            "office_code": point.code,
        },
    )
    return found


@transaction.atomic
def kt1_handover_cancel(
    *, actor: Any, transfer: CustodyTransfer, at: dt.datetime | None = None
) -> CustodyTransfer:
    """The officer who handed a KT1 item over withdraws the hand-over while it still waits
    for the receiver's confirmation: the item stays in their custody and may be handed over
    again. No tracking event (the hand-over wrote none); audited (``kt1.handover_cancel``).
    Refused once confirmed or withdrawn, and to anyone but the giving officer."""
    found = _kt1_transfer_locked(
        actor, transfer, not_operator=_("Only the officer who handed the item over withdraws it.")
    )
    if found.from_user_id != actor.pk:
        raise AccessDenied(
            _("Only the officer who handed the item over, %(name)s, withdraws it.")
            % {"name": found.from_user}
        )
    if found.confirmed_at is not None:
        raise DomainError(
            _("%(name)s has already confirmed receiving the item.") % {"name": found.to_user}
        )
    if found.cancelled_at is not None:
        raise DomainError(_("This hand-over is already withdrawn."))
    when = _when(at, not_before=found.handed_at)
    claimed = CustodyTransfer.objects.filter(
        pk=found.pk, confirmed_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=when, cancelled_by=actor)
    if claimed != 1:  # pragma: no cover - the row lock makes this a PostgreSQL race only
        raise DomainError(_("This hand-over is no longer waiting."))
    found.cancelled_at, found.cancelled_by = when, actor
    audit_record(
        actor=actor,
        action="kt1.handover_cancel",
        obj=found.item,
        after={
            "transfer": found.pk,
            "from": found.from_user.get_username(),
            "to": found.to_user.get_username(),
            "handed_at": found.handed_at.isoformat(),
            "cancelled_at": when.isoformat(),
        },
    )
    return found
