"""Public tracking lookup: ``GET /api/tracking/{s10}`` against raw SQL and a hello-world.

Ours: GET /api/tracking/{s10} through Django's test client (middleware, routing, ninja, the
two queries of ``item_timeline``, labels, JSON), for random items.
Raw baseline: the same item's events with their offices in one SQL query (psycopg with a
prepared statement on PostgreSQL, the sqlite3 module on SQLite), no framework.
Framework floor: a django-ninja hello-world endpoint, public like ours, through the same
client and middleware.
The three take turns in rounds (``bench.common.interleaved``). Goal (issue 19): p50 of ours
<= 2 × (p50 raw + p50 hello), and p99 of ours <= p99 raw + p99 hello + 1 ms.

BENCH_LOOKUP_EVENTS (default 1,000,000) events over an eighth as many items of a scratch
province ("98"), generated in SQL (generate_series / a recursive CTE, not the ORM); deleted at
the end unless BENCH_KEEP=1 (a later run with the same count reuses them). BENCH_N requests
(default 3,000) per measurement.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buudien.settings")
# This module is also the URLconf: the site's URLs and one hello-world endpoint.
os.environ.setdefault("BENCH_URLCONF", __name__)
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from bench.common import ROUNDS, interleaved, lookup_budget, row, with_hello  # noqa: E402
from buudien.mail.models import PostalItem, Tariff, TrackingEvent  # noqa: E402
from buudien.network.models import AdminArea, ServicePoint, Unit  # noqa: E402
from buudien.urls import urlpatterns as site_urlpatterns  # noqa: E402

M = int(os.environ.get("BENCH_LOOKUP_EVENTS", "1000000"))
N = int(os.environ.get("BENCH_N", "3000"))
KEEP = os.environ.get("BENCH_KEEP", "") == "1"
PROVINCE = "98"
PER_ITEM = 8
CODES = ["EMA", "EMB", "EMC", "EDD", "EDE", "EMG", "EDG", "EMI"]
ITEMS = max(1, M // PER_ITEM)
SERIAL0 = 50_000_000  # serials of the scratch items: ZL50000001VN ...

urlpatterns = with_hello(site_urlpatterns)


def _s10_sql(serial: str) -> str:
    """SQL for the S10 id of a serial (an 8-character text expression), check digit in SQL."""
    weights = (8, 6, 4, 2, 3, 5, 9, 7)
    total = " + ".join(
        f"CAST(substr({serial}, {i + 1}, 1) AS INTEGER) * {w}" for i, w in enumerate(weights)
    )
    check = f"(11 - ({total}) %% 11)"  # %% : a literal % in SQL sent with parameters
    digit = f"(CASE {check} WHEN 10 THEN 0 WHEN 11 THEN 5 ELSE {check} END)"
    return f"'ZL' || {serial} || CAST({digit} AS TEXT) || 'VN'"


def cleanup() -> None:
    """The scratch province's rows, in plain SQL (no cascade collector)."""
    with transaction.atomic(), connection.cursor() as cursor:
        for table, where, params in [
            (TrackingEvent._meta.db_table, "province_code = %s", [PROVINCE]),
            (PostalItem._meta.db_table, "province_code = %s", [PROVINCE]),
            (ServicePoint._meta.db_table, "province_code = %s", [PROVINCE]),
            (Unit._meta.db_table, "code = %s", ["BENCH98"]),
            (AdminArea._meta.db_table, "code = %s", ["B9801"]),
        ]:
            cursor.execute(f"DELETE FROM {table} WHERE {where}", params)


def generate() -> None:
    """ITEMS items with PER_ITEM events each, written by the database itself."""
    unit = Unit.objects.create(
        code="BENCH98", name="Bench lookup", kind="province", province_code=PROVINCE
    )
    commune = AdminArea.objects.create(
        structure="2025",
        level="commune",
        code="B9801",
        name="Xã Tra Cứu",
        division_type="xã",
        province_code=PROVINCE,
    )
    point = ServicePoint.objects.create(
        code="980001",
        name="Bưu cục tra cứu",
        kind="bc3",
        unit=unit,
        province_code=PROVINCE,
        commune=commune,
        opened_on=dt.date(2020, 1, 1),
    )
    tariff, _ = Tariff.objects.get_or_create(
        service="registered", valid_from=dt.date(2001, 1, 1), defaults={"name": "bench"}
    )
    items, events = PostalItem._meta.db_table, TrackingEvent._meta.db_table
    pg = connection.vendor == "postgresql"
    if pg:
        numbers = f"SELECT n FROM generate_series(1, {ITEMS}) AS n"
        serial = f"lpad(CAST(n + {SERIAL0} AS TEXT), 8, '0')"
        accepted = "TIMESTAMPTZ '2026-01-05 01:00:00+00' + (n %% 300) * INTERVAL '1 day'"
        day = f"CAST({accepted} AS DATE)"
        last = f"{accepted} + INTERVAL '35 hours'"
        event_at = "i.accepted_at + c.k * INTERVAL '5 hours'"
        now = "now()"
    else:
        numbers = (
            f"WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {ITEMS}) "
            "SELECT n FROM s"
        )
        serial = f"printf('%%08d', n + {SERIAL0})"
        accepted = "datetime('2026-01-05 01:00:00', '+' || (n %% 300) || ' days')"
        day = f"date({accepted})"
        last = f"datetime({accepted}, '+35 hours')"
        event_at = "datetime(i.accepted_at, '+' || (c.k * 5) || ' hours')"
        now = "datetime('now')"
    codes = " UNION ALL ".join(f"SELECT '{code}' AS code, {k} AS k" for k, code in enumerate(CODES))
    with transaction.atomic(), connection.cursor() as cursor:
        if pg:
            # Generated rows are consistent by construction: no per-row foreign key checks.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            f"INSERT INTO {items} (province_code, s10, service, status, accepted_point_id, "
            "accepted_at, accepted_on, sender_name, sender_phone, sender_address, "
            "recipient_name, recipient_phone, recipient_address, recipient_commune_id, "
            "recipient_province_code, weight_g, length_mm, width_mm, height_mm, "
            "charged_weight_g, declared_value, cod_amount, addons, tariff_id, zone, remote, "
            "price_base, price_surcharge, price_addons, price_vat, price_total, kt1_grade, "
            'kt1_urgency, last_event_code, last_event_at, "returning", delivered_at, '
            "idempotency_key) "
            f"SELECT '{PROVINCE}', {_s10_sql(serial)}, 'registered', 'delivered', %s, "
            f"{accepted}, {day}, 'Trần Thị Bình', '0912345678', '1 Lê Lợi', "
            "'Nguyễn Văn An', '0987654321', '2 Trần Phú', %s, %s, 250, 0, 0, 0, 250, 0, 0, "
            "'[]', %s, 'province', FALSE, 20000, 0, 0, 1600, 21600, '', '', 'EMI', "
            f"{last}, FALSE, {last}, '' FROM ({numbers}) AS numbers",
            [point.id, commune.id, PROVINCE, tariff.id],
        )
        cursor.execute(
            f"INSERT INTO {events} (province_code, item_id, code, occurred_at, point_id, "
            "office_code, reason, action, recipient_name, note, source, source_event_id, "
            f"recorded_at) SELECT '{PROVINCE}', i.id, c.code, {event_at}, %s, '980001', "
            "'', '', CASE WHEN c.code = 'EMI' THEN 'Nguyễn Văn An' ELSE '' END, '', 'bench', "
            f"'', {now} FROM {items} AS i CROSS JOIN ({codes}) AS c "
            f"WHERE i.province_code = '{PROVINCE}' ORDER BY i.id, c.k",
            [point.id],
        )
    if pg:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {items}")
            cursor.execute(f"VACUUM ANALYZE {events}")


def ready() -> bool:
    count = TrackingEvent.objects.filter(province_code=PROVINCE).count()
    return count == ITEMS * PER_ITEM


def main() -> int:
    call_command("migrate", verbosity=0)
    settings.ROOT_URLCONF = os.environ["BENCH_URLCONF"]
    label = os.environ.get("BENCH_DB_LABEL", connection.vendor)
    began = time.perf_counter()
    if not ready():
        cleanup()
        generate()
    made = time.perf_counter() - began
    try:
        s10s = list(PostalItem.objects.filter(province_code=PROVINCE).values_list("s10", flat=True))
        total = TrackingEvent.objects.count()
        pick = random.Random(7)
        client = Client(HTTP_HOST="127.0.0.1")
        sql = (
            "SELECT e.code, e.occurred_at, e.office_code, p.name, e.reason, e.action, "
            "e.recipient_name FROM mail_postalitem i "
            "JOIN mail_trackingevent e ON e.item_id = i.id AND e.province_code = i.province_code "
            "LEFT JOIN network_servicepoint p ON p.id = e.point_id "
            "WHERE i.s10 = %s AND i.service <> 'kt1' ORDER BY e.occurred_at, e.id"
        )
        if connection.vendor == "postgresql":
            import psycopg

            raw_conn = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)

            def raw() -> None:
                raw_conn.execute(sql, [pick.choice(s10s)], prepare=True).fetchall()
        else:
            import sqlite3

            raw_db = sqlite3.connect(settings.DATABASES["default"]["NAME"])
            raw_sql = sql.replace("%s", "?")

            def raw() -> None:
                raw_db.execute(raw_sql, [pick.choice(s10s)]).fetchall()

        def ours() -> None:
            response = client.get(f"/api/tracking/{pick.choice(s10s)}")
            assert response.status_code == 200, response.content

        def hello_world() -> None:
            response = client.get("/bench/hello")
            assert response.status_code == 200

        print(
            f"\nTracking lookup by S10 id, {total:,} events stored ({ITEMS:,} bench items, "
            f"made in {made:.0f} s), {N:,} requests each in {ROUNDS} interleaved rounds, {label}"
        )
        times = interleaved(
            {"raw": raw, "hello": hello_world, "ours": ours}, N, rounds=ROUNDS, warmup=200
        )
        raw_t, hello_t, ours_t = times["raw"], times["hello"], times["ours"]
        print(row("raw SQL (one query, prepared)", raw_t))
        print(row("framework hello-world (ninja, public)", hello_t))
        print(row("ours: GET /api/tracking/{s10}", ours_t))
        lines, ok = lookup_budget(ours_t, raw_t, hello_t)
        print(lines)
        return 0 if ok else 1
    finally:
        if not KEEP:
            cleanup()


if __name__ == "__main__":
    sys.exit(main())
