"""Retrying a posting: after a serialization failure, a deadlock or a clash of idempotency
keys (PostgreSQL), a few times, and only when the ledger owns the transaction."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from buudien.finance import ledger


class _Cause(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _failing(errors):
    calls = []

    def work():
        calls.append(1)
        if errors:
            error = errors.pop(0)
            raise error
        return "posted"

    return work, calls


def _error(kind, sqlstate):
    error = kind(sqlstate)
    error.__cause__ = _Cause(sqlstate)
    return error


@pytest.mark.parametrize(
    ("kind", "sqlstate"),
    [
        (ledger.OperationalError, "40001"),
        (ledger.OperationalError, "40P01"),
        (IntegrityError, "23505"),
    ],
)
def test_a_posting_is_retried_after_a_serialization_failure_or_deadlock(kind, sqlstate):
    work, calls = _failing([_error(kind, sqlstate), _error(kind, sqlstate)])
    assert ledger._with_retries(work) == "posted"
    assert len(calls) == 3


def test_other_errors_and_too_many_failures_are_not_hidden():
    work, calls = _failing([_error(IntegrityError, "23514")])
    with pytest.raises(IntegrityError):
        ledger._with_retries(work)
    assert len(calls) == 1
    work, calls = _failing([_error(ledger.OperationalError, "40001")] * ledger.MAX_ATTEMPTS)
    with pytest.raises(ledger.OperationalError):
        ledger._with_retries(work)
    assert len(calls) == ledger.MAX_ATTEMPTS


@pytest.mark.django_db
def test_inside_a_callers_transaction_nothing_is_retried():
    work, calls = _failing([_error(ledger.OperationalError, "40001")])
    with pytest.raises(ledger.OperationalError), transaction.atomic():
        ledger._with_retries(work)
    assert len(calls) == 1
