"""`buudien serve` is a real production server (gunicorn) that serves pages and static files."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.headers.get("Server", ""), response.read()


def test_serve_runs_gunicorn_with_static_files(tmp_path: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    env.update({"BUUDIEN_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"})
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "buudien", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, server_name, body = _get(f"http://127.0.0.1:{port}/login/")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert status == 200
        assert "gunicorn" in server_name
        assert "Đăng nhập" in body.decode()
        status, _, css = _get(f"http://127.0.0.1:{port}/static/web/buudien.css")
        assert status == 200 and b"--brand" in css
        status, _, js = _get(f"http://127.0.0.1:{port}/static/django_htmx/htmx-2.min.js")
        assert status == 200 and len(js) > 10_000
    finally:
        server.terminate()
        server.wait(timeout=20)
