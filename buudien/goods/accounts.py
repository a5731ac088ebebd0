"""The ledger accounts of a sale or a return at a counter, from the ledger's chart helpers
(no account code is made here: the codes are the ledger's own prefixes and constants, and an
account that does not exist yet is made, and named, by its helper). Read in one query: a
sale touches six accounts or more, and a query per account was a third of a sale's time.

- ``1111.<point>`` the drawer; ``5113.consumer_goods`` revenue; ``3331`` VAT payable;
- ``632.<point>`` the point's cost of goods sold; ``156.<point>`` the point's inventory;
- ``3388.partner.ncc-<supplier>`` what is owed to a consignor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from buudien.core.catalogue import Service
from buudien.finance import ledger
from buudien.finance.models import Account
from buudien.network.models import ServicePoint

SERVICE = Service.CONSUMER_GOODS


@dataclass(frozen=True, slots=True)
class CounterAccounts:
    drawer: Account
    revenue: Account
    vat: Account
    cost: Account
    inventory: Account
    consignors: dict[str, Account]  # by ledger partner


def counter_accounts(point: ServicePoint, partners: Iterable[str]) -> CounterAccounts:
    """The accounts a sale (or a return) at ``point`` posts to; ``partners`` are the ledger
    partners of its consignors."""
    return counter_accounts_of([point], partners)[point.pk]


def counter_accounts_of(
    points: Iterable[ServicePoint], partners: Iterable[str]
) -> dict[int, CounterAccounts]:
    """``counter_accounts`` of several points of one province, in one query: by point id."""
    points = list(points)
    if not points:
        return {}
    province = points[0].province_code
    revenue = f"{ledger.REVENUE_PREFIX}{SERVICE}"
    wanted: dict[str, Callable[[], Account]] = {
        revenue: partial(ledger.account_for_revenue, province, SERVICE),
        ledger.VAT_PAYABLE: partial(ledger.account_vat_payable, province),
    }
    owed = {partner: f"{ledger.PARTNER_PREFIX}{partner}" for partner in partners}
    for partner, code in owed.items():
        wanted[code] = partial(ledger.account_for_partner, province, partner)
    codes: dict[int, tuple[str, str, str]] = {}
    for point in points:
        drawer = f"{ledger.DRAWER_PREFIX}{point.code}"
        inventory = f"{ledger.INVENTORY_PREFIX}{point.code}"
        cost = f"{ledger.COST_OF_GOODS_SOLD}.{point.code}"
        codes[point.pk] = (drawer, inventory, cost)
        wanted[drawer] = partial(ledger.account_for_drawer, point)
        wanted[inventory] = partial(ledger.account_for_inventory, point)
        wanted[cost] = partial(ledger.account_cost_of_goods_sold, point)
    found = {
        account.code: account
        for account in Account.objects.filter(province_code=province, code__in=list(wanted))
    }
    accounts = {code: found.get(code) or make() for code, make in wanted.items()}
    consignors = {partner: accounts[code] for partner, code in owed.items()}
    return {
        pk: CounterAccounts(
            drawer=accounts[drawer],
            revenue=accounts[revenue],
            vat=accounts[ledger.VAT_PAYABLE],
            cost=accounts[cost],
            inventory=accounts[inventory],
            consignors=consignors,
        )
        for pk, (drawer, inventory, cost) in codes.items()
    }
