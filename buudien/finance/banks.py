"""The provincial post's bank accounts (``1121.<bank>``): opened by an administrator, then the
only ones a counter's operation may move money to or from.

A hand-over of a drawer's cash to the bank, a COD paid out by transfer, a compensation paid by
transfer and the agencies' fees passed on all name a bank account: each must be one the
province has open (``bank_account``), never one made up on the way. An administrator opens an
account (``bank_open``: the page's list, the API, ``buudien ledger open-bank``), with the
name the statements print ("VietinBank - Chi nhánh Lạng Sơn 113000246810").
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record
from buudien.core.errors import AccessDenied, DomainError
from buudien.finance import ledger
from buudien.finance.choices import AccountKind
from buudien.finance.models import Account
from buudien.people import access
from buudien.people.choices import Role

# Who opens a bank account of the province.
OPENERS = frozenset({Role.ADMIN})


def bank_accounts(province_code: str) -> QuerySet[Account]:
    """The province's open bank accounts, by code."""
    return Account.objects.filter(
        province_code=province_code,
        code__startswith=ledger.BANK_PREFIX,
        kind=AccountKind.ASSET,
        closed_at__isnull=True,
    ).order_by("code")


def bank_choices(province_code: str) -> list[tuple[str, str]]:
    """(bank, name) of the province's open bank accounts, for a form's choice."""
    return [
        (account.code.removeprefix(ledger.BANK_PREFIX), account.name)
        for account in bank_accounts(province_code)
    ]


def bank_account(province_code: str, bank: Any, *, field: str = "bank") -> Account:
    """The province's open bank account ``1121.<bank>``; refused when it has none such (an
    account is opened by an administrator, never by the operation that names it)."""
    wanted = str(bank or "").strip().lower()
    found = (
        bank_accounts(province_code).filter(code=f"{ledger.BANK_PREFIX}{wanted}").first()
        if wanted
        else None
    )
    if found is None:
        raise DomainError(
            _("The provincial post has no open bank account %(bank)s: choose one of its own.")
            % {"bank": wanted[:40] or "—"},
            field=field,
        )
    return found


def bank_code(province_code: str, bank: Any, *, field: str = "bank") -> str:
    """The short code of the province's open bank account ``bank`` (``vietinbank`` of
    ``1121.vietinbank``), refused as ``bank_account`` refuses: what an operation records."""
    return bank_account(province_code, bank, field=field).code.removeprefix(ledger.BANK_PREFIX)


def bank_open(*, actor: Any, province_code: str, bank: str, name: str) -> Account:
    """Open the province's bank account ``1121.<bank>`` named ``name`` (the bank, branch and
    account number). An administrator of the province only; an account open already is
    refused, a closed one stays closed."""
    if actor is not None:
        unit = ledger.province_unit(province_code)
        if not access.has_role(actor, OPENERS) or not access.in_scope(actor, unit.path):
            raise AccessDenied(_("Only an administrator of the province may open a bank account."))
    slug = ledger.slug(str(bank or "").strip().lower(), "bank")
    label = " ".join(str(name or "").split())
    if not label or len(label) > 200:
        raise DomainError(
            _("Give the account's name: bank, branch and number, at most 200 characters."),
            field="name",
        )
    code = f"{ledger.BANK_PREFIX}{slug}"
    with transaction.atomic():
        if Account.objects.filter(province_code=province_code, code=code).exists():
            raise DomainError(
                _("The province has a bank account %(code)s already.") % {"code": code},
                field="bank",
            )
        account = ledger.account_for_bank(province_code, slug)
        Account.objects.filter(pk=account.pk).update(name=label)
        account.name = label
        audit_record(actor=actor, action="finance.bank_open", obj=account, after={"name": label})
    return account
