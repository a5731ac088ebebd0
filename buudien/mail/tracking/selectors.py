"""Public tracking reads: an item's timeline by its S10 id, and a summary of several ids.

These answer anyone, without a login, so they show only what the public may know: the
service, the status, the origin and destination communes, and each event with its office
and time. Never the sender or recipient (a delivery shows the receiver's initials only),
never a note. A KT1 item does not exist here: it is filtered out in SQL, so the answer for
it is the answer for an unknown number.

The timeline is a hot path: one query (the item by its indexed id with its places, and its
events with their offices), plain rows, no model instances.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connection
from django.utils.translation import get_language

from buudien.core.bizdays import VIETNAM
from buudien.core.prepared import aware, bind, compiled, rows
from buudien.mail.choices import EventCode, FailureAction, FailureReason, ItemStatus, MailService
from buudien.mail.models import PostalItem, TrackingEvent
from buudien.network.choices import AdminAreaLevel
from buudien.network.models import ServicePoint

PROVINCE = AdminAreaLevel.PROVINCE.value
EMI = EventCode.EMI.value
MAX_IDS = 20


@dataclass(frozen=True, slots=True)
class Place:
    commune: str
    province: str


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    code: str
    label: str
    office_code: str
    office_name: str
    occurred_at: dt.datetime  # aware, in Asia/Ho_Chi_Minh
    reason: str
    reason_label: str
    action: str
    action_label: str
    received_by: str  # the receiver's initials on a delivery, else ""


@dataclass(frozen=True, slots=True)
class Timeline:
    s10: str
    service: str
    service_label: str
    status: str
    status_label: str
    returning: bool
    delivered_at: dt.datetime | None
    origin: Place
    destination: Place
    events: list[TimelineEvent]


@dataclass(frozen=True, slots=True)
class ItemSummary:
    s10: str
    service_label: str
    status: str
    status_label: str
    last_event_label: str
    last_event_at: dt.datetime | None


def initials(name: str) -> str:
    """ "Nguyễn Văn An" -> "N.V.A."; what the public sees of who received an item."""
    return "".join(f"{word[0].upper()}." for word in name.split() if word[:1].isalpha())


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(VIETNAM) if value is not None else None


def _province_name(parent_level: str | None, parent: str | None, grandparent: str | None) -> str:
    """A 2025 commune's parent is its province; a legacy commune's is its district."""
    if parent_level == PROVINCE:
        return parent or ""
    return grandparent or ""


_ITEM_FIELDS = (
    "id",
    "province_code",
    "s10",
    "service",
    "status",
    "returning",
    "delivered_at",
    "accepted_point__commune__name",
    "accepted_point__commune__parent__level",
    "accepted_point__commune__parent__name",
    "accepted_point__commune__parent__parent__name",
    "accepted_point__commune_legacy__name",
    "accepted_point__commune_legacy__parent__parent__name",
    "recipient_commune__name",
    "recipient_commune__parent__level",
    "recipient_commune__parent__name",
    "recipient_commune__parent__parent__name",
)
_ITEM_COLUMNS = len(_ITEM_FIELDS)
_EVENT_FIELDS = (
    "code",
    "occurred_at",
    "office_code",
    "point__name",
    "reason",
    "action",
    "recipient_name",
)


_S10 = "\x00s10"  # the stand-in for the parameter of the SQL compiled once below


@lru_cache(maxsize=1)
def _timeline_sql() -> tuple[str, list[Any]]:
    """The timeline in one query: the item (compiled once by the ORM, so that it follows the
    models) as a common table expression, and its events with their offices joined to it
    (none for an item without events: one row of NULLs). Compiling costs more than running
    it; one statement instead of two saves a round trip and a driver call a lookup."""
    item_sql, item_params = compiled(
        PostalItem.objects.filter(s10=_S10)
        .exclude(service=MailService.KT1)
        .order_by("id")
        .values_list(*_ITEM_FIELDS)[:1]
    )
    event, point = TrackingEvent._meta, ServicePoint._meta
    qn = connection.ops.quote_name

    def column(model: Any, field: str) -> str:
        return qn(model.get_field(field).column)

    sqlite = connection.vendor == "sqlite"

    def text(expression: str) -> str:
        # SQLite: a time as its stored text, parsed by aware() (datetime.fromisoformat)
        # rather than by the driver's converter, and a flag as 0 or 1: a few µs a row.
        return f"CAST({expression} AS TEXT)" if sqlite else expression

    def read(name: str) -> str:
        expression = f"i.{qn(name)}"
        if name == "delivered_at":
            return text(expression)
        return f"({expression} + 0)" if name == "returning" and sqlite else expression

    item = ", ".join(read(name) for name in _ITEM_FIELDS)
    events = ", ".join(
        f"p.{column(point, 'name')}"
        if name == "point__name"
        else text(f"e.{column(event, name)}")
        if name == "occurred_at"
        else f"e.{column(event, name)}"
        for name in _EVENT_FIELDS
    )
    sql = (
        f"WITH i AS ({item_sql}) SELECT {item}, {events} FROM i "
        f"LEFT OUTER JOIN {qn(event.db_table)} e ON (e.{column(event, 'item')} = i.{qn('id')} "
        f"AND e.{column(event, 'province_code')} = i.{qn('province_code')}) "
        f"LEFT OUTER JOIN {qn(point.db_table)} p ON (e.{column(event, 'point')} = "
        f"p.{column(point, 'id')}) "
        f"ORDER BY e.{column(event, 'occurred_at')}, e.{column(event, 'id')}"
    )
    return sql, item_params


@lru_cache(maxsize=8)
def _labels(language: str | None) -> dict[tuple[str, str], str]:
    """(vocabulary, code) -> label, in one language: looked up once, not per event."""
    labels: dict[tuple[str, str], str] = {}
    for name, choices in (
        ("event", EventCode),
        ("reason", FailureReason),
        ("action", FailureAction),
        ("status", ItemStatus),
        ("service", MailService),
    ):
        for value, label in choices.choices:
            labels[name, value] = str(label)
    return labels


def item_timeline(s10: str) -> Timeline | None:
    """The public timeline of the item with this (normalised, valid) S10 id; None when there
    is no such item, or it is a KT1 item."""
    sql, params = _timeline_sql()
    found = rows(sql, bind(params, {_S10: s10}))
    if not found:
        return None
    row = found[0][:_ITEM_COLUMNS]
    (
        _pk,
        _province,
        s10,
        service,
        status,
        returning,
        delivered_at,
        origin_commune,
        origin_parent_level,
        origin_parent,
        origin_grandparent,
        origin_legacy,
        origin_legacy_province,
        dest_commune,
        dest_parent_level,
        dest_parent,
        dest_grandparent,
    ) = row
    if origin_commune is not None:
        origin = Place(
            origin_commune, _province_name(origin_parent_level, origin_parent, origin_grandparent)
        )
    else:
        origin = Place(origin_legacy or "", origin_legacy_province or "")
    destination = Place(
        dest_commune or "", _province_name(dest_parent_level, dest_parent, dest_grandparent)
    )
    labels = _labels(get_language()).get
    events = []
    for event in found:
        code, at, office_code, office_name, reason, action, recipient = event[_ITEM_COLUMNS:]
        if code is None:  # the item's one row when it has no events
            continue
        events.append(
            TimelineEvent(
                code,
                labels(("event", code), code),
                office_code,
                office_name or "",
                aware(at).astimezone(VIETNAM),  # type: ignore[union-attr]
                reason,
                labels(("reason", reason), reason),
                action,
                labels(("action", action), action),
                initials(recipient) if code == EMI else "",
            )
        )
    return Timeline(
        s10=s10,
        service=service,
        service_label=labels(("service", service), service),
        status=status,
        status_label=labels(("status", status), status),
        returning=bool(returning),
        delivered_at=_local(aware(delivered_at)),
        origin=origin,
        destination=destination,
        events=events,
    )


def item_summaries(s10s: Iterable[str]) -> dict[str, ItemSummary]:
    """Where several items are (normalised, valid ids, at most MAX_IDS), in one query;
    unknown and KT1 ids are absent."""
    wanted = list(dict.fromkeys(s10s))[:MAX_IDS]
    rows = (
        PostalItem.objects.filter(s10__in=wanted)
        .exclude(service=MailService.KT1)
        .order_by("id")
        .values_list("s10", "service", "status", "last_event_code", "last_event_at")
    )
    found: dict[str, ItemSummary] = {}
    labels = _labels(get_language())
    for s10, service, status, code, at in rows:
        found.setdefault(
            s10,
            ItemSummary(
                s10=s10,
                service_label=labels.get(("service", service), service),
                status=status,
                status_label=labels.get(("status", status), status),
                last_event_label=labels.get(("event", code), code),
                last_event_at=_local(at),
            ),
        )
    return found
