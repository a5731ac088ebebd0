"""A counter clerk's home: the operations a key away, today's work by service, the drawer and
what waits, in a bounded number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from buudien.mail.tests.factories import ItemFactory, tariffs_for_all_services

pytestmark = pytest.mark.django_db


def test_a_clerk_lands_on_the_counter_of_their_point(
    client_as: Any, clerk_a: Any, world: Any
) -> None:
    tariffs_for_all_services()
    letter = ItemFactory(actor=clerk_a, point=world.point_a, service="registered")
    ItemFactory(actor=clerk_a, point=world.point_a, service="registered")
    page = client_as(clerk_a).get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert world.point_a.name in html
    shortcuts = [s.url for s in page.context["shortcuts"]]
    assert shortcuts[:4] == [
        "/mail/accept/",
        "/collection/",
        "/payouts/",
        "/agency/savings/deposit/",
    ]
    assert "/counter/cancellations/" not in shortcuts  # a supervisor's page, not the clerk's
    assert page.context["shortcuts"][0].key == "1"
    (mail,) = page.context["services"]
    assert (mail.service, mail.operations) == ("registered", 2)
    assert mail.amount == 2 * letter.price_total
    assert page.context["drawer"].closing == 2 * letter.price_total
    assert 'data-testid="drawer-balance"' in html


def test_a_cancelled_operation_is_not_counted_and_the_page_costs_few_queries(
    client_as: Any, clerk_a: Any, world: Any
) -> None:
    from buudien.finance import ledger
    from buudien.finance.models import Entry

    tariffs_for_all_services()
    kept = ItemFactory(actor=clerk_a, point=world.point_a, service="registered")
    gone = ItemFactory(actor=clerk_a, point=world.point_a, service="registered")
    ledger.entry_reverse(
        actor=clerk_a,
        entry=Entry.objects.get(reference__endswith=gone.s10),
        idempotency_key="test:reverse",
        memo="wrong weight",
    )
    client = client_as(clerk_a)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/")
    (mail,) = page.context["services"]
    assert (mail.operations, mail.amount) == (1, kept.price_total)
    assert len(queries) <= 15, [q["sql"][:80] for q in queries]


def test_other_roles_keep_their_own_home(client_as: Any, director: Any) -> None:
    page = client_as(director).get("/")
    assert page.status_code == 200 and "shortcuts" not in page.context
