# ruff: noqa: F811  (fixtures imported from ops_factories are parameters of the tests)
"""The pages of mail operations: bags with their manifest (printable and PDF), the postman's
round on a phone, the round start page; htmx partials; refusals shown on the page."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.urls import reverse

from buudien.mail.choices import EventCode
from buudien.mail.models import Bag, BagItem, DeliveryAttempt, DeliveryRound
from buudien.mail.operations.choices import AttemptOutcome, BagStatus
from buudien.mail.tests.money import posted
from buudien.mail.tests.ops_factories import (  # noqa: F401
    BLANK_PAD,
    SIGNED,
    codes,
    english,
    ops_item,
    postman_b,
    tariffs,
)
from buudien.mail.tracking.services import event_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PNG = SIGNED


def _arrived_at_b(world, clerk_b, **fields):
    item = ops_item(point=world.point_a, delivery_point=world.point_b, **fields)
    event_record(
        actor=clerk_b,
        item=item,
        code=EventCode.EMG,
        point=world.point_b,
        at=dt.datetime(2026, 3, 3, 7, 0),
    )
    return item


def test_a_clerk_fills_a_bag_on_the_page_and_prints_its_manifest(
    world, clerk_a, client_as, tariffs
):
    item = ops_item(point=world.point_a, delivery_point=world.point_b, cod_amount=45_000)
    client = client_as(clerk_a)
    listing = client.get(reverse("mailops:bags"))
    assert listing.status_code == 200

    created = client.post(
        reverse("mailops:bags"), {"origin": world.point_a.pk, "destination": world.point_b.pk}
    )
    bag = Bag.objects.get()
    assert created.headers["Location"] == reverse("mailops:bag", args=[bag.code])

    scanned = client.post(
        reverse("mailops:bag_scan", args=[bag.code]), {"s10": item.s10}, HTTP_HX_REQUEST="true"
    )
    body = scanned.content.decode()
    assert "<html" not in body and item.s10 in body and "45.000" in body
    wrong = client.post(
        reverse("mailops:bag_scan", args=[bag.code]), {"s10": item.s10}, HTTP_HX_REQUEST="true"
    )
    assert "already in this bag" in wrong.content.decode()
    # The same scan sent without htmx (before the page's script took the form): the whole
    # page, with the refusal where htmx shows it.
    plain = client.post(reverse("mailops:bag_scan", args=[bag.code]), {"s10": item.s10})
    assert plain.status_code == 400
    assert (
        "<html" in plain.content.decode() and 'data-testid="scan-error"' in plain.content.decode()
    )
    assert BagItem.objects.count() == 1

    page = client.get(reverse("mailops:bag", args=[bag.code])).content.decode()
    assert 'data-testid="bag-close"' in page
    client.post(reverse("mailops:bag_step", args=[bag.code, "close"]))
    client.post(reverse("mailops:bag_step", args=[bag.code, "dispatch"]))
    bag.refresh_from_db()
    assert bag.status == BagStatus.DISPATCHED

    printable = client.get(reverse("mailops:bag_manifest", args=[bag.code]))
    assert printable.status_code == 200 and item.s10 in printable.content.decode()
    assert "data-print" in printable.content.decode()
    pdf = client.get(reverse("mailops:bag_manifest_pdf", args=[bag.code]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert f'filename="{bag.code}.pdf"' in pdf["Content-Disposition"]


def test_the_destination_receives_and_opens_the_bag_on_the_page(
    world, clerk_a, clerk_b, client_as, tariffs
):
    from buudien.mail.operations import services as operations

    inside = ops_item(point=world.point_a, delivery_point=world.point_b)
    lost = ops_item(point=world.point_a, delivery_point=world.point_b)
    bag = operations.bag_open(actor=clerk_a, origin=world.point_a, destination=world.point_b)
    operations.bag_add_item(actor=clerk_a, bag=bag, item=inside)
    operations.bag_add_item(actor=clerk_a, bag=bag, item=lost)
    operations.bag_close(actor=clerk_a, bag=bag)
    operations.bag_dispatch(actor=clerk_a, bag=bag)

    client = client_as(clerk_b)
    page = client.get(reverse("mailops:bag", args=[bag.code])).content.decode()
    assert 'data-testid="bag-receive"' in page and 'data-testid="bag-close"' not in page
    client.post(reverse("mailops:bag_step", args=[bag.code, "receive"]))
    response = client.post(
        reverse("mailops:bag_open", args=[bag.code]),
        {"scanned": f"{inside.s10}\nRR000000000VN"},
        follow=True,
    )
    body = response.content.decode()
    assert "1 missing, 1 not on the manifest" in body
    assert 'data-testid="bag-report"' in body and lost.s10 in body and "RR000000000VN" in body
    assert codes(inside) == ["EMA", "EMC", "EMD", "EMG"]


def test_a_refused_step_is_a_message_on_the_page_and_changes_nothing(
    world, clerk_a, client_as, tariffs
):
    from buudien.mail.operations import services as operations

    bag = operations.bag_open(actor=clerk_a, origin=world.point_a, destination=world.point_b)
    response = client_as(clerk_a).post(
        reverse("mailops:bag_step", args=[bag.code, "close"]), follow=True
    )
    assert "An empty bag cannot be closed" in response.content.decode()
    bag.refresh_from_db()
    assert bag.status == BagStatus.OPEN


def test_another_provinces_bag_is_not_found(world, clerk_a, outsider, client_as):
    from buudien.mail.operations import services as operations

    bag = operations.bag_open(actor=clerk_a, origin=world.point_a, destination=world.point_b)
    client = client_as(outsider)
    for name in ("mailops:bag", "mailops:bag_manifest", "mailops:bag_manifest_pdf"):
        assert client.get(reverse(name, args=[bag.code])).status_code == 404
    assert (
        client.post(reverse("mailops:bag_scan", args=[bag.code]), {"s10": "x"}).status_code == 404
    )


def test_a_clerk_starts_a_round_from_the_items_waiting_at_the_office(
    world, clerk_b, postman_b, client_as, tariffs
):
    waiting = [_arrived_at_b(world, clerk_b) for _ in range(3)]
    ops_item(point=world.point_a, delivery_point=world.point_b)  # still at A: not listed
    client = client_as(clerk_b)
    page = client.get(reverse("mailops:round_start"))
    assert {item.s10 for item in page.context["ready"]} == {item.s10 for item in waiting}
    response = client.post(
        reverse("mailops:round_start"),
        {"point": "240002", "postman": postman_b.pk, "items": [waiting[0].s10, waiting[2].s10]},
    )
    delivery_round = DeliveryRound.objects.get()
    assert response.headers["Location"] == reverse("mailops:round", args=[delivery_round.pk])
    assert sorted(delivery_round.attempts.values_list("item__s10", flat=True)) == sorted(
        [waiting[0].s10, waiting[2].s10]
    )


def test_the_postman_delivers_and_fails_items_on_the_phone_page(
    world, clerk_b, postman_b, client_as, tariffs
):
    from buudien.mail.operations import services as operations

    cod = _arrived_at_b(world, clerk_b, cod_amount=99_000)
    absent = _arrived_at_b(world, clerk_b)
    delivery_round = operations.round_start(
        actor=clerk_b, postman=postman_b, point=world.point_b, items=[cod, absent]
    )
    client = client_as(postman_b)
    assert client.get(reverse("mailops:rounds")).headers["Location"] == reverse(
        "mailops:round", args=[delivery_round.pk]
    )
    page = client.get(reverse("mailops:round", args=[delivery_round.pk])).content.decode()
    assert 'name="viewport"' in page and "canvas" in page
    assert page.count('data-testid="deliver-open"') == 2
    assert "99.000" in page

    attempt = DeliveryAttempt.objects.get(item=cod)
    short = client.post(
        reverse("mailops:attempt_deliver", args=[attempt.pk]),
        {"recipient_name": "An", "cod_collected": "9000", "signature": PNG},
        HTTP_HX_REQUEST="true",
    )
    assert 'data-testid="attempt-error"' in short.content.decode()
    done = client.post(
        reverse("mailops:attempt_deliver", args=[attempt.pk]),
        {"recipient_name": "An", "cod_collected": "99000", "signature": PNG},
        HTTP_HX_REQUEST="true",
    )
    assert "<html" not in done.content.decode()
    attempt.refresh_from_db()
    assert attempt.outcome == AttemptOutcome.DELIVERED and attempt.signature == PNG
    assert posted(attempt.item, "cod_collected").cod == 99_000

    close_early = client.post(reverse("mailops:round_close", args=[delivery_round.pk]), follow=True)
    assert absent.s10 in close_early.content.decode()

    failed = client.post(
        reverse("mailops:attempt_fail", args=[DeliveryAttempt.objects.get(item=absent).pk]),
        {"reason": "absent", "action": "retry", "note": ""},
    )
    assert failed.status_code == 302
    client.post(reverse("mailops:round_close", args=[delivery_round.pk]))
    delivery_round.refresh_from_db()
    assert delivery_round.status == "closed"


def test_a_photo_is_uploaded_with_the_delivery(
    world, clerk_b, postman_b, client_as, tariffs, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from buudien.mail.operations import services as operations

    settings.MEDIA_ROOT = tmp_path
    item = _arrived_at_b(world, clerk_b)
    delivery_round = operations.round_start(
        actor=clerk_b, postman=postman_b, point=world.point_b, items=[item]
    )
    attempt = delivery_round.attempts.get()
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 64
    client_as(postman_b).post(
        reverse("mailops:attempt_deliver", args=[attempt.pk]),
        {
            "recipient_name": "An",
            "cod_collected": "0",
            "photo": SimpleUploadedFile("cửa nhà.jpg", jpeg, content_type="image/jpeg"),
        },
    )
    attempt.refresh_from_db()
    assert attempt.photo.name.endswith(".jpg")
    assert (tmp_path / attempt.photo.name).read_bytes() == jpeg


def test_rounds_and_attempts_of_others_are_not_found(world, clerk_b, postman_b, clerk_a, client_as):
    from buudien.mail.operations import services as operations

    item = _arrived_at_b(world, clerk_b)
    delivery_round = operations.round_start(
        actor=clerk_b, postman=postman_b, point=world.point_b, items=[item]
    )
    attempt = delivery_round.attempts.get()
    client = client_as(clerk_a)
    assert client.get(reverse("mailops:round", args=[delivery_round.pk])).status_code == 404
    assert (
        client.post(
            reverse("mailops:attempt_deliver", args=[attempt.pk]), {"recipient_name": "X"}
        ).status_code
        == 404
    )
    for bad in ("abc", "0", "9" * 40, "-3"):
        assert client.get(reverse("mailops:round", args=[bad])).status_code == 404
    attempt.refresh_from_db()
    assert attempt.outcome == "pending"


def test_the_signature_in_the_form_must_be_a_png(world, clerk_b, postman_b, client_as, tariffs):
    from buudien.mail.operations import services as operations

    item = _arrived_at_b(world, clerk_b)
    delivery_round = operations.round_start(
        actor=clerk_b, postman=postman_b, point=world.point_b, items=[item]
    )
    attempt = delivery_round.attempts.get()
    fake = "data:image/png;base64," + base64.b64encode(b"<svg/>").decode()
    response = client_as(postman_b).post(
        reverse("mailops:attempt_deliver", args=[attempt.pk]),
        {"recipient_name": "An", "cod_collected": "0", "signature": fake},
        HTTP_HX_REQUEST="true",
    )
    assert "The signature is not a PNG image." in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.outcome == "pending"


def test_the_home_page_of_operations(client_as, director):
    page = client_as(director).get(reverse("mailops:home"))
    assert page.status_code == 200
    assert reverse("mailops:daily_counts") in page.content.decode()


def test_the_phone_asks_for_a_proof_and_refuses_a_blank_pad(
    world, clerk_b, postman_b, client_as, tariffs
):
    from buudien.mail.operations import services as operations

    parcel = _arrived_at_b(world, clerk_b, service="parcel")
    letter = _arrived_at_b(world, clerk_b, service="ordinary")
    delivery_round = operations.round_start(
        actor=clerk_b, postman=postman_b, point=world.point_b, items=[parcel, letter]
    )
    client = client_as(postman_b)
    page = client.get(reverse("mailops:round", args=[delivery_round.pk])).content.decode()
    assert page.count('data-testid="proof-needed"') == 1  # the parcel's, not the letter's

    attempt = DeliveryAttempt.objects.get(item=parcel)
    answer = client.post(
        reverse("mailops:attempt_deliver", args=[attempt.pk]),
        {"recipient_name": "An", "cod_collected": "0", "signature": BLANK_PAD},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'data-testid="attempt-error"' in answer
    assert f"{parcel.s10} is delivered against a proof" in answer
    attempt.refresh_from_db()
    assert attempt.outcome == AttemptOutcome.PENDING
