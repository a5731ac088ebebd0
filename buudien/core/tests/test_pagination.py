"""Every paged list of the API refuses an offset past any table as bad input (it failed in
the database with a 500: "bigint out of range" on PostgreSQL, "datatype mismatch" on SQLite)
and still pages as before."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.api import api

pytestmark = pytest.mark.django_db


def _paged_lists() -> list[str]:
    """The GET paths of the OpenAPI document that take ``offset``, without path parameters."""
    schema = api.get_openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None or "{" in path:
            continue
        if any(p.get("name") == "offset" for p in get.get("parameters", [])):
            found.append(path)
    return sorted(found)


def test_every_paged_list_refuses_a_huge_offset(world: Any, director: Any, client_as: Any) -> None:
    paths = _paged_lists()
    assert "/api/network/units" in paths and len(paths) >= 10
    client = client_as(director)
    answers = {path: client.get(path, {"offset": 2**63}).status_code for path in paths}
    assert {path: code for path, code in answers.items() if not 400 <= code < 500} == {}
    assert client.get("/api/network/units", {"offset": 10**12 + 1}).status_code == 422


def test_paging_still_pages(world: Any, director: Any, client_as: Any) -> None:
    client = client_as(director)
    first = client.get("/api/network/points", {"limit": 1}).json()
    second = client.get("/api/network/points", {"limit": 1, "offset": 1}).json()
    assert first["count"] == second["count"] == 2
    assert first["items"][0]["code"] != second["items"][0]["code"]
    assert client.get("/api/network/points", {"limit": 1001}).status_code == 422


def test_a_page_that_is_not_full_counts_without_a_count_query(
    world: Any, director: Any, client_as: Any, django_assert_num_queries: Any
) -> None:
    client = client_as(director)
    client.get("/api/network/points")  # the session and the user read once
    whole = client.get("/api/network/points").json()
    assert whole["count"] == len(whole["items"]) == 2
    last = client.get("/api/network/points", {"limit": 5, "offset": 1}).json()
    assert last["count"] == 2 and len(last["items"]) == 1
    # Past the end the page tells nothing: the count is asked for.
    assert client.get("/api/network/points", {"offset": 7}).json() == {"items": [], "count": 2}
    full = client.get("/api/network/points", {"limit": 2}).json()
    assert full["count"] == 2 and len(full["items"]) == 2
    with django_assert_num_queries(4):  # session, user, unit, the page: no COUNT
        client.get("/api/network/points")
    with django_assert_num_queries(5):  # a full page: the COUNT too
        client.get("/api/network/points", {"limit": 2})
