"""/api/tracking/: scanners' bulk events and public tracking by S10 id."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buudien.core.bizdays import VIETNAM
from buudien.core.s10 import s10_make
from buudien.mail.models import PostalItem, TrackingEvent
from buudien.mail.tests.tracking_factories import item_make
from buudien.mail.tracking import selectors as tracking_selectors
from buudien.mail.tracking.services import event_record
from buudien.people.services import api_token_create

pytestmark = pytest.mark.django_db

EVENTS = "/api/tracking/events"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM)
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _post(client, payload, **headers):
    body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
    return client.post(EVENTS, data=body, content_type="application/json", **ENGLISH, **headers)


def _bearer(user):
    _token, key = api_token_create(actor=None, user=user, name="scanner")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _scan(item, code="EMB", event_id="1", **extra):
    return {
        "s10": item.s10,
        "code": code,
        "occurred_at": "2026-03-02T09:00:00+07:00",
        "office_code": "240001",
        "event_id": event_id,
        **extra,
    }


# --- POST /api/tracking/events ---------------------------------------------------------------


def test_a_scanner_sends_events_with_its_token(client, clerk_a, world):
    item = item_make(point=world.point_a)
    payload = {
        "source": "scanner-01",
        "events": [_scan(item, event_id="1"), _scan(item, "XYZ", event_id="2")],
    }
    response = _post(client, payload, **_bearer(clerk_a))
    assert response.status_code == 200
    assert response.json() == {
        "accepted": 1,
        "duplicates": 0,
        "rejected": [
            {
                "index": 1,
                "s10": item.s10,
                "reason": "Unknown event code “XYZ”.",
                "fault": "unknown_code",
            }
        ],
    }
    event = TrackingEvent.objects.get()
    assert (event.actor, event.source, event.source_event_id) == (clerk_a, "scanner-01", "1")


def test_a_scanner_does_not_deliver_a_cod_item_the_rest_of_its_batch_is_stored(
    client, clerk_a, world
):
    """The probe's staff token recorded a COD parcel delivered, its COD never collected:
    that scan is rejected on its own, the postman's round delivers the item."""
    from buudien.finance.models import Entry

    parcel = item_make(point=world.point_a, service="parcel", cod_amount=350_000)
    letter = item_make(point=world.point_a, service="ordinary")
    payload = {
        "source": "scanner-01",
        "events": [
            _scan(parcel, "EMI", event_id="1", recipient_name="Nguyễn Văn An"),
            _scan(letter, "EMI", event_id="2", recipient_name="Trần Văn Bình"),
        ],
    }
    response = _post(client, payload, **_bearer(clerk_a))
    assert response.status_code == 200
    body = response.json()
    assert (body["accepted"], [(r["index"], r["fault"]) for r in body["rejected"]]) == (
        1,
        [(0, "proof_required")],
    )
    assert "postman's round" in body["rejected"][0]["reason"]
    parcel.refresh_from_db()
    letter.refresh_from_db()
    assert (parcel.status, letter.status) == ("accepted", "delivered")
    assert not Entry.objects.filter(kind="cod_collected").exists()


def test_a_retried_request_stores_nothing_twice(client, clerk_a, world):
    item = item_make(point=world.point_a)
    payload = {"source": "scanner-01", "events": [_scan(item)]}
    _post(client, payload, **_bearer(clerk_a))
    again = _post(client, payload, **_bearer(clerk_a))
    assert again.json() == {"accepted": 0, "duplicates": 1, "rejected": []}
    assert TrackingEvent.objects.count() == 1


def test_a_logged_in_user_may_send_events_too(client_as, clerk_a, world):
    item = item_make(point=world.point_a)
    response = _post(client_as(clerk_a), {"source": "desk", "events": [_scan(item)]})
    assert (response.status_code, response.json()["accepted"]) == (200, 1)


def test_sending_events_needs_a_login_or_a_token(client, world):
    item = item_make(point=world.point_a)
    response = _post(client, {"source": "x", "events": [_scan(item)]})
    assert response.status_code == 401
    assert not TrackingEvent.objects.exists()


def test_an_auditor_s_scanner_is_refused_with_403_and_nothing_stored(client, auditor, world):
    item = item_make(point=world.point_a)
    before = (TrackingEvent.objects.count(), PostalItem.objects.values_list("status").get())
    payload = {"source": "scanner-01", "events": [_scan(item), _scan(item, "EMC", "2")]}

    with_token = _post(client, payload, **_bearer(auditor))
    bad_body = _post(client, b"not json", **_bearer(auditor))

    assert (with_token.status_code, bad_body.status_code) == (403, 403)
    assert with_token.json() == {
        "detail": "Auditors have read-only access: they cannot record tracking events."
    }
    assert (TrackingEvent.objects.count(), PostalItem.objects.values_list("status").get()) == (
        before
    )


def test_an_auditor_s_refusal_is_in_vietnamese_by_default(client, auditor, world):
    item = item_make(point=world.point_a)
    response = client.post(
        EVENTS,
        data=json.dumps({"source": "s", "events": [_scan(item)]}),
        content_type="application/json",
        **_bearer(auditor),
    )
    assert response.status_code == 403
    assert "chỉ được xem" in response.json()["detail"]


def test_more_than_10000_events_are_refused_whole(client, clerk_a, world):
    item = item_make(point=world.point_a)
    events = [_scan(item, event_id=str(i)) for i in range(10_001)]
    response = _post(client, {"source": "s", "events": events}, **_bearer(clerk_a))
    assert response.status_code == 413
    assert response.json()["detail"] == "At most 10,000 events per request, got 10,001."
    assert not TrackingEvent.objects.exists()


def test_10000_events_are_taken(client, clerk_a, world):
    items = [item_make(point=world.point_a) for _ in range(50)]
    events = [_scan(items[i % 50], event_id=str(i)) for i in range(10_000)]
    response = _post(client, {"source": "s", "events": events}, **_bearer(clerk_a))
    assert response.status_code == 200
    assert response.json()["accepted"] == 10_000
    assert TrackingEvent.objects.count() == 10_000


def test_a_body_larger_than_django_s_default_limit_is_read(client, clerk_a, world):
    items = [item_make(point=world.point_a) for _ in range(10)]
    events = [_scan(items[i % 10], event_id=str(i), note="ghi chú " * 37) for i in range(10_000)]
    body = json.dumps({"source": "s", "events": events})
    assert len(body.encode()) > 2.5 * 1024 * 1024  # Django's DATA_UPLOAD_MAX_MEMORY_SIZE
    response = _post(client, body, **_bearer(clerk_a))
    assert (response.status_code, response.json()["accepted"]) == (200, 10_000)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"\xff\xfe", 400),
        (b"", 400),
        (b"[1, 2]", 422),
        (b'{"source": "s"}', 422),
        (b'{"source": "s", "events": {}}', 422),
        (b'{"source": 5, "events": []}', 422),
        (b'{"source": "", "events": []}', 400),
        (b'{"source": "' + b"x" * 40 + b'", "events": []}', 400),
        (b"[" * 100_000 + b"]" * 100_000, 400),
    ],
)
def test_a_malformed_body_gets_a_clear_4xx(client, clerk_a, world, body, status):
    response = _post(client, body, **_bearer(clerk_a))
    assert response.status_code == status
    assert response.json()["detail"]


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
_event_like = st.fixed_dictionaries(
    {},
    optional={
        "s10": st.text(max_size=15) | st.integers() | st.none(),
        "code": st.sampled_from(["EMB", "EMH", "EMI", "XYZ", ""]) | _json,
        "occurred_at": st.sampled_from(["2026-03-02T09:00:00", "2026-13-45", ""]) | _json,
        "office_code": st.sampled_from(["240001", "999"]) | _json,
        "event_id": st.text(max_size=70) | st.integers() | _json,
        "reason": _json,
        "action": _json,
        "recipient_name": _json,
        "note": _json,
    },
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    payload=_json
    | st.fixed_dictionaries(
        {
            "source": st.just("fuzz") | st.text(max_size=40) | _json,
            "events": st.lists(_event_like | _json, max_size=6),
        }
    )
)
def test_no_shape_of_body_makes_a_500(client, clerk_a, world, payload):
    response = _post(client, payload, **_bearer(clerk_a))
    assert response.status_code in {200, 400, 413, 422}, response.content


_FIELDS = ["s10", "code", "occurred_at", "office_code", "event_id", "reason", "action"]
_FIELDS += ["recipient_name", "note"]


def _mutations(valid: dict) -> st.SearchStrategy:
    """A good scan with some fields dropped and others replaced by any JSON value."""
    changed = st.dictionaries(st.sampled_from(_FIELDS), _json, max_size=3)
    dropped = st.sets(st.sampled_from(list(valid)), max_size=2)
    return st.tuples(changed, dropped).map(
        lambda cd: {k: v for k, v in {**valid, **cd[0]}.items() if k not in cd[1]}
    )


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_broken_field_of_a_good_scan_makes_a_500(client, clerk_a, world, data):
    item = PostalItem.objects.filter(s10__startswith="RR").first() or item_make(point=world.point_a)
    serial = data.draw(st.integers(0, 10**9))
    valid = _scan(item, event_id=f"fz-{serial}")
    events = data.draw(st.lists(_mutations(valid) | st.just(valid), min_size=1, max_size=5))
    for i, event in enumerate(events):
        if isinstance(event, dict) and event.get("event_id") == valid["event_id"]:
            event["event_id"] = f"fz-{serial}-{i}"
    response = _post(client, {"source": "fuzz", "events": events}, **_bearer(clerk_a))
    assert response.status_code == 200, response.content
    assert response.json()["accepted"] + len(response.json()["rejected"]) <= len(events)


# --- GET /api/tracking/{s10} -----------------------------------------------------------------


def _delivered_item(clerk_a, world):
    item = item_make(point=world.point_a, recipient_commune=world.commune_b)
    for hours, code, extra in [
        (0, "EMB", {}),
        (3, "EDG", {}),
        (4, "EMH", {"reason": "absent", "action": "retry"}),
        (26, "EMI", {"recipient_name": "Nguyễn Văn An"}),
    ]:
        event_record(
            actor=clerk_a, item=item, code=code, at=T0 + dt.timedelta(hours=hours), **extra
        )
    return item


def test_anyone_tracks_an_item_and_sees_its_timeline(client, clerk_a, world):
    item = _delivered_item(clerk_a, world)
    response = client.get(f"/api/tracking/{item.s10}", **ENGLISH)
    assert response.status_code == 200
    data = response.json()
    assert data["s10"] == item.s10
    assert data["service"] == {"code": "registered", "label": data["service"]["label"]}
    assert data["status"] == {"code": "delivered", "label": "Delivered"}
    assert data["origin"] == {"commune": "Xã Đồng Đăng", "province": ""}
    assert data["destination"] == {"commune": "Xã Chi Lăng", "province": ""}
    assert data["delivered_at"] == "2026-03-03T11:00:00+07:00"
    assert [(e["code"], e["label"]) for e in data["events"]] == [
        ("EMB", "Arrived at the outward office"),
        ("EDG", "Out for delivery"),
        ("EMH", "Delivery attempt unsuccessful"),
        ("EMI", "Delivered"),
    ]
    first, _edg, failed, delivered = data["events"]
    assert (first["office_code"], first["office_name"]) == ("240001", "Bưu cục Đồng Đăng")
    assert (first["time"], first["time_display"]) == (
        "2026-03-02T09:00:00+07:00",
        "02/03/2026 09:00",
    )
    assert failed["reason"] == {"code": "absent", "label": "Recipient absent"}
    assert failed["action"] == {"code": "retry", "label": "Delivery will be attempted again"}
    assert delivered["received_by"] == "N.V.A."


def test_the_public_learns_no_name_nor_phone(client, clerk_a, world):
    item = _delivered_item(clerk_a, world)
    body = client.get(f"/api/tracking/{item.s10}").content.decode()
    for private in ("Nguyễn Văn An", "Trần Thị Bình", "0912345678", "0987654321", "Lê Lợi"):
        assert private not in body


def test_a_province_shows_when_the_geography_knows_it(client, clerk_a, world):
    from buudien.network.tests.factories import AdminAreaFactory

    province = AdminAreaFactory(code="20", level="province", name="Tỉnh Lạng Sơn")
    world.commune_b.parent = province
    world.commune_b.save()
    item = _delivered_item(clerk_a, world)
    data = client.get(f"/api/tracking/{item.s10}").json()
    assert data["destination"] == {"commune": "Xã Chi Lăng", "province": "Tỉnh Lạng Sơn"}


def test_the_id_is_read_normalised(client, clerk_a, world):
    item = _delivered_item(clerk_a, world)
    response = client.get(f"/api/tracking/{item.s10.lower()}")
    assert response.status_code == 200


def test_a_malformed_id_gets_400_with_the_fault(client, world):
    response = client.get("/api/tracking/RR12345", **ENGLISH)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "An S10 identifier has 13 characters, got 7.",
        "fault": "length",
    }


def test_a_wrong_check_digit_gets_400_naming_the_expected_digit(client, world):
    good = s10_make("RR", 12345678)  # RR123456785VN
    response = client.get(f"/api/tracking/{good[:10]}9VN", **ENGLISH)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Wrong check digit: expected 5, got 9.",
        "fault": "check_digit_mismatch",
    }


def test_an_unknown_id_gets_404(client, world):
    response = client.get(f"/api/tracking/{s10_make('RR', 12345678)}", **ENGLISH)
    assert response.status_code == 404
    assert response.json() == {"detail": "No item with this number."}


def test_a_kt1_item_gets_exactly_the_answer_of_an_unknown_one(client, kt1_operator, world):
    secret = item_make(point=world.point_a, service="kt1")
    event_record(actor=kt1_operator, item=secret, code="EMB", point=world.point_a, at=T0)
    unknown = s10_make(secret.s10[:2], int(secret.s10[2:10]) + 1)
    for language in ({}, ENGLISH):
        for_secret = client.get(f"/api/tracking/{secret.s10}", **language)
        for_unknown = client.get(f"/api/tracking/{unknown}", **language)
        assert for_secret.status_code == for_unknown.status_code == 404
        assert for_secret.content == for_unknown.content
        assert dict(for_secret.headers) == dict(for_unknown.headers)


def test_tracking_is_public_and_leaves_no_session(client, clerk_a, world):
    item = _delivered_item(clerk_a, world)
    response = client.get(f"/api/tracking/{item.s10}")
    assert response.status_code == 200
    assert not response.cookies
    assert "Cookie" not in response.headers.get("Vary", "")


def test_an_item_without_events_has_an_empty_timeline(client, world):
    item = item_make(point=world.point_a, recipient_commune=world.commune_b)
    item_make(point=world.point_b, service="kt1")  # another item, whose events are not its
    response = client.get(f"/api/tracking/{item.s10}", **ENGLISH)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["s10"] == item.s10
    assert data["events"] == []
    assert data["origin"]["commune"] == world.point_a.commune.name


def test_the_lookup_answers_get_only_and_leaves_the_events_path_to_the_scanners(client):
    # The lookup is served ahead of ninja (buudien.api.direct_urls): other methods and the
    # router's fixed path answer as ninja does.
    refused = client.post(f"/api/tracking/{s10_make('RR', 7)}")
    assert refused.status_code == 405
    assert refused.headers["Allow"] == "GET"
    assert client.get(EVENTS).status_code == 405
    assert client.post(EVENTS, b"{}", content_type="application/json").status_code == 401


def test_a_timeline_takes_one_query(client, clerk_a, world, monkeypatch):
    item = _delivered_item(clerk_a, world)
    calls = []
    run = tracking_selectors.rows

    def counted(*args, **kwargs):
        calls.append(args[0])
        return run(*args, **kwargs)

    monkeypatch.setattr(tracking_selectors, "rows", counted)
    assert client.get(f"/api/tracking/{item.s10}").status_code == 200
    assert len(calls) == 1
    assert client.get(f"/api/tracking/{s10_make('RR', 1)}").status_code == 404
    assert len(calls) == 2


@pytest.mark.parametrize("field", ["office_code", "event_id", "note", "recipient_name"])
def test_a_nul_in_one_scan_rejects_that_scan_only(client, clerk_a, world, field):
    item = item_make(point=world.point_a)
    bad = {**_scan(item, event_id="nul-1"), field: "24\x0000"}
    good = _scan(item, code="EDG", event_id="nul-2", occurred_at="2026-03-02T10:00:00+07:00")

    response = _post(client, {"source": "scanner", "events": [bad, good]}, **_bearer(clerk_a))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["accepted"] == 1
    assert [(r["index"], r["fault"]) for r in body["rejected"]] == [(0, "bad_field")]
