"""Policies issued in a list (``policies_issue_many``): the same records as the policies
issued one by one (numbers, rows, entries, rollup, audit lines, figures), all or nothing,
every refusal naming its row."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from buudien.core.errors import AccessDenied, DomainError
from buudien.counter.tests.many_checks import ledger_tables, table, written
from buudien.finance.models import Entry
from buudien.insurance import figures, rollup, services
from buudien.insurance.models import InsuranceRollup, Policy
from buudien.insurance.tests.conftest import CAR, HEALTH, HOME, MONDAY, MOTORBIKE, issue

pytestmark = pytest.mark.django_db

DAY = MONDAY.date()


def _at(minutes: int) -> dt.datetime:
    return MONDAY + dt.timedelta(minutes=minutes)


def _rows(clerk_a: Any, clerk_b: Any, world: Any) -> list[services.PolicyRow]:
    a, b = world.point_a, world.point_b
    return [
        services.PolicyRow(
            clerk_a, a, "p1", MOTORBIKE, "Nguyễn Văn Hùng", phone="0912345678",
            plate="12-B1 234.56", at=_at(1),
        ),
        services.PolicyRow(
            clerk_b, b, "p1", HEALTH, "  Hoàng   Thị Mai ", citizen_id="020301012345",
            premium=2_100_000, starts_on=DAY + dt.timedelta(days=3), at=_at(2),
        ),
        services.PolicyRow(
            clerk_a, a, "p2", CAR, "Lộc Văn Tâm", plate="12a12345", premium=873_400,
            policy_number="bic/2026-001", at=_at(3),
        ),
        services.PolicyRow(
            clerk_a, a, "p3", HOME, "Vi Thị Lan", address="Khối 5, thị trấn Đồng Đăng",
            premium=600_000, at=_at(4),
        ),
    ]  # fmt: skip


def _one_by_one(rows: list[services.PolicyRow]) -> None:
    for row in rows:
        services.policy_issue(
            actor=row.actor,
            point=row.point,
            idempotency_key=row.idempotency_key,
            product=row.product,
            insured_name=row.insured_name,
            citizen_id=row.citizen_id,
            phone=row.phone,
            address=row.address,
            plate=row.plate,
            starts_on=row.starts_on,
            premium=row.premium,
            policy_number=row.policy_number,
            at=row.at,
        )


def _figures() -> Any:
    found = figures.year_figures(province_code="20", year=DAY.year)
    return found.total(), found.by_insurer(), found.by_kind(), found.bdvhx()


def _reads() -> dict[str, Any]:
    return {
        **ledger_tables(),
        "policies": table(Policy, via={"entry_id": "entry__idempotency_key"}),
        "rollup": table(InsuranceRollup),
        "figures": _figures,
    }


def test_a_list_records_what_the_policies_one_by_one_record(clerk_a, clerk_b, world, products):
    rows = _rows(clerk_a, clerk_b, world)

    one_by_one = written(lambda: _one_by_one(rows), _reads())
    in_a_list = written(
        lambda: services.policies_issue_many(province_code="20", day=DAY, rows=rows), _reads()
    )

    assert in_a_list == one_by_one
    assert len(in_a_list["policies"]) == 4 and len(in_a_list["entries"]) == 4
    # 66.000 at 20 %, 2.100.000 at 25 %, 873.400 at 10 %, 600.000 at 15 %
    assert in_a_list["figures"][0] == figures.Tally(
        policies=4, cancelled=0, premium=3_639_400, commission=13_200 + 525_000 + 87_340 + 90_000
    )
    assert Counter(row[2] for row in in_a_list["audit"])["insurance.policy"] == 4


def test_a_list_answers_its_references_numbers_each_policy_and_keeps_the_rollup_true(
    clerk_a, clerk_b, world, products
):
    made = services.policies_issue_many(
        province_code="20", day=DAY, rows=_rows(clerk_a, clerk_b, world)
    )

    assert made == ["BHI240001000001", "BHI240002000001", "BHI240001000002", "BHI240001000003"]
    numbers = dict(Policy.objects.values_list("reference", "policy_number"))
    assert numbers["BHI240001000002"] == "BIC/2026-001"  # the certificate's own
    assert numbers["BHI240001000003"] == "BHI240001000003"
    health = Policy.objects.get(reference="BHI240002000001")
    assert (health.insured_name, health.insured_folded, health.ends_on) == (
        "Hoàng Thị Mai",
        "hoang thi mai",
        dt.date(2027, 11, 5),
    )
    assert (health.created_by, health.entry.created_by, health.created_at) == (
        clerk_b,
        clerk_b,
        _at(2),
    )
    kept = sorted(InsuranceRollup.objects.values_list("point", "insurer", "kind", "policies"))
    rollup.insurance_rollup_rebuild()
    assert kept == sorted(
        InsuranceRollup.objects.values_list("point", "insurer", "kind", "policies")
    )
    assert issue(clerk_a, world.point_a, key="p9").reference == "BHI240001000004"


def test_a_list_sent_again_is_the_policies_issued(clerk_a, clerk_b, world, products):
    rows = _rows(clerk_a, clerk_b, world)
    made = services.policies_issue_many(province_code="20", day=DAY, rows=rows)
    before = (Entry.objects.count(), Policy.objects.count())

    assert services.policies_issue_many(province_code="20", day=DAY, rows=rows) == made
    assert (Entry.objects.count(), Policy.objects.count()) == before


def _state() -> tuple[int, int, int]:
    return Entry.objects.count(), Policy.objects.count(), InsuranceRollup.objects.count()


def test_a_bad_row_refuses_the_whole_list_naming_it(clerk_a, clerk_b, world, products):
    rows = _rows(clerk_a, clerk_b, world)
    bad = services.PolicyRow(clerk_a, world.point_a, "p9", HEALTH, "", premium=100, at=_at(9))

    with pytest.raises(DomainError) as exc:
        services.policies_issue_many(province_code="20", day=DAY, rows=[*rows, bad])

    assert exc.value.message.startswith("Dòng 5: ")
    assert exc.value.field == "rows.4.insured_name"
    assert set(exc.value.errors) == {"insured_name", "citizen_id", "premium"}
    assert _state() == (0, 0, 0)


def test_a_certificate_number_issued_already_or_twice_in_the_list_is_refused(
    clerk_a, clerk_b, world, products
):
    rows = _rows(clerk_a, clerk_b, world)
    again = services.PolicyRow(
        clerk_b, world.point_b, "p7", CAR, "Lý Văn Nam", plate="12A-678.90", premium=480_700,
        policy_number="BIC/2026-001", at=_at(8),
    )  # fmt: skip

    with pytest.raises(DomainError) as exc:
        services.policies_issue_many(province_code="20", day=DAY, rows=[*rows, again])
    assert exc.value.field == "rows.4.policy_number"
    assert _state() == (0, 0, 0)

    issue(clerk_b, world.point_b, key="x", product=CAR, premium=480_700, plate="12A-678.91",
          policy_number="bic/2026-001")  # fmt: skip
    with pytest.raises(DomainError) as exc:
        services.policies_issue_many(province_code="20", day=DAY, rows=rows)
    assert exc.value.field == "rows.2.policy_number"
    assert Policy.objects.count() == 1


def test_only_a_clerk_at_their_own_point_issues_in_a_list(
    clerk_a, clerk_b, auditor, world, products
):
    rows = _rows(clerk_a, clerk_b, world)
    audited = services.PolicyRow(auditor, world.point_a, "p9", MOTORBIKE, "Vy Văn An",
                                 plate="12-B1 234.57", at=_at(9))  # fmt: skip

    with pytest.raises(AccessDenied) as exc:
        services.policies_issue_many(province_code="20", day=DAY, rows=[*rows, audited])

    assert exc.value.message.startswith("Dòng 5: ")
    assert _state() == (0, 0, 0)
