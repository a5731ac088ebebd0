"""The counter clerk's home: the day's operations a key away, what the counter has done today
by service, the drawer, and what waits for the clerk (items to hand out, pension lines to
pay, dossiers due, cash handed to the point's safe to confirm). Read from the ledger's
transfers and rollups and the domains' own records, in a handful of queries whatever the size
of the province."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from buudien.cashdesk import selectors as cashdesk
from buudien.core.catalogue import Service
from buudien.dossiers import selectors as dossiers
from buudien.finance.choices import EntryKind
from buudien.finance.models import Transfer
from buudien.mail.choices import ItemStatus
from buudien.mail.models import PostalItem
from buudien.network.models import ServicePoint
from buudien.payouts.choices import LineStatus, ListStatus
from buudien.payouts.models import PayoutLine
from buudien.web.context_processors import reachable

# The counter's operations, in the order of a day at the counter: (the operation's page, its
# name, the section page that must be in the clerk's menus for it to be shown). The first
# nine answer the keys 1 to 9.
OPERATIONS: list[tuple[str, Promise, str]] = [
    ("mail:accept", _("Accept an item"), "mail:accept"),
    ("collection:index", _("Collect a bill"), "collection:index"),
    ("payouts:index", _("Pay a pension or benefit"), "payouts:index"),
    ("agency:deposit", _("Savings deposit"), "agency:index"),
    ("agency:withdraw", _("Savings withdrawal"), "agency:index"),
    ("agency:remittance_send", _("Send a remittance"), "agency:index"),
    ("agency:remittance_pay", _("Pay a remittance"), "agency:index"),
    ("dossiers:receive", _("Receive a dossier"), "dossiers:receive"),
    ("goods:sale", _("Sell goods"), "goods:sale"),
    ("telecom:topup", _("Mobile top-up"), "telecom:index"),
    ("telecom:pins_sell", _("Sell card codes"), "telecom:index"),
    ("agency:account_open", _("Payment account"), "agency:index"),
    ("agency:loan_repayment", _("Loan repayment"), "agency:index"),
    ("insurance:issue", _("Issue a policy"), "insurance:index"),
    ("press:subscribe", _("Take a subscription"), "press:subscribe"),
    ("cashless:create", _("QR payment"), "cashless:index"),
    ("mailbatch:new", _("Accept a list"), "mailbatch:new"),
    ("care:lodge", _("Take a request"), "care:lodge"),
    ("cashdesk:index", _("Close the drawer"), "cashdesk:index"),
]
# Items that wait at the counter for their recipient (or to go back to the sender).
WAITING = (ItemStatus.HELD, ItemStatus.AT_PICKUP_POINT, ItemStatus.DELIVERY_FAILED)


@dataclass(frozen=True)
class Shortcut:
    label: Promise
    url: str
    key: str


@dataclass(frozen=True)
class ServiceDay:
    service: str
    label: str
    operations: int
    amount: int


def shortcuts(user: Any) -> list[Shortcut]:
    offered = reachable(user)
    names = [(name, label) for name, label, gate in OPERATIONS if gate in offered]
    return [
        Shortcut(label, reverse(name), str(index) if index <= 9 else "")
        for index, (name, label) in enumerate(names, start=1)
    ]


def services_today(point: ServicePoint, day: dt.date) -> list[ServiceDay]:
    """The point's operations of ``day`` by service: how many, and the money they moved (a
    cancelled operation and its reversal are left out)."""
    rows = (
        Transfer.objects.filter(province_code=point.province_code, point=point, business_date=day)
        .exclude(service="")
        .exclude(entry__kind=EntryKind.REVERSAL)
        .exclude(entry__reversals__isnull=False)
        .values("service")
        .annotate(operations=Count("entry", distinct=True), amount=Sum("amount"))
        .order_by("-amount")
    )
    labels = dict(Service.choices)
    return [
        ServiceDay(
            row["service"],
            str(labels.get(row["service"], row["service"])),
            row["operations"],
            row["amount"] or 0,
        )
        for row in rows
    ]


def waiting(user: Any, point: ServicePoint, day: dt.date) -> dict[str, Any]:
    items = PostalItem.objects.filter(
        province_code=point.province_code, delivery_point=point, status__in=WAITING
    ).count()
    lines = PayoutLine.objects.filter(
        province_code=point.province_code,
        point=point,
        status=LineStatus.UNPAID,
        payout_list__status=ListStatus.OPEN,
    ).aggregate(n=Count("id"), amount=Sum("amount"))
    due = [row for row in dossiers.deadlines(user=user, today=day) if row.point_code == point.code]
    to_confirm = cashdesk.handovers_awaiting(user=user).aggregate(
        n=Count("id"), amount=Sum("amount")
    )
    return {
        "cash_to_confirm": to_confirm["n"] or 0,
        "cash_to_confirm_amount": to_confirm["amount"] or 0,
        "items": items,
        "payout_lines": lines["n"] or 0,
        "payout_amount": lines["amount"] or 0,
        "dossiers_due_today": sum(row.due_today for row in due),
        "dossiers_overdue": sum(row.overdue for row in due),
    }


def counter_day(user: Any, point: ServicePoint, day: dt.date) -> dict[str, Any]:
    services = services_today(point, day)
    return {
        "point": point,
        "shortcuts": shortcuts(user),
        "services": services,
        "operations_total": sum(s.operations for s in services),
        "drawer": cashdesk.drawer_day(point=point, day=day),
        "waiting": waiting(user, point, day),
    }
