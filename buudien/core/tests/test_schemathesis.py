"""Schemathesis over the whole OpenAPI document, as an administrator and as a counter clerk:
a few generated requests per operation (bounded, derandomized), each sent as both, and not one
server error."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

pytestmark = pytest.mark.django_db

EXAMPLES = 4


@pytest.fixture(autouse=True)
def _connections_kept() -> Any:
    """The WSGI app is called in this test's transaction, as Django's test client does: the
    signals that close connections around each request are held off meanwhile."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _server_errors(*users: Any) -> dict[str, list[str]]:
    """The cases that got a server error, by user: each generated case is sent as each user
    (drawing the cases took as long as sending them)."""
    import schemathesis

    from buudien.people.services import api_token_create
    from buudien.wsgi import application

    keys = {
        user.username: api_token_create(actor=None, user=user, name="schemathesis")[1]
        for user in users
    }
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    failures: dict[str, list[str]] = {username: [] for username in keys}
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            for username, key in keys.items():
                response = case.call(headers={"Authorization": f"Bearer {key}"})
                if response.status_code >= 500:
                    failures[username].append(
                        f"{case.operation.label} {case.path_parameters} {case.query} "
                        f"{case.body!r:.120}"
                    )

        run()
    return failures


def test_no_server_error_for_an_administrator_nor_a_clerk(admin_user: Any, clerk_a: Any) -> None:
    failures = _server_errors(admin_user, clerk_a)
    assert failures == {admin_user.username: [], clerk_a.username: []}, "\n".join(
        f"{username}: {failure}" for username, listed in failures.items() for failure in listed
    )


def test_what_it_found_answers_4xx(client_as: Any, admin_user: Any) -> None:
    """A year beyond any integer column and a province of control characters (500s found by
    this test) are refused in the user's language."""
    client = client_as(admin_user)
    year = client.get("/api/people/income", {"year": 10**40})
    assert year.status_code == 400 and "2000" in year.json()["detail"]
    sheet = client.get("/api/collection/reconciliation.xlsx", {"province": "5\x013y"})
    assert sheet.status_code == 404


def test_a_nul_character_is_refused_on_postgresql(
    client_as: Any, admin_user: Any, world: Any
) -> None:
    """PostgreSQL cannot store NUL: the text is refused with a 400 in the user's language and
    nothing is written (SQLite stores it as any other character)."""
    import json

    from django.db import connection

    from buudien.network.models import Unit

    if connection.vendor != "postgresql":
        pytest.skip("SQLite stores the NUL character")
    answer = client_as(admin_user).post(
        "/api/network/units",
        data=json.dumps(
            {"code": "UNUL", "name": "Tổ\u0000A", "kind": "commune", "parent_code": "UA"}
        ),
        content_type="application/json",
    )
    assert answer.status_code == 400 and "NUL" in answer.json()["detail"]
    assert not Unit.objects.filter(code="UNUL").exists()
