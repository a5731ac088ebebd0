"""Payment requests: making, confirming (through the registered handler), cancelling."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from buudien.cashless import registry, selectors, services, vietqr
from buudien.cashless.choices import PaymentStatus
from buudien.cashless.models import CashlessPoint, PaymentEvent, PaymentRequest
from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account, Entry

THROWAWAY = "test_throwaway"
calls: list[int] = []


@registry.settles(THROWAWAY)
def _throwaway(payment: Any, *, actor: Any, bank: Account) -> Entry:
    """A service of the tests' own: the money it collected is owed to a partner."""
    calls.append(payment.pk)
    if payment.reference == "refuse":
        raise DomainError("the partner refuses this bill")
    return ledger.entry_post(
        actor=actor,
        idempotency_key=f"cashless:{payment.pk}",
        kind=EntryKind.COLLECTION,
        reference=payment.reference,
        legs=[
            ledger.Leg(
                bank,
                ledger.account_for_partner(payment.province_code, "evn"),
                payment.amount,
                "collection",
            )
        ],
        province_code=payment.province_code,
        point=payment.point,
    )


def _balance(code: str) -> int:
    account = Account.objects.filter(province_code="20", code=code).first()
    return account.balance if account else 0


def test_a_clerk_makes_a_request_with_a_valid_vietqr(make_request: Any, world: Any) -> None:
    payment = make_request(amount=150_000, purpose="Cước EMS gửi Hà Nội")
    assert payment.status == PaymentStatus.PENDING
    assert payment.code.startswith("BD20") and len(payment.code) == services.CODE_LENGTH
    decoded = vietqr.parse(payment.payload)
    assert (decoded.bank_bin, decoded.account, decoded.amount) == (
        "970415",
        "113000123456",
        150_000,
    )
    assert decoded.purpose == f"{payment.code} Cuoc EMS gui H"
    assert payment.expires_at - payment.created_at == services.EXPIRES_AFTER
    assert list(payment.events.values_list("kind", flat=True)) == ["created"]


def test_a_retry_under_the_same_key_makes_one_request(make_request: Any, english: Any) -> None:
    first = make_request(idempotency_key="same")
    again = make_request(idempotency_key="same", reference=first.reference)
    assert again.pk == first.pk
    assert PaymentRequest.objects.count() == 1
    with pytest.raises(DomainError, match="idempotency key"):
        make_request(idempotency_key="same", reference=first.reference, amount=1)
    assert PaymentRequest.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": 10**13}, "amount"),
        ({"kind": "no_such_kind"}, "kind"),
        ({"idempotency_key": " "}, "idempotency_key"),
        ({"purpose": "x" * 201}, "purpose"),
    ],
)
def test_bad_requests_are_refused_and_make_nothing(
    make_request: Any, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(DomainError) as caught:
        make_request(**changes)
    assert caught.value.field == field
    assert PaymentRequest.objects.count() == 0


def test_only_the_points_clerk_or_an_admin_makes_requests(
    world: Any, bank: Any, clerk_b: Any, accountant: Any, auditor: Any, outsider: Any,
    admin_user: Any,
) -> None:  # fmt: skip
    def make(actor: Any, key: str) -> PaymentRequest:
        return services.payment_request_create(
            actor=actor, point=world.point_a, kind="counter_payment", reference="",
            amount=1000, purpose="", idempotency_key=key,
        )  # fmt: skip

    with pytest.raises(NotFound):
        make(clerk_b, "b")  # point A is outside clerk B's unit
    with pytest.raises(NotFound):
        make(outsider, "o")
    with pytest.raises(AccessDenied):
        make(accountant, "k")
    with pytest.raises(AccessDenied):
        make(auditor, "a")
    assert PaymentRequest.objects.count() == 0
    assert make(admin_user, "admin").point == world.point_a


def test_no_request_without_a_receiving_account(world: Any, clerk_a: Any, english: Any) -> None:
    with pytest.raises(DomainError, match="no bank account"):
        services.payment_request_create(
            actor=clerk_a, point=world.point_a, kind="counter_payment", reference="",
            amount=1000, purpose="", idempotency_key="k",
        )  # fmt: skip


def test_confirming_posts_bank_against_drawer_once(
    make_request: Any, accountant: Any, fund: Any, world: Any, english: Any
) -> None:
    fund(world.point_a, 500_000)
    payment = make_request(amount=150_000)
    done = services.payment_request_confirm(
        actor=accountant, request=payment, bank_reference="FT26001"
    )
    assert done.status == PaymentStatus.CONFIRMED
    assert done.confirmed_by == accountant and done.paid_on == local_today()
    entry = Entry.objects.get(pk=done.entry_id)
    assert entry.idempotency_key == f"cashless:{payment.pk}"
    legs = [(t.debit.code, t.credit.code, t.amount, t.service) for t in entry.transfers.all()]
    assert legs == [("1121.vtb", "1111.240001", 150_000, "")]
    assert _balance("1121.vtb") == 150_000
    assert _balance("1111.240001") == 350_000

    again = services.payment_request_confirm(
        actor=accountant, request=payment, bank_reference="FT26001"
    )
    assert again.entry_id == entry.pk
    assert Entry.objects.filter(idempotency_key__startswith="cashless:").count() == 1
    with pytest.raises(DomainError, match="confirmed already"):
        services.payment_request_confirm(actor=accountant, request=payment, bank_reference="X")
    assert _balance("1121.vtb") == 150_000
    assert list(done.events.values_list("kind", flat=True)) == ["created", "confirmed"]


def test_a_drawer_that_never_took_the_money_refuses_and_nothing_changes(
    make_request: Any, accountant: Any, world: Any, english: Any
) -> None:
    payment = make_request(amount=150_000)
    with pytest.raises(DomainError, match="Not enough money"):
        services.payment_request_confirm(
            actor=accountant, request=payment, bank_reference="FT26002"
        )
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and payment.bank_reference == ""
    assert not Entry.objects.exists()
    assert not CashlessPoint.objects.exists()
    world.point_a.refresh_from_db()
    assert world.point_a.cashless is False


def test_a_clerk_or_auditor_cannot_confirm(
    make_request: Any, clerk_a: Any, auditor: Any, fund: Any, world: Any
) -> None:
    fund(world.point_a, 500_000)
    payment = make_request()
    for actor in (clerk_a, auditor):
        with pytest.raises(AccessDenied):
            services.payment_request_confirm(actor=actor, request=payment, bank_reference="R")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert not Entry.objects.filter(idempotency_key__startswith="cashless:").exists()


def test_a_confirmation_from_the_future_or_without_reference_is_refused(
    make_request: Any, accountant: Any
) -> None:
    payment = make_request()
    with pytest.raises(DomainError) as caught:
        services.payment_request_confirm(actor=accountant, request=payment, bank_reference=" ")
    assert caught.value.field == "bank_reference"
    with pytest.raises(DomainError) as caught:
        services.payment_request_confirm(
            actor=accountant,
            request=payment,
            bank_reference="R",
            paid_on=local_today() + dt.timedelta(days=1),
        )
    assert caught.value.field == "paid_on"


def test_one_bank_reference_confirms_one_request(
    make_request: Any, accountant: Any, fund: Any, world: Any
) -> None:
    fund(world.point_a, 500_000)
    first, second = make_request(amount=1000), make_request(amount=1000)
    services.payment_request_confirm(actor=accountant, request=first, bank_reference="FT1")
    with pytest.raises(DomainError, match="FT1"):
        services.payment_request_confirm(actor=accountant, request=second, bank_reference="FT1")
    second.refresh_from_db()
    assert second.status == PaymentStatus.PENDING


def test_a_registered_kind_posts_through_its_handler_once(
    make_request: Any, accountant: Any
) -> None:
    calls.clear()
    payment = make_request(kind=THROWAWAY, amount=420_000, reference="EVN-PE0123")
    services.payment_request_confirm(actor=accountant, request=payment, bank_reference="FT9")
    services.payment_request_confirm(actor=accountant, request=payment, bank_reference="FT9")
    assert calls == [payment.pk]
    entry = Entry.objects.get(idempotency_key=f"cashless:{payment.pk}")
    assert entry.kind == EntryKind.COLLECTION
    assert _balance("1121.vtb") == 420_000
    assert _balance("3388.partner.evn") == 420_000


def test_a_handler_that_refuses_changes_nothing(make_request: Any, accountant: Any) -> None:
    payment = make_request(kind=THROWAWAY, reference="refuse")
    with pytest.raises(DomainError, match="partner refuses"):
        services.payment_request_confirm(actor=accountant, request=payment, bank_reference="F")
    payment.refresh_from_db()
    assert (payment.status, payment.bank_reference, payment.confirmed_at) == ("pending", "", None)
    assert not Entry.objects.exists()
    assert list(payment.events.values_list("kind", flat=True)) == ["created"]
    assert not CashlessPoint.objects.exists()


def test_a_confirmed_request_cannot_be_cancelled(
    make_request: Any, accountant: Any, clerk_a: Any, fund: Any, world: Any, english: Any
) -> None:
    fund(world.point_a, 500_000)
    payment = make_request()
    services.payment_request_confirm(actor=accountant, request=payment, bank_reference="F")
    with pytest.raises(DomainError, match="cannot be cancelled"):
        services.payment_request_cancel(actor=clerk_a, request=payment)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CONFIRMED


def test_cancelling_and_then_confirming_is_refused(
    make_request: Any, accountant: Any, clerk_a: Any, clerk_b: Any, fund: Any, world: Any
) -> None:
    fund(world.point_a, 500_000)
    payment = make_request()
    with pytest.raises(NotFound):
        services.payment_request_cancel(actor=clerk_b, request=payment)
    services.payment_request_cancel(actor=clerk_a, request=payment, note="khách đổi ý")
    again = services.payment_request_cancel(actor=clerk_a, request=payment)
    assert again.status == PaymentStatus.CANCELLED and again.cancelled_by == clerk_a
    with pytest.raises(DomainError):
        services.payment_request_confirm(actor=accountant, request=payment, bank_reference="F")
    assert not Entry.objects.filter(idempotency_key__startswith="cashless:").exists()
    assert PaymentEvent.objects.filter(request=payment, kind="cancelled").count() == 1


def test_expired_requests_can_still_be_confirmed(
    make_request: Any, accountant: Any, fund: Any, world: Any
) -> None:
    fund(world.point_a, 500_000)
    payment = make_request()
    assert payment.shown_status == "pending"
    later = timezone.now() + services.EXPIRES_AFTER + dt.timedelta(minutes=1)
    assert services.payment_requests_expire(province_code="20", now=later) == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.EXPIRED
    done = services.payment_request_confirm(actor=accountant, request=payment, bank_reference="F")
    assert done.status == PaymentStatus.CONFIRMED


def test_the_first_confirmed_payment_makes_the_point_cashless(
    make_request: Any, accountant: Any, fund: Any, world: Any
) -> None:
    fund(world.point_a, 500_000)
    day = local_today() - dt.timedelta(days=3)
    first = make_request()
    services.payment_request_confirm(
        actor=accountant, request=first, bank_reference="F1", paid_on=day
    )
    services.payment_request_confirm(actor=accountant, request=make_request(), bank_reference="F2")
    world.point_a.refresh_from_db()
    assert world.point_a.cashless is True
    record = CashlessPoint.objects.get(point=world.point_a)
    assert (record.since, record.first_request_id) == (day, first.pk)

    points = selectors.cashless_points(province_code="20", as_of=local_today())
    assert list(points) == [world.point_a]
    assert not selectors.cashless_points(province_code="20", as_of=day - dt.timedelta(days=1))


def test_flagged_points_without_a_record_count_from_opening(world: Any) -> None:
    world.point_b.cashless = True
    world.point_b.save()
    opened = world.point_b.opened_on
    assert list(selectors.cashless_points(province_code="20", as_of=opened)) == [world.point_b]
    assert not selectors.cashless_points(province_code="20", as_of=opened - dt.timedelta(days=1))
    assert not selectors.cashless_points(province_code="04", as_of=opened)


def test_outsiders_see_no_request(make_request: Any, outsider: Any, clerk_b: Any) -> None:
    payment = make_request()
    for user in (outsider, clerk_b):
        with pytest.raises(NotFound):
            services.payment_request_get(user=user, pk=payment.pk)
        assert not selectors.payment_request_list(user=user).exists()


def test_the_bank_account_is_set_by_an_accountant(
    world: Any, accountant: Any, clerk_a: Any, bank: Any
) -> None:
    with pytest.raises(AccessDenied):
        services.bank_account_set(
            actor=clerk_a, province_code="20", bank_bin="970436", bank_name="VCB",
            account_number="999", account_name="BDT", ledger_slug="vcb",
        )  # fmt: skip
    new = services.bank_account_set(
        actor=accountant, province_code="20", bank_bin="970436", bank_name="Vietcombank",
        account_number="0011000999", account_name="BUU DIEN TINH", ledger_slug="vcb",
    )  # fmt: skip
    bank.refresh_from_db()
    assert new.active and not bank.active
    assert services.bank_account_active("20") == new
    with pytest.raises(DomainError) as caught:
        services.bank_account_set(
            actor=accountant, province_code="20", bank_bin="12", bank_name="X",
            account_number="a-b", account_name="", ledger_slug="x",
        )  # fmt: skip
    assert set(caught.value.errors) == {"bank_bin", "account_number", "account_name"}
    assert services.bank_account_active("20") == new


def test_codes_are_found_in_what_banks_write() -> None:
    assert services.codes_in("MBVCB.123.BD20ABC234 Cuoc EMS.CT tu 0123") == ["BD20ABC234"]
    assert services.codes_in("bd20 abc 234 cuoc") == ["BD20ABC234"]
    assert services.codes_in("no code") == []


def test_an_administrator_enables_a_point_from_a_day(
    world: Any, admin_user: Any, clerk_a: Any
) -> None:
    day = local_today() - dt.timedelta(days=10)
    with pytest.raises(AccessDenied):
        services.cashless_point_enable(actor=clerk_a, point=world.point_b, since=day)
    with pytest.raises(DomainError):
        services.cashless_point_enable(
            actor=admin_user, point=world.point_b, since=local_today() + dt.timedelta(days=1)
        )
    services.cashless_point_enable(actor=admin_user, point=world.point_b, since=day)
    world.point_b.refresh_from_db()
    assert world.point_b.cashless is True
    assert list(selectors.cashless_points(province_code="20", as_of=day)) == [world.point_b]
    assert not selectors.cashless_points(province_code="20", as_of=day - dt.timedelta(days=1))
