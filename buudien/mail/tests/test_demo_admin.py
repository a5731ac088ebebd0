"""The demo's tariffs, and the admin pages of the mail service."""

from __future__ import annotations

import datetime as dt

import pytest

from buudien.core.demo import demo_steps
from buudien.core.models import AuditEntry
from buudien.mail import demo
from buudien.mail.acceptance.pricing import quote, tariff_in_force
from buudien.mail.models import RemoteCommune, Tariff
from buudien.mail.tests.factories import ItemFactory, tariffs_for_all_services
from buudien.network.tests.factories import AdminAreaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def communes(db):
    return [AdminAreaFactory(code=f"06{n:03d}", province_code="20") for n in range(100, 130)]


def _registered_letter(day, commune):
    return quote(
        service="registered",
        sender_province="20",
        recipient_commune=commune,
        weight_g=20,
        day=day,
    )


def test_the_demo_step_is_registered():
    assert "mail.tariffs" in [step.name for step in demo_steps()]


def test_the_demo_builds_three_periods_of_six_services(communes):
    summary = demo.build(seed=2023, report=lambda _text: None)
    assert Tariff.objects.count() == 18
    assert "18" in summary
    assert RemoteCommune.objects.count() == 15
    ordinary = communes[0]
    RemoteCommune.objects.filter(commune=ordinary).delete()
    old = _registered_letter(dt.date(2024, 12, 31), ordinary)
    now = _registered_letter(dt.date(2026, 12, 31), ordinary)
    later = _registered_letter(dt.date(2027, 1, 1), ordinary)
    # 13,000 × 0.92 = 11,960 -> 12,000; × 1.05 = 13,650 -> 13,500 (rounded to 500 đ).
    assert (old.base, old.vat, old.total) == (12_000, 960, 12_960)
    assert (now.base, now.vat, now.total) == (13_000, 1_040, 14_040)
    assert (later.base, later.vat, later.total) == (13_500, 1_350, 14_850)
    ems = tariff_in_force("ems", dt.date(2026, 1, 1))
    assert sorted(set(ems.steps.values_list("up_to_g", flat=True))) == [
        50,
        100,
        250,
        500,
        1_000,
        1_500,
        2_000,
    ]
    assert tariff_in_force("parcel", dt.date(2026, 1, 1)).max_weight_g == 30_000


def test_the_demo_build_is_repeatable(communes):
    first = demo.build(seed=2023, report=lambda _text: None)
    remote = set(RemoteCommune.objects.values_list("commune__code", flat=True))
    assert demo.build(seed=2023, report=lambda _text: None) == first
    assert Tariff.objects.count() == 18
    assert set(RemoteCommune.objects.values_list("commune__code", flat=True)) == remote


# --- admin ----------------------------------------------------------------------------------


def test_an_administrator_keeps_tariffs_in_the_admin(client_as, admin_user, world):
    tariff = tariffs_for_all_services()[0]
    client = client_as(admin_user)
    assert client.get("/admin/mail/tariff/").status_code == 200
    html = client.get(f"/admin/mail/tariff/{tariff.pk}/change/").content.decode()
    assert "13000" in html  # its steps are inline
    assert client.get("/admin/mail/remotecommune/").status_code == 200


def test_the_admin_lists_items_read_only_without_kt1(
    client_as, admin_user, clerk_a, kt1_operator, world
):
    tariffs_for_all_services()
    letter = ItemFactory(actor=clerk_a, point=world.point_a, recipient_commune=world.commune_b)
    secret = ItemFactory(
        actor=kt1_operator,
        point=world.point_a,
        recipient_commune=world.commune_b,
        service="kt1",
        kt1_grade="A",
    )
    client = client_as(admin_user)
    html = client.get("/admin/mail/postalitem/").content.decode()
    assert letter.s10 in html and secret.s10 not in html
    assert client.get(f"/admin/mail/postalitem/{secret.pk}/change/").status_code in (302, 404)
    assert client.get("/admin/mail/postalitem/add/").status_code == 403
    assert not AuditEntry.objects.filter(action="kt1.view").exists()


def test_a_clerk_has_no_mail_admin(client_as, clerk_a, world):
    clerk_a.is_staff = True
    clerk_a.save()
    assert client_as(clerk_a).get("/admin/mail/tariff/").status_code == 403
