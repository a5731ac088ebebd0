"""Cashless payment: the operations that change state, each one transaction.

Who does what (a decision; see also README section of the app):

- A clerk makes a payment request at the counter of their own point (an administrator may
  for any point in their scope). The clerk, or an accountant, may cancel it while it is not
  confirmed.
- Confirming is an accountant's (or an administrator's) act, never the clerk's: confirming
  credits the drawer (``counter_payment``) or a partner, on the word that money reached the
  bank. The clerk at the counter sees the customer's phone say "success", which is no proof;
  if the clerk could confirm, cash taken from the customer could leave the drawer with a
  fake "transfer". So confirmation comes from the bank's own record: an imported statement
  (matched by the code in the purpose and the amount) or an accountant who reads the bank's
  statement and types its reference. Auditors and directors read.
- Confirming calls the handler registered for the request's kind (``registry``) inside the
  confirmation's transaction: the handler posts its ledger entry (Dr bank / Cr ...); if it
  raises, the request stays unconfirmed and nothing is posted. Confirming a confirmed request
  again (same bank reference) changes nothing; a confirmed request cannot be cancelled.
- A point's first confirmed payment marks it cashless (``ServicePoint.cashless``) and records
  the day (``CashlessPoint``).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buudien.cashless import registry, statements, vietqr
from buudien.cashless.choices import LineStatus, PaymentEventKind, PaymentStatus
from buudien.cashless.models import (
    BankAccount,
    CashlessPoint,
    PaymentEvent,
    PaymentRequest,
    StatementLine,
)
from buudien.core.audit import audit_record
from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.money import format_vnd
from buudien.counter.desk import Desk, Op, user_or_none
from buudien.finance import ledger
from buudien.finance.models import Entry
from buudien.network.models import ServicePoint
from buudien.people import access
from buudien.people.choices import Role

APP = "cashless"
EXPIRES_AFTER = dt.timedelta(hours=24)
AMOUNT_MAX = 10**vietqr.AMOUNT_MAX_DIGITS - 1
CODE_PREFIX = "BD"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed by hand
CODE_RANDOM = 6
CODE_LENGTH = len(CODE_PREFIX) + 2 + CODE_RANDOM
REFERENCE_MAX = 100
PURPOSE_MAX = 200
KEY_MAX = 128
BANK_REFERENCE_MAX = 64

CREATE_ROLES = frozenset({Role.CLERK, Role.ADMIN})
CONFIRM_ROLES = frozenset({Role.ACCOUNTANT, Role.ADMIN})
BANK_ACCOUNT_ROLES = frozenset({Role.ACCOUNTANT, Role.ADMIN})


# --- who may ---------------------------------------------------------------------------------


def _point_visible(user: Any, point: ServicePoint) -> bool:
    return access.in_scope(user, point.unit_path)


def _require_point_visible(user: Any, point: ServicePoint) -> None:
    if not _point_visible(user, point):
        raise NotFound(_("No such service point."))


def can_create_at(user: Any, point: ServicePoint) -> bool:
    if not access.has_role(user, CREATE_ROLES) or not _point_visible(user, point):
        return False
    own = getattr(user, "point_id", None)
    if user.is_superuser or user.role == Role.ADMIN:
        return own is None or own == point.pk
    return bool(own == point.pk)


def can_create(user: Any) -> bool:
    """Whether ``user`` may ask for payments at all (at their point; an administrator at any
    point in scope)."""
    if not access.has_role(user, CREATE_ROLES):
        return False
    return getattr(user, "point_id", None) is not None or bool(
        user.is_superuser or user.role == Role.ADMIN
    )


def can_confirm(user: Any, request: PaymentRequest | None = None) -> bool:
    if not access.has_role(user, CONFIRM_ROLES):
        return False
    return request is None or _point_visible(user, request.point)


def can_cancel(user: Any, request: PaymentRequest) -> bool:
    if not _point_visible(user, request.point):
        return False
    if access.has_role(user, CONFIRM_ROLES):
        return True
    return access.has_role(user, frozenset({Role.CLERK})) and user.point_id == request.point_id


def can_manage_bank_accounts(user: Any) -> bool:
    return access.has_role(user, BANK_ACCOUNT_ROLES)


def _require_province(user: Any, province_code: str) -> None:
    unit = ledger.province_unit(province_code)
    if not access.in_scope(user, unit.path):
        raise NotFound(_("No provincial post %(code)s that you may see.") % {"code": province_code})


# --- bank accounts ---------------------------------------------------------------------------


_BIN = re.compile(r"^\d{6}$")
_ACCOUNT = re.compile(r"^[0-9A-Za-z]{1,19}$")


@transaction.atomic
def bank_account_set(
    *,
    actor: Any,
    province_code: str,
    bank_bin: str,
    bank_name: str,
    account_number: str,
    account_name: str,
    ledger_slug: str,
) -> BankAccount:
    """Make (or update) the account that receives the province's cashless payments and make
    it the active one; the one active before stops receiving new codes (codes already made
    keep naming it). An accountant or an administrator of the province."""
    if not can_manage_bank_accounts(actor):
        raise AccessDenied(
            _("Only an accountant or an administrator may set the receiving bank account.")
        )
    _require_province(actor, province_code)
    bank_bin, account_number = bank_bin.strip(), account_number.strip()
    errors: dict[str, list[str]] = {}
    if not _BIN.match(bank_bin):
        errors["bank_bin"] = [_("A bank BIN is 6 digits, e.g. 970415.")]
    if not _ACCOUNT.match(account_number):
        errors["account_number"] = [_("An account number is 1 to 19 letters or digits.")]
    if not account_name.strip():
        errors["account_name"] = [_("Give the account holder's name.")]
    if not bank_name.strip():
        errors["bank_name"] = [_("Give the bank's name.")]
    if errors:
        raise DomainError(_("The bank account is not valid."), errors=errors)
    bank = ledger.account_for_bank(province_code, ledger_slug.strip())  # checks the slug
    BankAccount.objects.filter(province_code=province_code, active=True).exclude(
        bank_bin=bank_bin, account_number=account_number
    ).update(active=False)
    account, _created = BankAccount.objects.update_or_create(
        province_code=province_code,
        bank_bin=bank_bin,
        account_number=account_number,
        defaults={
            "bank_name": bank_name.strip()[:100],
            "account_name": account_name.strip()[:200],
            "ledger_slug": bank.partner,
            "active": True,
        },
    )
    audit_record(
        actor=actor,
        action="cashless.bank_account_set",
        obj=account,
        after={"bin": bank_bin, "account": account_number, "ledger": bank.code},
    )
    return account


def bank_account_active(province_code: str) -> BankAccount:
    account = BankAccount.objects.filter(province_code=province_code, active=True).first()
    if account is None:
        raise DomainError(
            _(
                "Province %(code)s has no bank account for cashless payments yet: an "
                "accountant sets it first."
            )
            % {"code": province_code}
        )
    return account


# --- payment requests ------------------------------------------------------------------------


def _new_code(province_code: str) -> str:
    while True:
        tail = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_RANDOM))
        code = f"{CODE_PREFIX}{province_code}{tail}"
        if not PaymentRequest.objects.filter(province_code=province_code, code=code).exists():
            return code


def _event(request: PaymentRequest, kind: str, actor: Any, at: dt.datetime, note: str = "") -> None:
    PaymentEvent.objects.create(
        province_code=request.province_code,
        request=request,
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=at,
        note=note[:300],
    )


def payment_request_create(
    *,
    actor: Any,
    point: ServicePoint,
    kind: str,
    reference: str,
    amount: int,
    purpose: str,
    idempotency_key: str,
    now: dt.datetime | None = None,
) -> PaymentRequest:
    """A VietQR code for ``amount`` đồng owed at ``point`` for an operation of ``kind`` (a
    kind registered in ``registry``), with ``purpose`` (the code goes in front of it in the
    transfer's purpose). Retrying with the same key returns the same request; the same key
    with something else is refused. A counter operation (``buudien.counter.desk``), written
    to the audit log as ``cashless.request``."""
    _require_point_visible(actor, point)
    if not can_create_at(actor, point):
        raise AccessDenied(
            _("Only a clerk of this point or an administrator may ask for a cashless payment.")
        )
    key = (idempotency_key or "").strip()
    reference = (reference or "").strip()
    purpose = " ".join((purpose or "").split())
    errors: dict[str, list[str]] = {}
    if not key or len(key) > KEY_MAX:
        errors["idempotency_key"] = [
            _("An idempotency key of 1 to %(max)d characters is required.") % {"max": KEY_MAX}
        ]
    if kind not in registry.kinds():
        errors["kind"] = [
            _("No service settles payments of kind %(kind)s; known kinds: %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(registry.kinds()) or "-"}
        ]
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        errors["amount"] = [_("The amount is a positive whole number of đồng.")]
    elif amount > AMOUNT_MAX:
        errors["amount"] = [_("The amount is at most %(max)s.") % {"max": format_vnd(AMOUNT_MAX)}]
    if len(reference) > REFERENCE_MAX:
        errors["reference"] = [
            _("The reference has at most %(max)d characters.") % {"max": REFERENCE_MAX}
        ]
    if len(purpose) > PURPOSE_MAX:
        errors["purpose"] = [
            _("The purpose has at most %(max)d characters.") % {"max": PURPOSE_MAX}
        ]
    if errors:
        field, problems = next(iter(errors.items()))
        raise DomainError(problems[0], field=field, errors=errors)
    desk = Desk.at_point(actor=actor, point=point, app=APP, at=now)
    province = desk.province
    wanted = {
        "point_id": point.pk,
        "kind": kind,
        "reference": reference,
        "amount": amount,
        "purpose": purpose,
    }

    def reused(_found: PaymentRequest) -> DomainError:
        return DomainError(
            _("This idempotency key was used for another payment request."),
            field="idempotency_key",
        )

    def work(op: Op) -> PaymentRequest:
        account = bank_account_active(province)
        code = _new_code(province)
        payload = vietqr.build(
            bank_bin=account.bank_bin,
            account=account.account_number,
            amount=amount,
            purpose=f"{code} {purpose}",
        )
        request = PaymentRequest.objects.create(
            **op.made(),
            kind=kind,
            reference=reference,
            amount=amount,
            purpose=purpose,
            code=code,
            payload=payload,
            bank_account=account,
            expires_at=desk.moment + EXPIRES_AFTER,
        )
        _event(request, PaymentEventKind.CREATED, actor, desk.moment)
        return request

    return desk.once(
        PaymentRequest,
        operation="request",
        key=key,
        stored=key,
        same=lambda found: all(getattr(found, name) == value for name, value in wanted.items()),
        reused=reused,
        work=work,
    )


def payment_request_get(*, user: Any, pk: int) -> PaymentRequest:
    """A request whose point ``user`` may see; "not found" otherwise."""
    request = (
        PaymentRequest.objects.select_related("point", "bank_account", "created_by", "entry")
        .filter(pk=pk)
        .first()
    )
    if request is None or not _point_visible(user, request.point):
        raise NotFound(_("No such payment request."))
    return request


def payment_request_cancel(
    *, actor: Any, request: PaymentRequest, note: str = ""
) -> PaymentRequest:
    """Cancel a request not confirmed yet: its code must not be paid any more. Cancelling a
    cancelled request changes nothing; a confirmed one cannot be cancelled (the money is in;
    a refund is an operation of its own)."""
    _require_point_visible(actor, request.point)
    if not can_cancel(actor, request):
        raise AccessDenied(
            _("Only a clerk of this point, an accountant or an administrator may cancel it.")
        )
    with transaction.atomic():
        locked = PaymentRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status == PaymentStatus.CANCELLED:
            return locked
        if locked.status == PaymentStatus.CONFIRMED:
            raise DomainError(
                _("Payment %(code)s is confirmed: it cannot be cancelled.") % {"code": locked.code}
            )
        now = timezone.now()
        claimed = PaymentRequest.objects.filter(
            pk=locked.pk, status__in=PaymentStatus.open()
        ).update(status=PaymentStatus.CANCELLED, cancelled_by=user_or_none(actor), cancelled_at=now)
        if claimed != 1:  # pragma: no cover - the row is locked (or the database serialised)
            raise DomainError(_("The payment request changed meanwhile; try again."))
        locked.refresh_from_db()
        _event(locked, PaymentEventKind.CANCELLED, actor, now, note)
    return locked


def payment_requests_expire(*, province_code: str, now: dt.datetime | None = None) -> int:
    """Mark the pending requests of a province whose time has passed as expired (their money
    may still arrive: an expired request can still be confirmed). Returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            PaymentRequest.objects.filter(
                province_code=province_code, status=PaymentStatus.PENDING, expires_at__lte=now
            ).values_list("pk", flat=True)[:5000]
        )
        if not due:
            return 0
        changed = PaymentRequest.objects.filter(pk__in=due, status=PaymentStatus.PENDING).update(
            status=PaymentStatus.EXPIRED
        )
        PaymentEvent.objects.bulk_create(
            [
                PaymentEvent(
                    province_code=province_code,
                    request_id=pk,
                    kind=PaymentEventKind.EXPIRED,
                    at=now,
                )
                for pk in due
            ]
        )
    return changed


def _mark_cashless(request: PaymentRequest, actor: Any, day: dt.date) -> None:
    """The point takes cashless payments from (at the latest) ``day`` on."""
    point = request.point
    record = CashlessPoint.objects.filter(point=point).only("since").first()
    if record is None:
        CashlessPoint.objects.create(
            province_code=request.province_code, point=point, since=day, first_request=request
        )
    elif record.since > day:
        CashlessPoint.objects.filter(pk=record.pk).update(since=day, first_request=request)
    if not point.cashless and ServicePoint.objects.filter(pk=point.pk, cashless=False).update(
        cashless=True
    ):
        point.cashless = True
        audit_record(
            actor=actor,
            action="cashless.point_flagged",
            obj=point,
            before={"cashless": False},
            after={"cashless": True, "since": day.isoformat(), "payment": request.code},
        )


@transaction.atomic
def cashless_point_enable(*, actor: Any, point: ServicePoint, since: dt.date) -> CashlessPoint:
    """Record that ``point`` takes cashless payments from ``since`` on (its QR stand was put
    up before its first payment came in): an administrator's act, like the point's other
    attributes. A first confirmed payment earlier than ``since`` moves the day back."""
    if not access.can_manage_network(actor):
        raise AccessDenied(_("Only an administrator may change units and service points."))
    _require_point_visible(actor, point)
    if since < point.opened_on or since > local_today():
        raise DomainError(
            _("The day must lie between the point's opening and today."), field="since"
        )
    record, created = CashlessPoint.objects.get_or_create(
        point=point, defaults={"province_code": point.province_code, "since": since}
    )
    if not created and record.since > since:
        record.since = since
        record.save(update_fields=["since"])
    if ServicePoint.objects.filter(pk=point.pk, cashless=False).update(cashless=True):
        point.cashless = True
    audit_record(
        actor=actor,
        action="cashless.point_enabled",
        obj=point,
        after={"cashless": True, "since": record.since.isoformat()},
    )
    return record


def _clean_reference(bank_reference: str) -> str:
    value = " ".join((bank_reference or "").split())
    if not value:
        raise DomainError(
            _("Give the bank's reference of the transfer (from the bank statement)."),
            field="bank_reference",
        )
    if len(value) > BANK_REFERENCE_MAX:
        raise DomainError(
            _("A bank reference has at most %(max)d characters.") % {"max": BANK_REFERENCE_MAX},
            field="bank_reference",
        )
    return value


def _confirm(
    *,
    actor: Any,
    request: PaymentRequest,
    bank_reference: str,
    paid_on: dt.date,
    at: dt.datetime,
    note: str = "",
) -> PaymentRequest:
    """Confirm ``request`` (the caller has checked the actor), posting through its kind's
    handler, all in one transaction."""
    province = request.province_code
    with transaction.atomic():
        locked = (
            PaymentRequest.objects.select_for_update()
            .select_related("point", "bank_account")
            .get(pk=request.pk)
        )
        if locked.status == PaymentStatus.CONFIRMED:
            if locked.bank_reference == bank_reference:
                return locked
            raise DomainError(
                _("Payment %(code)s is confirmed already, with bank reference %(ref)s.")
                % {"code": locked.code, "ref": locked.bank_reference},
                field="bank_reference",
            )
        if locked.status == PaymentStatus.CANCELLED:
            raise DomainError(
                _("Payment %(code)s was cancelled: it cannot be confirmed.") % {"code": locked.code}
            )
        other = (
            PaymentRequest.objects.filter(province_code=province, bank_reference=bank_reference)
            .exclude(pk=locked.pk)
            .first()
        )
        if other is not None:
            raise DomainError(
                _("Bank reference %(ref)s confirmed payment %(code)s already.")
                % {"ref": bank_reference, "code": other.code},
                field="bank_reference",
            )
        line = StatementLine.objects.filter(
            province_code=province, bank_reference=bank_reference
        ).first()
        if line is not None and line.amount != locked.amount:
            raise DomainError(
                _(
                    "The bank statement line %(ref)s is of %(line)s, not of the %(amount)s "
                    "this payment asks for."
                )
                % {
                    "ref": bank_reference,
                    "line": format_vnd(line.amount),
                    "amount": format_vnd(locked.amount),
                },
                field="bank_reference",
            )
        handler = registry.handler_for(locked.kind)
        if handler is None:
            raise DomainError(
                _("No service settles payments of kind %(kind)s.") % {"kind": locked.kind}
            )
        claimed = PaymentRequest.objects.filter(
            pk=locked.pk, status__in=PaymentStatus.open()
        ).update(
            status=PaymentStatus.CONFIRMED,
            confirmed_by=user_or_none(actor),
            confirmed_at=at,
            paid_on=paid_on,
            bank_reference=bank_reference,
        )
        if claimed != 1:  # pragma: no cover - the row is locked (or the database serialised)
            raise DomainError(_("The payment request changed meanwhile; try again."))
        locked.status = PaymentStatus.CONFIRMED
        locked.confirmed_by = user_or_none(actor)
        locked.confirmed_at = at
        locked.paid_on = paid_on
        locked.bank_reference = bank_reference
        bank = ledger.account_for_bank(province, locked.bank_account.ledger_slug)
        result = handler(locked, actor=actor, bank=bank)
        if isinstance(result, Entry):
            locked.entry = result
            PaymentRequest.objects.filter(pk=locked.pk).update(entry=result)
        _event(locked, PaymentEventKind.CONFIRMED, actor, at, note or bank_reference)
        if line is not None and line.request_id is None:
            StatementLine.objects.filter(pk=line.pk).update(
                request=locked, status=LineStatus.MATCHED, reason=""
            )
        _mark_cashless(locked, actor, paid_on)
    return locked


def payment_request_confirm(
    *,
    actor: Any,
    request: PaymentRequest,
    bank_reference: str,
    paid_on: dt.date | None = None,
    note: str = "",
) -> PaymentRequest:
    """Confirm by hand that the money of ``request`` reached the bank (the bank's reference
    of the transfer, ``paid_on`` the day it arrived: today by default). An accountant or an
    administrator whose scope holds the point. The handler of the request's kind posts the
    ledger entry in the same transaction; if it refuses, nothing changes. Confirming again
    with the same bank reference returns the request unchanged."""
    _require_point_visible(actor, request.point)
    if not can_confirm(actor, request):
        raise AccessDenied(
            _("Only an accountant or an administrator confirms a payment: on the bank's word.")
        )
    reference = _clean_reference(bank_reference)
    today = local_today()
    day = paid_on or today
    if day > today:
        raise DomainError(_("The money cannot have arrived after today."), field="paid_on")
    try:
        return _confirm(
            actor=actor,
            request=request,
            bank_reference=reference,
            paid_on=day,
            at=timezone.now(),
            note=note,
        )
    except IntegrityError as exc:
        # Another request took this bank reference meanwhile (the unique key refused it).
        raise _reference_taken(reference) from exc


def _reference_taken(reference: str) -> DomainError:
    return DomainError(
        _("Bank reference %(ref)s confirmed another payment already.") % {"ref": reference},
        field="bank_reference",
    )


def statement_line_get(*, user: Any, pk: int) -> StatementLine:
    """A statement line of a province whose provincial post ``user`` may see and whose
    statements they match (an accountant or an administrator); "not found" otherwise."""
    line = StatementLine.objects.select_related("request").filter(pk=pk).first()
    if (
        line is None
        or not can_confirm(user)
        or not access.in_scope(user, ledger.province_unit(line.province_code).path)
    ):
        raise NotFound(_("No such statement line."))
    return line


def statement_line_match(
    *, actor: Any, line: StatementLine, request: PaymentRequest
) -> PaymentRequest:
    """Match a line of a bank statement to ``request`` by hand (its code was mistyped by the
    payer, say, or it was taken for interest): the request is confirmed with the line's
    reference, day and amount. Same rights as confirming by hand; money going out matches
    no payment."""
    if line.province_code != request.province_code:
        raise NotFound(_("No such payment request."))
    if line.amount <= 0:
        raise DomainError(
            _("Statement line %(ref)s is money going out: it pays no payment request.")
            % {"ref": line.bank_reference}
        )
    if line.request_id is not None:
        raise DomainError(
            _("This statement line is matched already to payment %(code)s.")
            % {"code": line.request.code if line.request else ""}
        )
    return payment_request_confirm(
        actor=actor,
        request=request,
        bank_reference=line.bank_reference,
        paid_on=line.date,
        note=_("matched by hand to statement line %(ref)s") % {"ref": line.bank_reference},
    )


# --- matching statement lines ----------------------------------------------------------------

_NOT_CODE = re.compile(r"[^A-Z0-9]")


def codes_in(description: str) -> list[str]:
    """The candidate request codes in a transfer's description: banks upper-case it, drop
    the diacritics and sometimes the spaces, or add their own words around it."""
    compact = _NOT_CODE.sub("", vietqr.ascii_fold(description).upper())
    found: list[str] = []
    start = compact.find(CODE_PREFIX)
    while start != -1:
        candidate = compact[start : start + CODE_LENGTH]
        if len(candidate) == CODE_LENGTH and candidate not in found:
            found.append(candidate)
        start = compact.find(CODE_PREFIX, start + 1)
    return found


def line_not_related(line: StatementLine) -> str:
    """Why an imported line is no customer's payment (the bank's fee, interest, money going
    out), or "" for a credit that may pay a request. A credit with a payment code in its
    description is a payment whatever its words."""
    if line.amount > 0 and codes_in(line.description):
        return ""
    kind = statements.line_kind(line.description, line.amount)
    if kind == "fee":
        return _("bank fee")
    if kind == "interest":
        return _("interest paid by the bank")
    if kind == "debit":
        return _("money going out (a debit)")
    return ""


def line_match(
    *,
    actor: Any,
    line: StatementLine,
    candidates: dict[str, PaymentRequest],
    at: dt.datetime,
) -> StatementLine:
    """Match an imported line to its request by its code and amount, confirming it; what
    does not match stays unmatched, with the reason."""
    codes = codes_in(line.description)
    found = [candidates[code] for code in codes if code in candidates]
    reason = ""
    if not found:
        reason = _("no payment code in the description")
    else:
        request = next((r for r in found if r.amount == line.amount), None)
        if request is None:
            reason = _("payment %(code)s is of %(amount)s, the transfer of %(line)s") % {
                "code": found[0].code,
                "amount": format_vnd(found[0].amount),
                "line": format_vnd(line.amount),
            }
        elif request.status == PaymentStatus.CANCELLED:
            reason = _("payment %(code)s was cancelled") % {"code": request.code}
        elif request.status == PaymentStatus.CONFIRMED:
            reason = _("payment %(code)s is confirmed already (bank reference %(ref)s)") % {
                "code": request.code,
                "ref": request.bank_reference,
            }
        else:
            try:
                with transaction.atomic():
                    done = _confirm(
                        actor=actor,
                        request=request,
                        bank_reference=line.bank_reference,
                        paid_on=line.date,
                        at=at,
                        note=_("bank statement"),
                    )
            except DomainError as exc:
                reason = str(exc.message)
            except IntegrityError:
                reason = str(_reference_taken(line.bank_reference).message)
            else:
                candidates[done.code] = done
                line.request, line.status, line.reason = done, LineStatus.MATCHED, ""
                return line
    StatementLine.objects.filter(pk=line.pk).update(reason=reason[:300])
    line.reason = reason[:300]
    return line
