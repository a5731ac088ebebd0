"""Each person's navigation shows what they may use, and nothing else."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def _links(client: Any, url: str) -> tuple[list[str], list[str]]:
    response = client.get(url)
    assert response.status_code == 200
    main = [item.url for item in response.context["nav_items"]]
    sub = [item.url for item in response.context.get("subnav_items", [])]
    return main, sub


def test_a_clerk_sees_the_counter_but_not_the_ledger_nor_kt1(client_as: Any, clerk_a: Any) -> None:
    main, sub = _links(client_as(clerk_a), "/mail/items/")
    assert "/finance/" not in main and "/admin/" not in main
    assert "/mail/accept/" in sub and "/mail/ops/kt1/" not in sub
    assert "/mail/ops/items/" not in sub


def test_a_director_sees_the_ledger_and_supervision(client_as: Any, director: Any) -> None:
    main, sub = _links(client_as(director), "/mail/items/")
    assert "/finance/" in main
    assert "/mail/ops/items/" in sub and "/mail/ops/counts/" in sub
    assert "/mail/accept/" not in sub and "/mail/ops/kt1/" not in sub


def test_a_kt1_operator_sees_kt1(client_as: Any, kt1_operator: Any) -> None:
    _, sub = _links(client_as(kt1_operator), "/mail/items/")
    assert "/mail/ops/kt1/" in sub


def test_a_citizen_sees_tracking_the_dossier_lookup_and_the_price_calculator(
    client: Any,
) -> None:
    main, sub = _links(client, "/tracking/")
    assert main == ["/tracking/", "/dossiers/lookup/", "/mail/price/"] and sub == []


def test_a_clerk_reaches_the_financial_services_and_a_director_the_plans(
    client_as: Any, clerk_a: Any, director: Any
) -> None:
    main, _ = _links(client_as(clerk_a), "/mail/items/")
    assert "/collection/" in main and "/planning/" not in main
    main, _ = _links(client_as(director), "/mail/items/")
    assert "/finance/" in main and "/planning/" in main and "/collection/" not in main
