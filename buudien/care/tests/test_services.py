"""Requests through the services: the law's clock (admissible until, resolve by), a
complaint lodged once per item and ground, every problem at once, KT1 items unknown to
others, the handling from assignment to closure with its public steps."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from buudien.care import services
from buudien.care.models import CareRequest, CareStep
from buudien.care.tests.conftest import LODGED, lodge
from buudien.core.bizdays import VIETNAM
from buudien.core.errors import AccessDenied, DomainError, NotFound

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_the_law_s_clock_for_each_ground(letter: Any, delivered: Any) -> None:
    # full course: accepted Monday 2/3, 3 business days -> Thursday 5/3; +6 months
    assert services.full_course_end(letter) == dt.date(2026, 3, 5)
    assert services.admissible_until(letter, "loss") == dt.date(2026, 9, 5)
    assert services.admissible_until(letter, "delay") == dt.date(2026, 9, 5)
    # damage: one month after delivery (10/3)
    assert services.admissible_until(delivered, "damage") == dt.date(2026, 4, 10)
    assert services.admissible_until(delivered, "conduct") is None
    with pytest.raises(DomainError, match="has not been delivered"):
        services.admissible_until(letter, "damage")
    assert services.resolve_by(dt.date(2026, 4, 1)) == dt.date(2026, 6, 1)
    assert services.resolve_by(dt.date(2026, 12, 31), international=True) == dt.date(2027, 3, 31)


def test_a_complaint_about_an_item_is_lodged_with_its_deadlines(
    world: Any, officer: Any, letter: Any
) -> None:
    row = lodge(officer, s10=letter.s10.lower())

    assert row.code == "CS26000001"
    assert (row.item, row.service, row.unit) == (letter, "registered", world.unit_a)
    assert (row.admissible_until, row.resolve_by) == (dt.date(2026, 9, 5), dt.date(2026, 6, 1))
    assert row.status == "received"
    assert list(row.steps.values_list("kind", "public")) == [("lodged", True)]


def test_a_complaint_past_its_time_twice_or_about_nothing_known_is_refused(
    officer: Any, letter: Any, delivered: Any
) -> None:
    lodge(officer, s10=letter.s10)
    with pytest.raises(DomainError, match="lodged already: CS26000001"):
        lodge(officer, s10=letter.s10)
    late = dt.datetime(2026, 4, 11, 9, 0, tzinfo=VIETNAM)
    with pytest.raises(DomainError, match="until 10/04/2026"):
        lodge(officer, s10=delivered.s10, ground="damage", at=late)
    with pytest.raises(DomainError, match="No mail item RR999"):
        lodge(officer, s10="RR999999999VN")
    with pytest.raises(DomainError) as every:
        lodge(officer, s10="", ground="", customer_name="", customer_email="x y")
    assert set(every.value.errors) >= {"s10", "ground", "customer_name", "customer_email"}
    assert CareRequest.objects.count() == 1


def test_a_kt1_item_is_unknown_to_all_but_kt1_roles(
    officer: Any, kt1_operator: Any, secret: Any
) -> None:
    with pytest.raises(DomainError, match="No mail item") as unknown:
        lodge(officer, s10=secret.s10)
    assert "KT1" not in str(unknown.value.message)
    row = lodge(kt1_operator, s10=secret.s10)
    assert row.is_kt1
    with pytest.raises(NotFound):
        services.request_note(actor=officer, request=row, text="xem")


def test_the_public_form_lodges_with_a_phone_and_no_login(letter: Any) -> None:
    with pytest.raises(DomainError) as refused:
        lodge(None, s10=letter.s10, customer_phone="")
    assert "customer_phone" in refused.value.errors
    row = lodge(None, s10=letter.s10, channel="hotline")
    assert (row.channel, row.received_by) == ("web", None)


def test_a_complaint_is_handled_answered_and_closed(
    world: Any, officer: Any, clerk_a: Any, letter: Any
) -> None:
    row = lodge(officer, s10=letter.s10)
    later = LODGED + dt.timedelta(days=3)
    services.request_assign(actor=officer, request=row, unit=world.unit_a, owner=clerk_a, at=later)
    services.request_note(actor=clerk_a, request=row, text="Đã kiểm tra sổ phát.", at=later)
    with pytest.raises(DomainError, match="Answer the customer"):
        services.request_close(actor=clerk_a, request=row, outcome="upheld", cause="Thất lạc")
    services.request_answer(actor=clerk_a, request=row, text="Bưu gửi đã thất lạc.", at=later)
    with pytest.raises(DomainError) as missing:
        services.request_close(actor=clerk_a, request=row)
    assert set(missing.value.errors) == {"outcome", "cause"}
    done = services.request_close(
        actor=clerk_a, request=row, outcome="upheld", cause="Thất lạc tại bưu cục phát", at=later
    )
    assert (done.status, done.outcome, done.closed_on) == ("closed", "upheld", later.date())
    steps = CareStep.objects.filter(request=row).order_by("id")
    assert [(s.kind, s.public) for s in steps] == [
        ("lodged", True),
        ("assigned", False),
        ("note", False),
        ("answer", True),
        ("closed", True),
    ]
    with pytest.raises(DomainError, match="closed"):
        services.request_note(actor=clerk_a, request=row, text="thêm")


def test_a_clerk_of_another_unit_does_not_see_it_and_a_postman_may_not_act(
    world: Any, officer: Any, clerk_b: Any, letter: Any
) -> None:
    from buudien.people.tests.factories import UserFactory

    row = lodge(officer, s10=letter.s10)  # in charge: A's unit
    with pytest.raises(NotFound):
        services.request_note(actor=clerk_b, request=row, text="?")
    postman = UserFactory(username="pm", role="postman", unit=world.unit_a)
    with pytest.raises(AccessDenied):
        services.request_note(actor=postman, request=row, text="?")


def test_escalation_near_the_deadline_goes_to_the_unit_above(
    world: Any, officer: Any, letter: Any
) -> None:
    row = lodge(officer, s10=letter.s10)
    with pytest.raises(DomainError, match="from 7 days before"):
        services.request_escalate(actor=officer, request=row, at=LODGED)
    near = dt.datetime(2026, 5, 27, 9, 0, tzinfo=VIETNAM)
    done = services.request_escalate(actor=officer, request=row, at=near)
    assert done.unit == world.province and done.escalated_at == near


def test_the_rollup_counts_received_and_closed_in_time_at_the_origin_unit(
    world: Any, officer: Any, letter: Any
) -> None:
    from buudien.care.models import CareRollup

    row = lodge(officer, s10=letter.s10)
    services.request_escalate(
        actor=officer, request=row, at=dt.datetime(2026, 5, 27, 9, 0, tzinfo=VIETNAM)
    )
    services.request_answer(actor=officer, request=row, text="Đã tìm thấy.")
    services.request_close(
        actor=officer,
        request=row,
        outcome="rejected",
        cause="Người nhận đã nhận",
        at=dt.datetime(2026, 5, 29, 9, 0, tzinfo=VIETNAM),
    )
    found = CareRollup.objects.get()
    assert (found.unit, found.month, found.service, found.ground) == (
        world.unit_a,
        dt.date(2026, 4, 1),
        "registered",
        "loss",
    )
    assert (found.received, found.closed, found.closed_on_time, found.upheld) == (1, 1, 1, 0)


def test_the_daily_run_escalates_what_nears_its_deadline_once(
    world: Any, officer: Any, letter: Any, delivered: Any
) -> None:
    from io import StringIO

    import time_machine
    from django.core.management import call_command

    near = lodge(officer, s10=letter.s10)  # resolve by 1/6
    later = lodge(
        officer,
        s10=delivered.s10,
        ground="damage",
        at=dt.datetime(2026, 4, 9, 9, 0, tzinfo=VIETNAM),
    )  # resolve by 9/6
    out = StringIO()
    with time_machine.travel(dt.datetime(2026, 5, 27, 6, 0, tzinfo=VIETNAM)):
        call_command("care", "escalate", "--province", "20", stdout=out)
        again = services.escalate_due(province_code="20")
    assert f"1 requests escalated {near.code}" in out.getvalue()
    assert again == []
    near.refresh_from_db()
    later.refresh_from_db()
    assert near.unit == world.province and near.escalated_at is not None
    assert later.escalated_at is None
    assert near.steps.filter(kind="escalated", by__isnull=True).count() == 1


def test_a_kt1_request_is_hidden_from_administrators_as_kt1_mail_is(
    officer: Any, kt1_operator: Any, admin_user: Any, secret: Any
) -> None:
    row = lodge(kt1_operator, s10=secret.s10)
    with pytest.raises(NotFound):
        services.request_note(actor=admin_user, request=row, text="xem")
    with pytest.raises(DomainError, match="No mail item"):
        lodge(admin_user, s10=secret.s10, ground="delay")
