"""The director's home page: the complaints of the year so far, the share resolved within the
legal time and those open past their deadline, with a link to the care pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from buudien.care import services
from buudien.care.tests.conftest import lodge
from buudien.core.bizdays import VIETNAM

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 15, 10, 0, tzinfo=VIETNAM)
CLOSED = dt.datetime(2026, 4, 20, 10, 0, tzinfo=VIETNAM)


def _complaint(officer: Any, day: dt.date) -> Any:
    at = dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=VIETNAM)
    return lodge(officer, ground="conduct", subject="none", at=at)


def test_the_director_sees_the_year_s_complaints_on_the_home_page(
    client_as: Any, director: Any, clerk_a: Any, officer: Any
) -> None:
    with time_machine.travel(NOW, tick=False):
        answered = _complaint(officer, dt.date(2026, 3, 2))  # due 2/5, closed 20/4: in time
        services.request_answer(
            actor=officer, request=answered, text="Xin lỗi khách hàng.", at=CLOSED
        )
        services.request_close(
            actor=officer,
            request=answered,
            outcome="partly",
            cause="Nhân viên chưa niềm nở",
            at=CLOSED,
        )
        _complaint(officer, dt.date(2026, 4, 1))  # due 1/6: open past its deadline
        _complaint(officer, dt.date(2026, 7, 1))  # due 1/9: open, not late
        lodge(officer, kind="enquiry", ground="", subject="none", at=NOW)

        html = client_as(director).get("/").content.decode()
        clerk_html = client_as(clerk_a).get("/").content.decode()

    block = html.split('data-testid="dashboard-care"')[1].split("</div>\n  </div>")[0]
    assert 'data-testid="care-complaints">3<' in block
    assert 'data-testid="care-on-time">100,0%<' in block
    assert 'data-testid="care-overdue">1<' in block
    assert 'href="/care/"' in block
    assert 'data-testid="dashboard-care"' not in clerk_html
