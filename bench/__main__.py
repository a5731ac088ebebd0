"""`make bench`: every benchmark, each printing ours against the raw baseline in one run.

Each benchmark runs in its own process per database (SQLite in a scratch data dir, and the
local PostgreSQL when it answers), because Django's settings are fixed per process.

    python -m bench                          # all of them, on both databases
    python -m bench tracking_ingest          # some of them (names without "bench.")
    python -m bench tracking_ingest --db sqlite
    python -m bench year_report --full --db postgresql
    BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/h_mail python -m bench tracking_ingest

Sizes come from each benchmark's environment variables (BENCH_EVENTS for tracking_ingest);
the defaults run in minutes, ``--full`` runs year_report at its goal's size (10M postings).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

BENCHMARKS = [
    "bench.network_search",
    "bench.ledger_posting",
    "bench.tracking_ingest",
    "bench.tracking_lookup",
    "bench.dossier_lookup",
    "bench.goods_sale",
    "bench.press_allocation",
    "bench.year_report",
    "bench.counter_http",
]
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/buudien_bench")


def _postgres_ready() -> bool:
    try:
        import psycopg

        admin = PG_URL.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            name = PG_URL.rsplit("/", 1)[1]
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{name}"')
        return True
    except Exception as exc:
        print(f"PostgreSQL not reachable ({exc}); SQLite only.")
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    names = [module.removeprefix("bench.") for module in BENCHMARKS]
    parser.add_argument("names", nargs="*", metavar="NAME", help=", ".join(names))
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--full",
        action="store_true",
        help="the sizes of the goals (year_report: 10M postings on PostgreSQL, 2M on SQLite)",
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(names))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(names)}")
    modules = [f"bench.{name}" for name in args.names] or BENCHMARKS
    targets: list[tuple[str, str | None]] = []
    if args.db != "postgresql":
        targets.append(("sqlite", None))
    if args.db != "sqlite" and _postgres_ready():
        targets.append(("postgresql", PG_URL))
    failed = 0
    for module in modules:
        for label, url in targets:
            with tempfile.TemporaryDirectory() as data_dir:
                env = {**os.environ, "BUUDIEN_DATA_DIR": data_dir, "BENCH_DB_LABEL": label}
                if args.full:
                    env["BENCH_FULL"] = "1"
                env.pop("DATABASE_URL", None)
                if url:
                    env["DATABASE_URL"] = url
                result = subprocess.run([sys.executable, "-m", module], env=env, check=False)
                failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
