# ruff: noqa: F811  (fixtures imported from ops_factories are parameters of the tests)
"""The KT1 desk: the hand-over register to print and sign, the grade in words everywhere, and
the acceptance form set for a KT1 operator."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from buudien.core.models import AuditEntry
from buudien.mail.choices import MailService
from buudien.mail.operations import services as operations
from buudien.mail.tests.ops_factories import kt1_b, ops_item  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def secret(world: Any, kt1_operator: Any) -> Any:
    return ops_item(
        point=world.point_a,
        delivery_point=world.point_b,
        service=MailService.KT1,
        actor=kt1_operator,
        kt1_grade="C",
    )


def test_the_register_lists_the_days_hand_overs_to_sign_and_audits_them(
    client_as: Any, world: Any, kt1_operator: Any, kt1_b: Any, secret: Any
) -> None:
    transfer = operations.kt1_handover(actor=kt1_operator, item=secret, to_user=kt1_b)
    operations.kt1_confirm(actor=kt1_b, transfer=transfer)
    client = client_as(kt1_operator)
    home = client.get(reverse("mailops:kt1_home")).content.decode()
    assert reverse("mailops:kt1_register") in home and "Mật (C)" in home
    before = AuditEntry.objects.filter(action="kt1.view").count()
    page = client.get(reverse("mailops:kt1_register"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "SỔ GIAO NHẬN BƯU GỬI KT1" in html.upper() and secret.s10 in html
    assert "Mật (C)" in html and ">C<" not in html
    assert "Người giữ sổ" in html and "(Ký, họ tên)" in html
    assert len(page.context["rows"]) == 1
    assert AuditEntry.objects.filter(action="kt1.view").count() == before + 1

    # A day without hand-overs; a range that ends before it starts is refused, nothing shown.
    empty = client.get(reverse("mailops:kt1_register"), {"date_from": "2020-01-01"})
    assert empty.context["rows"] == []
    wrong = client.get(
        reverse("mailops:kt1_register"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert wrong.status_code == 200 and wrong.context["rows"] == []
    assert "Ngày kết thúc sớm hơn ngày bắt đầu" in wrong.content.decode()


def test_no_one_else_reads_the_register(
    client_as: Any, clerk_a: Any, director: Any, secret: Any
) -> None:
    for user in (clerk_a, director):
        page = client_as(user).get(reverse("mailops:kt1_register"))
        assert page.status_code == 403 and secret.s10 not in page.content.decode()


def test_a_kt1_operator_finds_the_acceptance_form_set_for_kt1(
    client_as: Any, world: Any, kt1_b: Any
) -> None:
    form = client_as(kt1_b).get(reverse("mail:accept")).context["form"]
    assert form.initial["service"] == MailService.KT1
    assert form.initial["point"] == world.point_b


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_register_prints_as_a_document_to_sign(
    live_server: Any, page: Any, world: Any, kt1_operator: Any, kt1_b: Any, secret: Any
) -> None:
    from buudien.people.tests.browser import log_in

    expect = pytest.importorskip("playwright.sync_api").expect
    operations.kt1_handover(actor=kt1_operator, item=secret, to_user=kt1_b)
    log_in(page, live_server.url, "kt1")
    page.get_by_test_id("register-link").click()
    expect(page.get_by_test_id("register-row")).to_have_count(1)
    expect(page.get_by_test_id("register-row")).to_contain_text("Mật (C)")
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.get_by_test_id("register-filters")).to_be_hidden()
    expect(page.get_by_text("Người giữ sổ")).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.get_by_text("Người giữ sổ")).to_be_hidden()
