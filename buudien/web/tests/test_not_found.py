"""A path that matches nothing answers JSON under /api/ and a page elsewhere."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/tracking/..%2F", "/api/tracking/", "/api/nothing/here"])
def test_an_unknown_api_path_answers_json(client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Không tìm thấy."}


def test_an_unknown_page_answers_html(client: Any) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
