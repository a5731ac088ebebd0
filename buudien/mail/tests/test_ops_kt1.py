# ruff: noqa: F811  (fixtures imported from ops_factories are parameters of the tests)
"""The KT1 chain of custody: hand-over, confirmation by the receiving officer, the audit log;
and the secrecy of KT1 items: every other role, and the public, learns nothing, not even
that the item exists."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.models import AuditEntry
from buudien.core.s10 import s10_make
from buudien.mail.choices import ItemStatus, MailService
from buudien.mail.models import CustodyTransfer, PostalItem, TrackingEvent
from buudien.mail.operations import selectors as ops_selectors
from buudien.mail.operations import services as operations
from buudien.mail.tests.ops_factories import (  # noqa: F401
    codes,
    english,
    kt1_b,
    ops_item,
    post_json,
    postman_b,
    superuser,
    tariffs,
)
from buudien.people.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

UNKNOWN = s10_make("KT", 99_999_999)


@pytest.fixture
def secret(world, kt1_operator):
    return ops_item(
        point=world.point_a,
        delivery_point=world.point_b,
        service=MailService.KT1,
        actor=kt1_operator,
    )


# --- hand-over and confirmation ---------------------------------------------------------


def test_a_kt1_item_is_handed_over_and_the_receiver_confirms_it(world, kt1_operator, kt1_b, secret):
    transfer = operations.kt1_handover(
        actor=kt1_operator, item=secret, to_user=kt1_b, note="Niêm phong còn nguyên"
    )
    assert (transfer.from_user, transfer.to_user, transfer.to_point) == (
        kt1_operator,
        kt1_b,
        world.point_b,
    )
    assert transfer.confirmed_at is None
    assert codes(secret) == ["EMA"]  # nothing in the timeline until it is confirmed
    assert ops_selectors.kt1_pending_for(user=kt1_b) == [transfer]

    confirmed = operations.kt1_confirm(actor=kt1_b, transfer=transfer)

    assert confirmed.confirmed_by == kt1_b and confirmed.confirmed_at is not None
    event = TrackingEvent.objects.get(item=secret, code="EMJ")
    assert (event.office_code, event.actor) == ("240002", kt1_b)
    assert event.note == f"KT1 #{transfer.pk}: kt1 → kt1_b"
    secret.refresh_from_db()
    assert secret.status == ItemStatus.IN_TRANSIT
    assert ops_selectors.custodian(secret) == kt1_b
    actions = list(
        AuditEntry.objects.filter(object_id=str(secret.pk))
        .order_by("id")
        .values_list("action", "actor__username")
    )
    assert ("kt1.handover", "kt1") in actions
    assert ("kt1.confirm", "kt1_b") in actions


def test_the_chain_goes_on_from_the_new_holder(world, kt1_operator, kt1_b, secret):
    first = operations.kt1_handover(actor=kt1_operator, item=secret, to_user=kt1_b)
    operations.kt1_confirm(actor=kt1_b, transfer=first)
    with pytest.raises(AccessDenied):
        operations.kt1_handover(actor=kt1_operator, item=secret, to_user=kt1_b)
    back = operations.kt1_handover(actor=kt1_b, item=secret, to_user=kt1_operator)
    operations.kt1_confirm(actor=kt1_operator, transfer=back)
    chain = ops_selectors.custody_chain(secret)
    assert [(t.from_user.username, t.to_user.username) for t in chain] == [
        ("kt1", "kt1_b"),
        ("kt1_b", "kt1"),
    ]


@pytest.mark.parametrize("persona", ["clerk_a", "director", "auditor", "admin_user", "outsider"])
def test_no_other_role_may_hand_over_and_the_item_is_unknown_to_them(
    request, persona, kt1_b, secret
):
    actor = request.getfixturevalue(persona)
    with pytest.raises(NotFound) as caught:
        operations.kt1_handover(actor=actor, item=secret, to_user=kt1_b)
    assert str(caught.value.message) == "No item with this number."
    assert not CustodyTransfer.objects.exists()


def test_a_postman_may_not_hand_over_either(postman_b, kt1_b, secret):
    with pytest.raises(NotFound):
        operations.kt1_handover(actor=postman_b, item=secret, to_user=kt1_b)
    assert not CustodyTransfer.objects.exists()


@pytest.mark.parametrize("receiver", ["clerk_b", "director", "postman_b", "superuser"])
def test_the_receiver_must_be_a_kt1_operator(request, kt1_operator, secret, receiver):
    to_user = request.getfixturevalue(receiver)
    with pytest.raises(AccessDenied) as caught:
        operations.kt1_handover(actor=kt1_operator, item=secret, to_user=to_user)
    assert caught.value.field == "to_user"
    assert not CustodyTransfer.objects.exists()


def test_a_superuser_reads_kt1_items_but_does_not_handle_them(superuser, kt1_b, secret):
    with pytest.raises(AccessDenied):
        operations.kt1_handover(actor=superuser, item=secret, to_user=kt1_b)
    assert not CustodyTransfer.objects.exists()


def test_only_the_receiving_officer_confirms(world, kt1_operator, kt1_b, secret):
    third = UserFactory(username="kt1_c", role="kt1_operator", unit=world.province)
    transfer = operations.kt1_handover(actor=kt1_operator, item=secret, to_user=kt1_b)
    for wrong in (kt1_operator, third):
        with pytest.raises(AccessDenied):
            operations.kt1_confirm(actor=wrong, transfer=transfer)
    transfer.refresh_from_db()
    assert transfer.confirmed_at is None
    assert not TrackingEvent.objects.filter(item=secret, code="EMJ").exists()


@pytest.mark.parametrize("persona", ["clerk_b", "director", "auditor", "admin_user", "outsider"])
def test_confirming_is_unknown_to_other_roles(request, persona, kt1_operator, kt1_b, secret):
    transfer = operations.kt1_handover(actor=kt1_operator, item=secret, to_user=kt1_b)
    with pytest.raises(NotFound):
        operations.kt1_confirm(actor=request.getfixturevalue(persona), transfer=transfer)
    transfer.refresh_from_db()
    assert transfer.confirmed_at is None


def test_a_hand_over_is_confirmed_once(kt1_operator, kt1_b, secret):
    transfer = operations.kt1_handover(actor=kt1_operator, item=secret, to_user=kt1_b)
    operations.kt1_confirm(actor=kt1_b, transfer=transfer)
    with pytest.raises(DomainError):
        operations.kt1_confirm(actor=kt1_b, transfer=transfer)
    assert TrackingEvent.objects.filter(item=secret, code="EMJ").count() == 1


def test_an_item_has_one_pending_hand_over(world, kt1_operator, kt1_b, secret):
    third = UserFactory(username="kt1_c", role="kt1_operator", unit=world.province)
    operations.kt1_handover(actor=kt1_operator, item=secret, to_user=kt1_b)
    with pytest.raises(DomainError) as caught:
        operations.kt1_handover(actor=kt1_operator, item=secret, to_user=third)
    assert "has not confirmed" in str(caught.value.message)
    assert CustodyTransfer.objects.count() == 1


def test_only_kt1_items_have_a_chain_of_custody(world, kt1_operator, kt1_b, tariffs):
    letter = ops_item(point=world.point_a)
    with pytest.raises(NotFound):
        operations.kt1_handover(actor=kt1_operator, item=letter, to_user=kt1_b)
    assert not CustodyTransfer.objects.exists()


# --- secrecy: pages and API answer for a KT1 item exactly as for an unknown number --------

OTHER_ROLES = ["clerk_a", "clerk_b", "director", "auditor", "admin_user", "outsider", "postman_b"]


def _same(response, s10):
    """The response with what differs between two requests blanked: the number asked
    about and the CSRF token of the page."""
    body = response.content.decode().replace(s10, "S10")
    body = re.sub(r'"X-CSRFToken": "[^"]+"', "", body)
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    location = response.headers.get("Location", "").replace(s10, "S10")
    return response.status_code, location, body


def _pages(s10):
    return [
        reverse("mailops:supervisor_item", args=[s10]),
        reverse("mailops:kt1_item", args=[s10]),
    ]


def _api_gets(s10):
    return [f"/api/mail/ops/items/{s10}", f"/api/mail/ops/kt1/items/{s10}"]


@pytest.mark.parametrize("persona", [*OTHER_ROLES, None])
def test_kt1_pages_and_api_answer_as_for_an_unknown_number(
    request, client, client_as, persona, secret, tariffs
):
    if persona is not None:
        client_as(request.getfixturevalue(persona))
    before = AuditEntry.objects.count()
    for secret_url, unknown_url in zip(
        _pages(secret.s10) + _api_gets(secret.s10),
        _pages(UNKNOWN) + _api_gets(UNKNOWN),
        strict=True,
    ):
        asked = client.get(secret_url)
        unknown = client.get(unknown_url)
        assert asked.status_code in (302, 401, 403, 404), secret_url
        assert _same(asked, secret.s10) == _same(unknown, UNKNOWN), secret_url
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("persona", [*OTHER_ROLES, None])
def test_kt1_actions_through_the_api_answer_as_for_an_unknown_number(
    request, client, client_as, persona, secret, kt1_operator, kt1_b
):
    transfer = operations.kt1_handover(actor=kt1_operator, item=secret, to_user=kt1_b)
    if persona is not None:
        client_as(request.getfixturevalue(persona))
    asked = post_json(
        client, "/api/mail/ops/kt1/handovers", {"s10": secret.s10, "to_username": "kt1_b"}
    )
    unknown = post_json(
        client, "/api/mail/ops/kt1/handovers", {"s10": UNKNOWN, "to_username": "kt1_b"}
    )
    assert _same(asked, secret.s10) == _same(unknown, UNKNOWN)
    confirm = post_json(client, f"/api/mail/ops/kt1/handovers/{transfer.pk}/confirm")
    nobody = post_json(client, "/api/mail/ops/kt1/handovers/999999/confirm")
    assert (confirm.status_code, confirm.content) == (nobody.status_code, nobody.content)
    assert confirm.status_code in (401, 404)
    transfer.refresh_from_db()
    assert transfer.confirmed_at is None
    assert CustodyTransfer.objects.count() == 1


@pytest.mark.parametrize("persona", ["director", "auditor", "admin_user", "outsider"])
def test_supervisor_lists_and_counts_leave_kt1_items_out(
    request, client_as, persona, secret, world, tariffs
):
    ops_item(point=world.point_a, delivery_point=world.point_b)
    user = request.getfixturevalue(persona)
    listed = ops_selectors.supervisor_items(user=user)
    assert secret not in listed
    assert not listed.filter(service=MailService.KT1).exists()
    counts = ops_selectors.daily_counts(user=user, day=secret.accepted_on)
    assert all(row.service != MailService.KT1 for row in counts)
    client = client_as(user)
    page = client.get(reverse("mailops:supervisor_items"), {"q": secret.s10})
    assert reverse("mailops:supervisor_item", args=[secret.s10]) not in page.content.decode()
    assert page.context["total"] == 0
    everything = client.get(reverse("mailops:supervisor_items"))
    assert everything.context["total"] == (0 if persona == "outsider" else 1)
    assert secret.s10 not in everything.content.decode()
    api = client.get("/api/mail/ops/items", {"service": "kt1"})
    assert api.json()["count"] == 0 and api.json()["items"] == []
    table = client.get("/api/mail/ops/daily-counts", {"day": secret.accepted_on.isoformat()})
    assert "kt1" not in {row["service"] for row in table.json()["rows"]}


@pytest.mark.parametrize("persona", [*OTHER_ROLES, None])
def test_kt1_pages_show_nothing_to_other_roles(request, client, client_as, persona, secret):
    if persona is not None:
        client_as(request.getfixturevalue(persona))
    response = client.get(reverse("mailops:kt1_home"))
    assert secret.s10 not in response.content.decode()
    assert response.status_code in (302, 403)


def test_every_view_of_a_kt1_item_is_audited(client_as, kt1_operator, kt1_b, secret, world):
    client = client_as(kt1_operator)
    assert client.get(reverse("mailops:kt1_item", args=[secret.s10])).status_code == 200
    assert client.get(f"/api/mail/ops/kt1/items/{secret.s10}").status_code == 200
    assert secret.s10 in client.get(reverse("mailops:kt1_home")).content.decode()
    views = AuditEntry.objects.filter(action="kt1.view", object_id=str(secret.pk))
    assert list(views.order_by("id").values_list("actor__username", "after")) == [
        ("kt1", {"via": "kt1_item"}),
        ("kt1", {"via": "kt1_item"}),
        ("kt1", {"via": "kt1_list"}),
    ]


def test_a_superuser_sees_kt1_items_and_every_view_is_audited(client_as, superuser, secret):
    client = client_as(superuser)
    page = client.get(reverse("mailops:supervisor_item", args=[secret.s10]))
    assert page.status_code == 200 and secret.s10 in page.content.decode()
    listing = client.get("/api/mail/ops/items", {"service": "kt1"})
    assert [row["s10"] for row in listing.json()["items"]] == [secret.s10]
    assert list(
        AuditEntry.objects.filter(action="kt1.view").order_by("id").values_list("after", flat=True)
    ) == [{"via": "supervisor_item"}, {"via": "supervisor_list"}]


def test_kt1_hand_over_and_confirmation_through_the_api(client_as, kt1_operator, kt1_b, secret):
    client = client_as(kt1_operator)
    given = post_json(
        client,
        "/api/mail/ops/kt1/handovers",
        {"s10": secret.s10, "to_username": "kt1_b", "note": "Hộp niêm phong"},
    )
    assert given.status_code == 201, given.content
    body = given.json()
    assert (body["s10"], body["from_user"], body["to_user"], body["confirmed_at"]) == (
        secret.s10,
        "kt1",
        "kt1_b",
        None,
    )
    refused = post_json(client, f"/api/mail/ops/kt1/handovers/{body['id']}/confirm")
    assert refused.status_code == 403
    client = client_as(kt1_b)
    confirmed = post_json(client, f"/api/mail/ops/kt1/handovers/{body['id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_by"] == "kt1_b"
    custody = client.get(f"/api/mail/ops/kt1/items/{secret.s10}").json()
    assert custody["custodian"] == "kt1_b"
    assert [t["to_user"] for t in custody["transfers"]] == ["kt1_b"]
    assert [e["code"] for e in custody["events"]] == ["EMA", "EMJ"]


def test_kt1_hand_over_and_confirmation_through_the_pages(client_as, kt1_operator, kt1_b, secret):
    client = client_as(kt1_operator)
    response = client.post(
        reverse("mailops:kt1_handover", args=[secret.s10]), {"to_user": kt1_b.pk, "note": ""}
    )
    assert response.status_code == 302
    transfer = CustodyTransfer.objects.get()
    client = client_as(kt1_b)
    home = client.get(reverse("mailops:kt1_home")).content.decode()
    assert secret.s10 in home and reverse("mailops:kt1_confirm", args=[transfer.pk]) in home
    assert client.post(reverse("mailops:kt1_confirm", args=[transfer.pk])).status_code == 302
    transfer.refresh_from_db()
    assert transfer.confirmed_by == kt1_b
    assert PostalItem.objects.get(pk=secret.pk).last_event_code == "EMJ"


def test_a_page_of_kt1_items_read_is_audited_in_one_insert(client_as, kt1_operator, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _n in range(12):
        ops_item(point=world.point_a, service=MailService.KT1, actor=kt1_operator)
    client = client_as(kt1_operator)
    with CaptureQueriesContext(connection) as seen:
        assert client.get(reverse("mailops:kt1_home")).status_code == 200
    inserts = [
        q["sql"] for q in seen.captured_queries if "INSERT" in q["sql"] and "audit" in q["sql"]
    ]
    assert len(inserts) == 1
    assert AuditEntry.objects.filter(action="kt1.view", after={"via": "kt1_list"}).count() == 12


def test_no_hand_over_is_offered_while_one_waits_for_its_confirmation(
    client_as, kt1_operator, kt1_b, secret, english
):
    client = client_as(kt1_operator)
    url = reverse("mailops:kt1_item", args=[secret.s10])
    assert 'data-testid="handover-form"' in client.get(url).content.decode()

    operations.kt1_handover(actor=kt1_operator, item=secret, to_user=kt1_b, note="")
    page = client.get(url).content.decode()

    assert 'data-testid="handover-form"' not in page
    assert 'data-testid="handover-waiting"' in page and "Waiting for the receiver" in page


# --- a pending hand-over withdrawn by its giver ------------------------------------------


def _third(world):
    return UserFactory(username="kt1_c", role="kt1_operator", unit=world.province)


def test_the_giver_withdraws_a_pending_hand_over_and_the_item_stays_with_them(
    world, kt1_operator, kt1_b, secret
):
    transfer = operations.kt1_handover(actor=kt1_operator, item=secret, to_user=kt1_b)
    withdrawn = operations.kt1_handover_cancel(actor=kt1_operator, transfer=transfer)

    transfer.refresh_from_db()
    assert transfer.cancelled_by == kt1_operator and transfer.cancelled_at is not None
    assert transfer.confirmed_at is None and withdrawn.cancelled_at == transfer.cancelled_at
    assert ops_selectors.pending_handover(secret) is None
    assert ops_selectors.custodian(secret) == kt1_operator
    assert ops_selectors.kt1_pending_for(user=kt1_b) == []
    assert codes(secret) == ["EMA"]  # a hand-over never confirmed leaves no event
    entry = AuditEntry.objects.get(action="kt1.handover_cancel")
    assert (entry.actor, entry.after["from"], entry.after["to"]) == (kt1_operator, "kt1", "kt1_b")
    with pytest.raises(DomainError) as caught:
        operations.kt1_confirm(actor=kt1_b, transfer=transfer)
    assert "withdrew this hand-over" in str(caught.value.message)
    again = operations.kt1_handover(actor=kt1_operator, item=secret, to_user=_third(world))
    assert ops_selectors.pending_handover(secret) == again


def test_only_the_giver_withdraws_a_hand_over(world, kt1_operator, kt1_b, secret):
    transfer = operations.kt1_handover(actor=kt1_operator, item=secret, to_user=kt1_b)
    for wrong in (kt1_b, _third(world)):
        with pytest.raises(AccessDenied):
            operations.kt1_handover_cancel(actor=wrong, transfer=transfer)
    transfer.refresh_from_db()
    assert transfer.is_pending
    assert not AuditEntry.objects.filter(action="kt1.handover_cancel").exists()


@pytest.mark.parametrize("persona", ["clerk_b", "director", "auditor", "admin_user", "outsider"])
def test_withdrawing_is_unknown_to_other_roles(request, persona, kt1_operator, kt1_b, secret):
    transfer = operations.kt1_handover(actor=kt1_operator, item=secret, to_user=kt1_b)
    with pytest.raises(NotFound):
        operations.kt1_handover_cancel(actor=request.getfixturevalue(persona), transfer=transfer)
    transfer.refresh_from_db()
    assert transfer.is_pending


def test_a_confirmed_or_withdrawn_hand_over_is_not_withdrawn(kt1_operator, kt1_b, secret):
    transfer = operations.kt1_handover(actor=kt1_operator, item=secret, to_user=kt1_b)
    operations.kt1_confirm(actor=kt1_b, transfer=transfer)
    with pytest.raises(DomainError) as caught:
        operations.kt1_handover_cancel(actor=kt1_operator, transfer=transfer)
    assert str(caught.value.message) == f"{kt1_b} has already confirmed receiving the item."
    transfer.refresh_from_db()
    assert transfer.cancelled_at is None

    back = operations.kt1_handover(actor=kt1_b, item=secret, to_user=kt1_operator)
    operations.kt1_handover_cancel(actor=kt1_b, transfer=back)
    with pytest.raises(DomainError):
        operations.kt1_handover_cancel(actor=kt1_b, transfer=back)
    assert AuditEntry.objects.filter(action="kt1.handover_cancel").count() == 1


def test_a_hand_over_is_withdrawn_through_the_api(client_as, kt1_operator, kt1_b, secret):
    transfer = operations.kt1_handover(actor=kt1_operator, item=secret, to_user=kt1_b)
    url = f"/api/mail/ops/kt1/handovers/{transfer.pk}"
    assert post_json(client_as(kt1_b), f"{url}/cancel").status_code == 403
    withdrawn = post_json(client_as(kt1_operator), f"{url}/cancel")
    assert withdrawn.status_code == 200, withdrawn.content
    assert withdrawn.json()["cancelled_by"] == "kt1" and withdrawn.json()["confirmed_at"] is None
    refused = post_json(client_as(kt1_b), f"{url}/confirm")
    assert refused.status_code == 400
    assert refused.json()["detail"] == (
        f"{kt1_operator} withdrew this hand-over: the item stayed with them."
    )
    custody = client_as(kt1_operator).get(f"/api/mail/ops/kt1/items/{secret.s10}").json()
    assert custody["custodian"] == "kt1"
    assert [t["cancelled_by"] for t in custody["transfers"]] == ["kt1"]


def test_the_item_page_shows_the_pending_hand_over_and_what_each_officer_may_do(
    client_as, world, kt1_operator, kt1_b, secret
):
    transfer = operations.kt1_handover(
        actor=kt1_operator, item=secret, to_user=kt1_b, note="Hộp niêm phong"
    )
    url = reverse("mailops:kt1_item", args=[secret.s10])
    withdraw = reverse("mailops:kt1_cancel", args=[transfer.pk])
    confirm = reverse("mailops:kt1_confirm", args=[transfer.pk])

    giver = client_as(kt1_operator).get(url).content.decode()
    assert 'data-testid="handover-form"' not in giver
    assert 'data-testid="handover-to"' in giver and f"{kt1_b} · 240002" in giver
    assert "Hộp niêm phong" in giver
    assert withdraw in giver and confirm not in giver

    receiver = client_as(kt1_b).get(url).content.decode()
    assert confirm in receiver and withdraw not in receiver
    assert 'data-testid="handover-form"' not in receiver

    other = client_as(_third(world)).get(url).content.decode()
    assert f"No other hand-over until {kt1_b} confirms" in other
    assert confirm not in other and withdraw not in other
    assert 'data-testid="handover-form"' not in other


def test_the_kt1_home_lists_the_officers_own_hand_overs_to_withdraw(
    client_as, kt1_operator, kt1_b, secret
):
    transfer = operations.kt1_handover(actor=kt1_operator, item=secret, to_user=kt1_b)
    client = client_as(kt1_operator)
    home = client.get(reverse("mailops:kt1_home")).content.decode()
    handed = home.split('data-testid="kt1-handed"')[1].split("</table>")[0]
    assert secret.s10 in handed and str(kt1_b) in handed
    assert reverse("mailops:kt1_cancel", args=[transfer.pk]) in handed

    answer = client.post(reverse("mailops:kt1_cancel", args=[transfer.pk]), follow=True)
    page = answer.content.decode()
    assert "Hand-over withdrawn: the item stays in your custody." in page
    assert 'data-testid="handover-form"' in page  # it may be handed over again
    transfer.refresh_from_db()
    assert transfer.cancelled_by == kt1_operator


def test_no_hand_over_is_offered_for_an_item_held_by_another_or_delivered(
    client_as, world, kt1_operator, kt1_b, secret
):
    transfer = operations.kt1_handover(actor=kt1_operator, item=secret, to_user=kt1_b)
    operations.kt1_confirm(actor=kt1_b, transfer=transfer)
    url = reverse("mailops:kt1_item", args=[secret.s10])
    page = client_as(kt1_operator).get(url).content.decode()
    assert 'data-testid="handover-form"' not in page
    assert f"Held by {kt1_b}: only they hand it over." in page
    PostalItem.objects.filter(pk=secret.pk).update(status=ItemStatus.DELIVERED)
    page = client_as(kt1_b).get(url).content.decode()
    assert 'data-testid="handover-form"' not in page
