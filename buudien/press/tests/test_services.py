"""Subscriptions taken at the counter and a day's allocation through the services: the price
in force × copies, the ledger legs, once per key, a past start refused, every problem at once,
who may act; the recipients of a programme; the copies per delivery point."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.models import AuditEntry
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account, Entry
from buudien.press import services
from buudien.press.choices import PeriodKind, RecipientKind
from buudien.press.models import ProgrammeRecipient, Subscription
from buudien.press.tests.conftest import DAILY, WEEKLY, take

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def balance(code: str) -> int:
    account = Account.objects.filter(province_code="20", code=code).first()
    return account.balance if account else 0


def test_a_subscription_owes_the_publisher_its_share_and_keeps_the_margin(
    world: Any, clerk_a: Any, titles: Any
) -> None:
    row = take(clerk_a, world.point_a, copies=2, period_kind=PeriodKind.QUARTER)

    assert row.reference == "DB240001000001"
    assert (row.starts_on, row.ends_on) == (dt.date(2026, 12, 1), dt.date(2027, 2, 28))
    assert (row.price, row.total, row.publisher_share, row.margin) == (
        290_000,
        580_000,
        464_000,
        116_000,
    )
    assert row.delivery_point == world.point_a
    assert row.entry.kind == EntryKind.FEE
    assert balance("1111.240001") == 580_000
    assert balance("3388.partner.nxb-bls") + balance("5113.press") == 580_000
    assert (balance("3388.partner.nxb-bls"), balance("5113.press")) == (464_000, 116_000)
    assert set(row.entry.transfers.values_list("service", flat=True)) == {"press"}
    assert AuditEntry.objects.filter(action="press.subscription").count() == 1


def test_the_same_key_takes_once_and_another_request_under_it_is_refused(
    world: Any, clerk_a: Any, titles: Any
) -> None:
    first = take(clerk_a, world.point_a)
    again = take(clerk_a, world.point_a)

    assert again.pk == first.pk
    assert Entry.objects.count() == 1
    with pytest.raises(DomainError):
        take(clerk_a, world.point_a, copies=3)
    assert Subscription.objects.count() == 1


def test_a_start_already_past_or_not_the_first_of_a_month_is_refused(
    world: Any, clerk_a: Any, titles: Any
) -> None:
    for key, start in [("a", "2026-11-01"), ("b", dt.date(2026, 12, 15)), ("c", "2028-01")]:
        with pytest.raises(DomainError) as refused:
            take(clerk_a, world.point_a, key=key, starts_on=start)
        assert refused.value.field == "starts_on"
    with pytest.raises(DomainError) as refused:
        take(clerk_a, world.point_a, key="d", starts_on="2026-10-01")
    assert "already started" in refused.value.message
    assert take(clerk_a, world.point_a, key="e", starts_on="2027-01").starts_on == dt.date(
        2027, 1, 1
    )
    assert not Subscription.objects.exclude(starts_on=dt.date(2027, 1, 1)).exists()


def test_every_problem_is_refused_at_once(world: Any, clerk_a: Any, titles: Any) -> None:
    with pytest.raises(DomainError) as refused:
        take(
            clerk_a,
            world.point_a,
            title="NOPE",
            subscriber_name="",
            subscriber_kind="martian",
            address="",
            phone="12",
            copies=0,
            period_kind="decade",
            starts_on="2026-10-01",
            delivery_point="999999",
        )
    assert set(refused.value.errors) == {
        "title",
        "subscriber_name",
        "subscriber_kind",
        "address",
        "phone",
        "copies",
        "period_kind",
        "starts_on",
        "delivery_point",
    }
    assert not Entry.objects.exists() and not Subscription.objects.exists()


def test_a_period_without_a_price_is_refused(world: Any, clerk_a: Any, titles: Any) -> None:
    with pytest.raises(DomainError) as refused:
        take(clerk_a, world.point_a, title=WEEKLY, period_kind=PeriodKind.YEAR)
    assert refused.value.field == "period_kind"


def test_a_clerk_of_another_point_is_refused(
    world: Any, clerk_b: Any, auditor: Any, titles: Any
) -> None:
    with pytest.raises(NotFound):
        take(clerk_b, world.point_a)
    with pytest.raises(AccessDenied):
        take(auditor, world.point_a)
    assert not Subscription.objects.exists()


def test_a_recipient_is_added_once_and_only_in_the_province(
    world: Any, admin_user: Any, clerk_a: Any, programme: Any
) -> None:
    from buudien.network.tests.factories import AdminAreaFactory

    added = services.recipient_add(
        actor=admin_user,
        programme=programme,
        commune=world.commune_a.code,
        name="UBND xã Đồng Đăng",
        delivery_point=world.point_a.code,
        copies=2,
    )
    assert (added.kind, added.copies) == (RecipientKind.COMMUNE, 2)
    elsewhere = AdminAreaFactory(code="04001", province_code="04")
    with pytest.raises(DomainError) as refused:
        services.recipient_add(
            actor=admin_user,
            programme=programme,
            commune=elsewhere.code,
            name="UBND xã Đồng Dang",
            delivery_point=world.point_a.code,
        )
    assert set(refused.value.errors) == {"commune"}
    with pytest.raises(DomainError) as refused:
        services.recipient_add(
            actor=admin_user,
            programme=programme,
            commune=world.commune_a.code,
            name="ubnd xa dong dang",
            delivery_point=world.point_a.code,
        )
    assert set(refused.value.errors) == {"name"}
    with pytest.raises(AccessDenied):
        services.recipient_add(
            actor=clerk_a,
            programme=programme,
            commune=world.commune_b.code,
            name="Ông Hoàng Văn Pao",
            delivery_point=world.point_b.code,
        )
    assert ProgrammeRecipient.objects.count() == 1


def test_the_allocation_counts_subscriptions_and_recipients_per_point(
    world: Any, clerk_a: Any, clerk_b: Any, admin_user: Any, titles: Any, programme: Any
) -> None:
    take(clerk_a, world.point_a, copies=2)
    take(clerk_a, world.point_a, key="s2", copies=1, delivery_point=world.point_b.code)
    take(clerk_b, world.point_b, key="s3", copies=3)
    take(clerk_b, world.point_b, key="s4", title=WEEKLY)
    take(clerk_a, world.point_a, key="s5", copies=5, starts_on="2027-01")  # not yet in force
    for name, point, copies in [
        ("UBND xã Đồng Đăng", world.point_a, 1),
        ("Ông Hoàng Văn Pao", world.point_b, 2),
    ]:
        services.recipient_add(
            actor=admin_user,
            programme=programme,
            commune=world.commune_a.code if point == world.point_a else world.commune_b.code,
            name=name,
            kind=RecipientKind.PRESTIGIOUS,
            delivery_point=point.code,
            copies=copies,
        )

    friday = dt.date(2026, 12, 4)
    found = {
        (line.point.code, line.title.code): (line.subscribed, line.public)
        for line in services.issues_on(friday, province_code="20")
    }
    assert found == {
        ("240001", DAILY): (2, 1),
        ("240002", DAILY): (1 + 3, 2),
        ("240002", WEEKLY): (1, 0),
    }
    saturday = {
        (line.point.code, line.title.code): line.copies
        for line in services.issues_on(dt.date(2026, 12, 5), province_code="20")
    }
    assert saturday == {("240001", DAILY): 3, ("240002", DAILY): 6}
    # the programme is of 2026: in 2027 its recipients get nothing; the January start counts
    january = {
        (line.point.code, line.title.code): line.copies
        for line in services.issues_on(dt.date(2027, 1, 4), province_code="20")
    }
    assert january == {("240001", DAILY): 5}


def test_the_price_is_the_one_in_force_on_the_first_day(
    world: Any, clerk_a: Any, titles: Any
) -> None:
    from buudien.press.models import TitlePrice

    TitlePrice.objects.create(
        province_code="20",
        title=titles[DAILY],
        period_kind=PeriodKind.MONTH,
        price=120_000,
        valid_from=dt.date(2027, 1, 1),
    )
    december = take(clerk_a, world.point_a)
    january = take(clerk_a, world.point_a, key="s2", starts_on="2027-01")

    assert (december.price, january.price) == (100_000, 120_000)
    assert (january.publisher_share, january.margin) == (96_000, 24_000)
