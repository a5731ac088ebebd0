"""`buudien serve` is a real production server (gunicorn) that serves pages and static files."""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]


# How long a server may take to migrate its fresh database and answer.
START_SECONDS = 240


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, str, bytes]:
    # A first request on a loaded machine may take a while: the worker imports the site.
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.headers.get("Server", ""), response.read()


def _migrate(**settings: str) -> None:
    """``buudien migrate`` in a process of its own, with the server's environment."""
    env = {k: v for k, v in os.environ.items() if k not in SERVER_ENV_LEFT_OUT}
    subprocess.run(
        [sys.executable, "-m", "buudien", "migrate", "-v", "0"],
        cwd=ROOT,
        env={**env, **settings},
        check=True,
        timeout=START_SECONDS,
    )


@pytest.fixture(scope="session")
def migrated(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A data directory with a SQLite database ``migrate`` made, once per test run: the test
    processes share it (the first to need it migrates, under a file lock; migrating from
    nothing takes a minute on a loaded machine), and each server starts from a copy of it;
    ``serve`` still runs ``migrate`` on it first, which finds nothing to do."""
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent  # the run's, above each worker's
    path = shared / "migrated"
    with FileLock(shared / "migrated.lock"):
        if not (shared / "migrated.done").exists():
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir()
            _migrate(BUUDIEN_DATA_DIR=str(path))
            (shared / "migrated.done").touch()
    return path


# --- under concurrent load: no database session or pool is shared between workers ----------


def _on_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


# What the test session's environment must not pass on to the server: its database, pool
# and server settings are the defaults, or given here.
SERVER_ENV_LEFT_OUT = {
    "DATABASE_URL",
    "DATABASE_POOL",
    "DATABASE_POOL_SIZE",
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "WEB_CONCURRENCY",
    "WEB_THREADS",
}


def _postgres_admin() -> tuple[urllib.parse.SplitResult, dict[str, Any]]:
    """DATABASE_URL, and how to connect to its server's ``postgres`` database to make or drop
    a database."""
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    admin = {
        "host": url.hostname or "127.0.0.1",
        "port": url.port or 5432,
        "user": urllib.parse.unquote(url.username or "postgres"),
        "password": urllib.parse.unquote(url.password or ""),
        "dbname": "postgres",
        "autocommit": True,
    }
    return url, admin


def _postgres_execute(admin: dict[str, Any], statement: str, *names: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(**admin) as conn:
        conn.execute(sql.SQL(statement).format(*map(sql.Identifier, names)))


@pytest.fixture(scope="session")
def migrated_postgres() -> Iterator[str]:
    """On PostgreSQL (the test session's): a database ``buudien_serve_<hex>`` that ``migrate``
    has made, once per test process, as the template of each server's own database (migrating
    from nothing takes a minute on a loaded machine); dropped at the end."""
    url, admin = _postgres_admin()
    name = f"buudien_serve_{secrets.token_hex(4)}"
    _postgres_execute(admin, "CREATE DATABASE {}", name)
    try:
        _migrate(DATABASE_URL=urllib.parse.urlunsplit(url._replace(path=f"/{name}")))
        yield name
    finally:
        _postgres_execute(admin, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)


@contextmanager
def served_database(
    tmp_path: Path, request: pytest.FixtureRequest, *, migrated: bool
) -> Iterator[dict[str, str]]:
    """The environment of a server with a database of its own, with no data in it.

    On PostgreSQL (when the test session runs on it) a new database ``buudien_serve_<hex>`` on
    the same server as DATABASE_URL, dropped at the end: a copy of ``migrated_postgres`` if
    ``migrated`` (``serve`` still runs ``migrate`` first, and finds nothing to do), else empty;
    otherwise SQLite in ``tmp_path``, a copy of the ``migrated`` one. The connection pool is
    left at its default (on).
    """
    env = {k: v for k, v in os.environ.items() if k not in SERVER_ENV_LEFT_OUT}
    env.update({"BUUDIEN_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"})
    if not _on_postgres():
        shutil.copytree(request.getfixturevalue("migrated"), tmp_path, dirs_exist_ok=True)
        yield env
        return

    url, admin = _postgres_admin()
    name = f"buudien_serve_{secrets.token_hex(4)}"
    if migrated:
        template = request.getfixturevalue("migrated_postgres")
        _postgres_execute(admin, "CREATE DATABASE {} TEMPLATE {}", name, template)
    else:
        _postgres_execute(admin, "CREATE DATABASE {}", name)
    try:
        env["DATABASE_URL"] = urllib.parse.urlunsplit(url._replace(path=f"/{name}"))
        yield env
    finally:
        _postgres_execute(admin, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name)


@contextmanager
def serving(env: dict[str, str], log: Path, *args: str) -> Iterator[int]:
    """``python -m buudien serve ARGS`` on a free port, up and answering; its port."""
    port = _free_port()
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "buudien", "serve", "--bind", f"127.0.0.1:{port}", *args],
            cwd=ROOT,
            env=env,
            stdout=out,  # a file, not a pipe: the access log of thousands of requests
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                _get(f"http://127.0.0.1:{port}/login/")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError("the server did not start:\n" + log_tail(log)) from None
                time.sleep(0.3)
        yield port
    finally:
        server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def log_tail(log: Path) -> str:
    """The server's log without its successful requests: what went wrong."""
    text = log.read_text(errors="replace") if log.exists() else ""
    return (
        "\n".join(line for line in text.splitlines() if '" 200 ' not in line)[-6000:]
        or text[-2000:]
    )


# The province the server is given once it is up: 4 commune units, 24 points (half of them
# changed during the load, each by one client thread only), 4 admins and 8 clerks with tokens.
SEED = """
import datetime as dt, json
from buudien.network.models import AdminArea, ServicePoint, Unit
from buudien.people.models import User
from buudien.people.services import api_token_create

corp = Unit.objects.create(code="VNP", name="Tổng công ty Bưu điện", kind="corporation")
prov = Unit.objects.create(
    code="BDT20", name="Bưu điện tỉnh Lạng Sơn", kind="province", parent=corp, province_code="20"
)
units, communes = [], []
for i in range(4):
    units.append(Unit.objects.create(
        code=f"UX{i}", name=f"Bưu điện xã {i}", kind="commune", parent=prov, province_code="20"
    ))
    communes.append(AdminArea.objects.create(
        structure="2025", level="commune", code=f"{90000 + i:05d}", name=f"Xã Thử {i}",
        division_type="xã", province_code="20", valid_from=dt.date(2025, 7, 1),
    ))
points = []
for i in range(24):
    p = ServicePoint.objects.create(
        code=f"{241000 + i}", name=f"Bưu cục số {i}", kind="bc3", unit=units[i % 4],
        province_code="20", commune=communes[i % 4], phone=f"0205{i:06d}",
        opened_on=dt.date(2025, 9, 1),
    )
    points.append({"code": p.code, "name": p.name, "unit_code": p.unit.code,
                   "commune": p.commune.code, "phone": p.phone})
users = []
for i in range(12):
    admin = i < 4
    unit = prov if admin else units[i % 4]
    user = User.objects.create(
        username=f"{'admin' if admin else 'clerk'}{i}", full_name=f"Người thử {i}",
        role="admin" if admin else "clerk", unit=unit,
    )
    _, key = api_token_create(actor=None, user=user, name="load")
    users.append({"username": user.username, "id": user.id, "role": user.role,
                  "unit_code": unit.code, "full_name": user.full_name, "token": key})
print(json.dumps({"points": points, "users": users}))
"""


def shell_json(env: dict[str, str], script: str) -> Any:
    """Run ``script`` with ``buudien shell`` on the served database; the JSON it prints last."""
    done = subprocess.run(
        [sys.executable, "-m", "buudien", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def seed(env: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = shell_json(env, SEED)
    return data


@dataclass
class LoadResult:
    sent: int = 0
    errors: int = 0  # 5xx, a failed connection, an answer that is not JSON
    wrong: int = 0  # an answer that is not the one the request must get
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    final: dict[str, dict[str, str]] = field(default_factory=dict)  # code: its name and phone

    def record(self, kind: str, what: str) -> None:
        if kind == "error":
            self.errors += 1
        else:
            self.wrong += 1
        if len(self.problems) < 30:
            self.problems.append(f"{kind}: {what}")


def _call(
    port: int, method: str, path: str, token: str | None, body: Any = None, header: str = "auth"
) -> tuple[int, Any]:
    headers = {"Accept": "application/json"}
    if token is not None:
        if header == "auth":
            headers["Authorization"] = f"Bearer {token}"
        else:
            headers["X-API-Key"] = token
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        raw = response.read()
    finally:
        conn.close()
    try:
        return response.status, json.loads(raw) if raw else None
    except ValueError:
        return response.status, raw[:200]


def load(
    port: int,
    data: dict[str, Any],
    requests: int = 1200,
    threads: int = 12,
    budget: float = 60,
    give_up_after: int | None = 100,
) -> LoadResult:
    """``requests`` mixed API calls from ``threads`` clients at once, each answer checked.

    Reads of points (by admins and by clerks, inside and outside their unit), of ``/me``
    (by Bearer and by X-API-Key), of a unit's point list, bad tokens, and PATCHes of the
    point's name and phone. Every point written belongs to one client thread, so after the
    load each must hold exactly what its thread sent last. The clients stop at ``budget``
    seconds, or once ``give_up_after`` answers were wrong.
    """
    points = {p["code"]: p for p in data["points"]}
    codes = sorted(points)
    written = codes[::2]  # changed during the load; the others are never changed
    users = data["users"]
    admins = [u for u in users if u["role"] == "admin"]
    result = LoadResult()
    lock = threading.Lock()
    deadline = time.monotonic() + budget
    last_sent: dict[str, dict[str, str]] = {}

    def record(kind: str, what: str) -> None:
        with lock:
            result.record(kind, what)

    def judge(status: int, body: Any, ok: bool, what: str) -> None:
        """A server error or an answer that is not JSON is an error; else it must be ``ok``."""
        if status >= 500 or isinstance(body, bytes):
            record("error", f"{what}: {status} {body!r}")
        elif not ok:
            record("wrong", f"{what}: {status} {body!r}")

    def one(rng: random.Random, t: int, n: int, mine: list[str]) -> None:
        user = rng.choice(users)
        who = user["username"]
        roll = rng.random()
        if roll < 0.2 and mine:
            code = mine[n % len(mine)]
            change = {"name": f"Bưu cục {code} lần {t}-{n}", "phone": f"09{t:02d}{n:06d}"}
            status, body = _call(
                port, "PATCH", f"/api/network/points/{code}", rng.choice(admins)["token"], change
            )
            ok = status == 200 and isinstance(body, dict)
            ok = ok and {k: body.get(k) for k in ("code", "name", "phone", "unit_code")} == {
                "code": code,
                **change,
                "unit_code": points[code]["unit_code"],
            }
            judge(status, body, ok, f"PATCH {code} {change}")
            if status == 200:
                last_sent[code] = change
        elif roll < 0.55:
            code = rng.choice(codes)
            point = points[code]
            status, body = _call(port, "GET", f"/api/network/points/{code}", user["token"])
            if user["role"] != "admin" and user["unit_code"] != point["unit_code"]:
                judge(status, body, status == 404, f"GET {code} as {who} (outside their unit)")
                return
            fields = ["code", "unit_code"] + ([] if code in written else ["name", "phone"])
            ok = status == 200 and isinstance(body, dict)
            ok = ok and {k: body.get(k) for k in fields} == {k: point[k] for k in fields}
            ok = ok and (body.get("commune") or {}).get("code") == point["commune"]
            judge(status, body, ok, f"GET {code} as {who}")
        elif roll < 0.85:
            header = "auth" if roll < 0.75 else "key"
            status, body = _call(port, "GET", "/api/people/me", user["token"], header=header)
            keys = ("id", "username", "role", "unit_code", "full_name")
            ok = status == 200 and isinstance(body, dict)
            ok = ok and {k: body.get(k) for k in keys} == {k: user[k] for k in keys}
            judge(status, body, ok, f"me as {who} ({header})")
        elif roll < 0.95:
            unit = user["unit_code"] if user["role"] == "clerk" else f"UX{rng.randrange(4)}"
            want = sorted(c for c in codes if points[c]["unit_code"] == unit)
            path = f"/api/network/points?unit={unit}&limit=100"
            status, body = _call(port, "GET", path, user["token"])
            ok = status == 200 and isinstance(body, dict)
            ok = ok and sorted(item.get("code") for item in body.get("items", [])) == want
            judge(status, body, ok, f"list {unit} as {who}")
        else:
            bad = "bd_" + secrets.token_urlsafe(32)
            status, body = _call(port, "GET", "/api/people/me", bad)
            judge(status, body, status == 401, "me with a bad token")

    def client(t: int) -> None:
        rng = random.Random(1000 + t)
        mine = written[t::threads]
        count = requests // threads + (1 if t < requests % threads else 0)
        for n in range(count):
            if time.monotonic() > deadline:
                record("error", f"client {t}: out of time after {n} requests")
                return
            if give_up_after is not None and result.errors + result.wrong >= give_up_after:
                return  # the verdict is in
            with lock:
                result.sent += 1
            try:
                one(rng, t, n, mine)
            except (OSError, http.client.HTTPException) as exc:
                record("error", f"client {t}: {exc!r}")

    started = time.monotonic()
    pool = [threading.Thread(target=client, args=(t,), daemon=True) for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(max(0.0, deadline + 20 - time.monotonic()))
    result.seconds = time.monotonic() - started

    # Afterwards each point holds what was last written to it, or what it was given.
    result.final = {
        code: {k: last_sent.get(code, points[code])[k] for k in ("name", "phone")} for code in codes
    }
    token = admins[0]["token"]
    for code in codes:
        if give_up_after is not None and result.errors + result.wrong >= give_up_after:
            break
        if time.monotonic() > deadline + 30:
            result.record("error", f"after the load {code}: out of time")
            continue
        want = result.final[code]
        try:
            status, body = _call(port, "GET", f"/api/network/points/{code}", token)
        except (OSError, http.client.HTTPException) as exc:
            result.record("error", f"after the load {code}: {exc!r}")
            continue
        got = {k: body.get(k) for k in want} if isinstance(body, dict) else body
        if status != 200 or got != want:
            result.record("wrong", f"after the load {code}: {status} {got!r}, wanted {want!r}")
    return result


def stored_points(env: dict[str, str]) -> dict[str, dict[str, str]]:
    """The name and phone of every point, read from the database itself."""
    script = (
        "import json; from buudien.network.models import ServicePoint; print(json.dumps("
        "{p.code: {'name': p.name, 'phone': p.phone} for p in ServicePoint.objects.all()}))"
    )
    stored: dict[str, dict[str, str]] = shell_json(env, script)
    return stored


def test_serve_under_concurrent_load_shares_no_database_session(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """``buudien serve`` is gunicorn serving the pages and the static files; its two workers of
    four threads, after migrating in the same command, answer every request right: no worker
    inherits the master's database connection or connection pool."""
    log = tmp_path / "server.log"
    with (
        served_database(tmp_path, request, migrated=True) as env,
        serving(env, log, "--workers", "2", "--threads", "4") as port,
    ):
        status, server_name, body = _get(f"http://127.0.0.1:{port}/login/")
        assert status == 200
        assert "gunicorn" in server_name
        assert "Đăng nhập" in body.decode()
        status, _, css = _get(f"http://127.0.0.1:{port}/static/web/buudien.css")
        assert status == 200 and b"--brand" in css
        status, _, js = _get(f"http://127.0.0.1:{port}/static/django_htmx/htmx-2.min.js")
        assert status == 200 and len(js) > 10_000

        data = seed(env)
        result = load(port, data)
        time.sleep(0.5)  # the last lines of the server's log
        assert (result.sent, result.errors, result.wrong) == (1200, 0, 0), (
            "\n".join(result.problems) + "\n--- server log ---\n" + log_tail(log)
        )
        assert stored_points(env) == result.final

        # Long work goes to the background queue's worker that ``serve`` started: the
        # request answers 202 at once, the worker makes the file.
        admin = next(user for user in data["users"] if user["role"] == "admin")
        status, job = _call(
            port,
            "POST",
            "/api/planning/reports/year/file",
            admin["token"],
            {"fmt": "xlsx", "year": 2026, "province": "20"},
        )
        assert status == 202 and job["status"] in ("queued", "running", "done"), job
        deadline = time.monotonic() + 60
        while job["status"] not in ("done", "failed") and time.monotonic() < deadline:
            time.sleep(0.5)
            status, job = _call(port, "GET", f"/api/jobs/{job['id']}", admin["token"])
        assert job["status"] == "done", f"{job}\n--- server log ---\n{log_tail(log)}"
        assert "background worker(s) started" in log.read_text()


FORK_SCRIPT = """
from buudien import cli

cli._setup()
from django.db import connection, connections

# The master, after migrating or building the demo: a connection (and on PostgreSQL a pool).
connection.ensure_connection()
assert connection.connection is not None
cli.close_database_connections()
assert connection.connection is None
assert not getattr(connection, "_connection_pools", None), "a pool is left open"

# A worker that inherited both: it drops them, and closes nothing of its parent's.
connection.ensure_connection()
inherited, raw = connection, connection.connection
cli.forget_inherited_connections()
fresh = connections["default"]
assert fresh is not inherited and fresh.connection is None
assert not getattr(fresh, "_connection_pools", None), "the inherited pool is still in use"
assert raw.execute("SELECT 1").fetchone()[0] == 1, "the parent's connection was closed"
fresh.ensure_connection()
assert fresh.connection is not raw
print("ok")
"""


def test_serve_lets_no_connection_or_pool_cross_the_fork(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """What ``serve`` does before gunicorn forks, and what each worker does after."""
    with served_database(tmp_path, request, migrated=False) as env:
        done = subprocess.run(
            [sys.executable, "-c", FORK_SCRIPT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stdout + done.stderr


def test_a_command_says_in_one_line_that_the_database_is_out_of_reach(monkeypatch, capsys):
    """``buudien token`` (any command) with the database down: one line on stderr, exit 2,
    no traceback; any other failure is left to show itself."""
    import django.core.management
    from django.db import OperationalError

    from buudien import cli

    def down(argv):
        raise OperationalError(
            'connection to server at "127.0.0.1", port 5432 failed: Connection refused\n'
            "\tIs the server running on that host and accepting TCP/IP connections?"
        )

    monkeypatch.setattr(django.core.management, "execute_from_command_line", down)
    assert cli.main(["token", "admin", "--name", "scanner-01"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("buudien: the database cannot be reached (connection to server")

    def bug(argv):
        raise RuntimeError("a bug")

    monkeypatch.setattr(django.core.management, "execute_from_command_line", bug)
    with pytest.raises(RuntimeError):
        cli.main(["token", "admin", "--name", "scanner-01"])
