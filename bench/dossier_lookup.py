"""The public dossier lookup by code, and the dossier figures of a year, against raw SQL.

Ours: ``dossiers.selectors.public_lookup(code=...)`` (the dossier's steps joined with what
the page shows: one ORM query and the dataclasses), for random codes; then the public
``GET /api/dossiers/lookup?code=`` through Django's test client, against the requirement of
the item tracking lookup (``bench.common.lookup_budget``: p50 of ours <= 2 × (p50 raw + p50
of a django-ninja hello-world), p99 <= p99 raw + p99 hello + 1 ms). All of them take turns in
rounds (``bench.common.interleaved``); the figures of a year likewise, with the goal that the
rollup is no slower than the GROUP BYs it replaces.
Raw baseline: the same dossier and steps by code in one plain SQL query (psycopg with a
prepared statement on PostgreSQL, the sqlite3 module on SQLite), same run, same codes; and the
same query with the province's code too, which the unique key (province_code, reference) can
serve.

Then the figures of a year (``dossiers.figures.year_figures``: one GROUP BY of the rollup
that the services keep, read by the year-end report twice, for the year and the year before)
against the two GROUP BY statements of the dossiers themselves in plain SQL (what a report
would run without the rollup).

BENCH_DOSSIERS (default 50,000) dossiers of a scratch province ("95"), received over 2025 and
2026 at 20 points, each returned with its five steps (one in eight after its promised date),
written with ``bulk_create`` (their rollup rebuilt once, as after an import); deleted at the
end unless BENCH_KEEP=1 (a later run with the same count reuses them). BENCH_N lookups
(default 3,000) per measurement.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from collections.abc import Callable
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buudien.settings")
# This module is also the URLconf: the site's URLs and one hello-world endpoint.
os.environ.setdefault("BENCH_URLCONF", __name__)
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from bench.common import goal, interleaved, lookup_budget, pct, row, with_hello  # noqa: E402
from buudien.core.bizdays import VIETNAM  # noqa: E402
from buudien.dossiers import selectors  # noqa: E402
from buudien.dossiers.choices import AgencyKind, Mode, ReturnBy, Status, StepKind  # noqa: E402
from buudien.dossiers.figures import year_figures  # noqa: E402
from buudien.dossiers.models import (  # noqa: E402
    Agency,
    Dossier,
    DossierRollup,
    DossierStep,
    Procedure,
)
from buudien.dossiers.rollup import dossier_rollup_rebuild  # noqa: E402
from buudien.network.models import AdminArea, ServicePoint, Unit  # noqa: E402
from buudien.urls import urlpatterns as site_urlpatterns  # noqa: E402

urlpatterns = with_hello(site_urlpatterns)

M = int(os.environ.get("BENCH_DOSSIERS", "50000"))
N = int(os.environ.get("BENCH_N", "3000"))
KEEP = os.environ.get("BENCH_KEEP", "") == "1"
PROVINCE = "95"
POINTS = 20
BATCH = 5000
FIRST_DAY = dt.date(2025, 1, 1)
DAYS = 730  # 2025 and 2026
STEPS = [StepKind.RECEIVED, StepKind.HANDED_OVER, StepKind.CONFIRMED, StepKind.RESULT_BACK]


def cleanup() -> None:
    """The scratch province's rows, in plain SQL (no cascade collector)."""
    with transaction.atomic(), connection.cursor() as cursor:
        for model, where, params in [
            (DossierRollup, "province_code = %s", [PROVINCE]),
            (DossierStep, "province_code = %s", [PROVINCE]),
            (Dossier, "province_code = %s", [PROVINCE]),
            (Procedure, "province_code = %s", [PROVINCE]),
            (Agency, "province_code = %s", [PROVINCE]),
            (ServicePoint, "province_code = %s", [PROVINCE]),
            (Unit, "code = %s", ["BENCH95"]),
            (AdminArea, "code = %s", ["B9501"]),
        ]:
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {where}", params)


def generate() -> None:
    """M returned dossiers with their steps, over two years and POINTS points."""
    unit = Unit.objects.create(
        code="BENCH95", name="Bench dossiers", kind="province", province_code=PROVINCE
    )
    commune = AdminArea.objects.create(
        structure="2025",
        level="commune",
        code="B9501",
        name="Xã Hồ Sơ",
        division_type="xã",
        province_code=PROVINCE,
    )
    points = [
        ServicePoint.objects.create(
            code=f"95{i:04d}",
            name=f"Bưu cục hồ sơ {i}",
            kind="bc3",
            unit=unit,
            province_code=PROVINCE,
            commune=commune,
            opened_on=dt.date(2020, 1, 1),
        )
        for i in range(1, POINTS + 1)
    ]
    agency = Agency.objects.create(
        province_code=PROVINCE,
        code="so-bench",
        name="Sở Tư pháp",
        kind=AgencyKind.DEPARTMENT,
        handover_point=points[0],
    )
    procedure = Procedure.objects.create(
        province_code=PROVINCE,
        agency=agency,
        code="2.000908",
        name="Cấp bản sao trích lục hộ tịch",
        documents=[{"name": "Tờ khai", "original": True, "copies": 1}],
        agency_fee=8_000,
        charge_receive=15_000,
        charge_return=10_000,
        processing_days=3,
    )
    pick = random.Random(11)
    for start in range(0, M, BATCH):
        dossiers = []
        for n in range(start, min(M, start + BATCH)):
            point = points[n % POINTS]
            day = FIRST_DAY + dt.timedelta(days=n * DAYS // M)
            at = dt.datetime.combine(day, dt.time(8 + n % 9, n % 60), tzinfo=VIETNAM)
            back = at + dt.timedelta(days=5 if n % 8 else 9)
            dossiers.append(
                Dossier(
                    province_code=PROVINCE,
                    reference=f"HS{point.code}{n + 1:06d}",
                    idempotency_key=f"bench:{n}",
                    fingerprint="bench",
                    point=point,
                    business_date=day,
                    created_at=at,
                    procedure=procedure,
                    agency=agency,
                    mode=Mode.BOTH,
                    status=Status.RETURNED,
                    applicant_name="Nguyễn Thị Lan",
                    applicant_folded="nguyen thi lan",
                    citizen_id=f"095{pick.randrange(10**9):09d}",
                    phone="0912345678",
                    documents=procedure.documents,
                    agency_fee=8_000,
                    charge=25_000,
                    return_by=ReturnBy.COUNTER,
                    due_date=day + dt.timedelta(days=7),
                    result_at=back,
                    returned_at=back,
                    returned_point=point,
                    receiver_name="Nguyễn Thị Lan",
                )
            )
        Dossier.objects.bulk_create(dossiers, batch_size=BATCH)
        made = Dossier.objects.filter(
            province_code=PROVINCE, reference__in=[d.reference for d in dossiers]
        ).only("pk", "point_id", "created_at", "returned_at")
        steps = []
        for dossier in made:
            assert dossier.returned_at is not None
            for k, kind in enumerate(STEPS):
                steps.append(
                    DossierStep(
                        province_code=PROVINCE,
                        dossier=dossier,
                        kind=kind,
                        at=dossier.created_at + dt.timedelta(hours=4 * k),
                        point_id=dossier.point_id if kind != StepKind.CONFIRMED else None,
                    )
                )
            steps.append(
                DossierStep(
                    province_code=PROVINCE,
                    dossier=dossier,
                    kind=StepKind.RETURNED,
                    at=dossier.returned_at,
                    point_id=dossier.point_id,
                )
            )
        DossierStep.objects.bulk_create(steps, batch_size=BATCH)
    dossier_rollup_rebuild(province_code=PROVINCE)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Dossier._meta.db_table}")
            cursor.execute(f"VACUUM ANALYZE {DossierStep._meta.db_table}")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def ready() -> bool:
    return Dossier.objects.filter(province_code=PROVINCE).count() == M


LOOKUP_SQL = (
    "SELECT d.reference, d.applicant_name, pr.name, a.name, d.status, d.created_at, "
    "d.due_date, d.returned_at, s.kind, s.at, p.name "
    "FROM dossiers_dossier d "
    "JOIN dossiers_procedure pr ON pr.id = d.procedure_id "
    "JOIN dossiers_agency a ON a.id = d.agency_id "
    "LEFT JOIN dossiers_dossierstep s ON s.dossier_id = d.id AND s.kind <> 'late' "
    "LEFT JOIN network_servicepoint p ON p.id = s.point_id "
    "WHERE {where} ORDER BY s.at, s.id"
)
RECEIVED_SQL = (
    "SELECT point_id, agency_id, procedure_id, COUNT(*), SUM(agency_fee), SUM(charge) "
    "FROM dossiers_dossier WHERE province_code = %s AND business_date BETWEEN %s AND %s "
    "GROUP BY point_id, agency_id, procedure_id"
)
RETURNED_PG = (
    "SELECT returned_point_id, agency_id, procedure_id, COUNT(*), "
    "COUNT(*) FILTER (WHERE (returned_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date <= due_date) "
    "FROM dossiers_dossier WHERE province_code = %s AND returned_at >= %s AND returned_at < %s "
    "GROUP BY returned_point_id, agency_id, procedure_id"
)
RETURNED_SQLITE = (
    "SELECT returned_point_id, agency_id, procedure_id, COUNT(*), "
    "SUM(date(returned_at, '+7 hours') <= due_date) "
    "FROM dossiers_dossier WHERE province_code = ? AND returned_at >= ? AND returned_at < ? "
    "GROUP BY returned_point_id, agency_id, procedure_id"
)


def raw_runner() -> tuple[Callable[[str, list[Any]], list[Any]], str]:
    """A function running plain SQL (``%s`` placeholders) outside Django, and its name."""
    if connection.vendor == "postgresql":
        import psycopg

        raw_conn = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)

        def run_pg(sql: str, params: list[Any]) -> list[Any]:
            return raw_conn.execute(sql, params, prepare=True).fetchall()  # type: ignore[arg-type]

        return run_pg, "psycopg, prepared"
    import sqlite3

    raw_db = sqlite3.connect(settings.DATABASES["default"]["NAME"])

    def run_sqlite(sql: str, params: list[Any]) -> list[Any]:
        return raw_db.execute(sql.replace("%s", "?"), params).fetchall()

    return run_sqlite, "sqlite3"


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
        codes = list(
            Dossier.objects.filter(province_code=PROVINCE).values_list("reference", flat=True)
        )
        total = Dossier.objects.count()
        steps = DossierStep.objects.count()
        run, how = raw_runner()
        pick = random.Random(7)
        by_code = LOOKUP_SQL.format(where="d.reference = %s")
        by_key = LOOKUP_SQL.format(where="d.province_code = %s AND d.reference = %s")

        def ours() -> None:
            found = selectors.public_lookup(code=pick.choice(codes))
            assert len(found.steps) == 5

        def raw() -> None:
            assert len(run(by_code, [pick.choice(codes)])) == 5

        def raw_key() -> None:
            assert len(run(by_key, [PROVINCE, pick.choice(codes)])) == 5

        print(
            f"\nPublic dossier lookup by code, {total:,} dossiers and {steps:,} steps stored "
            f"({M:,} bench dossiers, made in {made:.0f} s), {N:,} lookups, {label}"
        )
        # The public page's API through HTTP, against the budget of the item tracking lookup.
        client = Client(HTTP_HOST="127.0.0.1")

        def ours_http() -> None:
            response = client.get(f"/api/dossiers/lookup?code={pick.choice(codes)}")
            assert response.status_code == 200, response.content

        def hello_world() -> None:
            assert client.get("/bench/hello").status_code == 200

        times = interleaved(
            {"raw": raw, "raw_key": raw_key, "ours": ours, "hello": hello_world, "http": ours_http},
            N,
            warmup=100,
        )
        raw_t, raw_key_t, ours_t = times["raw"], times["raw_key"], times["ours"]
        hello_t, http_t = times["hello"], times["http"]
        print(row(f"raw SQL by code (one query, {how})", raw_t))
        print(row("raw SQL by province + code (unique key)", raw_key_t))
        print(row("ours: selectors.public_lookup(code=...)", ours_t))
        print(
            f"  p50 ours / raw by code = {pct(ours_t, 50) / pct(raw_t, 50):.1f}×, "
            f"p99 ours - raw by code = {(pct(ours_t, 99) - pct(raw_t, 99)) / 1000:.2f} ms"
        )

        print(row("framework hello-world (ninja, public)", hello_t))
        print(row("ours: GET /api/dossiers/lookup?code=", http_t))
        budget, lookup_ok = lookup_budget(http_t, raw_t, hello_t)
        print(budget.replace("goal:", "goal (the tracking lookup's):"))

        year = 2026
        start = dt.datetime(year, 1, 1, tzinfo=VIETNAM)
        end = dt.datetime(year + 1, 1, 1, tzinfo=VIETNAM)
        returned_sql = RETURNED_PG if connection.vendor == "postgresql" else RETURNED_SQLITE
        if connection.vendor == "postgresql":
            bounds: list[Any] = [start, end]
        else:
            # Django stores SQLite datetimes as UTC text, "2025-12-31 17:00:00".
            bounds = [f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S}" for moment in (start, end)]

        def ours_year() -> None:
            assert year_figures(province_code=PROVINCE, year=year).total().received

        def raw_year() -> None:
            assert run(RECEIVED_SQL, [PROVINCE, f"{year}-01-01", f"{year}-12-31"])
            assert run(returned_sql, [PROVINCE, *bounds])

        figures = year_figures(province_code=PROVINCE, year=year).total()
        received = run(RECEIVED_SQL, [PROVINCE, f"{year}-01-01", f"{year}-12-31"])
        returned = run(returned_sql, [PROVINCE, *bounds])
        assert figures.received == sum(r[3] for r in received)
        assert figures.returned == sum(r[3] for r in returned)
        assert figures.returned_on_time == sum(int(r[4]) for r in returned)
        print(
            f"\nDossier figures of {year} ({figures.received:,} received, "
            f"{figures.returned:,} returned, {figures.on_time_pct}% on time), "
            f"{max(N // 30, 20)} runs, {label}"
        )
        runs = max(N // 30, 20)
        year_t = interleaved({"raw": raw_year, "ours": ours_year}, runs, warmup=3)
        raw_year_t, ours_year_t = year_t["raw"], year_t["ours"]
        print(row("raw SQL: the two GROUP BY", raw_year_t))
        print(row("ours: dossiers.figures.year_figures", ours_year_t))
        year_ok = pct(ours_year_t, 50) <= pct(raw_year_t, 50)
        print(
            goal(
                f"p50 ours {pct(ours_year_t, 50):.0f} µs ≤ p50 of the raw GROUP BYs "
                f"{pct(raw_year_t, 50):.0f} µs (the rollup is worth keeping)",
                year_ok,
                "OVER",
            )
        )
        return 0 if lookup_ok and year_ok else 1
    finally:
        if not KEEP:
            cleanup()


if __name__ == "__main__":
    sys.exit(main())
