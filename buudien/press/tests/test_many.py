"""The bulk path of the press (``subscriptions_take_many``): a day's subscriptions at two
points write what ``subscription_take`` writes one at a time (rows and their numbers, the
rollup, the figures, the ledger, the audit log); a list is refused whole, naming its row."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from buudien.core.bizdays import VIETNAM
from buudien.core.errors import DomainError
from buudien.counter.tests.many_checks import ledger_tables, table, written
from buudien.finance.models import Entry
from buudien.press import services
from buudien.press.choices import PeriodKind, SubscriberKind
from buudien.press.figures import PressFigures
from buudien.press.models import PressRollup, Subscription
from buudien.press.tests.conftest import DAILY, WEEKLY

pytestmark = pytest.mark.django_db


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 2, hour, minute, tzinfo=VIETNAM)  # a Monday


def orders(clerk_a: Any, clerk_b: Any, world: Any) -> list[services.Order]:
    a, b = world.point_a, world.point_b
    return [
        services.Order(clerk_a, a, "s1", DAILY, "Nguyễn Văn Hùng", "Thôn Pò Mã", at=at(8),
                       phone="0912345678"),
        services.Order(clerk_a, a, "s2", DAILY, "Trường THCS Đồng Đăng", "Khu Ga",
                       SubscriberKind.SCHOOL, copies=3, period_kind=PeriodKind.QUARTER,
                       at=at(9, 30)),
        services.Order(clerk_b, b, "s3", WEEKLY, "Hoàng Thị Mai", "Thôn Bản Lải", at=at(10),
                       delivery_point="240001", starts_on="2027-01"),
        services.Order(clerk_b, b, "s4", DAILY, "UBND xã Chi Lăng", "Trụ sở UBND",
                       SubscriberKind.COMMUNE, period_kind=PeriodKind.YEAR, at=at(14)),
        services.Order(clerk_a, a, "s5", WEEKLY, "Lý Văn Tài", "Thôn Nà Lầm", copies=2,
                       at=at(15)),
    ]  # fmt: skip


def one_by_one(rows: list[services.Order]) -> None:
    for row in rows:
        services.subscription_take(
            actor=row.actor,
            point=row.point,
            idempotency_key=row.key,
            title=row.title,
            subscriber_name=row.subscriber_name,
            address=row.address,
            subscriber_kind=row.subscriber_kind,
            phone=row.phone,
            delivery_point=row.delivery_point,
            copies=row.copies,
            period_kind=row.period_kind,
            starts_on=row.starts_on,
            at=row.at,
        )


def figures() -> list[Any]:
    found = PressFigures(
        province_code="20", date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31)
    )
    return [
        dataclasses.asdict(found.total()),
        {k: dataclasses.asdict(v) for k, v in found.by_point().items()},
        {k: dataclasses.asdict(v) for k, v in found.by_title().items()},
    ]


READS = {
    "subscriptions": table(Subscription, via={"entry_id": "entry__idempotency_key"}),
    "rollup": table(PressRollup),
    "figures": figures,
    **ledger_tables(),
}


def test_a_list_writes_what_the_service_writes_one_at_a_time(
    world: Any, clerk_a: Any, clerk_b: Any, titles: Any
) -> None:
    rows = orders(clerk_a, clerk_b, world)
    by_one = written(lambda: one_by_one(rows), READS)
    taken: list[str] = []
    by_list = written(lambda: taken.extend(services.subscriptions_take_many(rows=rows)), READS)

    assert by_list == by_one
    assert taken == [
        "DB240001000001", "DB240001000002", "DB240002000001", "DB240002000002", "DB240001000003"
    ]  # fmt: skip
    total = by_list["figures"][0]
    assert (total["subscriptions"], total["subscribed_copies"]) == (5, 8)
    # The month, the quarter (3 copies), the weekly, the year, the weekly (2 copies).
    sales = 100_000 + 3 * 290_000 + 60_000 + 1_100_000 + 2 * 60_000
    assert total["sales"] == sales
    assert total["margin"] == (100_000 + 870_000 + 1_100_000) // 5 + 180_000 * 15 // 100


def test_the_same_list_again_is_the_same_subscriptions(
    world: Any, clerk_a: Any, clerk_b: Any, titles: Any, english: Any
) -> None:
    rows = orders(clerk_a, clerk_b, world)
    first = services.subscriptions_take_many(rows=rows)
    entries = Entry.objects.count()

    assert services.subscriptions_take_many(rows=rows[1:3]) == first[1:3]
    assert Subscription.objects.count() == 5 and Entry.objects.count() == entries
    # One taken already (at B), one new (at A): only the new one is written.
    new = dataclasses.replace(rows[0], key="s6", subscriber_name="Đinh Văn Tâm")
    assert services.subscriptions_take_many(rows=[rows[2], new]) == [first[2], "DB240001000004"]
    assert Subscription.objects.count() == 6 and Entry.objects.count() == entries + 1
    with pytest.raises(DomainError, match=r"^Row 2: ") as reused:
        services.subscriptions_take_many(rows=[rows[0], dataclasses.replace(rows[1], copies=4)])
    assert reused.value.field == "rows.1.idempotency_key"


def test_a_list_with_a_bad_row_is_refused_whole_naming_it(
    world: Any, clerk_a: Any, clerk_b: Any, titles: Any, english: Any
) -> None:
    rows = orders(clerk_a, clerk_b, world)
    no_price = dataclasses.replace(rows[2], period_kind=PeriodKind.YEAR)  # the weekly: months

    with pytest.raises(DomainError, match=r"^Row 3: .*no price") as refused:
        services.subscriptions_take_many(rows=[rows[0], rows[1], no_price, rows[3]])

    assert refused.value.field == "rows.2.period_kind"
    assert not Subscription.objects.exists() and not Entry.objects.exists()
    assert not PressRollup.objects.exists()
    elsewhere = dataclasses.replace(rows[0], point=world.point_b)  # not clerk A's point
    with pytest.raises(DomainError, match=r"^Row 2: "):
        services.subscriptions_take_many(rows=[rows[2], elsewhere])
    with pytest.raises(DomainError, match=r"^Row 2: ") as twice:
        services.subscriptions_take_many(rows=[rows[0], dataclasses.replace(rows[4], key="s1")])
    assert twice.value.field == "rows.1.idempotency_key"
    # Nothing was written, not even a number: the next subscription is the point's first.
    assert services.subscriptions_take_many(rows=rows[4:]) == ["DB240001000001"]
