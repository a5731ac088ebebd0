"""The bulk path of payment accounts (``payment_accounts_open_many``): a day's accounts at
two points write what ``payment_account_open`` writes one at a time (rows and their numbers,
the commissions' entries, one at a zero commission without one, the figures, the audit log);
a list is refused whole, naming its row."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from buudien.agency import figures, services
from buudien.agency.choices import OpeningChannel, RateService
from buudien.agency.models import AgencyRate, PaymentAccount
from buudien.core.bizdays import VIETNAM
from buudien.core.errors import DomainError
from buudien.counter.tests.many_checks import ledger_tables, table, written
from buudien.finance.models import Entry

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 10)


def at(hour: int) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour), tzinfo=VIETNAM)


@pytest.fixture
def postpay_free(world: Any) -> None:
    """PostPay pays no commission for an account (no entry: counted all the same)."""
    AgencyRate.objects.create(
        province_code="20",
        service=RateService.PAYMENT_ACCOUNT,
        partner="postpay",
        valid_from=dt.date(2020, 1, 1),
        fixed=0,
    )


def openings(clerk_a: Any, clerk_b: Any, world: Any) -> list[services.Opening]:
    a, b, online = world.point_a, world.point_b, OpeningChannel.ONLINE
    return [
        services.Opening(clerk_a, a, "p1", "Đinh Văn Hùng", "020123456789", "0987654321",
                         "lpbank", "0123456789", online, at(8)),
        services.Opening(clerk_b, b, "p2", "Lò Thị Hoa", "020123456780", "0912345678",
                         "postpay", "0912345678", online, at(9)),
        services.Opening(clerk_a, a, "p3", "Vy Văn Tâm", "020123456781", "0934567890",
                         "vietinbank", "1020304050", at=at(10)),
        services.Opening(clerk_b, b, "p4", "Hà Thị Lan", "020123456782", "0945678901",
                         "lpbank", "0123456790", online, at(15)),
    ]  # fmt: skip


def one_by_one(rows: list[services.Opening]) -> None:
    for row in rows:
        services.payment_account_open(
            actor=row.actor,
            point=row.point,
            idempotency_key=row.key,
            customer_name=row.customer_name,
            citizen_id=row.citizen_id,
            phone=row.phone,
            partner=row.partner,
            account_number=row.account_number,
            channel=row.channel,
            at=row.at,
        )


def opened() -> Any:
    found = figures.accounts_opened(province_code="20", unit_path="", date_from=DAY, date_to=DAY)
    return dataclasses.asdict(found) if found else None


READS = {
    "accounts": table(PaymentAccount, via={"entry_id": "entry__idempotency_key"}),
    "figures": opened,
    **ledger_tables(),
}


def test_a_list_writes_what_the_service_writes_one_at_a_time(
    world: Any, clerk_a: Any, clerk_b: Any, postpay_free: None
) -> None:
    rows = openings(clerk_a, clerk_b, world)
    by_one = written(lambda: one_by_one(rows), READS)
    taken: list[str] = []
    by_list = written(lambda: taken.extend(services.payment_accounts_open_many(rows=rows)), READS)

    assert by_list == by_one
    assert taken == ["TT240001000001", "TT240002000001", "TT240001000002", "TT240002000002"]
    assert by_list["figures"] == {"online": 3, "counter": 1}
    assert len(by_list["entries"]) == 3  # none for the account opened at a zero commission


def test_an_account_recorded_already_or_twice_refuses_the_list(
    world: Any, clerk_a: Any, clerk_b: Any, english: Any
) -> None:
    rows = openings(clerk_a, clerk_b, world)
    services.payment_accounts_open_many(rows=rows[:2])
    again = dataclasses.replace(rows[2], key="p9", partner="lpbank", account_number="0123456789")

    with pytest.raises(DomainError, match=r"^Row 2: .*already recorded") as before:
        services.payment_accounts_open_many(rows=[rows[3], again])
    assert before.value.field == "rows.1.account_number"
    twice = dataclasses.replace(
        rows[2], key="p8", partner="lpbank", account_number=rows[3].account_number
    )
    with pytest.raises(DomainError, match=r"^Row 2: .*already recorded") as in_list:
        services.payment_accounts_open_many(rows=[rows[3], twice])
    assert in_list.value.field == "rows.1.account_number"
    bad = dataclasses.replace(rows[2], phone="12")
    with pytest.raises(DomainError, match=r"^Row 3: ") as refused:
        services.payment_accounts_open_many(rows=[rows[0], rows[3], bad])
    assert refused.value.field == "rows.2.phone"
    assert PaymentAccount.objects.count() == 2 and Entry.objects.count() == 2
    # The first two again are the accounts recorded already; the others are written.
    assert services.payment_accounts_open_many(rows=rows)[2:] == [
        "TT240001000002",
        "TT240002000002",
    ]
