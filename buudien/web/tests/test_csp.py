"""A Content-Security-Policy on every page: scripts only from the site's own files. No
template carries an inline script or handler, and the pages a clerk, a director and a
postman use run in a real browser without one violation, the language switch included."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import buudien
from buudien.people.tests.factories import PASSWORD

# An inline script (a <script> without src, data blocks aside) or an inline handler.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|\son[a-z]+=|\shx-on[:-]", re.I
)


@pytest.mark.django_db
def test_every_answer_carries_the_policy(client) -> None:
    policy = client.get("/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


def test_no_template_has_an_inline_script_or_handler() -> None:
    found = [
        f"{path.relative_to(Path(buudien.__file__).parent)}: {match.group(0).strip()}"
        for path in Path(buudien.__file__).parent.rglob("*.html")
        for match in INLINE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_pages_run_without_a_policy_violation(
    live_server: Any, page: Any, world: Any, clerk_a: Any
) -> None:
    expect = pytest.importorskip("playwright.sync_api").expect
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", clerk_a.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    for path in ("/goods/sale/", "/payouts/", "/agency/", "/cashdesk/", "/"):
        page.goto(f"{live_server.url}{path}")
    # The language switch submits its form from the static script.
    page.select_option("select[name=language]", "en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert refused == []
