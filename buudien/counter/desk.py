"""One counter operation: who may take it, on which business day, under which idempotency
key, with which reference and ledger entry.

A service opens the desk (the actor at a point at a moment), cleans what the customer gave,
and hands ``Desk.once`` the work that writes its row::

    desk = Desk.open(actor=actor, point=point, at=at, app="agency")
    amount = fields.amount(amount)

    def work(op: Op) -> Deposit:
        entry = op.post(kind=EntryKind.SAVINGS_DEPOSIT, legs=[...])
        return Deposit.objects.create(**op.record(entry), amount=amount)

    return desk.once(Deposit, operation="savings", key=idempotency_key, prefix="TK",
                     fingerprint={"amount": amount}, work=work)

``once`` returns the row recorded under the key already when the request is the same, refuses
a key used for another request, and otherwise runs ``work`` in one transaction: a refusal
inside it (a DomainError) leaves nothing behind, not even a reference number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record
from buudien.core.bizdays import VIETNAM
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.sequences import sequence_next
from buudien.finance import ledger
from buudien.finance.models import Entry
from buudien.network.choices import PointKind
from buudien.network.models import ServicePoint
from buudien.people import access
from buudien.people.choices import Role

COUNTER_ROLES = frozenset({Role.CLERK, Role.ADMIN})
MAX_KEY = 64


def counter_point_of(actor: Any) -> ServicePoint | None:
    """The point where ``actor`` works at the counter, if any."""
    point = getattr(actor, "point", None)
    return point if isinstance(point, ServicePoint) else None


def can_act(actor: Any, roles: frozenset[str] = COUNTER_ROLES) -> bool:
    return access.has_role(actor, roles)


def refuse_closed(point: ServicePoint, day: dt.date) -> None:
    """Refused unless ``point`` is open with a counter on ``day``."""
    if point.kind not in PointKind.with_counter() or not point.is_active_on(day):
        raise DomainError(
            _("%(point)s does not serve at a counter on %(day)s.")
            % {"point": point, "day": f"{day:%d/%m/%Y}"},
            field="point",
        )


def check_counter(
    actor: Any,
    point: ServicePoint,
    day: dt.date,
    *,
    roles: frozenset[str] = COUNTER_ROLES,
    elsewhere: str | None = None,
) -> ServicePoint:
    """``actor`` may take operations at ``point``'s counter on ``day``: a clerk (or another
    role the service admits) at their own point, an administrator at a point of their scope.
    A point outside what the actor may see is "not found"; a clerk at another point they can
    see is refused with ``elsewhere`` when the service says so, "not found" otherwise."""
    if not can_act(actor, roles):
        raise AccessDenied(
            _("Only a counter clerk or an administrator may take operations at the counter.")
        )
    if actor.role != Role.ADMIN and not actor.is_superuser:  # a clerk, an HCC officer
        if actor.point_id is None:
            raise AccessDenied(_("You do not work at a service point's counter."))
        if actor.point_id != point.pk:
            if elsewhere and access.in_scope(actor, point.unit_path):
                raise AccessDenied(elsewhere, field="point")
            raise NotFound(_("No such service point."), field="point")
    elif not access.in_scope(actor, point.unit_path):
        raise NotFound(_("No such service point."), field="point")
    refuse_closed(point, day)
    return point


def moment_of(at: dt.datetime | None) -> tuple[dt.datetime, dt.date]:
    """The moment of an operation (now, when not given; Vietnam's time when naive) and its
    calendar day in Vietnam."""
    moment = at or timezone.now()
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=VIETNAM)
    return moment, moment.astimezone(VIETNAM).date()


def key_clean(value: Any, *, limit: int = MAX_KEY) -> str:
    """An idempotency key as given: 1 to ``limit`` printable characters, no spaces."""
    text = str(value or "").strip()
    if not text or len(text) > limit or any(ch.isspace() or not ch.isprintable() for ch in text):
        raise DomainError(
            _("An idempotency key of 1 to %(max)s characters (no spaces) is required.")
            % {"max": limit},
            field="idempotency_key",
        )
    return text


def fingerprint_of(fields: Mapping[str, Any]) -> str:
    """The digest of a request's meaningful fields: a retry must give the same."""
    canonical = json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def key_reused(key: str) -> DomainError:
    return DomainError(
        _("Idempotency key reused with a different request: %(key)s.") % {"key": key},
        field="idempotency_key",
    )


def actor_id(actor: Any) -> int | None:
    return actor.pk if getattr(actor, "is_authenticated", False) else None


def user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def once_per_key[M: models.Model](
    model: type[M],
    *,
    province_code: str,
    key: str,
    work: Callable[[], M],
    fingerprint: str | None = None,
    same: Callable[[M], bool] | None = None,
    reused: Callable[[M], DomainError] | None = None,
    key_field: str = "idempotency_key",
    optimistic: bool = False,
    clash: Callable[[], DomainError] | None = None,
) -> M:
    """The row recorded under ``key`` already, or ``work()`` in one transaction.

    A row found under the key must be the same request: its ``fingerprint`` column equal to
    ``fingerprint``, or ``same(row)`` true; else ``reused(row)`` (or the general refusal) is
    raised. Two requests racing with one key: the loser's insert clashes and it returns the
    winner's row.

    ``optimistic``: the key is looked for only when the work fails (its insert clashes with
    the row under the key, which rolls it back whole, or it is refused): a first request,
    the usual one, spares that query. For a ``work`` whose writes under the key can only be
    undone by rolling back (no message sent, no file written). ``clash()``: the refusal
    when an insert clashed with no row under the key (another unique constraint)."""

    def existing() -> M | None:
        rows = model._default_manager.filter(province_code=province_code, **{key_field: key})
        row = next(iter(rows.order_by()[:1]), None)
        if row is None:
            return None
        if same is not None:
            alike = same(row)
        else:
            alike = fingerprint is None or getattr(row, "fingerprint", fingerprint) == fingerprint
        if not alike:
            raise reused(row) if reused is not None else key_reused(key)
        return row

    if not optimistic:
        row = existing()
        if row is not None:
            return row
    try:
        with transaction.atomic():
            return work()
    except IntegrityError:
        row = existing()
        if row is None:
            if clash is not None:
                raise clash() from None
            raise DomainError(
                _("Another operation took the same number at the same moment: try again.")
            ) from None
        return row
    except DomainError:
        # A retry is answered with its row even when the request would be refused now.
        row = existing() if optimistic else None
        if row is None:
            raise
        return row


@dataclass
class Op:
    """One operation being written: its key, fingerprint and (taken on first use) reference."""

    desk: Desk
    key: str
    fingerprint: str
    prefix: str
    number: Callable[[], str] | None = None
    taken: str = field(default="", init=False)

    def reference(self) -> str:
        """``<prefix><point code><serial of 6 digits>`` (or what the service's ``number``
        gives), per point so that no province-wide row is a hot spot. Taken inside the
        transaction: a refusal gives the number back."""
        if not self.taken:
            self.taken = self.number() if self.number else self.desk.reference(self.prefix)
        return self.taken

    def post(
        self,
        *,
        kind: str,
        legs: Sequence[ledger.Leg],
        reference: str | None = None,
        key: str | None = None,
        memo: str = "",
    ) -> Entry:
        """The operation's one balanced ledger entry, under the operation's key and with
        ``<app>:<reference>`` as its reference, unless the service names its own (the
        references and keys that other apps and reports read)."""
        desk = self.desk
        return desk.post(
            kind=kind,
            legs=legs,
            reference=reference or f"{desk.app}:{self.reference()}",
            key=key or self.key,
            memo=memo,
        )

    def made(self) -> dict[str, Any]:
        """What every operation's row says of where, when, by whom and under which key (the
        fields of a row that is not a ``CounterOperation``: a hand-over, a payment request)."""
        desk = self.desk
        return {
            "province_code": desk.province,
            "point": desk.point,
            "idempotency_key": self.key,
            "created_at": desk.moment,
            "created_by_id": actor_id(desk.actor),
        }

    def record(self, entry: Entry | None, **more: Any) -> dict[str, Any]:
        """The fields of ``models.CounterOperation`` for the row of this operation."""
        return {
            **self.made(),
            "reference": self.reference(),
            "fingerprint": self.fingerprint,
            "business_date": entry.business_date if entry is not None else self.desk.day,
            "entry": entry,
            **more,
        }


@dataclass
class Desk:
    """``actor`` at ``point``'s counter at ``moment``, for the service ``app`` (the namespace
    of its keys, references and sequences)."""

    actor: Any
    point: ServicePoint
    moment: dt.datetime
    day: dt.date
    app: str

    @classmethod
    def open(
        cls,
        *,
        actor: Any,
        point: ServicePoint,
        app: str,
        at: dt.datetime | None = None,
        roles: frozenset[str] = COUNTER_ROLES,
        elsewhere: str | None = None,
    ) -> Desk:
        """The desk, once ``check_counter`` lets ``actor`` act at ``point`` on the day."""
        moment, day = moment_of(at)
        check_counter(actor, point, day, roles=roles, elsewhere=elsewhere)
        return cls(actor=actor, point=point, moment=moment, day=day, app=app)

    @classmethod
    def at_point(
        cls, *, actor: Any, point: ServicePoint, app: str, at: dt.datetime | None = None
    ) -> Desk:
        """The desk of a service that decides by its own rules who may act at ``point`` (a
        payout at the paying point, a KT1 acceptance): those checks ran before."""
        moment, day = moment_of(at)
        return cls(actor=actor, point=point, moment=moment, day=day, app=app)

    @property
    def province(self) -> str:
        return self.point.province_code

    def key(self, operation: str, given: Any) -> str:
        """The stored key of ``operation`` at this point for the key the client gave."""
        return f"{self.app}:{operation}:{self.point.code}:{key_clean(given)}"

    def reference(self, prefix: str) -> str:
        serial = sequence_next(f"{self.app}:{prefix}:{self.point.code}")
        return f"{prefix}{self.point.code}{serial:06d}"

    def posting(
        self,
        *,
        kind: str,
        legs: Sequence[ledger.Leg],
        reference: str,
        key: str,
        day: dt.date | None = None,
        memo: str = "",
    ) -> ledger.Posting:
        """One balanced entry at the point on ``day`` (the desk's day by default), posted late
        when the day is closed: the ledger moves it to the first open day."""
        return ledger.Posting(
            idempotency_key=key,
            kind=kind,
            reference=reference,
            legs=legs,
            business_date=day or self.day,
            point=self.point,
            memo=memo,
            late=True,
        )

    def post(
        self,
        *,
        kind: str,
        legs: Sequence[ledger.Leg],
        reference: str,
        key: str,
        memo: str = "",
        savepoint: bool = True,
    ) -> Entry:
        """The entry of ``posting`` posted now."""
        return self.book(
            self.posting(kind=kind, legs=legs, reference=reference, key=key, memo=memo),
            savepoint=savepoint,
        )

    def book(self, posting: ledger.Posting, *, savepoint: bool = True) -> Entry:
        """One entry a service built (``posting``, or its own ``ledger.Posting``) posted now.
        ``savepoint=False`` in a ``once`` work whose refusals go up (``ledger._post``)."""
        return ledger.posting_post(
            actor=self.actor, province_code=self.province, posting=posting, savepoint=savepoint
        )

    def post_list(self, postings: Sequence[ledger.Posting]) -> list[Entry]:
        """The entries of a list (a business customer's bills, a payout list) posted in a few
        statements, all or nothing (``ledger.entries_post``)."""
        return ledger.entries_post(actor=self.actor, province_code=self.province, postings=postings)

    def once[M: models.Model](
        self,
        model: type[M],
        *,
        operation: str,
        key: Any,
        work: Callable[[Op], M],
        fingerprint: Mapping[str, Any] | None = None,
        same: Callable[[M], bool] | None = None,
        reused: Callable[[M], DomainError] | None = None,
        stored: str | None = None,
        key_field: str = "idempotency_key",
        prefix: str = "",
        number: Callable[[], str] | None = None,
        optimistic: bool = False,
        clash: Callable[[], DomainError] | None = None,
    ) -> M:
        """``work`` run once for the key (see ``once_per_key``), its row written to the audit
        log in the same transaction (``<app>.<operation>``); a replay writes nothing.

        A retry is the same request when its ``fingerprint`` (the meaningful fields) matches
        the row's ``fingerprint`` column, or, for a model without one, when ``same(row)``.
        The key is stored as ``<app>:<operation>:<point>:<key>`` unless the service keeps
        the key as given (``stored``, in ``key_field``); a service whose operations may come
        without a key (``key=None``) has them done each time asked. ``prefix`` or ``number``
        make the row's reference (``Op.reference``); ``optimistic`` and ``clash`` as in
        ``once_per_key``."""
        if (fingerprint is None) == (same is None):
            raise TypeError("Desk.once takes a fingerprint or a same() test, one of them.")
        digest = fingerprint_of(fingerprint) if fingerprint is not None else ""
        if key is None:  # a service that takes operations without a key: done as asked
            op = Op(desk=self, key="", fingerprint=digest, prefix=prefix, number=number)
            with transaction.atomic():
                return self._recorded(op, operation, work)
        stored = stored or self.key(operation, key)
        op = Op(desk=self, key=stored, fingerprint=digest, prefix=prefix, number=number)

        def recorded() -> M:
            return self._recorded(op, operation, work)

        return once_per_key(
            model,
            province_code=self.province,
            key=stored,
            fingerprint=digest if fingerprint is not None else None,
            same=same,
            reused=reused,
            key_field=key_field,
            work=recorded,
            optimistic=optimistic,
            clash=clash,
        )

    def _recorded[M: models.Model](self, op: Op, operation: str, work: Callable[[Op], M]) -> M:
        row = work(op)
        audit_record(actor=self.actor, action=f"{self.app}.{operation}", obj=row)
        return row
