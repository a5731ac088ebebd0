from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from buudien.core.bizdays import local_today
from buudien.core.errors import NotFound
from buudien.core.text import fold
from buudien.network.models import ServicePoint, Unit
from buudien.network.selectors import unit_get, unit_list
from buudien.people import access
from buudien.people.choices import ContractType
from buudien.people.models import AverageIncome, User, employed_on


def user_list(*, user: Any, q: str = "", role: str = "", unit: str = "") -> QuerySet[User]:
    users = access.visible(user, User.objects.select_related("unit", "point"), "unit__path")
    if q:
        users = users.filter(Q(name_folded__contains=fold(q)) | Q(phone__contains=q.strip()))
    if role:
        users = users.filter(role=role)
    if unit:
        users = users.filter(unit__code=unit)
    return users.order_by("unit__path", "role", "full_name")


def user_get(*, user: Any, pk: int) -> User:
    found = User.objects.select_related("unit", "point").filter(pk=pk).first()
    if found is None or found.unit is None or not access.in_scope(user, found.unit.path):
        raise NotFound(_("No such user."))
    return found


# --- the workforce ---------------------------------------------------------------------------

UNSPECIFIED = "unspecified"  # staff whose contract is not recorded (rows made before it was)
COUNT_KEYS = [*ContractType.values, UNSPECIFIED]
STAFF_STATUSES = ("employed", "left")


def growth(actual: int | None, previous: int | None) -> float | None:
    """(actual / previous - 1) x 100, one decimal; None without data or for 0."""
    if actual is None or not previous:
        return None
    return round(100 * (actual - previous) / previous, 1)


def _counts() -> dict[str, int]:
    return dict.fromkeys([*COUNT_KEYS, "total"], 0)


def _add(counts: dict[str, int], contract: str, n: int) -> None:
    counts[contract or UNSPECIFIED] += n
    counts["total"] += n


def employed(unit: Unit, day: dt.date) -> QuerySet[User]:
    """The staff of ``unit``'s subtree employed on ``day``, with or without a login."""
    return User.objects.filter(employed_on(day), unit__path__startswith=unit.path)


def headcount(unit: Unit, day: dt.date) -> dict[str, int]:
    """The staff of ``unit``'s subtree employed on ``day``, per contract type (its code, and
    ``unspecified``) and in ``total``."""
    return headcounts(unit, [day])[0]


def headcounts(unit: Unit, days: Sequence[dt.date]) -> list[dict[str, int]]:
    """``headcount`` on each of ``days``, from one GROUP BY."""
    spans = [employed_on(day) for day in days]
    rows = (
        User.objects.filter(functools.reduce(operator.or_, spans), unit__path__startswith=unit.path)
        .order_by()
        .values_list("contract_type")
        .annotate(**{f"n_{i}": Count("pk", filter=span) for i, span in enumerate(spans)})
    )
    out = [_counts() for _day in days]
    for contract, *counted in rows:
        for counts, n in zip(out, counted, strict=True):
            _add(counts, contract, n)
    return out


def headcount_by_unit(province: Unit, day: dt.date) -> dict[str, Any]:
    """The headcount of ``province`` (any unit) on ``day`` from one GROUP BY: in ``total``,
    of the unit's own offices (``own``), per child unit (those in force that day, and any
    with staff) and per service point (those with staff), each ``{"code", "name",
    "counts"}``, the rows of a unit with ``unit`` and of a point with ``point``."""
    grouped = (
        employed(province, day)
        .order_by()
        .values_list("unit__path", "point_id", "contract_type")
        .annotate(n=Count("pk"))
    )
    children = list(Unit.objects.filter(parent=province).order_by("path"))
    total, own = _counts(), _counts()
    by_child: dict[str, dict[str, int]] = {}
    by_point: dict[int, dict[str, int]] = {}
    for path, point_id, contract, n in grouped:
        _add(total, contract, n)
        child = next((c for c in children if path.startswith(c.path)), None)
        _add(own if child is None else by_child.setdefault(child.path, _counts()), contract, n)
        if point_id is not None:
            _add(by_point.setdefault(point_id, _counts()), contract, n)
    points = ServicePoint.objects.filter(pk__in=by_point).select_related("unit").order_by("code")
    return {
        "unit": province,
        "day": day,
        "total": total,
        "own": own,
        "units": [
            {"unit": c, "code": c.code, "name": c.name, "counts": by_child.get(c.path, _counts())}
            for c in children
            if c.path in by_child or c.is_active_on(day)
        ],
        "points": [
            {"point": p, "code": p.code, "name": p.name, "counts": by_point[p.pk]} for p in points
        ],
    }


# A row of average income: its unit's path, the average number of workers, the income.
IncomeRow = tuple[str, int, int]


def _resolve(path: str, rows: list[IncomeRow]) -> tuple[int | None, int | None, bool]:
    """(headcount, average income, imported) of the unit at ``path`` from the rows of its
    subtree: its own row, else the headcount-weighted average of the highest rows below it
    (a row under another row is part of it); (None, None, False) with none."""
    own = next((row for row in rows if row[0] == path), None)
    if own is not None:
        return own[1], own[2], True
    tops: list[IncomeRow] = []
    for row in sorted(r for r in rows if r[0].startswith(path)):
        if not any(row[0].startswith(top[0]) for top in tops):
            tops.append(row)
    people = sum(row[1] for row in tops)
    if not people:
        return None, None, False
    paid = sum(row[1] * row[2] for row in tops)
    return people, (2 * paid + people) // (2 * people), False


def _income_rows(unit: Unit, years: list[int]) -> dict[int, list[IncomeRow]]:
    found: dict[int, list[IncomeRow]] = {year: [] for year in years}
    for path, year, people, income in AverageIncome.objects.filter(
        unit__path__startswith=unit.path, year__in=years
    ).values_list("unit__path", "year", "headcount", "average_income"):
        found[year].append((path, people, income))
    return found


def _income_entry(path: str, year: int, rows: dict[int, list[IncomeRow]]) -> dict[str, Any]:
    people, actual, imported = _resolve(path, rows[year])
    before_people, previous, _imported = _resolve(path, rows[year - 1])
    return {
        "headcount": people,
        "average_income": actual,
        "imported": imported,
        "previous_headcount": before_people,
        "previous_average_income": previous,
        "growth_pct": growth(actual, previous),
    }


def income(unit: Unit, year: int) -> dict[str, Any]:
    """The average income of ``unit``'s workers in ``year`` (đồng per person per month) and
    the year before beside it: ``{"year", "headcount", "average_income", "imported",
    "previous_headcount", "previous_average_income", "growth_pct"}``; None where nothing
    was imported (``imported``: the unit's own row, not its children's average)."""
    return {"year": year, **_income_entry(unit.path, year, _income_rows(unit, [year, year - 1]))}


def income_by_unit(unit: Unit, year: int) -> list[dict[str, Any]]:
    """``income`` of each child unit of ``unit`` that has figures in ``year`` or the year
    before, from one query of the rows, each with ``unit``, ``code`` and ``name``."""
    rows = _income_rows(unit, [year, year - 1])
    result = []
    for child in Unit.objects.filter(parent=unit).order_by("path"):
        entry = _income_entry(child.path, year, rows)
        if entry["average_income"] is not None or entry["previous_average_income"] is not None:
            result.append({"unit": child, "code": child.code, "name": child.name, **entry})
    return result


def workforce_unit(*, user: Any, code: str = "") -> Unit | None:
    """The unit whose workforce ``user`` reads: the one of ``code`` (NotFound outside their
    scope), else their own, else the first province they see."""
    access.require_workforce_reader(user)
    if code.strip():
        return unit_get(user=user, code=code.strip())
    own: Unit | None = getattr(user, "unit", None)
    return own or unit_list(user=user, kind="province").first() or unit_list(user=user).first()


def staff_list(
    *, user: Any, q: str = "", unit: str = "", contract: str = "", status: str = ""
) -> QuerySet[User]:
    """The staff of ``user``'s scope, with or without a login: ``q`` a name without
    diacritics, a staff code or a phone; ``unit`` a unit's code (its subtree); ``contract``
    a contract type or ``unspecified``; ``status`` ``employed`` (today) or ``left``."""
    rows = access.visible(user, User.objects.select_related("unit", "point"), "unit__path")
    if q.strip():
        rows = rows.filter(
            Q(name_folded__contains=fold(q))
            | Q(staff_code__iexact=q.strip())
            | Q(phone__contains=q.strip())
        )
    if unit:
        found = Unit.objects.filter(code=unit.strip()).first()
        rows = rows.filter(unit__path__startswith=found.path) if found else rows.none()
    if contract:
        rows = rows.filter(contract_type="" if contract == UNSPECIFIED else contract)
    if status == "employed":
        rows = rows.filter(employed_on(local_today()))
    elif status == "left":
        rows = rows.filter(employed_until__lte=local_today())
    return rows.order_by("unit__path", "full_name", "pk")
