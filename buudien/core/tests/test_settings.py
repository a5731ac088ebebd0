"""The settings come from the environment; production variables pass `check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "DEBUG",
            "SECRET_KEY",
            "HTTPS",
            "ALLOWED_HOSTS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    clean.update(
        {"BUUDIEN_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "buudien.settings", **env}
    )
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_it_passes_check_deploy_with_production_variables(tmp_path):
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        DEBUG="0",
        HTTPS="1",
        ALLOWED_HOSTS="buudien.langson.vnpost.vn",
        SECRET_KEY="k" * 10 + "x7#Zq9!pL2@vB5^nM8&cR4*tY6(uW1)eD3-fG0_hJ" + "s" * 20,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_keeps_a_generated_secret_key_in_the_data_dir(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = _run(["-c", f"import django; django.setup(); {code}"], tmp_path)
    second = _run(["-c", f"import django; django.setup(); {code}"], tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and len(first.stdout.strip()) > 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_it_defaults_to_sqlite_in_wal_mode_with_immediate_transactions(tmp_path):
    code = (
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0], "
        "connection.settings_dict['NAME'], connection.transaction_mode)"
    )
    result = _run(["-c", f"import django; django.setup(); {code}"], tmp_path)
    assert result.returncode == 0, result.stderr
    mode, name, transaction_mode = result.stdout.split()
    assert mode == "wal" and name == str(tmp_path / "buudien.sqlite3")
    assert transaction_mode == "IMMEDIATE"


def test_the_console_script_runs_management_commands(tmp_path):
    result = _run(["-m", "buudien", "help"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "migrate" in result.stdout
