"""The mail pages: acceptance with its live price, the day's items, an item, its PDFs, and
the public price calculator."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from buudien.core.bizdays import VIETNAM
from buudien.core.models import AuditEntry
from buudien.finance.models import Entry
from buudien.mail.models import PostalItem
from buudien.mail.tests.factories import ItemFactory, tariffs_for_all_services
from buudien.network.tests.factories import LegacyCommuneFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def tariffs(db):
    return tariffs_for_all_services()


def _form(world, **changes):
    data = {
        "point": world.point_a.pk,
        "service": "registered",
        "sender_name": "Nguyễn Văn An",
        "sender_phone": "0912345678",
        "sender_address": "Số 5 đường Trần Đăng Ninh",
        "recipient_name": "Hoàng Thị Bình",
        "recipient_phone": "0987654321",
        "recipient_address": "Thôn Pò Mỏ",
        "recipient_commune": world.commune_b.pk,
        "weight_g": "18",
        "length_mm": "",
        "width_mm": "",
        "height_mm": "",
        "declared_value": "",
        "cod_amount": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- acceptance -----------------------------------------------------------------------------


def test_the_acceptance_page_renders_for_a_clerk(client_as, clerk_a, world):
    response = client_as(clerk_a).get(reverse("mail:accept"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="accept-form"' in html
    assert 'hx-post="/mail/quote/"' in html
    assert "Xã Chi Lăng" in html  # the communes of the clerk's province are offered
    assert 'name="kt1_grade"' not in html  # KT1 is for KT1 operators only


def test_a_clerk_accepts_an_item_and_lands_on_its_page_with_print_links(client_as, clerk_a, world):
    client = client_as(clerk_a)
    response = client.post(reverse("mail:accept"), _form(world, addons=["ar"]))
    item = PostalItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("mail:item", args=[item.s10])
    assert (item.accepted_by, item.price_total) == (clerk_a, 19_440)  # (13,000 + 5,000) × 1.08
    html = client.get(response["Location"]).content.decode()
    assert item.s10 in html
    assert f"/mail/items/{item.s10}/label.pdf?size=100x150" in html
    assert f"/mail/items/{item.s10}/label.pdf?size=a6" in html
    assert f"/mail/items/{item.s10}/receipt.pdf" in html
    assert "19.440" in html


def test_the_form_shows_a_refusal_on_its_field_and_nothing_is_written(client_as, clerk_a, world):
    response = client_as(clerk_a).post(
        reverse("mail:accept"), _form(world, service="ordinary", cod_amount="100000")
    )
    assert response.status_code == 200
    assert 'data-testid="error-cod_amount"' in response.content.decode()
    assert not PostalItem.objects.exists() and not Entry.objects.exists()


def test_a_clerk_cannot_choose_another_units_point(client_as, clerk_b, world):
    response = client_as(clerk_b).post(reverse("mail:accept"), _form(world))
    assert response.status_code == 200
    assert 'data-testid="error-point"' in response.content.decode()
    assert not PostalItem.objects.exists()


def test_the_acceptance_page_is_closed_to_a_director(client_as, director):
    assert client_as(director).get(reverse("mail:accept")).status_code == 403


def test_a_kt1_operator_gets_the_kt1_fields_and_accepts_kt1(client_as, kt1_operator, world):
    client = client_as(kt1_operator)
    assert 'name="kt1_grade"' in client.get(reverse("mail:accept")).content.decode()
    response = client.post(
        reverse("mail:accept"), _form(world, service="kt1", kt1_grade="B", kt1_urgency="")
    )
    assert response.status_code == 302
    assert PostalItem.objects.get().kt1_grade == "B"


def test_the_quote_answers_htmx_with_the_price_partial(client_as, clerk_a, world):
    response = client_as(clerk_a).post(reverse("mail:quote"), _form(world), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'data-testid="quote-total"' in html and "14.040" in html
    assert "Mười bốn nghìn không trăm bốn mươi đồng" in html


def test_the_quote_counts_the_cod_fee_the_acceptance_will_charge(client_as, clerk_a, world):
    html = (
        client_as(clerk_a)
        .post(reverse("mail:quote"), _form(world, cod_amount="200000"), **HTMX)
        .content.decode()
    )
    assert "Thu hộ (COD)" in html and "27.000" in html  # (13,000 + 12,000) × 1.08


def test_the_cod_box_ticked_without_an_amount_prices_nothing_and_accepts_nothing(
    client_as, clerk_a, world, english
):
    client = client_as(clerk_a)
    form = _form(world, addons=["cod"], cod_amount="")
    html = client.post(reverse("mail:quote"), form, **HTMX).content.decode()
    assert 'data-testid="quote-total"' not in html
    assert 'data-testid="quote-refusal"' in html
    assert "Cash on delivery needs the amount to collect from the recipient." in html
    response = client.post(reverse("mail:accept"), form)
    assert response.status_code == 200
    assert 'data-testid="error-cod_amount"' in response.content.decode()
    assert not PostalItem.objects.exists() and not Entry.objects.exists()


def test_the_cod_amount_is_tied_to_its_box_on_both_forms(client_as, clerk_a, world):
    for url in (reverse("mail:accept"), reverse("mail:price")):
        html = client_as(clerk_a).get(url).content.decode()
        assert 'data-ticks="addons=cod"' in html and 'value="cod"' in html


def test_the_quote_explains_a_refusal(client_as, clerk_a, world):
    html = (
        client_as(clerk_a)
        .post(reverse("mail:quote"), _form(world, service="parcel", weight_g="31000"), **HTMX)
        .content.decode()
    )
    assert 'data-testid="quote-refusal"' in html and "31.000" in html


def test_the_quote_waits_quietly_for_what_is_missing(client_as, clerk_a, world):
    html = (
        client_as(clerk_a)
        .post(reverse("mail:quote"), _form(world, weight_g="", recipient_commune=""), **HTMX)
        .content.decode()
    )
    assert "errorlist" not in html and 'data-testid="quote"' in html


def test_the_commune_search_finds_communes_without_accents_in_both_structures(client):
    LegacyCommuneFactory(code="06190", name="Xã Chi Lăng Cũ")
    html = client.get(reverse("mail:communes"), {"q": "chi lang"}).content.decode()
    assert "Xã Chi Lăng Cũ" in html
    assert html.count("<option") == 2  # the count, then the one found


# --- lists and items ------------------------------------------------------------------------


def test_the_items_page_lists_todays_items_of_the_clerks_point(
    client_as, clerk_a, clerk_b, world, django_assert_num_queries
):
    mine = [ItemFactory(actor=clerk_a, point=world.point_a, recipient_commune=world.commune_b)]
    mine.append(ItemFactory(actor=clerk_a, point=world.point_a, recipient_commune=world.commune_b))
    other = ItemFactory(actor=clerk_b, point=world.point_b, recipient_commune=world.commune_b)
    old = ItemFactory(
        actor=clerk_a,
        point=world.point_a,
        recipient_commune=world.commune_b,
        at=dt.datetime(2026, 3, 2, 9, 0, tzinfo=VIETNAM),
    )
    client = client_as(clerk_a)
    # Session, user, point, unit, the count and the page: the same for 3 items or 300.
    with django_assert_num_queries(6):
        response = client.get(reverse("mail:items"))
    html = response.content.decode()
    assert all(item.s10 in html for item in mine)
    assert other.s10 not in html and old.s10 not in html


def test_the_items_list_answers_htmx_with_only_the_rows(client_as, clerk_a, world):
    item = ItemFactory(actor=clerk_a, point=world.point_a, recipient_commune=world.commune_b)
    html = client_as(clerk_a).get(reverse("mail:items"), **HTMX).content.decode()
    assert "<html" not in html and item.s10 in html


def test_the_mail_entry_is_in_the_navigation(client_as, clerk_a):
    html = client_as(clerk_a).get(reverse("mail:items")).content.decode()
    assert 'href="/mail/items/" class="active"' in html


def test_an_item_page_and_its_pdfs_render_for_the_clerk(client_as, clerk_a, world):
    item = ItemFactory(actor=clerk_a, point=world.point_a, recipient_commune=world.commune_b)
    client = client_as(clerk_a)
    html = client.get(reverse("mail:item", args=[item.s10])).content.decode()
    assert "EMA" in html and "Hoàng Thị Bình" in html
    for size in ("100x150", "a6"):
        response = client.get(reverse("mail:label", args=[item.s10]), {"size": size})
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    response = client.get(reverse("mail:receipt", args=[item.s10]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_an_item_of_another_scope_is_not_found(client_as, clerk_a, outsider, world):
    item = ItemFactory(actor=clerk_a, point=world.point_a, recipient_commune=world.commune_b)
    client = client_as(outsider)
    assert client.get(reverse("mail:item", args=[item.s10])).status_code == 404
    assert client.get(reverse("mail:label", args=[item.s10])).status_code == 404


def test_a_kt1_item_page_is_not_found_for_a_clerk_and_audited_for_the_operator(
    client_as, kt1_operator, clerk_a, world
):
    item = ItemFactory(
        actor=kt1_operator,
        point=world.point_a,
        recipient_commune=world.commune_b,
        service="kt1",
        kt1_grade="A",
    )
    assert client_as(clerk_a).get(reverse("mail:item", args=[item.s10])).status_code == 404
    response = client_as(kt1_operator).get(reverse("mail:item", args=[item.s10]))
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="kt1.view", object_id=str(item.pk)).count() == 1


def test_the_mail_pages_need_a_login(client, world):
    for name in ("mail:accept", "mail:items"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/login/" in response["Location"]


# --- the public price calculator ------------------------------------------------------------


def test_anyone_computes_a_price_without_logging_in(client, world):
    response = client.get(reverse("mail:price"))
    assert response.status_code == 200
    assert 'data-testid="price-form"' in response.content.decode()
    response = client.get(
        reverse("mail:price"),
        {
            "service": "registered",
            "origin_province": "20",
            "recipient_province": "79",
            "weight_g": "18",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "17.280" in html  # 16,000 to another region + 8 % VAT


def test_the_price_page_answers_htmx_with_the_partial(client, world):
    response = client.get(
        reverse("mail:price"),
        {
            "service": "registered",
            "origin_province": "20",
            "recipient_commune": world.commune_b.pk,
            "weight_g": "18",
        },
        **HTMX,
    )
    html = response.content.decode()
    assert "<html" not in html and "14.040" in html


def test_the_public_calculator_does_not_offer_kt1(client, world):
    html = client.get(reverse("mail:price")).content.decode()
    assert 'value="kt1"' not in html


@pytest.mark.parametrize(
    "data",
    [
        {"point": str(10**30)},
        {"recipient_commune": str(10**30)},
        {"point": "-1", "recipient_commune": "abc"},
        {"addons": ["x" * 1000]},
        {"weight_g": "1e400"},
        {"sender_name": "An\x00"},
    ],
)
def test_no_input_makes_a_page_fail(client, client_as, clerk_a, world, data):
    clerk = client_as(clerk_a)
    assert clerk.post(reverse("mail:accept"), data).status_code == 200
    assert clerk.post(reverse("mail:quote"), data, **HTMX).status_code == 200
    query = {"service": "registered", "origin_province": "20", "weight_g": "10", **data}
    assert client.get(reverse("mail:price"), query).status_code == 200
    assert not PostalItem.objects.exists()


def test_odd_filters_and_searches_answer_without_failing(client_as, clerk_a, world):
    client = client_as(clerk_a)
    assert client.get(reverse("mail:communes"), {"q": "\x00" * 3}).status_code == 200
    response = client.get(
        reverse("mail:items"), {"day": "99999-01-01", "point": "\x00", "page": str(10**30)}
    )
    assert response.status_code == 200
    assert client.get(reverse("mail:item", args=["x" * 40])).status_code == 404


def test_an_acceptance_form_sent_twice_accepts_one_item(client_as, clerk_a, world):
    """A double click or a reload after a lost answer: the form's token is the acceptance's
    idempotency key, so the second post lands on the same item and books nothing again."""
    client = client_as(clerk_a)
    page = client.get(reverse("mail:accept")).content.decode()
    token = re.search(r'name="token" value="([0-9a-f]+)"', page)
    data = _form(world, token=token.group(1))
    first = client.post(reverse("mail:accept"), data)
    again = client.post(reverse("mail:accept"), data)
    item = PostalItem.objects.get()
    assert first["Location"] == again["Location"] == reverse("mail:item", args=[item.s10])
    assert Entry.objects.count() == 1
    changed = client.post(reverse("mail:accept"), {**data, "weight_g": "500"})
    assert changed.status_code == 200
    assert "đã được dùng cho một yêu cầu khác" in changed.content.decode()
    assert PostalItem.objects.count() == 1
    other = client.post(reverse("mail:accept"), _form(world))  # a new form: a new item
    assert other.status_code == 302 and PostalItem.objects.count() == 2
