"""The demo's press, small and on a fixed day: titles with their prices, subscriptions
taken at the counters through the service, the public-press programme in every commune."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db.models import Sum

from buudien.core.bizdays import VIETNAM
from buudien.core.demo import demo_steps
from buudien.finance.models import Account
from buudien.network.geography import geography_load
from buudien.network.management.commands.demo import demo_build
from buudien.network.models import AdminArea
from buudien.press import demo, demo_issues
from buudien.press.models import (
    PressDelivery,
    PressIssue,
    PressRollup,
    Programme,
    ProgrammeRecipient,
    Subscription,
    Title,
)
from buudien.press.services import issues_on

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 10, 15, 14, 0, tzinfo=VIETNAM)


def test_the_step_runs_before_the_closings():
    orders = {step.name: step.order for step in demo_steps()}
    assert orders["goods.year"] < orders["press.year"] < orders["cashdesk.closings"]
    assert orders["press.year"] < orders["press.issues"] < orders["cashdesk.closings"]


def test_a_small_year_of_press():
    with time_machine.travel(NOW, tick=True):
        geography_load(province_codes=["20"])
        demo_build()
        said = demo.build(seed=2023, report=lambda _text: None, subscriptions=40, now=NOW)

        assert said.startswith(("Báo chí", "Press"))
        assert Title.objects.filter(province_code="20").count() == len(demo.TITLES)
        taken = Subscription.objects.filter(province_code="20")
        assert 30 <= taken.count() <= 40
        assert not taken.filter(created_at__gte=NOW).exists()
        assert all(s.starts_on.day == 1 and s.starts_on > s.business_date for s in taken)
        total = taken.aggregate(v=Sum("total"))["v"]
        drawers = Account.objects.filter(province_code="20", code__startswith="1111.")
        assert sum(drawers.values_list("balance", flat=True)) == total
        margin = Account.objects.get(province_code="20", code="5113.press").balance
        assert margin == taken.aggregate(v=Sum("margin"))["v"]

        # two programmes: the public press in every commune, the press of the mountains
        programmes = Programme.objects.filter(province_code="20", year=2026)
        assert sorted(programmes.values_list("code", flat=True)) == ["BCCI", "DTMN"]
        communes = AdminArea.objects.filter(province_code="20", level="commune", structure="2025")
        reached = ProgrammeRecipient.objects.filter(programme__code="BCCI")
        assert reached.values("commune").distinct().count() == communes.count() == 65
        mountains = ProgrammeRecipient.objects.filter(programme__code="DTMN")
        assert set(mountains.values_list("kind", flat=True)) == {"prestigious", "village"}
        assert not mountains.filter(commune__division_type__iexact="phường").exists()
        # A Friday: the province's paper appears; the allocation counts the recipients.
        friday = issues_on(dt.date(2026, 10, 16), province_code="20")
        assert sum(line.copies for line in friday) >= reached.aggregate(v=Sum("copies"))["v"]

        again = demo.build(seed=2023, report=lambda _text: None, now=NOW)
        assert "already" in again or "đã" in again
        assert Subscription.objects.filter(province_code="20").count() == taken.count()


def test_the_issues_of_the_last_weeks_go_through_the_services():
    with time_machine.travel(NOW, tick=True):
        geography_load(province_codes=["20"])
        demo_build()
        demo.build(seed=2023, report=lambda _text: None, subscriptions=60, now=NOW)

        said = demo_issues.build(seed=2023, report=lambda _text: None, weeks=1, now=NOW)

        assert said.startswith(("Phát hành", "Báo chí", "Press"))
        issues = PressIssue.objects.filter(province_code="20")
        days = {issue.issue_date for issue in issues}
        assert min(days) == dt.date(2026, 10, 9) and max(days) == NOW.date()
        assert all(
            i.received_at < NOW and i.received_at.astimezone(VIETNAM).date() == i.issue_date
            for i in issues
        )
        rows = PressDelivery.objects.filter(province_code="20")
        assert rows.filter(on_time=True).exists() and rows.filter(status="missed").exists()
        # nothing is confirmed after now (a round due later today is still to deliver)
        assert not rows.filter(confirmed_at__gte=NOW).exists()
        assert rows.filter(issue_date=NOW.date(), status="delivered").exists()
        # the rollup holds what the deliveries say, per press and public press
        for public in (False, True):
            mine = rows.filter(recipient__isnull=not public)
            kept = PressRollup.objects.filter(province_code="20", public=public).aggregate(
                due=Sum("copies_due"), delivered=Sum("delivered"), missed=Sum("missed")
            )
            assert kept == {
                "due": mine.aggregate(v=Sum("copies"))["v"],
                "delivered": mine.filter(status="delivered").aggregate(v=Sum("copies"))["v"],
                "missed": mine.filter(status="missed").aggregate(v=Sum("copies"))["v"] or 0,
            }

        again = demo_issues.build(seed=2023, report=lambda _text: None, weeks=1, now=NOW)
        assert "already" in again or "đã" in again
        assert PressIssue.objects.filter(province_code="20").count() == issues.count()
