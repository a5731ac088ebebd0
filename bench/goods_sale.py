"""A sale of 10 lines at the counter: ``goods.services.sale_make`` against raw inserts of the
same rows.

Ours: ``sale_make`` for a clerk at their point, 10 products scanned by barcode, one unit of
each: the counter's checks (role, point, business day, idempotency key), the products and
their prices of the day, the point's stock levels locked and checked, the 10 movements and
levels, the sale's number, the ledger entry (drawer, revenue, VAT, cost of goods and
inventory: 4 legs, with its balances and rollups), the sale and its 10 lines, the audit row.
Raw baseline: the same rows written through the driver itself (psycopg on PostgreSQL, sqlite3
on SQLite; no Django), one transaction each: the entry and its 4 transfers, the 5 balances,
the 10 level updates, the 10 movements, the sale and its 10 lines. Runs of the two alternate
in chunks, so both meet tables of the same size. Everything is written under a scratch
province ("94") deleted at the end.

The two alternate in chunks of 100 sales. Goal (the ledger posting's, set by issue 19 for
every counter operation's bench): ours at least 30% of raw's sales/s at the median sale.

BENCH_SALES (default 600) sales per contender.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buudien.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import goal, pct  # noqa: E402
from buudien.core.bizdays import local_today  # noqa: E402
from buudien.core.models import AuditEntry, Sequence  # noqa: E402
from buudien.finance import ledger  # noqa: E402
from buudien.finance.choices import EntryKind  # noqa: E402
from buudien.finance.models import (  # noqa: E402
    Account,
    DailyBalance,
    DailyFigure,
    Entry,
    MonthlyFigure,
    Transfer,
)
from buudien.goods import services, stock  # noqa: E402
from buudien.goods.barcodes import ean13_check_digit  # noqa: E402
from buudien.goods.models import (  # noqa: E402
    GoodsRollup,
    Price,
    Product,
    Sale,
    SaleLine,
    StockLevel,
    StockMovement,
    Supplier,
)
from buudien.network.models import AdminArea, ServicePoint, Unit  # noqa: E402
from buudien.people.models import User  # noqa: E402

N = int(os.environ.get("BENCH_SALES", "600"))
CHUNK = 100
WARMUP = 30
PROVINCE = "94"
LINES = 10
GOAL = 0.3  # a counter operation's share of its raw writes, as the ledger posting's
PRICE, COST = 10_800, 7_000  # incl. 8% VAT (800); the cost of one unit
STOCK = 10_000_000
USER = "bench-goods-clerk"


def cleanup() -> None:
    """The scratch province's rows, in plain SQL (ledger and movement rows refuse ORM
    deletes)."""
    user_ids = list(User.objects.filter(username=USER).values_list("pk", flat=True))
    tables: list[tuple[type[models.Model], str, list[Any]]] = [
        (GoodsRollup, "province_code = %s", [PROVINCE]),
        (SaleLine, "province_code = %s", [PROVINCE]),
        (Sale, "province_code = %s", [PROVINCE]),
        (StockMovement, "province_code = %s", [PROVINCE]),
        (StockLevel, "province_code = %s", [PROVINCE]),
        (Price, "province_code = %s", [PROVINCE]),
        (Product, "province_code = %s", [PROVINCE]),
        (Supplier, "province_code = %s", [PROVINCE]),
        (DailyBalance, "province_code = %s", [PROVINCE]),
        (DailyFigure, "province_code = %s", [PROVINCE]),
        (MonthlyFigure, "province_code = %s", [PROVINCE]),
        (Transfer, "province_code = %s", [PROVINCE]),
        (Entry, "province_code = %s", [PROVINCE]),
        (Account, "province_code = %s", [PROVINCE]),
        (Sequence, "name LIKE %s", ["goods:BH:94%"]),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        if user_ids:
            cursor.execute(
                f"DELETE FROM {AuditEntry._meta.db_table} WHERE actor_id = %s", [user_ids[0]]
            )
        for model, where, params in tables:
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {where}", params)
        cursor.execute(f"DELETE FROM {User._meta.db_table} WHERE username = %s", [USER])
        cursor.execute(
            f"DELETE FROM {ServicePoint._meta.db_table} WHERE province_code = %s", [PROVINCE]
        )
        cursor.execute(f"DELETE FROM {Unit._meta.db_table} WHERE code = %s", ["BENCH94"])
        cursor.execute(f"DELETE FROM {AdminArea._meta.db_table} WHERE code = %s", ["B9401"])


def setup() -> tuple[ServicePoint, User, list[Product]]:
    unit = Unit.objects.create(
        code="BENCH94", name="Bench goods", kind="province", province_code=PROVINCE
    )
    commune = AdminArea.objects.create(
        structure="2025",
        level="commune",
        code="B9401",
        name="Xã Hàng Hóa",
        division_type="xã",
        province_code=PROVINCE,
    )
    point = ServicePoint.objects.create(
        code="940001",
        name="Bưu cục bán hàng",
        kind="bc3",
        unit=unit,
        province_code=PROVINCE,
        commune=commune,
        opened_on=dt.date(2020, 1, 1),
    )
    clerk = User.objects.create(username=USER, role="clerk", unit=unit, point=point)
    supplier = Supplier.objects.create(
        province_code=PROVINCE, code="bench", name="Nhà cung cấp", mode="purchase"
    )
    products = []
    for i in range(LINES):
        head = f"89399{i:07d}"
        product = Product.objects.create(
            province_code=PROVINCE,
            code=f"SP{i:02d}",
            barcode=head + str(ean13_check_digit(head)),
            name=f"Sản phẩm {i}",
            group="consumer",
            unit="gói",
            vat_rate=8,
            supplier=supplier,
        )
        Price.objects.create(
            province_code=PROVINCE, product=product, valid_from=dt.date(2020, 1, 1), price=PRICE
        )
        products.append(product)
    with transaction.atomic():
        # The stock, as received: movements and levels, and its value on the ledger.
        stock.stock_apply(
            point=point,
            moves=[stock.Move(product, STOCK, STOCK * COST) for product in products],
            kind="receipt",
            reference="NKBENCH",
            day=local_today(),
            at=timezone.now(),
            actor=None,
        )
        ledger.entry_post(
            actor=None,
            idempotency_key="bench:opening",
            kind=EntryKind.OPENING_BALANCE,
            reference="bench",
            legs=[
                ledger.Leg(
                    ledger.account_for_inventory(point),
                    ledger.account_owner_capital(PROVINCE),
                    STOCK * COST * LINES,
                )
            ],
            province_code=PROVINCE,
        )
    return point, clerk, products


class Raw:
    """The same rows as one sale, through the driver, one transaction per sale."""

    def __init__(self, point: ServicePoint, clerk: User, products: list[Product]) -> None:
        self.pg = connection.vendor == "postgresql"
        if self.pg:
            import psycopg

            params = connection.get_connection_params()
            params.pop("cursor_factory", None)
            params.pop("context", None)
            self.conn: Any = psycopg.connect(**params, autocommit=False)
            self.mark = "%s"
        else:
            self.conn = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA busy_timeout=20000")
            self.mark = "?"
        self.point, self.clerk, self.products = point, clerk, products
        province = PROVINCE
        self.drawer = ledger.account_for_drawer(point)
        self.revenue = ledger.account_for_revenue(province, "consumer_goods")
        self.vat = ledger.account_vat_payable(province)
        self.cogs = ledger.account_cost_of_goods_sold(point)
        self.inventory = ledger.account_for_inventory(point)
        self.levels = {
            level.product_id: level.pk
            for level in StockLevel.objects.filter(province_code=province, point=point)
        }

    def _insert(self, cur: Any, model: type[models.Model], rows: list[dict[str, Any]]) -> Any:
        columns = list(rows[0])
        marks = "(" + ", ".join([self.mark] * len(columns)) + ")"
        cur.execute(
            f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES "
            + ", ".join([marks] * len(rows))
            + " RETURNING id",
            [row[c] for row in rows for c in columns],
        )
        return cur.fetchall()

    def sale(self, key: str, number: str) -> None:
        pg = self.pg
        day: Any = local_today() if pg else local_today().isoformat()
        now: Any = timezone.now() if pg else timezone.now().isoformat(" ")
        vat = PRICE * 8 * 2 // 216 + (1 if (PRICE * 8 * 2) % 216 * 2 >= 216 else 0)
        total, cost = PRICE * LINES, COST * LINES
        cur = self.conn.cursor()
        if not pg:
            cur.execute("BEGIN IMMEDIATE")
        m = self.mark
        # The stock: levels and movements.
        for product in self.products:
            cur.execute(
                f"UPDATE {StockLevel._meta.db_table} SET quantity = quantity + {m}, "
                f"value = value + {m} WHERE id = {m}",
                (-1, -COST, self.levels[product.pk]),
            )
        self._insert(
            cur,
            StockMovement,
            [
                {
                    "province_code": PROVINCE,
                    "point_id": self.point.pk,
                    "product_id": product.pk,
                    "kind": "sale",
                    "quantity": -1,
                    "unit_cost": COST,
                    "value": -COST,
                    "reference": number,
                    "business_date": day,
                    "at": now,
                    "actor_id": self.clerk.pk,
                }
                for product in self.products
            ],
        )
        # The ledger: the entry, its transfers, the balances.
        [(entry_id,)] = self._insert(
            cur,
            Entry,
            [
                {
                    "province_code": PROVINCE,
                    "idempotency_key": key,
                    "kind": "goods_sale",
                    "business_date": day,
                    "reference": f"goods:{number}",
                    "point_id": self.point.pk,
                    "memo": "",
                    "created_by_id": self.clerk.pk,
                    "created_at": now,
                }
            ],
        )
        legs = [
            (self.drawer, self.revenue, total - vat * LINES),
            (self.drawer, self.vat, vat * LINES),
            (self.cogs, self.inventory, cost),
        ]
        self._insert(
            cur,
            Transfer,
            [
                {
                    "province_code": PROVINCE,
                    "entry_id": entry_id,
                    "debit_id": debit.pk,
                    "credit_id": credit.pk,
                    "amount": amount,
                    "service": "consumer_goods",
                    "point_id": self.point.pk,
                    "business_date": day,
                }
                for debit, credit, amount in legs
            ],
        )
        deltas = {
            self.drawer.pk: total,
            self.revenue.pk: total - vat * LINES,
            self.vat.pk: vat * LINES,
            self.cogs.pk: cost,
            self.inventory.pk: -cost,
        }
        for account_id, delta in sorted(deltas.items()):
            cur.execute(
                f"UPDATE {Account._meta.db_table} SET balance = balance + {m} WHERE id = {m}",
                (delta, account_id),
            )
        # The sale and its lines.
        [(sale_id,)] = self._insert(
            cur,
            Sale,
            [
                {
                    "province_code": PROVINCE,
                    "reference": number,
                    "idempotency_key": key,
                    "fingerprint": "raw",
                    "point_id": self.point.pk,
                    "business_date": day,
                    "created_at": now,
                    "created_by_id": self.clerk.pk,
                    "entry_id": entry_id,
                    "payment_method": "cash",
                    "total": total,
                    "vat": vat * LINES,
                    "revenue": total - vat * LINES,
                    "supplier_share": 0,
                    "cost": cost,
                    "buyer_tax_code": "",
                    "buyer_name": "",
                    "buyer_address": "",
                }
            ],
        )
        self._insert(
            cur,
            SaleLine,
            [
                {
                    "province_code": PROVINCE,
                    "product_id": product.pk,
                    "quantity": 1,
                    "sale_id": sale_id,
                    "unit_price": PRICE,
                    "vat_rate": 8,
                    "line_total": PRICE,
                    "vat": vat,
                    "commission": 0,
                    "supplier_share": 0,
                    "cost": COST,
                    "supplier_id": product.supplier_id,
                    "consignment": False if pg else 0,
                    "returned": 0,
                }
                for product in self.products
            ],
        )
        if pg:
            self.conn.commit()
        else:
            cur.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


def main() -> int:
    call_command("migrate", verbosity=0)
    cleanup()
    label = os.environ.get("BENCH_DB_LABEL", connection.vendor)
    run = uuid.uuid4().hex[:8]
    try:
        point, clerk, products = setup()
        lines = [{"code": product.barcode, "quantity": 1} for product in products]
        raw = Raw(point, clerk, products)

        def ours(i: int) -> None:
            services.sale_make(actor=clerk, point=point, idempotency_key=f"{run}-{i}", lines=lines)

        def raw_sale(i: int) -> None:
            raw.sale(f"raw:{run}:{i}", f"RAW940001{i:06d}")

        contenders: list[tuple[str, Callable[[int], None]]] = [
            ("raw INSERTs/UPDATEs of the same rows", raw_sale),
            ("ours: goods.services.sale_make", ours),
        ]
        for _name, fn in contenders:  # warm up: connections, statements, caches
            for i in range(N, N + WARMUP):
                fn(i)
        times: dict[str, list[float]] = {name: [] for name, _fn in contenders}
        for start in range(0, N, CHUNK):
            for name, fn in contenders:
                for i in range(start, min(start + CHUNK, N)):
                    t0 = time.perf_counter_ns()
                    fn(i)
                    times[name].append((time.perf_counter_ns() - t0) / 1000)
        raw.close()

        # Both wrote what a sale writes; the stock still equals its movements.
        assert Sale.objects.filter(province_code=PROVINCE).count() == 2 * (N + WARMUP)
        assert stock.stock_verify(province_code=PROVINCE) == []

        print(f"\nA sale of {LINES} lines, one transaction each, {N:,} sales, {label}")
        print(f"  {'':<40} {'sales/s':>9} {'p50 µs':>9} {'p99 µs':>9} {'vs raw (mean)':>14}")
        base = statistics.fmean(times[contenders[0][0]])
        for name, _fn in contenders:
            mean = statistics.fmean(times[name])
            print(
                f"  {name:<40} {1e6 / mean:>9,.0f} {pct(times[name], 50):>9,.0f} "
                f"{pct(times[name], 99):>9,.0f} {base / mean:>14.0%}"
            )
        ratio = pct(times[contenders[0][0]], 50) / pct(times[contenders[1][0]], 50)
        print(
            goal(
                f"ours ≥ {GOAL:.0%} of the raw writes' sales/s at the median sale (as a ledger "
                f"posting's) = {ratio:.0%}",
                ratio >= GOAL,
            )
        )
        return 0 if ratio >= GOAL else 1
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
