"""Many counter operations of one kind written at once: the common part of a service's bulk
path (``*_many``), for a day of a till that worked offline and for the demo's year at a
province's pace.

A service checks each row of its list as its one-by-one service checks a request (the desk:
the clerk at their own point on an open day; the request's own rules) and hands over the
operations it planned (``Planned``: its row's place, the desk, the key, the fingerprint, the
entry's legs, the row's own fields). ``operations_write`` then records them as ``Desk.once``
records each one, in a few statements:

- a key used twice in the list, or used before for another request, refuses the list naming
  the row; a key used before for the same request is the operation recorded already;
- the references: a block of each point's serials (``<prefix><point><serial>``);
- the entries: ``ledger.entries_post`` (each the one ``Op.post`` makes: the operation's key,
  ``<app>:<reference>``, the desk's day, late when it is closed), read back by key;
- the rows: ``core.bulk.insert_rows`` (COPY on PostgreSQL), read back by reference;
- the audit log: ``<app>.<operation>`` for each row, as ``Desk.once`` writes it.

The caller runs it in its transaction and adds what is its own (a rollup, stock).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.utils.translation import gettext as _

from buudien.core.audit import audit_insert
from buudien.core.bizdays import VIETNAM
from buudien.core.bulk import insert_rows
from buudien.core.errors import DomainError
from buudien.core.sequences import sequence_next_many
from buudien.counter.desk import Desk, actor_id, key_reused, moment_of
from buudien.finance import ledger
from buudien.finance.models import Entry
from buudien.network.models import ServicePoint

MAX_MANY = 20_000
CHUNK = 500


def refused(index: int, exc: DomainError) -> DomainError:
    """``exc`` of the row at ``index`` (from 0), as the list's refusal: "Row 3: ..." (of the
    same class: a point not found is not found)."""
    return type(exc)(
        _("Row %(row)s: %(problem)s") % {"row": index + 1, "problem": exc.message},
        field=f"rows.{index}.{exc.field or ''}".rstrip("."),
        errors=exc.errors,
    )


def chunks[T](values: Sequence[T], size: int = CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def list_checked(rows: Sequence[Any], province_code: str, day: dt.date) -> None:
    """A list of 1 to ``MAX_MANY`` rows of one province and one business day: each row has
    a ``point`` and an ``at`` (None: noon of ``day``)."""
    if len(rows) > MAX_MANY:
        raise DomainError(
            _("A list holds at most %(max)s operations.") % {"max": MAX_MANY}, field="rows"
        )
    for index, row in enumerate(rows):
        if row.point.province_code != province_code:
            raise refused(
                index, DomainError(_("A list holds one province's operations."), field="point")
            )
        if row.at is not None and moment_of(row.at)[1] != day:
            raise refused(
                index,
                DomainError(
                    _("A list holds the operations of one business day, %(day)s.")
                    % {"day": f"{day:%d/%m/%Y}"},
                    field="at",
                ),
            )


def noon(day: dt.date) -> dt.datetime:
    """The moment of an operation of ``day`` given without one."""
    return dt.datetime.combine(day, dt.time(12), tzinfo=VIETNAM)


class Desks:
    """The desks of a list: ``Desk.open`` once per clerk, point and day (the counter's checks
    run once), then the row's own moment."""

    def __init__(self, *, app: str, elsewhere: str | None = None) -> None:
        self.app, self.elsewhere = app, elsewhere
        self.opened: dict[tuple[Any, int, dt.date], Desk] = {}

    def open(self, actor: Any, point: ServicePoint, at: dt.datetime) -> Desk:
        moment, day = moment_of(at)
        where = (getattr(actor, "pk", None), point.pk, day)
        desk = self.opened.get(where)
        if desk is None:
            desk = Desk.open(
                actor=actor, point=point, app=self.app, at=moment, elsewhere=self.elsewhere
            )
            self.opened[where] = desk
        return dataclasses.replace(desk, moment=moment)


@dataclass
class Planned:
    """One operation of a list, checked: its row's place in the list (``index``), the desk
    it is taken at, its stored key and its request's fingerprint, the legs of its entry and
    the fields of its row (besides those of ``CounterOperation``). ``operations_write`` fills
    in its reference, entry, business day and primary key."""

    index: int
    desk: Desk
    key: str
    fingerprint: str
    legs: Sequence[ledger.Leg]
    fields: dict[str, Any]
    reference: str = ""
    entry_id: int | None = None
    business_date: dt.date | None = field(default=None)
    pk: int = 0


def operations_done(
    model: type[models.Model], province: str, planned: Sequence[Planned]
) -> tuple[list[Planned], dict[str, str]]:
    """The operations of ``planned`` to write, and the references of those recorded already
    under their key for the same request (by key). A key twice in the list, or recorded for
    another request, refuses the list naming the row."""
    first: dict[str, Planned] = {}
    for one in planned:
        if one.key in first:
            raise refused(one.index, key_reused(one.key))
        first[one.key] = one
    done: dict[str, str] = {}
    for key, digest, reference in _rows_by(
        model, province, "idempotency_key", list(first), "fingerprint", "reference"
    ):
        if digest != first[key].fingerprint:
            raise refused(first[key].index, key_reused(key))
        done[key] = reference
    return [one for one in planned if one.key not in done], done


def operations_numbered(todo: Sequence[Planned], *, app: str, prefix: str) -> None:
    """Each operation's reference, ``<prefix><point code><serial of 6 digits>``, from a block
    of its point's serials (the counter ``<app>:<prefix>:<point>`` of ``Desk.reference``)."""
    counts: dict[int, int] = defaultdict(int)
    points: dict[int, ServicePoint] = {}
    for one in todo:
        counts[one.desk.point.pk] += 1
        points[one.desk.point.pk] = one.desk.point
    names = {pk: f"{app}:{prefix}:{points[pk].code}" for pk in counts}
    last = sequence_next_many({names[pk]: count for pk, count in counts.items()})
    serial = {pk: last[names[pk]] - count for pk, count in counts.items()}
    for one in todo:
        point = one.desk.point
        serial[point.pk] += 1
        one.reference = f"{prefix}{point.code}{serial[point.pk]:06d}"


def operations_posted(todo: Sequence[Planned], *, province: str, kind: str) -> None:
    """The entry of each operation (as ``Op.post`` makes it), posted in one list; each
    operation's entry and business day read back by its key."""
    postings = [
        dataclasses.replace(
            one.desk.posting(
                kind=kind, legs=one.legs, reference=f"{one.desk.app}:{one.reference}", key=one.key
            ),
            actor=one.desk.actor,
        )
        for one in todo
        if one.legs
    ]
    if not postings:
        return
    before = _last_id(Entry)
    ledger.entries_post(
        actor=todo[0].desk.actor, province_code=province, postings=postings, answer=False
    )
    found = _written_since(
        Entry,
        before,
        province,
        "idempotency_key",
        [posting.idempotency_key for posting in postings],
        "id",
        "business_date",
    )
    for one in todo:
        if one.key in found:
            one.entry_id, one.business_date = found[one.key]


def _last_id(model: type[models.Model]) -> int:
    """The largest primary key of ``model`` now: the rows written next are above it."""
    found = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
    return int(found or 0)


def _written_since(
    model: type[models.Model],
    before: int,
    province: str,
    by: str,
    wanted: Sequence[str],
    *fields: str,
) -> dict[str, tuple[Any, ...]]:
    """``fields`` of the rows of ``wanted`` (by the column ``by``), just written: read in
    one range of primary keys above ``before`` (another writer's rows there are passed
    over); any not there (an entry posted before, under its key) looked up by ``by``."""
    asked = set(wanted)
    found: dict[str, tuple[Any, ...]] = {}
    # By the primary key alone: the province is checked here, or the database may walk its
    # index of the province's rows (all of them) instead of the few just written.
    rows = model._default_manager.filter(pk__gt=before)
    for where, key, *values in rows.values_list("province_code", by, *fields):
        if where == province and key in asked:
            found[key] = tuple(values)
    missing = [key for key in wanted if key not in found]
    found.update(
        (key, tuple(values)) for key, *values in _rows_by(model, province, by, missing, *fields)
    )
    return found


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column
    return str(field.column)


def _rows_by(
    model: type[models.Model], province: str, by: str, values: Sequence[str], *fields: str
) -> Iterable[tuple[Any, ...]]:
    """``(by, *fields)`` of the rows of the province whose column ``by`` is one of
    ``values`` (text), a few hundred at a time: plain SQL, as the values need no adapting
    (the ORM's IN prepares each of them, a tenth of a bulk path's time)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(_column(model, name)) for name in (by, *fields))
    with connection.cursor() as cursor:
        for run in chunks(values):
            cursor.execute(
                f"SELECT {columns} FROM {table} WHERE province_code = %s "
                f"AND {quote(by)} IN ({', '.join(['%s'] * len(run))})",
                [province, *run],
            )
            yield from cursor.fetchall()


def operations_write(
    model: type[models.Model],
    todo: Sequence[Planned],
    *,
    province: str,
    kind: str,
    operation: str,
    prefix: str,
    numbered: Callable[[Sequence[Planned]], None] | None = None,
) -> None:
    """Record ``todo`` (checked, none recorded before: ``operations_done``): references,
    entries, rows, audit log (see the module). ``numbered`` sees the operations once they
    have their references (a service whose row holds its reference in another field)."""
    if not todo:
        return
    app = todo[0].desk.app
    operations_numbered(todo, app=app, prefix=prefix)
    if numbered is not None:
        numbered(todo)
    operations_posted(todo, province=province, kind=kind)
    before = _last_id(model)
    insert_rows(
        model,
        (
            {
                "province_code": province,
                "reference": one.reference,
                "idempotency_key": one.key,
                "fingerprint": one.fingerprint,
                "point_id": one.desk.point.pk,
                "business_date": one.business_date or one.desk.day,
                "created_at": one.desk.moment,
                "created_by_id": actor_id(one.desk.actor),
                "entry_id": one.entry_id,
                **one.fields,
            }
            for one in todo
        ),
    )
    ids = _written_since(
        model, before, province, "reference", [one.reference for one in todo], "pk"
    )
    for one in todo:
        one.pk = ids[one.reference][0]
    audit_insert(
        action=f"{app}.{operation}",
        model=model,
        objects=((one.desk.actor, one.pk, one.reference, None) for one in todo),
    )
