"""Goods ordered at the counter or by phone and sent to the buyer by parcel, cash on
delivery (đặt hàng, gửi bưu kiện thu hộ): the local products of the province (OCOP tea,
honey, dried meat ...) for buyers in other provinces.

An order is three things written in one transaction, each by its own domain:

- a **sale** of the goods at the point that holds them (``services.sale_write``): the stock
  out, the revenue and VAT of bought goods, the consignor's share of consigned goods, the
  cost: the same legs as a sale at the counter, except that the money is not in the drawer
  but owed by the buyer (``131.orders``), and a consignor's share is held (``3388.orders``)
  until the buyer pays;
- a **parcel** (CP) accepted through mail's own acceptance (``mail.item_accept``), from the
  point to the buyer, whose COD is the goods and the carriage: its fee is booked from
  ``131.orders`` too (the buyer pays it on delivery);
- the **order** row that ties them (``GoodsOrder``): its number is the sale's.

When the postman collects the COD (``mail.ledger.cod_collected_post``, through the follower
registered in ``apps.py``), the money owed to the sender settles what the buyer owed
(``cashdesk.cod_keep``): the order is paid, and each consignor's share, held until then, is
owed to it (its payment reaches the supplier when the COD is collected). When the parcel
comes back to the point (mail says it was returned to its sender), the clerk checks the
goods back in (``order_return``): a return of the whole sale into stock, and the carriage's
revenue and VAT reversed, both against ``131.orders``, which then holds nothing for the
order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buudien.cashdesk.services import cod_keep
from buudien.core.errors import DomainError, NotFound
from buudien.core.money import format_number
from buudien.counter import fields
from buudien.counter.desk import Op, key_clean
from buudien.counter.problems import Problems
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Entry
from buudien.goods import selectors, services
from buudien.goods.catalogue import counter_desk, supplier_partner
from buudien.goods.choices import OrderChannel, OrderStatus, PaymentMethod
from buudien.goods.models import GoodsOrder, Sale
from buudien.mail.acceptance.services import item_accept
from buudien.mail.choices import ItemStatus, MailService
from buudien.mail.ledger import fee_key
from buudien.mail.models import PostalItem
from buudien.network.choices import AdminAreaLevel
from buudien.network.models import AdminArea, ServicePoint

# The heaviest parcel an order is sent in (the parcel tariff refuses beyond its own limit).
MAX_WEIGHT_G = 30_000
REASON_BACK = "Bưu kiện hoàn về"  # the reason of the return that checks a parcel back in


def _commune(value: AdminArea | int | str | None) -> AdminArea:
    if isinstance(value, AdminArea):
        found: AdminArea | None = value
    elif value is None or not str(value).strip().isdigit() or len(str(value).strip()) > 12:
        found = None
    else:
        found = AdminArea.objects.filter(pk=int(str(value).strip())).first()
    if found is None or found.level != AdminAreaLevel.COMMUNE:
        raise DomainError(_("Choose the buyer's commune from the list."), field="buyer_commune")
    return found


def _weight(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_WEIGHT_G:
        raise DomainError(
            _("Weigh the parcel: a whole number of grams from 1 to %(most)s.")
            % {"most": format_number(MAX_WEIGHT_G)},
            field="weight_g",
        )
    return value


def order_take(
    *,
    actor: Any,
    point: ServicePoint,
    idempotency_key: str,
    lines: Sequence[Any],
    buyer_name: str,
    buyer_phone: str,
    buyer_address: str,
    buyer_commune: AdminArea | int | str | None,
    weight_g: Any,
    channel: str = OrderChannel.PHONE,
    at: dt.datetime | None = None,
) -> GoodsOrder:
    """Goods of ``point`` ordered by a buyer (at the counter or by phone), sold and sent to
    them by parcel, cash on delivery (see the module). Every problem (of the buyer, the
    weight, each line: a code unknown, no price for the day, beyond stock) at once, nothing
    written; the same key and request again return the order already taken."""
    desk = counter_desk(actor, point, at)
    problems = Problems()
    name = problems.check(
        fields.text, buyer_name, field="buyer_name", label=_("The buyer's name"), limit=200
    )
    phone = problems.check(fields.phone, buyer_phone, field="buyer_phone")
    address = problems.check(
        fields.text,
        buyer_address,
        field="buyer_address",
        label=_("The buyer's address"),
        limit=300,
    )
    commune = problems.check(_commune, buyer_commune)
    weight = problems.check(_weight, weight_g)
    if channel not in OrderChannel.values:
        problems.add("channel", _("Choose how the buyer ordered."))
    wanted, prices = services.sale_lines_checked(problems, desk, point, lines)
    problems.raise_any()
    assert commune is not None and weight is not None
    owed = ledger.account_orders_receivable(desk.province)
    awaiting = ledger.account_consignors_awaiting_cod(desk.province)

    def work(op: Op) -> Sale:
        sale = services.sale_write(
            op,
            desk=desk,
            point=point,
            wanted=wanted,
            prices=prices,
            payment_method=PaymentMethod.COD,
            money=owed,
            consigned_to=awaiting,
        )
        item = item_accept(
            actor=actor,
            point=point,
            service=MailService.PARCEL,
            sender_name=f"{point.name} ({sale.reference})",
            sender_phone=point.phone,
            sender_address=point.address,
            recipient_name=name or "",
            recipient_phone=phone or "",
            recipient_address=address or "",
            recipient_commune=commune,
            weight_g=weight,
            cod_amount=sale.total,
            at=desk.moment,
            price_on_delivery=owed,
        )
        GoodsOrder.objects.create(
            province_code=desk.province,
            sale=sale,
            item=item,
            channel=channel,
            buyer_name=name or "",
            buyer_phone=phone or "",
            buyer_address=address or "",
            buyer_commune=commune,
            carriage=item.price_total,
            cod_amount=item.cod_amount,
        )
        return sale

    sale = desk.once(
        Sale,
        operation="order",
        key=idempotency_key,
        prefix=services.SALE_PREFIX,
        fingerprint={
            "lines": [[line.product.code, line.quantity] for line in wanted],
            "buyer": [name, phone, address, commune.pk],
            "weight": weight,
            "channel": channel,
        },
        work=work,
    )
    return GoodsOrder.objects.select_related("sale", "item").get(sale=sale)


def order_paid(item: PostalItem, *, actor: Any, point: ServicePoint, day: dt.date) -> None:
    """The postman collected the COD of ``item``: if it is an order's parcel, the money
    settles what the buyer owed and the order is paid (called by mail, in the transaction of
    the collection). Nothing for any other item, nor for an order already paid."""
    order = GoodsOrder.objects.filter(item_id=item.pk, status=OrderStatus.SENT).first()
    if order is None:
        return
    province = item.province_code
    cod_keep(actor=actor, item=item, account=ledger.account_orders_receivable(province), day=day)
    _consignors_paid(order, actor=actor, day=day)
    GoodsOrder.objects.filter(pk=order.pk, status=OrderStatus.SENT).update(
        status=OrderStatus.PAID, paid_at=timezone.now()
    )


def _consignors_paid(order: GoodsOrder, *, actor: Any, day: dt.date) -> None:
    """The buyer paid: each consignor's share of the order, held until now, is owed to it."""
    shares: dict[str, int] = defaultdict(int)
    for line in order.sale.lines.select_related("supplier"):
        if line.supplier_share:
            shares[supplier_partner(line.supplier)] += line.supplier_share
    if not shares:
        return
    province = order.province_code
    awaiting = ledger.account_consignors_awaiting_cod(province)
    ledger.entry_post(
        actor=actor,
        idempotency_key=f"goods:order-consignors:{order.pk}",
        kind=EntryKind.GOODS_ORDER,
        reference=f"goods:order:{order.sale.reference}",
        legs=[
            ledger.Leg(awaiting, ledger.account_for_partner(province, partner), amount, "")
            for partner, amount in sorted(shares.items())
        ],
        province_code=province,
        business_date=day,
        point=order.sale.point,
        late=True,
    )


def order_get(*, user: Any, number: str) -> GoodsOrder:
    """An order of a point in ``user``'s scope, by its (sale's) number."""
    sale = selectors.sale_get(user=user, number=services.reference_clean(number))
    found = (
        GoodsOrder.objects.select_related("sale", "sale__point", "item", "buyer_commune")
        .filter(sale=sale)
        .first()
    )
    if found is None:
        raise NotFound(_("No such order."), field="order")
    return found


def order_return(
    *,
    actor: Any,
    order: GoodsOrder,
    idempotency_key: str,
    at: dt.datetime | None = None,
) -> GoodsOrder:
    """The parcel of ``order`` came back to the point (mail returned it to its sender): the
    clerk checks the goods back into stock. A return of the whole sale, its money back to
    what the buyer owed, and the carriage's revenue and VAT reversed: the order owes
    nothing any more. Once; refused while the parcel is on its way or once it was paid."""
    with transaction.atomic():
        return _order_return(actor=actor, order=order, idempotency_key=idempotency_key, at=at)


def _order_return(
    *, actor: Any, order: GoodsOrder, idempotency_key: str, at: dt.datetime | None
) -> GoodsOrder:
    sale, item = order.sale, order.item
    done = order.sale_return
    if done is not None and done.idempotency_key.endswith(f":{key_clean(idempotency_key)}"):
        return order  # the same check-in again
    if order.status != OrderStatus.SENT:
        raise DomainError(
            _("Order %(number)s is %(status)s: there is nothing to check back in.")
            % {"number": sale.reference, "status": order.get_status_display()},
            field="order",
        )
    item.refresh_from_db(fields=["status"])
    if item.status != ItemStatus.RETURNED:
        raise DomainError(
            _("The parcel %(s10)s has not come back to the point yet (%(status)s).")
            % {"s10": item.s10, "status": item.get_status_display()},
            field="order",
        )
    owed = ledger.account_orders_receivable(sale.province_code)
    back = services.sale_return(
        actor=actor,
        point=sale.point,
        idempotency_key=idempotency_key,
        sale=sale,
        lines=[
            {"code": line.product.code, "quantity": line.quantity - line.returned}
            for line in sale.lines.select_related("product").order_by("pk")
            if line.quantity > line.returned
        ],
        reason=REASON_BACK,
        at=at,
        money=owed,
        within_days=None,
        consigned_to=ledger.account_consignors_awaiting_cod(sale.province_code),
    )
    _carriage_reverse(order, actor=actor)
    claimed = GoodsOrder.objects.filter(pk=order.pk, status=OrderStatus.SENT).update(
        status=OrderStatus.RETURNED, sale_return=back
    )
    if not claimed:
        raise DomainError(_("The order changed meanwhile: open it again."), field="order")
    order.refresh_from_db()
    return order


def _carriage_reverse(order: GoodsOrder, *, actor: Any) -> None:
    """The carriage the buyer never paid: its fee entry reversed (revenue and VAT back
    against what the buyer owed), once."""
    item = order.item
    fee = Entry.objects.filter(
        province_code=item.province_code, idempotency_key=fee_key(item)
    ).first()
    if fee is not None:
        ledger.entry_reverse(
            actor=actor, entry=fee, idempotency_key=f"goods:order-carriage-back:{item.pk}"
        )
