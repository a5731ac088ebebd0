"""The services' rules: each bad input refused with its reason and nothing written; every
problem of a request at once; the 15% cap of Chiến sĩ thi đua cơ sở; who proposes, who
decides and in which subtree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.emulation import selectors, services, services_awards
from buudien.emulation.models import Award, Initiative, Movement, Pledge
from buudien.emulation.tests.conftest import DECIDED, DECISION_DAY, award, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

THEME = "Đẩy mạnh kỷ cương, kỷ luật, phấn đấu thực hiện thắng lợi kế hoạch năm 2026"


def _launch(actor: Any, world: Any, **given: Any) -> Movement:
    data: dict[str, Any] = {
        "province": world.province,
        "theme": THEME,
        "launched_by": "Giám đốc Bưu điện tỉnh",
        "launched_on": dt.date(2026, 1, 12),
        "year_from": 2026,
        "units": [world.unit_a, world.unit_b],
        "criteria": {"revenue_plan_pct": 5, "on_time_rate": 3},
        "at": DECIDED,
    }
    data.update(given)
    return services.movement_launch(actor=actor, **data)


def _pledge(actor: Any, world: Any, **given: Any) -> Pledge:
    data: dict[str, Any] = {
        "unit": world.unit_a,
        "year": 2025,
        "signed_on": dt.date(2025, 1, 20),
        "management_signatory": "Hoàng Văn Đức",
        "union_signatory": "Nông Thị Hoa",
        "targets": [("revenue_plan_pct", "102"), ("complaints_per_10000", Decimal("1.5"))],
        "at": DECIDED,
    }
    data.update(given)
    return services.pledge_record(actor=actor, **data)


def _record(actor: Any, **given: Any) -> Award:
    data: dict[str, Any] = {
        "kind": "lao_dong_tien_tien",
        "year_from": 2025,
        "decision_number": "15/QĐ-BĐT",
        "decision_date": DECISION_DAY,
        "at": DECIDED,
    }
    data.update(given)
    return services.award_record(actor=actor, **data)


def test_a_movement_is_launched_with_its_criteria_and_units(hr: Any, world: Any) -> None:
    row = _launch(hr, world)

    assert (row.province, row.year_from, row.year_to, row.province_code) == (
        world.province, 2026, 2026, "20",
    )  # fmt: skip
    assert set(row.units.all()) == {world.unit_a, world.unit_b}
    assert dict(row.criteria.values_list("code", "weight")) == {
        "revenue_plan_pct": 5,
        "on_time_rate": 3,
    }


def test_a_bad_movement_is_refused_whole_and_a_clerk_launches_none(
    hr: Any, clerk_a: Any, world: Any
) -> None:
    with pytest.raises(DomainError) as refused:
        _launch(
            hr,
            world,
            theme="",
            launched_on=dt.date(2026, 2, 1),
            year_from=2026,
            year_to=2024,
            units=[world.unit_a, world.other_province],
            criteria={"revenue_plan_pct": 0, "no_such": 1},
        )
    assert set(refused.value.errors) == {"theme", "launched_on", "year_to", "units", "criteria"}
    assert "Bưu điện tỉnh Cao Bằng is not a unit of Bưu điện tỉnh Lạng Sơn" in str(refused.value)
    assert "No criterion has the code no_such" in str(refused.value)
    with pytest.raises(AccessDenied):
        _launch(clerk_a, world)
    assert Movement.objects.count() == 0


def test_a_pledge_keeps_its_targets_and_its_results_once_the_year_is_over(
    hr: Any, world: Any
) -> None:
    movement = _launch(hr, world, year_from=2025, launched_on=dt.date(2025, 1, 10))
    pledge = _pledge(hr, world, movement=movement)
    assert dict(pledge.targets.values_list("code", "target")) == {
        "revenue_plan_pct": Decimal("102.00"),
        "complaints_per_10000": Decimal("1.50"),
    }
    with pytest.raises(DomainError, match="once the year has ended, from 01/01/2026"):
        services.pledge_record_results(
            actor=hr, pledge=pledge, results={}, at=dt.datetime(2025, 12, 31, 12, 0)
        )

    services.pledge_record_results(
        actor=hr,
        pledge=pledge,
        results={"revenue_plan_pct": Decimal("104.305"), "complaints_per_10000": Decimal("2.1")},
        at=DECIDED,
    )

    assert sorted(pledge.targets.values_list("code", "result", "met")) == [
        ("complaints_per_10000", Decimal("2.10"), False),  # lower is better: 2.1 > 1.5
        ("revenue_plan_pct", Decimal("104.31"), True),  # a computed figure, rounded
    ]
    with pytest.raises(DomainError, match="recorded already, on 15/01/2026"):
        services.pledge_record_results(actor=None, pledge=pledge, results={}, at=DECIDED)
    assert selectors.year_summary(user=hr, year=2025).pledges_with_results == 1


def test_a_bad_pledge_is_refused_whole(hr: Any, world: Any) -> None:
    _pledge(hr, world)
    with pytest.raises(DomainError) as refused:
        _pledge(
            hr,
            world,
            management_signatory="",
            signed_on=dt.date(2023, 12, 1),
            targets=[("deliveries", 10), ("on_time_rate", "9x"), ("on_time_rate", 95)],
        )
    message = str(refused.value)
    assert set(refused.value.errors) == {"management_signatory", "signed_on", "targets", "year"}
    assert "Items delivered measures a person" in message
    assert "signed its pledge for 2025 already, on 20/01/2025" in message
    assert "give a number" in message
    assert Pledge.objects.count() == 1


def test_an_award_without_its_decision_or_to_the_wrong_recipient_is_refused(
    hr: Any, world: Any, clerk_a: Any
) -> None:
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"decision_number": "", "decision_date": None}, "decision_number", "is required"),
        ({"decision_date": dt.date(2026, 2, 1)}, "decision_date", "cannot be in the future"),
        ({"decision_date": dt.date(2025, 11, 30)}, "decision_date", "review of 2025 opens"),
        ({"year_from": 2026}, "year_from", "once the year's review opens, on 01/12/2026"),
        ({"year_to": 2026}, "year_to", "A title is given for one year"),
        ({"kind": "tap_the_ldtt"}, "person", "is given to a unit, not to a person"),
        ({"kind": "cstd_co_so", "person": None, "unit": world.unit_a}, "unit", "not to a unit"),
        ({"kind": "other"}, "name", "The name of the title or award is required"),
        ({"unit": world.unit_a}, "unit", "one person or one unit, not both"),
    ]
    for given, field, words in cases:
        data = {"person": clerk_a, **given}
        with pytest.raises(DomainError) as refused:
            _record(hr, **data)
        assert field in refused.value.errors, (given, refused.value.errors)
        assert words in str(refused.value), (given, str(refused.value))
    assert Award.objects.count() == 0


def test_a_title_is_held_once_a_year_and_the_refusal_names_the_decision(
    hr: Any, head_a: Any, clerk_a: Any, monkeypatch: Any
) -> None:
    _record(hr, person=clerk_a)
    with pytest.raises(DomainError, match="decision 15/QĐ-BĐT of 10/01/2026"):
        services.award_propose(
            actor=head_a, kind="lao_dong_tien_tien", person=clerk_a, year_from=2025, at=DECIDED
        )
    assert Award.objects.count() == 1
    # a twin written between the checks and the write (two recorders at once): the key holds
    monkeypatch.setattr(services_awards, "_title_once", lambda *args: None)
    with pytest.raises(DomainError, match="recorded meanwhile by someone else"):
        services.award_propose(
            actor=head_a, kind="lao_dong_tien_tien", person=clerk_a, year_from=2025, at=DECIDED
        )
    assert Award.objects.count() == 1
    # an award for a period is not a title: given again in another decision
    _record(hr, person=clerk_a, kind="giay_khen", year_from=2021, year_to=2025)
    _record(hr, person=clerk_a, kind="giay_khen", year_from=2021, year_to=2025, name="Công đoàn")
    assert Award.objects.count() == 3


def test_grassroots_emulation_fighters_are_at_most_15_percent_of_advanced_workers(
    hr: Any, world: Any
) -> None:
    workers = [person(world, f"w{i}", f"Người {i}") for i in range(13)]
    for worker in workers:
        award(worker, "lao_dong_tien_tien", 2025)
    # 13 advanced workers: 15% is 1.95, so one fighter
    _record(hr, person=workers[0], kind="cstd_co_so")
    proposed = services.award_propose(
        actor=hr, kind="cstd_co_so", person=workers[1], year_from=2025, at=DECIDED
    )

    with pytest.raises(DomainError) as refused:
        services.award_decide(
            actor=hr,
            award=proposed,
            outcome="awarded",
            decision_number="16/QĐ-BĐT",
            decision_date=DECISION_DAY,
            at=DECIDED,
        )

    assert str(refused.value) == (
        "Bưu điện tỉnh Lạng Sơn may name at most 1 grassroots emulation fighters for 2025: "
        "15% of its 13 advanced workers; 1 are named already."
    )
    proposed.refresh_from_db()
    assert (proposed.status, proposed.decision_number) == ("proposed", "")


def test_a_head_proposes_in_their_subtree_and_a_recorder_decides(
    hr: Any, head_a: Any, clerk_a: Any, clerk_b: Any, world: Any
) -> None:
    proposal = services.award_propose(
        actor=head_a, kind="giay_khen", person=clerk_a, year_from=2025, at=DECIDED,
        citation="Hoàn thành xuất sắc nhiệm vụ năm 2025",
    )  # fmt: skip
    assert (proposal.status, proposal.level, proposal.unit_path) == (
        "proposed", "unit", world.unit_a.path,
    )  # fmt: skip
    with pytest.raises(NotFound):
        services.award_propose(
            actor=head_a, kind="giay_khen", person=clerk_b, year_from=2025, at=DECIDED
        )
    with pytest.raises(AccessDenied):
        services.award_decide(actor=head_a, award=proposal, outcome="awarded", at=DECIDED)
    with pytest.raises(AccessDenied):
        _record(clerk_a, person=clerk_a)

    decided = services.award_decide(
        actor=hr,
        award=proposal,
        outcome="awarded",
        decision_number="20/QĐ-BĐT",
        decision_date=DECISION_DAY,
        issuer="Giám đốc Bưu điện tỉnh",
        at=DECIDED,
    )

    assert (decided.status, decided.decision_number, decided.recorded_by) == (
        "awarded", "20/QĐ-BĐT", hr,
    )  # fmt: skip
    with pytest.raises(DomainError, match="decided already: Awarded"):
        services.award_decide(actor=hr, award=proposal, outcome="rejected", at=DECIDED)
    assert Award.objects.count() == 1


def test_everyone_sees_the_awards_of_their_subtree_and_proposals_only_the_managers(
    hr: Any, head_a: Any, clerk_a: Any, clerk_b: Any, auditor: Any
) -> None:
    given = _record(hr, person=clerk_a)
    other = _record(hr, person=clerk_b)
    waiting = services.award_propose(
        actor=head_a, kind="giay_khen", person=clerk_a, year_from=2025, at=DECIDED
    )

    assert set(selectors.award_list(user=clerk_a)) == {given}
    assert set(selectors.award_list(user=clerk_b)) == {other}
    assert set(selectors.award_list(user=head_a)) == {given, waiting}
    assert set(selectors.award_list(user=auditor)) == {given, other, waiting}
    assert [a.person for a in selectors.award_list(user=hr, q="nguyen van")] != []


def test_an_initiative_needs_an_author_of_its_unit_and_a_decision_to_be_recognised(
    hr: Any, head_a: Any, clerk_a: Any, clerk_b: Any, world: Any
) -> None:
    base: dict[str, Any] = {
        "title": "Sắp xếp tuyến phát theo bản đồ số",
        "unit": world.unit_a,
        "level": "unit",
        "year": 2025,
        "at": DECIDED,
    }
    with pytest.raises(DomainError, match="at least one author"):
        services.initiative_propose(actor=head_a, authors=[], **base)
    with pytest.raises(NotFound):
        services.initiative_propose(
            actor=head_a, authors=[clerk_b], **{**base, "unit": world.unit_b}
        )
    with pytest.raises(DomainError, match="is not one of the people of Bưu điện xã Đồng Đăng"):
        services.initiative_propose(actor=hr, authors=[clerk_a, clerk_b], **base)
    with pytest.raises(DomainError) as negative:
        services.initiative_propose(actor=head_a, authors=[clerk_a], benefit_amount=-1, **base)
    assert set(negative.value.errors) == {"benefit_amount"}
    assert Initiative.objects.count() == 0

    row = services.initiative_propose(
        actor=head_a, authors=[clerk_a], benefit_amount=12_000_000, **base
    )
    with pytest.raises(DomainError) as refused:
        services.initiative_decide(actor=hr, initiative=row, outcome="recognised", at=DECIDED)
    assert set(refused.value.errors) == {"decision_number", "decision_date"}
    services.initiative_decide(
        actor=hr, initiative=row, outcome="recognised", decision_number="08/QĐ-HĐSK",
        decision_date=DECISION_DAY, at=DECIDED,
    )  # fmt: skip
    services.initiative_apply(
        actor=hr, initiative=row, unit=world.unit_b, applied_on=dt.date(2026, 1, 12), at=DECIDED
    )
    row.refresh_from_db()
    assert (row.status, row.decision_number) == ("recognised", "08/QĐ-HĐSK")
    assert [a.unit for a in row.applications.all()] == [world.unit_b]
    assert list(selectors.initiative_list(user=clerk_b)) == []  # not of B's subtree
    assert list(selectors.initiative_list(user=clerk_a, q="ban do so")) == [row]
