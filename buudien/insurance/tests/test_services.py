"""Policies issued and cancelled through the services: the premium fixed or entered, the
plate and the period checked, every problem at once, once per key, the ledger legs, the
same-day cancellation and its reversal, who may act; and every refusal changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Sum

from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.models import AuditEntry
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account, Entry, MonthlyFigure
from buudien.insurance import rollup, services
from buudien.insurance.choices import PolicyStatus
from buudien.insurance.models import InsuranceRollup, Policy
from buudien.insurance.plates import plate_clean
from buudien.insurance.tests.conftest import CAR, HEALTH, HOME, MONDAY, issue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CITIZEN = "020190001234"


def balance(code: str) -> int:
    account = Account.objects.filter(province_code="20", code=code).first()
    return account.balance if account else 0


def test_a_motorbike_policy_takes_the_fixed_premium_and_owes_the_insurer_the_rest(
    world: Any, clerk_a: Any, products: Any
) -> None:
    policy = issue(clerk_a, world.point_a, plate="12b1 23456")

    assert policy.reference == "BHI240001000001"
    assert policy.policy_number == "BHI240001000001"
    assert (policy.premium, policy.commission, policy.owed) == (66_000, 13_200, 52_800)
    assert policy.plate == "12-B1 234.56"
    assert (policy.starts_on, policy.ends_on) == (dt.date(2026, 11, 2), dt.date(2027, 11, 2))
    assert policy.status == PolicyStatus.ISSUED
    assert policy.entry.kind == EntryKind.INSURANCE_PREMIUM
    assert balance("1111.240001") == 66_000
    assert balance("3388.partner.bh-pti") == 52_800
    assert balance("5113.insurance") == 13_200
    legs = list(policy.entry.transfers.values_list("service", flat=True))
    assert legs == ["insurance", "insurance"]
    assert AuditEntry.objects.filter(action="insurance.policy").count() == 1


def test_the_commission_is_revenue_of_the_insurance_service_in_the_monthly_figures(
    world: Any, clerk_a: Any, products: Any
) -> None:
    issue(clerk_a, world.point_a)
    issue(clerk_a, world.point_a, key="p2", product=HOME, premium=1_000_000, plate="")

    month = MonthlyFigure.objects.filter(service="insurance", month=dt.date(2026, 11, 1))
    assert month.aggregate(r=Sum("revenue"))["r"] == 13_200 + 150_000


def test_an_entered_premium_is_taken_within_the_product_bounds(
    world: Any, clerk_a: Any, products: Any
) -> None:
    policy = issue(clerk_a, world.point_a, product=CAR, premium=480_700, plate="30a12345")

    assert (policy.premium, policy.commission) == (480_700, 48_070)
    assert policy.plate == "30A-123.45"
    assert balance("3388.partner.bh-bic") == 432_630
    for premium in (399_999, 5_000_001, None):
        with pytest.raises(DomainError) as refused:
            issue(clerk_a, world.point_a, key=f"k{premium}", product=CAR, premium=premium)
        assert refused.value.field == "premium"
    assert Policy.objects.count() == 1


def test_a_fixed_premium_cannot_be_changed(world: Any, clerk_a: Any, products: Any) -> None:
    with pytest.raises(DomainError) as refused:
        issue(clerk_a, world.point_a, premium=50_000)
    assert refused.value.field == "premium"
    assert "66.000" in refused.value.message
    assert issue(clerk_a, world.point_a, premium=66_000).premium == 66_000


@pytest.mark.parametrize(
    ("typed", "car", "printed"),
    [
        ("29-B1 123.45", False, "29-B1 123.45"),
        ("29b1-1234", False, "29-B1 1234"),
        ("12-AB 12345", False, "12-AB 123.45"),
        ("51G-12345", True, "51G-123.45"),
        ("29LD 1234", True, "29LD-1234"),
    ],
)
def test_plates_are_written_as_on_the_plate(typed: str, car: bool, printed: str) -> None:
    assert plate_clean(typed, car=car) == printed


@pytest.mark.parametrize(
    ("typed", "car"),
    [
        ("", False),
        ("29-B1 123", False),
        ("05-B1 12345", False),
        ("ABC", True),
        ("30A-123456", True),
    ],
)
def test_bad_plates_are_refused(typed: str, car: bool) -> None:
    with pytest.raises(DomainError) as refused:
        plate_clean(typed, car=car)
    assert refused.value.field == "plate"


def test_a_vehicle_policy_needs_its_plate(world: Any, clerk_a: Any, products: Any) -> None:
    with pytest.raises(DomainError) as refused:
        issue(clerk_a, world.point_a, plate="")
    assert refused.value.field == "plate"
    assert not Policy.objects.exists()


def test_a_health_policy_needs_the_citizen_id(world: Any, clerk_a: Any, products: Any) -> None:
    with pytest.raises(DomainError) as refused:
        issue(clerk_a, world.point_a, product=HEALTH, premium=2_500_000)
    assert refused.value.field == "citizen_id"
    policy = issue(clerk_a, world.point_a, product=HEALTH, premium=2_500_000, citizen_id=CITIZEN)
    assert (policy.citizen_id, policy.plate) == (CITIZEN, "")


def test_every_problem_is_refused_at_once(world: Any, clerk_a: Any, products: Any) -> None:
    with pytest.raises(DomainError) as refused:
        issue(
            clerk_a,
            world.point_a,
            insured_name="",
            phone="12",
            plate="XX",
            starts_on=dt.date(2026, 11, 1),
            citizen_id="123",
        )
    assert set(refused.value.errors) == {
        "insured_name",
        "phone",
        "plate",
        "starts_on",
        "citizen_id",
    }
    assert not Entry.objects.exists() and not Policy.objects.exists()


def test_an_unknown_product_is_refused_with_the_other_problems(
    world: Any, clerk_a: Any, products: Any
) -> None:
    with pytest.raises(DomainError) as refused:
        issue(clerk_a, world.point_a, product="NOPE", insured_name="")
    assert set(refused.value.errors) == {"product", "insured_name"}


def test_the_cover_starts_today_or_up_to_sixty_days_ahead(
    world: Any, clerk_a: Any, products: Any
) -> None:
    latest = dt.date(2026, 11, 2) + dt.timedelta(days=60)
    policy = issue(clerk_a, world.point_a, starts_on=latest)
    assert (policy.starts_on, policy.ends_on) == (latest, dt.date(2028, 1, 1))
    for day in (dt.date(2026, 11, 1), latest + dt.timedelta(days=1), "2026-13-01"):
        with pytest.raises(DomainError) as refused:
            issue(clerk_a, world.point_a, key=f"d{day}", starts_on=day)
        assert refused.value.field == "starts_on"


def test_a_term_ending_on_a_missing_day_ends_on_the_month_end() -> None:
    assert services.months_later(dt.date(2028, 2, 29), 12) == dt.date(2029, 2, 28)
    assert services.months_later(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)


def test_the_same_key_issues_once(world: Any, clerk_a: Any, products: Any) -> None:
    first = issue(clerk_a, world.point_a)
    again = issue(clerk_a, world.point_a)

    assert again.pk == first.pk
    assert Entry.objects.count() == 1
    with pytest.raises(DomainError):
        issue(clerk_a, world.point_a, insured_name="Lê Thị Hoa")
    assert Policy.objects.count() == 1


def test_a_pre_printed_number_is_issued_once_per_insurer(
    world: Any, clerk_a: Any, products: Any
) -> None:
    issue(clerk_a, world.point_a, policy_number="xm/26 000123")
    with pytest.raises(DomainError) as refused:
        issue(clerk_a, world.point_a, key="p2", policy_number="XM/26000123")
    assert refused.value.field == "policy_number"
    other = issue(
        clerk_a, world.point_a, key="p3", product=HOME, premium=200_000, policy_number="XM/26000123"
    )
    assert other.policy_number == "XM/26000123"
    assert Policy.objects.count() == 2


def test_a_policy_is_cancelled_the_same_day_by_a_reversal(
    world: Any, clerk_a: Any, products: Any
) -> None:
    policy = issue(clerk_a, world.point_a)

    services.policy_cancel(
        actor=clerk_a, policy=policy, reason="Sai biển số", at=MONDAY + dt.timedelta(hours=2)
    )

    policy.refresh_from_db()
    assert policy.status == PolicyStatus.CANCELLED
    assert policy.cancel_reason == "Sai biển số"
    assert policy.cancel_entry is not None and policy.cancel_entry.reverses_id == policy.entry_id
    for code in ("1111.240001", "3388.partner.bh-pti", "5113.insurance"):
        assert balance(code) == 0
    row = InsuranceRollup.objects.get()
    assert (row.policies, row.premium, row.cancelled, row.premium_cancelled) == (
        1,
        66_000,
        1,
        66_000,
    )
    with pytest.raises(DomainError):
        services.policy_cancel(
            actor=clerk_a, policy=policy, reason="Sai biển số", at=MONDAY + dt.timedelta(hours=3)
        )


def test_a_policy_of_another_day_is_not_cancelled(world: Any, clerk_a: Any, products: Any) -> None:
    policy = issue(clerk_a, world.point_a)
    with pytest.raises(DomainError) as refused:
        services.policy_cancel(
            actor=clerk_a, policy=policy, reason="Sai biển số", at=MONDAY + dt.timedelta(days=1)
        )
    assert "02/11/2026" in refused.value.message
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.ISSUED and balance("5113.insurance") == 13_200


def test_only_the_point_or_an_administrator_cancels(
    world: Any, clerk_a: Any, clerk_b: Any, auditor: Any, admin_user: Any, products: Any
) -> None:
    policy = issue(clerk_a, world.point_a)
    with pytest.raises(NotFound):
        services.policy_cancel(actor=clerk_b, policy=policy, reason="Sai biển số", at=MONDAY)
    with pytest.raises(AccessDenied):
        services.policy_cancel(actor=auditor, policy=policy, reason="Sai biển số", at=MONDAY)
    assert Policy.objects.get().status == PolicyStatus.ISSUED
    services.policy_cancel(actor=admin_user, policy=policy, reason="Sai biển số", at=MONDAY)
    assert Policy.objects.get().status == PolicyStatus.CANCELLED


def test_only_a_clerk_at_their_own_point_issues(
    world: Any, clerk_a: Any, auditor: Any, accountant: Any, products: Any
) -> None:
    with pytest.raises(NotFound):
        issue(clerk_a, world.point_b)
    for reader in (auditor, accountant):
        with pytest.raises(AccessDenied):
            issue(reader, world.point_a)
    assert not Policy.objects.exists() and not Entry.objects.exists()


def test_the_rollup_kept_by_the_services_equals_its_rebuild(
    world: Any, clerk_a: Any, clerk_b: Any, products: Any
) -> None:
    issue(clerk_a, world.point_a)
    issue(clerk_a, world.point_a, key="p2", product=CAR, premium=500_000, plate="30A-12345")
    gone = issue(clerk_b, world.point_b, key="p3")
    services.policy_cancel(actor=clerk_b, policy=gone, reason="Sai biển số", at=MONDAY)
    fields = ["day", "point_id", "insurer_id", "kind", *rollup.COUNTERS]
    kept = sorted(InsuranceRollup.objects.values_list(*fields))
    rollup.insurance_rollup_rebuild(province_code="20")
    assert sorted(InsuranceRollup.objects.values_list(*fields)) == kept
    assert len(kept) == 3
