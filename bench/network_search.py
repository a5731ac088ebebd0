"""Searching service points by a name without diacritics ("dong dang").

Ours: GET /api/network/points?q=... through Django's test client (routing, session auth,
scope filter, ninja serialisation), as a director of the demo province.
Raw baseline: the same LIKE on the folded column with the same scope prefix, one cursor
execute and fetchall, no framework.
"""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buudien.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.common import row, timings_us  # noqa: E402
from buudien.core.text import fold  # noqa: E402
from buudien.people.models import User  # noqa: E402

N = int(os.environ.get("BENCH_N", "300"))
QUERIES = ["dong dang", "chi lang", "van quan", "bac son", "loc binh"]


def main() -> None:
    call_command("demo", verbosity=0, reset=connection.vendor == "postgresql")
    director = User.objects.get(username="giamdoc")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(director, backend="django.contrib.auth.backends.ModelBackend")
    scope = director.unit.path
    cursor = connection.cursor()
    sql = (
        "SELECT p.code, p.name, p.kind FROM network_servicepoint p "
        "WHERE p.unit_path LIKE %s AND p.name_folded LIKE %s ORDER BY p.code LIMIT 50"
    )
    state = {"i": 0}

    def next_query() -> str:
        state["i"] += 1
        return QUERIES[state["i"] % len(QUERIES)]

    def ours() -> None:
        response = client.get("/api/network/points", {"q": next_query()})
        assert response.status_code == 200

    def raw() -> None:
        cursor.execute(sql, [scope + "%", "%" + fold(next_query()) + "%"])
        cursor.fetchall()

    label = os.environ.get("BENCH_DB_LABEL", connection.vendor)
    print(f"\nPoint search by folded name, {N} requests, {label}")
    print(row("raw SQL (cursor, LIKE on folded column)", timings_us(raw, N)))
    print(row("ours: GET /api/network/points?q=", timings_us(ours, N)))


if __name__ == "__main__":
    main()
