# ruff: noqa: F811  (fixtures imported from ops_factories are parameters of the tests)
"""Delivery rounds: start with the items at the office, deliver (with COD booked once), fail
with a reason and an action, return after the allowed attempts, close."""

from __future__ import annotations

import base64
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.finance.models import Entry
from buudien.mail.choices import EventCode, ItemStatus, MailService
from buudien.mail.models import DeliveryAttempt, DeliveryRound, PostalItem, TrackingEvent
from buudien.mail.operations import services as operations
from buudien.mail.operations.choices import AttemptOutcome, RoundStatus
from buudien.mail.tests.money import posted, posted_count
from buudien.mail.tests.ops_factories import (  # noqa: F401
    BLANK_PAD,
    SIGNED,
    centre,
    codes,
    english,
    ops_item,
    postman_a,
    postman_b,
    tariffs,
)
from buudien.mail.tracking.services import event_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

ARRIVED = dt.datetime(2026, 3, 3, 7, 0)


def _at_b(world, clerk_b, **fields):
    """An item accepted at A that arrived at B, its delivery office."""
    item = ops_item(point=world.point_a, delivery_point=world.point_b, **fields)
    event_record(actor=clerk_b, item=item, code=EventCode.EMG, point=world.point_b, at=ARRIVED)
    item.refresh_from_db()
    return item


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def _signature() -> str:
    return SIGNED


def _start(world, clerk_b, postman_b, items):
    return operations.round_start(
        actor=clerk_b, postman=postman_b, point=world.point_b, items=items
    )


# --- the whole way --------------------------------------------------------------------------


def test_a_postman_delivers_a_cod_item_and_the_cod_becomes_money_owed_to_the_sender(
    world, clerk_b, postman_b, tariffs, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    item = _at_b(world, clerk_b, cod_amount=150_000)
    plain = _at_b(world, clerk_b)

    delivery_round = _start(world, clerk_b, postman_b, [item, plain])
    assert delivery_round.status == RoundStatus.OPEN
    item.refresh_from_db()
    assert item.status == ItemStatus.OUT_FOR_DELIVERY
    assert codes(item) == ["EMA", "EMG", "EDG"]

    attempt = DeliveryAttempt.objects.get(round=delivery_round, item=item)
    photo = SimpleUploadedFile("door.png", _png(), content_type="image/png")
    done = operations.attempt_deliver(
        actor=postman_b,
        attempt=attempt,
        recipient_name="  Nguyễn Văn An ",
        signature=_signature(),
        photo=photo,
        cod_collected=150_000,
    )

    assert done.outcome == AttemptOutcome.DELIVERED
    assert done.recipient_name == "Nguyễn Văn An"
    assert done.signature.startswith("data:image/png;base64,")
    stored = DeliveryAttempt.objects.get(pk=attempt.pk)
    assert stored.photo.name.startswith("delivery/") and stored.photo.name.endswith(".png")
    assert (tmp_path / stored.photo.name).read_bytes() == _png()
    item.refresh_from_db()
    assert item.status == ItemStatus.DELIVERED
    emi = TrackingEvent.objects.get(item=item, code="EMI")
    assert (emi.recipient_name, emi.office_code, emi.actor) == (
        "Nguyễn Văn An",
        "240002",
        postman_b,
    )
    cod = posted(item, "cod_collected")
    assert (cod.cod, cod.drawer, cod.point, cod.service) == (
        150_000,
        150_000,
        world.point_b,
        "registered",
    )

    plain_attempt = DeliveryAttempt.objects.get(round=delivery_round, item=plain)
    operations.attempt_fail(actor=postman_b, attempt=plain_attempt, reason="absent", action="retry")
    closed = operations.round_close(actor=postman_b, delivery_round=delivery_round)
    assert closed.status == RoundStatus.CLOSED and closed.closed_by == postman_b
    plain.refresh_from_db()
    assert plain.status == ItemStatus.DELIVERY_FAILED


def test_delivering_twice_is_refused_and_the_cod_is_booked_once(world, clerk_b, postman_b, tariffs):
    item = _at_b(world, clerk_b, cod_amount=80_000)
    delivery_round = _start(world, clerk_b, postman_b, [item])
    attempt = DeliveryAttempt.objects.get(round=delivery_round)
    operations.attempt_deliver(
        actor=postman_b,
        attempt=attempt,
        recipient_name="An",
        cod_collected=80_000,
        signature=_signature(),
    )
    with pytest.raises(DomainError) as caught:
        operations.attempt_deliver(
            actor=postman_b, attempt=attempt, recipient_name="An", cod_collected=80_000
        )
    assert caught.value.field == "outcome"
    with pytest.raises(DomainError):
        operations.attempt_fail(actor=postman_b, attempt=attempt, reason="absent", action="hold")
    assert posted_count(item, "cod_collected") == 1
    assert TrackingEvent.objects.filter(item=item, code="EMI").count() == 1
    assert TrackingEvent.objects.filter(item=item, code="EMH").count() == 0


@pytest.mark.parametrize("collected", [0, 79_999, 80_001, -80_000])
def test_a_wrong_cod_amount_is_refused_and_changes_nothing(
    world, clerk_b, postman_b, tariffs, collected
):
    item = _at_b(world, clerk_b, cod_amount=80_000)
    delivery_round = _start(world, clerk_b, postman_b, [item])
    attempt = DeliveryAttempt.objects.get(round=delivery_round)
    with pytest.raises(DomainError) as caught:
        operations.attempt_deliver(
            actor=postman_b, attempt=attempt, recipient_name="An", cod_collected=collected
        )
    assert caught.value.field == "cod_collected"
    assert "80.000" in str(caught.value.message)
    attempt.refresh_from_db()
    item.refresh_from_db()
    assert attempt.outcome == AttemptOutcome.PENDING
    assert item.status == ItemStatus.OUT_FOR_DELIVERY
    assert not Entry.objects.filter(kind="cod_collected").exists()


def test_cod_on_an_item_without_cod_is_refused(world, clerk_b, postman_b, tariffs):
    item = _at_b(world, clerk_b)
    delivery_round = _start(world, clerk_b, postman_b, [item])
    attempt = DeliveryAttempt.objects.get(round=delivery_round)
    with pytest.raises(DomainError):
        operations.attempt_deliver(
            actor=postman_b, attempt=attempt, recipient_name="An", cod_collected=1_000
        )
    assert DeliveryAttempt.objects.get(pk=attempt.pk).outcome == AttemptOutcome.PENDING


def test_a_delivery_needs_the_name_of_who_received_it(world, clerk_b, postman_b, tariffs):
    item = _at_b(world, clerk_b)
    attempt = DeliveryAttempt.objects.get(round=_start(world, clerk_b, postman_b, [item]))
    with pytest.raises(DomainError) as caught:
        operations.attempt_deliver(actor=postman_b, attempt=attempt, recipient_name="  ")
    assert caught.value.field == "recipient_name"


@pytest.mark.parametrize(
    "signature",
    [
        "data:image/jpeg;base64,AAAA",
        "data:image/png;base64,not base64!",
        "data:image/png;base64," + base64.b64encode(b"GIF89a....").decode(),
        "x" * 500_000,
    ],
)
def test_a_signature_that_is_not_a_png_is_refused(world, clerk_b, postman_b, tariffs, signature):
    item = _at_b(world, clerk_b)
    attempt = DeliveryAttempt.objects.get(round=_start(world, clerk_b, postman_b, [item]))
    with pytest.raises(DomainError) as caught:
        operations.attempt_deliver(
            actor=postman_b, attempt=attempt, recipient_name="An", signature=signature
        )
    assert caught.value.field == "signature"
    assert DeliveryAttempt.objects.get(pk=attempt.pk).outcome == AttemptOutcome.PENDING


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_stored(
    world, clerk_b, postman_b, tariffs, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    item = _at_b(world, clerk_b)
    attempt = DeliveryAttempt.objects.get(round=_start(world, clerk_b, postman_b, [item]))
    with pytest.raises(DomainError) as caught:
        operations.attempt_deliver(
            actor=postman_b,
            attempt=attempt,
            recipient_name="An",
            photo=SimpleUploadedFile("x.png", b"#!/bin/sh\n", content_type="image/png"),
        )
    assert caught.value.field == "photo"
    assert list(tmp_path.iterdir()) == []


def test_after_the_allowed_attempts_the_item_must_be_held_or_returned(
    world, clerk_b, postman_b, tariffs
):
    item = _at_b(world, clerk_b)
    first = _start(world, clerk_b, postman_b, [item])
    operations.attempt_fail(
        actor=postman_b,
        attempt=DeliveryAttempt.objects.get(round=first),
        reason="absent",
        action="retry",
    )
    operations.round_close(actor=postman_b, delivery_round=first)

    second = _start(world, clerk_b, postman_b, [item])
    attempt = DeliveryAttempt.objects.get(round=second)
    with pytest.raises(DomainError) as caught:
        operations.attempt_fail(actor=postman_b, attempt=attempt, reason="absent", action="retry")
    assert caught.value.field == "action"
    assert "2 of 2" in str(caught.value.message)
    assert DeliveryAttempt.objects.get(pk=attempt.pk).outcome == AttemptOutcome.PENDING

    returned = operations.attempt_fail(
        actor=postman_b, attempt=attempt, reason="absent", action="return", note="2 lần vắng"
    )
    assert returned.outcome == AttemptOutcome.RETURNED
    item.refresh_from_db()
    assert item.status == ItemStatus.RETURNING and item.returning
    emh = TrackingEvent.objects.filter(item=item, code="EMH").last()
    assert (emh.reason, emh.action, emh.note) == ("absent", "return", "2 lần vắng")


def test_a_held_item_goes_out_again_and_an_exhausted_one_does_not(
    world, clerk_b, postman_b, tariffs
):
    held = _at_b(world, clerk_b)
    exhausted = _at_b(world, clerk_b)
    for _ in range(2):
        event_record(
            actor=clerk_b,
            item=exhausted,
            code=EventCode.EMH,
            point=world.point_b,
            reason="absent",
            action="retry",
            at=ARRIVED + dt.timedelta(hours=1),
        )
    event_record(
        actor=clerk_b,
        item=held,
        code=EventCode.EMH,
        point=world.point_b,
        reason="absent",
        action="hold",
        at=ARRIVED + dt.timedelta(hours=1),
    )
    with pytest.raises(DomainError) as caught:
        _start(world, clerk_b, postman_b, [held, exhausted])
    assert caught.value.errors == {
        "items": [f"{exhausted.s10} has had its 2 delivery attempts: hold it or return it."]
    }
    assert not DeliveryRound.objects.exists()
    delivery_round = _start(world, clerk_b, postman_b, [held])
    assert delivery_round.attempts.count() == 1


def test_a_round_with_pending_items_cannot_be_closed_and_they_are_named(
    world, clerk_b, postman_b, tariffs
):
    first, second, third = (_at_b(world, clerk_b) for _ in range(3))
    delivery_round = _start(world, clerk_b, postman_b, [first, second, third])
    operations.attempt_deliver(
        actor=postman_b,
        attempt=DeliveryAttempt.objects.get(round=delivery_round, item=first),
        recipient_name="An",
        signature=_signature(),
    )
    with pytest.raises(DomainError) as caught:
        operations.round_close(actor=postman_b, delivery_round=delivery_round)
    assert caught.value.errors == {"attempts": [second.s10, third.s10]}
    assert second.s10 in str(caught.value.message)
    delivery_round.refresh_from_db()
    assert delivery_round.status == RoundStatus.OPEN and delivery_round.closed_at is None


def test_a_returning_item_is_delivered_back_without_cod(world, clerk_a, clerk_b, postman_a):
    item = ops_item(point=world.point_a, delivery_point=world.point_b, cod_amount=50_000)
    event_record(actor=clerk_b, item=item, code="EMG", point=world.point_b, at=ARRIVED)
    event_record(
        actor=clerk_b,
        item=item,
        code="EMH",
        point=world.point_b,
        reason="refused",
        action="return",
        at=ARRIVED + dt.timedelta(hours=2),
    )
    event_record(
        actor=clerk_a, item=item, code="EMG", point=world.point_a, at=ARRIVED + dt.timedelta(1)
    )
    delivery_round = operations.round_start(
        actor=clerk_a, postman=postman_a, point=world.point_a, items=[item]
    )
    with pytest.raises(DomainError):
        operations.attempt_deliver(
            actor=postman_a,
            attempt=delivery_round.attempts.get(),
            recipient_name="Bình",
            cod_collected=50_000,
        )
    operations.attempt_deliver(
        actor=postman_a,
        attempt=delivery_round.attempts.get(),
        recipient_name="Bình",
        signature=_signature(),
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.RETURNED
    assert not Entry.objects.filter(kind="cod_collected").exists()


def test_local_mail_accepted_at_the_delivering_office_goes_out_directly(
    world, clerk_b, postman_b, tariffs
):
    item = ops_item(point=world.point_b, delivery_point=world.point_b)
    delivery_round = _start(world, clerk_b, postman_b, [item])
    item.refresh_from_db()
    assert codes(item) == ["EMA", "EDG"] and delivery_round.attempts.count() == 1


# --- refusals that change nothing -------------------------------------------------------


def test_items_not_at_the_office_are_refused_one_by_one(world, clerk_b, postman_b, tariffs):
    ready = _at_b(world, clerk_b)
    elsewhere = ops_item(point=world.point_a, delivery_point=world.point_b)
    with pytest.raises(DomainError) as caught:
        _start(world, clerk_b, postman_b, [ready, elsewhere])
    assert caught.value.errors == {"items": [f"{elsewhere.s10} is accepted."]}
    assert not DeliveryRound.objects.exists()
    assert codes(ready) == ["EMA", "EMG"]


def test_an_item_on_a_round_cannot_go_on_another(world, clerk_b, postman_b, tariffs):
    from buudien.people.tests.factories import UserFactory

    other = UserFactory(role="postman", unit=world.unit_b, point=world.point_b)
    item = _at_b(world, clerk_b)
    _start(world, clerk_b, postman_b, [item])
    with pytest.raises(DomainError) as caught:
        operations.round_start(actor=clerk_b, postman=other, point=world.point_b, items=[item])
    assert "out for delivery" in str(caught.value.message)
    assert DeliveryRound.objects.count() == 1


def test_a_postman_has_one_open_round(world, clerk_b, postman_b, tariffs):
    _start(world, clerk_b, postman_b, [_at_b(world, clerk_b)])
    with pytest.raises(DomainError) as caught:
        _start(world, clerk_b, postman_b, [_at_b(world, clerk_b)])
    assert caught.value.field == "postman"
    assert DeliveryRound.objects.count() == 1


def test_a_postman_starts_only_their_own_round_at_their_own_office(
    world, clerk_a, clerk_b, postman_a, postman_b, tariffs
):
    item = _at_b(world, clerk_b)
    with pytest.raises(AccessDenied):
        operations.round_start(
            actor=postman_a, postman=postman_b, point=world.point_b, items=[item]
        )
    with pytest.raises(AccessDenied):
        operations.round_start(actor=clerk_a, postman=postman_b, point=world.point_b, items=[item])
    with pytest.raises(DomainError) as caught:
        operations.round_start(actor=clerk_b, postman=postman_a, point=world.point_b, items=[item])
    assert caught.value.field == "postman"
    with pytest.raises(DomainError):
        operations.round_start(actor=clerk_b, postman=clerk_b, point=world.point_b, items=[item])
    assert not DeliveryRound.objects.exists()


def test_another_postman_cannot_record_on_my_round(world, clerk_b, postman_b, tariffs):
    from buudien.people.tests.factories import UserFactory

    other = UserFactory(role="postman", unit=world.unit_b, point=world.point_b)
    item = _at_b(world, clerk_b)
    attempt = DeliveryAttempt.objects.get(round=_start(world, clerk_b, postman_b, [item]))
    with pytest.raises(NotFound):
        operations.attempt_deliver(actor=other, attempt=attempt, recipient_name="An")
    assert DeliveryAttempt.objects.get(pk=attempt.pk).outcome == AttemptOutcome.PENDING


def test_a_kt1_item_never_goes_out_on_a_round(world, clerk_b, postman_b, kt1_operator):
    secret = ops_item(point=world.point_a, delivery_point=world.point_b, service=MailService.KT1)
    event_record(actor=kt1_operator, item=secret, code="EMG", point=world.point_b, at=ARRIVED)
    with pytest.raises(NotFound) as caught:
        _start(world, clerk_b, postman_b, [secret])
    assert str(caught.value.message) == "No item with this number."
    assert not DeliveryRound.objects.exists()


def test_a_failure_needs_a_known_reason_and_action(world, clerk_b, postman_b, tariffs):
    item = _at_b(world, clerk_b)
    attempt = DeliveryAttempt.objects.get(round=_start(world, clerk_b, postman_b, [item]))
    with pytest.raises(DomainError) as caught:
        operations.attempt_fail(actor=postman_b, attempt=attempt, reason="bored", action="retry")
    assert caught.value.field == "reason"
    with pytest.raises(DomainError) as caught:
        operations.attempt_fail(actor=postman_b, attempt=attempt, reason="absent", action="burn")
    assert caught.value.field == "action"
    assert TrackingEvent.objects.filter(item=item, code="EMH").count() == 0


def test_nothing_is_recorded_on_a_closed_round(world, clerk_b, postman_b, tariffs):
    item = _at_b(world, clerk_b)
    delivery_round = _start(world, clerk_b, postman_b, [item])
    attempt = delivery_round.attempts.get()
    operations.attempt_fail(actor=postman_b, attempt=attempt, reason="absent", action="retry")
    operations.round_close(actor=postman_b, delivery_round=delivery_round)
    with pytest.raises(DomainError):
        operations.round_close(actor=postman_b, delivery_round=delivery_round)
    with pytest.raises(DomainError):
        operations.attempt_deliver(actor=postman_b, attempt=attempt, recipient_name="An")
    assert TrackingEvent.objects.filter(item=item, code="EMI").count() == 0


def test_the_attempt_limit_is_a_setting_per_service(world, clerk_b, postman_b, monkeypatch):
    monkeypatch.setitem(operations.MAX_ATTEMPTS, MailService.REGISTERED, 1)
    item = _at_b(world, clerk_b)
    attempt = DeliveryAttempt.objects.get(round=_start(world, clerk_b, postman_b, [item]))
    with pytest.raises(DomainError):
        operations.attempt_fail(actor=postman_b, attempt=attempt, reason="absent", action="retry")
    operations.attempt_fail(actor=postman_b, attempt=attempt, reason="absent", action="hold")
    item.refresh_from_db()
    assert item.status == ItemStatus.HELD


def test_a_round_cannot_start_before_the_last_scan_of_its_items(world, clerk_b, postman_b, tariffs):
    item = _at_b(world, clerk_b)
    with pytest.raises(DomainError) as caught:
        operations.round_start(
            actor=clerk_b,
            postman=postman_b,
            point=world.point_b,
            items=[item],
            at=ARRIVED - dt.timedelta(hours=1),
        )
    assert caught.value.errors == {
        "items": [f"{item.s10} was scanned after the start of the round."]
    }
    assert not DeliveryRound.objects.exists()


def test_the_items_waiting_at_the_office_leave_out_those_already_taken(
    world, clerk_b, postman_b, kt1_operator, tariffs
):
    from buudien.mail.operations import selectors as ops_selectors

    waiting = _at_b(world, clerk_b)
    taken = _at_b(world, clerk_b)
    bagged = _at_b(world, clerk_b)
    secret = ops_item(point=world.point_a, delivery_point=world.point_b, service=MailService.KT1)
    event_record(actor=kt1_operator, item=secret, code="EMG", point=world.point_b, at=ARRIVED)
    ops_item(point=world.point_a, delivery_point=world.point_b)  # still at A
    _start(world, clerk_b, postman_b, [taken])
    bag = operations.bag_open(actor=clerk_b, origin=world.point_b, destination=world.point_a)
    operations.bag_add_item(actor=clerk_b, bag=bag, item=bagged)
    ready = ops_selectors.items_ready_for_round(user=clerk_b, point=world.point_b)
    assert ready == [waiting]
    assert ops_selectors.items_ready_for_round(user=postman_b, point=world.point_a) == []


def test_a_registered_or_cod_item_is_not_delivered_without_a_proof(
    world, clerk_b, postman_b, tariffs
):
    item = _at_b(world, clerk_b, cod_amount=80_000)
    delivery_round = _start(world, clerk_b, postman_b, [item])
    attempt = DeliveryAttempt.objects.get(round=delivery_round)
    with pytest.raises(DomainError) as caught:
        operations.attempt_deliver(
            actor=postman_b, attempt=attempt, recipient_name="An", cod_collected=80_000
        )
    assert caught.value.field == "signature"
    attempt.refresh_from_db()
    assert attempt.outcome == "pending"
    assert not Entry.objects.filter(kind="cod_collected").exists()
    done = operations.attempt_deliver(
        actor=postman_b,
        attempt=attempt,
        recipient_name="An",
        cod_collected=80_000,
        signature=_signature(),
    )
    assert done.outcome == "delivered"


def _out_from_b(world, clerk_b, postman_b, **fields):
    """An item of B out on postman B's round, and its attempt."""
    item = _at_b(world, clerk_b, **fields)
    delivery_round = _start(world, clerk_b, postman_b, [item])
    return item, DeliveryAttempt.objects.get(round=delivery_round)


def test_a_blank_pad_is_no_signature_and_nothing_changes(world, clerk_b, postman_b, tariffs):
    # The pad touched without drawing (a tap, a scroll on the phone) sends a blank image.
    item, attempt = _out_from_b(world, clerk_b, postman_b)
    with pytest.raises(DomainError) as caught:
        operations.attempt_deliver(
            actor=postman_b, attempt=attempt, recipient_name="An", signature=BLANK_PAD
        )
    assert caught.value.field == "signature"
    assert str(caught.value.message) == (
        f"{item.s10} is delivered against a proof: the recipient's signature on the phone "
        "or a photo of the hand-over."
    )
    attempt.refresh_from_db()
    item.refresh_from_db()
    assert (attempt.outcome, attempt.signature, item.status) == ("pending", "", "out_for_delivery")
    assert not TrackingEvent.objects.filter(item=item, code="EMI").exists()


def test_an_ordinary_letter_is_delivered_without_a_proof_and_a_blank_pad_is_not_kept(
    world, clerk_b, postman_b, tariffs
):
    _, attempt = _out_from_b(world, clerk_b, postman_b, service="ordinary")
    done = operations.attempt_deliver(
        actor=postman_b, attempt=attempt, recipient_name="An", signature=BLANK_PAD
    )
    assert (done.outcome, done.signature) == ("delivered", "")


@pytest.mark.parametrize(
    ("service", "fields", "needed"),
    [
        ("ordinary", {}, False),
        ("kt1", {}, False),
        ("registered", {}, True),
        ("ems", {}, True),
        ("parcel", {}, True),
        ("admin_delivery", {}, True),
        ("ordinary", {"declared_value": 500_000}, True),
        ("ordinary", {"addons": [{"code": "ar", "name": "AR", "amount": 5_000}]}, True),
    ],
)
def test_which_items_need_a_proof_of_delivery(service, fields, needed):
    assert PostalItem(service=service, **fields).needs_proof is needed


def test_an_ordinary_letter_with_a_declared_value_needs_a_proof(world, clerk_b, postman_b, tariffs):
    _, attempt = _out_from_b(
        world, clerk_b, postman_b, declared_value=2_000_000, service="ordinary"
    )
    with pytest.raises(DomainError) as caught:
        operations.attempt_deliver(actor=postman_b, attempt=attempt, recipient_name="An")
    assert caught.value.field == "signature"
    attempt.refresh_from_db()
    assert attempt.outcome == "pending"
