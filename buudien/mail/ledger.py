"""Mail's money on the ledger: the fee of an accepted item and COD collected on delivery.

Every đồng the counter or the postman takes is a balanced ledger entry posted in the same
transaction as the mail operation:

- acceptance: debit the point's cash drawer, credit the service's revenue (the price net of
  VAT) and VAT payable (the VAT);
- delivery with COD: debit the delivering office's drawer, credit COD owed to senders.

Each item's fee is an entry of its own, whether the item was accepted alone or on a list
(so one item's fee can be reversed alone, and the year-end report counts one operation per
item). The idempotency keys name the item (``mail:fee:<item id>``, ``mail:cod:<item id>``;
cashdesk reads the COD key), so an operation retried after a lost answer posts once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account, Entry
from buudien.mail.choices import MailService
from buudien.mail.models import PostalItem
from buudien.network.models import ServicePoint


def fee_key(item: PostalItem) -> str:
    return f"mail:fee:{item.pk}"


def cod_key(item: PostalItem) -> str:
    return f"mail:cod:{item.pk}"


def item_reference(item: PostalItem) -> str:
    """The reference of an item's entries: its number; a KT1 item's id instead, since the
    ledger is read by people who may not learn a KT1 item's number."""
    if item.service == MailService.KT1:
        return f"kt1:{item.pk}"
    return f"item:{item.s10}"


@dataclass(frozen=True, slots=True)
class FeeAccounts:
    """The accounts a fee moves between: the point's drawer, the service's revenue, VAT."""

    drawer: Account
    revenue: Account
    vat_payable: Account


def fee_accounts(item: PostalItem, point: ServicePoint) -> FeeAccounts:
    return FeeAccounts(
        ledger.account_for_drawer(point),
        ledger.account_for_revenue(item.province_code, item.service),
        ledger.account_vat_payable(item.province_code),
    )


def fee_accounts_known(
    item: PostalItem, point: ServicePoint, *, drawer: Account | None = None
) -> FeeAccounts:
    """``fee_accounts`` as this process knows them (``ledger.account_known``): no query once
    read; the posting checks them as it locks them. ``drawer``: the account that pays the
    fee instead of the point's drawer (what the recipient owes, paid on delivery)."""
    province = item.province_code
    return FeeAccounts(
        drawer
        or ledger.account_known(
            province, ledger.drawer_code(point), lambda: ledger.account_for_drawer(point)
        ),
        ledger.account_known(
            province,
            ledger.revenue_code(item.service),
            lambda: ledger.account_for_revenue(province, item.service),
        ),
        ledger.account_known(
            province, ledger.VAT_PAYABLE, lambda: ledger.account_vat_payable(province)
        ),
    )


def fee_posting(
    *,
    item: PostalItem,
    point: ServicePoint,
    net: int,
    vat: int,
    day: dt.date,
    accounts: FeeAccounts | None = None,
    memo: str = "",
) -> ledger.Posting | None:
    """The entry of the price the sender paid at the counter for ``item``: its own entry
    (the drawer pays the service's revenue, net of VAT, and VAT payable), to post alone
    (``Desk.book``) or in a list (``ledger.entries_post``); None for a free item.
    ``accounts`` spares the lookups when many items are posted together."""
    if net <= 0 and vat <= 0:
        return None
    found = accounts or fee_accounts(item, point)
    legs = []
    if net > 0:
        legs.append(ledger.Leg(found.drawer, found.revenue, net, item.service))
    if vat > 0:
        legs.append(ledger.Leg(found.drawer, found.vat_payable, vat, item.service))
    return ledger.Posting(
        idempotency_key=fee_key(item),
        kind=EntryKind.FEE,
        reference=item_reference(item),
        legs=legs,
        business_date=day,
        point=point,
        memo=memo,
        late=True,
    )


# follower(item, actor=, point=, day=): called once an item's COD is booked as collected.
CodFollower = Callable[..., None]

_COD_FOLLOWERS: list[CodFollower] = []


def cod_follow(follower: CodFollower) -> CodFollower:
    """Call ``follower`` in the transaction that books an item's COD as collected (ADR 0004:
    a plain function an app registers in its ``AppConfig.ready``). Goods sent by the post
    itself cash on delivery settle what their buyer owed with it."""
    if follower not in _COD_FOLLOWERS:
        _COD_FOLLOWERS.append(follower)
    return follower


def cod_collected_post(
    *, actor: Any, item: PostalItem, point: ServicePoint, amount: int, day: dt.date
) -> Entry:
    """Post the COD amount the postman collected: money owed to the sender from now on
    (then the followers, ``cod_follow``)."""
    leg = ledger.Leg(
        ledger.account_for_drawer(point),
        ledger.account_cod_payable(item.province_code),
        amount,
        item.service,
    )
    entry = ledger.entry_post(
        actor=actor,
        idempotency_key=cod_key(item),
        kind=EntryKind.COD_COLLECTED,
        reference=item_reference(item),
        legs=[leg],
        province_code=item.province_code,
        business_date=day,
        point=point,
        late=True,
    )
    for follower in _COD_FOLLOWERS:
        follower(item, actor=actor, point=point, day=day)
    return entry


def cod_is_collected(item: PostalItem) -> bool:
    return Entry.objects.filter(
        province_code=item.province_code, idempotency_key=cod_key(item)
    ).exists()


def item_entries(item: PostalItem) -> QuerySet[Entry]:
    """The ledger entries of an item, oldest first."""
    return Entry.objects.filter(
        province_code=item.province_code, reference=item_reference(item)
    ).order_by("created_at", "pk")
