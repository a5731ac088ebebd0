"""The bulk path of dossiers (``*_many``): a list received, handed over, its results back and
returned writes what the services write one operation at a time (rows and their numbers,
steps, rollup, figures, ledger, audit); a list is refused whole, naming its row."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from buudien.core.bizdays import VIETNAM
from buudien.core.errors import DomainError
from buudien.counter.tests.many_checks import ledger_tables, table, written
from buudien.dossiers import services
from buudien.dossiers.choices import Mode, ReturnBy, Status
from buudien.dossiers.figures import year_figures
from buudien.dossiers.models import Dossier, DossierRollup, DossierStep, Handover, Procedure
from buudien.finance.models import Entry

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of May 2026 (the 5th a Tuesday)."""
    return dt.datetime(2026, 5, day, hour, minute, tzinfo=VIETNAM)


@pytest.fixture
def birth(procedure: Procedure) -> Procedure:
    """A second procedure of the agency: no fee, the post's charges only."""
    return Procedure.objects.create(
        province_code="20",
        agency=procedure.agency,
        code="1.001193",
        name="Đăng ký khai sinh",
        documents=[{"name": "Tờ khai", "original": True, "copies": 1}],
        charge_receive=15_000,
        charge_return=10_000,
        processing_days=10,
    )


Clerks = tuple[Any, Any]  # who works at point A, at point B


def intakes(
    clerks: Clerks, world: Any, procedure: Procedure, birth: Procedure
) -> list[services.Intake]:
    a, b, (u, v) = world.point_a, world.point_b, clerks
    person = {"applicant_name": "Hoàng Văn Thụ", "citizen_id": "020123456789"}
    return [
        services.Intake(u, a, "k1", procedure.code, Mode.BOTH, **person, at=at(5, 9),
                        return_by=ReturnBy.COUNTER, phone="0912345678"),
        services.Intake(u, a, "k2", procedure, Mode.RECEIVE, "Lý Thị Mai", "020987654321",
                        at=at(5, 10)),
        services.Intake(u, a, "k3", procedure, Mode.RETURN, "Nông Văn Tú", "020111222333",
                        at=at(6, 9, 30), return_by=ReturnBy.COUNTER, agency_reference="h36-1"),
        services.Intake(v, b, "k4", birth, Mode.BOTH, "Vi Thị Hoa", "020444555666", at=at(6, 14),
                        return_by=ReturnBy.COUNTER),
        services.Intake(v, b, "k5", procedure, Mode.BOTH, **person, at=at(6, 15),
                        return_by=ReturnBy.COUNTER, documents=[2, 0, 1]),
    ]  # fmt: skip


def batches(clerks: Clerks, world: Any, procedure: Procedure) -> tuple[list[services.Batch], ...]:
    a, b, (u, v), agency = world.point_a, world.point_b, clerks, procedure.agency
    sends = [
        services.Batch(u, a, agency, ["HS240001000001", "hs240001000002"], at(7, 8, 30),
                       receiver_name="Lương Thị Hạnh", signed_at=at(7, 9, 10)),
        services.Batch(v, b, agency.code, ["HS240002000001", "HS240002000002"], at(7, 8, 45)),
    ]  # fmt: skip
    results = [
        # The first is a day late (due on the 12th); the lodged one comes by the agency's number.
        services.Batch(u, a, agency, ["HS240001000001", "H36-1"], at(13, 14),
                       late_reason="Chờ xác minh thực địa"),
        services.Batch(v, b, agency, ["HS240002000001", "HS240002000002"], at(13, 15),
                       receiver_name="Hoàng Văn Tuấn"),
    ]  # fmt: skip
    return sends, results


def handbacks(clerks: Clerks, world: Any) -> list[services.Handback]:
    a, b, (u, v) = world.point_a, world.point_b, clerks
    return [
        services.Handback(u, a, "HS240001000001", "020123456789", at=at(15, 9)),
        services.Handback(u, a, "hs240001000003", "020111222333", "Nông Thị Lan", at=at(13, 16)),
        services.Handback(v, b, "HS240002000001", "020444555666", at=at(15, 11)),
    ]


def one_by_one(clerks: Clerks, world: Any, procedure: Procedure, birth: Procedure) -> None:
    for row in intakes(clerks, world, procedure, birth):
        documents = row.documents
        if documents is None:
            documents = [] if row.mode == Mode.RETURN else list(range(len(procedure.documents)))
            if row.procedure == birth:
                documents = [0]
        services.dossier_receive(
            actor=row.actor,
            point=row.point,
            idempotency_key=row.key,
            procedure=row.procedure,
            mode=row.mode,
            applicant_name=row.applicant_name,
            citizen_id=row.citizen_id,
            documents=documents,
            phone=row.phone,
            return_by=row.return_by,
            agency_reference=row.agency_reference,
            at=row.at,
        )
    sends, results = batches(clerks, world, procedure)
    for batch in sends:
        point, agency, codes = batch.point, batch.agency, batch.dossiers
        actor = batch.actor
        handover = services.handover_send(
            actor=actor, point=point, agency=agency, dossiers=codes, at=batch.at
        )
        if batch.receiver_name:
            name, signed = batch.receiver_name, batch.signed_at
            services.handover_confirm(actor=actor, handover=handover, receiver_name=name, at=signed)
    for batch in results:
        services.results_receive(
            actor=batch.actor,
            point=batch.point,
            agency=batch.agency,
            dossiers=batch.dossiers,
            receiver_name=batch.receiver_name,
            late_reason=batch.late_reason,
            at=batch.at,
        )
    for back in handbacks(clerks, world):
        services.dossier_return(
            actor=back.actor,
            point=back.point,
            dossier=back.dossier,
            presented_id=back.presented_id,
            receiver_name=back.receiver_name,
            at=back.at,
        )


def by_day[R: Any](rows: list[R]) -> list[list[R]]:
    """A list per business day: a list holds one day's operations."""
    days: dict[dt.date, list[R]] = {}
    for row in rows:
        days.setdefault(row.at.date(), []).append(row)
    return list(days.values())


def as_lists(clerks: Clerks, world: Any, procedure: Procedure, birth: Procedure) -> None:
    codes = [
        code
        for rows in by_day(intakes(clerks, world, procedure, birth))
        for code in services.dossiers_receive_many(rows=rows)
    ]
    assert codes[0] == "HS240001000001" and codes[-1] == "HS240002000002"
    sends, results = batches(clerks, world, procedure)
    assert len(services.handovers_send_many(batches=sends)) == 2
    assert len(services.results_receive_many(batches=results)) == 2
    backs = by_day(handbacks(clerks, world))
    assert sum(services.dossiers_return_many(rows=rows) for rows in backs) == 3


def figures() -> list[Any]:
    found = year_figures(province_code="20", year=2026)
    return [
        dataclasses.asdict(found.total()),
        {k: dataclasses.asdict(v) for k, v in found.by_point().items()},
        {k: dataclasses.asdict(v) for k, v in found.by_procedure().items()},
    ]


READS = {
    "dossiers": table(
        Dossier,
        via={
            "entry_id": "entry__idempotency_key",
            "handover_id": "handover__number",
            "result_handover_id": "result_handover__number",
        },
    ),
    "steps": table(DossierStep, via={"dossier_id": "dossier__reference"}),
    "handovers": table(Handover),
    "rollup": table(DossierRollup),
    "figures": figures,
    **ledger_tables(),
}


@pytest.mark.parametrize("who", ["clerks", "admin"])
def test_lists_write_what_the_services_write_one_at_a_time(
    who, clerk_a, clerk_b, admin_user, world, procedure, birth
):
    """Lists of two points, by each point's clerk or by an administrator of both: intake
    (each mode), hand-overs (one signed), results (one late, one by the agency's number),
    returns (one to another person)."""
    clerks = (clerk_a, clerk_b) if who == "clerks" else (admin_user, admin_user)
    by_one = written(lambda: one_by_one(clerks, world, procedure, birth), READS)
    by_lists = written(lambda: as_lists(clerks, world, procedure, birth), READS)

    assert by_lists == by_one
    statuses = sorted(row[rows_of_index("status")] for row in by_lists["dossiers"])
    assert statuses == ["closed", "result_back", "returned", "returned", "returned"]
    total = by_lists["figures"][0]
    assert (total["received"], total["returned"], total["returned_on_time"]) == (5, 3, 2)
    assert total["agency_fees"] == 3 * 30_000  # the lodged one paid at the agency
    assert total["charges"] == 35_000 + 20_000 + 15_000 + 25_000 + 35_000


def rows_of_index(name: str) -> int:
    columns = [f.attname for f in Dossier._meta.concrete_fields if f.attname != "id"]
    return columns.index(name)


def point_a_on_the_5th(
    clerks: Clerks, world: Any, procedure: Procedure, birth: Procedure
) -> list[services.Intake]:
    """The dossiers of point A, all received on the 5th (a list is one day's)."""
    rows = intakes(clerks, world, procedure, birth)
    return [
        dataclasses.replace(row, at=at(5, 9 + hour))
        for hour, row in enumerate(rows)
        if row.point == world.point_a
    ]


def test_the_same_list_again_is_the_same_dossiers(
    clerk_a, clerk_b, world, procedure, birth, english
):
    rows = point_a_on_the_5th((clerk_a, clerk_b), world, procedure, birth)
    first = services.dossiers_receive_many(rows=rows)
    entries = Entry.objects.count()

    assert services.dossiers_receive_many(rows=rows) == first
    assert Dossier.objects.count() == 3 and Entry.objects.count() == entries
    # One received already (at A), one new (at B): only the new one is written.
    new = dataclasses.replace(rows[0], actor=clerk_b, point=world.point_b, key="k9")
    assert services.dossiers_receive_many(rows=[rows[1], new]) == [first[1], "HS240002000001"]
    assert Dossier.objects.count() == 4 and Entry.objects.count() == entries + 1
    changed = [dataclasses.replace(rows[0], applicant_name="Người khác")]
    with pytest.raises(DomainError, match=r"^Row 1: ") as refused:
        services.dossiers_receive_many(rows=changed)
    assert refused.value.field == "rows.0.idempotency_key"


def test_a_list_with_a_bad_row_is_refused_whole_naming_it(
    clerk_a, clerk_b, world, procedure, birth, english
):
    rows = point_a_on_the_5th((clerk_a, clerk_b), world, procedure, birth)
    bad = [rows[0], rows[1], dataclasses.replace(rows[2], citizen_id="12ab"), rows[1]]

    with pytest.raises(DomainError, match=r"^Row 3: ") as refused:
        services.dossiers_receive_many(rows=bad)

    assert refused.value.field == "rows.2.citizen_id"
    assert not Dossier.objects.exists() and not Entry.objects.exists()
    with pytest.raises(DomainError, match=r"^Row 4: ") as twice:
        services.dossiers_receive_many(rows=[*rows, rows[1]])
    assert twice.value.field == "rows.3.idempotency_key"
    other = dataclasses.replace(rows[0], point=world.point_b)  # not the clerk's point
    with pytest.raises(DomainError, match=r"^Row 2: "):
        services.dossiers_receive_many(rows=[rows[0], other])
    later = dataclasses.replace(rows[1], at=at(6, 9))  # a list is one day's
    with pytest.raises(DomainError, match=r"^Row 2: ") as another_day:
        services.dossiers_receive_many(rows=[rows[0], later])
    assert another_day.value.field == "rows.1.at"
    # Nothing was written, not even a number: the next dossier is the point's first.
    assert services.dossiers_receive_many(rows=rows[:1]) == ["HS240001000001"]


def test_a_bad_batch_or_return_refuses_the_whole_list(
    clerk_a, clerk_b, world, procedure, birth, english
):
    clerks = (clerk_a, clerk_b)
    for rows in by_day(intakes(clerks, world, procedure, birth)):
        services.dossiers_receive_many(rows=rows)
    sends, results = batches(clerks, world, procedure)
    elsewhere = dataclasses.replace(sends[1], dossiers=["HS240002000001", "HS240001000002"])

    with pytest.raises(DomainError, match=r"^Row 2: .*HS240001000002") as refused:
        services.handovers_send_many(batches=[sends[0], elsewhere])

    assert refused.value.field == "rows.1.dossiers"
    assert not Handover.objects.exists()
    assert set(Dossier.objects.values_list("status", flat=True)) == {"received", "handed_over"}
    services.handovers_send_many(batches=sends)
    no_reason = dataclasses.replace(results[0], late_reason="")
    with pytest.raises(DomainError, match=r"^Row 1: .*HS240001000001") as late:
        services.results_receive_many(batches=[no_reason, results[1]])
    assert late.value.field == "rows.0.late_reason"
    assert not Handover.objects.filter(direction="from_agency").exists()
    services.results_receive_many(batches=results)
    backs = handbacks(clerks, world)
    wrong = dataclasses.replace(backs[2], presented_id="020999999999")
    with pytest.raises(DomainError, match=r"^Row 2: ") as not_theirs:
        services.dossiers_return_many(rows=[backs[0], wrong])
    assert not_theirs.value.field == "rows.1.presented_id"
    assert not Dossier.objects.filter(status=Status.RETURNED).exists()
    assert not DossierRollup.objects.filter(returned__gt=0).exists()
    with pytest.raises(DomainError, match=r"^Row 2: "):  # the same result twice in a list
        services.dossiers_return_many(rows=[backs[0], backs[0]])
