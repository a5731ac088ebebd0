"""The writes of telecom: top-ups and card codes (e-PIN) sold at a counter, a top-up cancelled
the day it was made, and the operators' files of codes imported (``importers``).

Each sale is one counter operation (``buudien.counter.desk``): a clerk at their own point, or
an administrator at a point of their scope; once per idempotency key; one balanced ledger
entry (``EntryKind.TELECOM_SALE``), every leg naming the service ``telecom``:

- the drawer ``1111.<point>`` takes the face value: the operator is owed it less the
  commission (``3388.partner.telecom-<operator>``), the commission is the post's revenue
  (``5113.telecom``);
- a top-up cancelled the same business day, for a reason (above the amount a clerk cancels
  alone, once a director or an accountant approves: ``counter.cancellations``): the mirror
  entry (``ledger.entry_reverse``).

A code is sold once: the sale takes ``quantity`` available codes of the operator and face
value under a lock that concurrent sales skip (``select_for_update(skip_locked=True)`` on
PostgreSQL; on SQLite the immediate transaction serialises the writers) and claims them with
a conditional UPDATE, so two sales never get the same code. Too few codes is a refusal that
changes nothing. A code is shown once (``codes_reveal``): every later read masks it.

Many sales of a business day at once (a till that worked offline, the demo's year at a
province's pace): ``topups_sell_many`` and ``pins_sell_many`` record each sale as
``topup_sell`` and ``pins_sell`` do, in a few statements (``counter.many``); the codes an
operator sends are written by ``pins_receive`` (the import of its file, ``importers``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buudien.agency import accounts as agency_accounts
from buudien.core.audit import audit_record
from buudien.core.bulk import insert_rows
from buudien.core.catalogue import Service
from buudien.core.errors import DomainError
from buudien.core.money import format_vnd
from buudien.counter import cancellations, fields, many
from buudien.counter.desk import Desk, Op, can_act, fingerprint_of, user_or_none
from buudien.counter.problems import Problems
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Entry
from buudien.goods.services import commission_of
from buudien.network.models import ServicePoint
from buudien.telecom.choices import DENOMINATIONS, MAX_PINS, PinStatus, TelecomKind
from buudien.telecom.models import Operator, Pin, PinBatch, PinSale, Topup
from buudien.telecom.rollup import rollup_add, rollup_add_many

APP = "telecom"
SERVICE = Service.TELECOM
TOPUP_PREFIX = "NT"  # nạp tiền
PIN_PREFIX = "MT"  # mã thẻ


def _desk(actor: Any, point: ServicePoint, at: dt.datetime | None) -> Desk:
    return Desk.open(
        actor=actor,
        point=point,
        app=APP,
        at=at,
        elsewhere=_("You sell top-ups and card codes at your own service point only."),
    )


# --- operators and numbers -------------------------------------------------------------------


def operators_active(province_code: str) -> list[Operator]:
    return list(Operator.objects.filter(province_code=province_code, is_active=True))


def _no_operator(text: str, field: str) -> DomainError:
    return DomainError(
        _("Choose a mobile operator of the list, not %(code)r.") % {"code": text}, field=field
    )


def _operator_code(code: Any) -> str:
    return str(code or "").strip().lower()[:24]


def operator_get(province_code: str, code: Any, *, field: str = "operator") -> Operator:
    """The active operator ``code`` of the province, or a refusal naming ``field``."""
    text = _operator_code(code)
    found = Operator.objects.filter(province_code=province_code, code=text, is_active=True).first()
    if found is None:
        raise _no_operator(text, field)
    return found


def operator_of_prefix(province_code: str, prefix: str) -> Operator | None:
    """The active operator owning the three-digit ``prefix`` (e.g. ``098``), if any."""
    return Operators(province_code).of_prefix(prefix)


class Operators:
    """The active operators of a province, read once: by code and by prefix (a list of
    sales checks each of its rows against them)."""

    def __init__(self, province_code: str) -> None:
        self.province_code = province_code
        self.by_code: dict[str, Operator] = {}
        self.by_prefix: dict[str, Operator] = {}
        for operator in operators_active(province_code):
            self.by_code[operator.code] = operator
            for prefix in operator.prefix_list():
                self.by_prefix.setdefault(prefix, operator)

    def get(self, code: Any, *, field: str = "operator") -> Operator:
        """As ``operator_get``."""
        text = _operator_code(code)
        found = self.by_code.get(text)
        if found is None:
            raise _no_operator(text, field)
        return found

    def of_prefix(self, prefix: str) -> Operator | None:
        return self.by_prefix.get(prefix)


def mobile_number(value: Any, *, field: str = "phone") -> str:
    """A Vietnamese mobile number: 10 digits starting with 0 (``+84`` and spaces allowed)."""
    cleaned = fields.phone(value, field=field)
    if len(cleaned) != 10:
        raise DomainError(
            _("A mobile number is 10 digits starting with 0, e.g. 0912345678."), field=field
        )
    return cleaned


def denomination(value: Any, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in DENOMINATIONS:
        allowed = ", ".join(format_vnd(one) for one in DENOMINATIONS)
        raise DomainError(
            _("Choose a face value of the list: %(values)s.") % {"values": allowed}, field=field
        )
    return value


def _legs(point: ServicePoint, operator: Operator, amount: int, commission: int) -> list[Any]:
    """Cash at the drawer: the face value less the commission owed to the operator, the
    commission the post's revenue."""
    province = point.province_code
    drawer = agency_accounts.drawer(point)
    legs = [
        ledger.Leg(
            drawer,
            agency_accounts.partner_payable(province, operator.partner),
            amount - commission,
            SERVICE,
        )
    ]
    if commission:
        legs.append(
            ledger.Leg(drawer, agency_accounts.revenue(province, SERVICE), commission, SERVICE)
        )
    return legs


# --- top-ups ---------------------------------------------------------------------------------


def _topup_checked(
    operators: Operators, phone: Any, amount: Any, operator: Any
) -> tuple[str, int, Operator]:
    """A top-up's number, face value and operator (the owner of the number's prefix, the
    one chosen when given), or every problem at once."""
    problems = Problems()
    number = problems.check(mobile_number, phone)
    value = problems.check(denomination, amount, field="amount")
    chosen = problems.check(operators.get, operator) if operator not in (None, "") else None
    owner = operators.of_prefix(number[:3]) if number else None
    if number and owner is None:
        problems.add(
            "phone",
            _("No mobile operator of the list owns the prefix %(prefix)s of %(phone)s.")
            % {"prefix": number[:3], "phone": number},
        )
    elif number and chosen is not None and owner is not None and owner.pk != chosen.pk:
        problems.add(
            "phone",
            _("%(phone)s is a %(owner)s number, not %(chosen)s: check the number or the operator.")
            % {"phone": number, "owner": owner.name, "chosen": chosen.name},
        )
    problems.raise_any()
    assert number is not None and value is not None and owner is not None
    return number, value, owner


def _topup_fingerprint(owner: Operator, number: str, value: int) -> dict[str, Any]:
    return {"operator": owner.code, "phone": number, "amount": value}


def topup_sell(
    *,
    actor: Any,
    point: ServicePoint,
    idempotency_key: str,
    phone: Any,
    amount: Any,
    operator: Any = None,
    at: dt.datetime | None = None,
) -> Topup:
    """Credit a subscriber's prepaid account with ``amount`` (a denomination of the list),
    paid in cash. The operator is the one owning the number's prefix; when the clerk chose
    one, the prefix must be its own. Every problem is refused at once, nothing written."""
    desk = _desk(actor, point, at)
    province = desk.province
    number, value, owner = _topup_checked(Operators(province), phone, amount, operator)

    def work(op: Op) -> Topup:
        commission = commission_of(value, owner.topup_commission_bp)
        entry = op.post(kind=EntryKind.TELECOM_SALE, legs=_legs(point, owner, value, commission))
        row = Topup.objects.create(
            **op.record(entry), operator=owner, phone=number, amount=value, commission=commission
        )
        rollup_add(
            province_code=province,
            day=row.business_date,
            point_id=point.pk,
            operator_id=owner.pk,
            kind=TelecomKind.TOPUP,
            sales=1,
            units=1,
            amount=value,
            commission=commission,
        )
        return row

    return desk.once(
        Topup,
        operation="topup",
        key=idempotency_key,
        prefix=TOPUP_PREFIX,
        fingerprint=_topup_fingerprint(owner, number, value),
        work=work,
    )


def _topup_cancellable(topup: Topup) -> None:
    if topup.cancelled_at is not None:
        raise DomainError(
            _("Top-up %(reference)s is cancelled already.") % {"reference": topup.reference}
        )
    if topup.business_date != ledger.business_day_open_date(topup.province_code):
        raise DomainError(
            _(
                "Top-up %(reference)s was made on %(day)s: a top-up is cancelled only the "
                "business day it was made."
            )
            % {"reference": topup.reference, "day": f"{topup.business_date:%d/%m/%Y}"}
        )


def _topup_cancel_check(*, actor: Any, record: Topup, params: Any, at: Any, reason: Any) -> None:
    """A clerk of its point or an administrator of its scope; the business day it was made."""
    Desk.open(
        actor=actor,
        point=record.point,
        app=APP,
        elsewhere=_("You cancel top-ups of your own service point only."),
    )
    _topup_cancellable(record)


@transaction.atomic
def _topup_cancel_perform(*, actor: Any, record: Topup, reason: str, params: Any, at: Any) -> Topup:
    topup = Topup.objects.select_related("point").get(pk=record.pk)
    _topup_cancellable(topup)
    claimed = Topup.objects.filter(pk=topup.pk, cancelled_at__isnull=True).update(
        cancelled_at=timezone.now(), cancelled_by=user_or_none(actor), cancel_reason=reason
    )
    if claimed != 1:
        raise DomainError(
            _("Top-up %(reference)s changed meanwhile; look at it again.")
            % {"reference": topup.reference}
        )
    assert topup.entry_id is not None
    reversal = ledger.entry_reverse(
        actor=actor,
        entry=Entry.objects.get(pk=topup.entry_id),
        idempotency_key=f"telecom:cancel:{topup.pk}",
        memo=reason,
    )
    Topup.objects.filter(pk=topup.pk).update(cancel_entry=reversal)
    topup.refresh_from_db()
    rollup_add(
        province_code=topup.province_code,
        day=topup.business_date,
        point_id=topup.point_id,
        operator_id=topup.operator_id,
        kind=TelecomKind.TOPUP,
        sales=-1,
        units=-1,
        amount=-topup.amount,
        commission=-topup.commission,
    )
    audit_record(
        actor=actor,
        action="telecom.topup_cancel",
        obj=topup,
        before={"cancelled": False},
        after={"cancelled": True, "reason": reason},
    )
    return topup


TOPUP_CANCEL = cancellations.register(
    cancellations.record_kind(
        "telecom.topup",
        Topup,
        noun=gettext_lazy("top-up"),
        amount=lambda topup: topup.amount,
        check=_topup_cancel_check,
        perform=_topup_cancel_perform,
        url_name="telecom:topup_detail",
    )
)


def topup_cancel(*, actor: Any, topup: Topup, reason: str) -> cancellations.Cancellation:
    """Cancel a top-up the business day it was made (the operator took it back), for a
    reason: its entry is reversed, the row stays, marked cancelled. By a clerk of its point or
    an administrator of its scope; never twice. Above the amount a clerk cancels alone it is
    asked, and done when a director or an accountant approves it (``counter.cancellations``)."""
    return cancellations.cancel(kind=TOPUP_CANCEL, actor=actor, record=topup, reason=reason)


# --- card codes (e-PIN) ----------------------------------------------------------------------


def pins_available(operator: Operator, face_value: int) -> int:
    return Pin.objects.filter(
        operator=operator, face_value=face_value, status=PinStatus.AVAILABLE
    ).count()


def _too_few(operator: Operator, face_value: int, wanted: int, held: int) -> DomainError:
    return DomainError(
        _(
            "Only %(held)s %(operator)s codes of %(value)s are left: %(wanted)s cannot be sold. "
            "Nothing was sold."
        )
        % {
            "held": held,
            "operator": operator.name,
            "value": format_vnd(face_value),
            "wanted": wanted,
        },
        field="quantity",
    )


def _pins_take(operator: Operator, face_value: int, quantity: int) -> list[int]:
    """The ids of ``quantity`` available codes, locked for this transaction; codes another
    sale holds locked are skipped (on PostgreSQL)."""
    rows = Pin.objects.filter(
        operator=operator, face_value=face_value, status=PinStatus.AVAILABLE
    ).order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True)
    return list(rows.values_list("id", flat=True)[:quantity])


def _pins_checked(
    operators: Operators, operator: Any, face_value: Any, quantity: Any
) -> tuple[Operator, int, int]:
    """A code sale's operator, face value and quantity, or every problem at once."""
    problems = Problems()
    chosen = problems.check(operators.get, operator)
    value = problems.check(denomination, face_value, field="face_value")
    count = problems.check(
        fields.whole,
        quantity,
        field="quantity",
        label=gettext_lazy("The quantity"),
        low=1,
        high=MAX_PINS,
    )
    problems.raise_any()
    assert chosen is not None and value is not None and count is not None
    return chosen, value, count


def _pins_fingerprint(chosen: Operator, value: int, count: int) -> dict[str, Any]:
    return {"operator": chosen.code, "face_value": value, "quantity": count}


def pins_sell(
    *,
    actor: Any,
    point: ServicePoint,
    idempotency_key: str,
    operator: Any,
    face_value: Any,
    quantity: Any = 1,
    at: dt.datetime | None = None,
) -> PinSale:
    """Sell ``quantity`` (1 to 20) card codes of ``operator`` and ``face_value``, paid in
    cash. The codes are shown once: ``codes_reveal`` right after the sale."""
    desk = _desk(actor, point, at)
    province = desk.province
    chosen, value, count = _pins_checked(Operators(province), operator, face_value, quantity)

    def work(op: Op) -> PinSale:
        ids = _pins_take(chosen, value, count)
        if len(ids) < count:
            raise _too_few(chosen, value, count, len(ids))
        amount = value * count
        commission = commission_of(amount, chosen.pin_commission_bp)
        entry = op.post(kind=EntryKind.TELECOM_SALE, legs=_legs(point, chosen, amount, commission))
        sale = PinSale.objects.create(
            **op.record(entry),
            operator=chosen,
            face_value=value,
            quantity=count,
            amount=amount,
            commission=commission,
        )
        # The claim: a code another sale took meanwhile is no longer available here.
        taken = Pin.objects.filter(pk__in=ids, status=PinStatus.AVAILABLE).update(
            status=PinStatus.SOLD, sale=sale
        )
        if taken != count:
            raise _too_few(chosen, value, count, taken)
        rollup_add(
            province_code=province,
            day=sale.business_date,
            point_id=point.pk,
            operator_id=chosen.pk,
            kind=TelecomKind.PIN,
            sales=1,
            units=count,
            amount=amount,
            commission=commission,
        )
        return sale

    return desk.once(
        PinSale,
        operation="pins",
        key=idempotency_key,
        prefix=PIN_PREFIX,
        fingerprint=_pins_fingerprint(chosen, value, count),
        work=work,
    )


def pins_receive(
    *,
    actor: Any,
    operator: Operator,
    codes: Sequence[tuple[str, str, int]],
    file_name: str = "",
    at: dt.datetime | None = None,
) -> PinBatch:
    """An operator's codes received as one batch, each ``(serial, code, face value)``,
    checked already (``importers.PinImport`` checks a file's; the database refuses a serial
    of the operator received before): stock of the province, which any of its points sells.
    The codes written in a few statements (``core.bulk``). The batch."""
    values = {value for _serial, _code, value in codes}
    batch = PinBatch.objects.create(
        province_code=operator.province_code,
        operator=operator,
        face_value=values.pop() if len(values) == 1 else None,
        count=len(codes),
        total=sum(value for _serial, _code, value in codes),
        file_name=file_name[:200],
        received_at=at or timezone.now(),
        received_by=user_or_none(actor),
    )
    insert_rows(
        Pin,
        (
            {
                "province_code": operator.province_code,
                "operator_id": operator.pk,
                "face_value": value,
                "serial": serial,
                "code": code,
                "batch_id": batch.pk,
            }
            for serial, code, value in codes
        ),
    )
    return batch


def may_reveal(actor: Any, sale: PinSale) -> bool:
    """Only the clerk who sold the codes sees them."""
    return (
        getattr(actor, "is_authenticated", False)
        and sale.created_by_id == actor.pk
        and can_act(actor)
    )


@transaction.atomic
def codes_reveal(*, actor: Any, sale: PinSale) -> list[Pin] | None:
    """The codes of ``sale`` in clear, once: the first call by the clerk who sold them marks
    them shown (``shown_at``) and writes the access in the audit log; every later call (or
    anyone else) gets None and shows them masked."""
    if not may_reveal(actor, sale):
        return None
    now = timezone.now()
    claimed = Pin.objects.filter(sale=sale, shown_at__isnull=True).update(shown_at=now)
    if claimed == 0:
        return None
    pins = list(Pin.objects.filter(sale=sale).order_by("id"))
    audit_record(
        actor=actor,
        action="telecom.pins_shown",
        obj=sale,
        after={"serials": [pin.serial for pin in pins], "shown_at": now.isoformat()},
    )
    return pins


def codes_access(*, actor: Any, sale: PinSale, how: str) -> None:
    """A later read of a sale's codes (masked: a reprint, the API) in the audit log."""
    audit_record(actor=actor, action=f"telecom.pins_{how}", obj=sale)


# --- many sales at once ----------------------------------------------------------------------


@dataclass(frozen=True)
class TopupRow:
    """One top-up of a list (``topups_sell_many``): the clerk at their point, when (None:
    noon of the list's day), under which key, and what ``topup_sell`` takes."""

    actor: Any
    point: ServicePoint
    idempotency_key: str
    phone: Any
    amount: Any
    operator: Any = None
    at: dt.datetime | None = None


@dataclass(frozen=True)
class PinRow:
    """One sale of card codes of a list (``pins_sell_many``), as ``TopupRow``."""

    actor: Any
    point: ServicePoint
    idempotency_key: str
    operator: Any
    face_value: Any
    quantity: Any = 1
    at: dt.datetime | None = None


def _many_desks() -> many.Desks:
    return many.Desks(
        app=APP, elsewhere=_("You sell top-ups and card codes at your own service point only.")
    )


@transaction.atomic
def topups_sell_many(*, province_code: str, day: dt.date, rows: Sequence[TopupRow]) -> list[str]:
    """The top-ups of ``rows``, made on ``day`` at the points of the province (a day of a
    till that worked offline, the demo's year at a province's pace), each recorded as
    ``topup_sell`` records it (its number, row, entry, rollup and audit line) in a few
    statements (``counter.many``). All or nothing: a row that ``topup_sell`` would refuse
    refuses the list, naming the row. A row whose key was used for the same top-up is the
    top-up made already. The top-ups' references, in the order of ``rows``."""
    many.list_checked(rows, province_code, day)
    operators = Operators(province_code)
    desks = _many_desks()
    planned = []
    for index, row in enumerate(rows):
        try:
            desk = desks.open(row.actor, row.point, row.at or many.noon(day))
            number, value, owner = _topup_checked(operators, row.phone, row.amount, row.operator)
            key = desk.key("topup", row.idempotency_key)
        except DomainError as exc:
            raise many.refused(index, exc) from None
        commission = commission_of(value, owner.topup_commission_bp)
        planned.append(
            many.Planned(
                index,
                desk,
                key,
                fingerprint_of(_topup_fingerprint(owner, number, value)),
                _legs(row.point, owner, value, commission),
                {
                    "operator_id": owner.pk,
                    "phone": number,
                    "amount": value,
                    "commission": commission,
                },
            )
        )
    todo, done = many.operations_done(Topup, province_code, planned)
    many.operations_write(
        Topup,
        todo,
        province=province_code,
        kind=EntryKind.TELECOM_SALE,
        operation="topup",
        prefix=TOPUP_PREFIX,
    )
    _rollup_many(province_code, todo, TelecomKind.TOPUP)
    return [done.get(one.key) or one.reference for one in planned]


@transaction.atomic
def pins_sell_many(*, province_code: str, day: dt.date, rows: Sequence[PinRow]) -> list[str]:
    """The sales of card codes of ``rows`` on ``day``, each recorded as ``pins_sell`` records
    it (the codes taken from the available ones in the order of the list, its number, row,
    entry, rollup and audit line) in a few statements; as ``topups_sell_many`` otherwise.
    Too few codes for a row refuses the list, naming the row. The codes are shown to no one
    (``codes_reveal`` is the selling clerk's, at the counter)."""
    many.list_checked(rows, province_code, day)
    operators = Operators(province_code)
    desks = _many_desks()
    planned = []
    for index, row in enumerate(rows):
        try:
            desk = desks.open(row.actor, row.point, row.at or many.noon(day))
            chosen, value, count = _pins_checked(
                operators, row.operator, row.face_value, row.quantity
            )
            key = desk.key("pins", row.idempotency_key)
        except DomainError as exc:
            raise many.refused(index, exc) from None
        amount = value * count
        commission = commission_of(amount, chosen.pin_commission_bp)
        planned.append(
            many.Planned(
                index,
                desk,
                key,
                fingerprint_of(_pins_fingerprint(chosen, value, count)),
                _legs(row.point, chosen, amount, commission),
                {
                    "operator_id": chosen.pk,
                    "face_value": value,
                    "quantity": count,
                    "amount": amount,
                    "commission": commission,
                },
            )
        )
    todo, done = many.operations_done(PinSale, province_code, planned)
    codes = _pins_of_many(operators, todo)
    many.operations_write(
        PinSale,
        todo,
        province=province_code,
        kind=EntryKind.TELECOM_SALE,
        operation="pins",
        prefix=PIN_PREFIX,
    )
    # The claim, as ``pins_sell``'s: a code another sale took meanwhile is not available.
    claims = [run for one in todo for run in _runs(one.pk, codes[one.key])]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Pin._meta.db_table} SET status = %s, sale_id = %s "
            "WHERE id BETWEEN %s AND %s AND status = %s",
            [(PinStatus.SOLD.value, *run, PinStatus.AVAILABLE.value) for run in claims],
        )
        taken = cursor.rowcount
    if taken != sum(len(codes[one.key]) for one in todo):  # PostgreSQL: another sale's
        raise DomainError(
            _("Some of the codes were sold meanwhile: nothing was sold; try again."),
            field="quantity",
        )
    _rollup_many(province_code, todo, TelecomKind.PIN)
    return [done.get(one.key) or one.reference for one in planned]


def _runs(sale: int, ids: list[int]) -> list[tuple[int, int, int]]:
    """``ids`` (ascending) as runs of consecutive ids ``(sale, first, last)``: the codes of
    a file are consecutive rows, so a sale's are mostly one run."""
    runs: list[tuple[int, int, int]] = []
    for pk in ids:
        if runs and runs[-1][2] == pk - 1:
            runs[-1] = (sale, runs[-1][1], pk)
        else:
            runs.append((sale, pk, pk))
    return runs


def _pins_of_many(operators: Operators, todo: Sequence[many.Planned]) -> dict[str, list[int]]:
    """The codes each sale of ``todo`` takes (by its key): of each operator and face value,
    the first available ones, in the order of the list; too few refuses the row that runs
    out."""
    wanted: dict[tuple[int, int], list[many.Planned]] = defaultdict(list)
    for one in todo:
        wanted[(one.fields["operator_id"], one.fields["face_value"])].append(one)
    by_pk = {operator.pk: operator for operator in operators.by_code.values()}
    codes: dict[str, list[int]] = {}
    for (operator_id, value), sales in sorted(wanted.items()):
        operator = by_pk[operator_id]
        ids = _pins_take(operator, value, sum(one.fields["quantity"] for one in sales))
        start = 0
        for one in sales:
            count = one.fields["quantity"]
            if start + count > len(ids):
                raise many.refused(
                    one.index, _too_few(operator, value, count, max(0, len(ids) - start))
                )
            codes[one.key] = ids[start : start + count]
            start += count
    return codes


def _rollup_many(province: str, todo: Sequence[many.Planned], kind: TelecomKind) -> None:
    rollup_add_many(
        (
            province,
            one.business_date or one.desk.day,
            one.desk.point.pk,
            one.fields["operator_id"],
            kind.value,
            1,
            one.fields.get("quantity", 1),
            one.fields["amount"],
            one.fields["commission"],
        )
        for one in todo
    )
