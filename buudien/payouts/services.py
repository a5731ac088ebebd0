"""Disbursements and pensions: importing a payer's monthly list, paying its lines at the
counters, closing it at the end of the period. Each operation is one transaction.

The money, on the ledger (accounts of ``buudien.finance.ledger``):

- **Import funds the list.** The payer (BHXH tỉnh, the labour department ...) transfers the
  list's total to the provincial post's bank account, and the post advances each pay point
  the cash of its own lines (tạm ứng):

  - ``Dr 1121.<bank> / Cr 3388.partner.<payer>``: the total, kind ``collection_settlement``;
  - ``Dr 1111.<point> / Cr 1121.<bank>``: each pay point's lines, kind ``cash_transfer`` (in
    entries of at most 99 points).

- **A payment** is one entry per line, kind ``pension`` or ``disbursement``, every leg with
  that service:

  - ``Dr 3388.partner.<payer> / Cr 1111.<paying point>``: the amount, out of the drawer of the
    point that pays (any point of the province: a point that pays lines it was not advanced
    for pays from its own cash; the ledger refuses when its drawer has not enough);
  - ``Dr 3388.partner.<payer> / Cr 5113.<service>``: the payer's commission, revenue of the
    service. Debiting the payer's account makes the commission a receivable from the payer:
    once the list is closed that account stands at minus the commission earned, which the
    payer settles (an accountant's ``collection_settlement``).

- **Closing the list** (period end) returns what was not paid:

  - each point gives back what is left of its advance (advance minus what it paid for the
    list), ``Dr 1121.<bank> / Cr 1111.<point>``; a point that paid more than it was advanced
    (lines of other points) is made whole, ``Dr 1111.<point> / Cr 1121.<bank>`` (kind
    ``cash_transfer``);
  - one entry returns the unpaid amount to the payer, ``Dr 3388.partner.<payer> / Cr
    1121.<bank>`` (kind ``collection_settlement``); the unpaid lines are marked returned.

The funding and closing entries are movements of the payer's money, not operations for a
customer: their legs carry no service, so the year-end report counts one pension (or
disbursement) operation per line paid and the commission as the service's revenue.

Idempotency: a payment's ledger key names its line (``payouts:line:<id>``), so a line is
posted once whatever happens; the request's own key (``Idempotency-Key``, or the page's
hidden token) tells a retry of the same payment, answered with the payment already made,
from another attempt to pay the line, refused with when and where it was paid (the counter's
``Desk.once``, which writes ``payouts.line`` to the audit log). Closing a closed list changes
nothing.

Who: accountants and administrators import and close lists (the console, ``actor=None``,
may too); counter clerks pay, at their own point; auditors and directors only read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record
from buudien.core.bizdays import VIETNAM, local_today
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.imports import ImportFailed, RowError
from buudien.core.money import format_vnd
from buudien.core.sequences import sequence_next
from buudien.core.text import fold
from buudien.counter.desk import Desk, Op, key_clean
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account, Entry
from buudien.network.choices import PointKind
from buudien.network.models import PointService, ServicePoint
from buudien.payouts import selectors
from buudien.payouts.choices import LineStatus, ListStatus, PayoutService
from buudien.payouts.models import Payer, Payment, PayoutLine, PayoutList
from buudien.people import access
from buudien.people.choices import Role

LIST_ROLES = frozenset({Role.ACCOUNTANT, Role.ADMIN})
PAY_ROLES = frozenset({Role.CLERK, Role.ADMIN})
MAX_LINES = 100_000  # a province's whole monthly pension list (Lạng Sơn: tens of thousands)
MAX_LINE_AMOUNT = 10**11  # a hundred billion đồng: no line is larger
POINTS_PER_ENTRY = 99  # the ledger takes at most 100 legs an entry
CITIZEN_ID = re.compile(r"^\d{12}$")
PREFIXES = {PayoutService.PENSION: "LH", PayoutService.DISBURSEMENT: "CH"}
ENTRY_KINDS = {
    PayoutService.PENSION: EntryKind.PENSION,
    PayoutService.DISBURSEMENT: EntryKind.DISBURSEMENT,
}


# --- small helpers ---------------------------------------------------------------------------


def citizen_id_clean(value: Any) -> str:
    """An ID number as typed or read: spaces and dots dropped."""
    return re.sub(r"[\s.\-]", "", str(value or ""))


def citizen_id_problem(value: str) -> str | None:
    """Why ``value`` is not a 12-digit citizen ID (CCCD), or None."""
    if not CITIZEN_ID.match(value):
        return _("a citizen ID (CCCD) has exactly 12 digits, not %(value)s") % {
            "value": value or "—"
        }
    return None


def period_parse(value: Any) -> dt.date:
    """``2026-11``, ``11/2026`` or a date (its month) -> the first day of the month."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = str(value or "").strip()
    match = re.match(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?$", text) or None
    if match:
        year, month = int(match.group(1)), int(match.group(2))
    else:
        other = re.match(r"^(\d{1,2})/(\d{4})$", text)
        if not other:
            raise ValueError(
                _("expected a month as YYYY-MM or MM/YYYY, not %(value)s") % {"value": text or "—"}
            )
        month, year = int(other.group(1)), int(other.group(2))
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise ValueError(_("%(value)s is not a real month") % {"value": text})
    return dt.date(year, month, 1)


def _local(at: dt.datetime | None) -> dt.datetime:
    return (at or timezone.now()).astimezone(VIETNAM)


def _day(at: dt.datetime | None) -> dt.date | None:
    """The business day of an operation dated ``at`` (None: the open day)."""
    return _local(at).date() if at is not None else None


def _chunks[T](items: Sequence[T], size: int) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _require_list_role(actor: Any) -> None:
    if actor is not None and not access.has_role(actor, LIST_ROLES):
        raise AccessDenied(
            _("Only an accountant or an administrator may import and close payout lists.")
        )


def _on_other_list() -> str:
    return _("citizen ID %(id)s is already on list %(list)s of this payer for %(period)s")


def _memo(payout_list: PayoutList, payer: Payer) -> str:
    """The memo of a list's funding and closing entries: the payer and the month."""
    return f"{payer.name} · {payout_list.period:%m/%Y}"[:500]


def _offers(point: ServicePoint, service: str) -> bool:
    return PointService.objects.filter(point=point, service=service).exists()


# --- payers ----------------------------------------------------------------------------------


def payer_save(
    *,
    actor: Any,
    province_code: str,
    code: str,
    name: str,
    service: str,
    bank: str = "bidv",
    commission_per_line: int = 0,
    commission_rate_bp: int = 0,
) -> Payer:
    """Make a payer, or change the one of that code (its name, bank and commission; lists
    already imported keep the commission of their lines)."""
    _require_list_role(actor)
    if actor is not None:
        unit = ledger.province_unit(province_code)
        if not access.in_scope(actor, unit.path):
            raise NotFound(_("No such province."))
    ledger.slug(code, "code")
    ledger.slug(bank, "bank")
    if service not in PayoutService.values:
        raise DomainError(_("Unknown service %(service)s.") % {"service": service}, field="service")
    if not name.strip():
        raise DomainError(_("A payer needs a name."), field="name")
    if commission_per_line < 0 or commission_rate_bp < 0:
        raise DomainError(_("A commission cannot be negative."), field="commission_per_line")
    with transaction.atomic():
        payer, created = Payer.objects.update_or_create(
            province_code=province_code,
            code=code,
            defaults={
                "name": name.strip()[:200],
                "service": service,
                "bank": bank,
                "commission_per_line": commission_per_line,
                "commission_rate_bp": commission_rate_bp,
                "active": True,
            },
        )
        audit_record(
            actor=actor,
            action="payouts.payer_create" if created else "payouts.payer_update",
            obj=payer,
            after={
                "code": code,
                "service": service,
                "bank": bank,
                "commission_per_line": commission_per_line,
                "commission_rate_bp": commission_rate_bp,
            },
        )
    return payer


# --- importing a list ------------------------------------------------------------------------


@dataclass(frozen=True)
class ListRow:
    """One line of a list as read from a file (or a request). ``row`` is its number in the
    file (the header is row 1), used in problems."""

    row: int
    beneficiary_name: str
    citizen_id: str
    amount: int
    point_code: str
    address: str = ""
    phone: str = ""
    line_reference: str = ""


@dataclass
class _Checked:
    points: dict[str, ServicePoint]


def _list_access(actor: Any, payer: Payer) -> None:
    _require_list_role(actor)
    if actor is not None:
        unit = ledger.province_unit(payer.province_code)
        if not access.in_scope(actor, unit.path):
            raise NotFound(_("No payer %(code)s that you may use.") % {"code": payer.code})
    if not payer.active:
        raise DomainError(_("Payer %(name)s is no longer active.") % {"name": payer.name})


def list_problems(
    *, actor: Any, payer: Payer, period: dt.date, rows: Sequence[ListRow]
) -> tuple[list[RowError], _Checked]:
    """Every problem of ``rows`` as a list of ``payer`` for ``period``: unknown pay points
    (or out of ``actor``'s scope, or not paying this service), citizen IDs twice in the
    list or already on another list of the payer for the period, bad amounts."""
    errors: list[RowError] = []
    if not rows:
        errors.append(RowError(0, "", _("The list has no lines.")))
    if len(rows) > MAX_LINES:
        errors.append(RowError(0, "", _("A list has at most %(max)d lines.") % {"max": MAX_LINES}))
    codes = {row.point_code for row in rows if row.point_code}
    points = {
        p.code: p
        for p in ServicePoint.objects.filter(
            code__in=codes, province_code=payer.province_code
        ).select_related("unit")
    }
    scope = access.scope_q(actor, "unit_path") if actor is not None else None
    if scope is not None:
        visible = set(
            ServicePoint.objects.filter(scope, code__in=points).values_list("code", flat=True)
        )
        points = {code: p for code, p in points.items() if code in visible}
    offering = set(
        PointService.objects.filter(point__in=points.values(), service=payer.service).values_list(
            "point__code", flat=True
        )
    )
    first_day = period
    last_day = (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(1)
    taken = dict(
        PayoutLine.objects.filter(
            payout_list__payer=payer,
            payout_list__period=period,
            citizen_id__in={row.citizen_id for row in rows},
        ).values_list("citizen_id", "payout_list__code")
    )
    seen: dict[str, int] = {}
    service_label = PayoutService(payer.service).label
    for row in rows:
        if not row.beneficiary_name.strip():
            errors.append(RowError(row.row, "beneficiary_name", _("a value is required")))
        problem = citizen_id_problem(row.citizen_id)
        if problem:
            errors.append(RowError(row.row, "citizen_id", problem))
        elif row.citizen_id in seen:
            errors.append(
                RowError(
                    row.row,
                    "citizen_id",
                    _("citizen ID %(id)s is already on row %(first)d of this list")
                    % {"id": row.citizen_id, "first": seen[row.citizen_id]},
                )
            )
        else:
            seen[row.citizen_id] = row.row
            if row.citizen_id in taken:
                errors.append(
                    RowError(
                        row.row,
                        "citizen_id",
                        _on_other_list()
                        % {
                            "id": row.citizen_id,
                            "list": taken[row.citizen_id],
                            "period": f"{period:%m/%Y}",
                        },
                    )
                )
        if not isinstance(row.amount, int) or isinstance(row.amount, bool) or row.amount <= 0:
            errors.append(
                RowError(row.row, "amount", _("an amount is a whole number of đồng above 0"))
            )
        elif row.amount > MAX_LINE_AMOUNT:
            errors.append(
                RowError(
                    row.row,
                    "amount",
                    _("at most %(max)s a line") % {"max": format_vnd(MAX_LINE_AMOUNT)},
                )
            )
        point = points.get(row.point_code)
        if point is None:
            errors.append(
                RowError(
                    row.row,
                    "point_code",
                    _("unknown pay point %(code)s in province %(province)s")
                    % {"code": row.point_code or "—", "province": payer.province_code},
                )
            )
        elif point.kind not in PointKind.with_counter():
            errors.append(
                RowError(
                    row.row,
                    "point_code",
                    _("point %(code)s has no counter to pay at") % {"code": point.code},
                )
            )
        elif not (point.is_active_on(first_day) or point.is_active_on(last_day)):
            errors.append(
                RowError(
                    row.row,
                    "point_code",
                    _("point %(code)s does not serve in %(period)s")
                    % {"code": point.code, "period": f"{period:%m/%Y}"},
                )
            )
        elif point.code not in offering:
            errors.append(
                RowError(
                    row.row,
                    "point_code",
                    _("point %(code)s does not offer %(service)s")
                    % {"code": point.code, "service": service_label},
                )
            )
    return errors, _Checked(points)


def _fund(
    *,
    actor: Any,
    payout_list: PayoutList,
    payer: Payer,
    advances: dict[ServicePoint, int],
    day: dt.date | None,
) -> Entry:
    """The payer's money into the bank, then each point's advance into its drawer."""
    province = payout_list.province_code
    bank = ledger.account_for_bank(province, payer.bank)
    payable = ledger.account_for_partner(province, payer.code)
    memo = _memo(payout_list, payer)
    funded = ledger.Posting(
        idempotency_key=f"payouts:list:{payout_list.pk}:funded",
        kind=EntryKind.COLLECTION_SETTLEMENT,
        reference=payout_list.code,
        legs=[ledger.Leg(bank, payable, payout_list.total_amount)],
        business_date=day,
        memo=memo,
        late=True,
    )
    ordered = sorted(advances.items(), key=lambda item: item[0].code)
    advanced = [
        ledger.Posting(
            idempotency_key=f"payouts:list:{payout_list.pk}:advance:{index}",
            kind=EntryKind.CASH_TRANSFER,
            reference=payout_list.code,
            legs=[
                ledger.Leg(ledger.account_for_drawer(point), bank, amount)
                for point, amount in chunk
            ],
            business_date=day,
            memo=memo,
            late=True,
        )
        for index, chunk in enumerate(_chunks(ordered, POINTS_PER_ENTRY))
    ]
    entries = ledger.entries_post(actor=actor, province_code=province, postings=[funded, *advanced])
    return entries[0]


def list_import(
    *,
    actor: Any,
    payer: Payer,
    period: dt.date,
    rows: Sequence[ListRow],
    reference: str = "",
    file_name: str = "",
    at: dt.datetime | None = None,
) -> PayoutList:
    """Import ``payer``'s list for the month ``period``, all or nothing, and fund it (see the
    module's docstring). Refused, changing nothing: ``AccessDenied`` for who may not import,
    ``NotFound`` for a payer out of scope, ``ImportFailed`` with every problem of the rows
    (see ``list_problems``)."""
    _list_access(actor, payer)
    period = period.replace(day=1)
    errors, checked = list_problems(actor=actor, payer=payer, period=period, rows=rows)
    if errors:
        raise ImportFailed(errors)
    return _list_write(
        actor=actor,
        payer=payer,
        period=period,
        rows=rows,
        points=checked.points,
        reference=reference,
        file_name=file_name,
        at=at,
    )


def _list_write(
    *,
    actor: Any,
    payer: Payer,
    period: dt.date,
    rows: Sequence[ListRow],
    points: dict[str, ServicePoint],
    reference: str,
    file_name: str,
    at: dt.datetime | None,
) -> PayoutList:
    province = payer.province_code
    service = payer.service
    created_at = _local(at)
    with transaction.atomic():
        serial = sequence_next(f"payouts:list:{province}:{service}:{period:%Y%m}")
        code = f"{PREFIXES[PayoutService(service)]}{period:%Y%m}-{serial:03d}"
        commissions = [payer.commission_for(row.amount) for row in rows]
        payout_list = PayoutList.objects.create(
            province_code=province,
            code=code,
            payer=payer,
            service=service,
            period=period,
            unit=ledger.province_unit(province),
            reference=reference[:100],
            file_name=file_name[:200],
            line_count=len(rows),
            total_amount=sum(row.amount for row in rows),
            commission_total=sum(commissions),
            created_at=created_at,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        PayoutLine.objects.bulk_create(
            [
                PayoutLine(
                    province_code=province,
                    payout_list=payout_list,
                    number=number,
                    beneficiary_name=row.beneficiary_name.strip()[:200],
                    name_folded=fold(row.beneficiary_name)[:200],
                    citizen_id=row.citizen_id,
                    amount=row.amount,
                    commission=commission,
                    point=points[row.point_code],
                    address=row.address[:300],
                    phone=row.phone[:20],
                    line_reference=row.line_reference[:50],
                )
                for number, (row, commission) in enumerate(
                    zip(rows, commissions, strict=True), start=1
                )
            ],
            batch_size=1000,
        )
        advances: dict[ServicePoint, int] = defaultdict(int)
        for row in rows:
            advances[points[row.point_code]] += row.amount
        payout_list.funding_entry = _fund(
            actor=actor, payout_list=payout_list, payer=payer, advances=advances, day=_day(at)
        )
        payout_list.save(update_fields=["funding_entry"])
        audit_record(
            actor=actor,
            action="payouts.list_import",
            obj=payout_list,
            after={
                "code": code,
                "payer": payer.code,
                "period": f"{period:%Y-%m}",
                "lines": len(rows),
                "total": payout_list.total_amount,
                "file": file_name,
            },
        )
    return payout_list


# --- paying a line ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Proxy:
    """An authorised representative: name, citizen ID, number of the authorisation."""

    name: str
    citizen_id: str
    document: str


def _paying_point(actor: Any) -> ServicePoint:
    if not access.has_role(actor, PAY_ROLES):
        raise AccessDenied(_("Only a counter clerk may pay a payout line."))
    point = selectors.user_point(actor)
    if point is None:
        raise AccessDenied(_("You do not work at a counter: a line is paid at a point's counter."))
    return point


def _already_paid(line: PayoutLine, payment: Payment) -> DomainError:
    local = payment.paid_at.astimezone(VIETNAM)
    return DomainError(
        _("Line %(line)s (%(name)s) was already paid on %(when)s at point %(point)s by %(clerk)s.")
        % {
            "line": line.code,
            "name": line.beneficiary_name,
            "when": f"{local:%d/%m/%Y %H:%M}",
            "point": f"{payment.point.code} {payment.point.name}",
            "clerk": str(payment.clerk) if payment.clerk else "—",
        }
    )


def _returned(line: PayoutLine) -> DomainError:
    closed = line.payout_list.closed_at
    when = f"{closed.astimezone(VIETNAM):%d/%m/%Y}" if closed else "—"
    return DomainError(
        _(
            "List %(list)s was closed on %(when)s: line %(line)s was not paid and its money "
            "was returned to %(payer)s. It can no longer be paid here."
        )
        % {
            "list": line.payout_list.code,
            "when": when,
            "line": line.code,
            "payer": line.payout_list.payer.name,
        }
    )


def _proxy_checked(line: PayoutLine, proxy: Proxy | None) -> Proxy | None:
    if proxy is None or not any((proxy.name.strip(), proxy.citizen_id, proxy.document.strip())):
        return None
    problems: dict[str, list[str]] = {}
    name = " ".join(proxy.name.split())
    document = proxy.document.strip()
    cid = citizen_id_clean(proxy.citizen_id)
    if not name:
        problems["proxy_name"] = [_("Give the representative's name.")]
    problem = citizen_id_problem(cid)
    if problem:
        problems["proxy_citizen_id"] = [
            _("The representative's ID: %(problem)s.") % {"problem": problem}
        ]
    elif cid == line.citizen_id:
        problems["proxy_citizen_id"] = [
            _(
                "The representative's ID is the beneficiary's: a payment to the beneficiary "
                "needs no representative."
            )
        ]
    if not document:
        problems["proxy_document"] = [_("Give the number of the authorisation document.")]
    if problems:
        first = next(iter(problems.values()))[0]
        raise DomainError(first, field=next(iter(problems)), errors=problems)
    return Proxy(name=name[:200], citizen_id=cid, document=document[:50])


def _payment_accounts(
    province: str, payer: Payer, point: ServicePoint, service: str
) -> tuple[Account, Account, Account]:
    """The payer's account, the point's drawer and the service's revenue: one read when they
    exist (the counters' hot path), made when they do not."""
    codes: dict[str, Callable[[], Account]] = {
        f"{ledger.PARTNER_PREFIX}{payer.code}": lambda: ledger.account_for_partner(
            province, payer.code
        ),
        f"{ledger.DRAWER_PREFIX}{point.code}": lambda: ledger.account_for_drawer(point),
        f"{ledger.REVENUE_PREFIX}{service}": lambda: ledger.account_for_revenue(province, service),
    }
    found = {a.code: a for a in Account.objects.filter(province_code=province, code__in=codes)}
    payable, drawer, revenue = (found.get(code) or make() for code, make in codes.items())
    return payable, drawer, revenue


def line_pay(
    *,
    actor: Any,
    line_id: int,
    presented_id: str,
    idempotency_key: str,
    proxy: Proxy | None = None,
    at: dt.datetime | None = None,
) -> Payment:
    """Pay a line at ``actor``'s counter, once. ``presented_id`` is the number the clerk
    typed from the ID card presented (the beneficiary's, also when a representative comes:
    the authorisation names the beneficiary); it must be the line's. ``proxy`` records an
    authorised representative.

    A retry under the same ``idempotency_key`` returns the payment already made. Refused,
    changing nothing: who is not a clerk at a counter (``AccessDenied``), a line out of reach
    (``NotFound``), a wrong ID, a line paid already (naming when and where) or returned, a
    point that does not pay this service, a drawer without the cash (``DomainError``)."""
    point = _paying_point(actor)
    key = key_clean(idempotency_key, limit=128)
    presented = citizen_id_clean(presented_id)
    line = selectors.line_for_payment(user=actor, line_id=line_id)
    desk = Desk.at_point(actor=actor, point=point, app="payouts", at=at)

    def work(op: Op) -> Payment:
        paid = Payment.objects.filter(line=line).select_related("point", "clerk").first()
        if paid is not None:
            raise _already_paid(line, paid)
        if line.status == LineStatus.RETURNED or not line.payout_list.is_open:
            raise _returned(line)
        problem = citizen_id_problem(presented)
        if problem:
            raise DomainError(
                _("The ID number typed: %(problem)s.") % {"problem": problem}, field="presented_id"
            )
        if presented != line.citizen_id:
            raise DomainError(
                _(
                    "The ID number typed does not match the citizen ID of line %(line)s: check "
                    "the card presented and type its number again. Nothing was paid."
                )
                % {"line": line.code},
                field="presented_id",
            )
        checked_proxy = _proxy_checked(line, proxy)
        service = line.payout_list.service
        if point.province_code != line.province_code:
            raise NotFound(_("No such payout line."))
        if not point.is_active_on(desk.day):
            raise DomainError(
                _("Point %(code)s does not serve today.") % {"code": point.code}, field="point"
            )
        if not _offers(point, service):
            raise DomainError(
                _("Point %(code)s does not offer %(service)s.")
                % {"code": point.code, "service": PayoutService(service).label},
                field="point",
            )
        claimed = PayoutLine.objects.filter(pk=line.pk, status=LineStatus.UNPAID).update(
            status=LineStatus.PAID
        )
        if not claimed:  # another counter got there first
            other = Payment.objects.filter(line=line).select_related("point", "clerk").first()
            if other is not None and other.request_key == op.key:
                # The same request won the race: ``once_per_key`` answers with its payment.
                raise IntegrityError("payout line paid under the same request key")
            if other is not None:
                raise _already_paid(line, other)
            line.refresh_from_db()
            raise _returned(line)
        payable, drawer, revenue = _payment_accounts(
            line.province_code, line.payout_list.payer, point, service
        )
        legs = [ledger.Leg(payable, drawer, line.amount, service)]
        if line.commission > 0:
            legs.append(ledger.Leg(payable, revenue, line.commission, service))
        # The ledger's reference is the line's code, without the desk's ``payouts:`` prefix
        # that ``Op.post`` would add.
        entry = desk.post(
            kind=ENTRY_KINDS[PayoutService(service)],
            legs=legs,
            reference=line.code,
            key=f"payouts:line:{line.pk}",
        )
        line.status = LineStatus.PAID
        return Payment.objects.create(
            province_code=line.province_code,
            line=line,
            point=point,
            clerk=actor,
            paid_at=desk.moment.astimezone(VIETNAM),
            request_key=op.key,
            entry=entry,
            proxy_name=checked_proxy.name if checked_proxy else "",
            proxy_citizen_id=checked_proxy.citizen_id if checked_proxy else "",
            proxy_document=checked_proxy.document if checked_proxy else "",
        )

    return desk.once(
        Payment,
        operation="line",
        key=key,
        stored=key,
        key_field="request_key",
        same=lambda payment: payment.line_id == line.pk,
        reused=lambda _payment: DomainError(
            _("This request key was already used for another payment."),
            field="idempotency_key",
        ),
        work=work,
    )


# --- closing a list --------------------------------------------------------------------------


def _recall_legs(
    payout_list: PayoutList, bank: Account
) -> tuple[list[ledger.Leg], list[ledger.Leg]]:
    """What each point gives back of its advance (advance minus what it paid for the list),
    and what points that paid more than their advance are owed."""
    advanced = dict(
        PayoutLine.objects.filter(payout_list=payout_list)
        .values("point_id")
        .annotate(total=Sum("amount"))
        .values_list("point_id", "total")
    )
    paid = dict(
        Payment.objects.filter(line__payout_list=payout_list)
        .values("point_id")
        .annotate(total=Sum("line__amount"))
        .values_list("point_id", "total")
    )
    points = {p.pk: p for p in ServicePoint.objects.filter(pk__in=set(advanced) | set(paid))}
    give_back: list[ledger.Leg] = []
    make_whole: list[ledger.Leg] = []
    for pk in sorted(points, key=lambda k: points[k].code):
        left = (advanced.get(pk) or 0) - (paid.get(pk) or 0)
        drawer = ledger.account_for_drawer(points[pk])
        if left > 0:
            give_back.append(ledger.Leg(bank, drawer, left))
        elif left < 0:
            make_whole.append(ledger.Leg(drawer, bank, -left))
    return give_back, make_whole


def list_close(*, actor: Any, list_id: int, at: dt.datetime | None = None) -> PayoutList:
    """Close a list at the end of its period: its unpaid lines are returned to the payer
    (see the module's docstring) and can no longer be paid. Closing a closed list changes
    nothing. Accountants and administrators (and the console)."""
    _require_list_role(actor)
    if actor is not None:
        found = selectors.list_get(user=actor, list_id=list_id)
        if not access.in_scope(actor, found.unit.path):
            raise NotFound(_("No such payout list."))
    with transaction.atomic():
        payout_list = (
            PayoutList.objects.select_for_update()
            .select_related("payer")
            .filter(pk=list_id)
            .first()
        )
        if payout_list is None:
            raise NotFound(_("No such payout list."))
        if payout_list.status == ListStatus.CLOSED:
            return payout_list
        # Marking the unpaid lines first waits for any payment of them still under way.
        returned = PayoutLine.objects.filter(
            payout_list=payout_list, status=LineStatus.UNPAID
        ).update(status=LineStatus.RETURNED)
        amount = (
            PayoutLine.objects.filter(
                payout_list=payout_list, status=LineStatus.RETURNED
            ).aggregate(total=Sum("amount"))["total"]
            or 0
        )
        payer = payout_list.payer
        province = payout_list.province_code
        bank = ledger.account_for_bank(province, payer.bank)
        payable = ledger.account_for_partner(province, payer.code)
        give_back, make_whole = _recall_legs(payout_list, bank)
        day = _day(at)
        memo = _memo(payout_list, payer)
        postings = [
            ledger.Posting(
                idempotency_key=f"payouts:list:{payout_list.pk}:{name}:{index}",
                kind=EntryKind.CASH_TRANSFER,
                reference=payout_list.code,
                legs=list(chunk),
                business_date=day,
                memo=memo,
                late=True,
            )
            for name, legs in (("back", give_back), ("owed", make_whole))
            for index, chunk in enumerate(_chunks(legs, POINTS_PER_ENTRY))
        ]
        if amount > 0:
            postings.append(
                ledger.Posting(
                    idempotency_key=f"payouts:list:{payout_list.pk}:returned",
                    kind=EntryKind.COLLECTION_SETTLEMENT,
                    reference=payout_list.code,
                    legs=[ledger.Leg(payable, bank, amount)],
                    business_date=day,
                    memo=memo,
                    late=True,
                )
            )
        entries = ledger.entries_post(actor=actor, province_code=province, postings=postings)
        entry = entries[-1] if amount > 0 else None
        payout_list.status = ListStatus.CLOSED
        payout_list.closed_at = _local(at)
        payout_list.closed_by = actor if getattr(actor, "is_authenticated", False) else None
        payout_list.returned_count = returned
        payout_list.returned_amount = amount
        payout_list.return_entry = entry
        payout_list.save(
            update_fields=[
                "status",
                "closed_at",
                "closed_by",
                "returned_count",
                "returned_amount",
                "return_entry",
            ]
        )
        audit_record(
            actor=actor,
            action="payouts.list_close",
            obj=payout_list,
            after={"returned_lines": returned, "returned_amount": amount},
        )
    return payout_list


def period_is_over(payout_list: PayoutList) -> bool:
    return local_today() > payout_list.period_end
