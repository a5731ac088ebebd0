"""The demo step on the test province: a year of payments confirmed by statements."""

from __future__ import annotations

import datetime as dt
from typing import Any

from buudien.cashless import demo
from buudien.cashless.choices import LineStatus, PaymentStatus
from buudien.cashless.models import CashlessPoint, PaymentRequest, StatementLine
from buudien.core.bizdays import local_today
from buudien.finance.models import Account


def test_the_demo_year_is_confirmed_by_imported_statements(
    world: Any, clerk_a: Any, clerk_b: Any, accountant: Any, admin_user: Any, fund: Any
) -> None:
    for point in (world.point_a, world.point_b):
        point.cashless = True
        point.save()
    # The cash the year's payments are made for was in the drawer from the year's start.
    fund(world.point_a, 20_000_000, local_today() - dt.timedelta(days=366))
    lines: list[str] = []
    summary = demo.build(seed=7, report=lines.append, payments=40)
    assert lines and summary
    made = PaymentRequest.objects.filter(idempotency_key__startswith=demo.KEY_PREFIX)
    confirmed = made.filter(status=PaymentStatus.CONFIRMED)
    assert confirmed.count() >= 20
    assert set(made.values_list("point_id", flat=True)) == {world.point_a.pk}
    assert not confirmed.filter(entry__isnull=True).exists()
    assert StatementLine.objects.filter(status=LineStatus.MATCHED).count() == confirmed.count()
    assert StatementLine.objects.filter(status=LineStatus.UNMATCHED).exists()
    others = StatementLine.objects.filter(status=LineStatus.NOT_RELATED)
    months = StatementLine.objects.dates("date", "month").count()
    assert sorted(set(others.values_list("reason", flat=True))) == [
        "lãi ngân hàng trả",
        "phí ngân hàng",
    ]
    assert others.filter(amount__lt=0).count() == 2 * months
    bank = Account.objects.get(province_code="20", code="1121.vietinbank")
    assert bank.balance == sum(confirmed.values_list("amount", flat=True))
    # point B's drawer held nothing: its QR stand is recorded all the same
    assert set(CashlessPoint.objects.values_list("point_id", flat=True)) == {
        world.point_a.pk,
        world.point_b.pk,
    }
    assert demo.build(seed=7, report=lines.append, payments=40) == ""
    assert made.count() == PaymentRequest.objects.count()
