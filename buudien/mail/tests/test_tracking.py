"""Recording tracking events: one at a time (event_record) and in bulk (events_ingest)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connections
from django.utils import timezone, translation

from buudien.core.bizdays import VIETNAM
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.models import AuditEntry
from buudien.core.s10 import s10_make
from buudien.mail.models import PostalItem, TrackingEvent
from buudien.mail.tests.tracking_factories import item_make
from buudien.mail.tracking.services import (
    TooManyEvents,
    event_record,
    events_ingest,
    item_status_refresh,
)

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _scan(item, code="EMB", *, at=T0, office="240001", event_id=None, **extra):
    return {
        "s10": item if isinstance(item, str) else item.s10,
        "code": code,
        "occurred_at": at if isinstance(at, str) else at.isoformat(),
        "office_code": office,
        "event_id": f"{code}-{item if isinstance(item, str) else item.s10}"
        if event_id is None
        else event_id,
        **extra,
    }


def _letter(world):
    """An ordinary letter: a scan may record its delivery (an item that needs a proof is
    delivered on the postman's round)."""
    return item_make(point=world.point_a, service="ordinary")


def _state(item):
    item.refresh_from_db()
    return item.status, item.returning, item.last_event_code, item.last_event_at


# --- event_record ---------------------------------------------------------------------------


def test_it_records_an_event_and_derives_the_status(clerk_a, world):
    item = item_make(point=world.point_a)
    event = event_record(actor=clerk_a, item=item, code="EMB", at=T0)
    assert (event.code, event.point, event.office_code, event.actor) == (
        "EMB",
        world.point_a,
        "240001",
        clerk_a,
    )
    assert _state(item) == ("in_transit", False, "EMB", T0)


def test_a_naive_time_is_vietnam_time(clerk_a, world):
    item = item_make(point=world.point_a)
    event = event_record(actor=clerk_a, item=item, code="EMB", at=dt.datetime(2026, 3, 2, 9, 0))
    event.refresh_from_db()
    assert event.occurred_at == T0
    assert event.occurred_at.astimezone(dt.UTC).hour == 2


def test_a_delivery_records_who_received_it_and_when(clerk_a, world):
    item = item_make(point=world.point_a)
    event_record(actor=clerk_a, item=item, code="EMI", at=T0, recipient_name=" Nguyễn Văn An ")
    item.refresh_from_db()
    assert (item.status, item.delivered_at) == ("delivered", T0)
    assert TrackingEvent.objects.get(item=item).recipient_name == "Nguyễn Văn An"


def test_a_late_event_is_put_back_in_its_place(clerk_a, world):
    item = item_make(point=world.point_a)
    event_record(actor=clerk_a, item=item, code="EMI", at=T0, recipient_name="An")
    event_record(actor=clerk_a, item=item, code="EMC", at=T0 - dt.timedelta(hours=5))
    assert _state(item) == ("delivered", False, "EMI", T0)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "XYZ"}, "code"),
        ({"code": "EMH"}, "reason"),
        ({"code": "EMH", "reason": "absent"}, "reason"),
        ({"code": "EMH", "reason": "absent", "action": "burn"}, "action"),
        ({"code": "EMI"}, "recipient_name"),
        ({"code": "EMB", "at": "an hour from now"}, "at"),
    ],
)
def test_it_refuses_an_incomplete_event_and_changes_nothing(clerk_a, world, fields, field):
    item = item_make(point=world.point_a)
    if fields.get("at") == "an hour from now":  # computed now, not when the tests were collected
        fields = {**fields, "at": timezone.now() + dt.timedelta(hours=1)}
    with pytest.raises(DomainError) as refused:
        event_record(actor=clerk_a, item=item, **{"at": T0, **fields})
    assert refused.value.field == field
    assert not TrackingEvent.objects.filter(item=item).exists()
    assert _state(item) == ("accepted", False, "", None)


def test_it_refuses_an_office_outside_the_actor_scope(clerk_b, world):
    item = item_make(point=world.point_a)
    with pytest.raises(AccessDenied):
        event_record(actor=clerk_b, item=item, code="EMB", point=world.point_a, at=T0)
    assert not TrackingEvent.objects.exists()


def test_a_kt1_item_does_not_exist_for_a_clerk(clerk_a, world):
    secret = item_make(point=world.point_a, service="kt1")
    with pytest.raises(NotFound):
        event_record(actor=clerk_a, item=secret, code="EMB", at=T0)
    assert not TrackingEvent.objects.exists()
    assert not AuditEntry.objects.filter(action="item.event").exists()


def test_a_kt1_operator_records_a_kt1_event_and_it_is_audited(kt1_operator, world):
    secret = item_make(point=world.point_a, service="kt1")
    event_record(actor=kt1_operator, item=secret, code="EMB", point=world.point_a, at=T0)
    entry = AuditEntry.objects.get(action="item.event")
    assert (entry.actor, entry.object_id, entry.after["code"]) == (
        kt1_operator,
        str(secret.pk),
        "EMB",
    )


# --- events_ingest: judging -----------------------------------------------------------------


def test_it_stores_the_good_events_and_rejects_each_bad_one_with_its_reason(
    clerk_a, kt1_operator, world
):
    item = item_make(point=world.point_a)
    other = item_make(point=world.point_a)
    secret = item_make(point=world.point_a, service="kt1")
    outside = item_make(point=world.point_a)
    unknown = s10_make("RR", 99_999_999)
    good_serial = item.s10[2:10]
    wrong_digit = f"RR{good_serial}{(int(item.s10[10]) + 1) % 10}VN"
    events = [
        _scan(item, "EMB", event_id="ok-1"),  # 0 stored
        _scan("RR12345", event_id="e1"),  # 1
        _scan(wrong_digit, event_id="e2"),  # 2
        _scan(unknown, event_id="e3"),  # 3
        _scan(item, "XYZ", event_id="e4"),  # 4
        _scan(item, "EMH", event_id="e5"),  # 5
        _scan(item, "EMH", event_id="e6", reason="absent", action="burn"),  # 6
        _scan(item, "EMH", event_id="e7", reason="late", action="retry"),  # 7
        _scan(item, "EMI", event_id="e8"),  # 8
        _scan(item, "EMC", at="yesterday", event_id="e9"),  # 9
        _scan(item, "EMC", at=timezone.now() + dt.timedelta(minutes=11), event_id="e10"),  # 10
        _scan(item, "EMC", office="999999", event_id="e11"),  # 11
        _scan(outside, "EMC", office="240002", event_id="e12"),  # 12 clerk_a's scope is UA
        _scan(item, "EMC", event_id=""),  # 13
        _scan(item, "EMC", event_id="e14", note=["not", "text"]),  # 14
        ["not", "an", "object"],  # 15
        _scan(secret, "EMC", event_id="e16"),  # 16 KT1: unknown to a clerk
        _scan(other, "EMG", event_id="ok-2", at=T0.replace(tzinfo=None).isoformat()),  # 17
        _scan(item, "EMC", event_id="e18", recipient_name="x" * 201),  # 18
        _scan(item, "EMI", event_id="e19", recipient_name="An"),  # 19 registered: on a round
    ]
    result = events_ingest(actor=clerk_a, source="scanner-01", events=events)

    faults = {r.index: r.fault for r in result.rejected}
    assert faults == {
        1: "s10_malformed",
        2: "s10_check_digit",
        3: "unknown_item",
        4: "unknown_code",
        5: "reason_required",
        6: "unknown_action",
        7: "unknown_reason",
        8: "recipient_required",
        9: "bad_time",
        10: "future_time",
        11: "unknown_office",
        12: "office_out_of_scope",
        13: "bad_event_id",
        14: "bad_field",
        15: "not_an_object",
        16: "unknown_item",
        18: "bad_field",
        19: "proof_required",
    }
    reasons = {r.index: r.reason for r in result.rejected}
    assert reasons[2] == f"Wrong check digit: expected {item.s10[10]}, got {wrong_digit[10]}."
    assert reasons[16] == reasons[3] == "No item with this number."
    assert [r.s10 for r in result.rejected if r.index == 2] == [wrong_digit]
    assert (result.accepted, result.duplicates) == (2, 0)
    stored = TrackingEvent.objects.order_by("id")
    assert [(e.item_id, e.code, e.source, e.source_event_id) for e in stored] == [
        (item.pk, "EMB", "scanner-01", "ok-1"),
        (other.pk, "EMG", "scanner-01", "ok-2"),
    ]
    assert stored[1].occurred_at == T0  # naive: Asia/Ho_Chi_Minh
    assert _state(item)[:3] == ("in_transit", False, "EMB")
    assert _state(other)[:3] == ("at_delivery_office", False, "EMG")
    assert _state(secret) == ("accepted", False, "", None)


def test_a_scan_does_not_deliver_an_item_that_needs_a_proof(clerk_a, kt1_operator, world):
    """Registered, EMS, parcels, administrative deliveries, and any item with COD, a declared
    value or an add-on are delivered on the postman's round, against a proof and with the
    COD collected: a person's scan of their delivery is refused alone, the rest stored."""
    needs_proof = [
        item_make(point=world.point_a, service=service)
        for service in ("registered", "ems", "parcel", "admin_delivery")
    ]
    needs_proof += [
        item_make(point=world.point_a, service="ordinary", **extra)
        for extra in ({"cod_amount": 150_000}, {"declared_value": 500_000}, {"addons": ["ar"]})
    ]
    letter = _letter(world)
    events = [
        _scan(item, "EMI", event_id=f"d{i}", recipient_name="Nguyễn Văn An")
        for i, item in enumerate([*needs_proof, letter])
    ]
    events.append(_scan(needs_proof[0], "EMG", at=T0 - dt.timedelta(hours=1), event_id="g"))

    result = events_ingest(actor=clerk_a, source="s", events=events)

    assert [(r.index, r.s10, r.fault) for r in result.rejected] == [
        (i, item.s10, "proof_required") for i, item in enumerate(needs_proof)
    ]
    assert result.rejected[0].reason.startswith("This item is delivered only on the postman")
    assert result.accepted == 2
    assert _state(letter)[:3] == ("delivered", False, "EMI")
    assert _state(needs_proof[0])[:3] == ("at_delivery_office", False, "EMG")
    assert not TrackingEvent.objects.filter(item__in=needs_proof, code="EMI").exists()
    assert not PostalItem.objects.filter(pk__in=[i.pk for i in needs_proof], status="delivered")
    # A KT1 item is delivered by its officers' chain of custody, never on a round.
    secret = item_make(point=world.point_a, service="kt1")
    kt1 = events_ingest(
        actor=kt1_operator,
        source="kt1",
        events=[_scan(secret, "EMI", event_id="k", recipient_name="Văn thư")],
    )
    assert (kt1.accepted, kt1.rejected) == (1, [])


def test_the_system_records_past_deliveries_as_they_were(world):
    """``actor=None`` is the system itself (the demo's year, an import of another system's
    history): its deliveries are taken as they happened."""
    item = item_make(point=world.point_a)
    events = [_scan(item, "EMI", event_id="1", recipient_name="Nguyễn Văn An")]
    result = events_ingest(actor=None, source="import", events=events)
    assert (result.accepted, result.rejected) == (1, [])
    assert _state(item)[0] == "delivered"


def test_a_kt1_item_reads_exactly_as_an_unknown_one_to_a_clerk(clerk_a, world):
    secret = item_make(point=world.point_a, service="kt1")
    unknown = s10_make("KT", 99_999_998)
    result = events_ingest(
        actor=clerk_a,
        source="s",
        events=[_scan(secret, event_id="1"), _scan(unknown, event_id="2")],
    )
    first, second = result.rejected
    assert (first.reason, first.fault) == (second.reason, second.fault)
    assert not TrackingEvent.objects.exists()


def test_a_kt1_operator_ingests_kt1_events_and_each_item_is_audited(kt1_operator, world):
    secret = item_make(point=world.point_a, service="kt1")
    plain = item_make(point=world.point_a)
    events = [
        _scan(secret, "EMB", event_id="1"),
        _scan(secret, "EMC", event_id="2", at=T0 + dt.timedelta(hours=1)),
        _scan(plain, "EMB", event_id="3"),
    ]
    result = events_ingest(actor=kt1_operator, source="kt1-desk", events=events)
    assert (result.accepted, result.rejected) == (3, [])
    entry = AuditEntry.objects.get(action="item.events_ingest")
    assert (entry.actor, entry.object_id, entry.object_repr) == (
        kt1_operator,
        str(secret.pk),
        secret.s10,
    )
    assert [e["code"] for e in entry.after["events"]] == ["EMB", "EMC"]
    assert _state(secret)[:3] == ("in_transit", False, "EMC")


def test_an_id_given_with_spaces_and_small_letters_is_read_normalised(clerk_a, world):
    item = item_make(point=world.point_a)
    spaced = f" {item.s10[:2].lower()} {item.s10[2:10]} {item.s10[10:]} "
    result = events_ingest(actor=clerk_a, source="s", events=[_scan(spaced, event_id="1")])
    assert result.accepted == 1
    assert TrackingEvent.objects.get().item == item


def test_it_refuses_more_than_10000_events_and_stores_nothing(clerk_a, world):
    item = item_make(point=world.point_a)
    events = [_scan(item, event_id=str(i)) for i in range(10_001)]
    with pytest.raises(TooManyEvents) as refused:
        events_ingest(actor=clerk_a, source="s", events=events)
    assert refused.value.status == 413
    assert "10,000" in str(refused.value.message)
    assert not TrackingEvent.objects.exists()


@pytest.mark.parametrize("source", [" ", "x" * 33, "scan\x00ner"])
def test_it_refuses_a_source_that_is_no_name(clerk_a, world, source):
    with pytest.raises(DomainError) as refused:
        events_ingest(actor=clerk_a, source=source, events=[])
    assert refused.value.field == "source"


def test_a_user_without_a_unit_cannot_ingest(world):
    from buudien.people.tests.factories import UserFactory

    drifter = UserFactory(username="drifter", unit=None)
    with pytest.raises(AccessDenied):
        events_ingest(actor=drifter, source="s", events=[])


def test_an_auditor_records_no_event_one_by_one_or_in_bulk(auditor, world):
    item = item_make(point=world.point_a)
    scan = {
        "s10": item.s10,
        "code": "EMB",
        "occurred_at": T0.isoformat(),
        "office_code": world.point_a.code,
        "event_id": "1",
    }
    before = _state(item)
    with pytest.raises(AccessDenied):
        events_ingest(actor=auditor, source="s", events=[scan])
    with pytest.raises(AccessDenied):
        event_record(actor=auditor, item=item, code="EMB", point=world.point_a, at=T0)
    assert not TrackingEvent.objects.exists()
    assert _state(item) == before


# --- events_ingest: duplicates --------------------------------------------------------------


def test_a_key_repeated_in_a_batch_is_stored_once(clerk_a, world):
    item = item_make(point=world.point_a)
    events = [_scan(item, event_id="same"), _scan(item, "EMC", event_id="same")]
    result = events_ingest(actor=clerk_a, source="s", events=events)
    assert (result.accepted, result.duplicates) == (1, 1)
    assert list(TrackingEvent.objects.values_list("code", flat=True)) == ["EMB"]


def test_a_retried_batch_stores_nothing_twice(clerk_a, world):
    items = [item_make(point=world.point_a) for _ in range(3)]
    events = [_scan(item, "EMB", event_id=f"b-{i}") for i, item in enumerate(items)]
    first = events_ingest(actor=clerk_a, source="s", events=events)
    states = [_state(item) for item in items]
    again = events_ingest(actor=clerk_a, source="s", events=events)
    assert (first.accepted, first.duplicates) == (3, 0)
    assert (again.accepted, again.duplicates) == (0, 3)
    assert TrackingEvent.objects.count() == 3
    assert [_state(item) for item in items] == states


def test_a_partly_stored_batch_stores_only_the_rest(clerk_a, world):
    items = [item_make(point=world.point_a) for _ in range(4)]
    events = [_scan(item, "EMB", event_id=f"p-{i}") for i, item in enumerate(items)]
    events_ingest(actor=clerk_a, source="s", events=events[:2])
    events[3]["code"] = "EMG"
    result = events_ingest(actor=clerk_a, source="s", events=events)
    assert (result.accepted, result.duplicates) == (2, 2)
    assert TrackingEvent.objects.count() == 4
    assert [_state(item)[0] for item in items] == [
        "in_transit",
        "in_transit",
        "in_transit",
        "at_delivery_office",
    ]


def test_a_batch_whose_middle_event_is_stored_keeps_the_events_on_either_side(clerk_a, world):
    items = [item_make(point=world.point_a) for _ in range(3)]
    events = [_scan(item, "EMB", event_id=f"m-{i}") for i, item in enumerate(items)]
    events_ingest(actor=clerk_a, source="s", events=events[1:2])
    result = events_ingest(actor=clerk_a, source="s", events=events)
    assert (result.accepted, result.duplicates, result.rejected) == (2, 1, [])
    assert TrackingEvent.objects.count() == 3
    assert {_state(item)[0] for item in items} == {"in_transit"}


def test_the_same_event_id_from_another_source_is_another_event(clerk_a, world):
    item = item_make(point=world.point_a)
    events_ingest(actor=clerk_a, source="scanner-01", events=[_scan(item, event_id="1")])
    result = events_ingest(actor=clerk_a, source="scanner-02", events=[_scan(item, event_id="1")])
    assert result.accepted == 1
    assert TrackingEvent.objects.count() == 2


# --- events_ingest: statuses ----------------------------------------------------------------


def test_several_events_of_one_item_in_a_batch_fold_in_time_order(clerk_a, world):
    item = _letter(world)
    events = [
        _scan(item, "EMI", at=T0 + dt.timedelta(hours=3), event_id="3", recipient_name="An"),
        _scan(item, "EMB", at=T0, event_id="1"),
        _scan(item, "EDG", at=T0 + dt.timedelta(hours=2), event_id="2"),
    ]
    events_ingest(actor=clerk_a, source="s", events=events)
    item.refresh_from_db()
    assert (item.status, item.last_event_code, item.delivered_at) == (
        "delivered",
        "EMI",
        T0 + dt.timedelta(hours=3),
    )


def test_an_event_sent_late_by_an_offline_scanner_keeps_the_right_status(clerk_a, world):
    item = _letter(world)
    events_ingest(
        actor=clerk_a,
        source="s",
        events=[_scan(item, "EMI", at=T0, event_id="1", recipient_name="An")],
    )
    events_ingest(
        actor=clerk_a,
        source="offline",
        events=[_scan(item, "EMC", at=T0 - dt.timedelta(days=1), event_id="1")],
    )
    assert _state(item) == ("delivered", False, "EMI", T0)


def test_a_late_event_in_a_batch_leaves_the_other_items_folded_on(clerk_a, world):
    late, fresh = _letter(world), _letter(world)
    events_ingest(
        actor=clerk_a,
        source="s",
        events=[_scan(late, "EMI", at=T0, event_id="1", recipient_name="An")],
    )
    result = events_ingest(
        actor=clerk_a,
        source="offline",
        events=[
            _scan(late, "EMC", at=T0 - dt.timedelta(days=1), event_id="1"),
            _scan(fresh, "EMG", at=T0, event_id="2"),
        ],
    )
    assert result.accepted == 2
    assert _state(late) == ("delivered", False, "EMI", T0)
    assert _state(fresh) == ("at_delivery_office", False, "EMG", T0)


def test_a_batch_of_legs_and_deliveries_sets_the_delivery_time_of_the_delivered_only(
    clerk_a, world
):
    moving, delivered = _letter(world), _letter(world)
    events_ingest(
        actor=clerk_a,
        source="s",
        events=[
            _scan(moving, "EMB", at=T0, event_id="1"),
            _scan(delivered, "EMI", at=T0, event_id="2", recipient_name=" Lê Văn Cường "),
        ],
    )
    moving.refresh_from_db()
    delivered.refresh_from_db()
    assert (moving.status, moving.delivered_at) == ("in_transit", None)
    assert (delivered.status, delivered.delivered_at) == ("delivered", T0)
    assert delivered.events.get().recipient_name == "Lê Văn Cường"


def test_a_return_through_the_scanners(clerk_a, world):
    item = _letter(world)
    steps = [
        ("EDG", {}),
        ("EMH", {"reason": "moved", "action": "return"}),
        ("EMC", {}),
        ("EMI", {"recipient_name": "Trần Thị Bình"}),
    ]
    statuses = []
    for hour, (code, extra) in enumerate(steps):
        at = T0 + dt.timedelta(hours=hour)
        events_ingest(
            actor=clerk_a, source="s", events=[_scan(item, code, at=at, event_id=code, **extra)]
        )
        item.refresh_from_db()
        statuses.append((item.status, item.returning))
    assert statuses == [
        ("out_for_delivery", False),
        ("returning", True),
        ("returning", True),
        ("returned", True),
    ]
    assert item.delivered_at == T0 + dt.timedelta(hours=3)


def test_the_status_refresh_derives_again_from_all_events(clerk_a, world):
    item = item_make(point=world.point_a)
    TrackingEvent.objects.create(
        province_code="20", item=item, code="EMG", occurred_at=T0, office_code="240001"
    )
    assert item_status_refresh(item_ids=[item.pk]) == 1
    assert _state(item) == ("at_delivery_office", False, "EMG", T0)


def test_a_batch_costs_the_same_few_queries_whatever_its_size(
    clerk_a, world, django_assert_max_num_queries
):
    items = [item_make(point=world.point_a) for _ in range(40)]
    small = [_scan(item, "EMB", event_id=f"s{i}") for i, item in enumerate(items[:4])]
    large = [_scan(item, "EMB", event_id=f"l{i}") for i, item in enumerate(items[4:])]
    clerk_a.unit  # noqa: B018  (the scope is read once per actor)
    with django_assert_max_num_queries(8) as small_queries:
        events_ingest(actor=clerk_a, source="s", events=small)
    with django_assert_max_num_queries(8) as large_queries:
        events_ingest(actor=clerk_a, source="s", events=large)
    assert len(large_queries.captured_queries) == len(small_queries.captured_queries)
    assert PostalItem.objects.filter(status="in_transit").count() == 40


# --- two retries at once (PostgreSQL) -------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_retries_racing_store_each_event_once(clerk_a, world):
    items = [item_make(point=world.point_a) for _ in range(30)]
    events = [_scan(item, "EMB", event_id=f"r-{i}") for i, item in enumerate(items)]
    events += [_scan(item, "EMC", event_id=f"r2-{i}") for i, item in enumerate(items)]
    results = []
    errors = []
    start = threading.Barrier(2)

    def send():
        try:
            start.wait()
            results.append(events_ingest(actor=clerk_a, source="race", events=events))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted((r.accepted, r.duplicates) for r in results) == [(0, 60), (60, 0)]
    assert TrackingEvent.objects.filter(source="race").count() == 60
    assert set(PostalItem.objects.values_list("status", flat=True)) == {"in_transit"}


def test_a_key_stored_already_for_another_item_is_a_duplicate(clerk_a, world):
    """No lock on a shared item orders these two: the write meets the unique constraint
    and the rows go again through INSERT ... ON CONFLICT DO NOTHING."""
    item = item_make(point=world.point_a)
    other = item_make(point=world.point_a)
    events_ingest(actor=clerk_a, source="s", events=[_scan(item, event_id="k")])
    result = events_ingest(
        actor=clerk_a,
        source="s",
        events=[_scan(other, event_id="k"), _scan(other, "EMC", event_id="k2")],
    )
    assert (result.accepted, result.duplicates) == (1, 1)
    assert TrackingEvent.objects.filter(item=other).get().code == "EMC"
    assert _state(other)[:3] == ("in_transit", False, "EMC")


def test_a_batch_of_deliveries_records_who_received_each(clerk_a, world):
    items = [_letter(world) for _ in range(3)]
    events = [
        _scan(item, "EMI", event_id=f"d{i}", recipient_name=f" Người nhận {i} ")
        for i, item in enumerate(items)
    ]
    result = events_ingest(actor=clerk_a, source="s", events=events)
    assert (result.accepted, result.rejected) == (3, [])
    names = TrackingEvent.objects.order_by("id").values_list("recipient_name", flat=True)
    assert list(names) == ["Người nhận 0", "Người nhận 1", "Người nhận 2"]
    assert {_state(item)[0] for item in items} == {"delivered"}


def test_one_delivery_without_a_name_is_rejected_alone(clerk_a, world):
    items = [_letter(world) for _ in range(3)]
    events = [
        _scan(item, "EMI", event_id=f"d{i}", recipient_name=name)
        for i, (item, name) in enumerate(zip(items, ["An", "  ", "Bình"], strict=True))
    ]
    result = events_ingest(actor=clerk_a, source="s", events=events)
    assert result.accepted == 2
    assert [(r.index, r.fault) for r in result.rejected] == [(1, "recipient_required")]
    assert _state(items[1])[0] == "accepted"


def test_a_name_on_any_event_is_kept_and_checked(clerk_a, world):
    item = item_make(point=world.point_a)
    events = [
        _scan(item, "EDG", event_id="1", recipient_name="Chị Hoa"),
        _scan(item, "EDG", event_id="2", recipient_name="x\x00y"),
    ]
    result = events_ingest(actor=clerk_a, source="s", events=events)
    assert [(r.index, r.fault) for r in result.rejected] == [(1, "bad_field")]
    assert TrackingEvent.objects.get().recipient_name == "Chị Hoa"


@pytest.mark.parametrize("field", ["s10", "office_code", "occurred_at", "event_id", "code"])
def test_an_event_with_a_list_where_text_belongs_is_rejected_alone(clerk_a, world, field):
    item = item_make(point=world.point_a)
    odd = _scan(item, "EMC", event_id="2")
    odd[field] = ["RR"]
    result = events_ingest(actor=clerk_a, source="s", events=[_scan(item, event_id="1"), odd])
    assert result.accepted == 1
    assert [r.index for r in result.rejected] == [1]
