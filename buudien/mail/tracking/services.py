"""Recording tracking events: one at a time (``event_record``), or in bulk from scanners
(``events_ingest``). Every event write goes through here, so an item's derived status fields
(``status``, ``returning``, ``delivered_at``, ``last_event_*``) always agree with its events.

Bulk ingestion judges whole batches (two lookups, items and offices, whatever the batch
size), writes with PostgreSQL's COPY or SQLite's executemany, and updates the items touched
in one statement. A retried batch stores nothing twice: an event's idempotency key is
(province, source, event id), the key of the partial unique constraint ``event_source_uniq``.
The constraint itself finds the keys already stored, instead of a lookup before every
write: the write is optimistic, and on a conflict (a retry, or two retries racing) the rows
go again through INSERT ... ON CONFLICT DO NOTHING, and only the rows stored count.

Measured in ``bench/tracking_ingest.py`` against a raw COPY / executemany of the same rows.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import repeat
from operator import contains, itemgetter
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record
from buudien.core.bizdays import VIETNAM
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.s10 import LENGTH as S10_LENGTH
from buudien.core.s10 import S10Error, s10_normalise, s10_parse
from buudien.mail.choices import EventCode, FailureAction, FailureReason, ItemStatus, MailService
from buudien.mail.models import PROOF_SERVICES, PostalItem, TrackingEvent
from buudien.mail.tracking.delivered import items_finished
from buudien.mail.tracking.status import ItemState, state_of, status_step
from buudien.network.models import ServicePoint
from buudien.people import access
from buudien.people.choices import Role

MAX_EVENTS = 10_000
FUTURE_TOLERANCE = dt.timedelta(minutes=10)
SOURCE_MAX = 32
EVENT_ID_MAX = 64
RECIPIENT_MAX = 200
NOTE_MAX = 300
EARLIEST_YEAR = 2000

EVENT_CODES = frozenset(EventCode.values)
REASONS = frozenset(FailureReason.values)
ACTIONS = frozenset(FailureAction.values)
KT1 = MailService.KT1.value
EMH = EventCode.EMH.value
EMI = EventCode.EMI.value
DELIVERED = ItemStatus.DELIVERED.value
RETURNED = ItemStatus.RETURNED.value
FINISHED = frozenset({DELIVERED, RETURNED})
_PLAIN_CODES = EVENT_CODES - {EMH, EMI}  # codes that need no reason, action nor recipient

# The columns a bulk insert writes, in this order.
COLUMNS = (
    "province_code",
    "item_id",
    "code",
    "occurred_at",
    "point_id",
    "office_code",
    "reason",
    "action",
    "recipient_name",
    "note",
    "actor_id",
    "source",
    "source_event_id",
    "recorded_at",
)
EVENT_TABLE = TrackingEvent._meta.db_table
ITEM_TABLE = PostalItem._meta.db_table

# Whole-batch work is done a column at a time, with map / zip / set over these getters (C
# loops) rather than a Python loop over 10,000 events.
_S10 = itemgetter("s10")
_OFFICE = itemgetter("office_code")
_AT = itemgetter("occurred_at")
_CODE = itemgetter("code")
_EVENT_ID = itemgetter("event_id")


class TooManyEvents(DomainError):
    """A batch above MAX_EVENTS: refused whole, nothing stored."""

    status = 413


@dataclass(frozen=True, slots=True)
class Rejection:
    """One refused event: its position in the batch, the item number as sent, why (for a
    person) and ``fault`` (for a program: s10_malformed, s10_check_digit, unknown_item,
    unknown_code, reason_required, unknown_reason, unknown_action, recipient_required,
    bad_time, future_time, unknown_office, office_out_of_scope, bad_event_id, bad_field,
    not_an_object, proof_required)."""

    index: int
    s10: str
    reason: str
    fault: str


@dataclass(frozen=True, slots=True)
class IngestResult:
    accepted: int
    duplicates: int
    rejected: list[Rejection]


# --- who may do what -------------------------------------------------------------------------


def _may_handle_kt1(actor: Any) -> bool:
    """KT1 items exist only for KT1 operators (and the system itself, actor None)."""
    if actor is None:
        return True
    return bool(
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and actor.role == Role.KT1_OPERATOR
    )


def _scope_path(actor: Any) -> str | None:
    """The unit path prefix of the offices ``actor`` may record events at; "" is all."""
    if actor is None:
        return ""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return None
    path: str | None = actor.scope_path
    return path


def recorder_check(actor: Any) -> None:
    """Auditors read and never act: no event of theirs is stored (AccessDenied, a 403)."""
    if actor is not None and getattr(actor, "role", None) == Role.AUDITOR:
        raise AccessDenied(_("Auditors have read-only access: they cannot record tracking events."))


def _actor_id(actor: Any) -> int | None:
    return actor.pk if actor is not None else None


# --- times -----------------------------------------------------------------------------------


def event_time(value: Any) -> dt.datetime | None:
    """An aware datetime from an ISO 8601 date and time; naive means Asia/Ho_Chi_Minh.

    None for anything else: a date alone is not the time of an event, nor is a time before
    the year 2000.
    """
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str) and 16 <= len(value) <= 40:
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    if parsed.year < EARLIEST_YEAR:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=VIETNAM)
    return parsed


# --- one event -------------------------------------------------------------------------------


def _check_details(
    code: str, reason: str, action: str, recipient_name: str, note: str
) -> tuple[str, str] | None:
    """(fault, message) for the first thing wrong with an event's details, or None."""
    if code not in EVENT_CODES:
        return "unknown_code", _("Unknown event code “%(code)s”.") % {"code": code[:20]}
    if code == EMH and (not reason or not action):
        return "reason_required", _(
            "An unsuccessful delivery attempt (EMH) needs a reason and an action."
        )
    if reason and reason not in REASONS:
        return "unknown_reason", _("Unknown reason “%(value)s”.") % {"value": reason[:20]}
    if action and action not in ACTIONS:
        return "unknown_action", _("Unknown action “%(value)s”.") % {"value": action[:20]}
    if code == EMI and not recipient_name.strip():
        return "recipient_required", _("A delivery (EMI) needs the name of who received it.")
    if len(recipient_name) > RECIPIENT_MAX:
        return "bad_field", _("The recipient name is longer than %(max)d characters.") % {
            "max": RECIPIENT_MAX
        }
    if len(note) > NOTE_MAX:
        return "bad_field", _("The note is longer than %(max)d characters.") % {"max": NOTE_MAX}
    if "\x00" in recipient_name or "\x00" in note:
        return "bad_field", _("Text fields cannot contain NUL characters.")
    return None


_FAULT_FIELDS = {
    "unknown_code": "code",
    "reason_required": "reason",
    "unknown_reason": "reason",
    "unknown_action": "action",
    "recipient_required": "recipient_name",
}


def _future_message() -> str:
    return _("The time is more than %(minutes)d minutes in the future.") % {
        "minutes": FUTURE_TOLERANCE.seconds // 60
    }


@transaction.atomic
def event_record(
    *,
    actor: Any,
    item: PostalItem,
    code: str,
    point: ServicePoint | None = None,
    at: dt.datetime | None = None,
    reason: str = "",
    action: str = "",
    recipient_name: str = "",
    note: str = "",
) -> TrackingEvent:
    """Record one event of ``item`` at ``point`` (by default the actor's own point), at ``at``
    (by default now; naive means Vietnam's time), and bring the item's status up to date.

    Refused, changing nothing: a KT1 item for anyone but a KT1 operator (as if it did not
    exist), an office outside the actor's scope, an unknown code, an EMH without reason and
    action, an EMI without the recipient's name, a time more than 10 minutes ahead.
    ``actor=None`` is the system itself (the demo, an import): no scope applies. An auditor
    is refused (read-only).
    """
    recorder_check(actor)
    locked = PostalItem.objects.select_for_update().get(pk=item.pk)
    if locked.service == KT1 and not _may_handle_kt1(actor):
        raise NotFound(_("No item with this number."))
    if point is None and actor is not None:
        point = getattr(actor, "point", None)
        if point is None:
            raise DomainError(_("Say at which office the event happened."), field="point")
    if point is not None and actor is not None and not access.in_scope(actor, point.unit_path):
        raise AccessDenied(
            _("The office %(code)s is outside your scope.") % {"code": point.code}, field="point"
        )
    wrong = _check_details(code, reason, action, recipient_name, note)
    if wrong is not None:
        raise DomainError(wrong[1], field=_FAULT_FIELDS.get(wrong[0]))
    now = timezone.now()
    when = now if at is None else event_time(at)
    if when is None:
        raise DomainError(_("The time is not a date and time."), field="at")
    if when > now + FUTURE_TOLERANCE:
        raise DomainError(_future_message(), field="at")
    event = TrackingEvent.objects.create(
        province_code=locked.province_code,
        item=locked,
        code=code,
        occurred_at=when,
        point=point,
        office_code=point.code if point is not None else "",
        reason=reason,
        action=action,
        recipient_name=recipient_name.strip(),
        note=note,
        actor=actor,
    )
    rows = TrackingEvent.objects.filter(item_id=locked.pk).order_by("occurred_at", "id")
    state = state_of(rows.values_list("code", "action", "occurred_at"))
    was = locked.status
    _state_save(locked, state)
    _state_save(item, state)
    PostalItem.objects.filter(pk=locked.pk).update(**_state_fields(state))
    if state.status != was and state.status in FINISHED:
        ended = [locked.pk]
        items_finished(
            delivered=ended if state.status == DELIVERED else [],
            returned=ended if state.status == RETURNED else [],
        )
    if locked.service == KT1:
        audit_record(
            actor=actor,
            action="item.event",
            obj=locked,
            after={
                "code": code,
                "occurred_at": when.isoformat(),
                "office_code": event.office_code,
                "status": state.status,
            },
        )
    return event


def _state_fields(state: ItemState) -> dict[str, Any]:
    return {
        "status": state.status,
        "returning": state.returning,
        "delivered_at": state.delivered_at,
        "last_event_code": state.last_event_code,
        "last_event_at": state.last_event_at,
    }


def _state_save(item: PostalItem, state: ItemState) -> None:
    for name, value in _state_fields(state).items():
        setattr(item, name, value)


# --- S10 ids ---------------------------------------------------------------------------


def _s10_key(raw: str) -> str:
    """The normalised form, without the regex when it is already normal."""
    if len(raw) == 13 and raw.isalnum() and raw.isupper():
        return raw
    return s10_normalise(raw)


def _s10_fault(raw: str) -> tuple[str, str] | None:
    try:
        s10_parse(raw)
    except S10Error as exc:
        fault = "s10_check_digit" if exc.fault == "check_digit_mismatch" else "s10_malformed"
        return fault, str(exc.message)
    return None


def _s10_keys(given: set[Any]) -> tuple[dict[str, str], list[str]]:
    """(id as given -> normalised, for the ids not given normalised; the ids to look up).
    The usual batch, every id given normalised, is seen so over the whole batch at once."""
    try:
        joined = "".join(given)
    except TypeError:
        joined = ""
    if (
        joined.isalnum()
        and joined.isupper()
        and len(joined) == S10_LENGTH * len(given)
        and min(map(len, given)) == S10_LENGTH
    ):
        return {}, list(given)
    normal: dict[str, str] = {}
    wanted: list[str] = []
    for raw in given:
        if type(raw) is str:
            key = _s10_key(raw)
            if key != raw:
                normal[raw] = key
            if len(key) == S10_LENGTH:
                wanted.append(key)
    return normal, wanted


# --- bulk ingestion --------------------------------------------------------------------------
#
# Times travel in the form the database stores: aware datetimes for PostgreSQL (psycopg
# adapts them), UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]" for SQLite (what Django writes there,
# and text of that form sorts as time does), so that nothing is converted twice.

# (id, s10, province_code, service, status, returning, last_event_at as stored, needs a proof)
ItemRow = tuple[int, str, str, str, str, Any, Any, Any]
_ITEM_ID, _ITEM_S10, _ITEM_PROVINCE, _ITEM_SERVICE = (itemgetter(i) for i in range(4))
_ITEM_RETURNING, _ITEM_LAST_AT = itemgetter(5), itemgetter(6)
_ITEM_NEEDS_PROOF = itemgetter(7)
# ``PostalItem.needs_proof`` in SQL, read with the items: a proof service, COD, a declared value
# or an add-on (an item with none of them has ``addons`` '[]').
_PROOF_SERVICES_SQL = ", ".join(f"'{service}'" for service in sorted(PROOF_SERVICES))
_NEEDS_PROOF_SQL = {
    "postgresql": f"(i.service IN ({_PROOF_SERVICES_SQL}) OR i.cod_amount > 0 "
    "OR i.declared_value > 0 OR i.addons <> '[]'::jsonb)",
    "sqlite": f"(i.service IN ({_PROOF_SERVICES_SQL}) OR i.cod_amount > 0 "
    "OR i.declared_value > 0 OR coalesce(json_array_length(i.addons), 0) > 0)",
}
_BAD_TIME = (None, None, False)


def _sqlite_time(value: dt.datetime | None) -> str | None:
    """What Django stores in SQLite for an aware datetime: UTC, naive, as text."""
    if value is None:
        return None
    offset = value.utcoffset()
    if offset is None:
        return str(value)
    return str(value.replace(tzinfo=None) - offset)


def _stored_time(value: dt.datetime | None) -> Any:
    return value if connection.vendor == "postgresql" else _sqlite_time(value)


def _pg_cursor() -> Any:
    """A psycopg cursor with server-side binding on Django's connection (same transaction):
    Django's own cursors bind on the client, writing a 10,000-element array into the SQL
    as text; this one sends it in binary."""
    import psycopg

    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def _pg_index_probes() -> None:
    """For the rest of the transaction: reach rows through their indexes, never by reading
    a whole table. A batch reads and updates some 10,000 items by id; PostgreSQL's default
    costs (made for disks: random_page_cost 4) prefer a full scan and a hash join once the
    table has some 100,000 items, and that scan grows with the table, not the batch."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SET LOCAL enable_seqscan = off; SET LOCAL enable_hashjoin = off; "
            "SET LOCAL enable_mergejoin = off"
        )


def _items_by_s10(keys: list[str]) -> tuple[dict[str, ItemRow], dict[str, list[ItemRow]]]:
    """The items with these ids, locked (PostgreSQL) in primary-key order so that batches
    touching the same items queue one after the other instead of deadlocking: by id, and
    apart the ids that two provinces both gave (all their items, for the caller to choose)."""
    if not keys:
        return {}, {}
    if connection.vendor == "postgresql":
        with _pg_cursor() as cursor:
            cursor.execute(
                'SELECT i.id, i.s10, i.province_code, i.service, i.status, i."returning", '
                f"i.last_event_at, {_NEEDS_PROOF_SQL['postgresql']} "
                f"FROM unnest(%b::text[]) AS k(s10) JOIN {ITEM_TABLE} AS i "
                "ON i.s10 = k.s10 ORDER BY i.id FOR NO KEY UPDATE OF i",
                [keys],
                binary=True,
            )
            rows = cursor.fetchall()
    else:
        with connection.cursor() as cursor:
            # Sorted ids walk the s10 index in order: a fifth faster than in any order.
            cursor.execute(
                'SELECT i.id, i.s10, i.province_code, i.service, i.status, i."returning", '
                f"CAST(i.last_event_at AS TEXT), {_NEEDS_PROOF_SQL['sqlite']} "
                f"FROM json_each(%s) AS k JOIN {ITEM_TABLE} AS i ON i.s10 = k.value",
                [json.dumps(sorted(keys))],
            )
            rows = cursor.cursor.fetchall()
    found = dict(zip(map(_ITEM_S10, rows), rows, strict=True))
    shared: dict[str, list[ItemRow]] = {}
    if len(found) < len(rows):
        for row in sorted(rows):
            shared.setdefault(row[1], []).append(row)
        shared = {s10: group for s10, group in shared.items() if len(group) > 1}
        for s10, group in shared.items():
            found[s10] = group[0]  # the first by id, unless the office says otherwise
    return found, shared


def _offices_by_code(codes: Iterable[str], scope: str) -> dict[str, tuple[int, bool, str]]:
    """code -> (id, within ``scope``, province_code)."""
    rows = ServicePoint.objects.filter(code__in=list(codes)).values_list(
        "code", "id", "unit_path", "province_code"
    )
    return {code: (pk, path.startswith(scope), province) for code, pk, path, province in rows}


def _insert_postgresql(rows: list[tuple[Any, ...]]) -> list[int]:
    """COPY the rows, in a savepoint. When one of their keys is stored already (a retried
    batch, or a retry racing this one), the unique constraint stops the COPY (a retried
    batch at its first row) and the rows go again through a temporary table and INSERT ...
    ON CONFLICT DO NOTHING, which skips the stored ones. The positions inserted."""
    import psycopg

    columns = ", ".join(COLUMNS)
    try:
        with (
            transaction.atomic(),
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {EVENT_TABLE} ({columns}) FROM STDIN") as copy,
        ):
            write = copy.write_row
            for row in rows:
                write(row)
        return list(range(len(rows)))
    except (IntegrityError, psycopg.errors.UniqueViolation):
        pass
    with connection.cursor() as cursor:
        raw = cursor.cursor
        raw.execute(
            "CREATE TEMP TABLE tracking_ingest_tmp ON COMMIT DROP AS "
            f"SELECT 0 AS position, {columns} FROM {EVENT_TABLE} WITH NO DATA"
        )
        with raw.copy(f"COPY tracking_ingest_tmp (position, {columns}) FROM STDIN") as copy:
            for position, row in enumerate(rows):
                copy.write_row((position, *row))
        raw.execute(
            f"INSERT INTO {EVENT_TABLE} ({columns}) SELECT {columns} FROM tracking_ingest_tmp "
            "ORDER BY position ON CONFLICT DO NOTHING RETURNING province_code, source_event_id"
        )
        inserted = {(province, event_id) for province, event_id in raw.fetchall()}
        raw.execute("DROP TABLE tracking_ingest_tmp")
    return [i for i, row in enumerate(rows) if (row[0], row[12]) in inserted]


def _insert_sqlite(rows: list[tuple[Any, ...]], source: str) -> list[int]:
    """One prepared INSERT, executemany. When a key is stored already (a retried batch), the
    unique constraint refuses its row: the rows go again with ON CONFLICT DO NOTHING, and
    which ones are stored is read back by id (ids only grow: AUTOINCREMENT). The positions
    inserted.

    No savepoint around the first try: SQLite backs out only the refused row's statement,
    and the transaction goes on (the rows before it are kept, and skipped by the second
    try as stored). A savepoint would copy every page the INSERT touches to its journal.
    No race to fear here: SQLite transactions begin IMMEDIATE, one writer at a time.
    """
    columns = ", ".join(COLUMNS)
    marks = ", ".join("?" * len(COLUMNS))
    insert = f"INSERT INTO {EVENT_TABLE} ({columns}) VALUES ({marks})"
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the sqlite3 cursor: its errors reach here unwrapped
        raw.execute(f"SELECT max(id) FROM {EVENT_TABLE}")
        before = raw.fetchone()[0] or 0
        try:
            raw.executemany(insert, rows)
            return list(range(len(rows)))
        except sqlite3.IntegrityError:
            pass
        raw.executemany(f"{insert} ON CONFLICT DO NOTHING", rows)
        raw.execute(
            f"SELECT province_code, source_event_id FROM {EVENT_TABLE} "
            "WHERE id > ? AND source = ? AND NOT (source_event_id = '')",
            [before, source],
        )
        inserted = set(raw.fetchall())
    return [i for i, row in enumerate(rows) if (row[0], row[12]) in inserted]


# (status, returning, delivered_at, last_event_code, last_event_at, id), times as stored
StateRow = tuple[str, bool, Any, str, Any, int]


def _update_items(rows: list[StateRow]) -> None:
    """Write the derived fields of many items: one UPDATE ... FROM unnest(...) on
    PostgreSQL, one prepared UPDATE executemany on SQLite."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        status, returning, delivered, code, at, ids = map(list, zip(*rows, strict=True))
        with _pg_cursor() as cursor:
            cursor.execute(
                f"UPDATE {ITEM_TABLE} AS i SET status = v.status, "
                '"returning" = v.ret, delivered_at = v.delivered_at, '
                "last_event_code = v.code, last_event_at = v.at "
                "FROM unnest(%b::varchar[], %b::boolean[], %b::timestamptz[], "
                "%b::varchar[], %b::timestamptz[], %b::bigint[]) "
                "AS v(status, ret, delivered_at, code, at, id) WHERE i.id = v.id",
                [status, returning, delivered, code, at, ids],
            )
        return
    with connection.cursor() as cursor:
        cursor.cursor.executemany(
            f'UPDATE {ITEM_TABLE} SET status = ?, "returning" = ?, delivered_at = ?, '
            "last_event_code = ?, last_event_at = ? WHERE id = ?",
            rows,
        )


def _states_from_events(item_ids: Sequence[int]) -> list[StateRow]:
    """The derived fields of each item from all its stored events: one query."""
    events: dict[int, list[tuple[str, str, dt.datetime]]] = {pk: [] for pk in item_ids}
    rows = (
        TrackingEvent.objects.filter(item_id__in=list(item_ids))
        .order_by("item_id", "occurred_at", "id")
        .values_list("item_id", "code", "action", "occurred_at")
    )
    for item_id, code, action, at in rows:
        events[item_id].append((code, action, at))
    out: list[StateRow] = []
    for pk, found in events.items():
        state = state_of(found)
        out.append(
            (
                state.status,
                state.returning,
                _stored_time(state.delivered_at),
                state.last_event_code,
                _stored_time(state.last_event_at),
                pk,
            )
        )
    return out


@transaction.atomic
def item_status_refresh(*, item_ids: Sequence[int]) -> int:
    """Derive the status fields of these items again from all their events (after events
    were written by other means, or to repair). The number of items written."""
    rows = _states_from_events(item_ids)
    ended = {row[5]: row[0] for row in rows if row[0] in FINISHED}
    if ended:
        before = dict(PostalItem.objects.filter(pk__in=list(ended)).values_list("pk", "status"))
        ended = {pk: status for pk, status in ended.items() if before.get(pk) != status}
    _update_items(rows)
    items_finished(
        delivered=[pk for pk, status in ended.items() if status == DELIVERED],
        returned=[pk for pk, status in ended.items() if status == RETURNED],
    )
    return len(rows)


# (code, action, returning before) -> (status, returning after), for every event there is.
_STEP = {
    (code, action, returning): status_step(code, action, returning)
    for code in EVENT_CODES
    for action in ("", *ACTIONS)
    for returning in (False, True)
}

_FIRST = itemgetter(0)
_SECOND = itemgetter(1)
# The columns of an event row (COLUMNS' order) that the states need.
_ROW_ITEM, _ROW_CODE, _ROW_AT, _ROW_ACTION = (itemgetter(i) for i in (1, 2, 3, 7))

# item id -> the new events of the item: (occurred_at as stored, code, action), batch order
NewEvents = dict[int, list[tuple[Any, str, str]]]


def _group(rows: list[tuple[Any, ...]]) -> NewEvents:
    new: NewEvents = {}
    for row in rows:
        new.setdefault(row[1], []).append((row[3], row[2], row[7]))
    return new


def _apply_states(rows: list[tuple[Any, ...]], item_rows: dict[int, ItemRow]) -> None:
    """Bring the status fields of the items the new events (stored rows) touched up to
    date: fold the new events onto the stored state when none of them comes before the
    item's last event (the usual case), or derive the state again from all the item's
    events when one arrived late."""
    if len({row[1] for row in rows}) == len(rows):
        states, late = _fold_one_each(rows, item_rows)
    else:
        states, late = _fold_grouped(_group(rows), item_rows)
    if late:
        states.extend(_states_from_events(late))
    _update_items(states)
    if EMI in set(map(_ROW_CODE, rows)):
        # The items this batch delivered or returned to their sender: counted, and followed.
        ended = [state for state in states if state[0] in FINISHED]
        changed = [state for state in ended if item_rows[state[5]][4] != state[0]]
        items_finished(
            delivered=[state[5] for state in changed if state[0] == DELIVERED],
            returned=[state[5] for state in changed if state[0] == RETURNED],
        )


Folded = tuple[list[StateRow], list[int]]  # the states, the items with a late event


def _fold_one_each(rows: list[tuple[Any, ...]], item_rows: dict[int, ItemRow]) -> Folded:
    """One new event per item (the usual batch: a leg of many items). When every new event
    comes after every item's last one (seen with one max and one min), the states are
    zipped from the columns; otherwise each event is compared with its item's last."""
    ids = list(map(_ROW_ITEM, rows))
    times = list(map(_ROW_AT, rows))
    items = list(map(item_rows.__getitem__, ids))
    last = max(filter(None, map(_ITEM_LAST_AT, items)), default=None)
    if last is not None and last > min(times):
        return _fold_one_each_late(rows, item_rows)
    codes = list(map(_ROW_CODE, rows))
    steps = list(
        map(
            _STEP.__getitem__,
            zip(codes, map(_ROW_ACTION, rows), map(_ITEM_RETURNING, items), strict=True),
        )
    )
    code_set = set(codes)
    delivered: Iterable[Any]
    if EMI not in code_set:
        delivered = repeat(None)
    elif code_set == {EMI}:
        delivered = times
    else:
        delivered = [at if code == EMI else None for code, at in zip(codes, times, strict=True)]
    states = list(
        zip(map(_FIRST, steps), map(_SECOND, steps), delivered, codes, times, ids, strict=False)
    )
    return states, []


def _fold_one_each_late(rows: list[tuple[Any, ...]], item_rows: dict[int, ItemRow]) -> Folded:
    """One new event per item, some of them perhaps before their item's last event."""
    states: list[StateRow] = []
    late: list[int] = []
    step = _STEP
    for row in rows:
        pk, code, at = row[1], row[2], row[3]
        item = item_rows[pk]
        last_at = item[6]
        if last_at is not None and at < last_at:
            late.append(pk)
            continue
        status, returning = step[code, row[7], item[5]]
        states.append((status, returning, at if code == EMI else None, code, at, pk))
    return states, late


def _fold_grouped(new: NewEvents, item_rows: dict[int, ItemRow]) -> Folded:
    """Several new events for some items: each item's in time order (then batch order)."""
    states: list[StateRow] = []
    late: list[int] = []
    step = _STEP
    for pk, found in new.items():
        item = item_rows[pk]
        last_at = item[6]
        found.sort(key=_FIRST)  # stable: same time, batch order (= id order)
        if last_at is not None and found[0][0] < last_at:
            late.append(pk)
            continue
        returning = item[5]
        for _at, code, action in found:
            status, returning = step[code, action, returning]
        at, code = found[-1][0], found[-1][1]
        states.append((status, returning, at if code == EMI else None, code, at, pk))
    return states, late


def _parse_time(value: Any, latest: dt.datetime, sqlite: bool) -> tuple[Any, Any, bool]:
    """(aware datetime, as stored, too far in the future) of an event time; _BAD_TIME."""
    at = event_time(value)
    if at is None:
        return _BAD_TIME
    return at, (_sqlite_time(at) if sqlite else at), at > latest


def _proof_message() -> str:
    return _(
        "This item is delivered only on the postman's round, against the recipient's "
        "signature or a photo, with any COD collected: a scan does not record its delivery."
    )


def _proof_items(events: list[Any], batch: _Batch) -> frozenset[int]:
    """The items of the batch that need a proof of delivery (``PostalItem.needs_proof``, read
    with them) and that a delivery (EMI) of the batch names; nothing more is read for a
    batch without a delivery, or without such an item."""
    needs = {row[0] for row in batch.items.values() if row[7]}
    for group in batch.shared.values():
        needs.update(row[0] for row in group if row[7])
    if not needs:
        return frozenset()
    try:
        if EMI not in set(map(_CODE, events)):
            return frozenset()
    except (KeyError, TypeError):
        pass  # not every event is an object with a code: look at each below
    named = {
        event.get("s10") for event in events if type(event) is dict and event.get("code") == EMI
    }
    delivered: set[int] = set()
    for given in named:
        if type(given) is not str:
            continue
        key = batch.normal.get(given, given)
        rows = batch.shared.get(key) or ([batch.items[key]] if key in batch.items else [])
        delivered.update(row[0] for row in rows)
    return frozenset(delivered & needs)


def _reject_s10(index: int, given: str, key: str) -> Rejection:
    """Why an event whose item was not found is refused: a malformed id (the fault that
    ``s10_parse`` names), or no such item."""
    fault = _s10_fault(key)
    if fault is not None:
        return Rejection(index, given, fault[1], fault[0])
    return Rejection(index, given, _("No item with this number."), "unknown_item")


def _wanted(events: list[Any]) -> tuple[set[Any], set[Any], set[Any]]:
    """The item ids, office codes and times a batch names, whatever its events look like."""
    s10s: set[Any] = set()
    offices: set[Any] = set()
    times: set[Any] = set()
    for event in events:
        if type(event) is dict:
            for name, found in (("s10", s10s), ("office_code", offices), ("occurred_at", times)):
                value = event.get(name)
                if type(value) is str:
                    found.add(value)
    return s10s, offices, times


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a batch is judged and written. A batch makes
    some 60,000 small containers, none of them in a cycle (reference counting frees them
    all), and the collector's passes over them and over the rest of the heap cost a tenth of
    the ingestion time. Left as it was found: on when it was on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def events_ingest(*, actor: Any, source: str, events: list[Any]) -> IngestResult:
    """Store a scanner's batch of events (at most MAX_EVENTS), in one transaction.

    Each event is a dict: ``s10``, ``code``, ``occurred_at`` (ISO 8601; naive means
    Asia/Ho_Chi_Minh), ``office_code``, ``event_id`` (the scanner's own id: with ``source``
    and the item's province, the idempotency key), optional ``reason``, ``action``,
    ``recipient_name``, ``note``. Bad events are rejected one by one with a reason, the good
    ones stored; an event whose key is already stored, or repeated in the batch, counts as a
    duplicate and is stored once. KT1 items are "unknown" to anyone but a KT1 operator; a KT1
    operator's KT1 events are audited, one entry per item. An auditor's batch is refused
    whole (AccessDenied): auditors have read-only access.

    A person's delivery (EMI) of an item delivered only against a proof
    (``PostalItem.needs_proof``: registered, EMS, parcels, administrative deliveries, and any
    item with COD, a declared value or an add-on) is refused on its own (``proof_required``):
    such an item is delivered on the postman's round (``operations.attempt_deliver``), which
    takes the proof and books the COD. ``actor=None`` is the system itself, which records
    past deliveries as they were (the demo's year, an import of another system's history).

    Two lookups whatever the batch size (items, locked in id order on PostgreSQL; offices),
    one write (COPY on PostgreSQL, executemany on SQLite) whose unique constraint finds the
    keys already stored, one status update of the items touched. The usual batch is judged
    with set operations over the whole batch; an unusual one event by event.
    """
    recorder_check(actor)
    if (
        not isinstance(source, str)
        or not source.strip()
        or len(source) > SOURCE_MAX
        or "\x00" in source
    ):
        raise DomainError(
            _("The source must be a name of 1 to %(max)d characters.") % {"max": SOURCE_MAX},
            field="source",
        )
    if len(events) > MAX_EVENTS:
        raise TooManyEvents(
            _("At most %(max)s events per request, got %(count)s.")
            % {"max": f"{MAX_EVENTS:,}", "count": f"{len(events):,}"},
            field="events",
        )
    scope = _scope_path(actor)
    if scope is None:
        raise AccessDenied(_("You have no unit: you cannot record events."))
    # A NUL character can be stored nowhere (PostgreSQL refuses it in text): such an event is
    # taken out before the batch's lookups and rejected on its own.
    events = [_WITH_NUL if _has_nul(event) else event for event in events]
    with _collector_paused():
        return _ingest(actor, source, events, scope)


# The stand-in of an event with a NUL in one of its fields (judged by identity).
_WITH_NUL: dict[str, Any] = {}


def _has_nul(event: Any) -> bool:
    return type(event) is dict and any(
        type(value) is str and "\x00" in value for value in event.values()
    )


@dataclass(slots=True)
class _Batch:
    """What one batch is judged against: the lookups made for all its events at once."""

    kt1_allowed: bool
    items: dict[str, ItemRow]  # by normalised S10 id
    shared: dict[str, list[ItemRow]]  # ids two provinces gave: all their items
    normal: dict[str, str]  # id as given -> normalised, for the ids not given normalised
    offices: dict[str, tuple[int, bool, str]]  # code -> (id, within scope, province)
    times: dict[str, tuple[Any, Any, bool]]  # given -> (aware, as stored, in the future)
    # Items a delivery (EMI) of the batch names that are delivered only against a proof, on
    # the postman's round (``_proof_items``): their EMI is refused.
    proof: frozenset[int] = frozenset()


# (item, code, aware time, time as stored, point id, office code, reason, action,
#  recipient, note, event id)
Judged = tuple[ItemRow, str, dt.datetime, Any, int, str, str, str, str, str, str]


def _judge(index: int, event: Any, batch: _Batch) -> Judged | Rejection:
    """One event judged in full, first fault first: the refusal, or what to store."""
    if event is _WITH_NUL:
        message = _("A field of the event holds a NUL character.")
        return Rejection(index, "", message, "bad_field")
    if type(event) is not dict:
        return Rejection(index, "", _("An event must be a JSON object."), "not_an_object")
    get = event.get
    given = get("s10")
    if type(given) is not str:
        message = _("The item number (s10) is missing or not text.")
        return Rejection(index, "", message, "s10_malformed")
    key = batch.normal.get(given, given)
    item = batch.items.get(key)
    if item is None:
        return _reject_s10(index, given, key)
    office_code = get("office_code")
    office = batch.offices.get(office_code) if type(office_code) is str else None
    if key in batch.shared and office is not None:
        # Two provinces gave the same id: the one of the office's province.
        item = next((c for c in batch.shared[key] if c[2] == office[2]), item)
    if item[3] == KT1 and not batch.kt1_allowed:
        return Rejection(index, given, _("No item with this number."), "unknown_item")
    code = get("code")
    if type(code) is not str:
        return Rejection(index, given, _("The event code must be text."), "unknown_code")
    reason = get("reason") or ""
    action = get("action") or ""
    recipient = get("recipient_name") or ""
    note = get("note") or ""
    if not all(type(value) is str for value in (reason, action, recipient, note)):
        return Rejection(index, given, _("Optional fields must be text."), "bad_field")
    wrong = _check_details(code, reason, action, recipient, note)
    if wrong is not None:
        return Rejection(index, given, wrong[1], wrong[0])
    raw_at = get("occurred_at")
    at, stored_at, future = batch.times.get(raw_at, _BAD_TIME) if type(raw_at) is str else _BAD_TIME
    if at is None:
        message = _("The time (occurred_at) is missing or not an ISO 8601 date and time.")
        return Rejection(index, given, message, "bad_time")
    if future:
        return Rejection(index, given, _future_message(), "future_time")
    if office is None:
        message = _("No office with code “%(code)s”.") % {"code": str(office_code or "")[:20]}
        return Rejection(index, given, message, "unknown_office")
    if not office[1]:
        message = _("The office %(code)s is outside your scope.") % {"code": office_code}
        return Rejection(index, given, message, "office_out_of_scope")
    event_id = get("event_id")
    if type(event_id) is int and type(event_id) is not bool:
        event_id = str(event_id)
    if (
        type(event_id) is not str
        or not event_id
        or len(event_id) > EVENT_ID_MAX
        or "\x00" in event_id
    ):
        message = _("The event id must be text of 1 to %(max)d characters.") % {"max": EVENT_ID_MAX}
        return Rejection(index, given, message, "bad_event_id")
    if code == EMI and item[0] in batch.proof:
        return Rejection(index, given, _proof_message(), "proof_required")
    assert office_code is not None
    return (
        item,
        code,
        at,
        stored_at,
        office[0],
        office_code,
        reason,
        action,
        recipient.strip(),
        note,
        event_id,
    )


@dataclass(frozen=True, slots=True)
class _Columns:
    """A batch's events a field at a time, in batch order (when every event has them)."""

    s10: list[Any]
    office_code: list[Any]
    occurred_at: list[Any]


def _clean_rows(
    events: list[Any],
    columns: _Columns,
    batch: _Batch,
    scoped: dict[str, int],
    ready_times: dict[str, Any],
    given_counts: tuple[int, int],
    office_given: set[Any],
    fixed: tuple[Any, Any, Any],
) -> list[tuple[Any, ...]] | None:
    """The rows to store when every event of the batch is a usual scan, else None.

    Checked over the whole batch with set operations, a column at a time: every id
    normalised, known, of one province, none KT1, none shared by two provinces; every office
    in scope; every time fit to store; the five fields, and the recipient's name only; a
    code that needs no reason nor action, a delivery with a name; event ids that are text of
    the right length, all different. The rows are then zipped from the columns.
    ``given_counts``: the numbers of different ids and times named; ``fixed``: (actor id,
    source, recorded at as stored)."""
    items = batch.items
    s10_count, times_count = given_counts
    if (
        batch.proof  # a delivery to refuse
        or batch.normal
        or batch.shared
        or len(items) != s10_count
        or not office_given <= scoped.keys()
        or len(ready_times) != times_count
    ):
        return None
    provinces = set(map(_ITEM_PROVINCE, items.values()))
    if len(provinces) != 1 or KT1 in set(map(_ITEM_SERVICE, items.values())):
        return None
    if set(map(type, events)) != {dict}:
        return None
    sizes = set(map(len, events))
    try:
        codes = list(map(_CODE, events))
        code_set = set(codes)
        ids = list(map(_EVENT_ID, events))
        if len(set(ids)) != len(ids):
            return None
    except (KeyError, TypeError):
        return None
    if (
        set(map(type, ids)) != {str}
        or min(map(len, ids)) == 0
        or max(map(len, ids)) > EVENT_ID_MAX
        or "\x00" in "".join(ids)
    ):
        return None
    names: Iterable[str] = repeat("")
    if sizes == {5}:
        if not code_set <= _PLAIN_CODES:
            return None
    elif sizes <= {5, 6} and code_set <= _PLAIN_CODES | {EMI}:
        # The sixth field, where there is one, is the recipient's name.
        sixes = sum(map(len, events)) - 5 * len(events)
        if sixes != sum(map(contains, events, repeat("recipient_name"))):
            return None
        named = list(map(dict.get, events, repeat("recipient_name"), repeat("")))
        if (
            set(map(type, named)) != {str}
            or max(map(len, named)) > RECIPIENT_MAX
            or "\x00" in "".join(named)
        ):
            return None
        names = recipients = list(map(str.strip, named))
        if (
            EMI in code_set
            and "" in recipients
            and any(code == EMI and not name for code, name in zip(codes, recipients, strict=True))
        ):
            return None
    else:
        return None
    province = provinces.pop()
    item_id = dict(zip(items.keys(), map(_ITEM_ID, items.values()), strict=True))
    actor_id, source, recorded = fixed
    return list(
        zip(  # the finite columns end it: repeat() is endless
            repeat(province),
            map(item_id.__getitem__, columns.s10),
            codes,
            map(ready_times.__getitem__, columns.occurred_at),
            map(scoped.__getitem__, columns.office_code),
            columns.office_code,
            repeat(""),
            repeat(""),
            names,
            repeat(""),
            repeat(actor_id),
            repeat(source),
            ids,
            repeat(recorded),
        )
    )


def _ingest(actor: Any, source: str, events: list[Any], scope: str) -> IngestResult:
    kt1_allowed = _may_handle_kt1(actor)
    actor_id = _actor_id(actor)
    sqlite = connection.vendor != "postgresql"
    now = timezone.now()
    latest = now + FUTURE_TOLERANCE
    recorded = _sqlite_time(now) if sqlite else now

    # Pass 1: what to look up and parse, each once (the fast way first; the careful way
    # when an event is not an object or lacks a field).
    columns: _Columns | None
    try:
        columns = _Columns(
            list(map(_S10, events)), list(map(_OFFICE, events)), list(map(_AT, events))
        )
        s10_given = set(columns.s10)
        office_given = set(columns.office_code)
        times_given = set(columns.occurred_at)
    except (TypeError, KeyError):
        columns = None  # not every event has the three, all of them hashable
        s10_given, office_given, times_given = _wanted(events)
    normal, s10_wanted = _s10_keys(s10_given)
    times = {raw: _parse_time(raw, latest, sqlite) for raw in times_given if type(raw) is str}
    # The times fit to store as they are: what the fast path below may take.
    ready_times = {raw: parsed[1] for raw, parsed in times.items() if parsed[0] and not parsed[2]}

    rejected: list[Rejection] = []
    good: list[tuple[Any, ...]] | None
    duplicates = 0
    with transaction.atomic():
        if not sqlite:
            _pg_index_probes()
        # Only acceptance makes items, and it gives them well-formed ids: an id found is
        # well-formed, and the ones not found are parsed for their fault (_reject_s10).
        items, shared = _items_by_s10(s10_wanted)
        offices = _offices_by_code([c for c in office_given if type(c) is str], scope)
        batch = _Batch(kt1_allowed, items, shared, normal, offices, times)
        if actor is not None:
            batch.proof = _proof_items(events, batch)
        scoped = {code: office[0] for code, office in offices.items() if office[1]}
        plain_codes = _PLAIN_CODES
        seen: set[tuple[str, str]] = set()
        item_rows: dict[int, ItemRow] = {}
        kt1_events: list[tuple[int, str, dt.datetime, str]] = []

        # The usual batch (every event the usual scan, as the batch-wide checks below show)
        # is built in one go; any other is judged event by event.
        good = (
            _clean_rows(
                events,
                columns,
                batch,
                scoped,
                ready_times,
                (len(s10_given), len(times_given)),
                office_given,
                (actor_id, source, recorded),
            )
            if columns is not None
            else None
        )
        if good is not None:
            item_rows = dict(zip(map(_ITEM_ID, items.values()), items.values(), strict=True))
        else:
            good = []
            # Pass 2: judge each event. The usual scan (the five fields, all well-formed, a plain
            # code, a known non-KT1 item, an office in scope) takes the fast path; anything else
            # is judged in full by _judge, which names the first fault.
            for index, event in enumerate(events):
                fast = False
                if type(event) is dict and len(event) == 5:
                    try:
                        item = items[event["s10"]]
                        point_id = scoped[event["office_code"]]
                        stored_at = ready_times[event["occurred_at"]]
                        code = event["code"]
                        event_id = event["event_id"]
                    except (KeyError, TypeError):
                        pass
                    else:
                        fast = (
                            type(code) is str
                            and code in plain_codes
                            and item[3] != KT1
                            and type(event_id) is str
                            and 0 < len(event_id) <= EVENT_ID_MAX
                            and "\x00" not in event_id
                            and not shared
                        )
                if fast:
                    office_code = event["office_code"]
                    reason = action = recipient = note = ""
                else:
                    judged = _judge(index, event, batch)
                    if type(judged) is Rejection:
                        rejected.append(judged)
                        continue
                    (
                        item,
                        code,
                        at,
                        stored_at,
                        point_id,
                        office_code,
                        reason,
                        action,
                        recipient,
                        note,
                        event_id,
                    ) = judged  # type: ignore[misc]
                    if item[3] == KT1:
                        kt1_events.append((item[0], code, at, office_code))
                province = item[2]
                batch_key = (province, event_id)
                if batch_key in seen:
                    duplicates += 1
                    continue
                seen.add(batch_key)
                pk = item[0]
                item_rows[pk] = item
                good.append(
                    (
                        province,
                        pk,
                        code,
                        stored_at,
                        point_id,
                        office_code,
                        reason,
                        action,
                        recipient,
                        note,
                        actor_id,
                        source,
                        event_id,
                        recorded,
                    )
                )

        if good:
            positions = _insert_sqlite(good, source) if sqlite else _insert_postgresql(good)
            if len(positions) != len(good):
                duplicates += len(good) - len(positions)
                good = [good[i] for i in positions]
            _apply_states(good, item_rows)
            if kt1_events:
                _audit_kt1(actor, kt1_events, {row[1] for row in good}, item_rows)
    return IngestResult(accepted=len(good), duplicates=duplicates, rejected=rejected)


def _audit_kt1(
    actor: Any,
    kt1_events: list[tuple[int, str, dt.datetime, str]],
    stored_items: set[int],
    item_rows: dict[int, ItemRow],
) -> None:
    """One audit entry per KT1 item the batch gave events to."""
    by_item: dict[int, list[dict[str, str]]] = {}
    for pk, code, at, office_code in kt1_events:
        if pk in stored_items:
            by_item.setdefault(pk, []).append(
                {"code": code, "occurred_at": at.isoformat(), "office_code": office_code}
            )
    for pk, found in by_item.items():
        audit_record(
            actor=actor,
            action="item.events_ingest",
            object_type=PostalItem._meta.label_lower,
            object_id=str(pk),
            object_repr=item_rows[pk][1],
            after={"events": found},
        )
