"""The public tracking pages: /tracking/ and /tracking/<s10>/, no login."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from buudien.core.bizdays import VIETNAM
from buudien.core.s10 import s10_make
from buudien.mail.tests.tracking_factories import item_make
from buudien.mail.tracking.services import event_record

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM)


@pytest.fixture
def en(client, settings):
    """Pages speak Vietnamese unless the language cookie says English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _travelled(actor, world, *, service="registered", point=None):
    item = item_make(point=world.point_a, service=service)
    event_record(actor=actor, item=item, code="EMB", point=point, at=T0)
    event_record(
        actor=actor,
        item=item,
        code="EMI",
        point=point,
        at=T0 + dt.timedelta(hours=5),
        recipient_name="Nguyễn Văn An",
    )
    return item


def _same_page(response, s10):
    """The page with the id and the per-response CSRF token masked."""
    page = response.content.decode().replace(s10, "ID")
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1…", page)


def test_the_search_page_is_public(client, world):
    response = client.get(reverse("tracking:search"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="q"' in page
    assert 'aria-label="Main navigation"' not in page  # anonymous: no navigation


def test_one_id_goes_straight_to_its_page(client, clerk_a, world):
    item = _travelled(clerk_a, world)
    response = client.get(reverse("tracking:search"), {"q": f"  {item.s10.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == reverse("tracking:item", args=[item.s10])


def test_an_item_page_shows_its_timeline(en, clerk_a, world):
    item = _travelled(clerk_a, world)
    response = en.get(reverse("tracking:item", args=[item.s10]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-status="delivered"' in page
    assert 'data-code="EMB"' in page and 'data-code="EMI"' in page
    assert "Arrived at the outward office" in page
    assert "02/03/2026 09:00" in page and "02/03/2026 14:00" in page
    assert "Bưu cục Đồng Đăng" in page
    assert "N.V.A." in page
    assert "Nguyễn Văn An" not in page and "Trần Thị Bình" not in page


def test_a_malformed_id_says_what_is_wrong(en, world):
    response = en.get(reverse("tracking:item", args=["RR123"]))
    assert response.status_code == 400
    assert "An S10 identifier has 13 characters, got 5." in response.content.decode()


def test_a_wrong_check_digit_names_the_expected_digit(en, world):
    response = en.get(reverse("tracking:item", args=["RR123456789VN"]))
    assert response.status_code == 400
    assert "Wrong check digit: expected 5, got 9." in response.content.decode()


def test_an_unknown_id_says_so(en, world):
    response = en.get(reverse("tracking:item", args=[s10_make("RR", 12345678)]))
    assert response.status_code == 404
    assert "No item with this number." in response.content.decode()


def test_a_kt1_item_page_is_the_page_of_an_unknown_id(en, kt1_operator, world):
    secret = _travelled(kt1_operator, world, service="kt1", point=world.point_a)
    unknown = s10_make(secret.s10[:2], int(secret.s10[2:10]) + 1)
    for_secret = en.get(reverse("tracking:item", args=[secret.s10]))
    for_unknown = en.get(reverse("tracking:item", args=[unknown]))
    assert for_secret.status_code == for_unknown.status_code == 404
    assert _same_page(for_secret, secret.s10) == _same_page(for_unknown, unknown)


def test_several_ids_get_one_line_each(en, clerk_a, kt1_operator, world):
    item = _travelled(clerk_a, world)
    secret = _travelled(kt1_operator, world, service="kt1", point=world.point_a)
    unknown = s10_make("RR", 12345678)
    query = f"{item.s10}, RR123\n RR123456789VN;{unknown} {secret.s10} {item.s10}"
    response = en.get(reverse("tracking:search"), {"q": query})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r.given, bool(r.summary), r.error) for r in rows] == [
        (item.s10, True, ""),
        ("RR123", False, "An S10 identifier has 13 characters, got 5."),
        ("RR123456789VN", False, "Wrong check digit: expected 5, got 9."),
        (unknown, False, "No item with this number."),
        (secret.s10, False, "No item with this number."),
    ]
    assert rows[0].summary.status_label == "Delivered"
    page = response.content.decode()
    assert reverse("tracking:item", args=[item.s10]) in page
    assert reverse("tracking:item", args=[secret.s10]) not in page


def test_more_than_20_ids_are_refused(en, world):
    query = " ".join(s10_make("RR", n) for n in range(1, 22))
    response = en.get(reverse("tracking:search"), {"q": query})
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert "At most 20 item numbers at a time; you gave 21." in response.content.decode()


def test_htmx_gets_the_results_alone(en, clerk_a, world):
    item = _travelled(clerk_a, world)
    response = en.get(
        reverse("tracking:search"), {"q": f"{item.s10} RR123"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and 'data-testid="tracking-results"' in page


def test_the_search_of_several_ids_takes_one_query(en, clerk_a, world, django_assert_num_queries):
    items = [_travelled(clerk_a, world) for _ in range(3)]
    with django_assert_num_queries(1):
        response = en.get(reverse("tracking:search"), {"q": " ".join(i.s10 for i in items)})
    assert len(response.context["rows"]) == 3


@pytest.mark.parametrize(
    ("typed", "ids"),
    [
        ("rr 0000 8152 5 vn", ["RR000081525VN"]),
        ("RR000081525VN RR123456785VN", ["RR000081525VN", "RR123456785VN"]),
        ("RR 000081525 VN\nrr123456785vn", ["RR000081525VN", "RR123456785VN"]),
        ("RR000081525VN, RR000081525VN; EE123456785VN", ["RR000081525VN", "EE123456785VN"]),
        ("RR000081525VN RR123", ["RR000081525VN", "RR123"]),  # each piece answered
        ("RR-0000-8152-5-VN", ["RR000081525VN"]),
    ],
)
def test_ids_are_read_as_people_type_them(typed, ids):
    from buudien.mail.tracking.views import split_ids

    assert split_ids(typed) == ids
