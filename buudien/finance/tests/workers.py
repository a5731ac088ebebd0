"""Worker processes of the PostgreSQL concurrency tests, started with the 'spawn' method: a
fresh interpreter each, with its own Django and its own database connection."""

from __future__ import annotations

import os
import time
from typing import Any


def _setup(db_name: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buudien.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    # The test database, not the one DATABASE_URL names.
    settings.DATABASES["default"]["NAME"] = db_name
    connections["default"].settings_dict["NAME"] = db_name


def _accounts(*ids: int) -> list[Any]:
    from buudien.finance.models import Account

    found = Account.objects.in_bulk(list(ids))
    return [found[i] for i in ids]


def pay_until_refused(
    db_name: str, drawer_id: int, payee_id: int, amount: int, start: Any, results: Any
) -> None:
    """Pay ``amount`` out of the drawer again and again until the ledger refuses."""
    _setup(db_name)
    from buudien.core.errors import DomainError
    from buudien.finance import ledger
    from buudien.finance.choices import EntryKind

    drawer, payee = _accounts(drawer_id, payee_id)
    paid = 0
    refusal = ""
    start.wait()
    for i in range(10_000):
        try:
            ledger.entry_post(
                actor=None,
                idempotency_key=f"pay:{os.getpid()}:{i}",
                kind=EntryKind.PENSION,
                reference=f"pension-line:{os.getpid()}:{i}",
                legs=[ledger.Leg(debit=payee, credit=drawer, amount=amount, service="pension")],
                province_code=drawer.province_code,
            )
        except DomainError as exc:
            refusal = str(exc)
            break
        paid += amount
    results.put((paid, refusal))


def post_both_ways(
    db_name: str, first_id: int, second_id: int, count: int, start: Any, results: Any
) -> None:
    """Post ``count`` entries over two hot accounts, each entry touching both in the order
    given, with no retries: a deadlock would surface as an error."""
    _setup(db_name)
    from buudien.finance import ledger
    from buudien.finance.choices import EntryKind

    ledger.MAX_ATTEMPTS = 1
    first, second = _accounts(first_id, second_id)
    errors: list[str] = []
    start.wait()
    for i in range(count):
        try:
            ledger.entry_post(
                actor=None,
                idempotency_key=f"both:{os.getpid()}:{i}",
                kind=EntryKind.COLLECTION_SETTLEMENT,
                reference="",
                legs=[
                    ledger.Leg(debit=first, credit=second, amount=7),
                    ledger.Leg(debit=second, credit=first, amount=5),
                ],
                province_code=first.province_code,
            )
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}")
    results.put(errors)


def post_and_hang(
    db_name: str, drawer_id: int, payee_id: int, key: str, ready: Any, results: Any
) -> None:
    """Start a posting and stop dead inside it: after the transfers and the rollups are
    written, before the commit. The test kills this process there."""
    _setup(db_name)
    from buudien.finance import ledger
    from buudien.finance.choices import EntryKind
    from buudien.finance.models import Transfer

    drawer, payee = _accounts(drawer_id, payee_id)
    original = ledger._write_postings

    def hang(*args: Any, **kwargs: Any) -> None:
        original(*args, **kwargs)
        results.put(Transfer.objects.filter(entry__idempotency_key=key).count())
        ready.set()
        time.sleep(120)

    ledger._write_postings = hang  # type: ignore[assignment]
    ledger.entry_post(
        actor=None,
        idempotency_key=key,
        kind=EntryKind.PENSION,
        reference="pension-line:1",
        legs=[
            ledger.Leg(debit=payee, credit=drawer, amount=30_000, service="pension"),
            ledger.Leg(debit=payee, credit=drawer, amount=20_000, service="pension"),
        ],
        province_code=drawer.province_code,
    )


def post_same_key(
    db_name: str, drawer_id: int, revenue_id: int, key: str, start: Any, results: Any
) -> None:
    """The same request under the same key, sent by every worker at once (a client's retries
    racing each other)."""
    _setup(db_name)
    from buudien.finance import ledger
    from buudien.finance.choices import EntryKind

    drawer, revenue = _accounts(drawer_id, revenue_id)
    start.wait()
    entry = ledger.entry_post(
        actor=None,
        idempotency_key=key,
        kind=EntryKind.FEE,
        reference="item:RR000000015VN",
        legs=[ledger.Leg(debit=drawer, credit=revenue, amount=13_000, service="registered")],
        province_code=drawer.province_code,
    )
    results.put(entry.pk)
