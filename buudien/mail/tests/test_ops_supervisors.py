# ruff: noqa: F811  (fixtures imported from ops_factories are parameters of the tests)
"""Supervisors: the item list with its filters, overdue against the full-course time in
business days (holidays included), the item page, and the daily counts per office and
service, with pinned query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse

from buudien.core.bizdays import VIETNAM, add_business_days
from buudien.core.errors import AccessDenied
from buudien.core.models import CalendarDay
from buudien.mail.choices import ItemStatus, MailService
from buudien.mail.models import PostalItem, Tariff
from buudien.mail.operations import selectors as ops_selectors
from buudien.mail.operations import services as operations
from buudien.mail.operations.selectors import CountRow
from buudien.mail.tests.ops_factories import (  # noqa: F401
    SIGNED,
    english,
    ops_item,
    ops_tariff,
    postman_b,
    superuser,
    tariffs,
)
from buudien.network.tests.factories import AdminAreaFactory, PointFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DAY = dt.date(2026, 3, 10)  # a Tuesday


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=VIETNAM)


def _overdue_on(day: dt.date) -> set[int]:
    return set(PostalItem.objects.filter(ops_selectors.overdue_q(day)).values_list("pk", flat=True))


# --- overdue ------------------------------------------------------------------------------


def test_overdue_counts_business_days_and_skips_tet(world):
    tariff = ops_tariff(MailService.REGISTERED, full_course_days=3)
    item = ops_item(point=world.point_a, accepted_at=_at(dt.date(2026, 2, 12)), tariff=tariff)
    # Thu 12/2 + 3 business days: Fri 13, then Tết (16-20/2), Mon 23, Tue 24.
    assert add_business_days(dt.date(2026, 2, 12), 3) == dt.date(2026, 2, 24)
    assert item.pk not in _overdue_on(dt.date(2026, 2, 18))
    assert item.pk not in _overdue_on(dt.date(2026, 2, 24))
    assert item.pk in _overdue_on(dt.date(2026, 2, 25))


def test_a_day_off_given_by_the_province_moves_the_due_date(world):
    tariff = ops_tariff(MailService.REGISTERED, full_course_days=3)
    item = ops_item(point=world.point_a, accepted_at=_at(dt.date(2026, 2, 12)), tariff=tariff)
    CalendarDay.objects.create(date=dt.date(2026, 2, 23), is_working_day=False)
    assert item.pk not in _overdue_on(dt.date(2026, 2, 25))
    assert item.pk in _overdue_on(dt.date(2026, 2, 26))


def test_overdue_agrees_with_add_business_days_for_every_day_and_course(world):
    """Across Tết, 30/4 and 1/5, a weekend, and full-course times 0 to 5."""
    expected: dict[dt.date, set[int]] = {}
    checks = [dt.date(2026, 2, d) for d in (13, 16, 23, 24, 25, 27)] + [
        dt.date(2026, 3, 2),
        dt.date(2026, 4, 29),
        dt.date(2026, 5, 4),
        dt.date(2026, 5, 5),
    ]
    for n in (0, 1, 2, 3, 5):
        tariff = Tariff.objects.create(
            service=MailService.PARCEL,
            name=f"n={n}",
            valid_from=dt.date(2010 + n, 1, 1),
            full_course_days=n,
        )
        accepted = [dt.date(2026, 2, 6) + dt.timedelta(days=k) for k in range(24)] + [
            dt.date(2026, 4, 24) + dt.timedelta(days=k) for k in range(10)
        ]
        for day in accepted:
            item = ops_item(point=world.point_a, accepted_at=_at(day), tariff=tariff)
            due = add_business_days(day, n)
            for check in checks:
                if due < check:
                    expected.setdefault(check, set()).add(item.pk)
    for check in checks:
        assert _overdue_on(check) == expected.get(check, set()), check


def test_the_list_of_overdue_items_leaves_out_delivered_ones(world, director, tariffs):
    late = ops_item(point=world.point_a, accepted_at=_at(dt.date(2026, 3, 2)))
    delivered = ops_item(
        point=world.point_a,
        accepted_at=_at(dt.date(2026, 3, 2)),
        status=ItemStatus.DELIVERED,
        delivered_at=_at(dt.date(2026, 3, 9)),
    )
    ops_item(point=world.point_a, accepted_at=_at(DAY))
    listed = ops_selectors.supervisor_items(user=director, overdue=True, today=DAY)
    assert list(listed) == [late]
    assert delivered not in listed


# --- the list -----------------------------------------------------------------------------


def test_the_list_filters_by_status_office_service_and_dates(world, director, tariffs):
    first = ops_item(point=world.point_a, accepted_at=_at(dt.date(2026, 3, 2)))
    second = ops_item(
        point=world.point_b,
        delivery_point=world.point_a,
        service=MailService.EMS,
        accepted_at=_at(dt.date(2026, 3, 4)),
    )
    third = ops_item(
        point=world.point_b,
        accepted_at=_at(dt.date(2026, 3, 6)),
        status=ItemStatus.IN_TRANSIT,
    )

    def listed(**filters):
        return list(ops_selectors.supervisor_items(user=director, **filters))

    assert listed() == [third, second, first]
    assert listed(status="in_transit") == [third]
    assert listed(office="240001") == [second, first]
    assert listed(service="ems") == [second]
    assert listed(date_from=dt.date(2026, 3, 3), date_to=dt.date(2026, 3, 5)) == [second]
    assert listed(s10=first.s10.lower()) == [first]


@pytest.mark.parametrize("persona", ["clerk_a", "postman_b", "kt1_operator"])
def test_only_supervisors_see_the_lists(request, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(AccessDenied):
        ops_selectors.supervisor_items(user=user)
    with pytest.raises(AccessDenied):
        ops_selectors.daily_counts(user=user, day=DAY)


def test_a_director_sees_only_the_items_of_their_province(world, outsider, director, tariffs):
    ours = ops_item(point=world.point_a)
    assert list(ops_selectors.supervisor_items(user=outsider)) == []
    assert list(ops_selectors.supervisor_items(user=director)) == [ours]


def test_the_list_page_reads_a_fixed_number_of_queries(
    world, director, client_as, tariffs, django_assert_num_queries
):
    for k in range(12):
        ops_item(point=world.point_a, delivery_point=world.point_b, accepted_at=_at(DAY, 8 + k))
    client = client_as(director)
    client.get(reverse("mailops:supervisor_items"))  # warm caches (session, translations)
    # session, user, the user's unit (their scope), count, the page of items with their
    # offices and tariffs
    with django_assert_num_queries(5):
        page = client.get(reverse("mailops:supervisor_items"), {"office": "240001"})
    assert page.status_code == 200
    assert page.context["total"] == 12


def test_the_list_page_answers_htmx_with_the_rows_only(world, director, client_as, tariffs):
    item = ops_item(point=world.point_a)
    response = client_as(director).get(
        reverse("mailops:supervisor_items"), {"status": "accepted"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "<html" not in body and item.s10 in body


def test_the_overdue_filter_through_the_api(world, director, client_as, tariffs):
    late = ops_item(point=world.point_a, accepted_at=_at(dt.date(2025, 12, 1)))
    ops_item(point=world.point_a, accepted_at=_at(dt.date(2025, 12, 1)), status="delivered")
    response = client_as(director).get("/api/mail/ops/items", {"overdue": "true"})
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert [row["s10"] for row in response.json()["items"]] == [late.s10]


@pytest.mark.parametrize(
    "query",
    [
        {"status": "lost"},
        {"service": "telegram"},
        {"date_from": "2026-02-30"},
        {"limit": "0"},
        {"limit": "99999999999999999999999"},
        {"office": "x" * 50},
        {"offset": "-1"},
    ],
)
def test_bad_filters_are_refused_with_422(director, client_as, query):
    assert client_as(director).get("/api/mail/ops/items", query).status_code == 422


# --- the item page ------------------------------------------------------------------------


def test_the_item_page_shows_events_bags_and_attempts(
    world, director, clerk_a, clerk_b, postman_b, client_as, tariffs, django_assert_num_queries
):
    item = ops_item(point=world.point_a, delivery_point=world.point_b, cod_amount=30_000)
    bag = operations.bag_open(actor=clerk_a, origin=world.point_a, destination=world.point_b)
    operations.bag_add_item(actor=clerk_a, bag=bag, item=item)
    operations.bag_close(actor=clerk_a, bag=bag)
    operations.bag_dispatch(actor=clerk_a, bag=bag)
    operations.bag_receive(actor=clerk_b, bag=bag)
    operations.bag_open_at_destination(actor=clerk_b, bag=bag, scanned=[item.s10])
    delivery_round = operations.round_start(
        actor=clerk_b, postman=postman_b, point=world.point_b, items=[item]
    )
    operations.attempt_deliver(
        actor=postman_b,
        attempt=delivery_round.attempts.get(),
        recipient_name="Nguyễn Văn An",
        cod_collected=30_000,
        signature=SIGNED,
    )
    client = client_as(director)
    client.get(reverse("mailops:supervisor_item", args=[item.s10]))
    # session, user, the user's unit, the item, its events, bags, attempts, the calendar
    # for the due date
    with django_assert_num_queries(8):
        page = client.get(reverse("mailops:supervisor_item", args=[item.s10]))
    body = page.content.decode()
    assert page.status_code == 200
    assert bag.code in body and "Nguyễn Văn An" in body
    for code in ("EMA", "EMC", "EMD", "EMG", "EDG", "EMI"):
        assert f"<code>{code}</code>" in body
    api = client.get(f"/api/mail/ops/items/{item.s10}").json()
    assert [e["code"] for e in api["events"]] == ["EMA", "EMC", "EMD", "EMG", "EDG", "EMI"]
    assert api["bags"][0]["code"] == bag.code and api["bags"][0]["found"] is True
    assert api["attempts"][0]["outcome"] == "delivered"
    assert api["attempts"][0]["cod_collected"] == 30_000
    assert api["overdue"] is False


def test_an_unknown_or_malformed_number_is_not_found(director, client_as):
    client = client_as(director)
    for number in ("RR000000000VN", "nonsense", "x" * 300):
        assert client.get(reverse("mailops:supervisor_item", args=[number])).status_code == 404
        assert client.get(f"/api/mail/ops/items/{number}").status_code == 404


# --- daily counts -------------------------------------------------------------------------


@pytest.fixture
def day_of_items(world, kt1_operator):
    """Items around DAY, a Tuesday: see each line."""
    ops_tariff(MailService.REGISTERED, full_course_days=3)
    ops_tariff(MailService.EMS, full_course_days=1)
    ops_tariff(MailService.KT1, full_course_days=1)
    a, b = world.point_a, world.point_b
    before = dt.date(2026, 3, 3)
    made = {
        "accepted": ops_item(point=a, delivery_point=b, accepted_at=_at(DAY)),
        "overdue": ops_item(point=a, delivery_point=b, accepted_at=_at(before)),
        "delivered": ops_item(
            point=a,
            delivery_point=b,
            accepted_at=_at(before),
            status=ItemStatus.DELIVERED,
            delivered_at=_at(DAY, 10),
        ),
        "delivered_earlier": ops_item(
            point=a,
            delivery_point=b,
            accepted_at=_at(before),
            status=ItemStatus.DELIVERED,
            delivered_at=_at(dt.date(2026, 3, 5)),
        ),
        "delivered_later": ops_item(
            point=a,
            delivery_point=b,
            accepted_at=_at(before),
            status=ItemStatus.DELIVERED,
            delivered_at=_at(dt.date(2026, 3, 11)),
        ),
        "returned": ops_item(
            point=a,
            delivery_point=b,
            accepted_at=_at(dt.date(2026, 3, 2)),
            status=ItemStatus.RETURNED,
            returning=True,
            delivered_at=_at(DAY, 15),
        ),
        "ems_due_today": ops_item(
            point=b, service=MailService.EMS, accepted_at=_at(dt.date(2026, 3, 9))
        ),
        "ems_late": ops_item(
            point=b, service=MailService.EMS, accepted_at=_at(dt.date(2026, 3, 6))
        ),
        "kt1": ops_item(point=a, service=MailService.KT1, accepted_at=_at(DAY)),
        "kt1_late": ops_item(point=a, service=MailService.KT1, accepted_at=_at(before)),
    }
    far = PointFactory(
        code="040001",
        province_code="04",
        unit=world.other_province,
        commune=AdminAreaFactory(province_code="04"),
    )
    made["elsewhere"] = ops_item(point=far, accepted_at=_at(DAY))
    return made


def test_daily_counts_per_office_and_service(director, day_of_items, django_assert_num_queries):
    # the tariffs' full-course times, the calendar, two aggregates
    with django_assert_num_queries(4):
        rows = ops_selectors.daily_counts(user=director, day=DAY)
    assert [
        (r.office_code, r.service, r.accepted, r.delivered, r.returned, r.overdue) for r in rows
    ] == [
        ("240001", "registered", 1, 0, 1, 2),
        ("240002", "registered", 0, 1, 0, 0),
        ("240002", "ems", 0, 0, 0, 1),
    ]
    # overdue at 240001: the one never delivered and the one delivered the day after.
    assert ops_selectors.count_totals(rows) == {
        "accepted": 1,
        "delivered": 1,
        "returned": 1,
        "overdue": 3,
    }


def test_a_superuser_counts_kt1_items_too(superuser, day_of_items):
    rows = ops_selectors.daily_counts(user=superuser, day=DAY)
    kt1 = [r for r in rows if r.service == "kt1"]
    assert kt1 == [
        CountRow("240001", "Bưu cục Đồng Đăng", "kt1", str(MailService.KT1.label), 1, 0, 0, 1)
    ]
    assert any(r.office_code == "040001" for r in rows)


def test_the_counts_page_and_api(director, client_as, day_of_items, django_assert_num_queries):
    client = client_as(director)
    client.get(reverse("mailops:daily_counts"), {"day": DAY.isoformat()})
    # session, user, the user's unit, then the four of daily_counts
    with django_assert_num_queries(7):
        page = client.get(reverse("mailops:daily_counts"), {"day": DAY.isoformat()})
    table = page.content.decode()
    assert page.status_code == 200 and "Bưu cục Đồng Đăng" in table
    api = client.get("/api/mail/ops/daily-counts", {"day": DAY.isoformat()}).json()
    assert api["totals"] == {"accepted": 1, "delivered": 1, "returned": 1, "overdue": 3}
    assert api["rows"][0] == {
        "office_code": "240001",
        "office_name": "Bưu cục Đồng Đăng",
        "service": "registered",
        "accepted": 1,
        "delivered": 0,
        "returned": 1,
        "overdue": 2,
    }
    assert client.get("/api/mail/ops/daily-counts", {"day": "yesterday"}).status_code == 422


# --- the schema can be distributed by province -------------------------------------------

OPS_TABLES = [
    "mail.Bag",
    "mail.BagItem",
    "mail.DeliveryRound",
    "mail.DeliveryAttempt",
    "mail.CustodyTransfer",
]


@pytest.mark.parametrize("label", OPS_TABLES)
def test_every_unique_key_of_an_operations_table_includes_the_province_code(label):
    model = apps.get_model(label)
    field = model._meta.get_field("province_code")
    assert isinstance(field, models.CharField) and not field.null
    uniques = [c for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)]
    assert uniques
    for constraint in uniques:
        assert "province_code" in constraint.fields, (label, constraint.name)
    assert [f.name for f in model._meta.concrete_fields if f.unique and not f.primary_key] == []
