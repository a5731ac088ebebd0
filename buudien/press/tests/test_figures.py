"""The figures of the press read from the rollup equal the records (subscriptions, copies due,
delivered, on time, missed), the recipients never reached come from the period's deliveries,
and the year-end report shows its section "Báo chí và báo chí công ích"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Sum

from buudien.planning.render.docx import render_docx
from buudien.planning.render.narrative import narrative
from buudien.planning.render.tables import all_tables
from buudien.planning.selectors import year_report
from buudien.press import work
from buudien.press.figures import year_figures
from buudien.press.models import PressDelivery, Subscription
from buudien.press.tests.conftest import DAILY, DEC1, WEEKLY, at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DEC2 = DEC1 + dt.timedelta(days=1)


@pytest.fixture
def worked(
    world: Any, centre_clerk: Any, postman_a: Any, postman_b: Any, titles: Any, served: Any
) -> None:
    """Two issues of the daily. 1 December: Hùng's copy on time, the school's 3 late, the
    People's Committee's 2 missed, the elder's left pending. 2 December: at B, the school's
    and the elder's on time, the People's Committee missed again; Hùng's left pending."""
    for day in (DEC1, DEC2):
        work.issue_receive(
            actor=centre_clerk, title=titles[DAILY], issue_date=day, received=7, at=at(day, 5)
        )
    one = {row.name: row for row in PressDelivery.objects.filter(issue_date=DEC1)}
    two = {row.name: row for row in PressDelivery.objects.filter(issue_date=DEC2)}
    work.delivery_confirm(actor=postman_a, delivery=one["Nguyễn Văn Hùng"], at=at(DEC1, 9))
    work.delivery_confirm(actor=postman_b, delivery=one["Trường THCS Đồng Đăng"], at=at(DEC1, 14))
    for rows, day in ((one, DEC1), (two, DEC2)):
        work.delivery_confirm(
            actor=postman_b,
            delivery=rows["UBND xã Chi Lăng"],
            delivered=False,
            reason="absent",
            at=at(day, 10),
        )
    work.deliveries_confirm(
        actor=postman_b,
        point=world.point_b,
        ids=[two["Trường THCS Đồng Đăng"].pk, two["Ông Hoàng Văn Sình"].pk],
        at=at(DEC2, 10),
    )


def test_the_figures_equal_the_records(world: Any, titles: Any, worked: None) -> None:
    figures = year_figures(province_code="20", year=2026)

    total = figures.total()
    taken = Subscription.objects.aggregate(
        copies=Sum("copies"), total=Sum("total"), margin=Sum("margin")
    )
    assert (total.subscriptions, total.subscribed_copies, total.sales, total.margin) == (
        3,
        taken["copies"],
        taken["total"],
        taken["margin"],
    )
    # subscribers: 4 copies a day; Hùng 1 + the school 3 + 3, on time 1 + 3, none missed
    assert (total.press_due, total.press_delivered, total.press_on_time) == (8, 7, 4)
    assert (total.press_missed, total.press_on_time_pct) == (0, 57.1)
    # the programme: 3 copies a day; the elder's 1 on time, the People's Committee 2 + 2 missed
    assert (total.public_due, total.public_delivered, total.public_on_time) == (6, 1, 1)
    assert (total.public_missed, total.public_on_time_pct) == (4, 20.0)
    public = PressDelivery.objects.filter(recipient__isnull=False)
    assert public.aggregate(v=Sum("copies"))["v"] == 6

    codes = {title.pk: code for code, title in titles.items()}
    due = {codes[pk]: tally.press_due for pk, tally in figures.by_title().items()}
    assert due == {DAILY: 8, WEEKLY: 0}  # the weekly has no issue yet
    assert figures.by_point()[world.point_a.pk].press_due == 2
    assert figures.by_point()[world.point_b.pk].public_due == 6
    assert figures.by_month()[12].press_delivered == 7
    assert figures.by_month()[11].subscriptions == 3
    assert figures.by_quarter()[4].margin == taken["margin"]
    assert figures.by_unit([world.unit_b])[world.unit_b.pk].public_missed == 4
    assert figures.bdvhx().public_delivered == 1  # point B is a BĐVHX
    communes = figures.by_commune()
    assert communes[world.commune_b.pk].public_on_time_pct == 20.0
    assert figures.communes_covered() == 1


def test_the_recipients_never_reached_are_those_with_nothing_delivered(
    world: Any, worked: None
) -> None:
    found = year_figures(province_code="20", year=2026).recipients(as_of=at(DEC2, 15))

    assert (found.press_reached, found.press_never_reached) == (2, 0)
    assert (found.public_reached, found.public_never_reached) == (1, 1)
    never = [
        (one.name, one.public, one.deliveries, one.not_delivered)
        for one in found.never_reached or []
    ]
    assert never == [("UBND xã Chi Lăng", True, 2, 2)]
    # a year without issues reaches nobody
    assert year_figures(province_code="20", year=2025).recipients().never_reached == []


def test_the_api_gives_the_figures_to_readers_only(
    client_as: Any, world: Any, worked: None, director: Any, postman_a: Any, outsider: Any
) -> None:
    figures = client_as(director).get("/api/press/figures?year=2026").json()

    assert (figures["total"]["press_due"], figures["total"]["public_missed"]) == (8, 4)
    assert figures["total"]["press_on_time_pct"] == 57.1
    assert figures["previous"]["subscriptions"] is None
    assert [t["code"] for t in figures["per_title"]] == ["LS", "VNTT"]
    assert [q["quarter"] for q in figures["per_quarter"]] == [4]
    assert figures["per_commune"] == [
        {
            "code": world.commune_b.code,
            "name": world.commune_b.name,
            "public_due": 6,
            "public_delivered": 1,
            "public_missed": 4,
            "public_on_time_pct": 20.0,
        }
    ]
    assert figures["communes_covered"] == 1
    assert figures["recipients"]["public_never_reached"] == 1
    assert figures["recipients"]["never_reached"][0]["point"] == world.point_b.code
    assert client_as(postman_a).get("/api/press/figures?year=2026").status_code == 403
    # another province's director reads their own province: nothing of ours
    theirs = client_as(outsider).get("/api/press/figures?year=2026").json()
    assert (theirs["total"]["press_due"], theirs["per_point"]) == (None, [])
    assert client_as(outsider).get("/api/press/figures?year=2026&unit=BDT20").status_code == 404
    assert client_as(director).get("/api/press/figures?year=1999").status_code == 400


def test_the_year_end_report_has_its_press_section(world: Any, worked: None) -> None:
    report = year_report(user=None, province_code="20", year=2026)

    section = report["press"]
    assert section["subscriptions"] == {"actual": 3, "previous": None, "growth_pct": None}
    assert section["press_delivered"]["actual"] == 7
    assert section["press_on_time_pct"] == {"actual": 57.1, "previous": None}
    assert section["public_on_time_pct"]["actual"] == 20.0
    assert section["public_reached"]["actual"] == 1
    assert section["public_never_reached"]["actual"] == 1
    assert section["communes_covered"]["actual"] == 1
    assert [t["name"] for t in section["per_title"]] == [
        "Báo Lạng Sơn",
        "Tạp chí Việt Nam Thông tấn",
    ]
    # the revenue of the service press, from the ledger, is the post's margin
    service = next(s for s in report["services"] if s["code"] == "press")
    assert section["press_revenue"]["actual"] == service["actual"] == section["margin"]["actual"]

    text = narrative(report)
    press = next(s for _title, part in text.parts for s in part if s.key == "press")
    assert press.heading == "Báo chí và báo chí công ích"
    assert "3 lượt đặt mua báo chí với 5 bản" in press.paragraphs[0]
    assert "tỷ lệ phát báo đúng thời gian đạt 57,1%" in press.paragraphs[0]
    assert press.paragraphs[1].startswith("Phát báo chí công ích đến 1 đối tượng tại 1 xã")
    assert {"press", "press_titles"} <= {table.key for table in all_tables(report)}
    assert render_docx(report, issued_on=dt.date(2026, 12, 31))[:2] == b"PK"
