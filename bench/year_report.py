"""The year-end report's figures: ``planning.selectors.year_report`` (reading the daily
rollup ``finance.DailyFigure`` and the imported history) against the same figures computed by
GROUP BY over the raw ledger transfers, side by side in one run.

The province ("97", scratch) has ~240 service points under 10 district posts (1 bc1, 10 bc2,
20 bc3, 180 BĐVHX, 29 agents), 200 communes, and in the year 2023 ``BENCH_YEAR_POSTINGS``
ledger postings (transfers; by default 1,000,000 on PostgreSQL and 200,000 on SQLite, a run of
a few minutes; the goal's 10,000,000 and 2,000,000 with ``BENCH_FULL=1``, which ``python -m
bench year_report --full`` sets): fees of
two legs (revenue and VAT) spread over every day of the year, the points and the services
they offer (20 at the main office, ~8 at a BĐVHX), plus monthly expenses and budget payments.
2022 is history imported per unit, service and month (the province went live in 2023), and
the plan of 2023 is set per unit and line. The rows are written directly (COPY on
PostgreSQL, executemany on SQLite), transfers and rollup alike, from the same generated
operations.

The rollups (``DailyFigure``, then ``MonthlyFigure`` summed from it as ``rebuild-rollups``
does) are written from the same generated operations as the transfers.

Ours: ``year_report`` as a page or the API calls it. Raw: the same function with the rollup
read replaced by a GROUP BY over ``finance_transfer`` joined to the accounts, with the same
settings as ours (``RawFigures``: revenue = net credits to revenue accounts, volume = the
revenue legs, budget = the transfers of the budget entries); the two JSONs must be equal.
They run in turns, ``BENCH_YEAR_RUNS`` (5) each. Goal, at the goal's size: ours ≤ 1 s and
raw ≥ 20× slower (medians); at a smaller size the bench prints both without a verdict.

``BENCH_YEAR_KEEP=1`` keeps the generated province for the next run (it is reused when its
size matches); otherwise it is deleted at the end.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buudien.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Sum  # noqa: E402

from bench.common import goal  # noqa: E402
from buudien.core.catalogue import SERVICE_LINE, Service  # noqa: E402
from buudien.finance import ledger  # noqa: E402
from buudien.finance.models import (  # noqa: E402
    Account,
    DailyBalance,
    DailyFigure,
    Entry,
    MonthlyFigure,
    Transfer,
)
from buudien.network.models import AdminArea, ServicePoint, Unit  # noqa: E402
from buudien.planning import selectors  # noqa: E402
from buudien.planning.models import FinanceHistory, Plan, RevenueHistory  # noqa: E402

PROVINCE = "97"
YEAR = 2023
PG = connection.vendor == "postgresql"
# The goal's size (10M postings on PostgreSQL, 2M on SQLite) with BENCH_FULL=1 (``python -m
# bench year_report --full``); a tenth of it by default, a run of a few minutes.
GOAL_POSTINGS = 10_000_000 if PG else 2_000_000
FULL = os.environ.get("BENCH_FULL") == "1"
POSTINGS = int(
    os.environ.get("BENCH_YEAR_POSTINGS", GOAL_POSTINGS if FULL else GOAL_POSTINGS // 10)
)
KEEP = os.environ.get("BENCH_YEAR_KEEP") == "1"
RUNS = int(os.environ.get("BENCH_YEAR_RUNS", "5"))
SEED = 97
DISTRICTS = 10
KINDS = [("bc1", 1), ("bc2", 10), ("bc3", 20), ("bdvhx", 180), ("agent", 29)]
# Price of one operation (đồng) per service, and how often it happens (relative).
PRICE = {
    "registered": 25_000, "ordinary": 4_000, "parcel": 60_000, "ems": 45_000, "kt1": 30_000,
    "admin_delivery": 35_000, "collection": 3_000, "disbursement": 5_000, "pension": 8_000,
    "savings": 15_000, "credit": 20_000, "remittance": 12_000, "insurance": 50_000,
    "payment_account": 10_000, "consumer_goods": 80_000, "press": 9_000, "public_press": 9_000,
    "telecom": 20_000, "dossier": 25_000, "other": 10_000,
}  # fmt: skip
WEIGHT = {
    "registered": 6, "ordinary": 8, "parcel": 2, "ems": 3, "kt1": 0.3, "admin_delivery": 1,
    "collection": 10, "disbursement": 2, "pension": 6, "savings": 1, "credit": 1,
    "remittance": 2, "insurance": 0.5, "payment_account": 0.5, "consumer_goods": 3, "press": 2,
    "public_press": 1, "telecom": 4, "dossier": 2, "other": 0.5,
}  # fmt: skip
BDVHX_SERVICES = [
    "registered", "ordinary", "collection", "pension", "press", "public_press", "telecom",
    "dossier", "payment_account", "consumer_goods",
]  # fmt: skip


def _table(model: Any) -> str:
    return str(model._meta.db_table)


def cleanup() -> None:
    """The scratch province's rows, in plain SQL (the ledger's rows refuse ORM deletes)."""
    units = list(Unit.objects.filter(code__startswith="BENCH97").values_list("pk", flat=True))
    steps = [
        (_table(Plan), "province_code = %s", [PROVINCE]),
        (_table(RevenueHistory), "province_code = %s", [PROVINCE]),
        (_table(FinanceHistory), "province_code = %s", [PROVINCE]),
        (_table(DailyFigure), "province_code = %s", [PROVINCE]),
        (_table(MonthlyFigure), "province_code = %s", [PROVINCE]),
        (_table(DailyBalance), "province_code = %s", [PROVINCE]),
        (_table(Transfer), "province_code = %s", [PROVINCE]),
        (_table(Entry), "province_code = %s", [PROVINCE]),
        (_table(Account), "province_code = %s", [PROVINCE]),
        (_table(ServicePoint), "province_code = %s", [PROVINCE]),
        (_table(AdminArea), "province_code = %s", [PROVINCE]),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        _no_triggers(cursor)
        for table, where, params in steps:
            cursor.execute(f"DELETE FROM {table} WHERE {where}", params)
        for pk in sorted(units, reverse=True):  # children first
            cursor.execute(f"DELETE FROM {_table(Unit)} WHERE id = %s", [pk])


def _no_triggers(cursor: Any) -> None:
    """PostgreSQL: no foreign-key checks for the rest of the transaction (the generated rows
    are consistent by construction; checking 10M references one by one is most of a load)."""
    if PG:
        cursor.execute("SET LOCAL session_replication_role = replica")


def network() -> tuple[Unit, list[Unit], list[ServicePoint]]:
    province = Unit.objects.create(
        code="BENCH97", name="Bưu điện tỉnh Bench", kind="province", province_code=PROVINCE
    )
    districts = [
        Unit.objects.create(
            code=f"BENCH97D{i:02d}", name=f"Bưu điện huyện {i}", kind="district", parent=province,
            province_code=PROVINCE,
        )
        for i in range(DISTRICTS)
    ]  # fmt: skip
    communes = AdminArea.objects.bulk_create(
        AdminArea(
            structure="2025", level="commune", code=f"97{i:03d}", name=f"Xã {i}",
            division_type="xã", province_code=PROVINCE,
        )
        for i in range(200)
    )  # fmt: skip
    points = []
    n = 0
    for kind, count in KINDS:
        for _ in range(count):
            points.append(
                ServicePoint.objects.create(
                    code=f"97{n:04d}", name=f"Điểm {n}", kind=kind,
                    multi_service=kind == "bdvhx" and n % 3 == 0, cashless=n % 2 == 0,
                    unit=districts[n % DISTRICTS], province_code=PROVINCE,
                    commune=communes[n % len(communes)], opened_on=dt.date(2015, 1, 1),
                )
            )  # fmt: skip
            n += 1
    return province, districts, points


def offered(point: ServicePoint) -> list[str]:
    if point.kind in ("bc1", "bc2"):
        return list(Service.values)
    if point.kind == "bc3":
        return [s for s in Service.values if s not in ("kt1", "credit", "insurance")]
    return BDVHX_SERVICES


def operations(points: list[ServicePoint], day_index: int, per_day: float) -> Iterator[Any]:
    """(point, service, amounts) of one day: the same for the same day, run after run."""
    rng = random.Random(SEED * 1000 + day_index)
    size = {"bc1": 12.0, "bc2": 4.0, "bc3": 2.0, "bdvhx": 0.45, "agent": 0.3}
    weights = [
        (point, service, size[point.kind] * WEIGHT[service])
        for point in points
        for service in offered(point)
    ]
    total = sum(w for _p, _s, w in weights)
    for point, service, weight in weights:
        mean = per_day * weight / total
        count = int(mean) + (1 if rng.random() < mean - int(mean) else 0)
        if count:
            price = PRICE[service]
            yield point, service, [int(price * rng.uniform(0.6, 1.8)) for _ in range(count)]


class Writer:
    """Rows into a table: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, cursor: Any, table: str, columns: list[str]) -> None:
        self.cursor, self.table, self.columns = cursor, table, columns
        self.rows: list[tuple[Any, ...]] = []
        self.buffer = io.StringIO()
        self.copy: Any = None
        if PG:
            self.copy_cm = cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN")
            self.copy = self.copy_cm.__enter__()

    def add(self, row: tuple[Any, ...]) -> None:
        if PG:
            self.buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
            if self.buffer.tell() > 4_000_000:
                self.copy.write(self.buffer.getvalue())
                self.buffer = io.StringIO()
        else:
            self.rows.append(row)
            if len(self.rows) >= 50_000:
                self.flush()

    def flush(self) -> None:
        if not PG and self.rows:
            marks = ", ".join(["%s"] * len(self.columns))
            self.cursor.executemany(
                f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES ({marks})", self.rows
            )
            self.rows = []

    def close(self) -> None:
        if PG:
            self.copy.write(self.buffer.getvalue())
            self.copy_cm.__exit__(None, None, None)
        else:
            self.flush()


def generate(points: list[ServicePoint], districts: list[Unit], province: Unit) -> int:
    """Write the year's entries, transfers and DailyFigure rows; returns the transfers."""
    drawers = {p.pk: ledger.account_for_drawer(p).pk for p in points}
    revenue = {s: ledger.account_for_revenue(PROVINCE, s).pk for s in Service.values}
    vat = ledger.account_vat_payable(PROVINCE).pk
    expenses = ledger.account_expenses(PROVINCE).pk
    capital = ledger.account_owner_capital(PROVINCE).pk
    per_day = POSTINGS / 2 / 365  # two legs an entry
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_table(Entry)}")
        entry_id = cursor.fetchone()[0] + 1
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_table(Transfer)}")
        transfer_id = cursor.fetchone()[0] + 1
    first_entry, first_transfer = entry_id, transfer_id
    days = [dt.date(YEAR, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    started = time.perf_counter()

    # Pass 1: the entries (and the monthly expenses and budget payments).
    with transaction.atomic(), connection.cursor() as cursor:
        _no_triggers(cursor)
        entries = Writer(
            cursor,
            _table(Entry),
            ["id", "province_code", "idempotency_key", "kind", "business_date", "reference",
             "point_id", "memo", "created_at"],
        )  # fmt: skip
        for index, day in enumerate(days):
            stamp = f"{day.isoformat()} 08:00:00+07" if PG else f"{day.isoformat()} 01:00:00"
            for point, _service, amounts in operations(points, index, per_day):
                for _amount in amounts:
                    entries.add(
                        (entry_id, PROVINCE, f"b:{entry_id}", "fee", day.isoformat(), "",
                         point.pk, "", stamp)
                    )  # fmt: skip
                    entry_id += 1
            if day.day == 28:
                for kind in ("expense", "budget_contribution"):
                    entries.add(
                        (entry_id, PROVINCE, f"b:{entry_id}", kind, day.isoformat(), "", None,
                         "", stamp)
                    )  # fmt: skip
                    entry_id += 1
        entries.close()
    print(f"  entries written: {entry_id - first_entry:,} ({time.perf_counter() - started:.0f} s)")

    # Pass 2: the transfers and the rollup, from the same operations.
    entry_id = first_entry
    with transaction.atomic(), connection.cursor() as cursor:
        _no_triggers(cursor)
        transfers = Writer(
            cursor,
            _table(Transfer),
            ["id", "province_code", "entry_id", "debit_id", "credit_id", "amount", "service",
             "point_id", "business_date"],
        )  # fmt: skip
        rollup: list[tuple[Any, ...]] = []  # written after the transfers (one COPY at a time)
        monthly_expense = 0
        for index, day in enumerate(days):
            iso = day.isoformat()
            for point, service, amounts in operations(points, index, per_day):
                drawer = drawers[point.pk]
                turnover = 0
                for amount in amounts:
                    tax = amount // 10
                    transfers.add(
                        (transfer_id, PROVINCE, entry_id, drawer, revenue[service], amount,
                         service, point.pk, iso)
                    )  # fmt: skip
                    transfers.add(
                        (transfer_id + 1, PROVINCE, entry_id, drawer, vat, tax, service,
                         point.pk, iso)
                    )  # fmt: skip
                    transfer_id += 2
                    entry_id += 1
                    turnover += amount + tax
                rollup.append(
                    (PROVINCE, iso, point.pk, service, sum(amounts), len(amounts), turnover, 0, 0)
                )
            if day.day == 28:
                monthly_expense = 9_000_000_000 + day.month * 50_000_000
                budget = 450_000_000 + day.month * 5_000_000
                transfers.add(
                    (transfer_id, PROVINCE, entry_id, expenses, capital, monthly_expense, "",
                     None, iso)
                )  # fmt: skip
                transfers.add(
                    (transfer_id + 1, PROVINCE, entry_id + 1, vat, capital, budget, "", None, iso)
                )
                rollup.append(
                    (PROVINCE, iso, None, "", 0, 2, monthly_expense + budget, monthly_expense,
                     budget)
                )  # fmt: skip
                transfer_id += 2
                entry_id += 2
        transfers.close()
        figures = Writer(
            cursor,
            _table(DailyFigure),
            ["province_code", "date", "point_id", "service", "revenue", "volume", "turnover",
             "expense", "budget"],
        )  # fmt: skip
        for row in rollup:
            figures.add(row)
        figures.close()
    if PG:
        with connection.cursor() as cursor:
            for table in (_table(Entry), _table(Transfer)):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
            cursor.execute(f"ANALYZE {_table(Transfer)}")
            cursor.execute(f"ANALYZE {_table(Entry)}")
            cursor.execute(f"ANALYZE {_table(DailyFigure)}")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"  transfers written: {transfer_id - first_transfer:,} "
        f"({time.perf_counter() - started:.0f} s)"
    )
    return transfer_id - first_transfer


def history_and_plans() -> None:
    """2022, before go-live: monthly revenue per district and service imported as history
    (about 7 % below 2023), and expenses; the plan of 2023 per district and line (about
    1 % below what was done) and the plan of 2024. Made again on every run (cheap)."""
    rng = random.Random(SEED)
    for model in (RevenueHistory, FinanceHistory, Plan):
        model.objects.filter(province_code=PROVINCE).delete()
    districts = list(Unit.objects.filter(code__startswith="BENCH97D").order_by("code"))
    district_of = dict(
        ServicePoint.objects.filter(province_code=PROVINCE).values_list("pk", "unit_id")
    )
    done: dict[tuple[int, str, int], list[int]] = {}
    rows = (
        DailyFigure.objects.filter(province_code=PROVINCE, date__year=YEAR)
        .exclude(point=None)
        .values_list("point_id", "service", "date__month")
        .annotate(revenue=Sum("revenue"), volume=Sum("volume"))
    )
    for point_id, service, month, revenue, volume in rows:
        key = (district_of[point_id], service, month)
        total = done.setdefault(key, [0, 0])
        total[0] += revenue
        total[1] += volume
    RevenueHistory.objects.bulk_create(
        RevenueHistory(
            province_code=PROVINCE, month=dt.date(YEAR - 1, month, 1), unit_id=unit_id,
            service=service, amount=int(revenue * rng.uniform(0.88, 0.98)),
            volume=int(volume * rng.uniform(0.9, 1.0)),
        )
        for (unit_id, service, month), (revenue, volume) in done.items()
    )  # fmt: skip
    FinanceHistory.objects.bulk_create(
        FinanceHistory(
            province_code=PROVINCE, month=dt.date(YEAR - 1, month, 1), unit=unit,
            kind="expense", amount=850_000_000,
        )
        for unit in districts
        for month in range(1, 13)
    )  # fmt: skip
    by_line: dict[tuple[int, str], int] = {}
    for (unit_id, service, _month), (revenue, _volume) in done.items():
        line_key = (unit_id, SERVICE_LINE[service])
        by_line[line_key] = by_line.get(line_key, 0) + revenue
    plans = [
        Plan(
            province_code=PROVINCE, year=YEAR, unit_id=unit_id, metric="revenue", subject=line,
            amount=int(revenue * 0.99),
        )
        for (unit_id, line), revenue in by_line.items()
    ]  # fmt: skip
    province = Unit.objects.get(code="BENCH97")
    plans.append(
        Plan(province_code=PROVINCE, year=YEAR + 1, unit=province, metric="revenue",
             subject="total", amount=int(sum(by_line.values()) * 1.02))
    )  # fmt: skip
    Plan.objects.bulk_create(plans)


class RawFigures(selectors.Figures):
    """The same figures with the rollup read replaced by GROUP BYs over the transfers: the
    best such query we know, with the same settings as ours (on PostgreSQL ``work_mem`` 64 MB
    and JIT off, sent with it as ours are). The volume of a (point, service) counts its
    entries by their revenue leg (each operation credits its revenue once), not by
    COUNT(DISTINCT entry); the budget paid is read from the transfers of the province's few
    budget entries (a hashed subquery), not by joining every transfer to its entry."""

    @staticmethod
    def _rollup_rows(
        reads: list[tuple[Any, str, list[tuple[dt.date, dt.date]]]],
        province_code: str,
        whole: bool,
        point_child: dict[int, Any],
        unit_child: dict[int, Any],
    ) -> list[Any]:
        assert whole, "the bench reads the whole province"
        ops = connection.ops
        month = selectors._month_sql("t.business_date")
        unit = (
            "CASE WHEN t.point_id IS NOT NULL THEN NULL WHEN d.kind = 'expense' THEN d.unit_id "
            "WHEN c.kind = 'expense' THEN c.unit_id END"
        )
        whole_number = "::bigint" if PG else ""
        selects, params = [], []
        for index, (model, _column, ranges) in enumerate(reads):
            spans = " OR ".join(["t.business_date BETWEEN %s AND %s"] * len(ranges))
            params += [province_code, province_code]  # the budget's subquery, the WHERE
            for start, end in ranges:
                if model is MonthlyFigure:  # first days of the first and the last month
                    end = selectors.month_last_day(end)
                params += [ops.adapt_datefield_value(start), ops.adapt_datefield_value(end)]
            selects.append(f"""
                SELECT {index:d}, t.point_id, {unit}, t.service, {month},
                       (SUM(CASE WHEN c.kind = 'revenue' THEN t.amount ELSE 0 END)
                        - SUM(CASE WHEN d.kind = 'revenue' THEN t.amount ELSE 0 END)){whole_number},
                       SUM(CASE WHEN c.kind = 'revenue' THEN 1 ELSE 0 END){whole_number},
                       (SUM(CASE WHEN d.kind = 'expense' THEN t.amount ELSE 0 END)
                        - SUM(CASE WHEN c.kind = 'expense' THEN t.amount ELSE 0 END)){whole_number},
                       SUM(CASE WHEN t.point_id IS NULL AND t.entry_id IN (
                               SELECT id FROM {_table(Entry)} WHERE province_code = %s
                               AND kind = 'budget_contribution')
                           THEN t.amount ELSE 0 END){whole_number}
                FROM {_table(Transfer)} t
                JOIN {_table(Account)} d ON d.id = t.debit_id
                JOIN {_table(Account)} c ON c.id = t.credit_id
                WHERE t.province_code = %s AND ({spans})
                GROUP BY t.point_id, {unit}, t.service, {month}
            """)
        sql = " UNION ALL ".join(selects)
        with transaction.atomic(), connection.cursor() as cursor:
            if PG:
                cursor.execute("SET LOCAL work_mem = '64MB'")
                cursor.execute("SET LOCAL jit = off")
            cursor.execute(sql, params)
            return list(cursor.fetchall())


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    out, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        out.append((time.perf_counter() - started) * 1000)
    return out, result


def main() -> int:
    call_command("migrate", verbosity=0)
    label = os.environ.get("BENCH_DB_LABEL", connection.vendor)
    existing = Transfer.objects.filter(province_code=PROVINCE).count()
    if existing and abs(existing - POSTINGS) > POSTINGS * 0.02:
        print(f"  {existing:,} transfers of an earlier run, not {POSTINGS:,}: making them again")
        cleanup()
        existing = 0
    try:
        if not existing:
            cleanup()  # what an interrupted run left
            print(f"Generating province {PROVINCE}: {POSTINGS:,} postings in {YEAR} ({label}) ...")
            province, districts, points = network()
            count = generate(points, districts, province)
        else:
            count = existing
            print(f"Reusing province {PROVINCE}: {count:,} postings in {YEAR} ({label})")
        if not MonthlyFigure.objects.filter(province_code=PROVINCE).exists():
            for month in range(1, 13):  # the monthly rollup, summed from the daily one
                with transaction.atomic():
                    ledger._months_rebuild(PROVINCE, dt.date(YEAR, month, 1))
        history_and_plans()
        rollup_rows = DailyFigure.objects.filter(province_code=PROVINCE).count()
        monthly_rows = MonthlyFigure.objects.filter(province_code=PROVINCE).count()

        def ours() -> dict[str, Any]:
            return selectors.year_report(user=None, province_code=PROVINCE, year=YEAR)

        def raw() -> dict[str, Any]:
            with mock.patch.object(selectors, "Figures", RawFigures):
                return ours()

        ours()  # warm up: caches, the connection
        raw()
        ours_ms: list[float] = []
        raw_ms: list[float] = []
        ours_report = raw_report = None
        for _ in range(RUNS):  # interleaved: ours, raw, ours, raw ...
            [elapsed], ours_report = timed(ours, 1)
            ours_ms.append(elapsed)
            [elapsed], raw_report = timed(raw, 1)
            raw_ms.append(elapsed)
        same = ours_report == raw_report
        ours_median, raw_median = statistics.median(ours_ms), statistics.median(raw_ms)
        print(
            f"\nYear-end report of a province, {count:,} ledger postings in {YEAR} "
            f"({rollup_rows:,} daily, {monthly_rows:,} monthly rollup rows), {label}"
        )
        print(f"  {'':<52} {'median ms':>10} {'min ms':>8} {'runs':>5} {'× ours':>7}")
        for name, values in (
            ("ours: year_report (rollups + history)", ours_ms),
            ("raw: the same by GROUP BY over the transfers", raw_ms),
        ):
            print(
                f"  {name:<52} {statistics.median(values):>10,.0f} {min(values):>8,.0f} "
                f"{len(values):>5} {statistics.median(values) / ours_median:>7.1f}"
            )
        fast = ours_median <= 1000
        ratio = raw_median / ours_median
        revenue = ours_report["revenue"]
        print(
            f"  revenue {revenue['actual']:,} đ, {revenue['plan_pct']}% of plan, growth "
            f"{revenue['growth_pct']}%; the two JSONs are {'equal' if same else 'DIFFERENT'}"
        )
        at_goal_size = count >= GOAL_POSTINGS * 0.98
        text = (
            f"at {GOAL_POSTINGS:,} postings ours ≤ 1 s and raw ≥ 20× ours: ours "
            f"{ours_median:,.0f} ms, raw {ratio:.1f}× (medians of {RUNS} interleaved runs)"
        )
        if not at_goal_size:
            print(f"  goal: {text}: no verdict at {count:,} postings (run it with --full)")
            return 0 if same else 1
        print(goal(text, fast and ratio >= 20, "OVER" if not fast else "BELOW"))
        return 0 if same and fast and ratio >= 20 else 1
    finally:
        if not KEEP:
            cleanup()


if __name__ == "__main__":
    sys.exit(main())
