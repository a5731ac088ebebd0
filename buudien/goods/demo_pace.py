"""Goods at a real province's pace: a step of ``buudien demo`` (``goods.pace``, after the
goods' sample year and the ledger's pace, before the plans).

The sample year (``goods.demo``) makes some hundreds of sales one at a time. Lạng Sơn's
provincial post sells tens of tỷ đồng of consumer goods a year (the reviews: "hàng tiêu
dùng tăng 24,2%"; distribution is the largest line of Cao Bằng's 189 tỷ). This step sells the
rest of the year with the goods' own records, so that the sales, the stock, the cost of the
goods sold, the rollup and the ledger all have that magnitude:

- retail sales (``RETAIL`` a year at pace 1) at every point that sells goods and has a
  clerk, by the weight of its kind, with the months' seasons; baskets as in the sample;
- wholesale (``WHOLESALE`` a year) at the level I and II offices: cartons of everyday goods
  to the shops of the district, each with a VAT invoice to the shop's tax code;
- the goods are bought for it: on the first business day of each month the warehouse
  receives from each supplier what the month's transfers need (``receipt_make``), and each
  point gets a transfer of what it will sell until the next one (``transfer_send`` and
  ``transfer_receive``): the level I and II offices each month, the others once at the
  start (a few hundred documents through the services rather than thousands);
- each business day's sales of every point go through ``services.sales_make_many``: the
  sales ``sale_make`` would make, written in a few statements.

``BUUDIEN_DEMO_PACE`` scales it (0 skips it). Seeded and repeatable.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from django.db.models import Max, Min, Sum
from django.utils.translation import gettext as _

from buudien.core.bizdays import local_today
from buudien.core.money import format_number, format_vnd
from buudien.finance import demo as pace
from buudien.finance import ledger
from buudien.finance.models import Account
from buudien.goods import services
from buudien.goods.choices import ProductGroup
from buudien.goods.demo import (
    EXTRA,
    MONTHLY,
    PROVINCE,
    Item,
    Outlet,
    _at,
    _Made,
    _outlets,
    _periods,
    _purchases,
    _transfer,
)
from buudien.goods.models import GoodsReceiptLine, Price, Product, Sale, SaleLine, Warehouse
from buudien.network.choices import PointKind
from buudien.network.demo import PROVINCE_UNIT_CODE
from buudien.network.models import Unit
from buudien.people.choices import Role
from buudien.people.models import User

RETAIL = 80_000  # sales a year at the counters
WHOLESALE = 9_000  # orders a year of the shops, at the level I and II offices
CARTONS = (24, 30, 48, 60, 96, 120)  # units of a product in a shop's order
SHOPS = (
    "Cửa hàng tạp hóa Minh Anh", "Đại lý Hoàng Long", "Cửa hàng Thu Hà", "Tạp hóa Bảo Ngọc",
    "Cửa hàng Tiến Phát", "Đại lý Hùng Cường", "Tạp hóa Lan Hương", "Cửa hàng Phúc An",
)  # fmt: skip


def build(*, seed: int, report: Callable[[str], None]) -> str:
    scale = pace.pace_factor()
    warehouse = Warehouse.objects.filter(province_code=PROVINCE).select_related("point").first()
    province = Unit.objects.filter(code=PROVINCE_UNIT_CODE).first()
    if not scale or warehouse is None or province is None:
        return ""
    main = warehouse.point
    keeper = User.objects.filter(role=Role.CLERK, point=main, is_active=True).order_by("pk").first()
    priced = Price.objects.filter(province_code=PROVINCE).aggregate(first=Min("valid_from"))
    accountant = User.objects.filter(role=Role.ACCOUNTANT, unit=province).order_by("pk").first()
    bank = (
        Account.objects.filter(province_code=PROVINCE, code__startswith=ledger.BANK_PREFIX)
        .order_by("-balance", "code")
        .first()
    )
    if keeper is None or priced["first"] is None or accountant is None or bank is None:
        return ""
    days = [day for day in pace.pace_days() if day >= priced["first"]]
    outlets = _outlets(province, days[0], days[-1]) if days else []
    items = _items()
    if not days or not outlets or not items:
        return ""
    report(_("Goods at a real province's pace"))
    started = time.perf_counter()
    rng = random.Random(seed * 61 + 5)
    plan = _plan(rng, scale, days, outlets, items)
    made = _Made()
    _stock(rng, plan, days, main, keeper, outlets, items, made)
    takings = pace.Takings(bank, name="goods-deposit")
    sold = 0
    for day, week_ends, last in pace.day_ends(days):
        for sale in services.sales_make_many(province_code=PROVINCE, sales=plan.get(day, [])):
            takings.take(sale.point, sale.total)
            sold += 1
        deposits = takings.deposited(day, week_ends=week_ends, last=last)
        if deposits:
            ledger.entries_post(
                actor=accountant, province_code=PROVINCE, postings=deposits, answer=False
            )
    totals = Sale.objects.filter(province_code=PROVINCE, idempotency_key__contains=":pace-")
    money = totals.aggregate(revenue=Sum("revenue"), cost=Sum("cost"))
    return _(
        "Goods at a province's pace: %(sales)s more sales (revenue %(revenue)s, cost of the "
        "goods %(cost)s), %(receipts)s receipts, %(transfers)s transfers, %(deposits)s deposits "
        "of the takings (%(s).1f s)."
    ) % {
        "sales": format_number(sold),
        "revenue": format_vnd(money["revenue"] or 0),
        "cost": format_vnd(money["cost"] or 0),
        "receipts": format_number(made.receipts),
        "transfers": format_number(made.transfers),
        "deposits": format_number(takings.deposits),
        "s": time.perf_counter() - started,
    }


def _items() -> list[Item]:
    """The products on sale, each with what it was last bought at (0 consigned) and how
    often it sells: as often as the sample year sold it, and a little for the others."""
    costs = dict(
        GoodsReceiptLine.objects.filter(province_code=PROVINCE)
        .values_list("product_id")
        .annotate(cost=Max("unit_cost"))
    )
    sold = dict(
        SaleLine.objects.filter(province_code=PROVINCE)
        .values_list("product_id")
        .annotate(units=Sum("quantity"))
    )
    products = (
        Product.objects.filter(province_code=PROVINCE, is_active=True)
        .select_related("supplier")
        .order_by("code")
    )
    return [
        Item(product, int(costs.get(product.pk) or 0), 1.0 + float(sold.get(product.pk) or 0))
        for product in products
        if product.pk in costs  # goods the warehouse has bought or taken on consignment
    ]


def _plan(
    rng: random.Random, scale: float, days: list[dt.date], outlets: list[Outlet], items: list[Item]
) -> dict[dt.date, list[services.BulkSale]]:
    """Every sale of the pace, by business day: the retail baskets of every outlet and the
    shops' orders at the larger offices."""
    from buudien.goods.demo import WEIGHT

    year = len(pace.pace_days()) or 1
    per_weight = RETAIL * scale / sum(WEIGHT[o.point.kind] for o in outlets) / max(year, 250)
    offices = [o for o in outlets if o.point.kind in (PointKind.BC1, PointKind.BC2)]
    per_office = WHOLESALE * scale / max(1, len(offices)) / max(year, 250)
    weights = [item.weight for item in items]
    cartons = [i for i in items if i.product.group == ProductGroup.CONSUMER and 0 < i.cost < 60_000]
    now = local_today()
    plan: dict[dt.date, list[services.BulkSale]] = defaultdict(list)
    for outlet in outlets:
        rate = WEIGHT[outlet.point.kind] * per_weight
        for day in days:
            if day >= now:
                break
            season = pace.SEASON[day.month - 1]
            mine = plan[day]
            for n in range(_draw(rng, rate * season)):
                picked = rng.choices(items, weights, k=rng.choice((1, 1, 1, 2, 2, 3, 4)))
                lines = {
                    item.product.pk: (item.product, 1 if item.cost > 100_000 else rng.choice(
                        (1, 1, 1, 1, 2, 2, 3)))
                    for item in picked
                }  # fmt: skip
                mine.append(_sale(rng, outlet, day, f"{n}", list(lines.values())))
            if outlet in offices and cartons:
                for n in range(_draw(rng, per_office * season)):
                    picked = rng.sample(cartons, min(len(cartons), rng.randint(2, 6)))
                    lines = {
                        item.product.pk: (item.product, rng.choice(CARTONS)) for item in picked
                    }
                    shop = rng.randrange(len(SHOPS))
                    buyer = (
                        f"49{outlet.point.pk % 100:02d}{shop:06d}",
                        SHOPS[shop],
                        f"{outlet.point.address or outlet.point.name}",
                    )
                    mine.append(_sale(rng, outlet, day, f"w{n}", list(lines.values()), buyer))
    return plan


def _draw(rng: random.Random, rate: float) -> int:
    return int(rate) + (1 if rng.random() < rate - int(rate) else 0)


def _sale(
    rng: random.Random,
    outlet: Outlet,
    day: dt.date,
    n: str,
    lines: list[tuple[Product, int]],
    buyer: tuple[str, str, str] = ("", "", ""),
) -> services.BulkSale:
    return services.BulkSale(
        actor=outlet.clerk,
        point=outlet.point,
        at=_at(day, rng.randint(8 * 60, 17 * 60)),
        idempotency_key=f"pace-{day:%Y%m%d}-{n}",
        lines=lines,
        buyer=buyer,
    )


def _stock(
    rng: random.Random,
    plan: dict[dt.date, list[services.BulkSale]],
    days: list[dt.date],
    main: Any,
    keeper: Any,
    outlets: list[Outlet],
    items: list[Item],
    made: _Made,
) -> None:
    """What the plan sells, bought and sent ahead of it: each outlet's need of a period sent
    on the period's first business day, the warehouse's of a month bought on the month's
    first business day (and a little more of each, as in the sample)."""
    by_pk = {item.product.pk: item for item in items}
    first, last = days[0], days[-1]
    # The offices monthly; the others once, with all they will sell (a few hundred documents
    # through the services, not thousands).
    periods = {True: _periods(first, last, 1), False: [(first, last)]}
    need: dict[tuple[int, dt.date], Counter[int]] = defaultdict(Counter)  # (point, day) -> units
    for day, sales in plan.items():
        for sale in sales:
            for product, quantity in sale.lines:
                need[(sale.point.pk, day)][product.pk] += quantity
    bought: dict[dt.date, Counter[int]] = defaultdict(Counter)
    sends: list[tuple[dt.date, Outlet, dict[int, int]]] = []
    for outlet in outlets:
        for start, end in periods[outlet.point.kind in MONTHLY]:
            wanted: Counter[int] = Counter()
            for day in days:
                if start <= day <= end:
                    wanted.update(need.get((outlet.point.pk, day), Counter()))
            sent_on = next((day for day in days if day >= start), None)
            if not wanted or sent_on is None or sent_on > end:
                continue
            send = {pk: math.ceil(q * (1 + EXTRA)) for pk, q in sorted(wanted.items())}
            bought[sent_on.replace(day=1)].update(send)
            if outlet.point.pk != main.pk:
                sends.append((sent_on, outlet, send))
    events: list[tuple[dt.datetime, int, Callable[[], None]]] = []
    for at, receive in _purchases(rng, bought, days, by_pk, keeper, main, made, "pace", 6 * 60):
        events.append((at, len(events), receive))
    for sent_on, outlet, send in sends:
        at = _at(sent_on, 6 * 60 + 40 + outlet.point.pk % 20)
        send_goods = _transfer(keeper, main, outlet, send, by_pk, at, made, "pace")
        events.append((at, len(events), send_goods))
    for *_when, run in sorted(events, key=lambda event: event[:2]):
        run()
