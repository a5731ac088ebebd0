# ruff: noqa: F811  (fixtures imported from ops_factories are parameters of the tests)
"""Dispatch bags: open, fill, close, dispatch, receive and open at the destination; the
events each step writes, and the refusals that change nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.mail.choices import EventCode, ItemStatus, MailService
from buudien.mail.models import Bag, BagItem, PostalItem, TrackingEvent
from buudien.mail.operations import services as operations
from buudien.mail.operations.choices import BagStatus
from buudien.mail.tests.ops_factories import (  # noqa: F401
    centre,
    clerk_centre,
    codes,
    english,
    kt1_b,
    ops_item,
    tariffs,
)
from buudien.mail.tracking.services import event_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _filled_bag(clerk, origin, destination, items):
    bag = operations.bag_open(actor=clerk, origin=origin, destination=destination)
    for item in items:
        operations.bag_add_item(actor=clerk, bag=bag, item=item)
    return bag


# --- the whole way --------------------------------------------------------------------------


def test_a_bag_goes_from_office_a_to_office_b_and_its_items_arrive_for_delivery(
    world, clerk_a, clerk_b, tariffs
):
    first = ops_item(point=world.point_a, delivery_point=world.point_b)
    second = ops_item(point=world.point_a, delivery_point=world.point_b, cod_amount=150_000)

    bag = operations.bag_open(actor=clerk_a, origin=world.point_a, destination=world.point_b)
    assert bag.code == "BG240001000001"
    assert bag.status == BagStatus.OPEN
    operations.bag_add_item(actor=clerk_a, bag=bag, item=first)
    operations.bag_add_item(actor=clerk_a, bag=bag, item=second)
    operations.bag_close(actor=clerk_a, bag=bag)
    operations.bag_dispatch(actor=clerk_a, bag=bag)
    first.refresh_from_db()
    assert first.status == ItemStatus.IN_TRANSIT
    assert codes(first) == ["EMA", "EMC"]

    operations.bag_receive(actor=clerk_b, bag=bag)
    opening = operations.bag_open_at_destination(
        actor=clerk_b, bag=bag, scanned=[first.s10, second.s10.lower()]
    )

    bag.refresh_from_db()
    assert bag.status == BagStatus.OPENED
    assert (bag.closed_by, bag.dispatched_by, bag.received_by, bag.opened_by) == (
        clerk_a,
        clerk_a,
        clerk_b,
        clerk_b,
    )
    assert opening.found == [first.s10, second.s10]
    assert opening.missing == [] and opening.extra == [] and opening.complete
    for item in (first, second):
        item.refresh_from_db()
        assert codes(item) == ["EMA", "EMC", "EMD", "EMG"]
        assert item.status == ItemStatus.AT_DELIVERY_OFFICE
    emd = TrackingEvent.objects.get(item=first, code="EMD")
    assert (emd.office_code, emd.actor, emd.source, emd.source_event_id) == (
        "240002",
        clerk_b,
        "bag",
        f"{bag.code}:{first.s10}:EMD",
    )
    assert set(BagItem.objects.values_list("in_transit", "found")) == {(False, True)}


def test_bag_numbers_run_per_office(world, clerk_a, clerk_b):
    first = operations.bag_open(actor=clerk_a, origin=world.point_a, destination=world.point_b)
    second = operations.bag_open(actor=clerk_a, origin=world.point_a, destination=world.point_b)
    other = operations.bag_open(actor=clerk_b, origin=world.point_b, destination=world.point_a)
    assert [first.code, second.code, other.code] == [
        "BG240001000001",
        "BG240001000002",
        "BG240002000001",
    ]


def test_a_processing_centre_scans_bags_in_and_out_with_the_sorting_centre_events(
    world, clerk_a, clerk_b, clerk_centre, centre, tariffs
):
    item = ops_item(point=world.point_a, delivery_point=world.point_b)
    to_centre = _filled_bag(clerk_a, world.point_a, centre, [item])
    operations.bag_close(actor=clerk_a, bag=to_centre)
    operations.bag_dispatch(actor=clerk_a, bag=to_centre)
    operations.bag_receive(actor=clerk_centre, bag=to_centre)
    operations.bag_open_at_destination(actor=clerk_centre, bag=to_centre, scanned=[item.s10])

    onward = _filled_bag(clerk_centre, centre, world.point_b, [item])
    operations.bag_close(actor=clerk_centre, bag=onward)
    operations.bag_dispatch(actor=clerk_centre, bag=onward)
    operations.bag_receive(actor=clerk_b, bag=onward)

    item.refresh_from_db()
    assert codes(item) == ["EMA", "EMC", "EDD", "EDE", "EMD", "EMG"]
    assert item.status == ItemStatus.AT_DELIVERY_OFFICE


def test_an_item_passing_through_an_office_that_does_not_deliver_it_gets_no_emg(
    world, clerk_a, clerk_b, tariffs, centre
):
    item = ops_item(point=world.point_a, delivery_point=centre)
    bag = _filled_bag(clerk_a, world.point_a, world.point_b, [item])
    operations.bag_close(actor=clerk_a, bag=bag)
    operations.bag_dispatch(actor=clerk_a, bag=bag)
    operations.bag_receive(actor=clerk_b, bag=bag)
    item.refresh_from_db()
    assert codes(item) == ["EMA", "EMC", "EMD"]
    assert item.status == ItemStatus.IN_TRANSIT


def test_an_item_going_back_arrives_for_delivery_at_the_office_that_accepted_it(
    world, clerk_a, clerk_b, tariffs
):
    item = ops_item(point=world.point_a, delivery_point=world.point_b)
    event_record(
        actor=clerk_b,
        item=item,
        code=EventCode.EMG,
        point=world.point_b,
        at=dt.datetime(2026, 3, 3, 9, 0),
    )
    event_record(
        actor=clerk_b,
        item=item,
        code=EventCode.EMH,
        point=world.point_b,
        reason="moved",
        action="return",
        at=dt.datetime(2026, 3, 3, 10, 0),
    )
    bag = _filled_bag(clerk_b, world.point_b, world.point_a, [item])
    operations.bag_close(actor=clerk_b, bag=bag)
    operations.bag_dispatch(actor=clerk_b, bag=bag)
    operations.bag_receive(actor=clerk_a, bag=bag)
    item.refresh_from_db()
    assert codes(item)[-3:] == ["EMC", "EMD", "EMG"]
    assert item.status == ItemStatus.AT_DELIVERY_OFFICE and item.returning


def test_opening_reports_missing_and_extra_items(world, clerk_a, clerk_b, tariffs):
    on_manifest = [ops_item(point=world.point_a, delivery_point=world.point_b) for _ in range(3)]
    stray = ops_item(point=world.point_a, delivery_point=world.point_b)
    bag = _filled_bag(clerk_a, world.point_a, world.point_b, on_manifest)
    operations.bag_close(actor=clerk_a, bag=bag)
    operations.bag_dispatch(actor=clerk_a, bag=bag)
    operations.bag_receive(actor=clerk_b, bag=bag)

    opening = operations.bag_open_at_destination(
        actor=clerk_b,
        bag=bag,
        scanned=[on_manifest[0].s10, stray.s10, on_manifest[2].s10, on_manifest[0].s10, "XX1"],
    )

    assert opening.found == [on_manifest[0].s10, on_manifest[2].s10]
    assert opening.missing == [on_manifest[1].s10]
    assert opening.extra == [stray.s10, "XX1"]
    assert not opening.complete
    bag.refresh_from_db()
    assert bag.extra_s10 == [stray.s10, "XX1"]
    assert BagItem.objects.get(item=on_manifest[1]).found is False
    assert BagItem.objects.get(item=on_manifest[0]).found is True


def test_a_removed_item_leaves_the_manifest_and_may_go_in_another_bag(
    world, clerk_a, tariffs, centre
):
    item = ops_item(point=world.point_a, delivery_point=world.point_b)
    first = _filled_bag(clerk_a, world.point_a, world.point_b, [item])
    line = operations.bag_remove_item(actor=clerk_a, bag=first, item=item)
    assert line.removed_by == clerk_a and not line.in_transit
    second = _filled_bag(clerk_a, world.point_a, centre, [item])
    assert list(BagItem.objects.filter(in_transit=True).values_list("bag", flat=True)) == [
        second.pk
    ]


# --- refusals that change nothing -------------------------------------------------------


def test_a_clerk_cannot_open_a_bag_at_another_office(world, clerk_b):
    with pytest.raises(AccessDenied):
        operations.bag_open(actor=clerk_b, origin=world.point_a, destination=world.point_b)
    assert not Bag.objects.exists()


@pytest.mark.parametrize("role", ["director", "auditor", "postman", "kt1_operator"])
def test_only_clerks_and_administrators_handle_bags(world, role):
    from buudien.people.tests.factories import UserFactory

    user = UserFactory(role=role, unit=world.unit_a, point=world.point_a)
    with pytest.raises(AccessDenied):
        operations.bag_open(actor=user, origin=world.point_a, destination=world.point_b)
    assert not Bag.objects.exists()


def test_a_bag_does_not_go_to_its_own_office(world, clerk_a):
    with pytest.raises(DomainError) as caught:
        operations.bag_open(actor=clerk_a, origin=world.point_a, destination=world.point_a)
    assert caught.value.field == "destination"
    assert not Bag.objects.exists()


def test_another_office_cannot_fill_close_or_dispatch_the_bag(world, clerk_a, clerk_b, tariffs):
    item = ops_item(point=world.point_a, delivery_point=world.point_b)
    bag = operations.bag_open(actor=clerk_a, origin=world.point_a, destination=world.point_b)
    with pytest.raises(AccessDenied):
        operations.bag_add_item(actor=clerk_b, bag=bag, item=item)
    operations.bag_add_item(actor=clerk_a, bag=bag, item=item)
    for step in (operations.bag_close, operations.bag_dispatch):
        with pytest.raises(AccessDenied):
            step(actor=clerk_b, bag=bag)
    bag.refresh_from_db()
    assert bag.status == BagStatus.OPEN
    assert BagItem.objects.count() == 1


def test_the_origin_cannot_receive_or_open_its_own_bag(world, clerk_a, tariffs):
    item = ops_item(point=world.point_a, delivery_point=world.point_b)
    bag = _filled_bag(clerk_a, world.point_a, world.point_b, [item])
    operations.bag_close(actor=clerk_a, bag=bag)
    operations.bag_dispatch(actor=clerk_a, bag=bag)
    with pytest.raises(AccessDenied):
        operations.bag_receive(actor=clerk_a, bag=bag)
    bag.refresh_from_db()
    assert bag.status == BagStatus.DISPATCHED
    assert codes(item) == ["EMA", "EMC"]


def test_a_delivered_item_cannot_go_into_a_bag(world, clerk_a, tariffs):
    item = ops_item(point=world.point_a)
    event_record(
        actor=clerk_a,
        item=item,
        code=EventCode.EMI,
        point=world.point_a,
        recipient_name="An",
        at=dt.datetime(2026, 3, 3, 9, 0),
    )
    bag = operations.bag_open(actor=clerk_a, origin=world.point_a, destination=world.point_b)
    with pytest.raises(DomainError) as caught:
        operations.bag_add_item(actor=clerk_a, bag=bag, item=item)
    assert caught.value.field == "s10"
    assert "delivered" in str(caught.value.message).lower()
    assert not BagItem.objects.exists()


def test_an_item_that_is_not_at_the_origin_cannot_go_into_its_bag(world, clerk_b, tariffs):
    item = ops_item(point=world.point_a, delivery_point=world.point_b)
    bag = operations.bag_open(actor=clerk_b, origin=world.point_b, destination=world.point_a)
    with pytest.raises(DomainError) as caught:
        operations.bag_add_item(actor=clerk_b, bag=bag, item=item)
    assert "is not at" in str(caught.value.message)
    assert not BagItem.objects.exists()


def test_an_item_is_in_one_unopened_bag_at_most(world, clerk_a, tariffs, centre):
    item = ops_item(point=world.point_a, delivery_point=world.point_b)
    first = _filled_bag(clerk_a, world.point_a, world.point_b, [item])
    second = operations.bag_open(actor=clerk_a, origin=world.point_a, destination=centre)
    with pytest.raises(DomainError) as caught:
        operations.bag_add_item(actor=clerk_a, bag=second, item=item)
    assert first.code in str(caught.value.message)
    with pytest.raises(DomainError) as again:
        operations.bag_add_item(actor=clerk_a, bag=first, item=item)
    assert "already in this bag" in str(again.value.message)
    assert BagItem.objects.count() == 1


def test_a_closed_bag_takes_no_more_items_and_loses_none(world, clerk_a, tariffs):
    item, late = (ops_item(point=world.point_a, delivery_point=world.point_b) for _ in range(2))
    bag = _filled_bag(clerk_a, world.point_a, world.point_b, [item])
    operations.bag_close(actor=clerk_a, bag=bag)
    with pytest.raises(DomainError):
        operations.bag_add_item(actor=clerk_a, bag=bag, item=late)
    with pytest.raises(DomainError):
        operations.bag_remove_item(actor=clerk_a, bag=bag, item=item)
    assert list(BagItem.objects.values_list("item", "in_transit")) == [(item.pk, True)]


def test_an_empty_bag_cannot_be_closed(world, clerk_a, tariffs):
    item = ops_item(point=world.point_a, delivery_point=world.point_b)
    bag = _filled_bag(clerk_a, world.point_a, world.point_b, [item])
    operations.bag_remove_item(actor=clerk_a, bag=bag, item=item)
    with pytest.raises(DomainError):
        operations.bag_close(actor=clerk_a, bag=bag)
    bag.refresh_from_db()
    assert bag.status == BagStatus.OPEN and bag.closed_at is None


def test_steps_happen_in_order_once(world, clerk_a, clerk_b, tariffs):
    item = ops_item(point=world.point_a, delivery_point=world.point_b)
    bag = _filled_bag(clerk_a, world.point_a, world.point_b, [item])
    with pytest.raises(DomainError):
        operations.bag_dispatch(actor=clerk_a, bag=bag)  # not closed yet
    operations.bag_close(actor=clerk_a, bag=bag)
    operations.bag_dispatch(actor=clerk_a, bag=bag)
    with pytest.raises(DomainError):
        operations.bag_dispatch(actor=clerk_a, bag=bag)
    with pytest.raises(DomainError):
        operations.bag_open_at_destination(actor=clerk_b, bag=bag, scanned=[item.s10])
    assert codes(item) == ["EMA", "EMC"]
    bag.refresh_from_db()
    assert bag.status == BagStatus.DISPATCHED


def test_a_dispatch_time_before_the_closing_is_refused(world, clerk_a, tariffs):
    item = ops_item(point=world.point_a, delivery_point=world.point_b)
    bag = _filled_bag(clerk_a, world.point_a, world.point_b, [item])
    operations.bag_close(actor=clerk_a, bag=bag)
    with pytest.raises(DomainError) as caught:
        operations.bag_dispatch(actor=clerk_a, bag=bag, at=dt.datetime(2026, 3, 1, 8, 0))
    assert caught.value.field == "at"
    bag.refresh_from_db()
    assert bag.status == BagStatus.CLOSED
    assert codes(item) == ["EMA"]


def test_a_kt1_item_does_not_exist_for_a_clerk_filling_a_bag(world, clerk_a, kt1_operator):
    secret = ops_item(point=world.point_a, service=MailService.KT1)
    bag = operations.bag_open(actor=clerk_a, origin=world.point_a, destination=world.point_b)
    with pytest.raises(NotFound) as caught:
        operations.bag_add_item(actor=clerk_a, bag=bag, item=secret)
    assert str(caught.value.message) == "No item with this number."
    assert not BagItem.objects.exists()


def test_the_same_item_in_two_bags_is_refused_by_the_database_too(world, clerk_a, tariffs):
    from django.db import IntegrityError, transaction

    item = ops_item(point=world.point_a, delivery_point=world.point_b)
    first = _filled_bag(clerk_a, world.point_a, world.point_b, [item])
    second = operations.bag_open(actor=clerk_a, origin=world.point_a, destination=world.point_b)
    with pytest.raises(IntegrityError), transaction.atomic():
        BagItem.objects.create(
            province_code=second.province_code,
            bag=second,
            item=item,
            added_at=first.created_at,
        )


def test_nothing_is_written_twice_when_a_dispatch_fails_halfway(world, clerk_a, tariffs):
    """The bag's status and the items' events are one transaction."""
    item = ops_item(point=world.point_a, delivery_point=world.point_b)
    bag = _filled_bag(clerk_a, world.point_a, world.point_b, [item])
    bag = operations.bag_close(actor=clerk_a, bag=bag)
    # An event with the key the dispatch would use is already stored: the dispatch fails.
    TrackingEvent.objects.create(
        province_code=item.province_code,
        item=item,
        code="EMC",
        occurred_at=bag.closed_at,
        point=world.point_a,
        source="bag",
        source_event_id=f"{bag.code}:{item.s10}:EMC",
    )
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        operations.bag_dispatch(actor=clerk_a, bag=bag)
    bag.refresh_from_db()
    assert bag.status == BagStatus.CLOSED
    assert PostalItem.objects.get(pk=item.pk).last_event_code == "EMA"
