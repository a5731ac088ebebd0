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
from buudien.cashless.tests.conftest import SAMPLE_CODE, SAMPLES
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


# --- the banks' own exports -------------------------------------------------------------------


def test_a_vietcombank_export_matches_a_payment_and_keeps_fees_and_interest_as_not_related(
    make_request: Any,
    made_on: Any,
    accountant: Any,
    fund: Any,
    world: Any,
    english: Any,
    sample_accounts: Any,
) -> None:
    fund(world.point_a, 1_000_000)
    paid = made_on(make_request(amount=150_000), dt.date(2026, 3, 4), code=SAMPLE_CODE)
    waiting = made_on(make_request(amount=85_000), dt.date(2026, 3, 4))
    result = statement_import(SAMPLES / "vietcombank.xlsx", actor=accountant)
    assert [line.bank_reference for line in result.matched] == ["5243.65937"]
    assert [line.bank_reference for line in result.unmatched] == ["5243.65981"]
    assert {line.bank_reference: line.reason for line in result.not_related} == {
        "5312.00417": "money going out (a debit)",
        "0331.99001": "bank fee",
        "0331.99002": "bank fee",
        "0331.99003": "bank fee",
        "0331.99004": "interest paid by the bank",
    }
    paid.refresh_from_db()
    waiting.refresh_from_db()
    assert (paid.status, paid.paid_on) == (PaymentStatus.CONFIRMED, dt.date(2026, 3, 5))
    assert waiting.status == PaymentStatus.PENDING
    lines = dict(StatementLine.objects.values_list("bank_reference", "amount"))
    assert (lines["0331.99001"], lines["0331.99004"], len(lines)) == (-10_000, 2_417, 7)
    assert set(
        StatementLine.objects.filter(status=LineStatus.NOT_RELATED).values_list(
            "request_id", flat=True
        )
    ) == {None}


@pytest.mark.parametrize(
    ("sample", "not_related"),
    [
        (
            "vietcombank.xlsx",
            {"5312.00417", "0331.99001", "0331.99002", "0331.99003", "0331.99004"},
        ),
        ("vietinbank.xlsx", {"CT26084000731", "CT26084000732", "IN26090000118"}),
        ("bidv.xlsx", {"FEE2603310001", "FEE2603310002"}),
        ("agribank.xlsx", {"8000FEE260331001", "8000INT260331001"}),
        ("lpbank.csv", {"LPB2603310003"}),
    ],
)
def test_each_banks_export_is_imported_whole(
    sample: str,
    not_related: set[str],
    make_request: Any,
    made_on: Any,
    accountant: Any,
    fund: Any,
    world: Any,
    sample_accounts: Any,
) -> None:
    fund(world.point_a, 2_000_000)
    amount = 1_200_000 if sample == "bidv.xlsx" else 150_000
    paid = made_on(make_request(amount=amount), dt.date(2026, 3, 2), code=SAMPLE_CODE)
    result = statement_import(SAMPLES / sample, actor=accountant)
    assert [line.request_id for line in result.matched] == [paid.pk]
    assert {line.bank_reference for line in result.not_related} == not_related
    assert [line.amount for line in result.unmatched] == [85_000]
    assert StatementLine.objects.count() == 2 + len(not_related)
    assert set(StatementLine.objects.values_list("source", flat=True)) == {sample}


def test_an_export_with_an_unreadable_credit_line_is_refused_whole(
    make_request: Any,
    made_on: Any,
    accountant: Any,
    fund: Any,
    world: Any,
    english: Any,
    tmp_path: Any,
    sample_accounts: Any,
) -> None:
    from openpyxl import load_workbook

    fund(world.point_a, 1_000_000)
    payment = made_on(make_request(amount=150_000), dt.date(2026, 3, 4), code=SAMPLE_CODE)
    book = load_workbook(SAMPLES / "vietcombank.xlsx")
    sheet = book.active
    sheet["B14"] = "32/03/2026 10:02:51"  # the credit of 85,000: no such day
    sheet["E14"] = "85.000,5"  # and half a đồng
    sheet["C17"] = None  # the VAT on the fee, without its reference
    path = tmp_path / "vietcombank.xlsx"
    book.save(path)
    with pytest.raises(ImportFailed) as caught:
        statement_import(path, actor=accountant)
    assert [(e.row, e.column) for e in caught.value.errors] == [
        (14, "Ngày giao dịch / Transaction Date"),
        (14, "Số tiền ghi có / Credit"),
        (17, "Số tham chiếu / Reference No."),
    ]
    assert caught.value.lines()[0].startswith(
        "row 14, column Ngày giao dịch / Transaction Date: 32/03/2026 is not a real day"
    )
    assert not StatementLine.objects.exists()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_a_statement_of_an_account_that_receives_no_payment_is_refused(
    accountant: Any, bank: Any, english: Any
) -> None:
    with pytest.raises(ImportFailed) as caught:
        statement_import(SAMPLES / "agribank.xlsx", actor=accountant)
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "")]
    assert "8000201234567" in caught.value.errors[0].reason
    assert not StatementLine.objects.exists()


def test_a_statement_imported_again_skips_its_fees_too(
    accountant: Any, sample_accounts: Any
) -> None:
    first = statement_import(SAMPLES / "lpbank.csv", actor=accountant)
    again = statement_import(SAMPLES / "lpbank.csv", actor=accountant)
    assert (len(first.not_related), len(first.unmatched)) == (1, 2)
    assert again.total == len(again.skipped) == 3
    assert StatementLine.objects.count() == 3
