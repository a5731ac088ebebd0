"""The ledger accounts the agency services use, from the ledger's chart helpers (no account
code is made here), looked up once within ``cached()``:

- ``131.partner.<slug>``: what a partner owes the post (its commissions) (asset);
- ``3388.remittance``: remittances sent and not paid out yet (liability).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.utils.translation import gettext as _

from buudien.agency.choices import Partner
from buudien.core.errors import DomainError
from buudien.finance import ledger
from buudien.finance.models import Account
from buudien.network.models import ServicePoint

RECEIVABLE_PREFIX = ledger.RECEIVABLE_PREFIX
REMITTANCE_PAYABLE = ledger.REMITTANCE_PAYABLE


_cache: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("agency_cache", default=None)


@contextmanager
def cached() -> Iterator[None]:
    """Within it, accounts (and rates) are looked up once: for a long run of operations
    (the demo) whose accounts all exist beforehand. Balances are never read from the cache."""
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def memo[T](key: tuple[Any, ...], make: Callable[[], T]) -> T:
    cache = _cache.get()
    if cache is None:
        return make()
    if key not in cache:
        cache[key] = make()
    found: T = cache[key]
    return found


def drawer(point: ServicePoint) -> Account:
    return memo(("drawer", point.pk), lambda: ledger.account_for_drawer(point))


def partner_payable(province_code: str, partner: str) -> Account:
    return memo(
        ("payable", province_code, partner),
        lambda: ledger.account_for_partner(province_code, partner),
    )


def revenue(province_code: str, service: str) -> Account:
    return memo(
        ("revenue", province_code, service),
        lambda: ledger.account_for_revenue(province_code, service),
    )


def vat_payable(province_code: str) -> Account:
    return memo(("vat", province_code), lambda: ledger.account_vat_payable(province_code))


def account_partner_receivable(province_code: str, partner: str) -> Account:
    """``131.partner.<partner>``: commissions the partner owes the post."""
    if partner not in Partner.values:
        raise DomainError(_("Unknown partner %(partner)s.") % {"partner": partner}, field="partner")
    return memo(
        ("receivable", province_code, partner),
        lambda: ledger.account_partner_receivable(province_code, partner),
    )


def account_remittance_payable(province_code: str) -> Account:
    """``3388.remittance``: remittances sent, owed to their recipients until paid out."""
    return memo(
        ("remittance", province_code), lambda: ledger.account_remittance_payable(province_code)
    )
