"""Signing in, in a real browser: the login page filled and sent as a person does (Enter)."""

from __future__ import annotations

from typing import Any

from buudien.people.tests.factories import PASSWORD


def log_in(
    page: Any, base_url: str, username: str, password: str = PASSWORD, *, language: str = ""
) -> None:
    """Sign ``username`` in (a fresh session, in ``language`` when given) and wait for the
    page it lands on."""
    page.context.clear_cookies()
    if language:
        page.context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
