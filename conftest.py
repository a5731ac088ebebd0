"""The personas every test speaks of, in one small province.

VNP (corporation)
├── BDT20  Bưu điện tỉnh Lạng Sơn      director, auditor, admin, kt1 operator
│   ├── UA  Bưu điện xã A               clerk_a at point A (240001)
│   └── UB  Bưu điện xã B               clerk_b at point B (240002)
└── BDT04  Bưu điện tỉnh Cao Bằng       outsider (a director elsewhere)
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# beside it are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config: Any) -> None:
    """``BUUDIEN_TEST_NOW=2027-01-01T09:00`` runs the whole suite as if it were that moment in
    Vietnam (the clock ticks on from there): nothing may depend on the day the suite runs."""
    moment = os.environ.get("BUUDIEN_TEST_NOW", "").strip()
    if moment:
        import time_machine
        from zoneinfo import ZoneInfo

        start = dt.datetime.fromisoformat(moment)
        if start.tzinfo is None:
            start = start.replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
        config._buudien_clock = time_machine.travel(start, tick=True)
        config._buudien_clock.start()


def pytest_unconfigure(config: Any) -> None:
    clock = getattr(config, "_buudien_clock", None)
    if clock is not None:
        clock.stop()


# The modules that take longest, with roughly the seconds they take on a CI core (from
# ``--durations``). The workers get the longest first: xdist's loadscope sends the modules with
# the most tests first, which left these (a few slow tests each) for the end, one worker
# running them while the other stood idle. A module that takes more than ~10 s belongs here;
# any other counts a fifth of a second a test.
SLOW_MODULES = {
    "buudien/network/tests/test_demo_dates.py": 100,
    "buudien/core/tests/test_serve.py": 90,
    "buudien/network/tests/test_demo.py": 90,  # and the axe walk of every role's pages
    "buudien/people/tests/test_admin_provinces.py": 40,  # its own build of the tiny demo
    "buudien/core/tests/test_schemathesis.py": 30,
    "buudien/core/tests/test_settings.py": 20,
    "buudien/payouts/tests/test_demo.py": 15,
    "buudien/agency/tests/test_demo.py": 15,
    "buudien/dossiers/tests/test_demo.py": 12,
    "buudien/mail/tests/test_demo_year.py": 10,
    "buudien/goods/tests/test_demo.py": 10,
}
SECONDS_PER_TEST = 0.2


def pytest_xdist_make_scheduler(config: Any, log: Any) -> Any:
    """``--dist loadscope``, the longest work first (longest processing time first): both
    workers then finish within seconds of each other, on small modules."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    def seconds(unit: tuple[str, dict[str, bool]]) -> float:
        scope, tests = unit
        return SLOW_MODULES.get(scope.split("::")[0], len(tests) * SECONDS_PER_TEST)

    class LongestFirst(LoadScopeScheduling):  # type: ignore[misc]
        def _assign_work_unit(self, node: Any) -> None:
            ordered = sorted(self.workqueue.items(), key=seconds, reverse=True)
            self.workqueue.clear()
            self.workqueue.update(ordered)
            super()._assign_work_unit(node)

    return LongestFirst(config, log)


def _outside_a_transaction(item: Any) -> bool:
    """A test that runs outside a transaction (a live server's, ``transactional_db``): the
    database is emptied after it."""
    marker = item.get_closest_marker("django_db")
    asked = marker is not None and bool(
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    names = getattr(item, "fixturenames", ())
    return asked or "transactional_db" in names or "live_server" in names


def _outside_a_transaction_last_in_module(items: list[Any]) -> None:
    """Within each module, the tests that run outside a transaction come after the others, as
    pytest-django orders them (and Django's runner): pytest's grouping of the browser tests by
    their browser (a session's parameter) had moved a module's browser test ahead of its other
    tests, and its flush emptied the data the module's fixture had built for them."""
    last: dict[str, int] = {}
    for index, item in enumerate(items):
        if not _outside_a_transaction(item):
            last[item.nodeid.split("::")[0]] = index
    moved: dict[int, list[Any]] = {}
    kept = []
    for index, item in enumerate(items):
        module = item.nodeid.split("::")[0]
        if _outside_a_transaction(item) and last.get(module, -1) > index:
            moved.setdefault(last[module], []).append(item)
        else:
            kept.append((index, item))
    items[:] = [placed for index, item in kept for placed in [item, *moved.get(index, [])]]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """After pytest's own ordering: a module's tests outside a transaction last in it; tests
    marked ``postgres`` need a real PostgreSQL: skipped on SQLite."""
    from django.db import connection

    _outside_a_transaction_last_in_module(items)
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs a real PostgreSQL")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Each test process's database is made from the models (``--no-migrations`` in
    pyproject.toml: replaying the migrations from nothing takes a minute of CPU per process);
    ``make lint`` proves the migrations give the same tables (``makemigrations --check``), and
    the code the migrations run beyond the models (RunPython, RunSQL) runs here, in order, so
    the database is the one ``migrate`` makes. ``buudien serve`` and ``demo`` still migrate in
    the tests that start them."""
    import importlib
    import pkgutil

    from django.apps import apps
    from django.db import connection
    from django.db.migrations.operations import RunPython, RunSQL

    with django_db_blocker.unblock():
        for config in apps.get_app_configs():
            if not config.name.startswith("buudien."):
                continue
            try:
                package = importlib.import_module(f"{config.name}.migrations")
            except ModuleNotFoundError:
                continue
            names = sorted(m.name for m in pkgutil.iter_modules(package.__path__))
            for name in names:
                migration = importlib.import_module(f"{package.__name__}.{name}").Migration
                for operation in migration.operations:
                    if isinstance(operation, RunPython):
                        with connection.schema_editor() as editor:
                            operation.code(apps, editor)
                    elif isinstance(operation, RunSQL):
                        with connection.schema_editor() as editor:
                            sqls = operation.sql
                            for sql in [sqls] if isinstance(sqls, str) else sqls:
                                editor.execute(sql)


# Above this many rows (a demo built for a module) a flush on PostgreSQL truncates every table.
FLUSH_BY_DELETE_ROWS = 20_000


@pytest.fixture(autouse=True, scope="session")
def _quick_flush_on_postgresql() -> Any:
    """On PostgreSQL a flush (after each test that runs outside a transaction: the browser and
    concurrency tests) deletes the rows of the tables that have any, instead of truncating all
    of the ~140 tables: TRUNCATE makes every table, index and sequence anew, a few seconds each
    time on a loaded machine, while such a test leaves a few hundred rows. Deleting in one
    transaction needs no order: Django's foreign keys are checked at the commit. A flush with
    more rows than FLUSH_BY_DELETE_ROWS, or one that resets sequences or cascades, truncates
    as before."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(
        self: Any,
        style: Any,
        tables: list[str],
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        if not tables or reset_sequences or allow_cascade:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        limit = FLUSH_BY_DELETE_ROWS + 1
        counts = " UNION ALL ".join(
            f"SELECT %s, (SELECT count(*) FROM (SELECT 1 FROM {self.quote_name(table)} "
            f"LIMIT {limit}) AS found)"
            for table in tables
        )
        with self.connection.cursor() as cursor:
            cursor.execute(counts, list(tables))
            rows = {table: count for table, count in cursor.fetchall() if count}
        if sum(rows.values()) > FLUSH_BY_DELETE_ROWS:
            return truncate(self, style, tables)
        return [f"DELETE FROM {self.quote_name(table)};" for table in tables if table in rows]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_at_once() -> Any:
    """A job's task runs inside the request that queues it (Django's immediate backend), so
    a test sees it done; the tests of the queue and its worker set the database backend."""
    from django.test.utils import override_settings

    immediate = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate):
        yield


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    """Argon2 is the production hasher (tested on its own); tests log in with a faster one."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]


@dataclass
class World:
    corporation: Any
    province: Any
    unit_a: Any
    unit_b: Any
    other_province: Any
    commune_a: Any
    commune_b: Any
    point_a: Any
    point_b: Any


@pytest.fixture
def world(db: Any) -> World:
    from buudien.network.choices import PointKind, UnitKind
    from buudien.network.tests.factories import AdminAreaFactory, PointFactory, UnitFactory

    corporation = UnitFactory(
        code="VNP",
        name="Tổng công ty Bưu điện Việt Nam",
        kind=UnitKind.CORPORATION,
        province_code="",
    )
    province = UnitFactory(
        code="BDT20", name="Bưu điện tỉnh Lạng Sơn", kind=UnitKind.PROVINCE, parent=corporation
    )
    unit_a = UnitFactory(code="UA", name="Bưu điện xã Đồng Đăng", parent=province)
    unit_b = UnitFactory(code="UB", name="Bưu điện xã Chi Lăng", parent=province)
    other = UnitFactory(
        code="BDT04",
        name="Bưu điện tỉnh Cao Bằng",
        kind=UnitKind.PROVINCE,
        parent=corporation,
        province_code="04",
    )
    commune_a = AdminAreaFactory(code="06001", name="Xã Đồng Đăng")
    commune_b = AdminAreaFactory(code="06002", name="Xã Chi Lăng")
    point_a = PointFactory(
        code="240001",
        name="Bưu cục Đồng Đăng",
        kind=PointKind.BC3,
        unit=unit_a,
        commune=commune_a,
        opened_on=dt.date(2015, 1, 1),
    )
    point_b = PointFactory(
        code="240002",
        name="Điểm BĐVHX Chi Lăng",
        kind=PointKind.BDVHX,
        unit=unit_b,
        commune=commune_b,
        opened_on=dt.date(2016, 1, 1),
    )
    return World(
        corporation, province, unit_a, unit_b, other, commune_a, commune_b, point_a, point_b
    )


def _user(world: World, username: str, role: str, unit: Any, point: Any = None) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(
        username=username, role=role, unit=unit, point=point, is_staff=role == "admin"
    )


@pytest.fixture
def clerk_a(world: World) -> Any:
    return _user(world, "clerk_a", "clerk", world.unit_a, world.point_a)


@pytest.fixture
def clerk_b(world: World) -> Any:
    return _user(world, "clerk_b", "clerk", world.unit_b, world.point_b)


@pytest.fixture
def director(world: World) -> Any:
    return _user(world, "director", "director", world.province)


@pytest.fixture
def auditor(world: World) -> Any:
    return _user(world, "auditor", "auditor", world.province)


@pytest.fixture
def admin_user(world: World) -> Any:
    return _user(world, "admin", "admin", world.province)


@pytest.fixture
def kt1_operator(world: World) -> Any:
    return _user(world, "kt1", "kt1_operator", world.province)


@pytest.fixture
def outsider(world: World) -> Any:
    return _user(world, "outsider", "director", world.other_province)


@pytest.fixture
def client_as(client: Any) -> Any:
    """``client_as(user)`` logs the test client in as that user."""

    def login(user: Any) -> Any:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login


@pytest.fixture
def english(client: Any, settings: Any) -> Any:
    """Messages in English, the source language, in services and pages alike, for tests that
    assert a message's words: they read the same whatever the Vietnamese translation says."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, launched by path (``CHROMIUM`` to change it): Playwright cannot
    download a browser here."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(autouse=True, scope="session")
def _patient_browser_assertions() -> None:
    """Browser assertions wait up to 15 s: CI runs both databases on two loaded cores."""
    try:
        from playwright.sync_api import expect
    except ImportError:  # pragma: no cover - playwright is a dev dependency
        return
    expect.set_options(timeout=15_000)


@pytest.fixture(autouse=True)
def _default_language_after_each_test(settings: Any) -> Any:
    """The language middleware activates the request's language and leaves it active in the
    thread; a test that asked for English must not leave the next one (or a module fixture
    that builds the demo) speaking it."""
    yield
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
