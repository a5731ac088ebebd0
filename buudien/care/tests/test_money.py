"""Compensation through the services: the most each rule allows from the item's own charge
and declared value, proposed within it, approved once by an accountant, paid once at a
counter (a counter operation: one balanced entry, the drawer credited) or by transfer; the
rollup and the public step; refusals that change nothing; refunds through a bill's
cancellation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from buudien.care import services, services_money
from buudien.care.compensation import compensation_max
from buudien.care.models import CareRollup, CareStep, Compensation, CompensationPayment
from buudien.care.tests.conftest import LODGED, lodge
from buudien.core.bizdays import VIETNAM
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account, Entry
from buudien.mail.choices import MailService
from buudien.mail.tests.ops_factories import ops_item
from buudien.planning.selectors import year_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CHARGE = 21_600  # ops_item's price_total: 20.000 đ postage and 1.600 đ VAT
LATER = LODGED + dt.timedelta(days=5)
PAY_AT = dt.datetime(2026, 12, 7, 9, 0, tzinfo=VIETNAM)


@pytest.fixture
def accountant(world: Any) -> Any:
    from buudien.people.tests.factories import UserFactory

    return UserFactory(username="ketoan", role="accountant", unit=world.province)


def upheld(actor: Any, item: Any, ground: str = "loss", outcome: str = "upheld") -> Any:
    row = lodge(actor, s10=item.s10, ground=ground)
    services.request_answer(actor=actor, request=row, text="Bưu gửi đã thất lạc.", at=LATER)
    return services.request_close(
        actor=actor, request=row, outcome=outcome, cause="Thất lạc", at=LATER
    )


def approved(officer: Any, accountant: Any, item: Any, **given: Any) -> Compensation:
    row = upheld(officer, item)
    proposed = services_money.compensation_propose(actor=officer, request=row, **given)
    return services_money.compensation_approve(actor=accountant, compensation=proposed)


# --- the rules ---------------------------------------------------------------------------


def test_each_rule_gives_its_most_from_the_item_s_own_charge_and_value(world: Any) -> None:
    letter = ops_item(point=world.point_a)
    valued = ops_item(point=world.point_a, declared_value=2_000_000)
    ems = ops_item(point=world.point_a, service=MailService.EMS, price_total=45_000)

    assert compensation_max(letter, "whole").amount_max == 4 * CHARGE + CHARGE == 108_000
    assert compensation_max(valued, "declared").amount_max == 2_000_000 + CHARGE
    partial = compensation_max(letter, "partial", 4_000)
    assert (partial.compensation, partial.refund, partial.amount_max) == (86_400, CHARGE, 43_200)
    assert compensation_max(valued, "partial", 4_000).amount_max == 808_640
    assert compensation_max(ems, "delay").amount_max == 45_000


def test_a_rule_that_does_not_fit_the_item_is_refused_with_its_reason(world: Any) -> None:
    letter = ops_item(point=world.point_a)
    valued = ops_item(point=world.point_a, declared_value=2_000_000)
    with pytest.raises(DomainError, match="promises no delivery time"):
        compensation_max(letter, "delay")
    with pytest.raises(DomainError, match=r"declared value of 2\.000\.000"):
        compensation_max(valued, "whole")
    with pytest.raises(DomainError, match="without a declared value"):
        compensation_max(letter, "declared")
    with pytest.raises(DomainError, match="partial loss or damage only"):
        compensation_max(letter, "whole", 5_000)
    with pytest.raises(DomainError, match="1 to 10000"):
        compensation_max(letter, "partial", 0)


# --- proposed ----------------------------------------------------------------------------


def test_an_upheld_loss_is_proposed_at_most_what_the_rules_allow(officer: Any, letter: Any) -> None:
    row = upheld(officer, letter)

    made = services_money.compensation_propose(actor=officer, request=row)

    assert (made.rule, made.charge, made.amount_max, made.amount, made.status) == (
        "whole",
        CHARGE,
        108_000,
        108_000,
        "proposed",
    )
    assert row.steps.filter(kind="note", public=False).count() == 1


def test_a_proposal_above_the_rules_twice_or_for_no_upheld_item_changes_nothing(
    world: Any, officer: Any, letter: Any
) -> None:
    row = upheld(officer, letter)
    steps = CareStep.objects.count()
    with pytest.raises(DomainError, match=r"at most 108\.000\s₫ .*108\.001\s₫ is more"):
        services_money.compensation_propose(actor=officer, request=row, amount=108_001)
    with pytest.raises(DomainError, match="not compensated by the rule"):
        services_money.compensation_propose(actor=officer, request=row, rule="delay")
    open_one = lodge(officer, s10=ops_item(point=world.point_a).s10)
    with pytest.raises(DomainError, match="closed as upheld"):
        services_money.compensation_propose(actor=officer, request=open_one)
    enquiry = lodge(officer, kind="enquiry", subject="none", ground="")
    with pytest.raises(DomainError, match="complaint about a mail item"):
        services_money.compensation_propose(actor=officer, request=enquiry)
    assert (Compensation.objects.count(), CareStep.objects.count()) == (0, steps + 2)

    services_money.compensation_propose(actor=officer, request=row, amount=50_000)
    with pytest.raises(DomainError, match="proposed already"):
        services_money.compensation_propose(actor=officer, request=row)
    assert Compensation.objects.get().amount == 50_000


def test_a_partial_damage_and_an_ems_delay_are_proposed_by_their_rules(
    world: Any, officer: Any, delivered: Any
) -> None:
    damaged = upheld(officer, delivered, ground="damage", outcome="partly")
    part = services_money.compensation_propose(actor=officer, request=damaged, loss_bp=4_000)
    assert (part.rule, part.loss_bp, part.amount) == ("partial", 4_000, 43_200)

    ems = ops_item(point=world.point_a, service=MailService.EMS, price_total=45_000)
    late = services_money.compensation_propose(actor=officer, request=upheld(officer, ems, "delay"))
    assert (late.rule, late.amount) == ("delay", 45_000)

    ordinary = upheld(officer, ops_item(point=world.point_a), "delay")
    with pytest.raises(DomainError, match="promises no delivery time"):
        services_money.compensation_propose(actor=officer, request=ordinary)


def test_a_postman_may_not_propose_and_an_outsider_does_not_see_it(
    world: Any, officer: Any, outsider: Any, letter: Any
) -> None:
    from buudien.people.tests.factories import UserFactory

    row = upheld(officer, letter)
    postman = UserFactory(username="pm", role="postman", unit=world.unit_a)
    with pytest.raises(AccessDenied):
        services_money.compensation_propose(actor=postman, request=row)
    with pytest.raises(NotFound):
        services_money.compensation_propose(actor=outsider, request=row)
    assert not Compensation.objects.exists()


# --- approved ----------------------------------------------------------------------------


def test_an_accountant_approves_once_and_no_one_else(
    officer: Any, accountant: Any, clerk_a: Any, letter: Any
) -> None:
    row = upheld(officer, letter)
    made = services_money.compensation_propose(actor=officer, request=row)
    with pytest.raises(AccessDenied):
        services_money.compensation_approve(actor=clerk_a, compensation=made)

    done = services_money.compensation_approve(actor=accountant, compensation=made)

    assert (done.status, done.approved_by) == ("approved", accountant)
    with pytest.raises(DomainError, match="approved already"):
        services_money.compensation_approve(actor=accountant, compensation=made)


# --- paid --------------------------------------------------------------------------------


def test_paid_at_the_counter_once_debits_the_expense_and_credits_the_drawer(
    world: Any, officer: Any, accountant: Any, clerk_a: Any, letter: Any, fund: Any
) -> None:
    made = approved(officer, accountant, letter)
    fund(world.point_a, 500_000)

    paid = services_money.compensation_pay(
        actor=clerk_a, compensation=made, point=world.point_a, idempotency_key="k1", at=PAY_AT
    )

    made.refresh_from_db()
    assert (made.status, made.entry, made.paid_on) == ("paid", paid.entry, PAY_AT.date())
    assert (paid.reference, paid.amount, paid.method, paid.payee_name) == (
        "BT240001000001",
        108_000,
        "cash",
        "Hoàng Thị Mai",
    )
    entry = Entry.objects.get(pk=paid.entry_id)
    legs = [(t.debit.code, t.credit.code, t.amount) for t in entry.transfers.all()]
    # other expenses (811) of the point that paid it: its unit's cost
    assert (entry.kind, legs) == ("compensation", [("811.240001", "1111.240001", 108_000)])
    balances = dict(Account.objects.values_list("code", "balance"))
    assert (balances["811.240001"], balances["1111.240001"]) == (108_000, 392_000)
    assert Account.objects.get(code="811.240001").point == world.point_a
    # the year report of the point's unit counts it among its other expenses
    report = year_report(
        user=None, province_code="20", year=2026, unit=world.point_a.unit.code, estimate=False
    )
    groups = {group["code"]: group["actual"] for group in report["expenses"]["groups"]}
    assert groups.get("811") == 108_000
    rollup = CareRollup.objects.get(month=dt.date(2026, 12, 1))
    assert (rollup.compensations, rollup.compensation_paid) == (1, 108_000)
    step = made.request.steps.get(kind="compensated")
    assert step.public and "108.000\xa0₫" in step.text

    # the same key again: the same payment; another key: refused
    again = services_money.compensation_pay(
        actor=clerk_a, compensation=made, point=world.point_a, idempotency_key="k1", at=PAY_AT
    )
    assert again.pk == paid.pk
    with pytest.raises(DomainError, match="paid already, on 07/12/2026"):
        services_money.compensation_pay(
            actor=clerk_a, compensation=made, point=world.point_a, idempotency_key="k2", at=PAY_AT
        )
    assert CompensationPayment.objects.count() == 1
    assert Entry.objects.filter(kind="compensation").count() == 1


def test_a_payment_before_approval_or_from_a_drawer_without_the_cash_changes_nothing(
    world: Any, officer: Any, accountant: Any, clerk_a: Any, clerk_b: Any, letter: Any, fund: Any
) -> None:
    row = upheld(officer, letter)
    made = services_money.compensation_propose(actor=officer, request=row)
    with pytest.raises(DomainError, match="not approved yet"):
        services_money.compensation_pay(
            actor=clerk_a, compensation=made, point=world.point_a, idempotency_key="k1"
        )
    services_money.compensation_approve(actor=accountant, compensation=made)
    fund(world.point_a, 100_000)
    with pytest.raises(DomainError):
        services_money.compensation_pay(
            actor=clerk_a, compensation=made, point=world.point_a, idempotency_key="k1"
        )
    with pytest.raises(NotFound):
        services_money.compensation_pay(
            actor=clerk_b, compensation=made, point=world.point_a, idempotency_key="k3"
        )
    made.refresh_from_db()
    assert (made.status, made.entry) == ("approved", None)
    assert not CompensationPayment.objects.exists()
    assert not CareRollup.objects.filter(compensations__gt=0).exists()
    assert not made.request.steps.filter(kind="compensated").exists()


def test_paid_by_transfer_by_an_accountant_from_the_bank(
    world: Any, officer: Any, accountant: Any, admin_user: Any, clerk_a: Any, letter: Any
) -> None:
    made = approved(officer, admin_user, letter, amount=80_000)
    bank = ledger.account_for_bank("20", "vietinbank")
    ledger.entry_post(
        actor=None,
        idempotency_key="fund-bank",
        kind=EntryKind.OPENING_BALANCE,
        reference="",
        legs=[ledger.Leg(bank, ledger.account_owner_capital("20"), 1_000_000)],
        province_code="20",
    )
    with pytest.raises(AccessDenied):
        services_money.compensation_pay(
            actor=clerk_a,
            compensation=made,
            point=None,
            idempotency_key="t1",
            method="transfer",
            bank="vietinbank",
            payee_account="0123456789",
        )

    paid = services_money.compensation_pay(
        actor=accountant,
        compensation=made,
        point=None,
        idempotency_key="t1",
        method="transfer",
        bank="vietinbank",
        payee_account="0123456789",
    )

    assert (paid.method, paid.point, paid.amount) == ("transfer", world.point_a, 80_000)
    legs = [(t.debit.code, t.credit.code, t.amount) for t in paid.entry.transfers.all()]
    assert legs == [("811.240001", "1121.vietinbank", 80_000)]


# --- refunds -----------------------------------------------------------------------------


def test_a_refund_is_for_an_upheld_complaint_about_a_bill_or_a_sale(
    officer: Any, letter: Any
) -> None:
    row = upheld(officer, letter)
    with pytest.raises(DomainError, match="bill collected or a sale"):
        services_money.refund_through_service(actor=officer, request=row)
    bill = lodge(officer, subject="bill", subject_ref="TH-240001-000001", ground="amount", s10="")
    with pytest.raises(DomainError, match="closed as upheld"):
        services_money.refund_through_service(actor=officer, request=bill)
    assert not CareStep.objects.filter(kind="refunded").exists()
