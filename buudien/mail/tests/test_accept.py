"""Accepting items at the counter: numbering, pricing, events, bookings, and refusals that
change nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from buudien.core.bizdays import VIETNAM
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.models import AuditEntry, Sequence
from buudien.core.s10 import s10_parse
from buudien.finance.models import Entry
from buudien.mail import selectors
from buudien.mail.acceptance import services
from buudien.mail.choices import EventCode, ItemStatus, Zone
from buudien.mail.models import PostalItem, TrackingEvent
from buudien.mail.tests.factories import ItemFactory, tariffs_for_all_services
from buudien.mail.tests.money import posted
from buudien.network.choices import AdminAreaLevel, PointKind
from buudien.network.models import AdminAreaSuccession
from buudien.network.tests.factories import AdminAreaFactory, LegacyCommuneFactory, PointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tariffs(db):
    return tariffs_for_all_services()


def _accept(actor, point, commune, **kwargs):
    return ItemFactory(actor=actor, point=point, recipient_commune=commune, **kwargs)


def _state():
    return (
        PostalItem.objects.count(),
        TrackingEvent.objects.count(),
        Entry.objects.count(),
        AuditEntry.objects.count(),
        sorted(Sequence.objects.values_list("name", "value")),
    )


# --- accepting ------------------------------------------------------------------------------


def test_it_accepts_a_registered_letter_with_its_event_and_booking(clerk_a, world):
    item = _accept(clerk_a, world.point_a, world.commune_b, weight_g=18)

    parts = s10_parse(item.s10)
    assert (parts.prefix, parts.serial, parts.country) == ("RR", 1, "VN")
    assert (item.status, item.last_event_code, item.zone) == (
        ItemStatus.ACCEPTED,
        EventCode.EMA,
        Zone.PROVINCE,
    )
    assert (item.price_base, item.price_vat, item.price_total) == (13_000, 1_040, 14_040)
    assert (item.province_code, item.recipient_province_code) == ("20", "20")
    assert item.accepted_by == clerk_a
    assert item.delivery_point == world.point_b  # the BĐVHX of the recipient's commune
    event = TrackingEvent.objects.get(item=item)
    assert (event.code, event.point, event.office_code, event.actor) == (
        EventCode.EMA,
        world.point_a,
        "240001",
        clerk_a,
    )
    assert event.occurred_at == item.accepted_at == item.last_event_at
    fee = posted(item)
    assert (fee.kind, fee.service, fee.point, fee.revenue, fee.vat, fee.drawer) == (
        "fee",
        "registered",
        world.point_a,
        13_000,
        1_040,
        14_040,
    )
    assert fee.business_date == item.accepted_on
    assert not AuditEntry.objects.filter(action="item.accept").exists()


def test_it_numbers_items_from_each_offices_own_sequence(clerk_a, clerk_b, world):
    first = _accept(clerk_a, world.point_a, world.commune_b)
    second = _accept(clerk_a, world.point_a, world.commune_b)
    at_b = _accept(clerk_b, world.point_b, world.commune_a)
    ems = _accept(clerk_a, world.point_a, world.commune_b, service="ems")

    # Point A took the first block of 1,000 serials of RR, point B the second.
    assert [s10_parse(i.s10).serial for i in (first, second, at_b, ems)] == [1, 2, 1_001, 1]
    assert [i.s10[:2] for i in (first, second, at_b, ems)] == ["RR", "RR", "RR", "EE"]
    assert Sequence.objects.get(name="s10:240001:RR").value == 2
    assert Sequence.objects.get(name="s10:240002:RR").value == 1


def test_an_office_takes_a_new_block_when_its_block_is_used_up(clerk_a, clerk_b, world):
    Sequence.objects.create(name="s10:240001:RR", value=services.S10_BLOCK - 1)
    Sequence.objects.create(name="s10:240001:RR:block", value=7)
    Sequence.objects.create(name="s10:RR:blocks", value=9)
    last = _accept(clerk_a, world.point_a, world.commune_b)
    after = _accept(clerk_a, world.point_a, world.commune_b)
    assert s10_parse(last.s10).serial == 7_000  # the last serial of block 7
    assert s10_parse(after.s10).serial == 9_001  # the first of block 10


def test_every_service_has_its_prefix(kt1_operator, clerk_a, world):
    prefixes = {}
    for service in ["registered", "ordinary", "parcel", "ems", "admin_delivery"]:
        prefixes[service] = _accept(clerk_a, world.point_a, world.commune_b, service=service).s10[
            :2
        ]
    kt1 = _accept(kt1_operator, world.point_a, world.commune_b, service="kt1", kt1_grade="B")
    prefixes["kt1"] = kt1.s10[:2]
    assert prefixes == services.S10_PREFIXES


def test_it_prefers_a_post_office_over_a_bdvhx_for_delivery(clerk_a, world):
    PointFactory(code="240050", kind=PointKind.BC2, unit=world.unit_b, commune=world.commune_b)
    PointFactory(
        code="240040",
        kind=PointKind.BC1,
        unit=world.unit_b,
        commune=world.commune_b,
        closed_on=dt.date(2024, 1, 1),
    )
    item = _accept(clerk_a, world.point_a, world.commune_b)
    assert item.delivery_point.code == "240050"


def test_it_leaves_the_delivery_office_empty_where_no_point_serves(clerk_a, world):
    nowhere = AdminAreaFactory(province_code="20")
    assert _accept(clerk_a, world.point_a, nowhere).delivery_point is None


def test_it_converts_a_legacy_commune_to_its_2025_commune(clerk_a, world):
    legacy = LegacyCommuneFactory(code="06190", name="Xã Chi Lăng cũ")
    AdminAreaSuccession.objects.create(legacy=legacy, successor=world.commune_b)
    item = _accept(clerk_a, world.point_a, legacy)
    assert item.recipient_commune == world.commune_b


def test_it_prices_to_another_region_and_a_remote_commune(clerk_a, world):
    saigon = AdminAreaFactory(province_code="79")
    item = _accept(clerk_a, world.point_a, saigon, service="parcel", weight_g=2_600)
    # 75,000 up to 2 kg + 2 extra steps of 7,000 = 89,000; VAT 8 % = 7,120.
    assert (item.zone, item.price_base, item.price_vat, item.price_total) == (
        Zone.COUNTRY,
        89_000,
        7_120,
        96_120,
    )
    assert item.recipient_province_code == "79"


def test_it_adds_the_cod_fee_when_an_item_carries_cod(clerk_a, world):
    item = _accept(clerk_a, world.point_a, world.commune_b, cod_amount=350_000, addons=["ar"])
    assert [a["code"] for a in item.addons] == ["ar", "cod"]
    assert (item.price_addons, item.cod_amount) == (17_000, 350_000)
    # (13,000 + 17,000) + 8 % VAT.
    assert item.price_total == 32_400
    assert posted(item).revenue == 30_000


def test_the_business_day_is_the_day_in_vietnam(clerk_a, world):
    at = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)  # 06:30 on 2 March in Hà Nội
    item = _accept(clerk_a, world.point_a, world.commune_b, at=at)
    assert item.accepted_on == dt.date(2026, 3, 2)
    assert posted(item).business_date == dt.date(2026, 3, 2)


def test_a_kt1_operator_accepts_kt1_with_an_audit_entry(kt1_operator, world):
    deadline = dt.datetime(2030, 1, 1, 9, 0, tzinfo=VIETNAM)
    item = _accept(
        kt1_operator,
        world.point_a,
        world.commune_b,
        service="kt1",
        kt1_grade="a",
        kt1_urgency="hen_gio",
        kt1_deadline=deadline,
    )
    assert (item.s10[:2], item.kt1_grade, item.kt1_urgency) == ("KT", "A", "hen_gio")
    entry = AuditEntry.objects.get(action="item.accept")
    assert (entry.actor, entry.object_id, entry.object_repr) == (
        kt1_operator,
        str(item.pk),
        item.s10,
    )
    assert entry.after["kt1_grade"] == "A" and entry.after["point"] == "240001"
    assert "recipient_name" not in entry.after  # the log does not spread the secret


# --- refusals that change nothing -----------------------------------------------------------


def _refused(error, actor, point, commune, **kwargs):
    before = _state()
    with pytest.raises(error) as caught:
        _accept(actor, point, commune, **kwargs)
    assert _state() == before
    return caught.value


def test_it_refuses_a_clerk_of_another_point(clerk_b, world):
    error = _refused(AccessDenied, clerk_b, world.point_a, world.commune_b)
    assert error.field == "point"


def test_it_refuses_kt1_from_a_clerk(clerk_a, world):
    _refused(AccessDenied, clerk_a, world.point_a, world.commune_b, service="kt1", kt1_grade="A")


def test_it_refuses_ordinary_mail_from_a_kt1_operator(kt1_operator, world):
    _refused(AccessDenied, kt1_operator, world.point_a, world.commune_b)


def test_a_public_administration_officer_accepts_administrative_deliveries_only(world):
    from buudien.people.tests.factories import UserFactory

    officer = UserFactory(
        username="hcc_a", role="hcc_officer", unit=world.unit_a, point=world.point_a
    )
    error = _refused(AccessDenied, officer, world.point_a, world.commune_b)
    assert "Chuyển phát hồ sơ và kết quả giải quyết TTHC" in error.message
    item = _accept(officer, world.point_a, world.commune_b, service="admin_delivery")
    assert item.s10.startswith("HC")


@pytest.mark.parametrize("persona", ["director", "outsider", "auditor"])
def test_it_refuses_roles_that_do_not_work_a_counter(request, persona, world):
    _refused(AccessDenied, request.getfixturevalue(persona), world.point_a, world.commune_b)


def test_it_refuses_kt1_without_a_grade(kt1_operator, world):
    error = _refused(DomainError, kt1_operator, world.point_a, world.commune_b, service="kt1")
    assert error.field == "kt1_grade"


def test_it_refuses_a_timed_kt1_without_a_deadline(kt1_operator, world):
    error = _refused(
        DomainError,
        kt1_operator,
        world.point_a,
        world.commune_b,
        service="kt1",
        kt1_grade="A",
        kt1_urgency="hen_gio",
    )
    assert error.field == "kt1_deadline"


def test_it_refuses_a_secrecy_grade_on_ordinary_mail(clerk_a, world):
    _refused(DomainError, clerk_a, world.point_a, world.commune_b, kt1_grade="A")


def test_it_refuses_an_overweight_parcel(clerk_a, world):
    error = _refused(
        DomainError, clerk_a, world.point_a, world.commune_b, service="parcel", weight_g=30_001
    )
    assert error.field == "weight_g"


def test_it_refuses_a_day_without_a_tariff(clerk_a, world):
    at = dt.datetime(2024, 6, 3, 9, 0, tzinfo=VIETNAM)
    error = _refused(DomainError, clerk_a, world.point_a, world.commune_b, at=at)
    assert "03/06/2024" in str(error.message)


def test_it_refuses_cod_on_ordinary_mail(clerk_a, world):
    error = _refused(
        DomainError,
        clerk_a,
        world.point_a,
        world.commune_b,
        service="ordinary",
        cod_amount=100_000,
    )
    assert error.field == "cod_amount"


def test_it_refuses_the_cod_fee_without_an_amount_to_collect(clerk_a, world, english):
    # The COD box ticked and no amount: no fee for cash that nobody will collect.
    error = _refused(
        DomainError, clerk_a, world.point_a, world.commune_b, addons=["cod"], cod_amount=0
    )
    assert error.field == "cod_amount"
    assert str(error.message) == "Cash on delivery needs the amount to collect from the recipient."


def test_the_cod_box_and_the_amount_together_charge_the_fee_once(clerk_a, world):
    item = _accept(clerk_a, world.point_a, world.commune_b, cod_amount=90_000, addons=["cod"])
    assert [a["code"] for a in item.addons] == ["cod"]
    assert (item.price_addons, item.cod_amount) == (12_000, 90_000)


def test_it_refuses_a_legacy_commune_that_became_nothing(clerk_a, world):
    error = _refused(DomainError, clerk_a, world.point_a, LegacyCommuneFactory())
    assert error.field == "recipient_commune"


def test_it_refuses_a_province_as_the_commune(clerk_a, world):
    province = AdminAreaFactory(level=AdminAreaLevel.PROVINCE, code="20", name="Tỉnh Lạng Sơn")
    _refused(DomainError, clerk_a, world.point_a, province)


def test_it_refuses_an_item_without_a_commune(clerk_a, world):
    error = _refused(DomainError, clerk_a, world.point_a, None)
    assert error.field == "recipient_commune"


def test_it_refuses_a_point_that_has_closed(clerk_a, world):
    world.point_a.closed_on = dt.date(2026, 1, 1)
    world.point_a.save()
    at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM)
    _refused(DomainError, clerk_a, world.point_a, world.commune_b, at=at)


def test_it_refuses_a_name_too_long_and_takes_no_serial(clerk_a, world):
    error = _refused(DomainError, clerk_a, world.point_a, world.commune_b, recipient_name="x" * 201)
    assert error.field == "recipient_name"


def test_it_refuses_an_empty_recipient(clerk_a, world):
    error = _refused(DomainError, clerk_a, world.point_a, world.commune_b, recipient_name="  ")
    assert error.field == "recipient_name"


# --- reading items --------------------------------------------------------------------------


def test_an_item_is_seen_at_the_accepting_and_the_delivering_point(clerk_a, clerk_b, world):
    item = _accept(clerk_a, world.point_a, world.commune_b)
    assert selectors.item_get(user=clerk_a, s10=item.s10) == item
    assert selectors.item_get(user=clerk_b, s10=item.s10.lower()) == item  # delivers it


def test_an_item_is_not_found_outside_the_scope(clerk_a, outsider, world):
    item = _accept(clerk_a, world.point_a, AdminAreaFactory(province_code="20"))
    with pytest.raises(NotFound):
        selectors.item_get(user=outsider, s10=item.s10)


def test_a_kt1_item_does_not_exist_for_anyone_but_a_kt1_operator(
    kt1_operator, clerk_a, director, admin_user, world
):
    item = _accept(kt1_operator, world.point_a, world.commune_b, service="kt1", kt1_grade="A")
    for user in (clerk_a, director, admin_user):
        with pytest.raises(NotFound):
            selectors.item_get(user=user, s10=item.s10)
        assert not selectors.item_list(user=user).exists()
    views_before = AuditEntry.objects.filter(action="kt1.view").count()
    assert selectors.item_get(user=kt1_operator, s10=item.s10) == item
    assert AuditEntry.objects.filter(action="kt1.view").count() == views_before + 1


def test_the_counter_list_holds_the_days_items_of_the_point(clerk_a, clerk_b, world):
    mine = _accept(clerk_a, world.point_a, world.commune_b)
    _accept(clerk_b, world.point_b, world.commune_a)
    yesterday = _accept(
        clerk_a,
        world.point_a,
        world.commune_b,
        at=dt.datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM),
    )
    items = selectors.item_list(user=clerk_a, point=world.point_a, day=mine.accepted_on)
    assert list(items) == [mine]
    assert yesterday not in items


# --- concurrency (PostgreSQL: SQLite serialises writers anyway) -----------------------------


def _accept_in_threads(jobs):
    """Each job (actor, point, commune) accepts 6 items in a thread of its own (its own
    connection), all at once: the S10 numbers given, and what failed."""
    import threading

    from django.db import connection

    numbers: list[str] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def accept_many(actor, point, commune):
        try:
            for _ in range(6):
                item = _accept(actor, point, commune)
                with lock:
                    numbers.append(item.s10)
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept_many, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return numbers, failures


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_never_share_a_number(clerk_a, clerk_b, world):
    numbers, failures = _accept_in_threads(
        [
            (clerk_a, world.point_a, world.commune_b),
            (clerk_a, world.point_a, world.commune_b),
            (clerk_a, world.point_a, world.commune_b),
            (clerk_b, world.point_b, world.commune_a),
            (clerk_b, world.point_b, world.commune_a),
        ]
    )

    assert failures == []
    assert len(numbers) == len(set(numbers)) == 30
    serials_a = sorted(
        s10_parse(s).serial
        for s in PostalItem.objects.filter(accepted_point=world.point_a).values_list(
            "s10", flat=True
        )
    )
    block_a = (serials_a[0] - 1) // services.S10_BLOCK
    assert serials_a == [block_a * services.S10_BLOCK + n for n in range(1, 19)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_across_blocks_never_share_a_number(clerk_a, world, monkeypatch):
    """Blocks of 4 serials: a taker that waited for the office's row while another took a
    new block numbers its item in that block, not the one before (the office's count and
    its block are read by one statement: the block's row is read with a lock, so as last
    committed)."""
    monkeypatch.setattr(services, "S10_BLOCK", 4)
    numbers, failures = _accept_in_threads([(clerk_a, world.point_a, world.commune_b)] * 4)

    assert failures == []
    assert len(numbers) == len(set(numbers)) == 24
    serials = sorted(s10_parse(s).serial for s in numbers)
    blocks = sorted({(serial - 1) // 4 for serial in serials})
    assert len(blocks) == 6  # six whole blocks, each of its four serials
    assert serials == [block * 4 + n for block in blocks for n in range(1, 5)]
