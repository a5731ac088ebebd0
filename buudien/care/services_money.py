"""The money of customer care: a compensation proposed, approved and paid, and a refund
through the service a complaint was about. Each is one transaction with its step in the
request's timeline and its audit record.

- ``compensation_propose``: by a handler of the request, for a complaint about a mail item
  closed as upheld or partly upheld: the rule (``care.compensation``), the share lost for a
  partial loss, the amount (the most the rules allow unless a smaller one is given); once.
- ``compensation_approve``: by an accountant (or an administrator) of the province, not the
  one who proposed it; once.
- ``compensation_pay``: once. In cash at a counter, as a counter operation
  (``counter.desk``): a clerk at their own point (an administrator at a point of their
  scope), an idempotency key, one balanced entry debiting the compensation expense
  (``811.compensation``) and crediting the drawer, which must hold the cash; or by transfer
  from the provincial post's bank account, by an accountant. The compensation is claimed
  with a conditional UPDATE on its status, so a second payment (another key, or two at once)
  is refused; the same key again returns the payment made. Counted in the care rollup.
- ``refund_through_service``: a complaint about a bill or a sale, upheld: the money goes
  back through that service's own reversal (``collection.bill_cancel``, ``goods.sale_return``)
  with its own rules and time limits, whose refusals are told as they are.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from buudien.care.choices import (
    CompensationRule,
    CompensationStatus,
    Outcome,
    PaymentMethod,
    RequestKind,
    Status,
    StepKind,
    Subject,
)
from buudien.care.compensation import compensation_max, compensation_rule_for, rules_for_ground
from buudien.care.models import CareRequest, Compensation, CompensationPayment
from buudien.care.rollup import rollup_paid
from buudien.care.services import _locked, _step, require_handler
from buudien.core.audit import audit_record
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.money import format_vnd
from buudien.counter import fields
from buudien.counter.choices import CancelStatus
from buudien.counter.desk import Desk, Op, key_clean, moment_of, user_or_none
from buudien.counter.models import CancelRequest
from buudien.finance import banks, costs, ledger
from buudien.finance.choices import EntryKind
from buudien.network.models import ServicePoint
from buudien.people import access
from buudien.people.choices import Role

__all__ = [
    "APPROVERS",
    "compensation_approve",
    "compensation_pay",
    "compensation_propose",
    "refund_through_service",
]

APP = "care"
PREFIX = "BT"  # bồi thường: the reference printed on the receipt
APPROVERS = frozenset({Role.ACCOUNTANT, Role.ADMIN})
TRANSFER_ROLES = frozenset({Role.ACCOUNTANT, Role.ADMIN})
COMPENSATION_CATEGORY = "811"  # other expenses (Circular 200/2014 and 99/2025)


def _vnd(amount: int) -> str:
    return format_vnd(amount)


# --- proposed ----------------------------------------------------------------------------


@transaction.atomic
def compensation_propose(
    *,
    actor: Any,
    request: CareRequest,
    rule: str = "",
    loss_bp: int = 10_000,
    amount: int | None = None,
    at: dt.datetime | None = None,
) -> Compensation:
    """Propose the compensation of ``request`` by ``rule`` (the rule its ground and item
    call for when not given): at most what the rules allow, computed from the item's own
    charge and declared value; ``amount`` None proposes that most. Refused, nothing
    written: not a complaint about an item, not upheld, proposed already, a rule that does
    not fit, an amount above the most (the message gives it)."""
    require_handler(actor, request)
    row = _locked(request)
    found = Compensation.objects.filter(request=row).first()
    if found is not None:
        raise DomainError(
            _("A compensation of %(amount)s was proposed already for %(code)s (%(status)s).")
            % {
                "amount": _vnd(found.amount),
                "code": row.code,
                "status": CompensationStatus(found.status).label.lower(),
            },
            field="request",
        )
    default = compensation_rule_for(row)
    chosen = str(rule or default)
    if chosen not in rules_for_ground(row.ground):
        raise DomainError(
            _("A complaint about %(ground)s is not compensated by the rule “%(rule)s”.")
            % {
                "ground": row.get_ground_display().lower(),
                "rule": CompensationRule(chosen).label
                if chosen in CompensationRule.values
                else chosen,
            },
            field="rule",
        )
    item = row.item
    assert item is not None
    made = compensation_max(item, chosen, loss_bp)
    proposed = made.amount_max if amount is None else fields.amount(amount)
    if proposed > made.amount_max:
        raise DomainError(
            _("The rules allow at most %(max)s for this item (%(rule)s): %(amount)s is more.")
            % {
                "max": _vnd(made.amount_max),
                "rule": CompensationRule(chosen).label,
                "amount": _vnd(proposed),
            },
            field="amount",
        )
    moment, _day = moment_of(at)
    try:
        with transaction.atomic():
            compensation = Compensation.objects.create(
                province_code=row.province_code,
                request=row,
                rule=chosen,
                charge=made.charge,
                declared_value=made.declared_value,
                loss_bp=made.loss_bp,
                amount_max=made.amount_max,
                amount=proposed,
                proposed_at=moment,
                proposed_by=user_or_none(actor),
            )
    except IntegrityError:
        raise DomainError(
            _("A compensation was proposed for %(code)s meanwhile: look at it again.")
            % {"code": row.code},
            field="request",
        ) from None
    _step(
        row,
        StepKind.NOTE,
        actor,
        moment,
        _("Compensation proposed: %(amount)s (at most %(max)s).")
        % {"amount": _vnd(proposed), "max": _vnd(made.amount_max)},
    )
    audit_record(
        actor=actor,
        action="care.compensation_propose",
        obj=compensation,
        after={"rule": chosen, "loss_bp": made.loss_bp, "amount": proposed},
    )
    return compensation


# --- approved ----------------------------------------------------------------------------


def can_approve(actor: Any) -> bool:
    return access.has_role(actor, APPROVERS)


def _require_province(actor: Any, compensation: Compensation) -> None:
    """``compensation`` is of a request ``actor`` may see; else it does not exist."""
    if not access.in_scope(actor, compensation.request.unit_path):
        raise NotFound(_("No such compensation."))


@transaction.atomic
def compensation_approve(
    *, actor: Any, compensation: Compensation, at: dt.datetime | None = None
) -> Compensation:
    """Approve a proposed compensation: an accountant (or an administrator) of the
    province, not the one who proposed it; once."""
    if not can_approve(actor):
        raise AccessDenied(_("Only an accountant approves a compensation."))
    _require_province(actor, compensation)
    if compensation.proposed_by_id is not None and compensation.proposed_by_id == actor.pk:
        raise AccessDenied(_("A compensation is approved by someone other than who proposed it."))
    moment, _day = moment_of(at)
    claimed = Compensation.objects.filter(
        pk=compensation.pk, status=CompensationStatus.PROPOSED
    ).update(status=CompensationStatus.APPROVED, approved_at=moment, approved_by=actor)
    if claimed != 1:
        raise DomainError(
            _("The compensation of %(code)s was approved already.")
            % {"code": compensation.request.code},
            field="compensation",
        )
    compensation.refresh_from_db()
    _step(
        compensation.request,
        StepKind.NOTE,
        actor,
        moment,
        _("Compensation approved: %(amount)s.") % {"amount": _vnd(compensation.amount)},
    )
    audit_record(
        actor=actor,
        action="care.compensation_approve",
        obj=compensation,
        before={"status": CompensationStatus.PROPOSED},
        after={"status": CompensationStatus.APPROVED},
    )
    return compensation


# --- paid --------------------------------------------------------------------------------


def _not_payable(compensation: Compensation) -> DomainError:
    code = compensation.request.code
    if compensation.status == CompensationStatus.PAID:
        return DomainError(
            _("The compensation of %(code)s was paid already, on %(day)s.")
            % {
                "code": code,
                "day": f"{compensation.paid_on:%d/%m/%Y}" if compensation.paid_on else "—",
            },
            field="compensation",
        )
    return DomainError(
        _("The compensation of %(code)s is not approved yet: an accountant approves it first.")
        % {"code": code},
        field="compensation",
    )


def _transfer_desk(
    actor: Any, compensation: Compensation, point: ServicePoint | None, at: dt.datetime | None
) -> Desk:
    """The desk of a transfer: an accountant (or an administrator) of the province, booked
    at ``point``, else where the request was received, else where the item was accepted."""
    if not access.has_role(actor, TRANSFER_ROLES):
        raise AccessDenied(_("Only an accountant pays a compensation by transfer."))
    request = compensation.request
    where = point or request.point or (request.item.accepted_point if request.item else None)
    if where is None or where.province_code != compensation.province_code:
        raise DomainError(_("Choose the service point it is booked at."), field="point")
    return Desk.at_point(actor=actor, point=where, app=APP, at=at)


def compensation_pay(
    *,
    actor: Any,
    compensation: Compensation,
    point: ServicePoint | None,
    idempotency_key: str,
    method: str = PaymentMethod.CASH,
    bank: str = "",
    payee_name: str = "",
    payee_account: str = "",
    at: dt.datetime | None = None,
) -> CompensationPayment:
    """Pay an approved compensation, once (see the module): in cash from ``point``'s drawer,
    or by transfer from the province's account at ``bank`` to ``payee_account``. The same
    key and request return the payment made; another payment of it is refused."""
    if method not in PaymentMethod.values:
        raise DomainError(_("Choose how the compensation is paid."), field="method")
    request = compensation.request
    if method == PaymentMethod.CASH:
        if point is None:
            raise DomainError(_("Choose the service point."), field="point")
        desk = Desk.open(actor=actor, point=point, app=APP, at=at)
        if point.province_code != compensation.province_code or not access.in_scope(
            actor, request.unit_path
        ):
            raise NotFound(_("No such compensation."))
        bank = payee_account = ""
    else:
        _require_province(actor, compensation)
        desk = _transfer_desk(actor, compensation, point, at)
        bank = str(bank or "").strip().lower()
        if not bank:
            raise DomainError(_("Choose the bank account it is paid from."), field="bank")
        bank = banks.bank_code(compensation.province_code, bank)
        payee_account = fields.text(
            payee_account, field="payee_account", label=_("The customer's bank account"), limit=40
        )
    payee = fields.text(
        payee_name or request.customer_name, field="payee_name", label=_("The payee's name")
    )
    item = request.item
    service = item.service if item is not None else ""

    def work(op: Op) -> CompensationPayment:
        # Claim it: a payment racing this one (another key) makes this match nothing.
        claimed = Compensation.objects.filter(
            pk=compensation.pk, status=CompensationStatus.APPROVED
        ).update(status=CompensationStatus.PAID, paid_at=desk.moment, paid_on=desk.day)
        if claimed != 1:
            compensation.refresh_from_db()
            raise _not_payable(compensation)
        province = desk.province
        credit = (
            ledger.account_for_drawer(desk.point)
            if method == PaymentMethod.CASH
            else banks.bank_account(province, bank)
        )
        entry = op.post(
            kind=EntryKind.COMPENSATION,
            legs=[
                ledger.Leg(
                    # Other expenses (811) of the point that books it: its unit's cost.
                    debit=costs.cost_account(province, COMPENSATION_CATEGORY, desk.point),
                    credit=credit,
                    amount=compensation.amount,
                    service=service,
                )
            ],
            memo=f"{request.code} {payee}"[:200],
        )
        payment = CompensationPayment.objects.create(
            **op.record(entry),
            compensation=compensation,
            method=method,
            bank=bank,
            payee_name=payee,
            payee_account=payee_account,
            amount=compensation.amount,
        )
        Compensation.objects.filter(pk=compensation.pk).update(
            entry=entry, paid_on=entry.business_date
        )
        compensation.refresh_from_db()
        rollup_paid(request, compensation.amount, entry.business_date)
        _step(
            request,
            StepKind.COMPENSATED,
            actor,
            desk.moment,
            _("Compensation of %(amount)s paid (%(method)s), receipt %(reference)s.")
            % {
                "amount": _vnd(compensation.amount),
                "method": PaymentMethod(method).label.lower(),
                "reference": payment.reference,
            },
            public=True,
        )
        return payment

    return desk.once(
        CompensationPayment,
        operation="compensation",
        key=idempotency_key,
        prefix=PREFIX,
        fingerprint={
            "compensation": compensation.pk,
            "method": method,
            "bank": bank,
            "payee": payee,
            "account": payee_account,
        },
        work=work,
    )


# --- refunds through the service ---------------------------------------------------------

REFUNDABLE = frozenset({Subject.BILL, Subject.SALE})


def _upheld(request: CareRequest) -> None:
    if request.kind != RequestKind.COMPLAINT or request.subject not in REFUNDABLE:
        raise DomainError(
            _(
                "A refund through its service is made for a complaint about a bill collected "
                "or a sale; a payout, a dossier or a mail item is not refunded this way."
            ),
            field="request",
        )
    if request.status != Status.CLOSED or request.outcome not in (Outcome.UPHELD, Outcome.PARTLY):
        raise DomainError(
            _("A refund is made once the complaint is closed as upheld or partly upheld."),
            field="request",
        )
    if request.steps.filter(kind=StepKind.REFUNDED).exists():
        raise DomainError(
            _("%(code)s was refunded already.") % {"code": request.code}, field="request"
        )


def _bill_refund(actor: Any, request: CareRequest, reason: str) -> tuple[str, bool]:
    """The bill's cancellation: done (what the step says, True), or asked for a director's
    or an accountant's approval above the amount a clerk cancels alone (False: refunded
    when, once it is approved, the refund is asked again)."""
    from buudien.collection.choices import BillStatus
    from buudien.collection.models import Bill
    from buudien.collection.services import BILL_CANCEL, bill_cancel

    bill = Bill.objects.filter(
        province_code=request.province_code, reference=request.subject_ref
    ).first()
    if bill is None:
        raise NotFound(
            _("No bill %(reference)s is known.") % {"reference": request.subject_ref},
            field="subject_ref",
        )
    refunded = _("Bill %(reference)s cancelled: %(amount)s refunded.") % {
        "reference": bill.reference,
        "amount": _vnd(bill.total),
    }
    approved = CancelRequest.objects.filter(
        kind=BILL_CANCEL.name,
        record_id=str(bill.pk),
        status=CancelStatus.APPROVED,
        reason__contains=request.code,
    )
    if bill.status == BillStatus.CANCELLED and approved.exists():
        return refunded, True  # asked for this complaint, approved since
    result = bill_cancel(actor=actor, bill=bill, reason=reason)
    if not result.done:
        return (
            _(
                "Refund of bill %(reference)s asked: its cancellation (%(amount)s) waits for "
                "the approval of a director or an accountant; refund again once it is approved."
            )
            % {"reference": bill.reference, "amount": _vnd(bill.total)}
        ), False
    return refunded, True


def _sale_refund(
    actor: Any, request: CareRequest, reason: str, key: str, at: Any
) -> tuple[str, bool]:
    """Every product of the sale taken back: done (True), or asked for a director's or an
    accountant's approval above the amount a clerk gives back alone (False: refunded when,
    once it is approved, the refund is asked again)."""
    from buudien.goods.models import SaleReturn
    from buudien.goods.services import sale_get_for_return, sale_return_ask

    sale = sale_get_for_return(request.province_code, request.subject_ref)

    def refunded(back: Any) -> str:
        return _("Sale %(number)s returned (%(reference)s): %(amount)s refunded.") % {
            "number": sale.reference,
            "reference": back.reference,
            "amount": _vnd(back.total),
        }

    made = SaleReturn.objects.filter(sale=sale, reason__contains=request.code).first()
    if made is not None:
        return refunded(made), True  # asked for this complaint, approved since
    lines = [
        {"code": line.product.code, "quantity": line.quantity - line.returned}
        for line in sale.lines.select_related("product").order_by("pk")
        if line.quantity > line.returned
    ]
    if not lines:
        raise DomainError(
            _("Every product of sale %(number)s came back already.") % {"number": sale.reference},
            field="subject_ref",
        )
    result = sale_return_ask(
        actor=actor,
        point=sale.point,
        idempotency_key=key,
        sale=sale,
        lines=lines,
        reason=reason,
        at=at,
    )
    if not result.done:
        return (
            _(
                "Refund of sale %(number)s asked: taking its goods back (%(amount)s) waits "
                "for the approval of a director or an accountant; refund again once it is "
                "approved."
            )
            % {"number": sale.reference, "amount": _vnd(result.subject.amount)}
        ), False
    return refunded(result.record), True


@transaction.atomic
def refund_through_service(
    *,
    actor: Any,
    request: CareRequest,
    idempotency_key: str = "",
    at: dt.datetime | None = None,
) -> CareRequest:
    """The refund of an upheld complaint about a bill or a sale, through that service's own
    reversal, by the actor that service admits (a clerk of the bill's or sale's point, an
    administrator): the bill cancelled (its entry reversed; the business day it was
    collected only) or every product of the sale taken back (within the days goods are
    taken back). Its refusals (another day, settled, too late) are told as they are; nothing
    is written then. A public step says what was refunded; once. A cancellation above the
    amount a clerk cancels alone is asked (``counter.cancellations``): an internal note says
    so, and the refund is recorded when it is asked again, once a supervisor approved it."""
    require_handler(actor, request)
    row = _locked(request)
    _upheld(row)
    reason = _("Complaint %(code)s upheld") % {"code": row.code}
    moment, _day = moment_of(at)
    if row.subject == Subject.BILL:
        said, done = _bill_refund(actor, row, reason)
    else:
        key = key_clean(idempotency_key or f"{row.code}")
        said, done = _sale_refund(actor, row, reason, key, at)
    # A cancellation that waits for a supervisor is an internal note, no refund yet.
    _step(row, StepKind.REFUNDED if done else StepKind.NOTE, actor, moment, said, public=done)
    audit_record(
        actor=actor,
        action="care.refund_through_service" if done else "care.refund_asked",
        obj=row,
        after={"subject": row.subject, "reference": row.subject_ref},
    )
    return row
