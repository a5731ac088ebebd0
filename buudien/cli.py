"""The ``buudien`` console script (also ``python -m buudien``).

``serve`` runs the production WSGI server (gunicorn), ``demo`` builds the demo province and
serves it, and every other word is a Django management command (``import``, ``export``,
``migrate``, ``createsuperuser`` ...).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buudien.settings")
    import django

    django.setup()


# What a gunicorn worker found of the master's database state when it was forked: kept here,
# never closed. Its sockets belong to the master (closing a psycopg connection would end the
# master's session), and an inherited pool's finalizer would wait on threads that did not fork.
_INHERITED: list[Any] = []


def close_database_connections() -> None:
    """Close this process's database connections and Django's psycopg pools (before a fork).

    A connection or a pool must not cross a fork: the children would share one session (and
    its prepared statements, its transaction, its answers), and the pool's threads do not
    survive. The next query opens a new connection, and a new pool.
    """
    from django.db import connections

    connections.close_all()
    for conn in connections.all():
        # PostgreSQL's wrapper keeps its pools in a class-wide dict, made on first use: close
        # the ones that exist (asking ``conn.pool`` would make one only to close it).
        pools = getattr(conn, "_connection_pools", None)
        close_pool = getattr(conn, "close_pool", None)
        if pools and conn.alias in pools and close_pool is not None:
            close_pool()


def forget_inherited_connections() -> None:
    """In a forked child: drop, without closing, any connection or pool it inherited.

    Each alias gets a new, unconnected wrapper on its next use, and each psycopg pool is made
    anew, with its own connections and threads, in this process.
    """
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        _INHERITED.append(conn)
        del connections[conn.alias]
    for conn in connections.all():
        pools = getattr(conn, "_connection_pools", None)
        if pools:
            _INHERITED.extend(pools.values())
            pools.clear()


def _post_fork(server: Any, worker: Any) -> None:
    forget_inherited_connections()


def serve(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="buudien serve", description="Serve buudien (gunicorn).")
    parser.add_argument("--bind", default=os.environ.get("BUUDIEN_BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))
    parser.add_argument("--no-migrate", action="store_true", help="do not apply migrations first")
    parser.add_argument(
        "--task-workers",
        type=int,
        default=int(os.environ.get("BUUDIEN_TASK_WORKERS", "1")),
        help="workers of the background queue started beside the server (0: none)",
    )
    args = parser.parse_args(argv)

    _setup()
    from django.core.management import call_command

    if not args.no_migrate:
        call_command("migrate", interactive=False, verbosity=0)
    # Gunicorn forks its workers from this process: nothing of the database may go with them
    # (after ``migrate`` here, or ``buudien demo`` before). Each worker opens its own pool.
    close_database_connections()

    from gunicorn.app.base import BaseApplication

    from buudien.wsgi import application

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", args.bind)
            self.cfg.set("workers", args.workers)
            self.cfg.set("threads", args.threads)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 120)
            self.cfg.set("post_fork", _post_fork)

        def load(self) -> Any:
            return application

    print(f"buudien: serving at http://{args.bind}/", flush=True)
    workers = TaskWorkers(args.task_workers)
    try:
        Server().run()
    finally:
        workers.stop()
    return 0


class TaskWorkers:
    """The background queue's workers (``db_worker`` of django-tasks-db), each a process of
    its own beside gunicorn's: started with the server, started again if one ends, stopped
    with the server. None when the tasks run in the request (``BUUDIEN_TASKS=immediate``)."""

    def __init__(self, count: int) -> None:
        from django.conf import settings

        self._stopping = threading.Event()
        self._procs: list[subprocess.Popen[bytes]] = []
        backend = settings.TASKS["default"]["BACKEND"]
        if count <= 0 or not backend.startswith("django_tasks_db."):
            return
        self._command = [sys.executable, "-m", "buudien", "db_worker", "--queue-name", "*"]
        self._command += ["--no-reload", "--interval", "1", "-v", "1"]
        for index in range(count):
            self._procs.append(self._start())
            threading.Thread(target=self._watch, args=(index,), daemon=True).start()
        print(f"buudien: {count} background worker(s) started", flush=True)

    def _start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(self._command)

    def _watch(self, index: int) -> None:
        while not self._stopping.is_set():
            code = self._procs[index].wait()
            if self._stopping.is_set():
                return
            print(f"buudien: background worker ended ({code}); starting it again", flush=True)
            time.sleep(1)
            if not self._stopping.is_set():
                self._procs[index] = self._start()

    def stop(self) -> None:
        self._stopping.set()
        for proc in self._procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self._procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def main(argv: list[str] | None = None) -> int:
    """The console script; a database out of reach is one line on stderr and exit code 2,
    not a traceback."""
    try:
        return _main(argv)
    except Exception as exc:
        from django.db import InterfaceError, OperationalError

        if not isinstance(exc, (OperationalError, InterfaceError)):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"buudien: the database cannot be reached ({first})", file=sys.stderr)
        return 2


def _main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buudien.settings")
    if args[:1] != ["serve"]:
        # A command says in one line that the database is out of reach (``main``); the
        # pool's retries need not each print theirs. The server keeps them in its log.
        logging.getLogger("psycopg.pool").setLevel(logging.CRITICAL)
    if args[:1] == ["serve"]:
        return serve(args[1:])
    if args[:1] == ["demo"]:
        serve_after = "--no-serve" not in args
        rest = [a for a in args[1:] if a != "--no-serve"]
        from django.core.management import execute_from_command_line

        execute_from_command_line(["buudien", "demo", *rest])
        if serve_after:
            return serve(["--no-migrate"])
        return 0
    from django.core.management import execute_from_command_line

    execute_from_command_line(["buudien", *args])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
