"""Double-entry postings: ``entry_post`` against raw INSERTs of the same rows.

Ours: ``finance.ledger.entry_post``, one transaction per posting: a fee of two legs (the
drawer of one of 4 points debited; the revenue of the service and VAT payable credited; the
revenue and VAT accounts are in every posting, the hottest accounts a province has). That is
the whole posting: idempotency check, account locks in primary-key order, the business-day
lock and check, the overdraft rule, the balance UPDATE, the entry and its transfers, the
daily rollup upsert.
Raw baseline: the same entry row and its two transfer rows INSERTed through the driver itself
(psycopg on PostgreSQL, sqlite3 on SQLite; no Django), one transaction each. For information a
second raw line also does the rest of the writes by hand (balances, rollup upsert).
Runs of the two alternate in chunks, so both meet tables of the same size. Goal: ours at
least 30% of the raw INSERTs' postings/s, read at the median posting (p50 of each). Everything is
written under a scratch province ("96") deleted at the end.
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
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import goal  # noqa: E402
from buudien.core.bizdays import local_today  # noqa: E402
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
from buudien.network.models import AdminArea, ServicePoint, Unit  # noqa: E402

N = int(os.environ.get("BENCH_POSTINGS", "3000"))
CHUNK = 250
PROVINCE = "96"
POINTS = 4
FEE, VAT = 20_000, 1_600


def cleanup() -> None:
    """The scratch province's rows, in plain SQL (the ledger's rows refuse ORM deletes)."""
    tables = [
        (DailyBalance._meta.db_table, "province_code = %s", [PROVINCE]),
        (DailyFigure._meta.db_table, "province_code = %s", [PROVINCE]),
        (MonthlyFigure._meta.db_table, "province_code = %s", [PROVINCE]),
        (Transfer._meta.db_table, "province_code = %s", [PROVINCE]),
        (Entry._meta.db_table, "province_code = %s", [PROVINCE]),
        (Account._meta.db_table, "province_code = %s", [PROVINCE]),
        (ServicePoint._meta.db_table, "province_code = %s", [PROVINCE]),
        (Unit._meta.db_table, "code = %s", ["BENCH96"]),
        (AdminArea._meta.db_table, "code = %s", ["B9601"]),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for table, where, params in tables:
            cursor.execute(f"DELETE FROM {table} WHERE {where}", params)


def setup() -> tuple[list[ServicePoint], list[Account], Account, Account]:
    province = Unit.objects.create(
        code="BENCH96", name="Bench province", kind="province", province_code=PROVINCE
    )
    commune = AdminArea.objects.create(
        structure="2025",
        level="commune",
        code="B9601",
        name="Xã Bench",
        division_type="xã",
        province_code=PROVINCE,
    )
    points = [
        ServicePoint.objects.create(
            code=f"96{i:04d}",
            name=f"Bưu cục bench {i}",
            kind="bc3",
            unit=province,
            province_code=PROVINCE,
            commune=commune,
            opened_on=dt.date(2020, 1, 1),
        )
        for i in range(POINTS)
    ]
    drawers = [ledger.account_for_drawer(point) for point in points]
    return (
        points,
        drawers,
        ledger.account_for_revenue(PROVINCE, "registered"),
        ledger.account_vat_payable(PROVINCE),
    )


class Raw:
    """The same rows through the driver, one transaction per posting."""

    def __init__(self, full: bool) -> None:
        self.full = full
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
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.execute("PRAGMA busy_timeout=20000")
            self.mark = "?"
        m = self.mark
        self.entry_sql = (
            "INSERT INTO finance_entry (province_code, idempotency_key, kind, business_date, "
            "reference, point_id, memo, created_at) "
            f"VALUES ({m}, {m}, {m}, {m}, {m}, {m}, {m}, {m}) RETURNING id"
        )
        self.transfer_sql = (
            "INSERT INTO finance_transfer (province_code, entry_id, debit_id, credit_id, amount, "
            "service, point_id, business_date) VALUES "
            + ", ".join([f"({m}, {m}, {m}, {m}, {m}, {m}, {m}, {m})"] * 2)
        )
        self.balance_sql = f"UPDATE finance_account SET balance = balance + {m} WHERE id = {m}"
        self.rollup_sql = (
            "INSERT INTO finance_dailybalance (province_code, date, account_id, debit_total, "
            "credit_total, transfer_count) VALUES "
            + ", ".join([f"({m}, {m}, {m}, {m}, {m}, {m})"] * 3)
            + " ON CONFLICT (province_code, date, account_id) DO UPDATE SET "
            "debit_total = finance_dailybalance.debit_total + excluded.debit_total, "
            "credit_total = finance_dailybalance.credit_total + excluded.credit_total, "
            "transfer_count = finance_dailybalance.transfer_count + excluded.transfer_count"
        )

    def post(
        self, key: str, point: ServicePoint, drawer: Account, revenue: Account, vat: Account
    ) -> None:
        day = local_today()
        day_value: Any = day if self.pg else day.isoformat()
        now: Any = timezone.now() if self.pg else timezone.now().isoformat(" ")
        cur = self.conn.cursor()
        if not self.pg:
            cur.execute("BEGIN IMMEDIATE")
        if self.full:
            for account_id, delta in sorted(
                [(drawer.pk, FEE + VAT), (revenue.pk, FEE), (vat.pk, VAT)]
            ):
                cur.execute(self.balance_sql, (delta, account_id))
        cur.execute(
            self.entry_sql,
            (PROVINCE, key, EntryKind.FEE, day_value, "item:bench", point.pk, "", now),
        )
        (entry_id,) = cur.fetchone()
        cur.execute(
            self.transfer_sql,
            (
                PROVINCE, entry_id, drawer.pk, revenue.pk, FEE, "registered", point.pk, day_value,
                PROVINCE, entry_id, drawer.pk, vat.pk, VAT, "registered", point.pk, day_value,
            ),
        )  # fmt: skip
        if self.full:
            cur.execute(
                self.rollup_sql,
                (
                    PROVINCE, day_value, drawer.pk, FEE + VAT, 0, 2,
                    PROVINCE, day_value, revenue.pk, 0, FEE, 1,
                    PROVINCE, day_value, vat.pk, 0, VAT, 1,
                ),
            )  # fmt: skip
        if self.pg:
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
        points, drawers, revenue, vat = setup()
        raw_inserts, raw_full = Raw(full=False), Raw(full=True)

        def ours(i: int) -> None:
            drawer = drawers[i % POINTS]
            ledger.entry_post(
                actor=None,
                idempotency_key=f"bench:{run}:{i}",
                kind=EntryKind.FEE,
                reference=f"item:bench{i}",
                legs=[
                    ledger.Leg(debit=drawer, credit=revenue, amount=FEE, service="registered"),
                    ledger.Leg(debit=drawer, credit=vat, amount=VAT, service="registered"),
                ],
                province_code=PROVINCE,
                point=points[i % POINTS],
            )

        def raw(poster: Raw, tag: str) -> Callable[[int], None]:
            return lambda i: poster.post(
                f"{tag}:{run}:{i}", points[i % POINTS], drawers[i % POINTS], revenue, vat
            )

        contenders: list[tuple[str, Callable[[int], None]]] = [
            ("raw INSERTs (entry + 2 transfers)", raw(raw_inserts, "raw")),
            ("raw, all writes (+ balances, rollup)", raw(raw_full, "rawfull")),
            ("ours: entry_post", ours),
        ]
        for _name, fn in contenders:  # warm up: connections, prepared statements, caches
            for i in range(N, N + 50):
                fn(i)
        times: dict[str, list[float]] = {name: [] for name, _fn in contenders}
        for start in range(0, N, CHUNK):
            for name, fn in contenders:
                for i in range(start, min(start + CHUNK, N)):
                    t0 = time.perf_counter_ns()
                    fn(i)
                    times[name].append((time.perf_counter_ns() - t0) / 1000)
        raw_inserts.close()
        raw_full.close()

        # What was posted adds up: the drawers hold what the revenue and VAT accounts earned.
        ours_rows = Entry.objects.filter(
            province_code=PROVINCE, idempotency_key__startswith="bench:"
        )
        assert ours_rows.count() == N + 50

        def p(values: list[float], q: float) -> float:
            ordered = sorted(values)
            return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

        base_name = contenders[0][0]
        base_mean = statistics.fmean(times[base_name])
        base_p50 = p(times[base_name], 0.5)
        print(f"\nLedger postings, one transaction each, {N:,} postings of 2 legs, {label}")
        print(
            f"  {'':<40} {'postings/s':>11} {'p50 µs':>8} {'p99 µs':>8} "
            f"{'vs raw (mean)':>14} {'(p50)':>6}"
        )
        for name, _fn in contenders:
            mean = statistics.fmean(times[name])
            print(
                f"  {name:<40} {1e6 / mean:>11,.0f} {p(times[name], 0.5):>8,.0f} "
                f"{p(times[name], 0.99):>8,.0f} {base_mean / mean:>14.0%} "
                f"{base_p50 / p(times[name], 0.5):>6.0%}"
            )
        ours_times = times["ours: entry_post"]
        ratio = base_p50 / p(ours_times, 0.5)
        print(
            f"  ours / raw INSERTs = {base_mean / statistics.fmean(ours_times):.0%} in "
            "postings/s (mean)"
        )
        print(
            goal(
                f"ours ≥ 30% of raw INSERTs' postings/s at the median of the interleaved "
                f"postings = {ratio:.0%}",
                ratio >= 0.3,
            )
        )
        return 0 if ratio >= 0.3 else 1
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
