"""Reads of the cash desk: a drawer's day, closings in a user's reach, COD owed to senders.

A user who works at a point (a clerk) sees their own point only; the others see the points
of their unit's subtree. Outside that, a closing, a payout or an item is "not found".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from buudien.cashdesk.choices import ClosingStatus, HandoverKind, HandoverStatus
from buudien.cashdesk.models import CashClosing, CashHandover, CodPayout, CodPayoutItem
from buudien.core.errors import NotFound
from buudien.core.text import fold
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account, DailyBalance, Entry
from buudien.mail.models import PostalItem
from buudien.network.models import ServicePoint
from buudien.people import access
from buudien.people.choices import Role

# mail.ledger.cod_key(item) is f"{COD_KEY_PREFIX}{item.pk}": the COD of an item is collected
# when its entry exists.
COD_KEY_PREFIX = "mail:cod:"


def point_scope_q(user: Any, field: str = "point") -> Q:
    """Rows of points ``user`` may see: their own point if they work at one, else the points
    of their subtree."""
    scope = access.scope_q(user, f"{field}__unit_path")
    point_id = getattr(user, "point_id", None)
    if point_id is not None:
        return scope & Q(**{f"{field}_id": point_id})
    return scope


def point_get(*, user: Any, code: str) -> ServicePoint:
    """A point ``user`` may see (a clerk: their own point only)."""
    point = ServicePoint.objects.filter(code=code).select_related("unit").first()
    own = getattr(user, "point_id", None)
    if (
        point is None
        or not access.in_scope(user, point.unit_path)
        or (own is not None and own != point.pk)
    ):
        raise NotFound(_("No such service point."))
    return point


# --- a drawer's day ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DrawerDay:
    """What the ledger says of a drawer on a business day: the balance it opened with, what
    came in and went out, the balance it closed with."""

    point: ServicePoint
    drawer: Account
    day: dt.date
    opening: int
    receipts: int
    payments: int

    @property
    def closing(self) -> int:
        return self.opening + self.receipts - self.payments


def drawer_day(*, point: ServicePoint, day: dt.date) -> DrawerDay:
    """The drawer's day from the ledger's daily rollups. On the open day its closing figure
    is the drawer's balance at this moment (the rollups are kept in each posting's
    transaction)."""
    drawer = ledger.account_for_drawer(point)
    before, during = Q(date__lt=day), Q(date=day)
    sums = DailyBalance.objects.filter(
        province_code=point.province_code, account=drawer, date__lte=day
    ).aggregate(
        before_d=Sum("debit_total", filter=before),
        before_c=Sum("credit_total", filter=before),
        during_d=Sum("debit_total", filter=during),
        during_c=Sum("credit_total", filter=during),
    )
    return DrawerDay(
        point=point,
        drawer=drawer,
        day=day,
        opening=(sums["before_d"] or 0) - (sums["before_c"] or 0),
        receipts=sums["during_d"] or 0,
        payments=sums["during_c"] or 0,
    )


def drawer_balances(*, province_code: str, day: dt.date) -> dict[int, int]:
    """The balance of every drawer of a province at the end of ``day``, by point id."""
    rows = (
        DailyBalance.objects.filter(
            province_code=province_code,
            date__lte=day,
            account__code__startswith=ledger.DRAWER_PREFIX,
            account__point__isnull=False,
        )
        .values("account__point")
        .annotate(d=Sum("debit_total"), c=Sum("credit_total"))
        .order_by()
    )
    return {row["account__point"]: (row["d"] or 0) - (row["c"] or 0) for row in rows}


# --- closings ----------------------------------------------------------------------------------


def closing_list(
    *,
    user: Any,
    point: ServicePoint | None = None,
    status: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[CashClosing]:
    closings = CashClosing.objects.filter(point_scope_q(user)).select_related(
        "point", "counted_by", "decided_by"
    )
    if point is not None:
        closings = closings.filter(point=point)
    if status:
        closings = closings.filter(status=status)
    if date_from is not None:
        closings = closings.filter(business_date__gte=date_from)
    if date_to is not None:
        closings = closings.filter(business_date__lte=date_to)
    return closings.order_by("-business_date", "point__code")


def closing_queue(*, user: Any) -> QuerySet[CashClosing]:
    """Closings with a difference waiting for an accountant, oldest first."""
    return closing_list(user=user, status=ClosingStatus.PENDING).order_by(
        "business_date", "point__code"
    )


def closing_get(*, user: Any, closing_id: int) -> CashClosing:
    closing = (
        CashClosing.objects.filter(pk=closing_id)
        .filter(point_scope_q(user))
        .select_related("point", "point__unit", "counted_by", "decided_by", "entry")
        .first()
    )
    if closing is None:
        raise NotFound(_("No such cash closing."))
    return closing


def closing_of_day(*, point: ServicePoint, day: dt.date) -> CashClosing | None:
    return CashClosing.objects.filter(
        province_code=point.province_code, point=point, business_date=day
    ).first()


# --- cash handed over --------------------------------------------------------------------------

# Who confirms cash handed to a point's safe over the point, and approves a deposit at the bank
# (with a clerk of the receiving point: services.handover_may_decide).
HANDOVER_DECIDERS = frozenset({Role.ACCOUNTANT, Role.DIRECTOR})


def handover_visible_q(user: Any) -> Q:
    """Handovers ``user`` may see: from a point they may see, or to one (a clerk: from or to
    their own point)."""
    return point_scope_q(user, "point") | point_scope_q(user, "to_point")


def handover_list(
    *, user: Any, point: ServicePoint | None = None, status: str = ""
) -> QuerySet[CashHandover]:
    """Handovers ``user`` may see, newest first; ``point``: out of its drawer only."""
    handovers = CashHandover.objects.filter(handover_visible_q(user)).select_related(
        "point", "to_point", "created_by", "decided_by"
    )
    if point is not None:
        handovers = handovers.filter(point=point)
    if status:
        handovers = handovers.filter(status=status)
    return handovers.order_by("-created_at", "-id")


def handover_get(*, user: Any, handover_id: int) -> CashHandover:
    found = (
        CashHandover.objects.filter(pk=handover_id)
        .filter(handover_visible_q(user))
        .select_related("point", "to_point", "created_by", "decided_by", "entry")
        .first()
    )
    if found is None:
        raise NotFound(_("No such cash handover."))
    return found


def handovers_awaiting(*, user: Any) -> QuerySet[CashHandover]:
    """Handovers in transit that wait for ``user``, oldest first: cash handed to the safe of
    their own point (a clerk), or, for a director or an accountant, to a point of their
    units, and deposits at the bank of their units' points that wait for approval; never
    those they recorded themselves."""
    wanted = Q(pk__in=[])
    own = getattr(user, "point_id", None)
    if own is not None and access.has_role(user, frozenset({Role.CLERK})):
        wanted |= Q(kind=HandoverKind.POINT, to_point_id=own)
    if access.has_role(user, HANDOVER_DECIDERS):
        wanted |= Q(kind=HandoverKind.POINT) & access.scope_q(user, "to_point__unit_path")
        wanted |= Q(kind=HandoverKind.BANK) & access.scope_q(user, "point__unit_path")
    return (
        CashHandover.objects.filter(status=HandoverStatus.PENDING)
        .filter(wanted)
        .exclude(created_by_id=getattr(user, "pk", None))
        .select_related("point", "to_point", "created_by")
        .order_by("created_at", "id")
    )


# --- COD owed to senders -----------------------------------------------------------------------


def _collected() -> Exists:
    key = Concat(Value(COD_KEY_PREFIX), Cast(OuterRef("pk"), output_field=CharField()))
    return Exists(
        Entry.objects.filter(
            province_code=OuterRef("province_code"),
            idempotency_key=key,
            kind=EntryKind.COD_COLLECTED,
        )
    )


def cod_collected_q() -> Exists:
    """Items (an outer PostalItem) whose COD was booked as collected."""
    return _collected()


def _paid() -> Exists:
    return Exists(
        CodPayoutItem.objects.filter(province_code=OuterRef("province_code"), item=OuterRef("pk"))
    )


def cod_owed_items(
    *,
    user: Any,
    point: ServicePoint | None = None,
    sender_phone: str | None = None,
    sender_name: str | None = None,
) -> QuerySet[PostalItem]:
    """Items whose COD was collected on delivery and not yet paid to their sender, accepted
    at a point the user may see (the sender is paid where they posted the item)."""
    items = (
        PostalItem.objects.filter(cod_amount__gt=0)
        .filter(point_scope_q(user, "accepted_point"))
        .filter(_collected())
        .exclude(_paid())
    )
    if point is not None:
        items = items.filter(accepted_point=point)
    if sender_phone is not None:
        items = items.filter(sender_phone=sender_phone)
    if sender_name is not None:
        items = items.filter(sender_name=sender_name)
    return items.select_related("accepted_point").order_by("delivered_at", "id")


@dataclass(frozen=True)
class SenderOwed:
    point_code: str
    sender_name: str
    sender_phone: str
    items: int
    total: int


def cod_owed_by_sender(
    *, user: Any, point: ServicePoint | None = None, q: str = ""
) -> list[SenderOwed]:
    """COD owed, one row per sender (name and phone as written at acceptance) and point,
    largest first. ``q`` matches the name (ignoring diacritics) or the phone."""
    rows = (
        cod_owed_items(user=user, point=point)
        .order_by()
        .values("accepted_point__code", "sender_name", "sender_phone")
        .annotate(n=Count("id"), total=Sum("cod_amount"))
    )
    owed = [
        SenderOwed(
            row["accepted_point__code"],
            row["sender_name"],
            row["sender_phone"],
            row["n"],
            row["total"],
        )
        for row in rows
    ]
    if q:
        wanted = fold(q)
        owed = [o for o in owed if wanted in fold(o.sender_name) or q.strip() in o.sender_phone]
    return sorted(owed, key=lambda o: (-o.total, o.point_code, o.sender_name))


def payout_list(*, user: Any, point: ServicePoint | None = None) -> QuerySet[CodPayout]:
    payouts = CodPayout.objects.filter(point_scope_q(user))
    if point is not None:
        payouts = payouts.filter(point=point)
    return payouts.select_related("point", "paid_by")


def payout_get(*, user: Any, payout_id: int) -> CodPayout:
    payout = (
        CodPayout.objects.filter(pk=payout_id)
        .filter(point_scope_q(user))
        .select_related("point", "paid_by", "entry")
        .first()
    )
    if payout is None:
        raise NotFound(_("No such COD payout."))
    return payout
