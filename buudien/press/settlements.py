"""The press's money with its partners, per period: the publishers paid their share of the
subscriptions, the ordering agencies billed for the public-press copies delivered.

- ``publisher_settle``: the subscriptions of the publisher's titles taken in a range of
  business days and not settled yet; their ``publisher_share`` (credited to
  ``3388.partner.nxb-<code>`` when each was taken) is paid from the post's bank account the
  publisher is paid from (``Publisher.bank``, ``1121.<bank>``) in one entry, debit the
  payable, credit the bank. Its leg carries no service: it moves money the post owed, it is
  no operation of ``press`` (the subscriptions were counted, each once).
- ``programme_settle``: the copies of the programme delivered (confirmed by the postmen) of
  the issues of a range of dates and not billed yet, times the programme's ``fee_per_copy``:
  one entry, debit what the ordering agency owes the post (``131.partner.bcci-<code>``),
  credit the revenue of ``public_press``.

Both are made by an accountant or an administrator whose scope holds the provincial post;
elsewhere the publisher or programme is not found. A range that ends before it starts or in
the future, and nothing to settle, are refused (every problem at once), nothing changed. The
rows are claimed with one conditional UPDATE (``settlement IS NULL``), so two settlements
racing never take a row twice; the amounts are those of the rows actually claimed. The same
idempotency key and request again is the same settlement; the same key with another request
is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record
from buudien.core.bizdays import local_today
from buudien.core.catalogue import Service
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.sequences import sequence_next
from buudien.counter import fields
from buudien.counter.desk import actor_id, key_clean, once_per_key
from buudien.counter.problems import Problems
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.people import access
from buudien.people.choices import Role
from buudien.press.choices import DeliveryStatus
from buudien.press.models import (
    PressDelivery,
    Programme,
    ProgrammeSettlement,
    Publisher,
    PublisherSettlement,
    Subscription,
)

SETTLEMENT_ROLES = frozenset({Role.ACCOUNTANT, Role.ADMIN})
MAX_KEY = 128


def can_settle(user: Any) -> bool:
    """Accountants and administrators settle with publishers and ordering agencies."""
    return access.has_role(user, SETTLEMENT_ROLES)


def _require(actor: Any, province_code: str, *, missing: str) -> None:
    if not can_settle(actor):
        raise AccessDenied(
            _("Only an accountant or an administrator may settle the press with its partners.")
        )
    try:
        unit = ledger.province_unit(province_code)
    except DomainError:
        raise NotFound(missing) from None
    if not access.in_scope(actor, unit.path):
        raise NotFound(missing)


# --- what is owed ---------------------------------------------------------------------------


def unsettled_subscriptions(
    publisher: Publisher, date_from: dt.date, date_to: dt.date
) -> QuerySet[Subscription]:
    """The subscriptions of ``publisher``'s titles taken in the range and not settled yet.
    Filtered on the subscription's own columns (no join), so the UPDATE that claims them
    re-checks ``settlement IS NULL`` on the row it takes."""
    titles = list(publisher.titles.values_list("pk", flat=True))
    return Subscription.objects.filter(
        province_code=publisher.province_code,
        title_id__in=titles,
        settlement__isnull=True,
        business_date__gte=date_from,
        business_date__lte=date_to,
    )


def undelivered_billing(
    programme: Programme, date_from: dt.date, date_to: dt.date
) -> QuerySet[PressDelivery]:
    """The deliveries of ``programme``'s issues of the range, delivered, not billed yet."""
    return PressDelivery.objects.filter(
        province_code=programme.province_code,
        programme=programme,
        status=DeliveryStatus.DELIVERED,
        settlement__isnull=True,
        issue_date__gte=date_from,
        issue_date__lte=date_to,
    )


@dataclass(frozen=True)
class Owed:
    """What a settlement of the range would take: its rows, their copies and the amount."""

    count: int
    copies: int
    amount: int


def publisher_owed(publisher: Publisher, date_from: dt.date, date_to: dt.date) -> Owed:
    sums = unsettled_subscriptions(publisher, date_from, date_to).aggregate(
        n=Count("id"), copies=Sum("copies"), amount=Sum("publisher_share")
    )
    return Owed(sums["n"], sums["copies"] or 0, sums["amount"] or 0)


def programme_owed(programme: Programme, date_from: dt.date, date_to: dt.date) -> Owed:
    sums = undelivered_billing(programme, date_from, date_to).aggregate(
        n=Count("id"), copies=Sum("copies")
    )
    copies = sums["copies"] or 0
    return Owed(sums["n"], copies, copies * programme.fee_per_copy)


def _range_problems(
    problems: Problems, date_from: Any, date_to: Any, *, future: str
) -> tuple[dt.date, dt.date] | None:
    """The range when it is one: both dates given, the end not before the start. An end
    after today is a problem too (``future`` says why, with the day), the range kept so that
    what it would settle is checked with it."""
    for name, value in (("date_from", date_from), ("date_to", date_to)):
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            problems.add(name, _("Write the date as dd/mm/yyyy."))
    if "date_from" in problems.found or "date_to" in problems.found:
        return None
    if date_to < date_from:
        problems.add("date_to", _("The range ends before it starts."))
        return None
    if date_to > local_today():
        problems.add("date_to", future % {"day": f"{date_to:%d/%m/%Y}"})
    return date_from, date_to


def _nothing(name: str, date_from: dt.date, date_to: dt.date) -> str:
    return _("Nothing to settle with %(partner)s from %(start)s to %(end)s.") % {
        "partner": name,
        "start": f"{date_from:%d/%m/%Y}",
        "end": f"{date_to:%d/%m/%Y}",
    }


def _reused(key: str, reference: str) -> DomainError:
    return DomainError(
        _(
            "Idempotency key reused with a different request: %(key)s was already "
            "used for settlement %(reference)s."
        )
        % {"key": key, "reference": reference},
        field="idempotency_key",
    )


def _checked(
    *,
    date_from: Any,
    date_to: Any,
    memo: str,
    future: str,
    not_ready: tuple[str, str] | None,
    owed: Callable[[dt.date, dt.date], Owed],
    name: str,
) -> tuple[tuple[dt.date, dt.date], str]:
    """The range and the memo of a settlement, or its refusal with every problem at once:
    the range (``future``: why a day after today is refused), the memo, the partner not
    ready to settle (``not_ready``: its field and why), nothing ``owed`` in the range."""
    problems = Problems()
    span = _range_problems(problems, date_from, date_to, future=future)
    note = problems.check(
        fields.text, memo, field="memo", label=_("The memo"), limit=500, required=False
    )
    if not_ready is not None:
        problems.add(*not_ready)
    if span is not None and not owed(*span).count:
        problems.add("date_to", _nothing(name, *span))
    problems.raise_any()
    assert span is not None
    return span, note or ""


def _claim(rows: QuerySet[Any], settlement: Any, name: str) -> int:
    """Mark ``rows`` with ``settlement`` in one conditional UPDATE (``settlement IS NULL``
    is in their filter): a row settled meanwhile is not taken twice. Nothing left: refused."""
    claimed = rows.update(settlement=settlement)
    if not claimed:
        raise DomainError(_nothing(name, settlement.date_from, settlement.date_to), field="date_to")
    return claimed


def _once[S: PublisherSettlement | ProgrammeSettlement](
    model: type[S],
    *,
    partner: Publisher | Programme,
    date_from: dt.date,
    date_to: dt.date,
    key: str,
    work: Callable[[], S],
) -> S:
    """The settlement made under ``key`` already (for the same partner and range; another
    request is refused), else ``work()`` in one transaction."""
    field = "publisher_id" if model is PublisherSettlement else "programme_id"

    def same(found: S) -> bool:
        wanted = (partner.pk, date_from, date_to)
        return (getattr(found, field), found.date_from, found.date_to) == wanted

    return once_per_key(
        model,
        province_code=partner.province_code,
        key=key,
        same=same,
        reused=lambda found: _reused(key, found.reference),
        work=work,
    )


def _book(
    settlement: PublisherSettlement | ProgrammeSettlement,
    *,
    actor: Any,
    kind: str,
    legs: list[ledger.Leg],
    on: dt.date | None,
    memo: str,
    action: str,
    after: dict[str, Any],
) -> None:
    """Post the settlement's entry of ``legs`` (none: nothing to move), save the settlement
    with it and write ``press.<action>`` to the audit log."""
    if legs:
        settlement.entry = ledger.entry_post(
            actor=actor,
            idempotency_key=f"press:{action}:{settlement.pk}",
            kind=kind,
            reference=settlement.reference,
            legs=legs,
            province_code=settlement.province_code,
            business_date=on,
            late=on is not None,
            memo=memo[:500],
        )
    settlement.save()
    audit_record(actor=actor, action=f"press.{action}", obj=settlement, after=after)


# --- the publishers -------------------------------------------------------------------------


def publisher_settle(
    *,
    actor: Any,
    idempotency_key: str,
    publisher: Publisher,
    date_from: dt.date,
    date_to: dt.date,
    memo: str = "",
    on: dt.date | None = None,
) -> PublisherSettlement:
    """Pay ``publisher`` its share of the subscriptions taken from ``date_from`` to
    ``date_to`` and not settled yet, in one transfer from the post's bank account the
    publisher is paid from. Refused: a range that ends before it starts or in the future, a
    publisher with no bank account, nothing to pay, a bank account without the money. ``on``
    is the business day of the transfer (the open day by default)."""
    province = publisher.province_code
    _require(actor, province, missing=_("No such publisher."))
    key = key_clean(idempotency_key, limit=MAX_KEY)

    def work() -> PublisherSettlement:
        no_bank = _("%(publisher)s has no bank account to be paid from: set it first.")
        span, note = _checked(
            date_from=date_from,
            date_to=date_to,
            memo=memo,
            future=_("Subscriptions of %(day)s have not been taken yet."),
            not_ready=None
            if publisher.bank
            else ("publisher", no_bank % {"publisher": publisher.name}),
            owed=lambda start, end: publisher_owed(publisher, start, end),
            name=publisher.name,
        )
        serial = sequence_next(f"press:publisher-settlement:{province}")
        settlement = PublisherSettlement.objects.create(
            province_code=province,
            reference=f"QT-NXB-{publisher.code.upper()}-{serial:05d}"[:48],
            publisher=publisher,
            date_from=span[0],
            date_to=span[1],
            bank=publisher.bank,
            idempotency_key=key,
            memo=note,
            created_by_id=actor_id(actor),
        )
        claimed = _claim(unsettled_subscriptions(publisher, *span), settlement, publisher.name)
        total = settlement.subscriptions.aggregate(t=Sum("publisher_share"))["t"] or 0
        settlement.count, settlement.amount = claimed, total
        payable = ledger.account_for_partner(province, publisher.partner)
        bank = ledger.account_for_bank(province, publisher.bank)
        _book(
            settlement,
            actor=actor,
            kind=EntryKind.COLLECTION_SETTLEMENT,
            legs=[ledger.Leg(payable, bank, total)] if total > 0 else [],
            on=on,
            memo=note or publisher.name,
            action="publisher_settle",
            after={"publisher": publisher.code, "count": claimed, "amount": total},
        )
        return settlement

    return _once(
        PublisherSettlement,
        partner=publisher,
        date_from=date_from,
        date_to=date_to,
        key=key,
        work=work,
    )


# --- the ordering agencies ------------------------------------------------------------------


def programme_settle(
    *,
    actor: Any,
    idempotency_key: str,
    programme: Programme,
    date_from: dt.date,
    date_to: dt.date,
    memo: str = "",
    on: dt.date | None = None,
) -> ProgrammeSettlement:
    """Bill ``programme``'s ordering agency for the copies delivered of the issues from
    ``date_from`` to ``date_to`` and not billed yet, at the programme's fee per copy: one
    entry, debit the agency's receivable, credit the revenue of ``public_press``. Refused: a
    range that ends before it starts or in the future, a programme without a fee per copy,
    nothing delivered to bill."""
    province = programme.province_code
    _require(actor, province, missing=_("No such programme."))
    key = key_clean(idempotency_key, limit=MAX_KEY)
    agency = programme.ordering_agency

    def work() -> ProgrammeSettlement:
        no_fee = _("%(programme)s has no fee per copy delivered: set it first.")
        span, note = _checked(
            date_from=date_from,
            date_to=date_to,
            memo=memo,
            future=_("Issues of %(day)s have not been delivered yet."),
            not_ready=(
                None
                if programme.fee_per_copy > 0
                else ("programme", no_fee % {"programme": programme.name})
            ),
            owed=lambda start, end: programme_owed(programme, start, end),
            name=agency,
        )
        serial = sequence_next(f"press:programme-settlement:{province}")
        settlement = ProgrammeSettlement.objects.create(
            province_code=province,
            reference=f"QT-BCCI-{programme.code.upper()}-{serial:05d}"[:48],
            programme=programme,
            date_from=span[0],
            date_to=span[1],
            fee_per_copy=programme.fee_per_copy,
            idempotency_key=key,
            memo=note,
            created_by_id=actor_id(actor),
        )
        claimed = _claim(undelivered_billing(programme, *span), settlement, agency)
        copies = settlement.deliveries.aggregate(c=Sum("copies"))["c"] or 0
        amount = copies * programme.fee_per_copy
        settlement.count, settlement.copies, settlement.amount = claimed, copies, amount
        receivable = ledger.account_partner_receivable(province, programme.partner)
        revenue = ledger.account_for_revenue(province, Service.PUBLIC_PRESS)
        _book(
            settlement,
            actor=actor,
            kind=EntryKind.PUBLIC_PRESS,
            legs=[ledger.Leg(receivable, revenue, amount, Service.PUBLIC_PRESS)],
            on=on,
            memo=note or agency,
            action="programme_settle",
            after={"programme": programme.code, "copies": copies, "amount": amount},
        )
        return settlement

    return _once(
        ProgrammeSettlement,
        partner=programme,
        date_from=date_from,
        date_to=date_to,
        key=key,
        work=work,
    )


# --- reads ----------------------------------------------------------------------------------

OFFICE = frozenset({Role.ACCOUNTANT, Role.DIRECTOR, Role.AUDITOR, Role.ADMIN})


def can_read(user: Any) -> bool:
    """Accountants, directors, auditors and administrators read the settlements."""
    return access.has_role(user, OFFICE)


def _provinces_in_scope(user: Any, model: Any) -> list[str]:
    if not can_read(user):
        raise AccessDenied(
            _("Settlements are for accountants, directors, auditors and administrators.")
        )
    codes = model.objects.values_list("province_code", flat=True).distinct()
    return [code for code in codes if access.in_scope(user, ledger.province_unit(code).path)]


def publisher_settlements(user: Any) -> QuerySet[PublisherSettlement]:
    """The settlements with publishers of the provinces whose provincial post is in
    ``user``'s scope, the newest first."""
    return (
        PublisherSettlement.objects.filter(
            province_code__in=_provinces_in_scope(user, PublisherSettlement)
        )
        .select_related("publisher", "created_by", "entry")
        .order_by("-created_at", "-id")
    )


def programme_settlements(user: Any) -> QuerySet[ProgrammeSettlement]:
    """The settlements with ordering agencies ``user`` may read, the newest first."""
    return (
        ProgrammeSettlement.objects.filter(
            province_code__in=_provinces_in_scope(user, ProgrammeSettlement)
        )
        .select_related("programme", "created_by", "entry")
        .order_by("-created_at", "-id")
    )


def publisher_settlement_get(*, user: Any, reference: str) -> PublisherSettlement:
    found = publisher_settlements(user).filter(reference=str(reference or "")[:48]).first()
    if found is None:
        raise NotFound(_("No such settlement."))
    return found


def programme_settlement_get(*, user: Any, reference: str) -> ProgrammeSettlement:
    found = programme_settlements(user).filter(reference=str(reference or "")[:48]).first()
    if found is None:
        raise NotFound(_("No such settlement."))
    return found
