"""Write-offs and stocktakes: asked for at a point, booked when an accountant approves.

- A write-off (goods damaged, expired, lost) names its goods and the reason; on approval the
  goods leave the point's stock at their average cost, ``632.loss`` / ``156.<point>``.
- A stocktake gives the count of each product at a point; the stock the point held when it
  was submitted is kept beside each count. On approval the differences are booked as
  movements: a shortage leaves at the average cost to ``1381`` (shortage awaiting a
  decision), a surplus comes in at the average cost (else the last cost the product came in
  at, else nothing) from ``3381`` (surplus awaiting a decision): the same accounts as a
  drawer's discrepancy at the cash closing.

Their entries name no service (``services.STOCK_ONLY``): a write-off is not an operation of
the service, and its cost is a loss of the post, not a cost of goods sold.

Approval is by an accountant whose scope holds the point, not the person who asked; each is
approved once (a conditional UPDATE on its status).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record
from buudien.core.errors import DomainError, NotFound
from buudien.counter import fields
from buudien.counter.desk import Desk, Op, actor_id
from buudien.counter.problems import Problems
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.goods import stock
from buudien.goods.catalogue import APP, check_approver, lines_clean, point_desk
from buudien.goods.choices import ApprovalStatus, MovementKind
from buudien.goods.models import (
    StockLevel,
    StockMovement,
    Stocktake,
    StocktakeLine,
    WriteOff,
    WriteOffLine,
)
from buudien.goods.services import STOCK_ONLY, reference_clean
from buudien.network.models import ServicePoint

WRITE_OFF_PREFIX = "XH"  # xuất hủy
STOCKTAKE_PREFIX = "KK"  # kiểm kê


def _held(point: ServicePoint, product_ids: Sequence[int]) -> dict[int, int]:
    return dict(
        StockLevel.objects.filter(
            province_code=point.province_code, point=point, product_id__in=product_ids
        ).values_list("product_id", "quantity")
    )


# --- write-offs ------------------------------------------------------------------------------


def write_off_request(
    *,
    actor: Any,
    point: ServicePoint,
    idempotency_key: str,
    lines: Sequence[Any],
    reason: str,
    at: dt.datetime | None = None,
) -> WriteOff:
    """Ask for goods of ``point`` to be written off, with the reason. Nothing moves until an
    accountant approves (``write_off_approve``)."""
    desk = point_desk(actor, point, at)
    province = desk.province
    problems = Problems()
    why = problems.check(fields.text, reason, field="reason", label=_("The reason"), limit=300)
    wanted = lines_clean(problems, province, lines)
    problems.raise_any()

    def work(op: Op) -> WriteOff:
        held = _held(point, [line.product.pk for line in wanted])
        short = Problems()
        for line in wanted:
            if line.quantity > held.get(line.product.pk, 0):
                short.add(
                    f"lines.{line.index}.quantity",
                    stock.shortage_message(
                        line.product, line.quantity, held.get(line.product.pk, 0)
                    ),
                )
        short.raise_any()
        row = WriteOff.objects.create(
            **op.record(None), status=ApprovalStatus.REQUESTED, reason=why or ""
        )
        WriteOffLine.objects.bulk_create(
            WriteOffLine(
                province_code=province, write_off=row, product=line.product, quantity=line.quantity
            )
            for line in wanted
        )
        return row

    return desk.once(
        WriteOff,
        operation="write_off",
        key=idempotency_key,
        prefix=WRITE_OFF_PREFIX,
        fingerprint={
            "lines": [[line.product.code, line.quantity] for line in wanted],
            "reason": why,
        },
        work=work,
    )


def _approvable[M: (WriteOff, Stocktake)](
    model: type[M], actor: Any, number: Any, at: dt.datetime | None
) -> tuple[M, Desk]:
    """The document ``number`` locked, once ``actor`` may approve it and it waits for that."""
    code = number.reference if isinstance(number, model) else reference_clean(number)
    row = model.objects.select_for_update().select_related("point").filter(reference=code).first()
    if row is None:
        raise NotFound(_("No such document."))
    check_approver(actor, row.point, row.created_by_id)
    if row.status != ApprovalStatus.REQUESTED:
        raise DomainError(
            _("%(number)s was approved already, on %(day)s.")
            % {"number": row.reference, "day": f"{row.approved_at:%d/%m/%Y}"}
        )
    return row, Desk.at_point(actor=actor, point=row.point, app=APP, at=at)


def _approved(row: WriteOff | Stocktake, desk: Desk, entry: Any, total: int) -> None:
    claimed = (
        type(row)
        .objects.filter(pk=row.pk, status=ApprovalStatus.REQUESTED)
        .update(
            status=ApprovalStatus.APPROVED,
            approved_at=desk.moment,
            approved_by_id=actor_id(desk.actor),
            entry=entry,
            total=total,
        )
    )
    if not claimed:  # pragma: no cover - the row is locked; SQLite serialises writers
        raise DomainError(_("%(number)s was approved already.") % {"number": row.reference})
    row.refresh_from_db()


@transaction.atomic
def write_off_approve(
    *, actor: Any, write_off: WriteOff | str, at: dt.datetime | None = None
) -> WriteOff:
    """Book a write-off: its goods leave the point at their average cost (see the module).
    Refused, naming every product, when the point no longer holds them."""
    row, desk = _approvable(WriteOff, actor, write_off, at)
    lines = list(row.lines.select_related("product").order_by("pk"))
    moved = stock.stock_apply(
        point=row.point,
        moves=[stock.Move(line.product, -line.quantity) for line in lines],
        kind=MovementKind.WRITE_OFF,
        reference=row.reference,
        day=desk.day,
        at=desk.moment,
        actor=actor,
    )
    for line, one in zip(lines, moved, strict=True):
        line.value = one.cost
    WriteOffLine.objects.bulk_update(lines, ["value"])
    total = sum(one.cost for one in moved)
    entry = None
    if total:
        legs = [
            ledger.Leg(
                ledger.account_inventory_written_off(row.point),
                ledger.account_for_inventory(row.point),
                total,
                STOCK_ONLY,
            )
        ]
        entry = desk.post(
            kind=EntryKind.GOODS_WRITE_OFF,
            legs=legs,
            reference=f"{APP}:{row.reference}",
            key=f"{APP}:write-off:{row.reference}",
            memo=row.reason,
        )
    _approved(row, desk, entry, total)
    audit_record(actor=actor, action="goods.write_off_approve", obj=row)
    return row


# --- stocktakes ------------------------------------------------------------------------------


def stocktake_submit(
    *,
    actor: Any,
    point: ServicePoint,
    idempotency_key: str,
    lines: Sequence[Any],
    note: str = "",
    at: dt.datetime | None = None,
) -> Stocktake:
    """The count of each product at ``point`` (``counted``, zero allowed), beside the stock
    the point holds now. Nothing moves until an accountant approves."""
    desk = point_desk(actor, point, at)
    province = desk.province
    problems = Problems()
    text = problems.check(
        fields.text, note, field="note", label=_("The note"), required=False, limit=300
    )
    wanted = lines_clean(problems, province, lines, quantity_field="counted", low=0)
    problems.raise_any()

    def work(op: Op) -> Stocktake:
        held = _held(point, [line.product.pk for line in wanted])
        row = Stocktake.objects.create(
            **op.record(None), status=ApprovalStatus.REQUESTED, note=text or ""
        )
        StocktakeLine.objects.bulk_create(
            StocktakeLine(
                province_code=province,
                stocktake=row,
                product=line.product,
                expected=held.get(line.product.pk, 0),
                counted=line.quantity,
            )
            for line in wanted
        )
        return row

    return desk.once(
        Stocktake,
        operation="stocktake",
        key=idempotency_key,
        prefix=STOCKTAKE_PREFIX,
        fingerprint={
            "lines": [[line.product.code, line.quantity] for line in wanted],
            "note": text,
        },
        work=work,
    )


def _last_cost(province: str, product_id: int) -> int:
    """The unit cost the product last came into the province's stock at (0 if never)."""
    last = (
        StockMovement.objects.filter(
            province_code=province, product_id=product_id, quantity__gt=0, value__gt=0
        )
        .order_by("-at", "-id")
        .values_list("unit_cost", flat=True)
        .first()
    )
    return last or 0


@transaction.atomic
def stocktake_approve(
    *, actor: Any, stocktake: Stocktake | str, at: dt.datetime | None = None
) -> Stocktake:
    """Book a stocktake's differences (see the module) in one entry."""
    row, desk = _approvable(Stocktake, actor, stocktake, at)
    point = row.point
    lines = [line for line in row.lines.select_related("product").order_by("pk") if line.difference]
    levels = stock.levels_locked(point, [line.product for line in lines])
    moves = []
    for line in lines:
        if line.difference < 0:
            moves.append(stock.Move(line.product, line.difference))
        else:
            level = levels[line.product.pk]
            unit = stock.unit_cost_of(level) or _last_cost(desk.province, line.product.pk)
            moves.append(stock.Move(line.product, line.difference, unit * line.difference))
    moved = stock.stock_apply(
        point=point,
        moves=moves,
        kind=MovementKind.STOCKTAKE,
        reference=row.reference,
        day=desk.day,
        at=desk.moment,
        actor=actor,
        levels=levels,
    )
    for line, one in zip(lines, moved, strict=True):
        line.value = one.value
    StocktakeLine.objects.bulk_update(lines, ["value"])
    short = sum(one.cost for one in moved if one.value < 0)
    over = sum(one.value for one in moved if one.value > 0)
    legs = []
    inventory = ledger.account_for_inventory(point)
    if short:
        legs.append(
            ledger.Leg(ledger.account_cash_shortage(desk.province), inventory, short, STOCK_ONLY)
        )
    if over:
        legs.append(
            ledger.Leg(inventory, ledger.account_cash_surplus(desk.province), over, STOCK_ONLY)
        )
    entry = None
    if legs:
        entry = desk.post(
            kind=EntryKind.GOODS_STOCKTAKE,
            legs=legs,
            reference=f"{APP}:{row.reference}",
            key=f"{APP}:stocktake:{row.reference}",
        )
    _approved(row, desk, entry, over - short)
    audit_record(actor=actor, action="goods.stocktake_approve", obj=row)
    return row
