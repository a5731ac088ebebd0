"""The counter's writes through the project's own server, against a bare view on it.

Starts ``buudien serve`` (gunicorn, its default 2 workers × 4 threads; settings
``bench.counter_site``: the site and ``/bench/hello``, a bare Django view) on a small
prepared province ("93": BENCH_POINTS post offices (8), a clerk of each with an API token, a
tariff, a partner), and drives it from this process at BENCH_CONNECTIONS (8) keep-alive
connections, one thread each (http.client), each connection a clerk (the points' clerks in
turn: 8 counters of a province; BENCH_POINTS=1 puts them all at one counter, where each
acceptance waits for the one before to take its S10 number and post its fee), for
BENCH_SECONDS (5) a turn, in 3 interleaved rounds of:
- hello: ``GET /bench/hello``, the server's floor;
- accept: ``POST /api/mail/items``, a registered letter, a new Idempotency-Key each;
- bill: ``POST /api/collection/bills``, a cash bill of a new customer each.
Prints req/s (median of the rounds), p50 and p99 (all requests of the rounds) and each
write's share of hello (median of the rounds' ratios). Goal (issue 19): each write at least
10 % of hello's throughput, p99 under 100 ms. The load generator runs on the same machine
(and under the same GIL for its threads): hello's rate is partly its limit, which flatters
the writes' share a little; the machine's other load falls on all three alike.

The province's rows are deleted at the end unless BENCH_KEEP=1.
"""

from __future__ import annotations

import datetime as dt
import http.client
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buudien.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import close_old_connections, connection, models, transaction  # noqa: E402

from bench.common import goal, pct  # noqa: E402
from buudien.collection.models import Bill, Partner  # noqa: E402
from buudien.core.bizdays import local_today  # noqa: E402
from buudien.core.models import AuditEntry, Sequence  # noqa: E402
from buudien.finance import ledger  # noqa: E402
from buudien.finance.models import (  # noqa: E402
    Account,
    DailyBalance,
    DailyFigure,
    Entry,
    MonthlyFigure,
    Transfer,
)
from buudien.mail.models import PostalItem, Tariff, TariffStep, TrackingEvent  # noqa: E402
from buudien.network.models import AdminArea, ServicePoint, Unit  # noqa: E402
from buudien.people.models import ApiToken, User  # noqa: E402
from buudien.people.services import api_token_create  # noqa: E402

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
ROUNDS = 3
KEEP = os.environ.get("BENCH_KEEP", "") == "1"
PROVINCE = "93"
POINTS = int(os.environ.get("BENCH_POINTS", "8"))
COMMUNE = "99301"
USER = "bench-counter-clerk"  # and a number
TARIFF = "bench-counter"
SHARE_GOAL, P99_GOAL_MS = 0.10, 100.0


def cleanup() -> None:
    """The scratch province's rows, in plain SQL (ledger rows refuse ORM deletes)."""
    users = User.objects.filter(username__startswith=USER)
    user_ids = list(users.values_list("pk", flat=True))
    with transaction.atomic(), connection.cursor() as cursor:

        def delete(model: type[models.Model], where: str, params: list[Any]) -> None:
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {where}", params)

        for user_id in user_ids:
            delete(AuditEntry, "actor_id = %s", [user_id])
            delete(ApiToken, "user_id = %s", [user_id])
        province_tables: list[type[models.Model]] = [
            TrackingEvent,
            Bill,
            PostalItem,
            Partner,
            DailyBalance,
            DailyFigure,
            MonthlyFigure,
            Transfer,
            Entry,
            Account,
        ]
        for model in province_tables:
            delete(model, "province_code = %s", [PROVINCE])
        delete(Sequence, "name LIKE %s OR name LIKE %s", ["s10:93____:%", "collection:93____"])
        delete(User, "username LIKE %s", [f"{USER}%"])
        delete(ServicePoint, "province_code = %s", [PROVINCE])
        delete(Unit, "code = %s", ["BENCH93"])
        delete(AdminArea, "code = %s", [COMMUNE])
        tariffs = list(Tariff.objects.filter(name=TARIFF).values_list("pk", flat=True))
        for tariff in tariffs:
            delete(TariffStep, "tariff_id = %s", [tariff])
            delete(Tariff, "id = %s", [tariff])


def setup() -> list[str]:
    """The province, its points and clerks, a registered tariff, a partner; the clerks'
    tokens."""
    unit = Unit.objects.create(
        code="BENCH93", name="Bench counter", kind="province", province_code=PROVINCE
    )
    commune = AdminArea.objects.create(
        structure="2025",
        level="commune",
        code=COMMUNE,
        name="Xã Quầy",
        division_type="xã",
        province_code=PROVINCE,
    )
    clerks = []
    for n in range(1, POINTS + 1):
        point = ServicePoint.objects.create(
            code=f"93{n:04d}",
            name=f"Bưu cục quầy {n}",
            kind="bc3",
            unit=unit,
            province_code=PROVINCE,
            commune=commune,
            opened_on=dt.date(2020, 1, 1),
        )
        clerks.append(
            User.objects.create(username=f"{USER}-{n}", role="clerk", unit=unit, point=point)
        )
    # Its own registered tariff, in force today whatever else the database holds (the latest
    # start wins): other benches leave tariffs without steps in a shared database.
    tariff = Tariff.objects.create(
        service="registered",
        name=TARIFF,
        valid_from=local_today(),
        vat_rate_bp=800,
        max_weight_g=2_000,
        extra_step_g=500,
    )
    for zone in ("province", "region", "country"):
        TariffStep.objects.create(tariff=tariff, zone=zone, up_to_g=2_000, price=13_000)
    Partner.objects.create(
        province_code=PROVINCE,
        code="evn",
        name="Điện lực (bench)",
        kind="electricity",
        bank="vietinbank",
        commission_fixed=1_500,
    )
    ledger.account_for_partner(PROVINCE, "evn")
    return [api_token_create(actor=None, user=clerk, name="bench")[1] for clerk in clerks]


@dataclass
class Turn:
    """One endpoint's turn: requests done, their latencies (ms), the answers not expected."""

    done: int = 0
    ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.seconds else 0.0


Request = Callable[[int], tuple[str, str, bytes | None, dict[str, str], int]]


def hello(n: int) -> tuple[str, str, bytes | None, dict[str, str], int]:
    return "GET", "/bench/hello", None, {}, 200


def accept(n: int) -> tuple[str, str, bytes | None, dict[str, str], int]:
    body = {
        "service": "registered",
        "sender_name": "Nguyễn Văn An",
        "recipient_name": "Hoàng Thị Bình",
        "recipient_address": "Thôn Pò Mỏ",
        "recipient_commune_code": COMMUNE,
        "weight_g": 18,
    }
    return "POST", "/api/mail/items", json.dumps(body).encode(), {"Idempotency-Key": f"a{n}"}, 201


def bill(n: int) -> tuple[str, str, bytes | None, dict[str, str], int]:
    body = {
        "partner": "evn",
        "customer_code": f"KH{n}",
        "customer_name": "Phạm Thị Dung",
        "period": "10/2026",
        "amount": 250_000,
    }
    return (
        "POST",
        "/api/collection/bills",
        json.dumps(body).encode(),
        {"Idempotency-Key": f"b{n}"},
        201,
    )


def drive(
    port: int, tokens: list[str], request: Request, seconds: float, numbers: itertools.count[int]
) -> Turn:
    """CONNECTIONS threads, each on its own keep-alive connection, sending ``request`` for
    ``seconds``."""
    turn = Turn()
    lock = threading.Lock()
    start = threading.Barrier(CONNECTIONS + 1)

    def work(token: str) -> None:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        ms: list[float] = []
        errors: list[str] = []
        start.wait()
        deadline = time.perf_counter() + seconds
        while (began := time.perf_counter()) < deadline:
            method, path, body, more, expected = request(next(numbers))
            conn.request(method, path, body=body, headers={**headers, **more})
            response = conn.getresponse()
            answer = response.read()
            ms.append((time.perf_counter() - began) * 1000)
            if response.status != expected:
                errors.append(f"{response.status} {answer[:200]!r}")
        conn.close()
        with lock:
            turn.ms.extend(ms)
            turn.errors.extend(errors)

    threads = [
        threading.Thread(target=work, args=(tokens[n % len(tokens)],)) for n in range(CONNECTIONS)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    turn.seconds = time.perf_counter() - began
    turn.done = len(turn.ms)
    return turn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.counter_site",
        "BUUDIEN_TASK_WORKERS": "0",  # no background queue beside the web workers
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "buudien", "serve", "--bind", f"127.0.0.1:{port}", "--no-migrate"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/bench/hello")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not answer within 60 s")


def main() -> int:
    call_command("migrate", verbosity=0)
    label = os.environ.get("BENCH_DB_LABEL", connection.vendor)
    cleanup()
    tokens = setup()
    connection.close()  # the server's workers write; this process holds nothing open
    port = free_port()
    server = serve(port)
    numbers = itertools.count(1)
    endpoints: dict[str, Request] = {"hello": hello, "accept": accept, "bill": bill}
    turns: dict[str, list[Turn]] = {name: [] for name in endpoints}
    try:
        for request in endpoints.values():  # each worker's first requests fill its caches
            drive(port, tokens, request, 1.0, numbers)
        for _ in range(ROUNDS):
            for name, request in endpoints.items():
                turns[name].append(drive(port, tokens, request, SECONDS, numbers))
    finally:
        server.terminate()
        server.wait(timeout=30)
        close_old_connections()
        if not KEEP:
            cleanup()

    print(
        f"\ncounter_http [{label}]: buudien serve (2 workers × 4 threads), {CONNECTIONS} "
        f"keep-alive connections (clerks of {POINTS} points), {ROUNDS} rounds × {SECONDS:.0f} s "
        "per endpoint, interleaved"
    )
    hello_rates = [turn.rate for turn in turns["hello"]]
    failed = False
    for name, endpoint_turns in turns.items():
        ms = [value for turn in endpoint_turns for value in turn.ms]
        errors = [error for turn in endpoint_turns for error in turn.errors]
        rates = [turn.rate for turn in endpoint_turns]
        shares = [turn.rate / h for turn, h in zip(endpoint_turns, hello_rates, strict=True)]
        share = statistics.median(shares)
        print(
            f"  {name:<7} {statistics.median(rates):>8.0f} req/s "
            f"(rounds {', '.join(f'{rate:.0f}' for rate in rates)})   "
            f"p50 {pct(ms, 50):>7.1f} ms   p99 {pct(ms, 99):>7.1f} ms   "
            f"share of hello {share:.3f}   errors {len(errors)}"
        )
        if errors:
            failed = True
            print(f"    first error: {errors[0]}")
        if name == "hello":
            continue
        ok_share, ok_p99 = share >= SHARE_GOAL, pct(ms, 99) < P99_GOAL_MS
        failed = failed or not (ok_share and ok_p99)
        print(goal(f"{name} ≥ {SHARE_GOAL:.0%} of hello's req/s (median of rounds)", ok_share))
        print(goal(f"{name} p99 {pct(ms, 99):.1f} ms < {P99_GOAL_MS:.0f} ms", ok_p99, "OVER"))
    print("  (the load generator shares the machine's 2 cores with the server and others' work)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
