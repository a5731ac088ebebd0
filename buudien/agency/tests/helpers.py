"""Shortcuts of the agency tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from buudien.agency import services
from buudien.core.bizdays import VIETNAM
from buudien.finance.models import Account, Entry, Transfer

CID = "001234567890"
OTHER_CID = "001234567891"
RECIPIENT_CID = "020199001234"


def balance(code: str, province: str = "20") -> int:
    account = Account.objects.filter(province_code=province, code=code).first()
    return account.balance if account is not None else 0


def legs(entry: Entry) -> list[tuple[str, str, int, str]]:
    return sorted(
        (t.debit.code, t.credit.code, t.amount, t.service)
        for t in Transfer.objects.filter(entry=entry).select_related("debit", "credit")
    )


def ledger_state() -> tuple[int, int, list[tuple[str, int]]]:
    return (
        Entry.objects.count(),
        Transfer.objects.count(),
        list(Account.objects.order_by("code").values_list("code", "balance")),
    )


def deposit(actor: Any, point: Any, *, key: str = "k1", **changes: Any) -> Any:
    data: dict[str, Any] = {
        "book_number": "LP000111",
        "customer_name": "Nguyễn Thị Hoa",
        "citizen_id": CID,
        "amount": 10_000_000,
        "term_months": 12,
    }
    data.update(changes)
    return services.savings_deposit(actor=actor, point=point, idempotency_key=key, **data)


def withdraw(actor: Any, point: Any, *, key: str = "w1", **changes: Any) -> Any:
    data: dict[str, Any] = {"book_number": "LP000111", "citizen_id": CID, "amount": 4_000_000}
    data.update(changes)
    return services.savings_withdraw(actor=actor, point=point, idempotency_key=key, **data)


def send(actor: Any, point: Any, destination: Any, *, key: str = "s1", **changes: Any) -> Any:
    data: dict[str, Any] = {
        "sender_name": "Hoàng Văn Nam",
        "sender_citizen_id": CID,
        "recipient_name": "Lý Thị Mai",
        "recipient_citizen_id": RECIPIENT_CID,
        "amount": 2_000_000,
        "destination_point": destination,
    }
    data.update(changes)
    return services.remittance_send(actor=actor, point=point, idempotency_key=key, **data)


def pdf_text(pdf: bytes) -> str:
    import subprocess

    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return out.stdout.decode()


def pdf_size_mm(pdf: bytes) -> tuple[int, int]:
    import re
    import subprocess

    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    found = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout.decode())
    assert found is not None
    width, height = (float(v) * 25.4 / 72 for v in found.groups())
    return round(width), round(height)


def open_account(
    actor: Any,
    point: Any,
    key: str,
    day: dt.date,
    number: str,
    channel: str = "online",
    partner: str = "postpay",
) -> Any:
    """A payment account opened at 9:30 on ``day``."""
    return services.payment_account_open(
        actor=actor,
        point=point,
        idempotency_key=key,
        customer_name="Lăng Văn Sơn",
        citizen_id=CID,
        phone="0912345678",
        partner=partner,
        account_number=number,
        channel=channel,
        at=dt.datetime.combine(day, dt.time(9, 30), tzinfo=VIETNAM),
    )
