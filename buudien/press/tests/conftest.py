"""The press in the small test province: the provincial Party newspaper (every day, 20 %
margin) and a weekly magazine (Fridays), their prices per period, and a public-press
programme of the year carrying the newspaper."""

from __future__ import annotations

import datetime as dt
from itertools import count
from typing import Any

import pytest

from buudien.core.bizdays import VIETNAM
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account
from buudien.press import services, work
from buudien.press import settlements as money
from buudien.press.choices import Periodicity, PeriodKind
from buudien.press.models import PressDelivery, Programme, Publisher, Title, TitlePrice

MONDAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=VIETNAM)
DAILY = "LS"  # Báo Lạng Sơn, every day
WEEKLY = "VNTT"  # a magazine on Fridays


@pytest.fixture
def titles(world: Any) -> dict[str, Title]:
    paper = Publisher.objects.create(province_code="20", code="bls", name="Báo Lạng Sơn")
    house = Publisher.objects.create(province_code="20", code="ttx", name="Thông tấn xã")
    daily = Title.objects.create(
        province_code="20",
        code=DAILY,
        name="Báo Lạng Sơn",
        publisher=paper,
        periodicity=Periodicity.DAILY,
        weekdays="1234567",
        issue_price=4_000,
        margin_bp=2_000,
    )
    weekly = Title.objects.create(
        province_code="20",
        code=WEEKLY,
        name="Tạp chí Việt Nam Thông tấn",
        publisher=house,
        periodicity=Periodicity.WEEKLY,
        weekdays="5",
        issue_price=15_000,
        margin_bp=1_500,
    )
    for title, kind, price in [
        (daily, PeriodKind.MONTH, 100_000),
        (daily, PeriodKind.QUARTER, 290_000),
        (daily, PeriodKind.YEAR, 1_100_000),
        (weekly, PeriodKind.MONTH, 60_000),
    ]:
        TitlePrice.objects.create(
            province_code="20",
            title=title,
            period_kind=kind,
            price=price,
            valid_from=dt.date(2026, 1, 1),
        )
    return {DAILY: daily, WEEKLY: weekly}


@pytest.fixture
def programme(titles: Any) -> Programme:
    made = Programme.objects.create(
        province_code="20",
        code="QD45",
        name="Báo chí công ích theo Quyết định 45/2015/QĐ-TTg",
        ordering_agency="Sở Thông tin và Truyền thông",
        funding_decision="45/2015/QĐ-TTg",
        year=2026,
    )
    made.titles.add(titles[DAILY])
    return made


def take(clerk: Any, point: Any, *, key: str = "s1", at: Any = MONDAY, **given: Any) -> Any:
    """One month of the daily from December unless said otherwise."""
    data: dict[str, Any] = {
        "title": DAILY,
        "subscriber_name": "Nguyễn Văn Hùng",
        "address": "Thôn Pò Mã, xã Đồng Đăng",
        "phone": "0912345678",
    }
    data.update(given)
    return services.subscription_take(actor=clerk, point=point, idempotency_key=key, at=at, **data)


DEC1 = dt.date(2026, 12, 1)  # a Tuesday: the daily appears, the weekly does not


@pytest.fixture
def centre(world: Any) -> Any:
    """The province's processing centre, where the press arrives."""
    from buudien.network.choices import PointKind
    from buudien.network.tests.factories import PointFactory

    return PointFactory(
        code="249000",
        name="Trung tâm khai thác vận chuyển",
        kind=PointKind.CENTRE,
        unit=world.province,
        commune=world.commune_a,
        opened_on=dt.date(2015, 1, 1),
    )


@pytest.fixture
def centre_clerk(world: Any, centre: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="centre", role="clerk", unit=world.province, point=centre)


@pytest.fixture
def postman_a(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="postman_a", role="postman", unit=world.unit_a, point=world.point_a)


@pytest.fixture
def postman_b(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="postman_b", role="postman", unit=world.unit_b, point=world.point_b)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=VIETNAM)


@pytest.fixture
def served(world: Any, clerk_a: Any, admin_user: Any, programme: Any) -> dict[str, Any]:
    """December's readers of the daily: two subscribers at A (one for 3 copies, delivered by
    B's postman), and two recipients of the programme at B."""
    one = take(clerk_a, world.point_a, key="s1")
    two = take(
        clerk_a,
        world.point_a,
        key="s2",
        subscriber_name="Trường THCS Đồng Đăng",
        copies=3,
        delivery_point=world.point_b.code,
    )
    weekly = take(clerk_a, world.point_a, key="s3", title=WEEKLY)
    ubnd = services.recipient_add(
        actor=admin_user,
        programme=programme,
        commune=world.commune_b.code,
        name="UBND xã Chi Lăng",
        delivery_point=world.point_b.code,
        copies=2,
    )
    elder = services.recipient_add(
        actor=admin_user,
        programme=programme,
        commune=world.commune_b.code,
        name="Ông Hoàng Văn Sình",
        kind="prestigious",
        delivery_point=world.point_b.code,
    )
    return {"one": one, "two": two, "weekly": weekly, "ubnd": ubnd, "elder": elder}


# --- the settlements and the attestation (test_settlements, test_attestation) --------------

SETTLED_ON = dt.date(2026, 12, 15)
DEC3 = dt.date(2026, 12, 3)
BANK = "vietinbank"
FEE = 1_500
_keys = count()


@pytest.fixture
def settle_today(monkeypatch: Any) -> None:
    """The settlements are made on 15/12/2026 (the subscriptions were taken on 02/11)."""
    monkeypatch.setattr(money, "local_today", lambda: SETTLED_ON)


@pytest.fixture
def accountant(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="acc", role="accountant", unit=world.province)


@pytest.fixture
def accountant_elsewhere(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="acc04", role="accountant", unit=world.other_province)


@pytest.fixture
def bank(titles: Any) -> Account:
    """The publishers are paid from the post's account at VietinBank, holding 1,000,000 đ."""
    for title in titles.values():
        title.publisher.bank = BANK
        title.publisher.save()
    account = ledger.account_for_bank("20", BANK)
    ledger.entry_post(
        actor=None,
        idempotency_key=f"fund-bank-{next(_keys)}",
        kind=EntryKind.OPENING_BALANCE,
        reference="",
        legs=[ledger.Leg(account, ledger.account_owner_capital("20"), 1_000_000)],
        province_code="20",
    )
    return account


@pytest.fixture
def confirmed(
    world: Any,
    admin_user: Any,
    centre_clerk: Any,
    postman_a: Any,
    postman_b: Any,
    titles: Any,
    programme: Any,
    served: Any,
) -> dict[str, Any]:
    """Three issues of the daily (1, 2 and 3 December) for the programme's recipients: the
    People's Committee of Chi Lăng (2 copies), its prestigious elder (1) and the People's
    Committee of Đồng Đăng (1). Confirmed by the postmen: on 1/12 Chi Lăng's committee on
    time, the elder late, Đồng Đăng on time; on 2/12 Chi Lăng's committee late, the elder
    missed; nothing of 3/12 yet."""
    programme.fee_per_copy = FEE
    programme.save()
    dong_dang = services.recipient_add(
        actor=admin_user,
        programme=programme,
        commune=world.commune_a.code,
        name="UBND xã Đồng Đăng",
        delivery_point=world.point_a.code,
    )
    day2 = DEC1 + dt.timedelta(days=1)
    for day in (DEC1, day2, DEC3):
        work.issue_receive(
            actor=centre_clerk, title=titles[DAILY], issue_date=day, received=9, at=at(day, 5)
        )

    def delivery(day: dt.date, recipient: Any) -> PressDelivery:
        return PressDelivery.objects.get(issue_date=day, recipient=recipient)

    ubnd, elder = served["ubnd"], served["elder"]
    work.delivery_confirm(actor=postman_b, delivery=delivery(DEC1, ubnd), at=at(DEC1, 9))
    work.delivery_confirm(actor=postman_b, delivery=delivery(DEC1, elder), at=at(DEC1, 14))
    work.delivery_confirm(actor=postman_a, delivery=delivery(DEC1, dong_dang), at=at(DEC1, 10))
    work.delivery_confirm(actor=postman_b, delivery=delivery(day2, ubnd), at=at(day2, 15))
    work.delivery_confirm(
        actor=postman_b,
        delivery=delivery(day2, elder),
        delivered=False,
        reason="absent",
        at=at(day2, 10),
    )
    return {**served, "dong_dang": dong_dang}
