"""Writes of customer care: a request lodged (from the hotline, the counter, the public web
form or a partner), assigned, worked on, answered, escalated and closed. Each is one
transaction with its step in the request's timeline and its audit record.

The law's clock (Law on Postal Services 49/2010/QH12, art. 38 and 39; Decree 47/2011/NĐ-CP):

- a complaint about a mail item's **loss or delay** is admissible until 6 months after the
  end of its full-course time (``Tariff.full_course_days`` business days after it was
  accepted); about **damage, missing contents or the price**, until 1 month after it was
  delivered (and not before: an item not delivered is lost or late, not damaged);
- a complaint is **resolved within 2 months** of its receipt for a domestic item, 3 for an
  international one; an enquiry or a suggestion within the same time;
- a complaint whose deadline is ``ESCALATE_DAYS`` days away or past, still open, is
  escalated to the unit above.

Who: care officers, clerks, directors and administrators lodge for a customer and handle the
requests of their unit's subtree; anyone may lodge on the public form (``actor`` None). A KT1
item's number is, for everyone but a KT1 operator, the number of an unknown item; a request
about a KT1 item is handled only by KT1 operators (and administrators).

A request about an unknown item, a second complaint about the same item on the same ground,
one past its admissible time: refused with the reason, nothing written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from buudien.care.choices import Channel, Ground, Outcome, RequestKind, Status, StepKind, Subject
from buudien.care.models import CODE_PREFIX, CareRequest, CareStep
from buudien.care.rollup import rollup_closed, rollup_received
from buudien.core.audit import audit_record
from buudien.core.bizdays import add_business_days, months_later
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.s10 import s10_is_valid, s10_normalise
from buudien.core.sequences import sequence_next
from buudien.core.text import fold
from buudien.counter import fields
from buudien.counter.desk import moment_of, user_or_none
from buudien.counter.problems import Problems
from buudien.mail.models import PostalItem
from buudien.mail.selectors import KT1_ROLES, can_see_kt1
from buudien.network.choices import UnitKind
from buudien.network.models import ServicePoint, Unit
from buudien.people import access
from buudien.people.choices import Role

__all__ = [
    "HANDLERS",
    "admissible_until",
    "can_handle",
    "escalate_due",
    "request_answer",
    "request_assign",
    "request_close",
    "request_escalate",
    "request_lodge",
    "request_note",
    "resolve_by",
]

HANDLERS = frozenset({Role.CARE_OFFICER, Role.CLERK, Role.DIRECTOR, Role.ADMIN, Role.KT1_OPERATOR})
KT1_HANDLERS = KT1_ROLES  # as for KT1 mail itself: its operators (and superusers)
AFTER_FULL_COURSE_MONTHS = 6
AFTER_DELIVERY_MONTHS = 1
RESOLVE_MONTHS = 2
RESOLVE_MONTHS_INTERNATIONAL = 3
ESCALATE_DAYS = 7
TEXT_MAX = 4_000


# --- the law's clock ---------------------------------------------------------------------


def full_course_end(item: PostalItem) -> dt.date:
    """The last day of the item's full-course time."""
    return add_business_days(item.accepted_on, item.tariff.full_course_days)


def admissible_until(item: PostalItem, ground: str) -> dt.date | None:
    """The last day a complaint about ``item`` on ``ground`` may be lodged (None: no limit
    of the law, e.g. staff conduct). Refused for damage, contents or price of an item not
    delivered yet."""
    if ground in Ground.after_full_course():
        return months_later(full_course_end(item), AFTER_FULL_COURSE_MONTHS)
    if ground in Ground.after_delivery():
        if item.delivered_at is None:
            raise DomainError(
                _(
                    "%(item)s has not been delivered: a complaint about its damage, contents "
                    "or price is lodged once it is; if it is lost or late, say so."
                )
                % {"item": item.s10},
                field="ground",
            )
        delivered = item.delivered_at.astimezone(dt.UTC).date()
        return months_later(delivered, AFTER_DELIVERY_MONTHS)
    return None


def resolve_by(received_on: dt.date, *, international: bool = False) -> dt.date:
    """The day by which a request received on ``received_on`` is resolved."""
    months = RESOLVE_MONTHS_INTERNATIONAL if international else RESOLVE_MONTHS
    return months_later(received_on, months)


# --- who --------------------------------------------------------------------------------


def can_handle(actor: Any) -> bool:
    return bool(getattr(actor, "is_superuser", False)) or access.has_role(actor, HANDLERS)


_sees_kt1 = can_see_kt1  # the rule of KT1 mail: nobody else learns that a KT1 item exists


def require_handler(actor: Any, request: CareRequest) -> None:
    """``actor`` handles ``request``: a handler whose scope holds its unit; a request about
    a KT1 item only for KT1 roles (to the others it does not exist)."""
    if not can_handle(actor):
        raise AccessDenied(_("Only customer care staff handle requests."))
    if request.is_kt1 and not _sees_kt1(actor):
        raise NotFound(_("No such request."))
    if not access.in_scope(actor, request.unit_path):
        raise NotFound(_("No such request."))


# --- lodging -----------------------------------------------------------------------------


def _choice(value: Any, choices: Any, *, field: str, message: str) -> str:
    text = str(value or "").strip()
    if text not in choices.values:
        raise DomainError(message, field=field)
    return text


def _item(value: Any, actor: Any) -> PostalItem:
    """The item of the number ``value``; a KT1 item is unknown to anyone but a KT1 role."""
    number = s10_normalise(str(value or ""))
    unknown = DomainError(
        _("No mail item %(number)s is known to the post.")
        % {"number": str(value or "").strip()[:20]},
        field="s10",
    )
    if not number:
        raise DomainError(_("Give the item's number (13 characters)."), field="s10")
    if not s10_is_valid(number):
        raise unknown
    item = PostalItem.objects.select_related("tariff", "accepted_point").filter(s10=number).first()
    if item is None or (item.is_kt1 and not _sees_kt1(actor)):
        raise unknown
    return item


def _province_unit(province_code: str) -> Unit:
    unit = Unit.objects.filter(province_code=province_code, kind=UnitKind.PROVINCE).first()
    if unit is None:
        raise DomainError(_("No provincial post is set up."), field="province")
    return unit


def _unit_for(
    actor: Any, province_code: str, item: PostalItem | None, point: ServicePoint | None
) -> Unit:
    """The unit in charge at first: the unit of the point it was lodged at, else of the
    point that accepted the item, else the provincial post (the hotline's desk)."""
    if point is not None:
        return point.unit
    if item is not None and item.accepted_point.province_code == province_code:
        return item.accepted_point.unit
    return _province_unit(province_code)


def _code(province_code: str, day: dt.date) -> str:
    serial = sequence_next(f"care:{province_code}:{day.year}")
    return f"{CODE_PREFIX}{day:%y}{serial:06d}"


def _step(
    request: CareRequest,
    kind: str,
    actor: Any,
    at: dt.datetime,
    text: str = "",
    *,
    public: bool = False,
) -> CareStep:
    return CareStep.objects.create(
        province_code=request.province_code,
        request=request,
        kind=kind,
        at=at,
        by=user_or_none(actor),
        text=text,
        public=public,
    )


@transaction.atomic
def request_lodge(
    *,
    actor: Any,
    channel: str,
    kind: str,
    customer_name: str,
    description: str,
    ground: str = "",
    subject: str = Subject.NONE,
    s10: str = "",
    subject_ref: str = "",
    customer_phone: str = "",
    customer_email: str = "",
    international: bool = False,
    point: ServicePoint | None = None,
    province_code: str = "",
    at: dt.datetime | None = None,
) -> CareRequest:
    """Lodge a request for a customer (``actor`` a handler; None on the public form, whose
    channel is the web). A complaint names its ground; one about a mail item gives its
    number and is checked against the law's time limits. Every problem is refused at once."""
    public = actor is None or not getattr(actor, "is_authenticated", False)
    if public:
        actor = None
        channel = Channel.WEB
    elif not can_handle(actor):
        raise AccessDenied(_("Only customer care staff lodge requests for customers."))
    moment, today = moment_of(at)
    problems = Problems()
    chan = problems.check(
        _choice, channel, Channel, field="channel", message=_("Choose where the request came from.")
    )
    sort = problems.check(
        _choice,
        kind,
        RequestKind,
        field="kind",
        message=_("Choose an enquiry, a complaint or a suggestion."),
    )
    about = problems.check(
        _choice,
        subject or Subject.NONE,
        Subject,
        field="subject",
        message=_("Choose what the request is about."),
    )
    why = ""
    if sort == RequestKind.COMPLAINT:
        why = (
            problems.check(
                _choice,
                ground,
                Ground,
                field="ground",
                message=_("Choose what the complaint is about: loss, delay, damage…"),
            )
            or ""
        )
    name = problems.check(
        fields.text, customer_name, field="customer_name", label=_("The customer's name")
    )
    phone = problems.check(fields.phone, customer_phone, field="customer_phone", required=public)
    email = problems.check(
        fields.text,
        customer_email,
        field="customer_email",
        label=_("The email"),
        required=False,
        limit=254,
    )
    if email and ("@" not in email or " " in email):
        problems.add("customer_email", _("Write the email as name@example.vn."))
    said = problems.check(
        fields.text,
        description,
        field="description",
        label=_("What the customer says"),
        limit=TEXT_MAX,
    )
    reference = problems.check(
        fields.text, subject_ref, field="subject_ref", label=_("The reference"), required=False,
        limit=64,
    )  # fmt: skip
    item: PostalItem | None = None
    if about == Subject.ITEM:
        item = problems.check(_item, s10, actor)
    elif about not in (None, Subject.NONE) and not reference:
        problems.add("subject_ref", _("Give the reference of what the request is about."))
    limit: dt.date | None = None
    if item is not None and why:
        limit = problems.check(admissible_until, item, why)
        if limit is not None and today > limit:
            problems.add(
                "ground",
                _(
                    "A complaint about %(ground)s of %(item)s could be lodged until %(day)s: "
                    "the time the law allows has passed."
                )
                % {
                    "ground": Ground(why).label.lower(),
                    "item": item.s10,
                    "day": f"{limit:%d/%m/%Y}",
                },
            )
        twin = (
            CareRequest.objects.filter(item=item, ground=why, kind=RequestKind.COMPLAINT)
            .order_by("received_at")
            .first()
        )
        if twin is not None:
            problems.add(
                "ground",
                _("A complaint about %(ground)s of %(item)s was lodged already: %(code)s.")
                % {"ground": Ground(why).label.lower(), "item": item.s10, "code": twin.code},
            )
    province = (
        item.province_code
        if item is not None
        else point.province_code
        if point is not None
        else access.user_province(actor)
        if actor is not None
        else province_code
    )
    if not province:
        problems.add("province", _("Choose the province."))
    problems.raise_any()
    assert chan is not None and sort is not None and about is not None and name is not None
    assert said is not None
    unit = _unit_for(actor, province, item, point)
    row = CareRequest.objects.create(
        province_code=province,
        code=_code(province, today),
        channel=chan,
        kind=sort,
        ground=why,
        subject=about,
        item=item,
        subject_ref=reference or (item.s10 if item else ""),
        service=item.service if item else "",
        is_kt1=bool(item and item.is_kt1),
        international=bool(international),
        customer_name=name,
        customer_folded=fold(name),
        customer_phone=phone or "",
        customer_email=email or "",
        description=said,
        unit=unit,
        unit_path=unit.path,
        origin_unit=unit,
        point=point,
        received_at=moment,
        received_on=today,
        received_by=user_or_none(actor),
        admissible_until=limit,
        resolve_by=resolve_by(today, international=bool(international)),
    )
    _step(row, StepKind.LODGED, actor, moment, public=True)
    rollup_received(row)
    audit_record(
        actor=actor,
        action="care.request_lodge",
        obj=row,
        after={"code": row.code, "kind": sort, "ground": why, "channel": chan},
    )
    return row


# --- handling ----------------------------------------------------------------------------


def _open(request: CareRequest) -> None:
    if request.status == Status.CLOSED:
        raise DomainError(
            _("Request %(code)s is closed.") % {"code": request.code}, field="request"
        )


def _locked(request: CareRequest) -> CareRequest:
    return CareRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def request_assign(
    *,
    actor: Any,
    request: CareRequest,
    unit: Unit,
    owner: Any = None,
    at: dt.datetime | None = None,
) -> CareRequest:
    """Put ``request`` in the hands of ``unit`` (of the handler's scope) and, when named,
    of ``owner``, a handler of that unit's subtree."""
    require_handler(actor, request)
    row = _locked(request)
    _open(row)
    if not access.in_scope(actor, unit.path) or unit.province_code != row.province_code:
        raise NotFound(_("No such unit."), field="unit")
    if owner is not None:
        owner_unit = getattr(owner, "unit", None)
        if (
            not can_handle(owner)
            or owner_unit is None
            or not owner_unit.path.startswith(unit.path)
            or (row.is_kt1 and not _sees_kt1(owner))
        ):
            raise DomainError(
                _("%(name)s cannot handle requests of %(unit)s.")
                % {"name": owner.get_full_name() or owner.username, "unit": unit.name},
                field="owner",
            )
    moment, _day = moment_of(at)
    row.unit, row.unit_path, row.owner = unit, unit.path, owner
    if row.status == Status.RECEIVED:
        row.status = Status.IN_PROGRESS
    row.save(update_fields=["unit", "unit_path", "owner", "status"])
    who = (owner.get_full_name() or owner.username) if owner is not None else ""
    _step(row, StepKind.ASSIGNED, actor, moment, f"{unit.name}{' · ' + who if who else ''}")
    audit_record(
        actor=actor,
        action="care.request_assign",
        obj=row,
        after={"unit": unit.code, "owner": getattr(owner, "username", None)},
    )
    return row


@transaction.atomic
def request_note(
    *, actor: Any, request: CareRequest, text: str, at: dt.datetime | None = None
) -> CareStep:
    """An investigation note: for the staff only."""
    require_handler(actor, request)
    row = _locked(request)
    _open(row)
    note = fields.text(text, field="text", label=_("The note"), limit=TEXT_MAX)
    moment, _day = moment_of(at)
    if row.status == Status.RECEIVED:
        row.status = Status.IN_PROGRESS
        row.save(update_fields=["status"])
    return _step(row, StepKind.NOTE, actor, moment, note)


@transaction.atomic
def request_answer(
    *, actor: Any, request: CareRequest, text: str, at: dt.datetime | None = None
) -> CareRequest:
    """The answer to the customer (printed as a letter, sent as an SMS or email): shown on
    the public page. It may be given again (a corrected answer), until the request closes."""
    require_handler(actor, request)
    row = _locked(request)
    _open(row)
    answer = fields.text(text, field="text", label=_("The answer"), limit=TEXT_MAX)
    moment, _day = moment_of(at)
    row.answer, row.answered_at, row.status = answer, moment, Status.ANSWERED
    row.save(update_fields=["answer", "answered_at", "status"])
    _step(row, StepKind.ANSWER, actor, moment, answer, public=True)
    audit_record(actor=actor, action="care.request_answer", obj=row, after={"code": row.code})
    return row


@transaction.atomic
def request_close(
    *,
    actor: Any,
    request: CareRequest,
    outcome: str = "",
    cause: str = "",
    at: dt.datetime | None = None,
) -> CareRequest:
    """Close ``request``: a complaint with its outcome (upheld, partly upheld, rejected) and
    the cause found, once the customer has been answered."""
    require_handler(actor, request)
    row = _locked(request)
    _open(row)
    problems = Problems()
    result = ""
    if row.kind == RequestKind.COMPLAINT:
        result = (
            problems.check(
                _choice,
                outcome,
                Outcome,
                field="outcome",
                message=_("Say whether the complaint is upheld, partly upheld or rejected."),
            )
            or ""
        )
        found = problems.check(fields.text, cause, field="cause", label=_("The cause found"),
                               limit=300)  # fmt: skip
    else:
        found = problems.check(
            fields.text, cause, field="cause", label=_("The cause found"), limit=300,
            required=False,
        )  # fmt: skip
    if not row.answer:
        problems.add("text", _("Answer the customer before closing the request."))
    problems.raise_any()
    moment, day = moment_of(at)
    row.status, row.outcome, row.cause = Status.CLOSED, result, found or ""
    row.closed_at, row.closed_on = moment, day
    row.save(update_fields=["status", "outcome", "cause", "closed_at", "closed_on"])
    rollup_closed(row)
    label = Outcome(result).label if result else ""
    _step(row, StepKind.CLOSED, actor, moment, str(label), public=True)
    audit_record(
        actor=actor,
        action="care.request_close",
        obj=row,
        after={"code": row.code, "outcome": result, "cause": found},
    )
    return row


@transaction.atomic
def request_escalate(
    *, actor: Any, request: CareRequest, at: dt.datetime | None = None
) -> CareRequest:
    """Hand an open request whose deadline nears (``ESCALATE_DAYS``) or has passed to the
    unit above the one in charge, once."""
    require_handler(actor, request)
    row = _locked(request)
    _open(row)
    moment, day = moment_of(at)
    if row.escalated_at is not None:
        raise DomainError(_("The request was escalated already."), field="request")
    if (row.resolve_by - day).days > ESCALATE_DAYS:
        raise DomainError(
            _("A request is escalated from %(days)s days before its deadline (%(day)s).")
            % {"days": ESCALATE_DAYS, "day": f"{row.resolve_by:%d/%m/%Y}"},
            field="request",
        )
    _hand_up(row, actor, moment)
    return row


def escalate_due(*, province_code: str, at: dt.datetime | None = None) -> list[str]:
    """The daily run (``buudien care escalate``): every open request of the province not
    escalated yet whose deadline is ``ESCALATE_DAYS`` days away or past goes to the unit
    above, as the system; each in its own transaction. The codes escalated."""
    moment, day = moment_of(at)
    due = CareRequest.objects.filter(
        province_code=province_code,
        escalated_at__isnull=True,
        resolve_by__lte=day + dt.timedelta(days=ESCALATE_DAYS),
    ).exclude(status=Status.CLOSED)
    done = []
    for pk in due.order_by("resolve_by", "id").values_list("pk", flat=True):
        with transaction.atomic():
            row = CareRequest.objects.select_for_update().select_related("unit").get(pk=pk)
            if row.escalated_at is not None or row.status == Status.CLOSED:
                continue
            _hand_up(row, None, moment)
            done.append(row.code)
    return done


def _hand_up(row: CareRequest, actor: Any, moment: dt.datetime) -> None:
    """``row`` to the unit above the one in charge (the provincial post keeps it)."""
    above = row.unit.parent if row.unit.kind != UnitKind.PROVINCE else row.unit
    if above is not None and above.province_code == row.province_code:
        row.unit, row.unit_path = above, above.path
    row.escalated_at = moment
    row.save(update_fields=["unit", "unit_path", "escalated_at"])
    _step(row, StepKind.ESCALATED, actor, moment, row.unit.name)
    audit_record(
        actor=actor, action="care.request_escalate", obj=row, after={"unit": row.unit.code}
    )
