"""The care pages: handlers see the requests of their units with the law's clock, the
others are refused; a request taken on the hotline with every error at once; the request
page with the item's tracking beside it, handled form by form; the letter; the public
pages lodge and follow without a login and never show a note nor a KT1 request."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from buudien.care import services
from buudien.care.models import CareRequest, CareStep
from buudien.care.tests.conftest import LODGED, lodge
from buudien.mail.tests.ops_factories import ops_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def april() -> Iterator[None]:
    """1 April 2026, 9:00 in Vietnam: the letter's loss may be complained about."""
    with time_machine.travel(LODGED, tick=True):
        yield


@pytest.fixture
def lodged(officer: Any, letter: Any) -> Any:
    return lodge(officer, s10=letter.s10, customer_name="Hoàng Thị Mai")


def test_a_care_officer_lands_on_the_requests_with_their_clock(
    client_as: Any, officer: Any, lodged: Any, april: None
) -> None:
    client = client_as(officer)
    assert client.get("/").url == "/care/"
    page = client.get("/care/")
    html = page.content.decode()
    assert page.status_code == 200
    assert lodged.code in html and "61 days left" in html
    main = [item.url for item in page.context["nav_items"]]
    sub = [item.url for item in page.context["subnav_items"]]
    assert "/care/" in main
    assert sub == ["/care/", "/care/lodge/", "/care/new/", "/care/follow/"]


def test_a_request_past_its_deadline_is_red_and_the_due_soon_come_first(
    client_as: Any, officer: Any, letter: Any, delivered: Any
) -> None:
    old = lodge(officer, s10=letter.s10)  # to resolve by 1 June 2026
    late = dt.datetime(2026, 4, 5, 9, 0, tzinfo=LODGED.tzinfo)
    newer = lodge(officer, s10=delivered.s10, ground="damage", at=late)  # by 5 June
    with time_machine.travel(dt.datetime(2026, 6, 3, 9, 0, tzinfo=LODGED.tzinfo), tick=True):
        page = client_as(officer).get("/care/")
    html = page.content.decode()
    assert html.index(old.code) < html.index(newer.code)
    assert f'<tr data-code="{old.code}" class="overdue">' in html
    assert "2 days late" in html and "2 days left" in html
    assert "2 requests near or past their deadline" in html


def test_the_list_finds_a_name_without_diacritics_a_phone_or_a_code(
    client_as: Any, officer: Any, lodged: Any, delivered: Any
) -> None:
    other = lodge(
        officer, s10=delivered.s10, ground="damage", customer_name="Lý Văn Nam",
        customer_phone="0987654321", at=LODGED,
    )  # fmt: skip
    client = client_as(officer)
    for q, code in (
        ("hoang thi mai", lodged.code),
        ("0987 654 321", other.code),
        (other.code.lower(), other.code),
    ):
        rows = client.get("/care/", {"q": q}, **HTMX).context["page"]
        assert [r.code for r in rows] == [code], q
    rows = client.get("/care/", {"status": "closed"}, **HTMX).context["page"]
    assert list(rows) == []


def test_the_list_s_queries_do_not_grow_with_its_rows(
    client_as: Any, officer: Any, lodged: Any, delivered: Any, django_assert_num_queries: Any
) -> None:
    client = client_as(officer)
    client.get("/care/", **HTMX)
    lodge(officer, s10=delivered.s10, ground="damage", at=LODGED)
    with django_assert_num_queries(5):  # session, user and unit, count, page
        client.get("/care/", **HTMX)


def test_who_may_not_handle_requests_is_refused_and_others_units_are_not_found(
    client_as: Any, world: Any, clerk_b: Any, auditor: Any, outsider: Any, lodged: Any
) -> None:
    assert client_as(auditor).get("/care/").status_code == 403
    assert client_as(auditor).get("/care/lodge/").status_code == 403
    assert client_as(clerk_b).get(f"/care/{lodged.code}/").status_code == 404  # A's request
    assert client_as(outsider).get(f"/care/{lodged.code}/").status_code == 404
    answer = client_as(clerk_b).post(f"/care/{lodged.code}/note/", {"text": "?"})
    assert answer.status_code == 404
    assert not CareStep.objects.filter(kind="note").exists()


def test_a_kt1_request_is_not_found_by_other_handlers(
    client_as: Any, officer: Any, kt1_operator: Any, secret: Any
) -> None:
    row = lodge(kt1_operator, s10=secret.s10)
    assert client_as(kt1_operator).get(f"/care/{row.code}/").status_code == 200
    assert client_as(officer).get(f"/care/{row.code}/").status_code == 404
    assert row.code not in client_as(officer).get("/care/").content.decode()


def test_anonymous_users_are_sent_to_log_in(client: Any, lodged: Any) -> None:
    for url in (
        "/care/",
        "/care/lodge/",
        f"/care/{lodged.code}/",
        f"/care/{lodged.code}/letter.pdf",
    ):
        assert client.get(url).url.startswith("/login/"), url


def test_the_hotline_form_focuses_its_first_field_and_shows_every_error(
    client_as: Any, officer: Any
) -> None:
    client = client_as(officer)
    page = client.get("/care/lodge/").content.decode()
    assert '<select name="channel" autofocus id="id_channel">' in page
    assert page.count("autofocus") == 1
    answer = client.post(
        "/care/lodge/",
        {"channel": "hotline", "kind": "complaint", "subject": "item", "customer_email": "x y"},
    )
    errors = answer.context["form"].errors
    assert set(errors) >= {"ground", "s10", "customer_name", "customer_email", "description"}
    assert CareRequest.objects.count() == 0


def test_a_request_taken_on_the_hotline_opens_its_page_with_the_item_beside_it(
    client_as: Any, officer: Any, letter: Any, april: None
) -> None:
    answer = client_as(officer).post(
        "/care/lodge/",
        {
            "channel": "hotline",
            "kind": "complaint",
            "ground": "loss",
            "subject": "item",
            "s10": letter.s10,
            "customer_name": "Hoàng Thị Mai",
            "customer_phone": "0912 345 678",
            "description": "Chưa nhận được thư.",
        },
    )
    row = CareRequest.objects.get()
    assert answer.url == f"/care/{row.code}/"
    assert (row.channel, row.customer_phone, row.received_by) == ("hotline", "0912345678", officer)
    page = client_as(officer).get(answer.url)
    assert page.context["events"] is not None
    assert 'data-testid="item-events"' in page.content.decode()


def test_the_request_is_handled_form_by_form_and_each_form_shows_its_errors(
    client_as: Any, world: Any, officer: Any, clerk_a: Any, lodged: Any
) -> None:
    client = client_as(officer)
    url = f"/care/{lodged.code}/"
    refused = client.post(url + "assign/", {"unit": "NOPE", "owner": "nobody"})
    assert refused.status_code == 400
    assert set(refused.context["forms"]["assign"].errors) == {"unit", "owner"}
    assert client.post(url + "assign/", {"unit": "UA", "owner": "clerk_a"}).url == url
    assert client.post(url + "note/", {"text": ""}).context["forms"]["note"].errors
    assert client.post(url + "note/", {"text": "Đã kiểm tra sổ phát."}).url == url
    closing = client.post(url + "close/", {"outcome": "", "cause": ""})
    close_form = closing.context["forms"]["close"]
    assert set(close_form.errors) == {"outcome", "cause", "__all__"}  # and: answer first
    assert client.post(url + "answer/", {"text": "Bưu gửi đã thất lạc."}).url == url
    page = client.get(url).content.decode()
    assert "Bưu gửi đã thất lạc." in page and 'data-testid="answer-message"' in page
    assert client.post(url + "close/", {"outcome": "upheld", "cause": "Thất lạc"}).url == url
    row = CareRequest.objects.get()
    assert (row.status, row.unit, row.owner, row.outcome) == (
        "closed",
        world.unit_a,
        clerk_a,
        "upheld",
    )
    assert 'data-testid="close-form"' not in client.get(url).content.decode()


def test_escalation_is_offered_near_the_deadline(
    client_as: Any, world: Any, officer: Any, lodged: Any
) -> None:
    url = f"/care/{lodged.code}/"
    with time_machine.travel(LODGED, tick=True):
        assert 'data-testid="escalate-form"' not in client_as(officer).get(url).content.decode()
        early = client_as(officer).post(url + "escalate/")
        assert "from 7 days before" in early.content.decode()
    near = dt.datetime(2026, 5, 28, 9, 0, tzinfo=LODGED.tzinfo)
    with time_machine.travel(near, tick=True):
        assert 'data-testid="escalate-form"' in client_as(officer).get(url).content.decode()
        assert client_as(officer).post(url + "escalate/").url == url
    assert CareRequest.objects.get().unit == world.province


def test_the_answer_prints_as_an_a4_letter(client_as: Any, officer: Any, lodged: Any) -> None:
    client = client_as(officer)
    url = f"/care/{lodged.code}/letter.pdf"
    assert client.get(url).status_code == 400  # not answered yet
    services.request_answer(actor=officer, request=lodged, text="Đã tìm thấy thư.\nXin lỗi.")
    pdf = client.get(url)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf.content


def test_the_text_message_is_in_vietnamese_with_the_hotline(
    officer: Any, lodged: Any, settings: Any
) -> None:
    from buudien.care.letters import answer_message

    settings.CARE_HOTLINE = "1900 54 54 81"
    row = services.request_answer(actor=officer, request=lodged, text="Đã tìm thấy thư.")
    text = answer_message(row)
    assert row.code in text and "Đã tìm thấy thư." in text and "1900 54 54 81" in text


# --- the public pages -------------------------------------------------------------------------


def test_a_citizen_lodges_without_a_login_and_follows_by_code_never_seeing_notes(
    client: Any, officer: Any, letter: Any, april: None
) -> None:
    page = client.get("/care/new/")
    assert '<select name="kind" autofocus id="id_kind">' in page.content.decode()
    answer = client.post(
        "/care/new/",
        {
            "kind": "complaint",
            "ground": "loss",
            "s10": letter.s10,
            "customer_name": "Hoàng Thị Mai",
            "customer_phone": "0912345678",
            "description": "Thư chưa đến.",
        },
    )
    row = CareRequest.objects.get()
    assert answer.url == f"/care/follow/?code={row.code}"
    assert (row.channel, row.subject, row.item) == ("web", "item", letter)
    services.request_note(actor=officer, request=row, text="BÍ MẬT NỘI BỘ")
    services.request_answer(actor=officer, request=row, text="Thư đã được phát lại.")
    followed = client.get(answer.url)
    html = followed.content.decode()
    assert followed.status_code == 200
    assert "Thư đã được phát lại." in html and "BÍ MẬT NỘI BỘ" not in html
    assert [s.kind for s in followed.context["found"].steps] == ["lodged", "answer"]
    assert 'data-kind="note"' not in html


def test_the_public_form_shows_every_error_at_once(client: Any) -> None:
    answer = client.post("/care/new/", {"kind": "complaint", "s10": "RR999999999VN"})
    assert answer.status_code == 400
    errors = answer.context["form"].errors
    assert set(errors) >= {"ground", "s10", "customer_name", "customer_phone", "description"}
    assert CareRequest.objects.count() == 0


def test_the_public_pages_never_name_a_kt1_request_nor_an_unknown_code(
    client: Any, kt1_operator: Any, secret: Any
) -> None:
    row = lodge(kt1_operator, s10=secret.s10)
    for code in (row.code, "CS99999999", "<script>"):
        answer = client.get("/care/follow/", {"code": code})
        assert answer.status_code == 404
        assert secret.s10 not in answer.content.decode()
    refused = client.post(
        "/care/new/",
        {"kind": "complaint", "ground": "loss", "s10": secret.s10, "customer_name": "A",
         "customer_phone": "0912345678", "description": "?"},
    )  # fmt: skip
    assert "No mail item" in refused.content.decode() and "KT1" not in refused.content.decode()


def test_the_tracking_page_links_to_the_public_care_pages(client: Any) -> None:
    html = client.get("/tracking/").content.decode()
    assert 'href="/care/new/"' in html and 'href="/care/follow/"' in html


def test_another_item_s_events_are_the_request_s_own(
    client_as: Any, officer: Any, world: Any, lodged: Any
) -> None:
    ops_item(point=world.point_b)
    events = client_as(officer).get(f"/care/{lodged.code}/").context["events"]
    assert {e.item_id for e in events} <= {lodged.item_id}
