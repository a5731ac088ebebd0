"""Payments to the state budget, by tax and by budget level.

A payment is a ledger entry of kind ``budget_contribution``: debit the tax's account of 333
(``3331`` the VAT the operations have been crediting, ``3335`` the income tax withheld from
wages, ``3339`` the licence fee ...), credit the bank that paid it. Beside it a
``BudgetPayment`` keeps what the entry cannot say: the tax, the level of the budget (central
or local: a provincial post pays the local budget of its province) and the State Treasury's
document number. The year-end report sums them per tax and per level and words itself after
the level ("nộp ngân sách địa phương").
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from buudien.core.errors import AccessDenied, DomainError
from buudien.finance import ledger
from buudien.finance.choices import AccountKind, BudgetLevel, EntryKind, Tax
from buudien.finance.costs import require_cost_role
from buudien.finance.models import Account, BudgetPayment, Entry
from buudien.people import access
from buudien.people.choices import Role


def tax_account(province_code: str, tax: str) -> Account:
    """The 333x account of a tax (liability), made on first use; ``3331`` is the chart's."""
    if tax not in Tax.values:
        raise DomainError(_("Unknown tax %(code)s.") % {"code": tax}, field="tax")
    if tax == Tax.VAT:
        return ledger.account_vat_payable(province_code)
    return ledger._account_ensure(
        province_code=province_code,
        code=tax,
        kind=AccountKind.LIABILITY,
        name=lambda: str(Tax(tax).label),
    )


def budget_pay(
    *,
    actor: Any,
    province_code: str,
    idempotency_key: str,
    tax: str,
    level: str,
    amount: int,
    day: dt.date,
    paid_from: str,
    treasury_reference: str = "",
    memo: str = "",
) -> BudgetPayment:
    """Pay ``amount`` of a tax to the budget of ``level`` from a bank account of the province;
    a retry with the same key answers the same payment."""
    require_cost_role(actor)
    if level not in BudgetLevel.values:
        raise DomainError(_("Unknown budget level %(level)s.") % {"level": level}, field="level")
    if not paid_from.startswith(ledger.BANK_PREFIX):
        raise DomainError(
            _("The budget is paid from a bank account (1121.…), not %(code)s.")
            % {"code": paid_from},
            field="paid_from",
        )
    with transaction.atomic():
        debit = tax_account(province_code, tax)
        credit = ledger.account_usable(actor=actor, province_code=province_code, code=paid_from)
        entry = ledger.entry_post(
            actor=actor,
            idempotency_key=idempotency_key,
            kind=EntryKind.BUDGET_CONTRIBUTION,
            reference=f"budget:{treasury_reference}" if treasury_reference else f"budget:{tax}",
            legs=[ledger.Leg(debit, credit, amount)],
            province_code=province_code,
            business_date=day,
            memo=memo,
        )
        payment, _created = BudgetPayment.objects.get_or_create(
            entry=entry,
            defaults={
                "province_code": province_code,
                "paid_on": entry.business_date,
                "tax": tax,
                "level": level,
                "amount": amount,
                "treasury_reference": treasury_reference,
            },
        )
        if (payment.tax, payment.level) != (tax, level):
            raise DomainError(_("This key was used for another payment."), field="idempotency_key")
    return payment


def _standing() -> Any:
    """The payments whose entry has not been reversed."""
    return ~Exists(Entry.objects.filter(reverses=OuterRef("entry_id")))


# Who reads the province's payments to the budget.
READER_ROLES = frozenset({Role.ACCOUNTANT, Role.DIRECTOR, Role.AUDITOR, Role.ADMIN})


def require_reader(user: Any, province_code: str) -> None:
    """The province's payments are for its accountants, directors, auditors and administrators
    whose scope holds the provincial post."""
    if user is None:
        return
    unit = ledger.province_unit(province_code)
    if not access.has_role(user, READER_ROLES) or not access.in_scope(user, unit.path):
        raise AccessDenied(_("Only who keeps or reads the province's books sees its payments."))


def payment_list(
    *, province_code: str, date_from: dt.date, date_to: dt.date
) -> QuerySet[BudgetPayment]:
    return (
        BudgetPayment.objects.filter(
            province_code=province_code, paid_on__gte=date_from, paid_on__lte=date_to
        )
        .filter(_standing())
        .select_related("entry")
        .order_by("-paid_on", "-id")
    )


def paid_by_tax_and_level(
    *, province_code: str, ranges: dict[str, tuple[dt.date, dt.date]]
) -> dict[tuple[str, str], dict[str, int]]:
    """(tax, level) -> {range name: amount paid} over the ranges, payments reversed left out:
    one GROUP BY with a sum per range."""
    out: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(ranges, 0))
    if not ranges:
        return {}
    spans = {name: Q(paid_on__gte=start, paid_on__lte=end) for name, (start, end) in ranges.items()}
    rows = (
        payment_list(
            province_code=province_code,
            date_from=min(start for start, _end in ranges.values()),
            date_to=max(end for _start, end in ranges.values()),
        )
        .filter(functools.reduce(operator.or_, spans.values()))
        .order_by()
        .values_list("tax", "level")
        .annotate(
            **{f"paid_{i}": Sum("amount", filter=span) for i, span in enumerate(spans.values())}
        )
    )
    for tax, level, *totals in rows:
        for name, total in zip(spans, totals, strict=True):
            out[(tax, level)][name] += int(total or 0)
    return dict(out)


def owed(province_code: str) -> list[tuple[str, str, int]]:
    """(tax, name, balance) of the tax accounts that hold something: what is still owed."""
    codes = [str(tax) for tax in Tax.values]
    balances = dict(
        Account.objects.filter(province_code=province_code, code__in=codes).values_list(
            "code", "balance"
        )
    )
    return [
        (str(tax.value), str(tax.label), balances[tax.value])
        for tax in Tax
        if balances.get(tax.value)
    ]
