"""The figures of customer care over a period: requests received (and, of them, complaints),
closed, closed within the legal time, complaints upheld, compensations paid and their amount;
in total, per channel, kind, service, ground, unit of a subtree and month; complaints per
10,000 items accepted, in total and per service.

Read from the rollup (``CareRollup``, kept by ``care.services`` as each request is lodged
and closed and each compensation paid), never from the requests: its rows are months and
are the groups already (one per unit, month, channel, kind, service and ground). A request
counts at the unit first put in charge of it (``origin_unit``), in the month it was
received; it is closed, closed in time and upheld in that same month of receipt, so the
share closed in time is that of the requests of the period. A compensation counts in the
month it was paid. A figure with nothing in the period is None ("no data"), never 0.

The items accepted are mail's volumes as the year-end report reads them: the ledger's monthly
rollup (``finance.MonthlyFigure``: one entry per item's fee) of the postal services at the
subtree's points, and the imported history (``planning.RevenueHistory``) for the months
before go-live.

``open_overdue`` is the one read of the requests themselves: the complaints still open past
their deadline, counted through the index of open requests (``care_open_idx``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from buudien.care.choices import Channel, Ground, RequestKind, Status
from buudien.care.models import CareRequest, CareRollup
from buudien.core.catalogue import Line, Service, services_of
from buudien.core.errors import AccessDenied
from buudien.core.tally import Summable
from buudien.finance.models import MonthlyFigure
from buudien.network.figures import SubtreeFigures, month_of, unit_year
from buudien.network.models import Unit
from buudien.people import access
from buudien.people.choices import Role
from buudien.planning.models import RevenueHistory

# Who reads the figures: management, accounting, audit and the care officers (of their scope).
READERS = frozenset({Role.DIRECTOR, Role.ACCOUNTANT, Role.AUDITOR, Role.ADMIN, Role.CARE_OFFICER})
POSTAL_SERVICES = services_of(Line.POSTAL)
PER_ITEMS = 10_000


def require_reader(user: Any) -> None:
    if not access.has_role(user, READERS):
        raise AccessDenied(
            _("Only management, accounting, audit and customer care staff read these figures.")
        )


def rate(part: int | None, whole: int | None) -> float | None:
    """part / whole in %, one decimal; None without a whole."""
    if part is None or not whole:
        return None
    return round(100 * part / whole, 1)


def per_items(complaints: int | None, items: int | None) -> float | None:
    """Complaints per 10,000 items accepted, two decimals (a province's are well below one
    per thousand); None when no item was accepted or nothing is known of the complaints."""
    if complaints is None or not items:
        return None
    return round(PER_ITEMS * complaints / items, 2)


@dataclass
class Tally(Summable):
    """The figures of one group; None where nothing has data."""

    received: int | None = None
    complaints: int | None = None
    closed: int | None = None
    closed_on_time: int | None = None
    complaints_closed: int | None = None
    complaints_on_time: int | None = None
    upheld: int | None = None
    compensations: int | None = None
    compensation_paid: int | None = None

    @property
    def on_time_pct(self) -> float | None:
        """The % of the requests closed that were closed within the legal time."""
        return rate(self.closed_on_time, self.closed)

    @property
    def complaints_on_time_pct(self) -> float | None:
        """The % of the complaints closed that were resolved within the legal time."""
        return rate(self.complaints_on_time, self.complaints_closed)


@dataclass(frozen=True)
class Group:
    point_id: int | None
    unit_path: str
    month: dt.date
    channel: str
    kind: str
    service: str
    ground: str
    tally: Tally


COUNTERS = (
    "received",
    "closed",
    "closed_on_time",
    "upheld",
    "compensations",
    "compensation_paid",
)


def _tally(kind: str, row: dict[str, Any]) -> Tally:
    complaint = kind == RequestKind.COMPLAINT
    return Tally(
        received=row["received"],
        complaints=row["received"] if complaint else 0,
        closed=row["closed"],
        closed_on_time=row["closed_on_time"],
        complaints_closed=row["closed"] if complaint else 0,
        complaints_on_time=row["closed_on_time"] if complaint else 0,
        upheld=row["upheld"],
        compensations=row["compensations"],
        compensation_paid=row["compensation_paid"],
    )


class CareFigures(SubtreeFigures[Tally, Group]):
    """The care figures of ``unit``'s subtree (the whole province when None) from
    ``date_from`` to ``date_to`` (inclusive; the months that start in it)."""

    tally = Tally

    date_column = "month"

    def _rollup(self) -> QuerySet[Any]:
        rows = CareRollup.objects.filter(province_code=self.province_code)
        if self.unit is not None:
            rows = rows.filter(unit__path__startswith=self.unit.path)
        return rows

    def _records(self, rows: QuerySet[Any]) -> Iterable[tuple[int, Group]]:
        names = ("part", "unit__path", "month", "channel", "kind", "service", "ground", *COUNTERS)
        for row in rows.values(*names).order_by():
            yield (
                row["part"],
                Group(
                    None,
                    row["unit__path"],
                    month_of(row["month"]),
                    row["channel"],
                    row["kind"],
                    row["service"],
                    row["ground"],
                    _tally(row["kind"], row),
                ),
            )

    def by_channel(self) -> dict[str, Tally]:
        return self._by(lambda group: group.channel)

    def by_kind(self) -> dict[str, Tally]:
        return self._by(lambda group: group.kind)

    def by_service(self) -> dict[str, Tally]:
        """Per service code (requests about no service left out)."""
        return self._by(lambda group: group.service or None)

    def by_ground(self) -> dict[str, Tally]:
        """Per ground of the complaints."""
        return self._by(lambda group: group.ground or None)

    def items_accepted(self) -> dict[str, int]:
        """The items accepted in the period per postal service (see the module docstring):
        a service without any is left out."""
        months = Q(
            province_code=self.province_code,
            month__gte=self.date_from.replace(day=1),
            month__lte=self.date_to,
            service__in=POSTAL_SERVICES,
        )
        ledger = MonthlyFigure.objects.filter(months)
        history = RevenueHistory.objects.filter(months, volume__isnull=False)
        if self.unit is not None:
            ledger = ledger.filter(point_id__in=sorted(self.points))
            history = history.filter(unit__path__startswith=self.unit.path)
        out: dict[str, int] = {}
        for rows in (ledger, history):
            for service, volume in rows.values_list("service").annotate(n=Sum("volume")).order_by():
                if volume:
                    out[service] = out.get(service, 0) + int(volume)
        return out


def open_overdue(*, province_code: str, unit: Unit | None, today: dt.date) -> int:
    """The complaints of ``unit``'s subtree (where they are now) still open after their
    deadline (``resolve_by`` before ``today``); KT1 ones included, as a count only."""
    rows = CareRequest.objects.filter(
        province_code=province_code,
        status__in=[Status.RECEIVED, Status.IN_PROGRESS, Status.ANSWERED],
        resolve_by__lt=today,
        kind=RequestKind.COMPLAINT,
    )
    if unit is not None:
        rows = rows.filter(unit_path__startswith=unit.path)
    return rows.count()


def tally_out(tally: Tally) -> dict[str, Any]:
    return {
        **{f.name: getattr(tally, f.name) for f in fields(tally)},
        "on_time_pct": tally.on_time_pct,
        "complaints_on_time_pct": tally.complaints_on_time_pct,
    }


def _named(found: dict[str, Tally], labels: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """The tallies of ``found`` in the order of ``labels`` (code, label), those without data
    left out."""
    return [
        {"code": code, "name": str(label), **tally_out(found[code])}
        for code, label in labels
        if code in found
    ]


def _complaints(found: dict[str, Tally], code: str, figures: CareFigures) -> int | None:
    """The complaints about ``code``: 0 when there are requests but none about it, None
    when there is no request at all (no data)."""
    if code in found:
        return found[code].complaints
    return None if figures.total().received is None else 0


def _per_service(now: CareFigures, before: CareFigures) -> list[dict[str, Any]]:
    """Per postal service with items or complaints: the complaints per 10,000 items, this
    year and last."""
    services, services_last = now.by_service(), before.by_service()
    items, items_last = now.items_accepted(), before.items_accepted()
    out = []
    for code in POSTAL_SERVICES:
        if not {code} & (set(services) | set(items) | set(services_last) | set(items_last)):
            continue
        complaints = _complaints(services, code, now)
        complaints_last = _complaints(services_last, code, before)
        out.append(
            {
                "code": code,
                "name": str(Service(code).label),
                "items": items.get(code),
                "complaints": complaints,
                "per_10000": per_items(complaints, items.get(code)),
                "items_previous": items_last.get(code),
                "complaints_previous": complaints_last,
                "per_10000_previous": per_items(complaints_last, items_last.get(code)),
            }
        )
    return out


def year_summary(
    *, user: Any, province_code: str, year: int, unit_code: str | None = None
) -> dict[str, Any]:
    """The care figures of ``year`` for a unit of ``user``'s scope: the total against last
    year, the complaints per 10,000 items (in total and per service), per channel, kind,
    service, ground, month and child unit."""
    require_reader(user)
    found = unit_year(
        CareFigures, user=user, province_code=province_code, year=year, unit_code=unit_code
    )
    now, before = found.now, found.before
    this, last = now.total(), before.total()
    items, items_last = now.items_accepted(), before.items_accepted()
    children = list(Unit.objects.filter(parent=found.unit).order_by("code"))
    per_unit, months = now.by_unit(children), now.by_month()
    unit = found.unit
    return {
        "year": year,
        "province": unit.province_code,
        "unit": {"code": unit.code, "name": unit.name, "kind": unit.kind},
        "total": tally_out(this),
        "previous": tally_out(last),
        "items": sum(items.values()) if items else None,
        "items_previous": sum(items_last.values()) if items_last else None,
        "per_10000": per_items(this.complaints, sum(items.values())),
        "per_10000_previous": per_items(last.complaints, sum(items_last.values())),
        "per_service": _per_service(now, before),
        "per_channel": _named(now.by_channel(), list(Channel.choices)),
        "per_kind": _named(now.by_kind(), list(RequestKind.choices)),
        "per_ground": _named(now.by_ground(), list(Ground.choices)),
        "per_month": [{"month": month, **tally_out(months[month])} for month in sorted(months)],
        "per_unit": [
            {"code": child.code, "name": child.name, **tally_out(per_unit[child.pk])}
            for child in children
        ],
    }
