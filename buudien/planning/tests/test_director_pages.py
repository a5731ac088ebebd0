"""The director's pages read the database a bounded number of times, whatever the number of
units and points, and draw their charts once for the same figures (#19).

The province grows between two counts: each time districts are added, each with two
commune posts, a point in each, its revenue of the day and a plan."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from buudien.core.catalogue import Service
from buudien.network.choices import UnitKind
from buudien.network.tests.factories import PointFactory, UnitFactory
from buudien.planning.choices import TOTAL, PlanMetric
from buudien.planning.models import Plan
from buudien.planning.render import charts

pytestmark = pytest.mark.django_db

HOME, REPORT = "/", "/planning/report/"
# The home page of a director (the network today and the dashboard): the goal of #19.
HOME_QUERIES = 20
# The report page reads every section of the report, each domain's figures of the period
# and of the same period a year before in one query (the rollup of each of six domains, the
# emulation's four kinds of records, the partners' accounts and savings...): the same for
# any number of units, but not yet the 20 of #19's goal (111 before #19, 87 after its first
# step, 41 now). What remains: the request's own (session, user, the form's provinces: 4),
# the province, the report's units, points, successions, rollup, history and plans (7), a
# query per domain's rollup (6), the network at a day and its changes (4), emulation (4),
# partners (3), goods' stock (2; 3 when no point holds any), press (2), workforce (3),
# budget and costs (2), quality (1), the names of operators, insurers and titles (1), the
# dossiers' fees passed on (1).
REPORT_QUERIES = 44

_districts = itertools.count(1)


def _grow(world: Any, post: Callable[..., Any], districts: int) -> None:
    """``districts`` more districts of the province, each with two commune posts, a point at
    each with a fee of today, and a revenue plan of the year for every unit added."""
    today = timezone.localdate()
    for _ in range(districts):
        n = next(_districts)
        district = UnitFactory(code=f"BDH9{n:02d}", kind=UnitKind.DISTRICT, parent=world.province)
        units = [district]
        for c in range(2):
            commune = UnitFactory(code=f"BDX9{n:02d}{c}", parent=district)
            point = PointFactory(code=f"2499{n:02d}{c}", unit=commune)
            post(point, Service.REGISTERED, 100_000 * (n + c), today)
            units.append(commune)
        for unit in units:
            Plan.objects.create(
                province_code="20",
                year=today.year,
                unit=unit,
                metric=PlanMetric.REVENUE,
                subject=TOTAL,
                amount=50_000_000,
            )


def _count(client: Any, url: str) -> int:
    cache.clear()  # the charts drawn afresh: the count of a first visit
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_directors_pages_read_as_often_for_many_units_as_for_few(
    world: Any,
    director: Any,
    post: Callable[..., Any],
    client_as: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client = client_as(director)
    counts, added = [], 0
    for districts in (2, 12):
        _grow(world, post, districts)
        added += districts
        cache.clear()
        with django_assert_max_num_queries(HOME_QUERIES):
            home = client.get(HOME)
        # Every unit below the province is in the dashboard's table: the world's two and the
        # districts added.
        assert len(home.context["dashboard"]["units"].rows) == 2 + added
        assert 'data-testid="dashboard-chart-lines"' in home.content.decode()
        cache.clear()
        with django_assert_max_num_queries(REPORT_QUERIES):
            report = client.get(REPORT)
        # ... and a row of the report's units.
        assert len(report.context["report"]["per_unit"]) == 2 + added
        counts.append((_count(client, HOME), _count(client, REPORT)))

    few, many = counts
    assert many == few
    assert many[1] <= REPORT_QUERIES


def test_the_charts_are_drawn_once_for_the_same_figures(
    world: Any,
    director: Any,
    post: Callable[..., Any],
    client_as: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawn: list[str] = []
    draw = charts.svg

    def counted(figure: Any, *, title: str = "") -> str:
        drawn.append(title)
        return draw(figure, title=title)

    monkeypatch.setattr(charts, "svg", counted)
    client = client_as(director)
    _grow(world, post, 1)
    cache.clear()

    def svgs(url: str) -> list[str]:
        response = client.get(url)
        charts_shown = response.context["dashboard"]["charts"] if url == HOME else None
        return [str(c["svg"]) for c in charts_shown or response.context["charts"]]

    first = svgs(HOME)
    on_first = len(drawn)
    again = svgs(HOME)
    on_again = len(drawn) - on_first
    report = svgs(REPORT)
    on_report = len(drawn) - on_first - on_again
    svgs(REPORT)
    on_report_again = len(drawn) - on_first - on_again - on_report
    # The figures change (a fee of today): the dashboard's charts are drawn anew.
    post(world.point_a, Service.EMS, 12_345_000, timezone.localdate())
    changed = svgs(HOME)

    assert on_first == len(first) == 2 and on_again == 0  # the lines and the months
    assert again == first
    assert on_report == len(report) >= 2 and on_report_again == 0
    assert len(drawn) == on_first + on_report + 2
    assert changed != first
