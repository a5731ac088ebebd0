"""Bulk ingestion of scanner events: ``events_ingest`` against a raw insert of the same rows.

Ours: ``events_ingest`` in batches of 10,000 events as a scanner sends them (dicts with the
S10 id, office code, ISO time, event id): the whole-batch validation (S10 ids, items, offices,
scope, duplicates already stored), the write (COPY on PostgreSQL, executemany on SQLite) and
the status update of every item touched, in one transaction per batch.
Raw baseline: the same rows, already resolved to ids, written into the same table in the same
batches, one transaction each: psycopg ``cursor.copy`` + ``write_row`` on PostgreSQL, one
prepared executemany on SQLite. Batches of the two alternate, so both meet a table of the
same size. Goal: ours at least 50% of raw's rows/s, the median of the batches' ratios (each
batch of ours against the raw batch just before it).

The stream is realistic for the network: every batch is one leg (EMA, EMB, ... EMI) of 10,000
different items, so each batch also updates 10,000 items. The items are ordinary letters: a
scanner records their delivery, while an item that needs a proof is delivered on the
postman's round. BENCH_EVENTS (default 200,000) events in all, over BENCH_EVENTS / 8 items
of a scratch province ("92", its own: year_report keeps "97" when asked) deleted at the end.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buudien.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from bench.common import goal  # noqa: E402
from buudien.core.bizdays import VIETNAM  # noqa: E402
from buudien.core.s10 import s10_make  # noqa: E402
from buudien.mail.choices import MailService, Zone  # noqa: E402
from buudien.mail.models import PostalItem, Tariff, TrackingEvent  # noqa: E402
from buudien.mail.tracking.services import COLUMNS, EVENT_TABLE, _sqlite_time, events_ingest  # noqa: E402
from buudien.network.models import AdminArea, ServicePoint, Unit  # noqa: E402
from buudien.people.models import User  # noqa: E402

N = int(os.environ.get("BENCH_EVENTS", "200000"))
BATCH = 10_000
PROVINCE = "92"
USERNAME = "bench-scanner-92"
LEGS = ["EMA", "EMB", "EMC", "EDD", "EDE", "EMG", "EDG", "EMI"]
START = dt.datetime(2026, 1, 5, 7, 0, tzinfo=VIETNAM)
MAX_SECONDS = float(os.environ.get("BENCH_MAX_SECONDS", "1800"))


def cleanup() -> None:
    """Delete the scratch province's rows, in plain SQL: no cascade collector (which would
    visit every table pointing at users, of apps that may not be migrated here)."""
    tables = [
        (TrackingEvent._meta.db_table, "province_code = %s", [PROVINCE]),
        (PostalItem._meta.db_table, "province_code = %s", [PROVINCE]),
        (User._meta.db_table, "username = %s", [USERNAME]),
        (ServicePoint._meta.db_table, "province_code = %s", [PROVINCE]),
        (Unit._meta.db_table, "code = %s", ["BENCH92"]),
        (AdminArea._meta.db_table, "code = %s", ["B9201"]),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for table, where, params in tables:
            cursor.execute(f"DELETE FROM {table} WHERE {where}", params)


def setup() -> tuple[User, list[ServicePoint], list[tuple[int, str]]]:
    parent = Unit.objects.create(
        code="BENCH92", name="Bench province", kind="province", province_code=PROVINCE
    )
    commune = AdminArea.objects.create(
        structure="2025",
        level="commune",
        code="B9201",
        name="Xã Bench",
        division_type="xã",
        province_code=PROVINCE,
    )
    points = [
        ServicePoint.objects.create(
            code=f"92{i:04d}",
            name=f"Bưu cục bench {i}",
            kind="bc3",
            unit=parent,
            province_code=PROVINCE,
            commune=commune,
            opened_on=dt.date(2020, 1, 1),
        )
        for i in range(8)
    ]
    user = User.objects.create(username=USERNAME, role="clerk", unit=parent)
    tariff, _ = Tariff.objects.get_or_create(
        service=MailService.ORDINARY,
        valid_from=dt.date(2001, 1, 1),
        defaults={"name": "bench"},
    )
    count = (N + len(LEGS) - 1) // len(LEGS)
    items = [
        PostalItem(
            province_code=PROVINCE,
            s10=s10_make("ZB", serial),
            service=MailService.ORDINARY,
            accepted_point=points[0],
            accepted_at=START,
            accepted_on=START.date(),
            sender_name="A",
            recipient_name="B",
            recipient_address="C",
            recipient_commune=commune,
            recipient_province_code=PROVINCE,
            weight_g=100,
            charged_weight_g=100,
            tariff=tariff,
            zone=Zone.PROVINCE,
            price_base=1,
            price_vat=0,
            price_total=1,
        )
        for serial in range(1, count + 1)
    ]
    PostalItem.objects.bulk_create(items, batch_size=5000)
    del items
    # Plain (id, s10) pairs: a list of model instances would make the collector's work, and
    # so both timings, depend on the benchmark's own memory.
    pairs = list(
        PostalItem.objects.filter(province_code=PROVINCE).order_by("id").values_list("id", "s10")
    )
    return user, points, pairs


def batches(user: User, points: list[ServicePoint], items: list[tuple[int, str]]):  # type: ignore[no-untyped-def]
    """(events for ours, resolved rows for the raw baseline), one leg of BATCH items each."""
    now = START + dt.timedelta(days=20)
    made = 0
    for start in range(0, len(items), BATCH):
        chunk = items[start : start + BATCH]
        for leg, code in enumerate(LEGS):
            if made >= N:
                return
            chunk = chunk[: N - made]
            point = points[leg]
            at = START + dt.timedelta(days=start // BATCH % 10, hours=leg)
            iso = at.isoformat()
            events = []
            raw = []
            for item_id, s10 in chunk:
                extra = {"recipient_name": "Nguyễn Văn An"} if code == "EMI" else {}
                events.append(
                    {
                        "s10": s10,
                        "code": code,
                        "occurred_at": iso,
                        "office_code": point.code,
                        "event_id": f"{item_id}-{code}",
                        **extra,
                    }
                )
                raw.append(
                    (
                        PROVINCE,
                        item_id,
                        code,
                        at,
                        point.id,
                        point.code,
                        "",
                        "",
                        extra.get("recipient_name", ""),
                        "",
                        user.id,
                        "raw",
                        f"{item_id}-{code}",
                        now,
                    )
                )
            made += len(chunk)
            yield events, raw


def raw_insert(rows: list[tuple[object, ...]]) -> None:
    columns = ", ".join(COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {EVENT_TABLE} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(COLUMNS))
            cursor.cursor.executemany(
                f"INSERT INTO {EVENT_TABLE} ({columns}) VALUES ({marks})", rows
            )


def sqlite_params(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    return [(*r[:3], _sqlite_time(r[3]), *r[4:13], _sqlite_time(r[13])) for r in rows]  # type: ignore[arg-type]


def main() -> int:
    call_command("migrate", verbosity=0)
    cleanup()
    if connection.vendor == "postgresql":
        # A clean start: earlier runs' deleted rows would otherwise be read again.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {PostalItem._meta.db_table}")
            cursor.execute(f"VACUUM ANALYZE {EVENT_TABLE}")
    label = os.environ.get("BENCH_DB_LABEL", connection.vendor)
    try:
        user, points, items = setup()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {EVENT_TABLE}")
                cursor.execute(f"ANALYZE {PostalItem._meta.db_table}")
        ours_s = raw_s = 0.0
        ours_n = raw_n = 0
        ratios: list[float] = []  # each batch's ours / raw in rows/s, the pair one after the other
        began = time.perf_counter()
        for events, raw in batches(user, points, items):
            if connection.vendor != "postgresql":
                raw = sqlite_params(raw)
            t0 = time.perf_counter()
            raw_insert(raw)
            t1 = time.perf_counter()
            result = events_ingest(actor=user, source="scanner-bench", events=events)
            t2 = time.perf_counter()
            assert result.accepted == len(events) and not result.rejected, result.rejected[:3]
            raw_s += t1 - t0
            ours_s += t2 - t1
            ratios.append((t1 - t0) / (t2 - t1))
            raw_n += len(raw)
            ours_n += result.accepted
            if t2 - began > MAX_SECONDS:
                print(f"  stopped after {MAX_SECONDS:.0f} s")
                break
        # A retry of the last batch stores nothing.
        again = events_ingest(actor=user, source="scanner-bench", events=events)
        assert again.accepted == 0 and again.duplicates == len(events)
        delivered = PostalItem.objects.filter(province_code=PROVINCE, status="delivered").count()
        raw_rate, ours_rate = raw_n / raw_s, ours_n / ours_s
        baseline = "COPY (write_row)" if connection.vendor == "postgresql" else "executemany"
        print(f"\nTracking event ingestion, {ours_n:,} events in batches of {BATCH:,}, {label}")
        print(f"  raw {baseline:<38} {raw_rate:>10,.0f} rows/s   ({raw_s:.1f} s)")
        print(f"  ours: events_ingest (validate + write + status) {ours_rate:>10,.0f} rows/s")
        ratio = statistics.median(ratios)
        print(
            f"  ours / raw = {ours_rate / raw_rate:.0%} over the run; items delivered: "
            f"{delivered:,}"
        )
        print(
            goal(
                f"ours ≥ 50% of raw's rows/s, median of the {len(ratios)} interleaved batches "
                f"= {ratio:.0%} (lowest {min(ratios):.0%}, highest {max(ratios):.0%})",
                ratio >= 0.5,
            )
        )
        return 0 if ratio >= 0.5 else 1
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())
