"""Lists of items (bảng kê): acceptance all or nothing, S10 blocks, one ledger entry per item,
the import kind ``items``, the API and the page; refusals that change nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import threading

import pytest
from django.db import connections, transaction
from openpyxl import Workbook

from buudien.core.bizdays import VIETNAM
from buudien.core.errors import AccessDenied, DomainError
from buudien.core.imports import ImportFailed, import_file
from buudien.core.models import AuditEntry, Sequence
from buudien.core.s10 import s10_parse
from buudien.finance import ledger
from buudien.finance.models import Account, Entry, Transfer
from buudien.mail.acceptance import services
from buudien.mail.batches.labels import labels_pdf
from buudien.mail.batches.services import (
    BatchRow,
    Lookups,
    items_accept_batch,
    items_batch_problems,
    s10_take_block,
)
from buudien.mail.choices import EventCode, ItemStatus
from buudien.mail.ledger import item_entries
from buudien.mail.models import PostalItem, RemoteCommune, TrackingEvent
from buudien.mail.tests.factories import ItemFactory, tariffs_for_all_services
from buudien.network.choices import PointKind
from buudien.network.models import AdminAreaSuccession
from buudien.network.tests.factories import AdminAreaFactory, LegacyCommuneFactory, PointFactory

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 3, 10, 9, 30, tzinfo=VIETNAM)
API = "/api/mail/batches"  # as mounted in buudien/api.py; the pages at /mail/batches/


@pytest.fixture(autouse=True)
def tariffs(db):
    return tariffs_for_all_services()


def _state():
    return (
        PostalItem.objects.count(),
        TrackingEvent.objects.count(),
        Entry.objects.count(),
        Transfer.objects.count(),
        AuditEntry.objects.count(),
        sorted(Sequence.objects.values_list("name", "value")),
    )


def _row(commune=None, **changes):
    values = {
        "recipient_name": "Hoàng Thị Bình",
        "recipient_phone": "0987654321",
        "recipient_address": "Thôn Pò Mỏ",
        "recipient_commune": commune,
        "weight_g": 18,
    }
    values.update(changes)
    return BatchRow(**values)


def _accept(actor, point, rows, **changes):
    values = {
        "actor": actor,
        "point": point,
        "service": "registered",
        "sender_name": "Cửa hàng Đặc sản Xứ Lạng",
        "sender_phone": "0987123456",
        "sender_address": "Số 18 đường Tam Thanh",
        "rows": rows,
        "at": AT,
        "reference": "BK-2026-031",
    }
    values.update(changes)
    return items_accept_batch(**values)


def _legs(entry):
    return sorted(
        (t.debit.code, t.credit.code, t.amount, t.service)
        for t in Transfer.objects.filter(entry=entry).select_related("debit", "credit")
    )


# --- S10 blocks ---------------------------------------------------------------------------------


def _takes(point, prefix, count):
    """What ``count`` calls of ``s10_take`` give, rolled back afterwards."""
    with transaction.atomic():
        numbers = [services.s10_take(point=point, prefix=prefix) for _i in range(count)]
        transaction.set_rollback(True)
    return numbers


@pytest.mark.parametrize(("counted", "count"), [(0, 5), (3, 4), (997, 7), (998, 2_005)])
def test_a_block_of_serials_is_what_s10_take_gives_one_by_one(world, counted, count):
    if counted:
        Sequence.objects.create(name="s10:240001:RR", value=counted)
        Sequence.objects.create(name="s10:240001:RR:block", value=4)
    Sequence.objects.create(name="s10:RR:blocks", value=6)
    one_by_one = _takes(world.point_a, "RR", count + 1)

    block = s10_take_block(point=world.point_a, prefix="RR", count=count)

    assert block == one_by_one[:-1]
    # The counters end where the single takes would have left them.
    assert services.s10_take(point=world.point_a, prefix="RR") == one_by_one[-1]


def test_a_block_crossing_a_thousand_takes_the_next_national_block(world):
    Sequence.objects.create(name="s10:240001:RR", value=services.S10_BLOCK - 2)
    Sequence.objects.create(name="s10:240001:RR:block", value=7)
    Sequence.objects.create(name="s10:RR:blocks", value=9)

    block = s10_take_block(point=world.point_a, prefix="RR", count=4)

    assert [s10_parse(s).serial for s in block] == [6_999, 7_000, 9_001, 9_002]
    assert Sequence.objects.get(name="s10:RR:blocks").value == 10
    assert Sequence.objects.get(name="s10:240001:RR:block").value == 10
    assert Sequence.objects.get(name="s10:240001:RR").value == services.S10_BLOCK + 2


# --- accepting a list ------------------------------------------------------------------------


def test_it_accepts_a_list_with_a_ledger_entry_per_item(clerk_a, world):
    rows = [
        _row(world.commune_b),
        _row(world.commune_b, weight_g=450, addons=("ar",)),
        _row(world.commune_a, recipient_name="Lương Văn Hùng", cod_amount=350_000),
    ]

    result = _accept(clerk_a, world.point_a, rows)

    items = result.items
    assert [s10_parse(i.s10).serial for i in items] == [1, 2, 3]
    # 13,000; 25,000 + AR 5,000; 13,000 + COD fee 12,000 — each with 8 % VAT.
    assert [(i.price_base, i.price_addons, i.price_vat, i.price_total) for i in items] == [
        (13_000, 0, 1_040, 14_040),
        (25_000, 5_000, 2_400, 32_400),
        (13_000, 12_000, 2_000, 27_000),
    ]
    assert (result.total, result.vat) == (73_440, 5_440)
    assert [i.delivery_point for i in items] == [world.point_b, world.point_b, world.point_a]
    stored = list(PostalItem.objects.order_by("s10"))
    assert [i.pk for i in stored] == [i.pk for i in items]
    assert {(i.status, i.last_event_code, i.accepted_by_id) for i in stored} == {
        (ItemStatus.ACCEPTED, EventCode.EMA, clerk_a.pk)
    }
    assert stored[0].sender_name == "Cửa hàng Đặc sản Xứ Lạng"
    events = TrackingEvent.objects.order_by("item__s10")
    assert [(e.item_id, e.code, e.point_id, e.office_code, e.actor_id) for e in events] == [
        (i.pk, "EMA", world.point_a.pk, "240001", clerk_a.pk) for i in items
    ]
    assert {e.occurred_at for e in events} == {AT}

    entries = list(Entry.objects.order_by("id"))
    assert entries == result.entries
    assert [(e.idempotency_key, e.kind, e.reference, e.point) for e in entries] == [
        (f"mail:fee:{item.pk}", "fee", f"item:{item.s10}", world.point_a) for item in items
    ]
    assert [e.memo for e in entries] == [f"Bảng kê BK-2026-031, bưu gửi {n}/3" for n in (1, 2, 3)]
    assert {e.business_date for e in entries} == {dt.date(2026, 3, 10)}
    assert [_legs(e) for e in entries] == [
        [
            ("1111.240001", "3331", 1_040, "registered"),
            ("1111.240001", "5113.registered", 13_000, "registered"),
        ],
        [
            ("1111.240001", "3331", 2_400, "registered"),
            ("1111.240001", "5113.registered", 30_000, "registered"),
        ],
        [
            ("1111.240001", "3331", 2_000, "registered"),
            ("1111.240001", "5113.registered", 25_000, "registered"),
        ],
    ]
    # Each item's fee is found, and reversed, as that of an item accepted alone.
    assert list(item_entries(items[1])) == [entries[1]]
    audit = AuditEntry.objects.get(action="item.accept_batch")
    assert (audit.actor, audit.object_id, audit.object_repr) == (
        clerk_a,
        items[0].s10,
        "BK-2026-031",
    )
    assert audit.after["items"] == [i.s10 for i in items]
    assert (audit.after["count"], audit.after["total"], audit.after["entries"]) == (
        3,
        73_440,
        [e.pk for e in entries],
    )


def test_one_item_of_a_list_is_reversed_alone(clerk_a, world):
    items = _accept(clerk_a, world.point_a, [_row(world.commune_b)] * 2).items
    first, second = (item_entries(item).get() for item in items)
    drawer = ledger.account_for_drawer(world.point_a)
    before = Account.objects.get(pk=drawer.pk).balance

    reversal = ledger.entry_reverse(actor=clerk_a, entry=first, idempotency_key="undo-1")

    assert reversal.reverses == first
    assert Account.objects.get(pk=drawer.pk).balance == before - 14_040
    assert list(item_entries(items[1])) == [second]


def test_a_list_prices_and_routes_each_item_as_a_single_acceptance_does(clerk_a, world):
    saigon = AdminAreaFactory(province_code="79")
    remote = AdminAreaFactory(name="Xã Mẫu Sơn")
    RemoteCommune.objects.create(commune=remote, valid_from=dt.date(2025, 7, 1))
    PointFactory(code="240050", kind=PointKind.BC2, unit=world.unit_b, commune=world.commune_b)
    legacy = LegacyCommuneFactory(code="06190", name="Xã Chi Lăng cũ")
    AdminAreaSuccession.objects.create(legacy=legacy, successor=world.commune_b)
    cases = [
        {"recipient_commune": saigon, "weight_g": 2_600},
        {
            "recipient_commune": remote,
            "weight_g": 900,
            "declared_value": 2_000_000,
            "addons": ("insurance",),
        },
        {
            "recipient_commune": legacy,
            "weight_g": 300,
            "length_mm": 400,
            "width_mm": 300,
            "height_mm": 200,
        },
        {"recipient_commune": world.commune_b, "weight_g": 1_200, "cod_amount": 500_000},
    ]
    fields = [
        "zone",
        "remote",
        "charged_weight_g",
        "price_base",
        "price_surcharge",
        "price_addons",
        "price_vat",
        "price_total",
        "addons",
        "recipient_commune_id",
        "delivery_point_id",
        "tariff_id",
        "accepted_on",
    ]

    listed = _accept(
        clerk_a, world.point_a, [_row(**case) for case in cases], service="parcel"
    ).items
    single = [
        ItemFactory(actor=clerk_a, point=world.point_a, service="parcel", at=AT, **case)
        for case in cases
    ]

    assert [[getattr(i, f) for f in fields] for i in listed] == [
        [getattr(i, f) for f in fields] for i in single
    ]


def test_rows_may_name_their_own_sender(clerk_a, world):
    rows = [
        _row(world.commune_b, sender_name="Vi Thị Hoa", sender_phone="0912000111"),
        _row(world.commune_b),
    ]
    items = _accept(clerk_a, world.point_a, rows, sender_name="Khách tại quầy").items
    assert [(i.sender_name, i.sender_phone) for i in items] == [
        ("Vi Thị Hoa", "0912000111"),
        ("Khách tại quầy", "0987123456"),
    ]


def test_a_kt1_operator_accepts_a_kt1_list_with_an_audit_entry_per_item(kt1_operator, world):
    rows = [
        _row(world.commune_b, kt1_grade="b", kt1_urgency="hoa_toc"),
        _row(world.commune_b, kt1_grade="A"),
    ]
    items = _accept(kt1_operator, world.point_a, rows, service="kt1").items
    assert [(i.s10[:2], i.kt1_grade, i.kt1_urgency) for i in items] == [
        ("KT", "B", "hoa_toc"),
        ("KT", "A", ""),
    ]
    audited = AuditEntry.objects.filter(action="item.accept").order_by("object_id")
    assert [a.object_id for a in audited] == [str(i.pk) for i in items]


def test_shared_lookups_give_the_same_items(clerk_a, world):
    lookups = Lookups()
    first = _accept(clerk_a, world.point_a, [_row(world.commune_b)], lookups=lookups)
    second = _accept(clerk_a, world.point_a, [_row(world.commune_b)], lookups=lookups, reference="")
    assert first.items[0].price_total == second.items[0].price_total == 14_040
    assert second.reference == second.items[0].s10
    assert Entry.objects.count() == 2


def test_only_a_day_gives_this_time_of_that_day(clerk_a, world):
    result = _accept(
        clerk_a, world.point_a, [_row(world.commune_b)], at=None, day=dt.date(2026, 3, 9)
    )
    assert result.items[0].accepted_on == dt.date(2026, 3, 9)
    assert [e.business_date for e in result.entries] == [dt.date(2026, 3, 9)]


# --- refusals change nothing -------------------------------------------------------------------


def test_one_bad_row_refuses_the_list_with_every_problem(clerk_a, world):
    before = _state()
    rows = [
        _row(world.commune_b),
        _row(world.commune_b, weight_g=2_600),
        _row(None),
        _row(world.commune_b, recipient_name=" "),
        _row(world.commune_b, recipient_address="x" * 301),
        _row(world.commune_b, kt1_grade="A"),
        _row(world.commune_b, addons=("gift",)),
    ]

    with pytest.raises(ImportFailed) as refused:
        _accept(clerk_a, world.point_a, rows)

    assert [(e.row, e.column) for e in refused.value.errors] == [
        (3, "recipient_commune"),
        (4, "recipient_name"),
        (5, "recipient_address"),
        (6, "kt1_grade"),
        (7, "addons"),
    ]
    assert all(e.reason for e in refused.value.errors)
    assert _state() == before


def test_a_refused_row_is_reported_under_the_callers_column_and_line(clerk_a, world):
    before = _state()
    rows = [_row(world.commune_b, line=7), _row(None, line=9)]
    problems = items_batch_problems(
        actor=clerk_a,
        point=world.point_a,
        service="registered",
        sender_name="Shop",
        rows=rows,
        at=AT,
        columns={"recipient_commune": "recipient_commune_code"},
    )
    assert [(p.row, p.column) for p in problems] == [(9, "recipient_commune_code")]
    assert _state() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"service": "parcel", "rows_weight": 30_001}, "weight_g"),
        ({"service": "ordinary", "rows_cod": 100_000}, "cod_amount"),
    ],
)
def test_it_refuses_what_item_accept_refuses(clerk_a, world, changes, field):
    before = _state()
    row = _row(
        world.commune_b,
        weight_g=changes.get("rows_weight", 18),
        cod_amount=changes.get("rows_cod", 0),
    )
    with pytest.raises(ImportFailed) as refused:
        _accept(clerk_a, world.point_a, [_row(world.commune_b), row], service=changes["service"])
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, field)]
    assert _state() == before


def test_it_refuses_a_clerk_of_another_point(clerk_b, world):
    before = _state()
    with pytest.raises(AccessDenied):
        _accept(clerk_b, world.point_a, [_row(world.commune_b)])
    assert _state() == before


def test_it_refuses_kt1_from_a_clerk_and_letters_from_a_kt1_operator(clerk_a, kt1_operator, world):
    before = _state()
    with pytest.raises(AccessDenied):
        _accept(clerk_a, world.point_a, [_row(world.commune_b, kt1_grade="A")], service="kt1")
    with pytest.raises(AccessDenied):
        _accept(kt1_operator, world.point_a, [_row(world.commune_b)])
    assert _state() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"at": dt.datetime(2024, 6, 3, 9, 0, tzinfo=VIETNAM)}, "service"),
        ({"rows": []}, "rows"),
        ({"sender_name": "  "}, "sender_name"),
        ({"reference": "x" * 101}, "reference"),
        ({"at": AT, "day": dt.date(2026, 3, 11)}, "at"),
        ({"service": "parcels"}, "service"),
    ],
)
def test_it_refuses_a_list_as_a_whole(clerk_a, world, changes, field):
    before = _state()
    values = {"rows": [_row(world.commune_b)], **changes}
    with pytest.raises(DomainError) as refused:
        _accept(clerk_a, world.point_a, **values)
    assert not isinstance(refused.value, ImportFailed)
    assert refused.value.field == field
    assert _state() == before


def test_a_list_is_accepted_once_under_its_key(clerk_a, world):
    _accept(clerk_a, world.point_a, [_row(world.commune_b)], key="shop-42")
    before = _state()
    with pytest.raises(DomainError) as refused:
        _accept(clerk_a, world.point_a, [_row(world.commune_b)], key="shop-42")
    assert refused.value.field == "key"
    assert _state() == before


def test_a_long_key_is_claimed_once_too(clerk_a, world):
    key = "cua-hang-dac-san-xu-lang/" + "2026-03-10/" * 6 + "BK-7"
    _accept(clerk_a, world.point_a, [_row(world.commune_b)], key=key)
    with pytest.raises(DomainError) as refused:
        _accept(clerk_a, world.point_a, [_row(world.commune_b)], key=key)
    assert refused.value.field == "key"
    assert _accept(clerk_a, world.point_a, [_row(world.commune_b)], key=key[:-1]).items


def test_a_refused_list_leaves_its_key_free(clerk_a, world):
    with pytest.raises(ImportFailed):
        _accept(clerk_a, world.point_a, [_row(world.commune_b, recipient_name=" ")], key="shop-43")
    assert len(_accept(clerk_a, world.point_a, [_row(world.commune_b)], key="shop-43").items) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_lists_racing_under_one_key_are_accepted_once(clerk_a, world):
    results, refusals, errors = [], [], []
    start = threading.Barrier(2)

    def send():
        try:
            start.wait()
            results.append(_accept(clerk_a, world.point_a, [_row(world.commune_b)], key="race"))
        except DomainError as exc:
            refusals.append(exc.field)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (errors, refusals, len(results)) == ([], ["key"], 1)
    assert PostalItem.objects.count() == Entry.objects.count() == 1


def test_a_closed_point_accepts_no_list(clerk_a, world):
    world.point_a.closed_on = dt.date(2026, 1, 1)
    world.point_a.save()
    before = _state()
    with pytest.raises(DomainError):
        _accept(clerk_a, world.point_a, [_row(world.commune_b)])
    assert _state() == before


# --- the import kind ---------------------------------------------------------------------------

HEADER = (
    "point_code,service,sender_name,sender_phone,sender_address,recipient_name,"
    "recipient_phone,recipient_address,recipient_commune_code,geography,weight_g,length_mm,"
    "width_mm,height_mm,declared_value,cod_amount,addons"
)


def _csv(*lines):
    return io.BytesIO(("\n".join([HEADER, *lines]) + "\n").encode())


def test_a_file_makes_one_list_per_point_service_and_sender(clerk_a, world):
    legacy = LegacyCommuneFactory(code="06190")
    AdminAreaSuccession.objects.create(legacy=legacy, successor=world.commune_a)
    source = _csv(
        "240001,registered,Shop A,0911,,Lan,,Thôn Pò Mỏ,06002,,18,,,,,,",
        "240001,parcel,Shop A,0911,,Hùng,,Khối 3,06002,2025,1.200,300,200,150,0,250.000 đ,ar",
        "240001,registered,Shop A,0911,,Hoa,,Thôn Nà Sla,06190,legacy,40,,,,,,ar",
        "240001,registered,Shop B,,,Minh,,Số 2 Lê Lợi,06001,,18,,,,,,",
    )

    result = import_file("items", source, actor=clerk_a, name="bang-ke.csv")

    assert result.created == 4
    assert Entry.objects.filter(kind="fee").count() == 4  # one per item
    lists = [
        sorted(
            PostalItem.objects.filter(s10__in=a.after["items"]).values_list(
                "recipient_name", flat=True
            )
        )
        for a in AuditEntry.objects.filter(action="item.accept_batch").order_by("id")
    ]
    assert lists == [["Hoa", "Lan"], ["Hùng"], ["Minh"]]
    parcel = PostalItem.objects.get(recipient_name="Hùng")
    assert (parcel.weight_g, parcel.cod_amount, [a["code"] for a in parcel.addons]) == (
        1_200,
        250_000,
        ["ar", "cod"],
    )
    assert PostalItem.objects.get(recipient_name="Hoa").recipient_commune == world.commune_a
    assert AuditEntry.objects.filter(action="import.items").count() == 1


def test_a_file_with_a_bad_row_is_refused_whole_by_row_and_column(clerk_a, world):
    before = _state()
    source = _csv(
        "240001,registered,Shop A,,,Lan,,Thôn Pò Mỏ,06002,,18,,,,,,",
        "249999,registered,Shop A,,,Lan,,Thôn Pò Mỏ,06002,,18,,,,,,",
        "240001,parcel,Shop A,,,Hùng,,Khối 3,09999,,1200,,,,,,",
        "240001,parcel,Shop A,,,Hùng,,Khối 3,06002,,31000,,,,,,",
        "240001,ordinary,Shop A,,,Hùng,,Khối 3,06002,,20,,,,,50000,",
        "240001,letters,Shop A,,,Hùng,,,06002,,abc,,,,,,",
    )

    with pytest.raises(ImportFailed) as refused:
        import_file("items", source, actor=clerk_a)

    assert [(e.row, e.column) for e in refused.value.errors] == [
        (3, "point_code"),
        (4, "recipient_commune_code"),
        (5, "weight_g"),
        (6, "cod_amount"),
        (7, "recipient_address"),
        (7, "service"),
        (7, "weight_g"),
    ]
    assert _state() == before


def test_a_file_without_the_point_or_service_column_is_refused_not_a_500(clerk_a, world, client_as):
    before = _state()
    header = HEADER.replace("point_code,", "").replace("service,", "")
    upload = io.BytesIO(f"{header}\nShop A,,,Lan,,Thôn Pò Mỏ,06002,,18,,,,,,\n".encode())
    upload.name = "bang-ke.csv"

    response = client_as(clerk_a).post("/api/mail/batches/file", {"file": upload})

    assert response.status_code == 400
    missing = {(e["column"], e["reason"]) for e in response.json()["errors"]}
    assert {("point_code", "thiếu cột này"), ("service", "thiếu cột này")} <= missing
    assert _state() == before


def test_a_file_of_another_point_is_refused_on_its_first_row(clerk_b, world):
    before = _state()
    with pytest.raises(ImportFailed) as refused:
        import_file(
            "items", _csv("240001,registered,Shop,,,Lan,,Thôn,06002,,18,,,,,,"), actor=clerk_b
        )
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "point_code")]
    assert _state() == before


def test_an_outsider_may_not_import_items(outsider, world):
    with pytest.raises(AccessDenied):
        import_file(
            "items", _csv("240001,registered,Shop,,,Lan,,Thôn,06002,,18,,,,,,"), actor=outsider
        )


# --- the API -----------------------------------------------------------------------------------


def _payload(**changes):
    payload = {
        "service": "registered",
        "point_code": "240001",
        "sender_name": "Cửa hàng Đặc sản Xứ Lạng",
        "reference": "BK-7",
        "items": [
            {
                "recipient_name": "Lan",
                "recipient_address": "Thôn Pò Mỏ",
                "recipient_commune_code": "06002",
                "weight_g": 18,
            },
            {
                "recipient_name": "Hùng",
                "recipient_address": "Khối 3",
                "recipient_commune_code": "6001",
                "weight_g": 120,
                "addons": ["ar"],
            },
        ],
    }
    payload.update(changes)
    return payload


def _post(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def test_the_api_accepts_a_list(client_as, clerk_a, world):
    response = _post(client_as(clerk_a), API, _payload())

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["reference"], body["count"], body["total"], body["vat"]) == (
        "BK-7",
        2,
        14_040 + 32_400,  # 13,000; and 25,000 up to 500 g + AR 5,000; 8 % VAT on each
        1_040 + 2_400,
    )
    assert body["entry_ids"] == list(Entry.objects.order_by("id").values_list("id", flat=True))
    assert len(body["entry_ids"]) == 2
    assert [i["recipient_name"] for i in body["items"]] == ["Lan", "Hùng"]


def test_the_api_refuses_a_list_with_its_problems_and_changes_nothing(client_as, clerk_a, world):
    before = _state()
    payload = _payload()
    payload["items"][0]["recipient_commune_code"] = "09999"

    response = _post(client_as(clerk_a), API, payload)

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "row": 1,
            "column": "recipient_commune_code",
            "reason": response.json()["errors"][0]["reason"],
        }
    ]
    assert _state() == before


def test_the_api_refuses_rows_by_number(client_as, clerk_a, world):
    before = _state()
    payload = _payload(service="ordinary")
    payload["items"][1]["cod_amount"] = 100_000
    response = _post(client_as(clerk_a), API, payload)
    assert response.status_code == 400
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(2, "cod_amount")]
    assert _state() == before


def test_the_api_refuses_another_point_and_the_public(client, client_as, clerk_b, world):
    before = _state()
    assert _post(client, API, _payload()).status_code == 401
    assert _post(client_as(clerk_b), API, _payload()).status_code == 403
    assert _state() == before


def test_the_api_accepts_a_spreadsheet(client_as, clerk_a, world):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["240001", "ems", "Shop", "", "", "Lan", "", "Thôn", "06002", "", 250] + [""] * 6)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "bang-ke.xlsx"

    response = client_as(clerk_a).post(f"{API}/file", {"file": data, "reference": "BK-9"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["count"], body["lists"][0]["reference"]) == (1, "BK-9")
    assert PostalItem.objects.get().service == "ems"


def test_the_api_prints_the_labels_of_a_list(client_as, clerk_a, clerk_b, outsider, world):
    items = _accept(clerk_a, world.point_a, [_row(world.commune_b), _row(world.commune_b)]).items
    numbers = [i.s10 for i in items]

    response = _post(client_as(clerk_a), f"{API}/labels.pdf", {"s10": numbers, "size": "a6"})

    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert _pages(response.content) == 2
    # Point B delivers these items: it may print them; an outsider learns nothing.
    assert _post(client_as(clerk_b), f"{API}/labels.pdf", {"s10": numbers}).status_code == 200
    assert _post(client_as(outsider), f"{API}/labels.pdf", {"s10": numbers}).status_code == 404


def _pages(pdf):
    return pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")


def test_one_pdf_holds_a_page_per_label(clerk_a, world):
    items = _accept(clerk_a, world.point_a, [_row(world.commune_b)] * 3).items
    pdf = labels_pdf(items)
    assert pdf.startswith(b"%PDF")
    assert _pages(pdf) == 3


# --- the page ----------------------------------------------------------------------------------


def test_a_clerk_uploads_a_list_and_gets_the_items_and_their_labels(client_as, clerk_a, world):
    client = client_as(clerk_a)
    assert client.get("/mail/batches/new/").status_code == 200
    upload = _csv(
        "240001,registered,Shop A,,,Lan,,Thôn Pò Mỏ,06002,,18,,,,,,",
        "240001,parcel,Shop A,,,Hùng,,Khối 3,06001,,900,,,,,150000,",
    )
    upload.name = "bang-ke.csv"

    response = client.post("/mail/batches/new/", {"file": upload, "reference": "BK-1"})

    assert response.status_code == 200
    items = list(PostalItem.objects.order_by("id"))
    page = response.content.decode()
    assert all(item.s10 in page for item in items)
    # The print button sends every number of the lists in one field.
    (numbers,) = re.findall(r'name="s10" value="([^"]*)"', page)
    assert numbers.split() == [item.s10 for item in items]
    pdf = client.post("/mail/batches/labels.pdf", {"s10": numbers, "size": "100x150"})
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert _pages(pdf.content) == 2


def test_the_page_lists_the_problems_and_accepts_nothing(client_as, clerk_a, world):
    before = _state()
    upload = _csv("240001,registered,Shop A,,,Lan,,Thôn Pò Mỏ,09999,,18,,,,,,")
    upload.name = "bang-ke.csv"

    response = client_as(clerk_a).post("/mail/batches/new/", {"file": upload})

    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="batch-problems"' in page
    assert "recipient_commune_code" in page
    assert _state() == before


def test_the_page_is_for_counters_only(client_as, director, world):
    assert client_as(director).get("/mail/batches/new/").status_code == 403


def test_the_template_has_the_columns_of_the_import(client):
    response = client.get("/mail/batches/template.csv")
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").splitlines()[0] == HEADER


def test_the_project_serves_the_batch_api_where_the_readme_says(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/mail/batches", "/api/mail/batches/file", "/api/mail/batches/labels.pdf"} <= set(
        paths
    )
