"""Reads of disbursements and pensions: payers, lists with their progress, lines.

Who sees what:

- a list: whoever's scope holds the provincial post (the province's accountants, director,
  auditors), or holds a point with lines on it (a district's director sees the lists that
  pay at its points);
- a line: the same, by the line's pay point; and a counter clerk sees every line of the
  province of their point, because a line may be paid at any point of the province. Outside
  that, a line is "not found".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from buudien.core.errors import NotFound
from buudien.core.text import fold
from buudien.network.models import ServicePoint
from buudien.payouts.choices import LineStatus
from buudien.payouts.models import Payer, PayoutLine, PayoutList

SEARCH_LIMIT = 50
_DIGITS = re.compile(r"^\d{3,12}$")


def user_point(user: Any) -> ServicePoint | None:
    """The point a user works at, if they work at a counter."""
    if getattr(user, "point_id", None) is None:
        return None
    point: ServicePoint | None = user.point
    return point


def _scope(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    path: str | None = user.scope_path
    return path


def list_scope_q(user: Any) -> Q:
    """Lists ``user`` may see (see the module's docstring)."""
    path = _scope(user)
    if path is None:
        return Q(pk__in=[])
    if path == "":
        return Q()
    at_points = PayoutLine.objects.filter(
        payout_list=OuterRef("pk"), point__unit_path__startswith=path
    )
    return Q(unit__path__startswith=path) | Q(Exists(at_points))


def line_scope_q(user: Any) -> Q:
    """Lines ``user`` may see (see the module's docstring)."""
    path = _scope(user)
    if path is None:
        return Q(pk__in=[])
    if path == "":
        return Q()
    q = Q(point__unit_path__startswith=path) | Q(payout_list__unit__path__startswith=path)
    point = user_point(user)
    if point is not None:
        q |= Q(province_code=point.province_code)
    return q


def payer_list(*, user: Any, active_only: bool = True) -> QuerySet[Payer]:
    """Payers of the provinces ``user`` works in (or sees, for a superuser)."""
    payers = Payer.objects.all()
    if active_only:
        payers = payers.filter(active=True)
    path = _scope(user)
    if path is None:
        return payers.none()
    if path != "":
        provinces = {user.unit.province_code} if getattr(user, "unit", None) else set()
        point = user_point(user)
        if point is not None:
            provinces.add(point.province_code)
        payers = payers.filter(province_code__in=provinces)
    return payers.order_by("province_code", "name")


def payer_get(*, user: Any, code: str, province_code: str | None = None) -> Payer:
    payers = payer_list(user=user, active_only=False).filter(code=code)
    if province_code:
        payers = payers.filter(province_code=province_code)
    payer = payers.first()
    if payer is None:
        raise NotFound(_("No payer %(code)s that you may use.") % {"code": code}, field="payer")
    return payer


def _with_progress(lists: QuerySet[PayoutList]) -> QuerySet[PayoutList]:
    paid = Q(lines__status=LineStatus.PAID)
    unpaid = Q(lines__status=LineStatus.UNPAID)
    returned = Q(lines__status=LineStatus.RETURNED)
    return lists.annotate(
        paid_count=Count("lines", filter=paid),
        paid_amount=Coalesce(Sum("lines__amount", filter=paid), 0),
        unpaid_count=Count("lines", filter=unpaid),
        unpaid_amount=Coalesce(Sum("lines__amount", filter=unpaid), 0),
        returned_lines=Count("lines", filter=returned),
    )


def list_list(
    *,
    user: Any,
    period: Any = None,
    payer: Payer | None = None,
    status: str = "",
    service: str = "",
) -> QuerySet[PayoutList]:
    """Lists ``user`` may see, newest period first, each with its progress (paid and unpaid
    count and amount)."""
    lists = PayoutList.objects.filter(list_scope_q(user))
    if period is not None:
        lists = lists.filter(period=period)
    if payer is not None:
        lists = lists.filter(payer=payer)
    if status:
        lists = lists.filter(status=status)
    if service:
        lists = lists.filter(service=service)
    return _with_progress(lists.select_related("payer")).order_by("-period", "code")


def list_get(*, user: Any, list_id: int) -> PayoutList:
    found = (
        PayoutList.objects.filter(list_scope_q(user), pk=list_id)
        .select_related("payer", "unit", "created_by", "closed_by")
        .first()
    )
    if found is None:
        raise NotFound(_("No such payout list."))
    return found


def list_get_by_code(*, user: Any, code: str, province_code: str = "") -> PayoutList:
    lists = PayoutList.objects.filter(list_scope_q(user), code=code)
    if province_code:
        lists = lists.filter(province_code=province_code)
    found = lists.select_related("payer").first()
    if found is None:
        raise NotFound(_("No payout list %(code)s.") % {"code": code})
    return found


@dataclass(frozen=True)
class PointProgress:
    point_code: str
    point_name: str
    lines: int
    amount: int
    paid_count: int
    paid_amount: int
    unpaid_count: int
    unpaid_amount: int
    returned_count: int
    returned_amount: int

    @property
    def percent_paid(self) -> float:
        return self.paid_count * 100 / self.lines if self.lines else 0.0


def list_progress(*, user: Any, payout_list: PayoutList) -> list[PointProgress]:
    """Per pay point of the list (the points ``user`` may see): lines paid, unpaid and
    returned, by count and amount."""
    lines = PayoutLine.objects.filter(payout_list=payout_list)
    path = _scope(user)
    if path and not payout_list.unit.path.startswith(path):
        lines = lines.filter(point__unit_path__startswith=path)
    rows: dict[int, dict[str, Any]] = {}
    for row in lines.values("point_id", "point__code", "point__name", "status").annotate(
        n=Count("id"), total=Sum("amount")
    ):
        entry = rows.setdefault(
            row["point_id"],
            {"code": row["point__code"], "name": row["point__name"], "counts": {}},
        )
        entry["counts"][row["status"]] = (row["n"], row["total"] or 0)
    result = []
    for entry in sorted(rows.values(), key=lambda e: e["code"]):
        counts = entry["counts"]
        paid = counts.get(LineStatus.PAID, (0, 0))
        unpaid = counts.get(LineStatus.UNPAID, (0, 0))
        returned = counts.get(LineStatus.RETURNED, (0, 0))
        result.append(
            PointProgress(
                point_code=entry["code"],
                point_name=entry["name"],
                lines=paid[0] + unpaid[0] + returned[0],
                amount=paid[1] + unpaid[1] + returned[1],
                paid_count=paid[0],
                paid_amount=paid[1],
                unpaid_count=unpaid[0],
                unpaid_amount=unpaid[1],
                returned_count=returned[0],
                returned_amount=returned[1],
            )
        )
    return result


def _lines(user: Any) -> QuerySet[PayoutLine]:
    return PayoutLine.objects.filter(line_scope_q(user)).select_related(
        "payout_list", "payout_list__payer", "point", "payment", "payment__point"
    )


def line_list(
    *,
    user: Any,
    payout_list: PayoutList | None = None,
    q: str = "",
    status: str = "",
    point_code: str = "",
    open_only: bool = False,
) -> QuerySet[PayoutLine]:
    """Lines ``user`` may see. ``q``: digits search the citizen ID (all 12 of it, as typed
    from the card), anything else the beneficiary's name, diacritics and case ignored."""
    lines = _lines(user)
    if payout_list is not None:
        lines = lines.filter(payout_list=payout_list)
    if open_only:
        lines = lines.filter(status=LineStatus.UNPAID)
    if status:
        lines = lines.filter(status=status)
    if point_code:
        lines = lines.filter(point__code=point_code)
    text = (q or "").strip()
    if text:
        digits = text.replace(" ", "")
        if _DIGITS.match(digits):
            # The whole ID finds its person; part of one finds nobody (no guessing by digits).
            lines = lines.filter(citizen_id=digits) if len(digits) == 12 else lines.none()
        else:
            lines = lines.filter(name_folded__contains=fold(text)[:100])
    return lines.order_by("payout_list__period", "payout_list__code", "number")


def line_search(*, user: Any, q: str, include_done: bool = False) -> list[PayoutLine]:
    """The counter's search: lines of open lists first (the newest period first), then,
    with ``include_done``, lines paid or returned; at most ``SEARCH_LIMIT``."""
    if len((q or "").strip()) < 2:
        return []
    lines = line_list(user=user, q=q, open_only=not include_done)
    return list(
        lines.order_by("-status", "-payout_list__period", "beneficiary_name")[:SEARCH_LIMIT]
    )


def line_for_payment(*, user: Any, line_id: int) -> PayoutLine:
    """A line ``user`` may see, with its list and payer (what paying it needs)."""
    found = (
        PayoutLine.objects.filter(line_scope_q(user), pk=line_id)
        .select_related("payout_list", "payout_list__payer")
        .order_by()
        .first()
    )
    if found is None:
        raise NotFound(_("No such payout line."))
    return found


def personal_visible(user: Any, line: PayoutLine) -> bool:
    """Whether ``user`` reads the line's citizen ID, address and phone: the back office (no
    point of their own) does; a counter clerk, for the lines paid at their point (listed
    there, or paid there already) only: elsewhere the clerk types the ID from the card."""
    point = user_point(user)
    if point is None:
        return True
    if line.point_id == point.pk:
        return True
    payment = getattr(line, "payment", None) if line.status == LineStatus.PAID else None
    return payment is not None and payment.point_id == point.pk


def personal_hidden(user: Any, line: PayoutLine) -> PayoutLine:
    """``line`` as ``user`` may read it (in memory only): without its address and phone, and
    with its citizen ID masked, when ``personal_visible`` says no."""
    if not personal_visible(user, line):
        line.citizen_id = line.citizen_id_masked
        line.address = line.phone = ""
    return line


def line_get(*, user: Any, line_id: int) -> PayoutLine:
    found = _lines(user).filter(pk=line_id).order_by().first()
    if found is None:
        raise NotFound(_("No such payout line."))
    return found
