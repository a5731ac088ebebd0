"""Searching service points by a name without diacritics ("dong dang").

Ours: GET /api/network/points?q=... through Django's test client (routing, session auth,
scope filter, ninja serialisation), as a director of the demo province.
Raw baseline: the same search (the folded name of the point or of its commune, the code's
start) within the same scope, one cursor execute and fetchall, no framework. The two take
turns in rounds (``bench.common.interleaved``). Goal (issue 19): p50 of ours ≤ 1,5 ms, on
the demo's network (~233 points).

The network is the demo's (its geography, units, points and staff: ``demo_network``, a few
seconds), not the whole demo with its year of operations; a database that has it already
(``python -m bench`` on PostgreSQL, a demo database) is used as it is.
"""

from __future__ import annotations

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buudien.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.common import goal, interleaved, pct, row  # noqa: E402
from buudien.core.text import fold  # noqa: E402
from buudien.network.demo import PROVINCE, demo_is_built, demo_network  # noqa: E402
from buudien.network.geography import geography_load  # noqa: E402
from buudien.network.models import ServicePoint  # noqa: E402
from buudien.people.models import User  # noqa: E402

N = int(os.environ.get("BENCH_N", "1000"))
GOAL_US = 1500
QUERIES = ["dong dang", "chi lang", "van quan", "bac son", "loc binh"]


def main() -> int:
    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    if not demo_is_built():
        geography_load(province_codes=[PROVINCE])
        demo_network()
    made = time.perf_counter() - began
    director = User.objects.get(username="giamdoc")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(director, backend="django.contrib.auth.backends.ModelBackend")
    scope = director.unit.path
    cursor = connection.cursor()
    sql = (
        "SELECT p.code, p.name, p.kind FROM network_servicepoint p "
        "LEFT JOIN network_adminarea a ON a.id = p.commune_id "
        "LEFT JOIN network_adminarea l ON l.id = p.commune_legacy_id "
        "WHERE p.unit_path LIKE %s AND (p.name_folded LIKE %s OR p.code LIKE %s "
        "OR a.name_folded LIKE %s OR l.name_folded LIKE %s) ORDER BY p.code LIMIT 100"
    )
    state = {"i": 0}

    def next_query() -> str:
        state["i"] += 1
        return QUERIES[state["i"] % len(QUERIES)]

    def ours() -> None:
        response = client.get("/api/network/points", {"q": next_query()})
        assert response.status_code == 200

    def raw() -> None:
        query = next_query()
        folded = "%" + fold(query) + "%"
        cursor.execute(sql, [scope + "%", folded, query + "%", folded, folded])
        cursor.fetchall()

    label = os.environ.get("BENCH_DB_LABEL", connection.vendor)
    points = ServicePoint.objects.filter(unit_path__startswith=scope).count()
    print(
        f"\nPoint search by folded name, {points} points in the director's scope (network "
        f"ready in {made:.0f} s), {N} requests each, interleaved, {label}"
    )
    times = interleaved({"raw": raw, "ours": ours}, N)
    print(row("raw SQL (cursor, LIKE on folded column)", times["raw"]))
    print(row("ours: GET /api/network/points?q=", times["ours"]))
    ours_p50 = pct(times["ours"], 50)
    ok = ours_p50 <= GOAL_US
    print(goal(f"p50 ours {ours_p50:.0f} µs ≤ {GOAL_US:,} µs", ok, "OVER"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
