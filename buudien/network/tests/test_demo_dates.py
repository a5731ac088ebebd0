"""The demo is right on any day it is built: its year of operations never spends cash that
is not in a drawer on that day, whatever the calendar (month ends, weekends, holidays, a leap
day, the turn of the year).

The network is built once for the module (it does not depend on the day); each test moves
the clock to its day and runs the steps of the year inside its own transaction, which gives
the bare network back afterwards.

On SQLite only: the calendar is the same on both databases, and PostgreSQL builds the whole
demo in ``test_demo``; six more years there were a tenth of the suite's time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from buudien.core.bizdays import VIETNAM
from buudien.core.demo import demo_steps
from buudien.network.geography import geography_load
from buudien.network.management.commands.demo import PROVINCE, SEED, demo_build
from buudien.network.tests.demo_checks import assert_the_money_holds
from buudien.network.tests.test_demo import TINY_YEAR

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the calendar is the same on PG"),
]

# Three days where a calendar goes wrong: the year's last hour, a holiday that opens a year,
# a leap day that ends a month. (A Sunday, a Saturday that ends a month and the day after
# National Day were here too: each day costs a year of operations, and these three hold the
# cases that broke.)
DAYS = {
    "31 December, after closing": dt.datetime(2026, 12, 31, 17, 30),
    "1 January, a holiday": dt.datetime(2027, 1, 1, 9, 0),
    "29 February": dt.datetime(2028, 2, 29, 14, 0),
}


@pytest.fixture(scope="module")
def network(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        geography_load(province_codes=[PROVINCE])
        demo_build()
        yield
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.parametrize("moment", DAYS.values(), ids=list(DAYS))
def test_the_year_of_operations_holds_on_any_day(
    network: None, moment: dt.datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in TINY_YEAR.items():
        monkeypatch.setenv(name, value)

    with time_machine.travel(moment.replace(tzinfo=VIETNAM), tick=True):
        said = {
            step.name: step.build(seed=SEED, report=lambda _text: None) for step in demo_steps()
        }

    assert [name for name, line in said.items() if not line] == []
    assert_the_money_holds()
