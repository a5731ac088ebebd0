"""The OpenAPI document is built once per process and language, then served from memory."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from buudien.api import api

pytestmark = pytest.mark.django_db


def test_the_document_is_built_once_per_language(client: Any, monkeypatch: Any) -> None:
    built: list[str] = []
    original = type(api).__mro__[1].get_openapi_schema

    def counting(self: Any, **kwargs: Any) -> Any:
        built.append(translation.get_language() or "")
        return original(self, **kwargs)

    monkeypatch.setattr(type(api).__mro__[1], "get_openapi_schema", counting)
    monkeypatch.setattr(api, "_schemas", {})
    first = client.get("/api/openapi.json")
    second = client.get("/api/openapi.json")
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        english = client.get("/api/openapi.json")

    assert first.status_code == second.status_code == english.status_code == 200
    assert first.json() == second.json()
    assert "/api/press/subscriptions" in first.json()["paths"]
    assert len(built) == 2, built
