"""Writes of planning: plan rows set by hand, and next year's plan drafted by uplift."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.network.models import Unit
from buudien.people import access
from buudien.planning import selectors
from buudien.planning.choices import MAX_RATE, RATE_METRICS, TOTAL, PlanMetric, UpliftBasis
from buudien.planning.models import Plan

MAX_AMOUNT = 10**15
MAX_UPLIFT = Decimal(1000)


def _require_planner(actor: Any, unit: Unit) -> None:
    if not access.in_scope(actor, unit.path):
        raise NotFound(_("No such unit."))
    if not access.has_role(actor, selectors.PLANNER_ROLES):
        raise AccessDenied(_("Only a director, an accountant or an administrator may set plans."))


def _unit(code: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None or not unit.province_code:
        raise NotFound(_("No such unit."))
    return unit


def plan_check(*, metric: str, subject: str, amount: Any, year: Any) -> None:
    """The rules of one plan row, whoever sets it."""
    if metric not in PlanMetric.values:
        raise DomainError(
            _("Unknown metric %(metric)s; expected one of %(values)s.")
            % {"metric": metric, "values": ", ".join(PlanMetric.values)},
            field="metric",
        )
    if not selectors.subject_valid(subject):
        raise DomainError(
            _("%(subject)s is not a service code, a business line code or total.")
            % {"subject": subject},
            field="service",
        )
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise DomainError(_("The year must be between 2000 and 2100."), field="year")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise DomainError(_("An amount is a whole number."), field="amount")
    if not 0 <= amount <= MAX_AMOUNT:
        raise DomainError(_("An amount is 0 or more and at most 10^15."), field="amount")
    if metric in RATE_METRICS:
        if subject != TOTAL:
            raise DomainError(_("A rate is planned for the unit's total only."), field="service")
        if amount > MAX_RATE:
            raise DomainError(
                _("A rate is in basis points, from 0 to 10000 (100%)."), field="amount"
            )


@transaction.atomic
def plan_set(
    *, actor: Any, unit_code: str, year: int, metric: str, subject: str, amount: int | None
) -> Plan | None:
    """Set (or, with ``amount`` None, clear) one plan row of a unit. Planners only (a
    director, an accountant, an administrator), within their scope."""
    unit = _unit(unit_code)
    _require_planner(actor, unit)
    subject = subject or TOTAL
    plan_check(metric=metric, subject=subject, amount=0 if amount is None else amount, year=year)
    existing = Plan.objects.filter(
        province_code=unit.province_code, year=year, unit=unit, metric=metric, subject=subject
    ).first()
    before = {"amount": existing.amount} if existing else None
    if amount is None:
        if existing is not None:
            existing.delete()
            audit_record(actor=actor, action="planning.plan_clear", obj=existing, before=before)
        return None
    plan, _created = Plan.objects.update_or_create(
        province_code=unit.province_code,
        year=year,
        unit=unit,
        metric=metric,
        subject=subject,
        defaults={"amount": amount, "updated_by": actor},
    )
    audit_record(
        actor=actor, action="planning.plan_set", obj=plan, before=before, after={"amount": amount}
    )
    return plan


def _uplifted(amount: int, pct: Decimal) -> int:
    return int((Decimal(amount) * (100 + pct) / 100).quantize(Decimal(1), ROUND_HALF_UP))


def _percent(value: Any) -> Decimal:
    try:
        pct = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(_("The uplift is a percentage, e.g. 2 or 2.5."), field="pct") from None
    if not pct.is_finite() or not -100 < pct <= MAX_UPLIFT:
        raise DomainError(_("The uplift must be more than -100%% and at most 1000%%."), field="pct")
    return pct


@transaction.atomic
def plan_uplift(
    *,
    actor: Any,
    province_code: str,
    year: int,
    pct: Decimal | float | int | str,
    basis: str = UpliftBasis.PLAN,
    unit_code: str | None = None,
) -> int:
    """Draft the plan of ``year + 1`` as this year's figures raised by ``pct`` percent
    ("vượt mức 2%"), for the unit (the province by default) and its children:

    - basis ``plan``: every row set directly for ``year`` (all metrics and subjects),
    - basis ``actual``: the actual revenue per service and in total, the budget contribution,
      the surplus and the volumes per service (figures without data are skipped).

    Rows of next year already set are overwritten. Returns the number of rows written."""
    uplift = _percent(pct)
    province, unit = selectors.report_scope(
        user=actor, province_code=province_code, unit_code=unit_code
    )
    _require_planner(actor, unit)
    if year + 1 > 2100:
        raise DomainError(_("The year must be between 2000 and 2100."), field="year")
    units = [unit, *Unit.objects.filter(parent=unit).order_by("code")]
    targets: dict[tuple[int, str, str], int] = {}
    if basis == UpliftBasis.PLAN:
        for plan in Plan.objects.filter(
            province_code=province.province_code, year=year, unit__in=units
        ):
            # A rate (a quality target) is carried over as it is, not raised.
            targets[(plan.unit_id, plan.metric, plan.subject)] = (
                plan.amount if plan.metric in RATE_METRICS else _uplifted(plan.amount, uplift)
            )
    elif basis == UpliftBasis.ACTUAL:
        for target in units:
            report = selectors.year_report(
                user=None, province_code=province_code, year=year, unit=target.code
            )

            def put(metric: str, subject: str, value: int | None, unit_id: int = target.pk) -> None:
                if value is not None and value >= 0:
                    targets[(unit_id, metric, subject)] = _uplifted(value, uplift)

            put(PlanMetric.REVENUE, TOTAL, report["revenue"]["actual"])
            put(PlanMetric.BUDGET_CONTRIBUTION, TOTAL, report["budget_contribution"]["actual"])
            put(PlanMetric.SURPLUS, TOTAL, report["surplus"]["actual"])
            for row in report["services"]:
                put(PlanMetric.REVENUE, row["code"], row["actual"])
                put(PlanMetric.VOLUME, row["code"], row["volume"])
    else:
        raise DomainError(
            _("The basis is plan or actual, not %(basis)s.") % {"basis": basis}, field="basis"
        )
    by_id = {u.pk: u for u in units}
    for (unit_id, metric, subject), amount in targets.items():
        Plan.objects.update_or_create(
            province_code=province.province_code,
            year=year + 1,
            unit=by_id[unit_id],
            metric=metric,
            subject=subject,
            defaults={"amount": min(amount, MAX_AMOUNT), "updated_by": actor},
        )
    audit_record(
        actor=actor,
        action="planning.plan_uplift",
        object_type="plan",
        object_id=f"{province.province_code}:{year + 1}",
        object_repr=f"{unit.code} {year + 1}",
        after={"basis": basis, "pct": str(uplift), "from_year": year, "rows": len(targets)},
    )
    return len(targets)
