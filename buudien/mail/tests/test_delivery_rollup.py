# ruff: noqa: F811  (fixtures imported from ops_factories are parameters of the tests)
"""The delivery rollup: items delivered and delivered on time per day, office and service.

The scanners' batches deliver ordinary letters (an item that needs a proof of delivery is
delivered on the postman's round, which feeds the same rollup)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import translation

from buudien.core.bizdays import VIETNAM
from buudien.mail.models import DeliveryRollup
from buudien.mail.tests.ops_factories import ops_item, postman_a, round_deliver  # noqa: F401
from buudien.mail.tests.tracking_factories import item_make
from buudien.mail.tracking.rollup import delivery_rollup_rebuild
from buudien.mail.tracking.services import event_record, events_ingest

pytestmark = pytest.mark.django_db

# Accepted Monday 02/03/2026; the full-course time (3 business days) ends Thursday 05/03.
ON_TIME = dt.datetime(2026, 3, 5, 23, 30, tzinfo=VIETNAM)  # still the 5th in Vietnam
LATE = dt.datetime(2026, 3, 6, 0, 30, tzinfo=VIETNAM)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _emi(item, at, event_id=None):
    return {
        "s10": item.s10,
        "code": "EMI",
        "occurred_at": at.isoformat(),
        "office_code": "240001",
        "event_id": event_id or f"EMI-{item.s10}",
        "recipient_name": "Nguyễn Văn An",
    }


def _table():
    return sorted(
        DeliveryRollup.objects.values_list(
            "province_code", "day", "office_code", "service", "delivered", "on_time"
        )
    )


LETTER = {"service": "ordinary"}


def _items(world, count, **fields):
    return [
        item_make(point=world.point_a, delivery_point=world.point_a, **{**LETTER, **fields})
        for _ in range(count)
    ]


def test_a_batch_counts_the_items_delivered_on_time_and_late(clerk_a, postman_a, world):
    on_time, late = _items(world, 3), _items(world, 2)
    moving = _items(world, 1)
    events = [_emi(item, ON_TIME) for item in on_time]
    events += [_emi(item, LATE) for item in late]
    events.append({**_emi(moving[0], ON_TIME), "code": "EMB", "recipient_name": ""})
    events_ingest(actor=clerk_a, source="s", events=events)
    # An EMS item, delivered on the round, has a row of its service.
    ems = ops_item(point=world.point_a, service="ems")
    round_deliver([ems], postman=postman_a, at=ON_TIME)
    assert _table() == [
        ("20", dt.date(2026, 3, 5), "240001", "ems", 1, 1),
        ("20", dt.date(2026, 3, 5), "240001", "ordinary", 3, 3),
        ("20", dt.date(2026, 3, 6), "240001", "ordinary", 2, 0),
    ]


def test_a_retried_batch_and_a_second_delivery_count_nothing_again(clerk_a, world):
    items = _items(world, 2)
    batch = [_emi(item, ON_TIME) for item in items]
    events_ingest(actor=clerk_a, source="s", events=batch)
    events_ingest(actor=clerk_a, source="s", events=batch)
    events_ingest(actor=clerk_a, source="s", events=[_emi(items[0], LATE, event_id="again")])
    assert _table() == [("20", dt.date(2026, 3, 5), "240001", "ordinary", 2, 2)]


def test_batches_add_to_the_same_row(clerk_a, world):
    first, second = _items(world, 2), _items(world, 3)
    events_ingest(actor=clerk_a, source="s", events=[_emi(i, LATE) for i in first])
    events_ingest(actor=clerk_a, source="s", events=[_emi(i, LATE) for i in second])
    assert _table() == [("20", dt.date(2026, 3, 6), "240001", "ordinary", 5, 0)]


def test_a_delivery_a_scan_cannot_record_is_not_counted(clerk_a, world):
    registered = _items(world, 1, service="registered")[0]
    result = events_ingest(actor=clerk_a, source="s", events=[_emi(registered, ON_TIME)])
    assert [r.fault for r in result.rejected] == ["proof_required"]
    assert _table() == []


def test_a_return_to_the_sender_and_a_kt1_item_are_not_counted(clerk_a, kt1_operator, world):
    returned = _items(world, 1)[0]
    events_ingest(
        actor=clerk_a,
        source="s",
        events=[
            {
                **_emi(returned, ON_TIME - dt.timedelta(hours=2)),
                "code": "EMH",
                "recipient_name": "",
                "reason": "moved",
                "action": "return",
                "event_id": "h",
            },
            _emi(returned, ON_TIME),
        ],
    )
    returned.refresh_from_db()
    assert (returned.status, returned.returning) == ("returned", True)
    secret = item_make(point=world.point_a, service="kt1", delivery_point=world.point_a)
    event_record(
        actor=kt1_operator,
        item=secret,
        code="EMI",
        point=world.point_a,
        at=ON_TIME,
        recipient_name="Lê Văn Cường",
    )
    assert _table() == []


def test_one_event_at_a_time_counts_the_first_delivery_once(clerk_a, world):
    item = _items(world, 1, service="registered")[0]
    event_record(actor=clerk_a, item=item, code="EMI", at=LATE, recipient_name="Nguyễn Văn An")
    event_record(actor=clerk_a, item=item, code="EMI", at=LATE, recipient_name="Nguyễn Văn An")
    assert _table() == [("20", dt.date(2026, 3, 6), "240001", "registered", 1, 0)]


def test_the_rebuild_equals_the_incremental_counts_and_is_idempotent(clerk_a, postman_a, world):
    on_time = _items(world, 4)
    late = [ops_item(point=world.point_a, service="parcel") for _ in range(3)]
    events_ingest(actor=clerk_a, source="s", events=[_emi(i, ON_TIME) for i in on_time])
    round_deliver(late, postman=postman_a, at=LATE)
    incremental = _table()
    assert len(incremental) == 2
    assert delivery_rollup_rebuild() == 2
    assert _table() == incremental
    call_command("mail", "rebuild-delivery-rollup", "--province", "20")
    assert _table() == incremental
    assert delivery_rollup_rebuild(province_code="04") == 0
    assert _table() == incremental
