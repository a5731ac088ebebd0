"""Cancelling an operation that moved money (a bill collected, a top-up, a policy, goods taken
back, a ledger entry reversed by hand): one mechanism for every service.

A service declares its cancellation once, ``register(Kind(...))``:

- ``load(record_id)``: the record again, by its primary key;
- ``subject(record, params)``: what it is about (``Subject``: a noun, the reference, the amount,
  the point or the unit whose supervisors decide);
- ``check(actor=, record=, params=, at=, reason=)``: may ``actor`` cancel it now: their role
  and scope, and the record's state (the same business day, not settled, not cancelled
  already ...); the reason as given, for a service that tells its problems with the others';
- ``perform(actor=, record=, reason=, params=, at=)``: the cancellation itself (the record
  claimed, its entry reversed, its audit record), which checks the record's state again but
  never the actor's role: on approval the supervisor's act performs what the clerk asked.

Then ``cancel``:

- the reason is required, at most ``REASON_MAX`` characters; nothing changes without it;
- at or below ``settings.BUUDIEN_CANCEL_APPROVAL_ABOVE`` đồng it is done at once;
- above it, it is recorded as asked (a ``CancelRequest``: who, when, why) and waits: a director
  or an accountant whose units hold the record's point approves it (``cancel_request_approve``:
  the cancellation is done then, by the same ``perform``, under the same rules) or refuses it
  with a reason (``cancel_request_refuse``). Whoever asked never decides. One request at a time
  waits for a record.

Each step writes the audit log in its own transaction (``counter.cancel_ask``,
``counter.cancel_approve``, ``counter.cancel_refuse``), beside the service's own record of the
cancellation (``collection.bill_cancel`` ...).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.money import format_vnd
from buudien.counter import fields
from buudien.counter.choices import CancelStatus
from buudien.counter.models import CancelRequest
from buudien.network.models import ServicePoint
from buudien.people import access
from buudien.people.choices import Role

APPROVERS = frozenset({Role.DIRECTOR, Role.ACCOUNTANT})
REASON_MAX = 200


@dataclass(frozen=True)
class Subject:
    """What a cancellation is about: ``noun`` and ``reference`` name it to a person ("bill
    BTH240001000123"), ``amount`` is the money it moved back, ``unit_path`` the units whose
    directors and accountants decide (the point's)."""

    noun: str
    reference: str
    amount: int
    province_code: str
    unit_path: str
    point: ServicePoint | None = None

    @classmethod
    def at(cls, point: ServicePoint, *, noun: Any, reference: str, amount: int) -> Subject:
        """The subject of an operation made at ``point``."""
        return cls(
            noun=str(noun),
            reference=reference,
            amount=amount,
            province_code=point.province_code,
            unit_path=point.unit_path,
            point=point,
        )

    @property
    def what(self) -> str:
        return f"{self.noun} {self.reference}"


@dataclass(frozen=True)
class Kind:
    """One service's cancellation (see the module's docstring). ``url(reference)`` is the
    record's page, where there is one."""

    name: str
    noun: Any
    load: Callable[[str], Any]
    subject: Callable[[Any, Mapping[str, Any]], Subject]
    check: Callable[..., None]
    perform: Callable[..., Any]
    url: Callable[[str], str] | None = None


def record_kind(
    name: str,
    model: type[models.Model],
    *,
    noun: Any,
    amount: Callable[[Any], int],
    check: Callable[..., None],
    perform: Callable[..., Any],
    url_name: str,
) -> Kind:
    """The ``Kind`` of a counter operation's row (a ``reference`` and a ``point``), cancelled
    for ``amount(row)``, whose page is ``url_name`` by its reference."""

    def load(pk: str) -> Any:
        return model._default_manager.select_related("point").get(pk=int(pk))

    def subject(row: Any, _params: Mapping[str, Any]) -> Subject:
        return Subject.at(row.point, noun=noun, reference=row.reference, amount=amount(row))

    return Kind(
        name=name,
        noun=noun,
        load=load,
        subject=subject,
        check=check,
        perform=perform,
        url=lambda reference: reverse(url_name, args=[reference]),
    )


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Declare ``kind``; a name is declared by one module only."""
    existing = _KINDS.get(kind.name)
    if existing is not None and existing.perform.__module__ != kind.perform.__module__:
        raise ValueError(f"cancellation kind {kind.name!r} is declared by {existing!r} already")
    _KINDS[kind.name] = kind
    return kind


def kind_get(name: str) -> Kind:
    found = _KINDS.get(name)
    if found is None:
        raise NotFound(_("No such kind of cancellation."))
    return found


def describe(request: CancelRequest) -> tuple[str, str]:
    """The words naming ``request``'s record ("bill BTH240001000123") and the address of its
    page ("" when it has none)."""
    kind = _KINDS.get(request.kind)
    noun = str(kind.noun) if kind is not None else request.kind
    url = kind.url(request.reference) if kind is not None and kind.url is not None else ""
    return f"{noun} {request.reference}", url


def threshold() -> int:
    """Above this many đồng a cancellation waits for a supervisor's approval."""
    return int(settings.BUUDIEN_CANCEL_APPROVAL_ABOVE)


def needs_approval(amount: int) -> bool:
    return amount > threshold()


def reason_clean(value: Any, *, field: str = "reason") -> str:
    """The reason for cancelling (or for refusing): required, at most ``REASON_MAX``."""
    return fields.text(value, field=field, label=_("The reason"), limit=REASON_MAX)


def can_decide(user: Any) -> bool:
    """Directors and accountants (and superusers) approve or refuse cancellations."""
    return access.has_role(user, APPROVERS)


def confirm_text(subject: Subject) -> str:
    """The question the browser asks before a cancellation is sent."""
    values = {
        "what": subject.what,
        "amount": format_vnd(subject.amount),
        "limit": format_vnd(threshold()),
    }
    if needs_approval(subject.amount):
        return (
            _(
                "Ask to cancel %(what)s of %(amount)s? Above %(limit)s a director or an "
                "accountant approves it first."
            )
            % values
        )
    return _("Cancel %(what)s of %(amount)s? Its money goes back; this cannot be undone.") % values


@dataclass(frozen=True)
class Cancellation:
    """What ``cancel`` did: ``record`` cancelled, or, when ``request`` waits for approval,
    unchanged."""

    record: Any
    subject: Subject
    request: CancelRequest | None = None

    @property
    def done(self) -> bool:
        return self.request is None or self.request.status == CancelStatus.APPROVED

    def said(self) -> str:
        if self.done:
            return _("Cancelled: %(what)s.") % {"what": self.subject.what}
        return _(
            "The cancellation of %(what)s (%(amount)s) is asked: it is done once a director or "
            "an accountant approves it."
        ) % {"what": self.subject.what, "amount": format_vnd(self.subject.amount)}


def _waiting(request: CancelRequest, what: str) -> DomainError:
    who = request.requested_by.get_username() if request.requested_by else "—"
    return DomainError(
        _("The cancellation of %(what)s, asked by %(who)s on %(at)s, awaits approval already.")
        % {
            "what": what,
            "who": who,
            "at": date_format(timezone.localtime(request.requested_at), "d/m/Y H:i"),
        }
    )


def pending_for(kind: Kind, record: Any) -> CancelRequest | None:
    """The request waiting for ``record``, if any."""
    return (
        CancelRequest.objects.select_related("requested_by")
        .filter(kind=kind.name, record_id=str(record.pk), status=CancelStatus.PENDING)
        .first()
    )


def cancel(
    *,
    kind: Kind,
    actor: Any,
    record: Any,
    reason: Any,
    params: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> Cancellation:
    """Cancel ``record`` for ``reason``: at once, or, above the amount, asked for a
    supervisor's approval. Refused (nothing written) when ``actor`` may not cancel it now,
    without a reason, or while another request for it waits. ``params`` (JSON values) are
    what ``kind`` needs besides the record; ``at`` the moment, when it is not now."""
    given = dict(params or {})
    kind.check(actor=actor, record=record, params=given, at=at, reason=reason)
    why = reason_clean(reason)
    subject = kind.subject(record, given)
    with transaction.atomic():
        waiting = pending_for(kind, record)
        if waiting is not None:
            raise _waiting(waiting, subject.what)
        if not needs_approval(subject.amount):
            done = kind.perform(actor=actor, record=record, reason=why, params=given, at=at)
            return Cancellation(done, subject)
        try:
            with transaction.atomic():
                request = CancelRequest.objects.create(
                    province_code=subject.province_code,
                    kind=kind.name,
                    record_id=str(record.pk),
                    reference=subject.reference,
                    amount=subject.amount,
                    point=subject.point,
                    unit_path=subject.unit_path,
                    reason=why,
                    params=given,
                    requested_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
        except IntegrityError:  # another request for it, asked at the same moment
            raise _waiting(pending_for(kind, record) or CancelRequest(), subject.what) from None
        audit_record(
            actor=actor,
            action="counter.cancel_ask",
            obj=request,
            after={
                "kind": kind.name,
                "reference": subject.reference,
                "amount": subject.amount,
                "reason": why,
            },
        )
    return Cancellation(record, subject, request)


def _require_decider(actor: Any, request: CancelRequest) -> None:
    if not can_decide(actor):
        raise AccessDenied(
            _("Only a director or an accountant approves or refuses a cancellation.")
        )
    if not access.in_scope(actor, request.unit_path):
        raise NotFound(_("No such cancellation request."))
    if request.requested_by_id is not None and request.requested_by_id == actor.pk:
        raise AccessDenied(
            _("You asked for this cancellation: another director or accountant decides it.")
        )


def _claim(request: CancelRequest, actor: Any, status: str, refusal: str = "") -> None:
    """Pending → ``status``, by a conditional UPDATE: of two decisions at once, one wins."""
    claimed = CancelRequest.objects.filter(pk=request.pk, status=CancelStatus.PENDING).update(
        status=status, decided_by=actor, decided_at=timezone.now(), refusal=refusal
    )
    if claimed != 1:
        request.refresh_from_db()
        raise DomainError(
            _("The cancellation of %(reference)s is decided already: %(status)s.")
            % {"reference": request.reference, "status": request.get_status_display()}
        )
    request.refresh_from_db()


@transaction.atomic
def cancel_request_approve(*, actor: Any, request: CancelRequest) -> Cancellation:
    """Approve ``request``: the cancellation is done now, by ``actor``, under the service's
    rules of today (a bill only the business day it was collected ...). A refusal of those
    rules leaves the request waiting (it can be refused)."""
    _require_decider(actor, request)
    kind = kind_get(request.kind)
    _claim(request, actor, CancelStatus.APPROVED)
    record = kind.load(request.record_id)
    params = dict(request.params or {})
    done = kind.perform(actor=actor, record=record, reason=request.reason, params=params, at=None)
    audit_record(
        actor=actor,
        action="counter.cancel_approve",
        obj=request,
        before={"status": CancelStatus.PENDING},
        after={"status": CancelStatus.APPROVED, "reason": request.reason},
    )
    return Cancellation(done, kind.subject(record, params), request)


@transaction.atomic
def cancel_request_refuse(*, actor: Any, request: CancelRequest, reason: Any) -> CancelRequest:
    """Refuse ``request`` for ``reason`` (required): nothing is cancelled."""
    _require_decider(actor, request)
    why = reason_clean(reason)
    _claim(request, actor, CancelStatus.REFUSED, why)
    audit_record(
        actor=actor,
        action="counter.cancel_refuse",
        obj=request,
        before={"status": CancelStatus.PENDING},
        after={"status": CancelStatus.REFUSED, "reason": why},
    )
    return request
