"""The OpenAPI document is built once per process and language, then served from memory."""

from __future__ import annotations

from collections.abc import Iterator
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


def _bodies() -> Iterator[tuple[str, str, Any]]:
    """(schema, field, annotation) of every field of every request body of the API, nested
    schemas included."""
    import pydantic
    from ninja.params.models import BodyModel

    seen: set[type] = set()

    def walk(model: type[pydantic.BaseModel]) -> Iterator[tuple[str, str, Any]]:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            yield model.__qualname__, name, info
            for inner in (info.annotation, *getattr(info.annotation, "__args__", ())):
                if isinstance(inner, type) and issubclass(inner, pydantic.BaseModel):
                    yield from walk(inner)

    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                for model in operation.models:
                    if issubclass(model, BodyModel):
                        yield from walk(model)


def test_every_number_in_a_request_body_is_a_json_integer() -> None:
    """An amount (and every other whole number) of a request is a JSON integer: ``true``,
    ``"1000"`` and ``1000.0`` are refused, not read as 1, 1000 and 1000."""
    lax = [
        f"{schema}.{name}"
        for schema, name, info in _bodies()
        if int in (info.annotation, *getattr(info.annotation, "__args__", ()))
        and not any(getattr(meta, "strict", False) for meta in info.metadata)
    ]
    assert lax == []


def test_an_amount_that_is_not_a_json_integer_changes_nothing(client_as: Any, clerk_a: Any) -> None:
    from buudien.finance.models import Entry

    client = client_as(clerk_a)
    for amount in (True, "100000", 100000.0):
        answer = client.post(
            "/api/telecom/topups",
            {"phone": "0912345678", "amount": amount, "idempotency_key": f"k{amount!r}"},
            content_type="application/json",
        )
        assert answer.status_code == 422, answer.content
    assert not Entry.objects.exists()
