"""The amount in words that the money input shows as it is typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_amount_typed_comes_back_in_words(client_as: Any, clerk_a: Any) -> None:
    client = client_as(clerk_a)
    url = reverse("counter:words")
    assert client.get(url, {"amount": "1.500.000"}).content.decode() == (
        "Một triệu năm trăm nghìn đồng"
    )
    assert client.get(url, {"amount_requested": "2 000 000 ₫"}).content.decode() == (
        "Hai triệu đồng"
    )
    for not_yet in ["", "0", "abc", "9" * 20]:
        answer = client.get(url, {"amount": not_yet})
        assert (answer.status_code, answer.content) == (200, b"")


def test_only_a_signed_in_user_asks(client: Any) -> None:
    assert client.get(reverse("counter:words"), {"amount": "1000"}).status_code == 302
