"""The figures of the press over a period: subscriptions taken, their copies, what they sold
for and the post's margin (the revenue of ``press``); for the press and the public press
separately, the copies due to recipients, delivered, on time and not delivered; in total,
per title, point, unit of a subtree, month, quarter and (the public press) commune, and at
the commune cultural points (BĐVHX).

Read from the rollup (``PressRollup``, kept by ``press.services`` and ``press.work`` as each
subscription is taken, each issue received and each delivery confirmed): one query per
period, the rollup's rows being its groups already. Its rows are months: a period that cuts
a month takes the months that start in it. A figure with nothing in the period is None ("no
data"), never 0. The months before go-live come from the imported history
(``planning.RevenueHistory``, service ``press``): its amount is the margin and its volume
the subscriptions; history has no title nor delivery.

The rollup has no commune: the copies of a point count in the point's commune. The
recipients of a programme in a commune are delivered by the commune's point, so this is
the commune of the recipients; the key stays as it is because a commune there would be
NULL for every subscriber's row, and NULLs never conflict in a unique key (the upsert would
add a row each time instead of adding to one, and ``NULLS NOT DISTINCT`` is PostgreSQL 15+
only).

``recipients`` is the one read of the deliveries themselves (recipients reached, and those
never reached: none of their copies delivered, some missed or past due): limited to the
period's issue dates at the subtree's points, through the index of the rounds
(``press_delivery_round_idx``: province, point, issue date, status), one GROUP BY per
recipient.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import Case, Count, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.utils import timezone

from buudien.core.catalogue import Service
from buudien.core.tally import Summable
from buudien.network.figures import SubtreeFigures, month_of, unit_year
from buudien.network.models import AdminArea, ServicePoint, Unit
from buudien.press.choices import DeliveryStatus
from buudien.press.models import PressDelivery, PressRollup, Title

# The counters of deliveries, kept apart for the press and the public press.
DELIVERY_COUNTERS = ("copies_due", "delivered", "on_time", "missed")
# How many recipients never reached a summary lists (the count is of all).
NEVER_REACHED_LISTED = 100


def rate(on_time: int | None, delivered: int | None, missed: int | None) -> float | None:
    """The % of the copies confirmed (delivered or not) delivered on time, one decimal;
    None when none was confirmed."""
    confirmed = (delivered or 0) + (missed or 0)
    if on_time is None or not confirmed:
        return None
    return round(100 * on_time / confirmed, 1)


@dataclass
class Tally(Summable):
    """The figures of one group; None where nothing has data."""

    subscriptions: int | None = None
    subscribed_copies: int | None = None
    sales: int | None = None
    margin: int | None = None
    press_due: int | None = None
    press_delivered: int | None = None
    press_on_time: int | None = None
    press_missed: int | None = None
    public_due: int | None = None
    public_delivered: int | None = None
    public_on_time: int | None = None
    public_missed: int | None = None

    @property
    def press_on_time_pct(self) -> float | None:
        return rate(self.press_on_time, self.press_delivered, self.press_missed)

    @property
    def public_on_time_pct(self) -> float | None:
        return rate(self.public_on_time, self.public_delivered, self.public_missed)


@dataclass(frozen=True)
class Group:
    point_id: int | None
    unit_path: str
    title_id: int | None
    public: bool
    month: dt.date
    tally: Tally


@dataclass(frozen=True)
class Recipient:
    """A recipient never reached in the period: a subscriber or a programme's recipient."""

    name: str
    public: bool
    point_id: int
    deliveries: int
    not_delivered: int


@dataclass
class Recipients:
    """The recipients with copies due in the period: reached (some copies delivered) and
    never reached, for the press and the public press."""

    press_reached: int = 0
    press_never_reached: int = 0
    public_reached: int = 0
    public_never_reached: int = 0
    never_reached: list[Recipient] | None = None


def _tally(public: bool, row: dict[str, int]) -> Tally:
    prefix = "public_" if public else "press_"
    made = Tally(
        **{
            prefix + ("due" if name == "copies_due" else name): row[name]
            for name in DELIVERY_COUNTERS
        }
    )
    if not public:
        made.subscriptions = row["subscriptions"]
        made.subscribed_copies = row["subscribed_copies"]
        made.sales = row["sales"]
        made.margin = row["margin"]
    return made


class PressFigures(SubtreeFigures[Tally, Group]):
    """The press figures of ``unit``'s subtree (the whole province when None) from
    ``date_from`` to ``date_to`` (inclusive; whole months)."""

    tally = Tally
    history_service = Service.PRESS

    date_column = "month"

    def _rollup(self) -> QuerySet[Any]:
        rows = PressRollup.objects.filter(province_code=self.province_code)
        if self.unit is not None:
            rows = rows.filter(point_id__in=sorted(self.points))
        return rows

    def _records(self, rows: QuerySet[Any]) -> Iterable[tuple[int, Group]]:
        names = (
            "part",
            "point_id",
            "title_id",
            "public",
            "month",
            "subscriptions",
            "subscribed_copies",
            "sales",
            "margin",
            *DELIVERY_COUNTERS,
        )
        for row in rows.values(*names).order_by():
            point_id, public = row["point_id"], bool(row["public"])
            yield (
                row["part"],
                Group(
                    point_id,
                    self._path(point_id),
                    row["title_id"],
                    public,
                    month_of(row["month"]),
                    _tally(public, row),
                ),
            )

    def _history_group(
        self, point_id: int | None, path: str, month: dt.date, volume: int | None, amount: int
    ) -> Group:
        tally = Tally(subscriptions=volume, margin=amount)
        return Group(point_id, path, None, False, month, tally)

    def by_title(self) -> dict[int, Tally]:
        """Per title id (records only)."""
        return self._by(lambda group: group.title_id)

    def by_quarter(self) -> dict[int, Tally]:
        """Per quarter (1-4) of the period's months."""
        return self._by(lambda group: (group.month.month - 1) // 3 + 1)

    def by_commune(self) -> dict[int, Tally]:
        """Per commune id: the figures of the points in it (records only; see the module
        docstring)."""
        # Read once for the figures of several periods (``over``: the same points).
        communes = self.shared.get("communes")
        if communes is None:
            communes = dict(
                ServicePoint.objects.filter(pk__in=sorted(self.points)).values_list(
                    "pk", "commune_id"
                )
            )
            self.shared["communes"] = communes
        return self._by(
            lambda group: communes.get(group.point_id) if group.point_id is not None else None
        )

    def communes_covered(self) -> int | None:
        """The communes where public-press copies were delivered; None without data."""
        found = self.by_commune()
        if not any(tally.public_due is not None for tally in found.values()):
            return None
        return sum(1 for tally in found.values() if tally.public_delivered)

    def recipients(
        self, *, as_of: dt.datetime | None = None, listed: int = NEVER_REACHED_LISTED
    ) -> Recipients:
        """The recipients of the period's issues at the subtree's points, reached or never
        (none delivered; some missed, or due before ``as_of`` and not confirmed): one GROUP
        BY of the period's deliveries (see the module docstring)."""
        return recipients_of([self], as_of=as_of, listed=listed)[0]


def recipients_of(
    figures: Sequence[PressFigures],
    *,
    as_of: dt.datetime | None = None,
    listed: int = NEVER_REACHED_LISTED,
) -> list[Recipients]:
    """``PressFigures.recipients`` of each of ``figures`` (of the same points, periods apart
    from each other), in one GROUP BY of their deliveries."""
    moment = as_of or timezone.now()
    first = figures[0]
    spans = [Q(issue_date__gte=f.date_from, issue_date__lte=f.date_to) for f in figures]
    rows = (
        PressDelivery.objects.filter(
            functools.reduce(operator.or_, spans),
            province_code=first.province_code,
            point_id__in=sorted(first.points),
        )
        .annotate(
            part=Case(
                *(When(span, then=Value(index)) for index, span in enumerate(spans)),
                output_field=IntegerField(),
            )
        )
        .values("part", "subscription_id", "recipient_id")
        .annotate(
            delivered=Count("pk", filter=Q(status=DeliveryStatus.DELIVERED)),
            failed=Count(
                "pk",
                filter=Q(status=DeliveryStatus.MISSED)
                | Q(status=DeliveryStatus.PENDING, due_at__lt=moment),
            ),
            deliveries=Count("pk"),
            name=Max("name"),
            point=Min("point_id"),
        )
        .order_by()
    )
    found = [Recipients(never_reached=[]) for _figures in figures]
    for row in rows:
        out = found[row["part"]]
        assert out.never_reached is not None
        public = row["recipient_id"] is not None
        prefix = "public_" if public else "press_"
        if row["delivered"]:
            setattr(out, prefix + "reached", getattr(out, prefix + "reached") + 1)
        elif row["failed"]:
            setattr(out, prefix + "never_reached", getattr(out, prefix + "never_reached") + 1)
            out.never_reached.append(
                Recipient(row["name"], public, row["point"], row["deliveries"], row["failed"])
            )
    for out in found:
        assert out.never_reached is not None
        out.never_reached.sort(key=lambda one: (one.point_id, one.public, one.name))
        del out.never_reached[listed:]
    return found


def year_figures(*, province_code: str, year: int, unit: Unit | None = None) -> PressFigures:
    return PressFigures(
        province_code=province_code,
        date_from=dt.date(year, 1, 1),
        date_to=dt.date(year, 12, 31),
        unit=unit,
    )


def tally_out(tally: Tally) -> dict[str, Any]:
    return {
        **{f.name: getattr(tally, f.name) for f in fields(tally)},
        "press_on_time_pct": tally.press_on_time_pct,
        "public_on_time_pct": tally.public_on_time_pct,
    }


def year_summary(
    *, user: Any, province_code: str, year: int, unit_code: str | None = None
) -> dict[str, Any]:
    """The press figures of ``year`` for a unit of ``user``'s scope: the total against last
    year, per title, quarter, month, child unit, point and (the public press) commune, the
    BĐVHX, and the recipients reached and never reached."""
    found = unit_year(
        PressFigures, user=user, province_code=province_code, year=year, unit_code=unit_code
    )
    now = found.now
    titles = {t.pk: t for t in Title.objects.filter(province_code=province_code)}
    per_title, quarters, communes = now.by_title(), now.by_quarter(), now.by_commune()
    areas = {a.pk: a for a in AdminArea.objects.filter(pk__in=[pk for pk in communes if pk])}
    reach = now.recipients()
    points = found.points
    return {
        **found.common(tally_out),
        "per_title": [
            {"code": titles[pk].code, "name": titles[pk].name, **tally_out(tally)}
            for pk, tally in sorted(per_title.items(), key=lambda item: titles[item[0]].code)
        ],
        "per_quarter": [
            {"quarter": quarter, **tally_out(quarters[quarter])} for quarter in sorted(quarters)
        ],
        "per_commune": [
            {
                "code": areas[pk].code,
                "name": areas[pk].name,
                "public_due": tally.public_due,
                "public_delivered": tally.public_delivered,
                "public_missed": tally.public_missed,
                "public_on_time_pct": tally.public_on_time_pct,
            }
            for pk, tally in sorted(communes.items(), key=lambda item: areas[item[0]].code)
            if tally.public_due is not None
        ],
        "communes_covered": now.communes_covered(),
        "recipients": {
            "press_reached": reach.press_reached,
            "press_never_reached": reach.press_never_reached,
            "public_reached": reach.public_reached,
            "public_never_reached": reach.public_never_reached,
            "never_reached": [
                {
                    "name": one.name,
                    "public": one.public,
                    "point": points[one.point_id].code if one.point_id in points else "",
                    "deliveries": one.deliveries,
                    "not_delivered": one.not_delivered,
                }
                for one in reach.never_reached or []
            ],
        },
    }
