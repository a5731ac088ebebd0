"""Import kinds of planning: ``plans`` (annual targets) and the monthly history of the years
before go-live, ``revenue`` and ``finance``. Registered when the app is ready.

All-or-nothing (``buudien.core.imports``). A row whose key is already stored replaces the
stored amount: importing the same file twice changes nothing the second time. History is
kept as imported, in this app's tables: it never becomes ledger postings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buudien.core import imports as im
from buudien.core.catalogue import Line, Service
from buudien.core.errors import AccessDenied
from buudien.core.imports import Column, ImportKind, ImportResult, Row, RowError, register
from buudien.network.models import ServicePoint, Unit
from buudien.people import access
from buudien.planning import selectors
from buudien.planning.choices import MAX_RATE, RATE_METRICS, TOTAL, FinanceKind, PlanMetric
from buudien.planning.models import FinanceHistory, Plan, RevenueHistory

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_MONTH_VN = re.compile(r"^(\d{1,2})/(\d{4})$")


def month() -> im.Parser[dt.date]:
    """A month: ``2022-07``, ``07/2022`` or a date cell (its month)."""

    def parse(value: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            return value.date().replace(day=1)
        if isinstance(value, dt.date):
            return value.replace(day=1)
        raw = " ".join(str(value).split())
        if match := _MONTH.match(raw):
            year, number = int(match[1]), int(match[2])
        elif match := _MONTH_VN.match(raw):
            number, year = int(match[1]), int(match[2])
        else:
            raise im.CellError(_("expected a month as YYYY-MM, not %(value)s") % {"value": raw})
        if not (1 <= number <= 12 and 2000 <= year <= 2100):
            raise im.CellError(_("%(value)s is not a real month") % {"value": raw})
        return dt.date(year, number, 1)

    return im.Parser(parse, describe=gettext_lazy("a month, YYYY-MM"))


def subject() -> im.Parser[str]:
    """A service code, a business line code or ``total``."""
    known = [TOTAL, *Line.values, *Service.values]

    def parse(value: Any) -> str:
        raw = str(value).strip().casefold()
        if raw not in known:
            raise im.CellError(
                _("expected a service code, a business line code or total, not %(value)s")
                % {"value": str(value).strip()}
            )
        return raw

    return im.Parser(
        parse,
        describe=gettext_lazy("total, a line (postal, finance ...) or a service (registered ...)"),
    )


_WHOLE = im.integer(min_value=0, max_value=10**15)
_DECIMAL = re.compile(r"^\d{1,3}(?:[.,]\d{1,2})?$")


def plan_amount() -> im.Parser[int | Decimal]:
    """A whole amount (đồng, a count), or for a rate a percentage with up to two decimals
    (``95``, ``95.5``, ``95,5``): the metric decides in ``PlanImport.validate``."""

    def parse(value: Any) -> int | Decimal:
        try:
            return _WHOLE(value)
        except im.CellError as error:
            if isinstance(value, float) and 0 <= value <= 100:
                return Decimal(str(value))
            raw = str(value).strip()
            if not isinstance(value, bool) and _DECIMAL.match(raw):
                return Decimal(raw.replace(",", "."))
            raise error from None

    return im.Parser(
        parse,
        describe=gettext_lazy(
            "a whole number; for on_time_rate a percentage from 0 to 100, e.g. 95 or 95.5"
        ),
    )


class _PlanningKind(ImportKind):
    """Planners (a director, an accountant, an administrator) within their subtree; the
    console (``actor=None``) has full rights."""

    def check_access(self) -> None:
        if self.actor is not None and not access.has_role(self.actor, selectors.PLANNER_ROLES):
            raise AccessDenied(
                _("Only a director, an accountant or an administrator may import plans.")
            )

    def _units(self, rows: Sequence[Row], errors: list[RowError]) -> dict[str, Unit]:
        codes = {row["unit_code"] for row in rows if row["unit_code"]}
        units: dict[str, Unit] = Unit.objects.in_bulk(codes, field_name="code")
        for row in rows:
            code = row["unit_code"]
            if not code:
                continue
            unit = units.get(code)
            if unit is None or (
                self.actor is not None and not access.in_scope(self.actor, unit.path)
            ):
                errors.append(row.error("unit_code", _("unknown unit %(code)s") % {"code": code}))
            elif not unit.province_code:
                errors.append(
                    row.error("unit_code", _("%(code)s is above the provinces") % {"code": code})
                )
        return units

    @staticmethod
    def _duplicates(rows: Sequence[Row], key: Any) -> list[RowError]:
        errors: list[RowError] = []
        first: dict[Any, int] = {}
        for row in rows:
            value = key(row)
            if value is None:
                continue
            if value in first:
                errors.append(
                    row.error(
                        "",
                        _("the same row as row %(row)d (the same key)") % {"row": first[value]},
                    )
                )
            else:
                first[value] = row.number
        return errors


@register
class PlanImport(_PlanningKind):
    name = "plans"
    help = gettext_lazy(
        "Annual plans per unit: a target for a metric and a service, a business line or the "
        "unit's total. A province's plan is the sum of its units' unless it has its own row. "
        "Metric on_time_rate (the share of items delivered within their service's full-course "
        "time) is for service total only, its amount a percentage from 0 to 100 with up to two "
        "decimals, e.g. 95 or 95.5 (stored as basis points, 9550)."
    )
    columns = (
        Column("year", im.integer(min_value=2000, max_value=2100), help=gettext_lazy("the year")),
        Column("unit_code", im.code(32), help=gettext_lazy("the unit the target is for")),
        Column("metric", im.choice(PlanMetric), help=gettext_lazy("what is planned")),
        Column("service", subject(), help=gettext_lazy("what the target covers")),
        Column(
            "amount",
            plan_amount(),
            help=gettext_lazy(
                "đồng (a count for volume, a percentage for on_time_rate and uplift)"
            ),
        ),
    )

    @staticmethod
    def _amount(row: Row) -> str | None:
        """Turn a rate's percentage into basis points (in the row); the reason it is wrong."""
        amount, metric = row["amount"], row["metric"]
        if amount is None or metric is None:
            return None
        if metric not in RATE_METRICS:
            if isinstance(amount, Decimal):
                return _("expected a whole number, not %(value)s") % {"value": amount}
            return None
        if row["service"] not in (None, TOTAL):
            return _("a rate is planned for service total only")
        points = Decimal(amount) * 100
        if not 0 <= points <= MAX_RATE or points != points.to_integral_value():
            return _(
                "expected a percentage from 0 to 100 with up to two decimals, not %(value)s"
            ) % {"value": amount}
        row.values["amount"] = int(points)
        return None

    def validate(self, rows: list[Row]) -> list[RowError]:
        errors: list[RowError] = []
        self.units = self._units(rows, errors)
        for row in rows:
            error = self._amount(row)
            if error is not None:
                errors.append(row.error("amount", error))
        errors += self._duplicates(
            rows,
            lambda r: (
                (r["year"], r["unit_code"], r["metric"], r["service"])
                if None not in (r["year"], r["unit_code"], r["metric"], r["service"])
                else None
            ),
        )
        return errors

    def write(self, rows: list[Row]) -> ImportResult:
        created = updated = unchanged = 0
        for row in rows:
            unit = self.units[row["unit_code"]]
            key = {
                "province_code": unit.province_code,
                "year": row["year"],
                "unit": unit,
                "metric": row["metric"],
                "subject": row["service"],
            }
            plan = Plan.objects.filter(**key).first()
            if plan is None:
                Plan.objects.create(**key, amount=row["amount"], updated_by=self.actor)
                created += 1
            elif plan.amount != row["amount"]:
                plan.amount = row["amount"]
                plan.updated_by = self.actor
                plan.save(update_fields=["amount", "updated_by", "updated_at"])
                updated += 1
            else:
                unchanged += 1
        return ImportResult(created, updated, unchanged)


@register
class RevenueImport(_PlanningKind):
    name = "revenue"
    help = gettext_lazy(
        "Monthly revenue and volume of the months before go-live, per unit or point and "
        "service (kept as history, never posted on the ledger)."
    )
    columns = (
        Column("month", month(), help=gettext_lazy("the month")),
        Column(
            "unit_code",
            im.code(32),
            required=False,
            help=gettext_lazy("the unit (give unit_code or point_code)"),
        ),
        Column(
            "point_code",
            im.code(16),
            required=False,
            help=gettext_lazy("the service point (its unit is taken from it)"),
        ),
        Column("service", im.choice(Service), help=gettext_lazy("the catalogue service")),
        Column("amount", im.money(), help=gettext_lazy("revenue in đồng")),
        Column(
            "volume",
            im.integer(min_value=0),
            required=False,
            help=gettext_lazy("operations (items, payments ...); blank if unknown"),
        ),
    )

    def validate(self, rows: list[Row]) -> list[RowError]:
        errors: list[RowError] = []
        self.units = self._units(rows, errors)
        codes = {row["point_code"] for row in rows if row["point_code"]}
        self.points: dict[str, ServicePoint] = ServicePoint.objects.select_related("unit").in_bulk(
            codes, field_name="code"
        )
        for row in rows:
            code = row["point_code"]
            if code:
                point = self.points.get(code)
                if point is None or (
                    self.actor is not None and not access.in_scope(self.actor, point.unit_path)
                ):
                    errors.append(
                        row.error("point_code", _("unknown point %(code)s") % {"code": code})
                    )
                elif row["unit_code"] and row["unit_code"] != point.unit.code:
                    errors.append(
                        row.error(
                            "unit_code",
                            _("point %(point)s belongs to unit %(unit)s")
                            % {"point": code, "unit": point.unit.code},
                        )
                    )
            elif not row["unit_code"] and not row.invalid & {"unit_code", "point_code"}:
                errors.append(row.error("unit_code", _("give unit_code or point_code")))
        errors += self._duplicates(
            rows,
            lambda r: (
                (r["month"], r["unit_code"], r["point_code"], r["service"])
                if r["month"] and r["service"] and (r["unit_code"] or r["point_code"])
                else None
            ),
        )
        return errors

    def write(self, rows: list[Row]) -> ImportResult:
        """The rows there already are read in one query, the new ones written in batches: a
        year of history per unit and service is thousands of rows."""
        wanted: list[RevenueHistory] = []
        for row in rows:
            point = self.points.get(row["point_code"]) if row["point_code"] else None
            unit = point.unit if point is not None else self.units[row["unit_code"]]
            wanted.append(
                RevenueHistory(
                    province_code=unit.province_code,
                    month=row["month"],
                    unit=unit,
                    point=point,
                    service=row["service"],
                    amount=row["amount"],
                    volume=row["volume"],
                )
            )

        def key(history: RevenueHistory) -> tuple[Any, ...]:
            return (
                history.province_code,
                history.month,
                history.unit_id,
                history.point_id,
                history.service,
            )

        existing = {
            key(found): found
            for found in RevenueHistory.objects.filter(
                province_code__in={h.province_code for h in wanted},
                month__in={h.month for h in wanted},
                unit_id__in={h.unit_id for h in wanted},
            )
        }
        new, changed = [], []
        for history in wanted:
            found = existing.get(key(history))
            if found is None:
                new.append(history)
            elif (found.amount, found.volume) != (history.amount, history.volume):
                found.amount, found.volume = history.amount, history.volume
                changed.append(found)
        RevenueHistory.objects.bulk_create(new, batch_size=1_000)
        RevenueHistory.objects.bulk_update(changed, ["amount", "volume"], batch_size=1_000)
        return ImportResult(len(new), len(changed), len(wanted) - len(new) - len(changed))


@register
class FinanceImport(_PlanningKind):
    name = "finance"
    help = gettext_lazy(
        "Monthly expenses and payments to the state budget of the months before go-live, per "
        "unit (kept as history, never posted on the ledger)."
    )
    columns = (
        Column("month", month(), help=gettext_lazy("the month")),
        Column("unit_code", im.code(32), help=gettext_lazy("the unit")),
        Column("kind", im.choice(FinanceKind), help=gettext_lazy("what the amount is")),
        Column("amount", im.money(), help=gettext_lazy("đồng")),
    )

    def validate(self, rows: list[Row]) -> list[RowError]:
        errors: list[RowError] = []
        self.units = self._units(rows, errors)
        errors += self._duplicates(
            rows,
            lambda r: (
                (r["month"], r["unit_code"], r["kind"])
                if None not in (r["month"], r["unit_code"], r["kind"])
                else None
            ),
        )
        return errors

    def write(self, rows: list[Row]) -> ImportResult:
        created = updated = unchanged = 0
        for row in rows:
            unit = self.units[row["unit_code"]]
            key = {
                "province_code": unit.province_code,
                "month": row["month"],
                "unit": unit,
                "kind": row["kind"],
            }
            found = FinanceHistory.objects.filter(**key).first()
            if found is None:
                FinanceHistory.objects.create(**key, amount=row["amount"])
                created += 1
            elif found.amount != row["amount"]:
                found.amount = row["amount"]
                found.save(update_fields=["amount"])
                updated += 1
            else:
                unchanged += 1
        return ImportResult(created, updated, unchanged)
