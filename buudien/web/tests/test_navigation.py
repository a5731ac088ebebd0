"""Each person's navigation shows what they may use, and nothing else."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.web.tests.walk import person, walk

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


ROLES = [
    ("director", "province", None),
    ("accountant", "province", None),
    ("auditor", "province", None),
    ("admin", "province", None),
    ("kt1_operator", "province", None),
    ("hcc_officer", "province", None),
    ("care_officer", "province", None),
    ("hr_officer", "province", None),
    ("clerk", "unit_a", "point_a"),
    ("postman", "unit_a", "point_a"),
]


@pytest.mark.parametrize(("role", "unit", "point"), ROLES, ids=[r[0] for r in ROLES])
def test_every_link_a_role_is_shown_opens(
    client_as: Any, world: Any, role: str, unit: str, point: str | None
) -> None:
    """From the home page, every link of every page a role reaches (menus, sub-menus, the
    links in the pages) answers the page, never a 403 or a 404: a person is shown only what
    they may open."""
    user = person(world, role, unit, point, username=f"nav_{role}")
    pages = list(walk(client_as(user)))
    status = {page.url: page.response.status_code for page in pages}
    found_on = {page.url: page.linked_from for page in pages}
    assert len(status) > 20, f"{role} reaches only {sorted(status)}"
    refused = {url: (code, found_on.get(url)) for url, code in status.items() if code != 200}
    assert not refused, f"{role} is shown links that do not open (status, linked from): {refused}"


def test_a_postman_and_a_kt1_operator_start_on_their_own_work(
    client_as: Any, world: Any, kt1_operator: Any
) -> None:
    from buudien.people.tests.factories import UserFactory

    postman = UserFactory(username="pm", role="postman", unit=world.unit_a, point=world.point_a)
    assert client_as(postman).get("/")["Location"] == "/mail/ops/rounds/"
    assert client_as(kt1_operator).get("/")["Location"] == "/mail/ops/kt1/"


def test_a_unit_outside_the_scope_is_named_not_linked(
    client_as: Any, world: Any, clerk_b: Any
) -> None:
    """Commune posts of 2025 replaced district posts: the one a user's unit took over from
    may lie outside their subtree, and its page would answer 404."""
    import datetime as dt

    from buudien.network.models import UnitSuccession

    UnitSuccession.objects.create(
        predecessor=world.unit_a,
        successor=world.unit_b,
        share_bp=10_000,
        effective_on=dt.date(2025, 7, 1),
    )
    html = client_as(clerk_b).get(f"/network/units/{world.unit_b.code}/").content.decode()
    assert world.unit_a.name in html
    assert f'href="/network/units/{world.unit_a.code}/"' not in html
    assert client_as(clerk_b).get(f"/network/units/{world.unit_a.code}/").status_code == 404


def test_the_press_round_is_offered_only_to_who_confirms_it_at_a_point(
    client_as: Any, world: Any, clerk_b: Any, director: Any
) -> None:
    from buudien.mail.choices import EventCode
    from buudien.mail.operations import services as operations
    from buudien.mail.tests.ops_factories import ops_item
    from buudien.mail.tracking.services import event_record
    from buudien.people.tests.factories import UserFactory

    postman = UserFactory(username="pm_b", role="postman", unit=world.unit_b, point=world.point_b)
    adrift = UserFactory(username="pm_x", role="postman", unit=world.unit_b, point=None)
    item = ops_item(point=world.point_a, delivery_point=world.point_b)
    event_record(actor=clerk_b, item=item, code=EventCode.EMG, point=world.point_b)
    started = operations.round_start(
        actor=clerk_b, postman=postman, point=world.point_b, items=[item]
    )
    url = f"/mail/ops/rounds/{started.pk}/"
    assert 'data-testid="press-round"' in client_as(postman).get(url).content.decode()
    assert 'data-testid="press-round"' not in client_as(director).get(url).content.decode()
    menu = [i.url for i in client_as(adrift).get("/mail/items/").context["subnav_items"]]
    assert "/press/round/" not in menu  # a postman without a point has no round to confirm
