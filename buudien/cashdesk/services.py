"""The cash desk's operations: counting a drawer at the end of the day, an accountant's
decision on a difference, cash handed over, and COD paid to senders. Each one is a
transaction: a refused operation changes nothing.

- A clerk counts the drawer of their own point by banknote (coins as one amount) and
  submits the count; it is compared with the drawer's balance on the ledger at the end of
  that business day. No difference: the day's closing is done. A difference waits for an
  accountant of the point's subtree, who approves it (a shortage: debit 1381, credit the
  drawer; a surplus: debit the drawer, credit 3381; kind ``cash_discrepancy``, posted once)
  or asks for a recount. A recount replaces a count not yet decided; a closing that is done
  or approved is final.
- Cash handed over leaves the drawer at once. To the bank (``bank_deposit``): at or below
  ``settings.BUUDIEN_HANDOVER_APPROVAL_ABOVE`` debit the bank, credit the drawer; above it,
  debit cash in transit (113.cash), credit the drawer, and it waits for an accountant or a
  director of the point's units, who approves it (debit the bank, credit 113.cash) or
  refuses it with a reason (debit the drawer, credit 113.cash). To another counter's safe
  (``cash_transfer``): always into cash in transit, until a clerk of the receiving point (or
  a director or an accountant over it) confirms it (debit its drawer) or refuses it (back
  into the giving drawer). Whoever recorded it never decides; each step posts once.
- COD collected on delivery (``mail.ledger``: debit the delivering drawer, credit 3388.cod)
  is paid to the sender at the counter where they posted the items, in cash (debit 3388.cod,
  credit the drawer) or by bank transfer (credit the bank), one batch per sender: one entry
  ``cod_paid`` with a leg per item (service = the item's). Each item's COD is paid once.

Handovers and payouts are counter operations (``buudien.counter.desk``): once per key (the
key as given), written to the audit log as ``cashdesk.handover`` and ``cashdesk.cod_payout``;
the decisions on a handover as ``cashdesk.handover_confirm``, ``cashdesk.handover_approve`` and
``cashdesk.handover_refuse``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from buudien.cashdesk import selectors
from buudien.cashdesk.choices import (
    DENOMINATIONS,
    ClosingAction,
    ClosingStatus,
    HandoverKind,
    HandoverStatus,
    PayoutMethod,
)
from buudien.cashdesk.models import (
    CashClosing,
    CashHandover,
    ClosingEvent,
    CodPayout,
    CodPayoutItem,
)
from buudien.core.audit import audit_record
from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.sequences import sequence_next
from buudien.core.text import fold
from buudien.counter import fields
from buudien.counter.desk import Desk, Op, key_clean, user_or_none
from buudien.finance import banks, ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account
from buudien.mail.choices import MailService
from buudien.mail.models import PostalItem
from buudien.network.choices import PointKind
from buudien.network.models import ServicePoint
from buudien.people import access
from buudien.people.choices import Role

APP = "cashdesk"
COUNT_ROLES = frozenset({Role.CLERK})
APPROVE_ROLES = frozenset({Role.ACCOUNTANT})
BANK_ROLES = frozenset({Role.ACCOUNTANT})
DECIDE_ROLES = selectors.HANDOVER_DECIDERS
REFUSAL_MAX = 200
# Far more notes of one kind than a drawer holds, and more coins than a day takes.
MAX_NOTES = 100_000
MAX_COINS = 10_000_000
NOTE_MAX = 500
KEY_MAX = 100
MAX_PAYOUT_ITEMS = ledger.MAX_LEGS
_DIGITS = re.compile(r"\D+")


def _counter_point(actor: Any, point: ServicePoint) -> ServicePoint:
    """``point``, if ``actor`` works at its counter; "not found" if it lies outside what they
    may see (another point's clerk), refused for a role that does not act at a counter."""
    own = getattr(actor, "point_id", None)
    if not access.in_scope(actor, point.unit_path) or (own is not None and own != point.pk):
        raise NotFound(_("No such service point."))
    if not access.has_role(actor, COUNT_ROLES) or (own is None and not actor.is_superuser):
        raise AccessDenied(_("Only a counter clerk of the point may do this at its counter."))
    if point.kind not in PointKind.with_counter():
        raise DomainError(_("%(point)s has no counter.") % {"point": point}, field="point")
    return point


def _note(text: str, field: str = "note") -> str:
    text = " ".join((text or "").split())
    if len(text) > NOTE_MAX:
        raise DomainError(
            _("A note is at most %(max)s characters.") % {"max": NOTE_MAX}, field=field
        )
    return text


def _whole(value: Any, *, field: str, limit: int) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit:
        raise DomainError(
            _("Give a whole number from 0 to %(max)s.") % {"max": f"{limit:,}".replace(",", ".")},
            field=field,
        )
    return value


def counts_clean(counts: Mapping[Any, Any]) -> dict[str, int]:
    """The number of each banknote, keyed by the denomination as a string ("500000"); every
    denomination present, zero when not given. Refused: an unknown denomination, a count that
    is not a whole number from 0 up."""
    clean = {str(d): 0 for d in DENOMINATIONS}
    for key, value in counts.items():
        name = str(key).strip().replace(".", "")
        if name not in clean:
            raise DomainError(
                _("%(value)s is not a Vietnamese banknote.") % {"value": key}, field="counts"
            )
        clean[name] = _whole(value, field=f"count_{name}", limit=MAX_NOTES)
    return clean


def counts_total(counts: Mapping[str, int], coins: int = 0) -> int:
    return sum(int(d) * n for d, n in counts.items()) + coins


def _event(closing: CashClosing, action: str, actor: Any, note: str = "") -> None:
    ClosingEvent.objects.create(
        province_code=closing.province_code,
        closing=closing,
        action=action,
        actor=user_or_none(actor),
        at=timezone.now(),
        counted_total=closing.counted_total,
        expected=closing.expected,
        note=note,
    )


# --- counting the drawer -----------------------------------------------------------------------


@transaction.atomic
def closing_submit(
    *,
    actor: Any,
    point: ServicePoint,
    counts: Mapping[Any, Any],
    coins: Any = 0,
    business_date: dt.date | None = None,
    note: str = "",
) -> CashClosing:
    """Submit the count of ``point``'s drawer for a business day (today by default) and
    compare it with the ledger. The same count submitted again returns the closing as it is
    (a retried request); a different count replaces one not yet decided; a final closing
    refuses any change."""
    _counter_point(actor, point)
    today = local_today()
    day = business_date or today
    if day > today:
        raise DomainError(
            _("The business day %(day)s has not come yet.") % {"day": f"{day:%d/%m/%Y}"},
            field="business_date",
        )
    clean = counts_clean(counts)
    coins = _whole(coins, field="coins", limit=MAX_COINS)
    note = _note(note)
    total = counts_total(clean, coins)
    existing = (
        CashClosing.objects.select_for_update()
        .filter(province_code=point.province_code, point=point, business_date=day)
        .first()
    )
    if existing is not None and existing.is_final:
        if existing.counts == clean and existing.coins == coins:
            return existing
        raise DomainError(
            _("The closing of %(day)s is final: it cannot be changed.")
            % {"day": f"{day:%d/%m/%Y}"},
        )
    books = selectors.drawer_day(point=point, day=day)
    expected = books.closing
    difference = total - expected
    values: dict[str, Any] = {
        "status": ClosingStatus.CLOSED if difference == 0 else ClosingStatus.PENDING,
        "counts": clean,
        "coins": coins,
        "counted_total": total,
        "opening": books.opening,
        "receipts": books.receipts,
        "payments": books.payments,
        "expected": expected,
        "difference": difference,
        "note": note,
        "counted_by": user_or_none(actor),
        "counted_at": timezone.now(),
        "decided_by": None,
        "decided_at": None,
        "decision_note": "",
    }
    if existing is None:
        try:
            with transaction.atomic():
                closing = CashClosing.objects.create(
                    province_code=point.province_code, point=point, business_date=day, **values
                )
        except IntegrityError:
            raise DomainError(
                _("The drawer was counted from somewhere else meanwhile: open the page again.")
            ) from None
        _event(closing, ClosingAction.COUNTED, actor, note)
        return closing
    # A recount: only if nobody decided on the count meanwhile.
    claimed = CashClosing.objects.filter(
        pk=existing.pk, status__in=ClosingStatus.open(), recounts=existing.recounts
    ).update(recounts=existing.recounts + 1, **values)
    if claimed != 1:
        raise DomainError(
            _("The closing was decided on meanwhile: open the page again."),
        )
    closing = CashClosing.objects.get(pk=existing.pk)
    _event(closing, ClosingAction.RECOUNTED, actor, note)
    return closing


def _require_approver(actor: Any, closing_id: int) -> CashClosing:
    closing = selectors.closing_get(user=actor, closing_id=closing_id)
    if not access.has_role(actor, APPROVE_ROLES):
        raise AccessDenied(_("Only an accountant may decide on a cash difference."))
    return closing


def _discrepancy_legs(closing: CashClosing) -> list[ledger.Leg]:
    drawer = ledger.account_for_drawer(closing.point)
    if closing.difference < 0:
        shortage = ledger.account_cash_shortage(closing.province_code)
        return [ledger.Leg(debit=shortage, credit=drawer, amount=-closing.difference)]
    surplus = ledger.account_cash_surplus(closing.province_code)
    return [ledger.Leg(debit=drawer, credit=surplus, amount=closing.difference)]


def closing_key(closing: CashClosing) -> str:
    return f"cashdesk:closing:{closing.pk}"


def closing_reference(closing: CashClosing) -> str:
    return f"closing:{closing.point.code}:{closing.business_date:%Y%m%d}"


@transaction.atomic
def closing_approve(
    *, actor: Any, closing_id: int, recounts: int | None = None, note: str = ""
) -> CashClosing:
    """Approve the difference of a closing and book it on the ledger, once: approving an
    approved closing returns it. ``recounts`` is the count the accountant looked at: a
    recount since then is refused (they approve what they saw)."""
    closing = _require_approver(actor, closing_id)
    note = _note(note, "decision_note")
    if closing.status == ClosingStatus.APPROVED:
        return closing
    if closing.status != ClosingStatus.PENDING:
        raise DomainError(
            _("This closing has no difference awaiting approval (%(status)s).")
            % {"status": closing.get_status_display()}
        )
    if recounts is not None and recounts != closing.recounts:
        raise DomainError(_("The drawer was recounted since you looked: check the new count."))
    now = timezone.now()
    claimed = CashClosing.objects.filter(
        pk=closing.pk, status=ClosingStatus.PENDING, recounts=closing.recounts
    ).update(
        status=ClosingStatus.APPROVED,
        decided_by=user_or_none(actor),
        decided_at=now,
        decision_note=note,
    )
    if claimed != 1:
        raise DomainError(_("The closing changed meanwhile: open the page again."))
    with translation.override(settings.LANGUAGE_CODE):  # stored text: the system's language
        kind = _("shortage") if closing.difference < 0 else _("surplus")
    entry = ledger.entry_post(
        actor=user_or_none(actor),
        idempotency_key=closing_key(closing),
        kind=EntryKind.CASH_DISCREPANCY,
        reference=closing_reference(closing),
        legs=_discrepancy_legs(closing),
        province_code=closing.province_code,
        business_date=closing.business_date,
        late=True,
        point=closing.point,
        memo=(f"{kind}: {note}" if note else kind)[:500],
    )
    CashClosing.objects.filter(pk=closing.pk).update(entry=entry)
    closing = CashClosing.objects.select_related("point", "entry").get(pk=closing.pk)
    _event(closing, ClosingAction.APPROVED, actor, note)
    audit_record(
        actor=actor,
        action="cashdesk.closing_approve",
        obj=closing,
        after={"difference": closing.difference, "entry": entry.pk},
    )
    return closing


@transaction.atomic
def closing_reject(
    *, actor: Any, closing_id: int, note: str, recounts: int | None = None
) -> CashClosing:
    """Send a closing with a difference back to the clerk for a recount, saying why."""
    closing = _require_approver(actor, closing_id)
    note = _note(note, "decision_note")
    if not note:
        raise DomainError(_("Say why the drawer must be counted again."), field="decision_note")
    if closing.status != ClosingStatus.PENDING:
        raise DomainError(
            _("This closing has no difference awaiting approval (%(status)s).")
            % {"status": closing.get_status_display()}
        )
    if recounts is not None and recounts != closing.recounts:
        raise DomainError(_("The drawer was recounted since you looked: check the new count."))
    claimed = CashClosing.objects.filter(
        pk=closing.pk, status=ClosingStatus.PENDING, recounts=closing.recounts
    ).update(
        status=ClosingStatus.REJECTED,
        decided_by=user_or_none(actor),
        decided_at=timezone.now(),
        decision_note=note,
    )
    if claimed != 1:
        raise DomainError(_("The closing changed meanwhile: open the page again."))
    closing.refresh_from_db()
    _event(closing, ClosingAction.REJECTED, actor, note)
    audit_record(actor=actor, action="cashdesk.closing_reject", obj=closing, after={"note": note})
    return closing


# --- cash handed over --------------------------------------------------------------------------


def _amount(value: Any, field: str = "amount") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise DomainError(_("Give an amount of more than 0 đồng."), field=field)
    if value > ledger.MAX_AMOUNT:
        raise DomainError(_("The amount is too large."), field=field)
    return value


def handover_threshold() -> int:
    """Above this many đồng, cash handed to the bank waits for an accountant's approval."""
    return int(settings.BUUDIEN_HANDOVER_APPROVAL_ABOVE)


def handover_waits(kind: str, amount: int) -> bool:
    """Whether cash handed over waits in cash in transit: always for another point's safe,
    above the threshold for the bank."""
    return kind == HandoverKind.POINT or amount > handover_threshold()


def handover_record(
    *,
    actor: Any,
    point: ServicePoint,
    amount: int,
    idempotency_key: str,
    bank: str = "",
    to_point: ServicePoint | None = None,
    slip: str = "",
) -> CashHandover:
    """Record cash taken out of ``point``'s drawer and handed to the province's account at
    ``bank`` (a bank deposit) or to the safe of ``to_point`` (a cash transfer). The drawer
    is credited at once. A deposit at or below ``handover_threshold()`` reaches the bank
    account at once; a larger one, and any cash for another point, goes into cash in
    transit (113.cash) and waits (``pending``) for an accountant's approval or the receiving
    point's confirmation. Retried under the same key, it returns the handover already
    recorded."""
    _counter_point(actor, point)
    amount = _amount(amount)
    key = key_clean(idempotency_key, limit=KEY_MAX)
    slip = " ".join((slip or "").split())[:64]
    kind = HandoverKind.POINT if to_point is not None else HandoverKind.BANK
    if to_point is not None:
        if bank:
            raise DomainError(_("Hand the cash to a bank or to a safe, not both."), field="bank")
        if (
            to_point.pk == point.pk
            or to_point.province_code != point.province_code
            or to_point.kind not in PointKind.with_counter()
        ):
            raise DomainError(
                _("Choose another counter of the province to hand the cash to."), field="to_point"
            )
    elif not bank:
        raise DomainError(
            _("Choose the bank the cash was deposited at, or the safe it was handed to."),
            field="bank",
        )
    else:  # one of the province's own accounts, never one named on the way
        bank = banks.bank_code(point.province_code, bank)
    waits = handover_waits(kind, amount)
    desk = Desk.at_point(actor=actor, point=point, app=APP)

    def same(existing: CashHandover) -> bool:
        return (
            existing.point_id == point.pk
            and existing.amount == amount
            and existing.bank == bank
            and existing.to_point_id == (to_point.pk if to_point else None)
        )

    def reused(_existing: CashHandover) -> DomainError:
        return DomainError(
            _("This form was already used for another handover: open the page again."),
            field="idempotency_key",
        )

    def work(op: Op) -> CashHandover:
        drawer = ledger.account_for_drawer(point)
        if waits:
            into = ledger.account_cash_in_transit(point.province_code)
        else:
            into = banks.bank_account(point.province_code, bank)
        entry = desk.post(
            kind=_handover_entry_kind(kind),
            legs=[ledger.Leg(debit=into, credit=drawer, amount=amount)],
            reference=f"handover:{point.code}:{slip}"[:100] if slip else f"handover:{point.code}",
            key=f"{APP}:handover:{op.key}",
        )
        return CashHandover.objects.create(
            **op.made(),
            kind=kind,
            bank=bank,
            to_point=to_point,
            amount=amount,
            slip=slip,
            business_date=entry.business_date,
            entry=entry,
            status=HandoverStatus.PENDING if waits else HandoverStatus.CONFIRMED,
        )

    return desk.once(
        CashHandover,
        operation="handover",
        key=key,
        stored=key,
        same=same,
        reused=reused,
        work=work,
    )


def _handover_entry_kind(kind: str) -> str:
    return EntryKind.CASH_TRANSFER if kind == HandoverKind.POINT else EntryKind.BANK_DEPOSIT


def handover_may_decide(actor: Any, handover: CashHandover) -> str:
    """Why ``actor`` may not confirm (another point's safe) or approve (the bank) ``handover``,
    "" when they may: a clerk of the receiving point, or a director or an accountant whose
    units hold the receiving point (the bank: the giving point); never who recorded it."""
    if handover.kind == HandoverKind.POINT:
        receiving = handover.to_point
        assert receiving is not None
        clerk_there = (
            access.has_role(actor, COUNT_ROLES) and getattr(actor, "point_id", None) == receiving.pk
        )
        over_it = access.has_role(actor, DECIDE_ROLES) and access.in_scope(
            actor, receiving.unit_path
        )
        if not (clerk_there or over_it):
            return _(
                "Cash handed to the safe of %(point)s is confirmed by a clerk of that point, "
                "or by a director or an accountant over it."
            ) % {"point": receiving}
    elif not (
        access.has_role(actor, DECIDE_ROLES) and access.in_scope(actor, handover.point.unit_path)
    ):
        return _("A deposit at the bank is approved by an accountant or a director of the point.")
    if handover.created_by_id is not None and handover.created_by_id == actor.pk:
        return _("You recorded this handover: someone else confirms or refuses it.")
    return ""


def _handover_locked(actor: Any, handover_id: int) -> CashHandover:
    """The handover, locked, if ``actor`` may see it ("not found" otherwise)."""
    found = selectors.handover_get(user=actor, handover_id=handover_id)
    return (
        CashHandover.objects.select_for_update(of=("self",))
        .select_related("point", "to_point", "entry")
        .get(pk=found.pk)
    )


def _handover_decider(actor: Any, handover: CashHandover) -> None:
    refusal = handover_may_decide(actor, handover)
    if refusal:
        raise AccessDenied(refusal)


def _handover_claim(handover: CashHandover, actor: Any, **fields: Any) -> None:
    """Pending → decided, by a conditional UPDATE: of two decisions at once, one wins."""
    claimed = CashHandover.objects.filter(pk=handover.pk, status=HandoverStatus.PENDING).update(
        decided_by=user_or_none(actor), decided_at=timezone.now(), **fields
    )
    if claimed != 1:  # pragma: no cover - the row lock makes this a race of SQLite only
        raise DomainError(_("The handover was decided meanwhile: open the page again."))


def _handover_settle(
    handover: CashHandover, actor: Any, *, into: Account, point: ServicePoint, memo: str
) -> CashHandover:
    """Move the handover's cash out of cash in transit into ``into``: one entry, once."""
    entry = ledger.entry_post(
        actor=user_or_none(actor),
        idempotency_key=f"{APP}:handover-settled:{handover.pk}",
        kind=handover.entry.kind,
        reference=handover.entry.reference,
        legs=[
            ledger.Leg(
                debit=into,
                credit=ledger.account_cash_in_transit(handover.province_code),
                amount=handover.amount,
            )
        ],
        province_code=handover.province_code,
        point=point,
        memo=memo[:500],
        late=True,
    )
    CashHandover.objects.filter(pk=handover.pk).update(settled_entry=entry)
    return CashHandover.objects.select_related("point", "to_point", "entry", "settled_entry").get(
        pk=handover.pk
    )


def _handover_receive(actor: Any, handover_id: int, kind: str) -> CashHandover:
    handover = _handover_locked(actor, handover_id)
    if handover.kind != kind:
        raise DomainError(
            _("Cash handed to another point's safe is confirmed there, not approved.")
            if handover.kind == HandoverKind.POINT
            else _("A deposit at the bank is approved by an accountant, not confirmed.")
        )
    _handover_decider(actor, handover)
    if handover.status == HandoverStatus.CONFIRMED:
        return handover  # a retry: received once
    if handover.status == HandoverStatus.REFUSED:
        raise DomainError(
            _("This handover was refused: the cash went back into the drawer of %(point)s.")
            % {"point": handover.point}
        )
    if kind == HandoverKind.POINT:
        assert handover.to_point is not None
        into, point = ledger.account_for_drawer(handover.to_point), handover.to_point
    else:  # refused, changing nothing, if the account was closed meanwhile
        into, point = banks.bank_account(handover.province_code, handover.bank), handover.point
    _handover_claim(handover, actor, status=HandoverStatus.CONFIRMED)
    done = _handover_settle(handover, actor, into=into, point=point, memo="")
    audit_record(
        actor=actor,
        action=f"cashdesk.handover_{'confirm' if kind == HandoverKind.POINT else 'approve'}",
        obj=done,
        before={"status": HandoverStatus.PENDING},
        after={"status": done.status, "entry": done.settled_entry_id, "amount": done.amount},
    )
    return done


@transaction.atomic
def handover_confirm(*, actor: Any, handover_id: int) -> CashHandover:
    """The receiving point confirms the cash handed to its safe: out of cash in transit into
    its drawer (one entry, once; a retry returns the handover as it is). A clerk of that
    point, or a director or an accountant over it; never who recorded it."""
    return _handover_receive(actor, handover_id, HandoverKind.POINT)


@transaction.atomic
def handover_approve(*, actor: Any, handover_id: int) -> CashHandover:
    """An accountant (or a director) of the point's units approves a deposit that waits: out
    of cash in transit into the bank account (one entry, once; a retry returns it). Never
    who recorded it."""
    return _handover_receive(actor, handover_id, HandoverKind.BANK)


@transaction.atomic
def handover_refuse(*, actor: Any, handover_id: int, reason: Any) -> CashHandover:
    """Refuse a handover that waits, saying why: the cash goes back out of cash in transit
    into the drawer it came from (one entry, once; refusing it again returns it). Who may
    confirm or approve it may refuse it."""
    handover = _handover_locked(actor, handover_id)
    _handover_decider(actor, handover)
    why = fields.text(reason, field="reason", label=_("The reason"), limit=REFUSAL_MAX)
    if handover.status == HandoverStatus.REFUSED:
        return handover
    if handover.status == HandoverStatus.CONFIRMED:
        raise DomainError(_("This handover was received already: it cannot be refused now."))
    _handover_claim(handover, actor, status=HandoverStatus.REFUSED, refusal=why)
    with translation.override(settings.LANGUAGE_CODE):  # stored text: the system's language
        memo = _("Refused: %(reason)s") % {"reason": why}
    done = _handover_settle(
        handover,
        actor,
        into=ledger.account_for_drawer(handover.point),
        point=handover.point,
        memo=memo,
    )
    audit_record(
        actor=actor,
        action="cashdesk.handover_refuse",
        obj=done,
        before={"status": HandoverStatus.PENDING},
        after={"status": done.status, "entry": done.settled_entry_id, "reason": why},
    )
    return done


# --- COD paid to senders -----------------------------------------------------------------------


def _phone(value: str) -> str:
    return _DIGITS.sub("", value or "")


def _same_sender(items: Sequence[PostalItem]) -> None:
    senders = {(fold(item.sender_name), _phone(item.sender_phone)) for item in items}
    points = {item.accepted_point_id for item in items}
    if len(senders) > 1 or len(points) > 1:
        raise DomainError(
            _("A payout is for one sender at one post office: pay each sender separately."),
            field="items",
        )


def _refuse_not_owed(actor: Any, point: ServicePoint, items: Sequence[PostalItem]) -> None:
    """Refused unless the COD of every item was collected and is not paid yet."""
    owed = set(
        selectors.cod_owed_items(user=actor, point=point)
        .filter(pk__in=[item.pk for item in items])
        .values_list("pk", flat=True)
    )
    not_owed = [item for item in items if item.pk not in owed]
    if not not_owed:
        return
    paid = dict(
        CodPayoutItem.objects.filter(
            province_code=point.province_code, item__in=[item.pk for item in not_owed]
        ).values_list("item__s10", "payout__number")
    )
    problems = [
        _("%(s10)s: COD already paid (%(number)s)") % {"s10": item.s10, "number": paid[item.s10]}
        if item.s10 in paid
        else _("%(s10)s: no COD collected for it") % {"s10": item.s10}
        for item in not_owed
    ]
    raise DomainError("; ".join(problems) + ".", field="items")


def cod_keep(*, actor: Any, item: PostalItem, account: Account, day: dt.date) -> CodPayout:
    """The COD just collected of an item the post sent for itself (goods it sold, cash on
    delivery): owed to no sender, it settles what the buyer owed (``account``). Recorded
    as a payout of its own (method ``kept``) so that the item is never listed as owed, in
    the transaction that booked the collection; once per item."""
    point = item.accepted_point
    province = item.province_code
    entry = ledger.entry_post(
        actor=user_or_none(actor),
        idempotency_key=f"{APP}:cod-kept:{item.pk}",
        kind=EntryKind.COD_PAID,
        reference=f"item:{item.s10}",
        legs=[
            ledger.Leg(
                debit=ledger.account_cod_payable(province),
                credit=account,
                amount=item.cod_amount,
                service=item.service,
            )
        ],
        province_code=province,
        business_date=day,
        point=point,
        memo=item.sender_name[:200],
        late=True,
    )
    payout = CodPayout.objects.create(
        province_code=province,
        idempotency_key=f"kept:{item.pk}",
        number=f"CT{province}{sequence_next(f'{APP}.cod.{province}'):07d}",
        method=PayoutMethod.KEPT,
        point=point,
        sender_name=item.sender_name,
        sender_phone=item.sender_phone,
        payee_name=item.sender_name,
        total=item.cod_amount,
        item_count=1,
        business_date=day,
        paid_by=user_or_none(actor),
        paid_at=timezone.now(),
        entry=entry,
    )
    CodPayoutItem.objects.create(
        province_code=province, payout=payout, item=item, amount=item.cod_amount
    )
    return payout


def cod_payout(
    *,
    actor: Any,
    items: Sequence[str],
    method: str,
    idempotency_key: str,
    bank: str = "",
    payee_name: str = "",
    payee_id_number: str = "",
    payee_account: str = "",
) -> CodPayout:
    """Pay the COD of ``items`` (S10 numbers, one sender's, posted at one point) to the
    sender: in cash from the drawer of the point where they were posted, by its clerk, or by
    transfer from the province's account at ``bank``, by an accountant. One ledger entry
    (``cod_paid``, a leg per item); each item's COD is paid once; retried under the same
    key, it returns the payout already made."""
    if method not in (PayoutMethod.CASH, PayoutMethod.BANK):
        raise DomainError(_("Choose how the sender is paid."), field="method")
    key = key_clean(idempotency_key, limit=KEY_MAX)
    s10s = sorted({(s or "").strip().upper() for s in items if (s or "").strip()})
    if not s10s:
        raise DomainError(_("Choose the items whose COD is paid."), field="items")
    if len(s10s) > MAX_PAYOUT_ITEMS:
        raise DomainError(
            _("At most %(max)s items in one payout.") % {"max": MAX_PAYOUT_ITEMS}, field="items"
        )
    found = list(
        PostalItem.objects.filter(s10__in=s10s)
        # A KT1 item is never paid COD: its number is answered as an unknown one's.
        .exclude(service=MailService.KT1)
        .filter(selectors.point_scope_q(actor, "accepted_point"))
        .select_related("accepted_point")
        .order_by("s10")
    )
    missing = sorted(set(s10s) - {item.s10 for item in found})
    if missing:
        raise NotFound(_("No such item: %(items)s.") % {"items": ", ".join(missing)})
    _same_sender(found)
    point = found[0].accepted_point
    if method == PayoutMethod.CASH:
        _counter_point(actor, point)
        bank = ""
    else:
        if not access.has_role(actor, BANK_ROLES):
            raise AccessDenied(_("Only an accountant pays COD by bank transfer."))
        if not bank:
            raise DomainError(_("Choose the bank account it is paid from."), field="bank")
        bank = banks.bank_code(point.province_code, bank)
        if not payee_account.strip():
            raise DomainError(_("Give the sender's bank account."), field="payee_account")
    desk = Desk.at_point(actor=actor, point=point, app=APP)
    province = desk.province

    def same(payout: CodPayout) -> bool:
        paid = set(payout.lines.values_list("item__s10", flat=True))
        return paid == set(s10s) and payout.method == method

    def reused(payout: CodPayout) -> DomainError:
        return DomainError(
            _("This form was already used for payout %(number)s: open the page again.")
            % {"number": payout.number},
            field="idempotency_key",
        )

    def number() -> str:
        return f"CT{province}{sequence_next(f'{APP}.cod.{province}'):07d}"

    def work(op: Op) -> CodPayout:
        _refuse_not_owed(actor, point, found)
        cod_payable = ledger.account_cod_payable(province)
        credit = (
            ledger.account_for_drawer(point)
            if method == PayoutMethod.CASH
            else banks.bank_account(province, bank)
        )
        first = found[0]
        entry = op.post(
            kind=EntryKind.COD_PAID,
            legs=[
                ledger.Leg(
                    debit=cod_payable, credit=credit, amount=item.cod_amount, service=item.service
                )
                for item in found
            ],
            reference=f"cod-payout:{op.reference()}",
            key=f"{APP}:cod:{op.key}",
            memo=first.sender_name[:200],
        )
        payout = CodPayout.objects.create(
            province_code=province,
            idempotency_key=op.key,
            number=op.reference(),
            method=method,
            point=point,
            bank=bank,
            sender_name=first.sender_name,
            sender_phone=first.sender_phone,
            payee_name=" ".join(payee_name.split())[:200] or first.sender_name,
            payee_id_number=payee_id_number.strip()[:20],
            payee_account=payee_account.strip()[:40],
            total=sum(item.cod_amount for item in found),
            item_count=len(found),
            business_date=entry.business_date,
            paid_by=user_or_none(actor),
            paid_at=desk.moment,
            entry=entry,
        )
        try:
            with transaction.atomic():
                CodPayoutItem.objects.bulk_create(
                    [
                        CodPayoutItem(
                            province_code=province, payout=payout, item=item, amount=item.cod_amount
                        )
                        for item in found
                    ]
                )
        except IntegrityError:
            # Paid by another request meanwhile: this one changes nothing.
            raise DomainError(
                _("The COD of these items was paid meanwhile: open the page again."),
                field="items",
            ) from None
        return payout

    return desk.once(
        CodPayout,
        operation="cod_payout",
        key=key,
        stored=key,
        same=same,
        reused=reused,
        number=number,
        work=work,
    )
