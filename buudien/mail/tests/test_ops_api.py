# ruff: noqa: F811  (fixtures imported from ops_factories are parameters of the tests)
"""/api/mail/ops/: bags and rounds end to end, refusals that change nothing, and no 500 on
any input."""

from __future__ import annotations

import datetime as dt

import pytest

from buudien.finance.models import Entry
from buudien.mail.choices import EventCode, MailService
from buudien.mail.models import Bag, BagItem, DeliveryAttempt, DeliveryRound
from buudien.mail.tests.ops_factories import (  # noqa: F401
    BLANK_PAD,
    SIGNED,
    codes,
    delete_json,
    english,
    ops_item,
    post_json,
    postman_b,
    tariffs,
)
from buudien.mail.tracking.services import event_record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

API = "/api/mail/ops"


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


# --- bags ---------------------------------------------------------------------------------


def test_a_bag_through_the_api(world, clerk_a, clerk_b, client_as, tariffs):
    first, second = (ops_item(point=world.point_a, delivery_point=world.point_b) for _ in "ab")
    client = client_as(clerk_a)

    opened = post_json(client, f"{API}/bags", {"destination_code": "240002"})
    assert opened.status_code == 201, opened.content
    code = opened.json()["code"]
    assert (code, opened.json()["origin_code"], opened.json()["status"]) == (
        "BG240001000001",
        "240001",
        "open",
    )
    for item in (first, second):
        added = post_json(client, f"{API}/bags/{code}/items", {"s10": item.s10.lower()})
        assert added.status_code == 200, added.content
    removed = delete_json(client, f"{API}/bags/{code}/items/{second.s10}")
    assert [line["s10"] for line in removed.json()["items"]] == [first.s10]
    assert post_json(client, f"{API}/bags/{code}/close").status_code == 200
    dispatched = client.post(f"{API}/bags/{code}/dispatch", content_type="application/json")
    assert dispatched.status_code == 200 and dispatched.json()["status"] == "dispatched"

    client = client_as(clerk_b)
    assert post_json(client, f"{API}/bags/{code}/receive", {}).status_code == 200
    opened_at_b = post_json(client, f"{API}/bags/{code}/open", {"scanned": [first.s10, second.s10]})
    assert opened_at_b.status_code == 200
    report = opened_at_b.json()
    assert (report["found"], report["missing"], report["extra"]) == (
        [first.s10],
        [],
        [second.s10],
    )
    assert report["bag"]["status"] == "opened"
    assert codes(first) == ["EMA", "EMC", "EMD", "EMG"]
    assert codes(second) == ["EMA"]
    listed = client.get(f"{API}/bags").json()
    assert [(b["code"], b["item_count"]) for b in listed] == [(code, 1)]


def test_another_office_cannot_touch_the_bag_through_the_api(world, clerk_a, clerk_b, client_as):
    item = ops_item(point=world.point_a, delivery_point=world.point_b)
    code = post_json(client_as(clerk_a), f"{API}/bags", {"destination_code": "240002"}).json()[
        "code"
    ]
    client = client_as(clerk_b)
    refused = post_json(client, f"{API}/bags/{code}/items", {"s10": item.s10})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only the office that sends the bag may do this."
    assert post_json(client, f"{API}/bags/{code}/close").status_code == 403
    assert not BagItem.objects.exists()
    assert Bag.objects.get().status == "open"


def test_an_auditor_scans_nothing_into_or_out_of_bags_nor_starts_rounds(
    world, clerk_a, clerk_b, auditor, postman_b, client_as, tariffs
):
    item = ops_item(point=world.point_a, delivery_point=world.point_b)
    sent = ops_item(point=world.point_a, delivery_point=world.point_b)
    clerk = client_as(clerk_a)
    code = post_json(clerk, f"{API}/bags", {"destination_code": "240002"}).json()["code"]
    other = post_json(clerk, f"{API}/bags", {"destination_code": "240002"}).json()["code"]
    post_json(clerk, f"{API}/bags/{other}/items", {"s10": sent.s10})
    post_json(clerk, f"{API}/bags/{other}/close")
    post_json(clerk, f"{API}/bags/{other}/dispatch")
    before = (
        list(Bag.objects.order_by("id").values_list("status", flat=True)),
        BagItem.objects.count(),
        codes(item),
        codes(sent),
    )
    client = client_as(auditor)

    refused = [
        post_json(client, f"{API}/bags", {"origin_code": "240001", "destination_code": "240002"}),
        post_json(client, f"{API}/bags/{code}/items", {"s10": item.s10}),
        post_json(client, f"{API}/bags/{code}/close"),
        post_json(client, f"{API}/bags/{other}/receive", {}),
        post_json(client, f"{API}/bags/{other}/open", {"scanned": [sent.s10]}),
        post_json(
            client,
            f"{API}/rounds",
            {"point_code": "240002", "postman": "postman_b", "s10": [sent.s10]},
        ),
    ]

    assert [r.status_code for r in refused] == [403] * len(refused), [r.content for r in refused]
    assert all(r.json()["detail"] for r in refused)
    after = (
        list(Bag.objects.order_by("id").values_list("status", flat=True)),
        BagItem.objects.count(),
        codes(item),
        codes(sent),
    )
    assert after == before
    assert client.get(f"{API}/bags/{code}").status_code == 200  # reading is allowed


def test_a_bag_of_another_province_does_not_exist(world, clerk_a, outsider, client_as):
    code = post_json(client_as(clerk_a), f"{API}/bags", {"destination_code": "240002"}).json()[
        "code"
    ]
    client = client_as(outsider)
    assert client.get(f"{API}/bags/{code}").status_code == 404
    assert client.get(f"{API}/bags/BG999999000001").status_code == 404
    assert client.get(f"{API}/bags").json() == []


def test_scanning_a_delivered_kt1_unknown_or_malformed_item(
    world, clerk_a, client_as, tariffs, kt1_operator
):
    delivered = ops_item(point=world.point_a, status="delivered")
    secret = ops_item(point=world.point_a, service=MailService.KT1)
    client = client_as(clerk_a)
    code = post_json(client, f"{API}/bags", {"destination_code": "240002"}).json()["code"]

    refused = post_json(client, f"{API}/bags/{code}/items", {"s10": delivered.s10})
    assert refused.status_code == 400 and refused.json()["field"] == "s10"
    kt1 = post_json(client, f"{API}/bags/{code}/items", {"s10": secret.s10})
    unknown = post_json(client, f"{API}/bags/{code}/items", {"s10": "KT999999995VN"})
    assert kt1.status_code == unknown.status_code == 404
    assert kt1.json() == unknown.json() == {"detail": "No item with this number.", "field": "s10"}
    malformed = post_json(client, f"{API}/bags/{code}/items", {"s10": "RR12345678VN"})
    assert malformed.status_code == 400
    assert not BagItem.objects.exists()


# --- rounds -------------------------------------------------------------------------------


def test_a_round_through_the_api(world, clerk_b, postman_b, client_as, tariffs):
    cod = _arrived_at_b(world, clerk_b, cod_amount=120_000)
    absent = _arrived_at_b(world, clerk_b)
    client = client_as(postman_b)

    started = post_json(
        client, f"{API}/rounds", {"postman": "postman_b", "s10": [cod.s10, absent.s10]}
    )
    assert started.status_code == 201, started.content
    round_id = started.json()["id"]
    assert [a["outcome"] for a in started.json()["attempts"]] == ["pending", "pending"]

    wrong = post_json(
        client,
        f"{API}/rounds/{round_id}/items/{cod.s10}/deliver",
        {"recipient_name": "An", "cod_collected": 100_000},
    )
    assert wrong.status_code == 400 and wrong.json()["field"] == "cod_collected"
    delivered = post_json(
        client,
        f"{API}/rounds/{round_id}/items/{cod.s10}/deliver",
        {"recipient_name": "An", "cod_collected": 120_000, "signature": SIGNED},
    )
    assert delivered.status_code == 200
    assert delivered.json()["outcome"] == "delivered"
    again = post_json(
        client,
        f"{API}/rounds/{round_id}/items/{cod.s10}/deliver",
        {"recipient_name": "An", "cod_collected": 120_000, "signature": SIGNED},
    )
    assert again.status_code == 400
    assert Entry.objects.filter(kind="cod_collected").count() == 1

    pending = post_json(client, f"{API}/rounds/{round_id}/close")
    assert pending.status_code == 400
    assert pending.json()["errors"] == {"attempts": [absent.s10]}
    failed = post_json(
        client,
        f"{API}/rounds/{round_id}/items/{absent.s10}/fail",
        {"reason": "absent", "action": "retry"},
    )
    assert failed.status_code == 200 and failed.json()["outcome"] == "failed"
    closed = post_json(client, f"{API}/rounds/{round_id}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert client.get(f"{API}/rounds/{round_id}").json()["status"] == "closed"


def test_a_round_with_an_item_not_at_the_office_is_refused_whole(
    world, clerk_b, postman_b, client_as, tariffs
):
    ready = _arrived_at_b(world, clerk_b)
    elsewhere = ops_item(point=world.point_a, delivery_point=world.point_b)
    response = post_json(
        client_as(clerk_b),
        f"{API}/rounds",
        {"postman": "postman_b", "s10": [ready.s10, elsewhere.s10]},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"items": [f"{elsewhere.s10} is accepted."]}
    assert not DeliveryRound.objects.exists()
    assert codes(ready) == ["EMA", "EMG"]


def test_another_postman_cannot_see_or_record_my_round(
    world, clerk_b, postman_b, client_as, tariffs
):
    from buudien.people.tests.factories import UserFactory

    other = UserFactory(username="postman_x", role="postman", unit=world.unit_b)
    item = _arrived_at_b(world, clerk_b)
    round_id = post_json(
        client_as(postman_b), f"{API}/rounds", {"postman": "postman_b", "s10": [item.s10]}
    ).json()["id"]
    client = client_as(other)
    assert client.get(f"{API}/rounds/{round_id}").status_code == 404
    refused = post_json(
        client, f"{API}/rounds/{round_id}/items/{item.s10}/deliver", {"recipient_name": "An"}
    )
    assert refused.status_code == 404
    assert DeliveryAttempt.objects.get().outcome == "pending"


# --- no 500 on any input --------------------------------------------------------------------

GARBAGE = [
    None,
    [],
    "text",
    12,
    {"s10": None},
    {"s10": "x" * 10_000},
    {"s10": "\x00"},
    {"destination_code": "../../etc"},
    {"destination_code": "240002", "at": "yesterday"},
    {"destination_code": "240002", "at": "2999-01-01T00:00:00"},
    {"destination_code": "240002", "at": "1900-01-01T00:00:00"},
    {"postman": "postman_b", "s10": []},
    {"postman": "postman_b", "s10": ["RR000000000VN"] * 2000},
    {"postman": "\x00", "s10": ["\x00"]},
    {"recipient_name": "An", "cod_collected": 10**30},
    {"recipient_name": "An", "cod_collected": -1},
    {"recipient_name": "\x00", "signature": "data:image/png;base64,%%%"},
    {"reason": "absent", "action": "retry", "note": "\x00"},
    {"reason": None, "action": ["retry"]},
    {"scanned": ["x"] * 3},
    {"scanned": "RR"},
    {"s10": "KT999999995VN", "to_username": "kt1_b"},
]


def test_no_input_makes_the_api_fail_with_500(
    world, clerk_a, clerk_b, postman_b, kt1_operator, client_as, tariffs
):
    item = _arrived_at_b(world, clerk_b)
    bag = post_json(client_as(clerk_a), f"{API}/bags", {"destination_code": "240002"}).json()
    round_id = post_json(
        client_as(clerk_b), f"{API}/rounds", {"postman": "postman_b", "s10": [item.s10]}
    ).json()["id"]
    urls = [
        f"{API}/bags",
        f"{API}/bags/{bag['code']}/items",
        f"{API}/bags/{bag['code']}/close",
        f"{API}/bags/{bag['code']}/dispatch",
        f"{API}/bags/{bag['code']}/receive",
        f"{API}/bags/{bag['code']}/open",
        f"{API}/bags/%00/items",
        f"{API}/rounds",
        f"{API}/rounds/{round_id}/items/{item.s10}/deliver",
        f"{API}/rounds/{round_id}/items/{item.s10}/fail",
        f"{API}/rounds/99999999999999999999999/close",
        f"{API}/rounds/-1/items/x/deliver",
        f"{API}/rounds/{round_id}/close",
        f"{API}/kt1/handovers",
        f"{API}/kt1/handovers/99999999999999999999999/confirm",
        f"{API}/kt1/handovers/abc/confirm",
    ]
    for user in (clerk_a, clerk_b, postman_b, kt1_operator):
        client = client_as(user)
        for url in urls:
            for payload in GARBAGE:
                response = post_json(client, url, payload)
                assert response.status_code < 500, (user, url, payload, response.content)
            assert (
                client.post(url, data="{not json", content_type="application/json").status_code
                < 500
            )
        for url in (
            f"{API}/rounds/99999999999999999999999",
            f"{API}/rounds/{'9' * 5000}",
            f"{API}/items/{'R' * 5000}",
            f"{API}/bags/{'B' * 5000}",
            f"{API}/kt1/items/%00",
            f"{API}/daily-counts?day=0000-00-00",
            f"{API}/items?date_from=99999-01-01",
            f"{API}/bags?limit=99999999999999999999999",
        ):
            assert client.get(url).status_code < 500, url


def test_anonymous_callers_get_401(client):
    for url in (f"{API}/bags", f"{API}/items", f"{API}/daily-counts"):
        assert client.get(url).status_code == 401
    assert post_json(client, f"{API}/bags", {"destination_code": "240002"}).status_code == 401


def test_the_openapi_document_lists_the_operations(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {
        "/api/mail/ops/bags",
        "/api/mail/ops/bags/{code}/open",
        "/api/mail/ops/rounds/{round_id}/items/{s10}/deliver",
        "/api/mail/ops/kt1/handovers/{transfer_id}/confirm",
        "/api/mail/ops/daily-counts",
    } <= set(paths)


def test_the_api_records_no_delivery_of_a_cod_item_without_a_proof(
    world, clerk_b, postman_b, client_as, tariffs
):
    cod = _arrived_at_b(world, clerk_b, cod_amount=50_000)
    client = client_as(postman_b)
    started = post_json(client, f"{API}/rounds", {"postman": "postman_b", "s10": [cod.s10]})
    deliver = f"{API}/rounds/{started.json()['id']}/items/{cod.s10}/deliver"
    for signature in ("", BLANK_PAD):
        refused = post_json(
            client,
            deliver,
            {"recipient_name": "An", "cod_collected": 50_000, "signature": signature},
        )
        assert refused.status_code == 400
        assert refused.json()["field"] == "signature"
        assert refused.json()["detail"] == (
            f"{cod.s10} is delivered against a proof: the recipient's signature on the phone "
            "or a photo of the hand-over."
        )
    assert DeliveryAttempt.objects.get(item=cod).outcome == "pending"
    assert not Entry.objects.filter(kind="cod_collected").exists()
