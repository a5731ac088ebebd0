"""Bank statement import: matched lines confirm their requests, once."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from buudien.cashless import services
from buudien.cashless.choices import LineStatus, PaymentStatus
from buudien.cashless.importers import statement_import
from buudien.cashless.models import PaymentRequest, StatementLine
from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied
from buudien.core.imports import ImportFailed, import_file, write_xlsx
from buudien.finance.models import Entry

HEADER = "date,amount,description,bank_reference\n"


def _csv(*rows: str) -> io.BytesIO:
    data = io.BytesIO((HEADER + "\n".join(rows) + "\n").encode())
    data.name = "sao-ke.csv"
    return data


def test_matched_lines_confirm_unmatched_are_kept(
    make_request: Any, accountant: Any, fund: Any, world: Any
) -> None:
    fund(world.point_a, 1_000_000)
    first, second = make_request(amount=150_000), make_request(amount=80_000)
    yesterday = local_today() - dt.timedelta(days=1)
    source = _csv(
        f"{yesterday:%d/%m/%Y},150.000,MBVCB.1.{first.code} Cuoc EMS,FT001",
        f"{yesterday:%d/%m/%Y},81000,{second.code} sai so tien,FT002",
        f"{yesterday:%Y-%m-%d},50000,chuyen khoan khong ma,FT003",
    )
    result = statement_import(source, actor=accountant)
    assert [line.bank_reference for line in result.matched] == ["FT001"]
    assert [line.bank_reference for line in result.unmatched] == ["FT002", "FT003"]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == PaymentStatus.CONFIRMED
    assert (first.bank_reference, first.paid_on, first.confirmed_by) == (
        "FT001",
        yesterday,
        accountant,
    )
    assert Entry.objects.get(pk=first.entry_id).business_date == yesterday
    assert second.status == PaymentStatus.PENDING
    lines = {line.bank_reference: line for line in StatementLine.objects.all()}
    assert lines["FT001"].request == first and lines["FT001"].status == LineStatus.MATCHED
    assert lines["FT002"].status == LineStatus.UNMATCHED and lines["FT002"].reason
    assert lines["FT003"].request is None


def test_a_statement_imported_twice_confirms_nothing_twice(
    make_request: Any, accountant: Any, fund: Any, world: Any
) -> None:
    fund(world.point_a, 1_000_000)
    payment = make_request(amount=150_000)
    rows = (f"{local_today():%Y-%m-%d},150000,{payment.code},FT001",)
    statement_import(_csv(*rows), actor=accountant)
    again = statement_import(_csv(*rows), actor=accountant)
    assert again.matched == [] and again.unmatched == [] and again.skipped == [(2, "FT001")]
    assert StatementLine.objects.count() == 1
    assert Entry.objects.filter(idempotency_key__startswith="cashless:").count() == 1


def test_a_line_confirmed_by_hand_first_is_matched_on_import(
    make_request: Any, accountant: Any, fund: Any, world: Any
) -> None:
    fund(world.point_a, 1_000_000)
    payment = make_request(amount=150_000)
    services.payment_request_confirm(actor=accountant, request=payment, bank_reference="FT7")
    result = statement_import(_csv(f"{local_today()},150000,chuyen tien,FT7"), actor=accountant)
    assert [line.request_id for line in result.matched] == [payment.pk]
    assert Entry.objects.filter(idempotency_key__startswith="cashless:").count() == 1


def test_an_unmatched_line_is_matched_by_hand_later(
    make_request: Any, accountant: Any, fund: Any, world: Any
) -> None:
    fund(world.point_a, 1_000_000)
    payment = make_request(amount=90_000)
    statement_import(_csv(f"{local_today()},90000,ma bi go sai BD20XXXXXX,FT8"), actor=accountant)
    line = StatementLine.objects.get()
    assert line.status == LineStatus.UNMATCHED
    services.statement_line_match(actor=accountant, line=line, request=payment)
    line.refresh_from_db()
    payment.refresh_from_db()
    assert line.status == LineStatus.MATCHED and line.request == payment
    assert payment.status == PaymentStatus.CONFIRMED and payment.bank_reference == "FT8"


def test_matching_by_hand_a_line_of_another_amount_is_refused(
    make_request: Any, accountant: Any, fund: Any, world: Any
) -> None:
    fund(world.point_a, 1_000_000)
    payment = make_request(amount=90_000)
    statement_import(_csv(f"{local_today()},91000,no code,FT9"), actor=accountant)
    line = StatementLine.objects.get()
    with pytest.raises(services.DomainError):
        services.statement_line_match(actor=accountant, line=line, request=payment)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_a_bad_file_names_row_column_and_reason_and_changes_nothing(
    make_request: Any, accountant: Any, fund: Any, world: Any, english: Any
) -> None:
    fund(world.point_a, 1_000_000)
    payment = make_request(amount=150_000)
    source = _csv(
        f"2026-01-05,150000,{payment.code},FT1",
        "31/02/2026,100,x,FT2",
        "2026-01-05,abc,x,FT3",
        "2026-01-05,0,x,FT4",
        "2026-01-05,100,x,FT1",
        "2026-01-05,100,x,",
    )
    with pytest.raises(ImportFailed) as caught:
        statement_import(source, actor=accountant)
    problems = {(e.row, e.column) for e in caught.value.errors}
    assert problems == {
        (3, "date"),
        (4, "amount"),
        (5, "amount"),
        (6, "bank_reference"),
        (7, "bank_reference"),
    }
    assert "row 3, column date" in caught.value.lines()[0]
    assert not StatementLine.objects.exists()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_only_accountants_import(clerk_a: Any, bank: Any) -> None:
    with pytest.raises(AccessDenied):
        statement_import(_csv("2026-01-05,100,x,FT1"), actor=clerk_a)
    assert not StatementLine.objects.exists()


def test_an_xlsx_from_the_console_through_the_registry(
    make_request: Any, fund: Any, world: Any, tmp_path: Any
) -> None:
    fund(world.point_a, 1_000_000)
    payment = make_request(amount=150_000)
    path = tmp_path / "sao-ke.xlsx"
    write_xlsx(
        ["date", "amount", "description", "bank_reference", "account_number"],
        [[local_today(), 150000, f"ND: {payment.code.lower()} cuoc", "FT42", "113000123456"]],
        path,
    )
    result = import_file("bank_statement", path)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    assert PaymentRequest.objects.get(pk=payment.pk).status == PaymentStatus.CONFIRMED
    assert PaymentRequest.objects.get(pk=payment.pk).confirmed_by is None


def test_a_line_whose_handler_refuses_stays_unmatched_with_the_reason(
    make_request: Any, accountant: Any, english: Any
) -> None:
    payment = make_request(amount=150_000)  # the drawer never took the money
    result = statement_import(_csv(f"{local_today()},150000,{payment.code},FT1"), actor=accountant)
    assert result.matched == []
    line = StatementLine.objects.get()
    assert line.status == LineStatus.UNMATCHED
    assert "Not enough money" in line.reason
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert not Entry.objects.filter(idempotency_key__startswith="cashless:").exists()
