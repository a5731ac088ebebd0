"""Top-ups and card codes sold at the counter: one balanced entry each (the operator owed the
face value less the commission, the commission the post's revenue), once per key; every
refusal names its field and changes nothing; a code is sold once and shown once."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.agency.tests.helpers import balance, legs
from buudien.core.audit import AuditEntry
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.imports import ImportFailed
from buudien.finance.models import Entry
from buudien.telecom import rollup, services
from buudien.telecom.choices import PinStatus
from buudien.telecom.importers import pins_import
from buudien.telecom.models import Pin, PinBatch, PinSale, TelecomRollup, Topup, mask_code
from buudien.telecom.tests.conftest import MONDAY, VIETTEL_PHONE, VINA_PHONE, pins_file

pytestmark = pytest.mark.django_db

DRAWER_A = "1111.240001"
VIETTEL = "3388.partner.telecom-viettel"


def topup(actor: Any, point: Any, key: str = "t1", **more: Any) -> Topup:
    data = {"phone": VIETTEL_PHONE, "amount": 100_000, **more}
    return services.topup_sell(actor=actor, point=point, idempotency_key=key, at=MONDAY, **data)


def sell(actor: Any, point: Any, key: str = "p1", **more: Any) -> PinSale:
    data = {"operator": "viettel", "face_value": 100_000, "quantity": 2, **more}
    return services.pins_sell(actor=actor, point=point, idempotency_key=key, at=MONDAY, **data)


def _state() -> tuple[int, int, int, int, int]:
    return (
        Entry.objects.count(),
        Topup.objects.count(),
        PinSale.objects.count(),
        Pin.objects.filter(status=PinStatus.SOLD).count(),
        TelecomRollup.objects.count(),
    )


def test_a_topup_derives_the_operator_and_posts_the_payable_and_commission(
    clerk_a, world, operators
):
    row = topup(clerk_a, world.point_a, phone="+84 98 765 4321")

    assert (row.operator.code, row.phone, row.amount, row.commission) == (
        "viettel",
        VIETTEL_PHONE,
        100_000,
        4_000,
    )
    assert row.reference == "NT240001000001"
    assert legs(row.entry) == [
        (DRAWER_A, VIETTEL, 96_000, "telecom"),
        (DRAWER_A, "5113.telecom", 4_000, "telecom"),
    ]
    assert (balance(DRAWER_A), balance(VIETTEL), balance("5113.telecom")) == (
        100_000,
        96_000,
        4_000,
    )
    assert row.entry.kind == "telecom_sale"


def test_the_same_key_records_once_and_another_request_under_it_is_refused(
    clerk_a, world, operators
):
    first = topup(clerk_a, world.point_a)
    assert topup(clerk_a, world.point_a).pk == first.pk
    with pytest.raises(DomainError) as exc:
        topup(clerk_a, world.point_a, amount=200_000)
    assert exc.value.field == "idempotency_key"
    assert (Topup.objects.count(), Entry.objects.count()) == (1, 1)


def test_a_number_of_another_operator_is_refused_naming_both(clerk_a, world, operators):
    with pytest.raises(DomainError) as exc:
        topup(clerk_a, world.point_a, phone=VINA_PHONE, operator="viettel")
    assert exc.value.field == "phone"
    assert "VinaPhone" in exc.value.message and "Viettel" in exc.value.message
    assert _state() == (0, 0, 0, 0, 0)


def test_every_problem_of_a_topup_is_told_at_once(clerk_a, world, operators):
    with pytest.raises(DomainError) as exc:
        topup(clerk_a, world.point_a, phone="0112345678", amount=15_000)
    assert set(exc.value.errors) == {"phone", "amount"}
    with pytest.raises(DomainError) as exc:
        topup(clerk_a, world.point_a, phone="098765", operator="vietel")
    assert set(exc.value.errors) == {"phone", "operator"}
    assert _state() == (0, 0, 0, 0, 0)


@pytest.mark.parametrize("persona", ["auditor", "director", "accountant"])
def test_only_counter_staff_sell(request, world, operators, persona):
    with pytest.raises(AccessDenied):
        topup(request.getfixturevalue(persona), world.point_a)
    assert _state() == (0, 0, 0, 0, 0)


def test_a_clerk_sells_at_their_own_point_only(clerk_a, world, operators):
    with pytest.raises(NotFound):
        topup(clerk_a, world.point_b)
    assert _state() == (0, 0, 0, 0, 0)


def test_a_topup_is_cancelled_the_same_day_with_a_reversal(clerk_a, world, operators):
    row = services.topup_sell(
        actor=clerk_a,
        point=world.point_a,
        idempotency_key="c1",
        phone=VIETTEL_PHONE,
        amount=50_000,
    )
    services.topup_cancel(actor=clerk_a, topup=row, reason="Khách nhập nhầm số")

    row.refresh_from_db()
    assert row.is_cancelled and row.cancel_entry.reverses_id == row.entry_id
    assert (balance(DRAWER_A), balance(VIETTEL), balance("5113.telecom")) == (0, 0, 0)
    assert TelecomRollup.objects.get().sales == 0
    assert row.cancel_reason == "Khách nhập nhầm số"
    with pytest.raises(DomainError):
        services.topup_cancel(actor=clerk_a, topup=row, reason="Lần nữa")


def test_a_topup_of_another_day_is_not_cancelled(clerk_a, world, operators):
    row = topup(clerk_a, world.point_a)
    with pytest.raises(DomainError):
        services.topup_cancel(actor=clerk_a, topup=row, reason="Khách nhập nhầm số")
    assert not Topup.objects.get().is_cancelled


# --- card codes ------------------------------------------------------------------------------


def test_codes_are_sold_with_their_commission_and_leave_the_stock(clerk_a, world, stocked):
    sale = sell(clerk_a, world.point_a)

    assert (sale.quantity, sale.amount, sale.commission, sale.reference) == (
        2,
        200_000,
        10_000,
        "MT240001000001",
    )
    sold = list(sale.pins.order_by("id").values_list("serial", flat=True))
    assert sold == ["VT0000000001", "VT0000000002"]
    assert legs(sale.entry) == [
        (DRAWER_A, VIETTEL, 190_000, "telecom"),
        (DRAWER_A, "5113.telecom", 10_000, "telecom"),
    ]
    assert services.pins_available(stocked.operator, 100_000) == 1
    assert sell(clerk_a, world.point_a).pk == sale.pk  # a retry sells nothing more
    assert Pin.objects.filter(status=PinStatus.SOLD).count() == 2


def test_too_few_codes_is_refused_and_nothing_changes(clerk_a, world, stocked):
    with pytest.raises(DomainError) as exc:
        sell(clerk_a, world.point_a, quantity=4)
    assert exc.value.field == "quantity" and "3" in exc.value.message
    with pytest.raises(DomainError) as exc:
        sell(clerk_a, world.point_a, key="p2", face_value=15_000, quantity=21)
    assert set(exc.value.errors) == {"face_value", "quantity"}
    assert _state() == (0, 0, 0, 0, 0)


def test_the_codes_are_shown_once_to_the_seller_then_masked(clerk_a, world, stocked, admin_user):
    sale = sell(clerk_a, world.point_a)

    assert services.codes_reveal(actor=admin_user, sale=sale) is None  # not the seller
    shown = services.codes_reveal(actor=clerk_a, sale=sale)
    assert [pin.code for pin in shown] == ["123456789012301", "123456789012302"]
    assert services.codes_reveal(actor=clerk_a, sale=sale) is None
    assert all(pin.shown_at is not None for pin in sale.pins.all())
    assert shown[0].masked == "•••• •••• 2301" == mask_code("123456789012301")
    assert AuditEntry.objects.filter(action="telecom.pins_shown").count() == 1


def test_the_rollup_equals_the_sales(clerk_a, world, stocked):
    topup(clerk_a, world.point_a)
    topup(clerk_a, world.point_a, key="t2", phone=VINA_PHONE, amount=20_000)
    sell(clerk_a, world.point_a)
    sell(clerk_a, world.point_a, key="p2", face_value=50_000, quantity=1)
    kept = sorted(
        TelecomRollup.objects.values_list("operator__code", "kind", "sales", "units", "amount")
    )
    rollup.telecom_rollup_rebuild()
    assert kept == sorted(
        TelecomRollup.objects.values_list("operator__code", "kind", "sales", "units", "amount")
    )
    assert kept == [
        ("viettel", "pin", 2, 3, 250_000),
        ("viettel", "topup", 1, 1, 100_000),
        ("vinaphone", "topup", 1, 1, 20_000),
    ]


# --- import ----------------------------------------------------------------------------------


def test_an_import_with_problems_names_row_and_column_and_writes_nothing(
    accountant, operators, stocked
):
    rows = [
        ("VT0000000001", "999999999999991", 100_000),  # serial imported already
        ("VT0000000009", "12AB", 100_000),  # no code
        ("VT0000000010", "999999999999992", 15_000),  # no such face value
        ("VT0000000010", "999999999999993", 50_000),  # serial twice
    ]
    with pytest.raises(ImportFailed) as exc:
        pins_import(pins_file(rows), actor=accountant, operator=operators["viettel"])
    found = [(e.row, e.column) for e in exc.value.errors]
    assert found == [(2, "serial"), (3, "code"), (4, "face_value"), (5, "serial")]
    assert "12AB" not in " ".join(exc.value.lines())  # a code is never echoed
    assert (PinBatch.objects.count(), Pin.objects.count()) == (1, 5)


def test_only_an_accountant_or_an_administrator_imports(clerk_a, operators):
    with pytest.raises(AccessDenied):
        pins_import(
            pins_file([("VT1000000001", "123456789012399", 10_000)]),
            actor=clerk_a,
            operator=operators["viettel"],
        )
    assert Pin.objects.count() == 0


def test_a_sale_of_another_scope_is_not_found(clerk_b, clerk_a, world, stocked):
    from buudien.telecom import selectors

    sale = sell(clerk_a, world.point_a)
    with pytest.raises(NotFound):
        selectors.sale_get(user=clerk_b, reference=sale.reference)
