"""The writes of goods: receipts at the warehouse, transfers to the points, sales at the
counter and customers' returns. Each is one transaction and changes nothing when it refuses
(write-offs and stocktakes are in ``adjustments``; who may act where in ``catalogue``).

The ledger (one balanced entry per document, the service ``consumer_goods``):

- receipt of bought goods: inventory of the warehouse ``156.<warehouse>`` / the supplier
  ``331.<supplier>``, at the cost on the supplier's invoice; consigned goods move no money;
- transfer: sent, ``151`` goods in transit / ``156.<warehouse>``; received,
  ``156.<point>`` / ``151``, at the average cost they left the warehouse at;
- sale: the drawer ``1111.<point>`` receives the total; of bought goods the revenue
  ``5113.consumer_goods`` net of VAT and the VAT ``3331``, and their average cost moves from
  ``156.<point>`` to ``632``; of consigned goods the consignor's share is owed to it
  (``3388.partner.ncc-<supplier>``) and only the commission is revenue, without VAT (an agent
  selling at the principal's price for a commission: Circular 219/2013/TT-BTC, art. 5.4);
- return: the same legs the other way, in proportion to the units brought back, the goods
  back in stock at the cost they were sold at.

Only the sale and the return name the service (``consumer_goods``) on their legs: its
revenue, cost and count of operations in the ledger's figures. Receipts and transfers move
stock between balance-sheet accounts and name none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buudien.cashless.registry import settles
from buudien.core.audit import audit_insert, audit_record
from buudien.core.bulk import insert_rows
from buudien.core.errors import DomainError, NotFound
from buudien.core.money import format_vnd
from buudien.core.sequences import sequence_next_many
from buudien.counter import cancellations, fields
from buudien.counter.desk import Desk, Op, actor_id, fingerprint_of, key_clean, moment_of
from buudien.counter.problems import Problems
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Entry
from buudien.goods import stock
from buudien.goods.accounts import (
    SERVICE,
    CounterAccounts,
    counter_accounts,
    counter_accounts_of,
)
from buudien.goods.catalogue import (
    APP,
    MAX_UNIT_COST,
    Line,
    code_clean,
    counter_desk,
    lines_clean,
    no_price,
    prices_on,
    supplier_partner,
    warehouse_desk,
    whole_number,
)
from buudien.goods.choices import MovementKind, PaymentMethod, TransferStatus
from buudien.goods.models import (
    BASIS_POINTS,
    GoodsReceipt,
    GoodsReceiptLine,
    Product,
    Sale,
    SaleLine,
    SaleReturn,
    SaleReturnLine,
    StockLevel,
    StockMovement,
    Supplier,
    Transfer,
    TransferLine,
)
from buudien.goods.rollup import rollup_return, rollup_sale, rollup_sales
from buudien.network.choices import PointKind
from buudien.network.models import ServicePoint

RECEIPT_PREFIX = "NK"  # phiếu nhập kho
TRANSFER_PREFIX = "DC"  # điều chuyển
SALE_PREFIX = "BH"  # bán hàng
RETURN_PREFIX = "HT"  # hàng trả lại
RETURN_DAYS = 30
# Entries that only move stock (receipts, transfers) name no service: the ledger's figures
# count an entry with a service as one operation of it (its volume), and these are none.
STOCK_ONLY = ""
_TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")


def vat_included(amount: int, rate: int) -> int:
    """The VAT inside ``amount`` (VAT included) at ``rate`` percent, rounded half up."""
    return (2 * amount * rate + 100 + rate) // (2 * (100 + rate))


def commission_of(amount: int, basis_points: int) -> int:
    """``basis_points`` of ``amount``, rounded half up."""
    return (2 * amount * basis_points + BASIS_POINTS) // (2 * BASIS_POINTS)


def reference_clean(value: Any) -> str:
    """A document's number as typed or scanned: no spaces, in capitals."""
    return code_clean(value, 24).upper()


def _out_of_stock(problems: Problems, point: ServicePoint, lines: Sequence[Line]) -> None:
    """Add the lines asking for more than ``point`` holds (a read without locks: the work
    checks again under them)."""
    held = dict(
        StockLevel.objects.filter(
            province_code=point.province_code,
            point=point,
            product_id__in=[line.product.pk for line in lines],
        ).values_list("product_id", "quantity")
    )
    for line in lines:
        if line.quantity > held.get(line.product.pk, 0):
            problems.add(
                f"lines.{line.index}.quantity",
                stock.shortage_message(line.product, line.quantity, held.get(line.product.pk, 0)),
            )


def _refuse_short(
    point: ServicePoint, lines: Sequence[Line], levels: dict[int, StockLevel]
) -> None:
    problems = Problems()
    for line in lines:
        held = levels[line.product.pk].quantity if line.product.pk in levels else 0
        if line.quantity > held:
            problems.add(
                f"lines.{line.index}.quantity",
                stock.shortage_message(line.product, line.quantity, held),
            )
    problems.raise_any()


# --- receipts from suppliers -----------------------------------------------------------------


def supplier_for(province_code: str, supplier: Supplier | str) -> Supplier:
    if isinstance(supplier, Supplier):
        found: Supplier | None = supplier
    else:
        found = Supplier.objects.filter(
            province_code=province_code, code=code_clean(supplier)
        ).first()
    if found is None or found.province_code != province_code:
        raise NotFound(_("No such supplier in this province."), field="supplier")
    if not found.is_active:
        raise DomainError(
            _("Supplier %(name)s no longer delivers.") % {"name": found.name}, field="supplier"
        )
    return found


def receipt_make(
    *,
    actor: Any,
    point: ServicePoint,
    idempotency_key: str,
    supplier: Supplier | str,
    lines: Sequence[Any],
    supplier_document: str = "",
    at: dt.datetime | None = None,
) -> GoodsReceipt:
    """Goods of ``supplier`` received at the provincial warehouse ``point``. Each line gives
    a product (``code``), a ``quantity`` and, for bought goods, the ``unit_cost`` on the
    supplier's invoice (đồng, VAT excluded); consigned goods have none."""
    desk = warehouse_desk(actor, point, at)
    province = desk.province
    problems = Problems()
    found = problems.check(supplier_for, province, supplier)
    document = problems.check(
        fields.text,
        supplier_document,
        field="supplier_document",
        label=_("The supplier's invoice"),
        required=False,
        limit=40,
    )
    wanted = lines_clean(problems, province, lines)
    costs: dict[int, int] = {}
    for line in wanted:
        field = f"lines.{line.index}.unit_cost"
        if found is not None and line.product.supplier_id != found.pk:
            problems.add(
                f"lines.{line.index}.code",
                _("%(product)s is not supplied by %(supplier)s.")
                % {"product": line.product.name, "supplier": found.name},
            )
            continue
        given = line.given.get("unit_cost")
        if found is not None and found.is_consignment:
            if given:
                problems.add(field, _("Consigned goods are not bought: give no unit cost."))
            costs[line.product.pk] = 0
            continue
        cost = problems.check(
            whole_number, given, field=field, label=_("The unit cost"), high=MAX_UNIT_COST
        )
        if cost is not None:
            costs[line.product.pk] = cost
    problems.raise_any()
    assert found is not None

    def work(op: Op) -> GoodsReceipt:
        number = op.reference()
        moves = [
            stock.Move(line.product, line.quantity, costs[line.product.pk] * line.quantity)
            for line in wanted
        ]
        stock.stock_apply(
            point=point,
            moves=moves,
            kind=MovementKind.RECEIPT,
            reference=number,
            day=desk.day,
            at=desk.moment,
            actor=actor,
        )
        total = sum(move.value or 0 for move in moves)
        entry = None
        if total:
            legs = [
                ledger.Leg(
                    ledger.account_for_inventory(point),
                    ledger.account_for_supplier(province, found.code),
                    total,
                    STOCK_ONLY,
                )
            ]
            entry = op.post(kind=EntryKind.GOODS_RECEIPT, legs=legs)
        receipt = GoodsReceipt.objects.create(
            **op.record(entry), supplier=found, supplier_document=document or "", total=total
        )
        GoodsReceiptLine.objects.bulk_create(
            GoodsReceiptLine(
                province_code=province,
                receipt=receipt,
                product=line.product,
                quantity=line.quantity,
                unit_cost=costs[line.product.pk],
                value=costs[line.product.pk] * line.quantity,
            )
            for line in wanted
        )
        return receipt

    return desk.once(
        GoodsReceipt,
        operation="receipt",
        key=idempotency_key,
        prefix=RECEIPT_PREFIX,
        fingerprint={
            "supplier": found.code,
            "document": document,
            "lines": [
                [line.product.code, line.quantity, costs[line.product.pk]] for line in wanted
            ],
        },
        work=work,
    )


# --- transfers from the warehouse to the points ----------------------------------------------


def _destination(
    province: str, warehouse: ServicePoint, to_point: Any, day: dt.date
) -> ServicePoint:
    if isinstance(to_point, ServicePoint):
        found: ServicePoint | None = to_point
    else:
        found = ServicePoint.objects.filter(code=code_clean(to_point, 16)).first()
    if found is None or found.province_code != province:
        raise NotFound(_("No such service point in this province."), field="to_point")
    if found.pk == warehouse.pk:
        raise DomainError(
            _("Goods are sent from the warehouse to another point."), field="to_point"
        )
    if found.kind not in PointKind.with_counter() or not found.is_active_on(day):
        raise DomainError(
            _("%(point)s does not sell at a counter on %(day)s.")
            % {"point": found, "day": f"{day:%d/%m/%Y}"},
            field="to_point",
        )
    return found


def transfer_send(
    *,
    actor: Any,
    point: ServicePoint,
    idempotency_key: str,
    to_point: ServicePoint | str,
    lines: Sequence[Any],
    at: dt.datetime | None = None,
) -> Transfer:
    """Goods sent from the provincial warehouse ``point`` to ``to_point``, at their average
    cost, with the delivery note's number. Refused, naming every product short of stock."""
    desk = warehouse_desk(actor, point, at)
    province = desk.province
    problems = Problems()
    destination = problems.check(_destination, province, point, to_point, desk.day)
    wanted = lines_clean(problems, province, lines)
    if problems:
        _out_of_stock(problems, point, wanted)
    problems.raise_any()
    assert destination is not None

    def work(op: Op) -> Transfer:
        number = op.reference()
        moved = _take_out(desk, point, wanted, MovementKind.TRANSFER_OUT, number)
        total = sum(one.cost for one in moved)
        entry = None
        if total:
            legs = [
                ledger.Leg(
                    ledger.account_goods_in_transit(province),
                    ledger.account_for_inventory(point),
                    total,
                    STOCK_ONLY,
                )
            ]
            entry = op.post(kind=EntryKind.GOODS_TRANSFER, legs=legs)
        transfer = Transfer.objects.create(
            **op.record(entry), to_point=destination, status=TransferStatus.SENT, total=total
        )
        TransferLine.objects.bulk_create(
            TransferLine(
                province_code=province,
                transfer=transfer,
                product=one.product,
                quantity=-one.quantity,
                unit_cost=one.cost // -one.quantity,
                value=one.cost,
            )
            for one in moved
        )
        return transfer

    return desk.once(
        Transfer,
        operation="transfer",
        key=idempotency_key,
        prefix=TRANSFER_PREFIX,
        fingerprint={
            "to": destination.code,
            "lines": [[line.product.code, line.quantity] for line in wanted],
        },
        work=work,
    )


@transaction.atomic
def transfer_receive(
    *, actor: Any, transfer: Transfer | str, at: dt.datetime | None = None
) -> Transfer:
    """The goods of ``transfer`` received at its point, by the point's clerk: in its stock at
    the cost they left the warehouse at. Never twice."""
    number = transfer.reference if isinstance(transfer, Transfer) else reference_clean(transfer)
    row = Transfer.objects.select_related("to_point").filter(reference=number).first()
    if row is None:
        raise NotFound(_("No such transfer."), field="transfer")
    point = row.to_point
    desk = Desk.open(
        actor=actor,
        point=point,
        app=APP,
        at=at,
        elsewhere=_("A transfer is received by the clerk of the point it was sent to."),
    )
    claimed = Transfer.objects.filter(pk=row.pk, status=TransferStatus.SENT).update(
        status=TransferStatus.RECEIVED, received_at=desk.moment, received_by_id=actor_id(actor)
    )
    if not claimed:
        row.refresh_from_db()
        raise DomainError(
            _("Transfer %(number)s was received already, on %(day)s.")
            % {"number": row.reference, "day": f"{row.received_at:%d/%m/%Y}"},
            field="transfer",
        )
    lines = list(row.lines.select_related("product").order_by("pk"))
    stock.stock_apply(
        point=point,
        moves=[stock.Move(line.product, line.quantity, line.value) for line in lines],
        kind=MovementKind.TRANSFER_IN,
        reference=row.reference,
        day=desk.day,
        at=desk.moment,
        actor=actor,
    )
    entry = None
    if row.total:
        legs = [
            ledger.Leg(
                ledger.account_for_inventory(point),
                ledger.account_goods_in_transit(desk.province),
                row.total,
                STOCK_ONLY,
            )
        ]
        entry = desk.post(
            kind=EntryKind.GOODS_TRANSFER,
            legs=legs,
            reference=f"{APP}:{row.reference}",
            key=f"{APP}:transfer-in:{row.reference}",
        )
        Transfer.objects.filter(pk=row.pk).update(received_entry=entry)
    row.refresh_from_db()
    audit_record(actor=actor, action="goods.transfer_receive", obj=row)
    return row


# --- sales at the counter --------------------------------------------------------------------


def _buyer(problems: Problems, tax_code: str, name: str, address: str) -> tuple[str, str, str]:
    """The buyer's data for a VAT invoice: none, or a tax code with the name and address."""
    code = "".join(str(tax_code or "").split())
    buyer = problems.check(
        fields.text,
        name,
        field="buyer_name",
        label=_("The buyer's name"),
        required=bool(code),
        limit=200,
    )
    where = problems.check(
        fields.text,
        address,
        field="buyer_address",
        label=_("The buyer's address"),
        required=bool(code),
        limit=300,
    )
    if code and not _TAX_CODE.match(code):
        problems.add("buyer_tax_code", _("A tax code is 10 digits, or 10-3 digits."))
    if not code and (buyer or where):
        problems.add("buyer_tax_code", _("A VAT invoice needs the buyer's tax code."))
    return code, buyer or "", where or ""


def sale_make(
    *,
    actor: Any,
    point: ServicePoint,
    idempotency_key: str,
    lines: Sequence[Any],
    payment_method: str = PaymentMethod.CASH,
    buyer_tax_code: str = "",
    buyer_name: str = "",
    buyer_address: str = "",
    at: dt.datetime | None = None,
) -> Sale:
    """Goods sold at ``point``'s counter: each line a product (``code``: the barcode scanned,
    or the product code) and a ``quantity``, at the price in force on the day. One ledger
    entry (see the module). Every problem (a code unknown, a price missing for the day, a
    quantity beyond stock) is refused at once, nothing written."""
    desk = counter_desk(actor, point, at)
    problems = Problems()
    if payment_method == PaymentMethod.VIETQR and not point.cashless:
        problems.add(
            "payment_method",
            _("%(point)s does not take payment by transfer: take cash.") % {"point": point},
        )
    elif payment_method not in (PaymentMethod.CASH, PaymentMethod.VIETQR):
        problems.add(
            "payment_method",
            _("Unknown payment method %(method)r.") % {"method": str(payment_method)[:20]},
        )
    buyer = _buyer(problems, buyer_tax_code, buyer_name, buyer_address)
    wanted, prices = sale_lines_checked(problems, desk, point, lines)
    problems.raise_any()

    # Paid by VietQR: the goods go now, the money is awaited until the bank confirms it.
    money = (
        ledger.account_transfers_awaited(desk.province)
        if payment_method == PaymentMethod.VIETQR
        else None
    )

    def work(op: Op) -> Sale:
        return sale_write(
            op,
            desk=desk,
            point=point,
            wanted=wanted,
            prices=prices,
            payment_method=payment_method,
            buyer=buyer,
            money=money,
        )

    return desk.once(
        Sale,
        operation="sale",
        key=idempotency_key,
        prefix=SALE_PREFIX,
        fingerprint={
            "lines": [[line.product.code, line.quantity] for line in wanted],
            "payment": payment_method,
            "buyer": list(buyer),
        },
        work=work,
    )


def sale_lines_checked(
    problems: Problems, desk: Desk, point: ServicePoint, lines: Sequence[Any]
) -> tuple[list[Line], dict[int, int]]:
    """The lines of a sale and the price of each product on the day; every problem (a code
    unknown, no price for the day, beyond the stock held) added to ``problems``."""
    wanted = lines_clean(problems, desk.province, lines)
    prices = prices_on(desk.province, [line.product for line in wanted], desk.day)
    for line in wanted:
        if line.product.pk not in prices:
            problems.add(f"lines.{line.index}.code", no_price(line.product, desk.day))
    if problems:
        _out_of_stock(problems, point, wanted)
    return wanted, prices


def _take_out(
    desk: Desk, point: ServicePoint, wanted: Sequence[Line], kind: str, number: str
) -> list[Any]:
    """The lines' goods out of ``point``'s stock (locked, refused when short), as movements
    of ``kind`` under ``number``: each with its cost."""
    levels = stock.levels_locked(point, [line.product for line in wanted], create=False)
    _refuse_short(point, wanted, levels)
    return stock.stock_apply(
        point=point,
        moves=[stock.Move(line.product, -line.quantity) for line in wanted],
        kind=kind,
        reference=number,
        day=desk.day,
        at=desk.moment,
        actor=desk.actor,
        levels=levels,
    )


def sale_write(
    op: Op,
    *,
    desk: Desk,
    point: ServicePoint,
    wanted: Sequence[Line],
    prices: dict[int, int],
    payment_method: str,
    buyer: tuple[str, str, str] = ("", "", ""),
    money: Any = None,
    consigned_to: Any = None,
) -> Sale:
    """Write the checked sale in ``op``'s transaction: the stock out, the entry, the rows
    and the rollup. The money comes into the drawer, or into ``money`` (an account of what
    the buyer owes, for goods sent cash on delivery), and the consignors' shares are owed to
    each, or held on ``consigned_to`` (see ``_money_legs``)."""
    province = desk.province
    number = op.reference()
    moved = _take_out(desk, point, wanted, MovementKind.SALE, number)
    rows = []
    for line, one in zip(wanted, moved, strict=True):
        product = line.product
        rows.append(_sale_line(province, product, line.quantity, prices[product.pk], one.cost))
    entry = op.post(kind=EntryKind.GOODS_SALE, legs=_sale_legs(point, rows, money, consigned_to))
    sale = Sale.objects.create(
        **op.record(entry),
        payment_method=payment_method,
        total=sum(row.line_total for row in rows),
        vat=sum(row.vat for row in rows),
        revenue=sum(_revenue(row.line_total, row.vat, row.supplier_share) for row in rows),
        supplier_share=sum(row.supplier_share for row in rows),
        cost=sum(row.cost for row in rows),
        buyer_tax_code=buyer[0],
        buyer_name=buyer[1],
        buyer_address=buyer[2],
    )
    for row in rows:
        row.sale = sale
    SaleLine.objects.bulk_create(rows)
    rollup_sale(sale, rows)
    return sale


# --- many sales at once ----------------------------------------------------------------------


@dataclass(frozen=True)
class BulkSale:
    """One sale of a list (``sales_make_many``): the clerk who made it at their point, when,
    under which key, and its products with their quantities; paid in cash."""

    actor: Any
    point: ServicePoint
    at: dt.datetime
    idempotency_key: str
    lines: Sequence[tuple[Product, int]]
    buyer: tuple[str, str, str] = ("", "", "")


def _bulk_lines(
    problems: Problems, index: int, province: str, lines: Sequence[tuple[Product, int]]
) -> list[Line]:
    """The lines of sale ``index`` of a list, one per product (quantities added)."""
    field = f"sales.{index}.lines"
    wanted: dict[int, Line] = {}
    if not lines:
        problems.add(field, _("A sale needs at least one product."))
    for product, quantity in lines:
        if product.province_code != province or not product.is_active:
            problems.add(field, _("%(product)s is not sold here.") % {"product": product.name})
            continue
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            problems.add(field, _("Give a whole number of units of 1 or more."))
            continue
        before = wanted.get(product.pk)
        total = quantity + (before.quantity if before else 0)
        wanted[product.pk] = Line(
            len(wanted) if before is None else before.index, product, total, {}
        )
    return list(wanted.values())


@transaction.atomic
def sales_make_many(*, province_code: str, sales: Sequence[BulkSale]) -> list[Sale]:
    """Many cash sales made at the counters, written at once: each is the sale ``sale_make``
    makes (its number, its lines, the goods out of its point's stock at the average cost, one
    ledger entry, its counts in the rollup and its audit record), but the stock levels, the
    entries (``ledger.entries_post``), the rows and the rollup of the whole list are written
    in a few statements. For a day of a till that worked offline, and for the demo's year at
    a province's pace. All or nothing: every problem (a clerk away from their point, a
    product without a price on its day, more than a point holds, a key used already) is
    refused at once, with the sale's place in the list. Returns the sales, in the order of
    time."""
    problems = Problems()
    desks: dict[tuple[int, int, dt.date], Desk] = {}
    todo: list[tuple[int, BulkSale, Desk, list[Line], str]] = []
    for index, sale in enumerate(sales):
        if sale.point.province_code != province_code:
            problems.add(f"sales.{index}.point", _("The point is in another province."))
            continue
        try:
            moment_day = moment_of(sale.at)[1]
            desk = desks.get((sale.actor.pk, sale.point.pk, moment_day))
            if desk is None:
                desk = counter_desk(sale.actor, sale.point, sale.at)
                desks[(sale.actor.pk, sale.point.pk, moment_day)] = desk
            key = desk.key("sale", key_clean(sale.idempotency_key))
        except DomainError as error:
            problems.add(f"sales.{index}.{error.field or 'point'}", str(error.message))
            continue
        lines = _bulk_lines(problems, index, province_code, sale.lines)
        todo.append(
            (index, sale, dataclasses.replace(desk, moment=moment_of(sale.at)[0]), lines, key)
        )
    keys = [key for *_rest, key in todo]
    if len(set(keys)) != len(keys):
        problems.add("sales", _("Each sale of a list needs an idempotency key of its own."))
    used = set(
        Sale.objects.filter(province_code=province_code, idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
    )
    products = {line.product.pk: line.product for *_rest, lines, _key in todo for line in lines}
    prices: dict[dt.date, dict[int, int]] = {
        day: prices_on(province_code, list(products.values()), day)
        for day in sorted({desk.day for _i, _s, desk, _l, _k in todo})
    }
    # The levels of every point, locked in one order (point, then product: as stock_apply).
    points = {sale.point.pk: sale.point for _i, sale, *_rest in todo}
    wanted: dict[int, set[int]] = defaultdict(set)
    for _i, sale, _d, lines, _k in todo:
        wanted[sale.point.pk].update(line.product.pk for line in lines)
    levels: dict[int, dict[int, stock.HeldRow]] = defaultdict(dict)
    pairs = Q()
    for point_pk, product_pks in wanted.items():
        pairs |= Q(point_id=point_pk, product_id__in=sorted(product_pks))
    for pk, point_pk, product_pk, quantity, value in (
        StockLevel.objects.select_for_update()
        .filter(pairs, province_code=province_code)
        .order_by("pk")
        .values_list("pk", "point_id", "product_id", "quantity", "value")
        if wanted
        else []
    ):
        levels[point_pk][product_pk] = stock.HeldRow(pk, quantity, value)
    made: list[tuple[BulkSale, Desk, str, list[SaleLine], list[StockMovement]]] = []
    deltas: dict[int, list[int]] = {}
    for index, sale, desk, lines, key in sorted(todo, key=lambda one: (one[1].at, one[0])):
        if key in used:
            problems.add(f"sales.{index}.idempotency_key", _("This sale is recorded already."))
        held = levels[sale.point.pk]
        rows: list[SaleLine] = []
        moves: list[StockMovement] = []
        for line in lines:
            product = line.product
            price = prices[desk.day].get(product.pk)
            if price is None:
                problems.add(f"sales.{index}.lines", no_price(product, desk.day))
                continue
            level = held.get(product.pk)
            if level is None or level.quantity < line.quantity:
                problems.add(
                    f"sales.{index}.lines",
                    stock.shortage_message(product, line.quantity, level.quantity if level else 0),
                )
                continue
            cost = stock.average_cost(level, line.quantity)
            level.quantity -= line.quantity
            level.value -= cost
            delta = deltas.setdefault(level.pk, [0, 0])
            delta[0] -= line.quantity
            delta[1] -= cost
            rows.append(_sale_line(province_code, product, line.quantity, price, cost))
            moves.append(
                StockMovement(
                    province_code=province_code,
                    point=sale.point,
                    product=product,
                    kind=MovementKind.SALE,
                    quantity=-line.quantity,
                    unit_cost=cost // line.quantity,
                    value=-cost,
                    business_date=desk.day,
                    at=desk.moment,
                    actor_id=actor_id(sale.actor),
                )
            )
        made.append((sale, desk, key, rows, moves))
    problems.raise_any()
    if not made:
        return []
    # The sales' numbers: a block of each point's serials.
    counts: dict[int, int] = defaultdict(int)
    for sale, *_rest in made:
        counts[sale.point.pk] += 1
    taken = sequence_next_many(
        {f"{APP}:{SALE_PREFIX}:{points[pk].code}": n for pk, n in counts.items()}
    )
    serial = {
        pk: taken[f"{APP}:{SALE_PREFIX}:{points[pk].code}"] - count for pk, count in counts.items()
    }
    partners = {
        supplier_partner(row.supplier)
        for *_rest, rows, _m in made
        for row in rows
        if row.supplier_share
    }
    accounts = counter_accounts_of(points.values(), partners)
    postings: list[ledger.Posting] = []
    numbers: list[str] = []
    for sale, desk, key, rows, moves in made:
        serial[sale.point.pk] += 1
        number = f"{SALE_PREFIX}{sale.point.code}{serial[sale.point.pk]:06d}"
        numbers.append(number)
        for move in moves:
            move.reference = number
        posting = desk.posting(
            kind=EntryKind.GOODS_SALE,
            legs=_sale_legs(sale.point, rows, None, None, accounts[sale.point.pk]),
            reference=f"{APP}:{number}",
            key=key,
        )
        postings.append(dataclasses.replace(posting, actor=sale.actor))
    entries = ledger.entries_post(
        actor=made[0][0].actor, province_code=province_code, postings=postings
    )
    with connection.cursor() as cursor:
        cursor.execute(*stock.levels_sql(deltas))
    # The rows through core.bulk (COPY, prepared INSERTs): bulk_create spent most of a
    # day's time building instances and compiling SQL.
    insert_rows(StockMovement, (_values(move) for *_rest, moves in made for move in moves))
    written = [
        Sale(
            province_code=province_code,
            reference=number,
            idempotency_key=key,
            fingerprint=fingerprint_of(
                {
                    "lines": [[row.product.code, row.quantity] for row in rows],
                    "payment": PaymentMethod.CASH,
                    "buyer": list(sale.buyer),
                }
            ),
            point=sale.point,
            business_date=entry.business_date,
            created_at=desk.moment,
            created_by_id=actor_id(sale.actor),
            entry_id=entry.pk,
            payment_method=PaymentMethod.CASH,
            total=sum(row.line_total for row in rows),
            vat=sum(row.vat for row in rows),
            revenue=sum(_revenue(row.line_total, row.vat, row.supplier_share) for row in rows),
            supplier_share=sum(row.supplier_share for row in rows),
            cost=sum(row.cost for row in rows),
            buyer_tax_code=sale.buyer[0],
            buyer_name=sale.buyer[1],
            buyer_address=sale.buyer[2],
        )
        for (sale, desk, key, rows, _moves), number, entry in zip(
            made, numbers, entries, strict=True
        )
    ]
    insert_rows(Sale, (_values(one) for one in written))
    ids = dict(
        Sale.objects.filter(province_code=province_code, reference__in=numbers).values_list(
            "reference", "pk"
        )
    )
    for one in written:
        one.pk = ids[one.reference]
    insert_rows(
        SaleLine,
        (
            {**_values(line_row), "sale_id": one.pk}
            for one, (_sale, _desk, _key, rows, _moves) in zip(written, made, strict=True)
            for line_row in rows
        ),
    )
    rollup_sales([(one, rows) for one, (_s, _d, _k, rows, _m) in zip(written, made, strict=True)])
    audit_insert(
        action=f"{APP}.sale",
        model=Sale,
        objects=(
            (sale.actor, one.pk, str(one), None)
            for one, (sale, *_rest) in zip(written, made, strict=True)
        ),
    )
    return written


def _values(row: Any) -> dict[str, Any]:
    """A row's values by attribute name (its id left out), for ``core.bulk.insert_rows``."""
    return {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if not field.primary_key
    }


def _sale_line(province: str, product: Product, quantity: int, price: int, cost: int) -> SaleLine:
    """A line of a sale: of bought goods the VAT in the price, of consigned goods the
    consignor's share and the commission."""
    supplier = product.supplier
    total = price * quantity
    consigned = supplier.is_consignment
    commission = commission_of(total, supplier.commission_bp) if consigned else 0
    return SaleLine(
        province_code=province,
        product=product,
        quantity=quantity,
        unit_price=price,
        vat_rate=0 if consigned else product.vat_rate,
        line_total=total,
        vat=0 if consigned else vat_included(total, product.vat_rate),
        commission=commission,
        supplier_share=total - commission if consigned else 0,
        cost=cost,
        supplier=supplier,
        consignment=consigned,
    )


@settles("goods", label=gettext_lazy("Goods sale"))
def sale_paid_by_transfer(payment: Any, *, actor: Any, bank: Any) -> Entry:
    """What confirming a VietQR payment of kind ``goods`` posts: the sale whose number the
    payment carries, paid into ``bank``: the money awaited (``113``) has arrived. Called by
    the cashless app in its confirmation's transaction; a confirmation retried returns the
    entry already posted. Refused (the payment stays unconfirmed) when no sale of that
    number was paid by VietQR, it is paid already, the amounts differ or the points do."""
    province = str(payment.province_code)
    number = reference_clean(payment.reference)
    key = f"cashless:{payment.pk}"
    done = Entry.objects.filter(province_code=province, idempotency_key=key).first()
    if done is not None:
        return done  # a retried confirmation
    sale = Sale.objects.filter(province_code=province, reference=number).first()
    if sale is None or sale.payment_method != PaymentMethod.VIETQR:
        raise DomainError(
            _("No sale %(number)s awaits a transfer.") % {"number": number}, field="reference"
        )
    paid = f"goods:transfer:{sale.reference}"
    if Entry.objects.filter(province_code=province, reference=paid).exists():
        raise DomainError(
            _("Sale %(number)s was paid by another transfer already.") % {"number": number},
            field="reference",
        )
    if payment.amount != sale.total:
        raise DomainError(
            _("The transfer of %(paid)s does not match sale %(number)s of %(total)s.")
            % {
                "paid": format_vnd(payment.amount),
                "number": number,
                "total": format_vnd(sale.total),
            },
            field="amount",
        )
    if payment.point_id != sale.point_id:
        raise DomainError(
            _("Sale %(number)s was made at another point.") % {"number": number}, field="point"
        )
    awaited = ledger.account_transfers_awaited(province)
    return ledger.entry_post(
        actor=actor,
        idempotency_key=key,
        kind=EntryKind.CASHLESS_PAYMENT,
        reference=paid,
        legs=[ledger.Leg(bank, awaited, sale.total, STOCK_ONLY)],
        province_code=province,
        point=sale.point,
        late=True,
    )


def _revenue(total: int, vat: int, supplier_share: int) -> int:
    """What of a line's (or a part's) money is the post's revenue."""
    return total - vat - supplier_share


class _Legs:
    """The amounts of one entry added up per (debit, credit) before they become legs."""

    def __init__(self) -> None:
        self.sums: dict[tuple[Any, Any], int] = defaultdict(int)
        self.accounts: dict[int, Any] = {}

    def add(self, debit: Any, credit: Any, amount: int) -> None:
        if amount:
            self.accounts[debit.pk], self.accounts[credit.pk] = debit, credit
            self.sums[(debit.pk, credit.pk)] += amount

    def legs(self) -> list[ledger.Leg]:
        return [
            ledger.Leg(self.accounts[d], self.accounts[c], amount, SERVICE)
            for (d, c), amount in self.sums.items()
            if amount
        ]


def _money_legs(
    point: ServicePoint,
    parts: Sequence[tuple[int, int, int, int, Supplier]],
    *,
    back: bool,
    money: Any = None,
    consigned_to: Any = None,
    accounts: CounterAccounts | None = None,
) -> list[ledger.Leg]:
    """The legs of a sale (``back``: of a return) from its parts: (money, VAT, consignor's
    share, cost, supplier) each. The money goes through the drawer, or ``money``; the
    consignors' shares are owed to each, or held on ``consigned_to`` (goods sent cash on
    delivery: owed once the buyer pays). ``accounts``: the point's, read already."""
    if accounts is None:
        owed_to = set() if consigned_to else {supplier_partner(p[4]) for p in parts if p[2]}
        accounts = counter_accounts(point, owed_to)
    drawer, revenue, vat = money or accounts.drawer, accounts.revenue, accounts.vat
    sums = _Legs()

    def add(debit: Any, credit: Any, amount: int) -> None:
        if back:
            sums.add(credit, debit, amount)
        else:
            sums.add(debit, credit, amount)

    costs = 0
    for total, tax, share, cost, supplier in parts:
        add(drawer, revenue, _revenue(total, tax, share))
        add(drawer, vat, tax)
        if share:
            owed = consigned_to or accounts.consignors[supplier_partner(supplier)]
            add(drawer, owed, share)
        costs += cost
    if costs:
        add(accounts.cost, accounts.inventory, costs)
    return sums.legs()


def _sale_legs(
    point: ServicePoint,
    rows: Sequence[SaleLine],
    money: Any,
    consigned_to: Any,
    accounts: CounterAccounts | None = None,
) -> list[ledger.Leg]:
    parts = [(r.line_total, r.vat, r.supplier_share, r.cost, r.supplier) for r in rows]
    return _money_legs(
        point, parts, back=False, money=money, consigned_to=consigned_to, accounts=accounts
    )


# --- customers' returns ----------------------------------------------------------------------


def _share(amount: int, before: int, now: int, of: int) -> int:
    """What ``now - before`` of ``of`` units is of ``amount``, so that the parts of all ``of``
    units add up to ``amount`` exactly, whatever the steps."""
    return amount * now // of - amount * before // of


def _more_than_left(product: str, row: SaleLine) -> str:
    return _("%(product)s: %(sold)s sold, %(back)s returned already, so at most %(left)s.") % {
        "product": product,
        "sold": row.quantity,
        "back": row.returned,
        "left": row.quantity - row.returned,
    }


def sale_get_for_return(province: str, number: str) -> Sale:
    found = Sale.objects.filter(province_code=province, reference=number).first()
    if found is None:
        raise NotFound(_("No such sale."), field="sale")
    return found


@dataclass(frozen=True)
class _Part:
    """What ``quantity`` more units of a sale's line coming back are worth: each part of the
    money in proportion on its own (so none is ever negative and each adds up to the sale's
    once every unit is back); the cash is their sum."""

    amount: int
    tax: int
    share: int
    commission: int
    cost: int


def _return_part(row: SaleLine, quantity: int) -> _Part:
    before, now = row.returned, row.returned + quantity
    tax = _share(row.vat, before, now, row.quantity)
    share = _share(row.supplier_share, before, now, row.quantity)
    earned = _share(
        _revenue(row.line_total, row.vat, row.supplier_share), before, now, row.quantity
    )
    return _Part(
        amount=earned + tax + share,
        tax=tax,
        share=share,
        commission=earned if row.consignment else 0,
        cost=_share(row.cost, before, now, row.quantity),
    )


def _return_plan(
    desk: Desk,
    *,
    sale: Sale | str,
    lines: Sequence[Any],
    reason: Any,
    money: Any = None,
    within_days: int | None = RETURN_DAYS,
    reason_limit: int = 300,
) -> tuple[Sale, list[Line], str]:
    """The sale and the lines of a return at ``desk``'s point, and its reason: refused (every
    problem of the lines and the reason at once) unless the goods go back where they were
    sold, within ``within_days``, never more than was sold less what came back already."""
    province = desk.province
    number = sale.reference if isinstance(sale, Sale) else reference_clean(sale)
    found = sale_get_for_return(province, number)
    if found.point_id != desk.point.pk:
        raise DomainError(
            _("Sale %(number)s was made at another point: goods go back where they were sold.")
            % {"number": found.reference},
            field="sale",
        )
    if found.payment_method == PaymentMethod.COD and money is None:
        raise DomainError(
            _("Sale %(number)s was sent by parcel: its goods come back with the parcel.")
            % {"number": found.reference},
            field="sale",
        )
    if within_days is not None and (desk.day - found.business_date).days > within_days:
        raise DomainError(
            _("Sale %(number)s was made on %(day)s: goods are taken back within %(days)s days.")
            % {
                "number": found.reference,
                "day": f"{found.business_date:%d/%m/%Y}",
                "days": within_days,
            },
            field="sale",
        )
    problems = Problems()
    why = problems.check(
        fields.text, reason, field="reason", label=_("The reason"), limit=reason_limit
    )
    wanted = lines_clean(problems, province, lines)
    sold = {row.product_id: row for row in found.lines.all()}
    for line in wanted:
        if line.product.pk not in sold:
            problems.add(
                f"lines.{line.index}.code",
                _("%(product)s is not on sale %(number)s.")
                % {"product": line.product.name, "number": found.reference},
            )
        elif line.quantity > sold[line.product.pk].quantity - sold[line.product.pk].returned:
            # Told with the other problems (a read without locks: the work checks again).
            problems.add(
                f"lines.{line.index}.quantity",
                _more_than_left(line.product.name, sold[line.product.pk]),
            )
    problems.raise_any()
    return found, wanted, why or ""


def _sale_return_at(
    desk: Desk,
    *,
    idempotency_key: str,
    found: Sale,
    wanted: list[Line],
    why: str,
    money: Any = None,
    consigned_to: Any = None,
) -> SaleReturn:
    """The return ``_return_plan`` allowed, written at ``desk`` (once per key)."""
    point = desk.point

    def work(op: Op) -> SaleReturn:
        reference = op.reference()
        locked = {
            row.product_id: row
            for row in SaleLine.objects.select_for_update()
            .select_related("supplier")
            .filter(sale=found)
            .order_by("pk")
        }
        late = Problems()
        for line in wanted:
            row = locked[line.product.pk]
            if line.quantity > row.quantity - row.returned:
                late.add(f"lines.{line.index}.quantity", _more_than_left(line.product.name, row))
        late.raise_any()
        parts = []
        made = []
        for line in wanted:
            row = locked[line.product.pk]
            before = row.returned
            claimed = SaleLine.objects.filter(
                pk=row.pk, returned__lte=F("quantity") - line.quantity, returned=before
            ).update(returned=F("returned") + line.quantity)
            if not claimed:
                raise DomainError(_("Another return of this sale came first: try again."))
            part = _return_part(row, line.quantity)
            parts.append((part.amount, part.tax, part.share, part.cost, row.supplier))
            made.append(
                SaleReturnLine(
                    province_code=desk.province,
                    sale_line=row,
                    quantity=line.quantity,
                    amount=part.amount,
                    vat=part.tax,
                    commission=part.commission,
                    supplier_share=part.share,
                    cost=part.cost,
                )
            )
        stock.stock_apply(
            point=point,
            moves=[
                stock.Move(line.product, line.quantity, part[3])
                for line, part in zip(wanted, parts, strict=True)
            ],
            kind=MovementKind.CUSTOMER_RETURN,
            reference=reference,
            day=desk.day,
            at=desk.moment,
            actor=desk.actor,
        )
        legs = _money_legs(point, parts, back=True, money=money, consigned_to=consigned_to)
        entry = op.post(kind=EntryKind.GOODS_RETURN, legs=legs)
        back = SaleReturn.objects.create(
            **op.record(entry),
            sale=found,
            reason=why,
            total=sum(part[0] for part in parts),
            vat=sum(part[1] for part in parts),
            cost=sum(part[3] for part in parts),
        )
        for part_row in made:
            part_row.sale_return = back
        SaleReturnLine.objects.bulk_create(made)
        rollup_return(
            back,
            [
                (part_row, line.product.group, part_row.sale_line.consignment)
                for line, part_row in zip(wanted, made, strict=True)
            ],
        )
        return back

    return desk.once(
        SaleReturn,
        operation="return",
        key=idempotency_key,
        prefix=RETURN_PREFIX,
        fingerprint={
            "sale": found.reference,
            "lines": [[line.product.code, line.quantity] for line in wanted],
            "reason": why,
        },
        work=work,
    )


def sale_return(
    *,
    actor: Any,
    point: ServicePoint,
    idempotency_key: str,
    sale: Sale | str,
    lines: Sequence[Any],
    reason: str,
    at: dt.datetime | None = None,
    money: Any = None,
    within_days: int | None = RETURN_DAYS,
    consigned_to: Any = None,
) -> SaleReturn:
    """Goods of a sale brought back to the point that sold them, within ``within_days``:
    each line a product of the sale (``code``) and a ``quantity``, never more than was sold
    less what came back already. The money goes back from the drawer, or to ``money`` (the
    account of what a buyer owed: a parcel of goods sent cash on delivery that came back,
    whatever its age: ``within_days=None``). Done at once: a customer's return at the
    counter goes through ``sale_return_ask`` (a reason; above an amount, an approval)."""
    desk = counter_desk(actor, point, at)
    found, wanted, why = _return_plan(
        desk, sale=sale, lines=lines, reason=reason, money=money, within_days=within_days
    )
    return _sale_return_at(
        desk,
        idempotency_key=idempotency_key,
        found=found,
        wanted=wanted,
        why=why,
        money=money,
        consigned_to=consigned_to,
    )


def _asked_point(params: Any) -> ServicePoint:
    return ServicePoint.objects.select_related("unit").get(pk=int(params["point"]))


def _return_ask_check(*, actor: Any, record: Sale, params: Any, at: Any, reason: Any) -> None:
    """A clerk at their own point, the point that sold the goods, within the days goods are
    taken back; the lines and the reason (every problem at once)."""
    desk = counter_desk(actor, _asked_point(params), at)
    _return_plan(
        desk,
        sale=record,
        lines=params["lines"],
        reason=reason,
        reason_limit=cancellations.REASON_MAX,
    )


def _return_ask_perform(
    *, actor: Any, record: Sale, reason: str, params: Any, at: Any
) -> SaleReturn:
    desk = Desk.at_point(actor=actor, point=_asked_point(params), app=APP, at=at)
    found, wanted, why = _return_plan(desk, sale=record, lines=params["lines"], reason=reason)
    return _sale_return_at(
        desk, idempotency_key=str(params["idempotency_key"]), found=found, wanted=wanted, why=why
    )


def _return_subject(sale: Sale, params: Any) -> cancellations.Subject:
    """The money the return gives back (what the lines asked are worth now)."""
    problems = Problems()
    wanted = lines_clean(problems, sale.province_code, params.get("lines") or [])
    sold = {row.product_id: row for row in sale.lines.all()}
    amount = sum(
        _return_part(sold[line.product.pk], line.quantity).amount
        for line in wanted
        if line.product.pk in sold
    )
    return cancellations.Subject.at(
        sale.point,
        noun=gettext_lazy("goods return of sale"),
        reference=sale.reference,
        amount=amount,
    )


SALE_RETURN = cancellations.register(
    cancellations.Kind(
        name="goods.sale_return",
        noun=gettext_lazy("goods return of sale"),
        load=lambda pk: Sale.objects.select_related("point").get(pk=int(pk)),
        subject=_return_subject,
        check=_return_ask_check,
        perform=_return_ask_perform,
        url=lambda reference: reverse("goods:sale_detail", args=[reference]),
    )
)


def sale_return_ask(
    *,
    actor: Any,
    point: ServicePoint,
    idempotency_key: str,
    sale: Sale | str,
    lines: Sequence[Any],
    reason: str,
    at: dt.datetime | None = None,
) -> cancellations.Cancellation:
    """A customer's goods taken back at the counter (``sale_return``'s rules), for a reason
    (at most 200 characters): done at once (``Cancellation.record``: the return), or, when
    the money it gives back is above ``settings.BUUDIEN_CANCEL_APPROVAL_ABOVE``, asked and
    done when a director or an accountant approves it (``counter.cancellations``)."""
    number = sale.reference if isinstance(sale, Sale) else reference_clean(sale)
    found = sale_get_for_return(point.province_code, number)
    given = [dict(line) if isinstance(line, Mapping) else line for line in lines]
    return cancellations.cancel(
        kind=SALE_RETURN,
        actor=actor,
        record=found,
        reason=reason,
        params={"point": point.pk, "lines": given, "idempotency_key": idempotency_key},
        at=at,
    )
