"""Top-ups and card codes sold in a list (``topups_sell_many``, ``pins_sell_many``): the same
records as the one-by-one sales (numbers, rows, codes, entries, rollup, audit lines,
figures), all or nothing, every refusal naming its row."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from buudien.core.errors import DomainError, NotFound
from buudien.counter.tests.many_checks import ledger_tables, table, written
from buudien.finance.models import Entry
from buudien.telecom import figures, rollup, services
from buudien.telecom.models import Pin, PinSale, TelecomRollup, Topup
from buudien.telecom.tests.conftest import MONDAY, VIETTEL_PHONE, VINA_PHONE

pytestmark = pytest.mark.django_db

DAY = MONDAY.date()
MOBI_PHONE = "0901234567"


def _at(minutes: int) -> dt.datetime:
    return MONDAY + dt.timedelta(minutes=minutes)


def _topups(clerk_a: Any, clerk_b: Any, world: Any) -> list[services.TopupRow]:
    return [
        services.TopupRow(clerk_a, world.point_a, "t1", VIETTEL_PHONE, 100_000, at=_at(1)),
        services.TopupRow(clerk_b, world.point_b, "t1", VINA_PHONE, 20_000, "vinaphone", _at(2)),
        services.TopupRow(clerk_a, world.point_a, "t2", "+84 90 123 4567", 500_000, at=_at(3)),
        services.TopupRow(clerk_a, world.point_a, "t3", VINA_PHONE, 10_000, at=_at(4)),
    ]


def _pins(clerk_a: Any, clerk_b: Any, world: Any) -> list[services.PinRow]:
    return [
        services.PinRow(clerk_a, world.point_a, "p1", "viettel", 100_000, 2, _at(5)),
        services.PinRow(clerk_b, world.point_b, "p1", "viettel", 50_000, 1, _at(6)),
        services.PinRow(clerk_b, world.point_b, "p2", "viettel", 100_000, 1, _at(7)),
    ]


def _one_by_one(topups: list[services.TopupRow], pins: list[services.PinRow]) -> None:
    for row in topups:
        services.topup_sell(
            actor=row.actor,
            point=row.point,
            idempotency_key=row.idempotency_key,
            phone=row.phone,
            amount=row.amount,
            operator=row.operator,
            at=row.at,
        )
    for pin in pins:
        services.pins_sell(
            actor=pin.actor,
            point=pin.point,
            idempotency_key=pin.idempotency_key,
            operator=pin.operator,
            face_value=pin.face_value,
            quantity=pin.quantity,
            at=pin.at,
        )


def _in_lists(topups: list[services.TopupRow], pins: list[services.PinRow]) -> None:
    services.topups_sell_many(province_code="20", day=DAY, rows=topups)
    services.pins_sell_many(province_code="20", day=DAY, rows=pins)


def _figures() -> Any:
    found = figures.year_figures(province_code="20", year=DAY.year)
    return found.total(), found.by_operator(), found.by_kind(), found.bdvhx()


def _reads() -> dict[str, Any]:
    entry = {"entry_id": "entry__idempotency_key"}
    return {
        **ledger_tables(),
        "topups": table(Topup, via=entry),
        "sales": table(PinSale, via=entry),
        "codes": table(Pin, skip=["batch_id"], via={"sale_id": "sale__reference"}),
        "rollup": table(TelecomRollup),
        "figures": _figures,
    }


def test_a_list_records_what_the_sales_one_by_one_record(clerk_a, clerk_b, world, stocked):
    topups, pins = _topups(clerk_a, clerk_b, world), _pins(clerk_a, clerk_b, world)

    one_by_one = written(lambda: _one_by_one(topups, pins), _reads())
    in_lists = written(lambda: _in_lists(topups, pins), _reads())

    assert in_lists == one_by_one
    assert len(in_lists["topups"]) == 4 and len(in_lists["sales"]) == 3
    assert len(in_lists["entries"]) == 7
    assert in_lists["figures"][0] == figures.Tally(
        sales=7, units=8, amount=980_000, commission=45_350
    )
    actions = Counter(row[2] for row in in_lists["audit"])
    assert (actions["telecom.topup"], actions["telecom.pins"]) == (4, 3)


def test_the_lists_answer_their_references_and_keep_the_rollup_true(
    clerk_a, clerk_b, world, stocked
):
    topups, pins = _topups(clerk_a, clerk_b, world), _pins(clerk_a, clerk_b, world)

    made = services.topups_sell_many(province_code="20", day=DAY, rows=topups)
    sold = services.pins_sell_many(province_code="20", day=DAY, rows=pins)

    assert made == ["NT240001000001", "NT240002000001", "NT240001000002", "NT240001000003"]
    assert sold == ["MT240001000001", "MT240002000001", "MT240002000002"]
    first = Topup.objects.get(reference="NT240001000001")
    assert (first.created_by, first.created_at, first.entry.created_by) == (
        clerk_a,
        _at(1),
        clerk_a,
    )
    assert list(
        Pin.objects.filter(sale__reference="MT240001000001").values_list("serial", flat=True)
    ) == ["VT0000000001", "VT0000000002"]
    kept = sorted(TelecomRollup.objects.values_list("point", "operator", "kind", "sales", "units"))
    rollup.telecom_rollup_rebuild()
    assert kept == sorted(
        TelecomRollup.objects.values_list("point", "operator", "kind", "sales", "units")
    )
    # The counter goes on after the list: the next number of the point.
    later = services.topup_sell(
        actor=clerk_a, point=world.point_a, idempotency_key="t9", phone=MOBI_PHONE, amount=50_000
    )
    assert later.reference == "NT240001000004"


def test_a_list_sent_again_is_the_sales_made_and_another_under_a_key_is_refused(
    clerk_a, clerk_b, world, stocked
):
    topups, pins = _topups(clerk_a, clerk_b, world), _pins(clerk_a, clerk_b, world)
    made = services.topups_sell_many(province_code="20", day=DAY, rows=topups)
    sold = services.pins_sell_many(province_code="20", day=DAY, rows=pins)
    before = (Entry.objects.count(), Topup.objects.count(), PinSale.objects.count())

    assert services.topups_sell_many(province_code="20", day=DAY, rows=topups) == made
    assert services.pins_sell_many(province_code="20", day=DAY, rows=pins) == sold
    assert (Entry.objects.count(), Topup.objects.count(), PinSale.objects.count()) == before

    changed = [*topups[:2], services.TopupRow(clerk_a, world.point_a, "t2", MOBI_PHONE, 50_000)]
    with pytest.raises(DomainError) as exc:
        services.topups_sell_many(province_code="20", day=DAY, rows=changed)
    assert exc.value.field == "rows.2.idempotency_key"
    assert exc.value.message.startswith("Dòng 3: ")


def _state() -> tuple[int, ...]:
    return (
        Entry.objects.count(),
        Topup.objects.count(),
        PinSale.objects.count(),
        Pin.objects.filter(sale__isnull=False).count(),
        TelecomRollup.objects.count(),
    )


def test_a_bad_row_refuses_the_whole_list_naming_it(clerk_a, clerk_b, world, stocked):
    good = _topups(clerk_a, clerk_b, world)
    bad = services.TopupRow(clerk_a, world.point_a, "t8", VINA_PHONE, 15_000, "viettel")

    with pytest.raises(DomainError) as exc:
        services.topups_sell_many(province_code="20", day=DAY, rows=[*good, bad])

    assert exc.value.field == "rows.4.amount"
    assert exc.value.message.startswith("Dòng 5: ")
    assert set(exc.value.errors) == {"phone", "amount"}  # every problem of the row
    assert _state() == (0, 0, 0, 0, 0)


def test_a_clerk_away_from_their_point_or_another_day_refuses_the_list(
    clerk_a, clerk_b, world, stocked
):
    away = services.TopupRow(clerk_a, world.point_b, "t8", VIETTEL_PHONE, 10_000)
    with pytest.raises(NotFound) as exc:
        services.topups_sell_many(province_code="20", day=DAY, rows=[away])
    assert exc.value.field == "rows.0.point"

    tomorrow = MONDAY + dt.timedelta(days=1)
    late = services.PinRow(clerk_a, world.point_a, "p8", "viettel", 100_000, 1, tomorrow)
    with pytest.raises(DomainError) as exc:
        services.pins_sell_many(province_code="20", day=DAY, rows=[late])
    assert exc.value.field == "rows.0.at"
    assert _state() == (0, 0, 0, 0, 0)


def test_too_few_codes_refuses_the_row_that_runs_out_and_sells_nothing(
    clerk_a, clerk_b, world, stocked
):
    rows = [
        *_pins(clerk_a, clerk_b, world),
        services.PinRow(clerk_a, world.point_a, "p3", "viettel", 50_000, 1, _at(8)),
        services.PinRow(clerk_a, world.point_a, "p4", "viettel", 100_000, 1, _at(9)),
    ]

    with pytest.raises(DomainError) as exc:
        services.pins_sell_many(province_code="20", day=DAY, rows=rows)

    assert exc.value.field == "rows.4.quantity"
    assert "Chỉ còn 0 " in exc.value.message
    assert _state() == (0, 0, 0, 0, 0)
    assert services.pins_available(stocked.operator, 100_000) == 3


def test_codes_received_in_bulk_are_stock_of_the_province(operators, accountant, clerk_a, world):
    batch = services.pins_receive(
        actor=accountant,
        operator=operators["mobifone"],
        codes=[("MB0000000001", "111122223333444", 20_000), ("MB0000000002", "5556667778", 20_000)],
        file_name="mobifone.csv",
    )

    assert (batch.count, batch.total, batch.face_value, batch.received_by) == (
        2,
        40_000,
        20_000,
        accountant,
    )
    assert services.pins_available(operators["mobifone"], 20_000) == 2
    sold = services.pins_sell_many(
        province_code="20",
        day=DAY,
        rows=[services.PinRow(clerk_a, world.point_a, "m1", "mobifone", 20_000, 2, MONDAY)],
    )
    assert PinSale.objects.get(reference=sold[0]).pins.count() == 2
