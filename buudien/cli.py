"""The ``buudien`` console script (also ``python -m buudien``).

``serve`` runs the production WSGI server (gunicorn), ``demo`` builds the demo province and
serves it, and every other word is a Django management command (``import``, ``export``,
``migrate``, ``createsuperuser`` ...).
"""

from __future__ import annotations

import os
import sys
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buudien.settings")
    import django

    django.setup()


def serve(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="buudien serve", description="Serve buudien (gunicorn).")
    parser.add_argument("--bind", default=os.environ.get("BUUDIEN_BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "4")))
    parser.add_argument("--no-migrate", action="store_true", help="do not apply migrations first")
    args = parser.parse_args(argv)

    _setup()
    from django.core.management import call_command

    if not args.no_migrate:
        call_command("migrate", interactive=False, verbosity=0)

    from gunicorn.app.base import BaseApplication

    from buudien.wsgi import application

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", args.bind)
            self.cfg.set("workers", args.workers)
            self.cfg.set("threads", args.threads)
            self.cfg.set("accesslog", "-")
            self.cfg.set("timeout", 120)

        def load(self) -> Any:
            return application

    print(f"buudien: serving at http://{args.bind}/", flush=True)
    Server().run()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buudien.settings")
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
