"""Reading an item's money back from the ledger, for the mail tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from buudien.finance.models import Entry, Transfer
from buudien.mail.ledger import item_entries


@dataclass(frozen=True)
class Posted:
    kind: str
    service: str
    point: Any
    business_date: Any
    revenue: int  # credited to the service's revenue
    vat: int  # credited to VAT payable
    cod: int  # credited to COD owed to senders
    drawer: int  # debited to the point's cash drawer


def posted(item: Any, kind: str = "fee") -> Posted:
    """The one entry of ``kind`` for ``item``; fails when there is none or more than one."""
    (entry,) = [e for e in item_entries(item) if e.kind == kind]
    return _summary(entry)


def posted_count(item: Any, kind: str) -> int:
    return sum(1 for e in item_entries(item) if e.kind == kind)


def _summary(entry: Entry) -> Posted:
    transfers = list(Transfer.objects.filter(entry=entry).select_related("debit", "credit"))
    revenue = sum(t.amount for t in transfers if t.credit.code.startswith("5113."))
    vat = sum(t.amount for t in transfers if t.credit.code == "3331")
    cod = sum(t.amount for t in transfers if t.credit.code == "3388.cod")
    drawer = sum(t.amount for t in transfers if t.debit.code.startswith("1111."))
    services = {t.service for t in transfers}
    return Posted(
        entry.kind,
        services.pop() if len(services) == 1 else "",
        entry.point,
        entry.business_date,
        revenue,
        vat,
        cod,
        drawer,
    )
