"""Writes of emulation and commendation: movements launched, pledges signed and their
results; titles and awards (``services_awards``) and initiatives (``services_initiatives``),
re-exported here so that every write is ``emulation.services.<entity>_<action>``. Each is one
transaction with its audit record; every problem of a request is refused at once
(``DomainError.errors`` by field) and nothing is written.

The rules (Law on Emulation and Commendation 06/2022/QH15; Decree 98/2023/NĐ-CP):

- a title (danh hiệu) is annual and given once the year's review opens
  (``rules.REVIEW_OPENS``); a person or a unit holds a given title at most once a year;
- an award is given by a decision with its number and date, not in the future and not before
  the review of the period it rewards opens;
- "Chiến sĩ thi đua cơ sở" are at most 15% of the "Lao động tiên tiến" of the unit that
  decides them, here the province post, in the year (``services_awards.CSTD_CO_SO_SHARE``);
- an initiative has at least one author, and is recognised by a council's decision;
- a pledge's targets are on unit criteria; its results are recorded once the year has ended,
  once: typed, or computed from the system's own figures (``pledges_compute_results``).

Who: see ``emulation.rules``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record
from buudien.core.bizdays import VIETNAM
from buudien.core.errors import DomainError, NotFound
from buudien.counter import fields
from buudien.counter.desk import moment_of, user_or_none
from buudien.counter.problems import Problems
from buudien.emulation import measures
from buudien.emulation.criteria import CRITERIA
from buudien.emulation.criteria import UNIT as UNIT_CRITERION
from buudien.emulation.models import Movement, MovementCriterion, Pledge, PledgeTarget
from buudien.emulation.rules import (
    TEXT_MAX,
    can_propose,
    chosen_unit,
    day_of,
    is_head,
    is_recorder,
    period_of,
    require_recorder,
    sees_proposals,
    unit_in_scope,
    written_once,
    year_of,
)
from buudien.emulation.services_awards import (
    CSTD_CO_SO_SHARE,
    award_decide,
    award_propose,
    award_record,
)
from buudien.emulation.services_initiatives import (
    initiative_apply,
    initiative_decide,
    initiative_propose,
    initiative_record,
)
from buudien.network.choices import UnitKind
from buudien.network.models import Unit
from buudien.people import access

__all__ = [
    "CSTD_CO_SO_SHARE",
    "award_decide",
    "award_propose",
    "award_record",
    "can_propose",
    "initiative_apply",
    "initiative_decide",
    "initiative_propose",
    "initiative_record",
    "is_head",
    "is_recorder",
    "movement_launch",
    "number_of",
    "pledge_record",
    "pledge_record_results",
    "pledges_compute_results",
    "sees_proposals",
]

NUMBER_MAX = Decimal("9999999999.99")


# --- movements ---------------------------------------------------------------------------


def _criteria(problems: Problems, given: Any) -> list[tuple[str, int]]:
    pairs = list(given.items() if isinstance(given, Mapping) else given or ())
    chosen: list[tuple[str, int]] = []
    for code, weight in pairs:
        criterion = CRITERIA.get(str(code))
        if criterion is None:
            problems.add("criteria", _("No criterion has the code %(code)s.") % {"code": code})
            continue
        if any(code == seen for seen, _weight in chosen):
            problems.add("criteria", _("%(label)s is chosen twice.") % {"label": criterion.label})
            continue
        if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 10:
            problems.add(
                "criteria",
                _("The weight of %(label)s is a whole number from 1 to 10.")
                % {"label": criterion.label},
            )
            continue
        chosen.append((criterion.code, weight))
    return chosen


@transaction.atomic
def movement_launch(
    *,
    actor: Any,
    province: Unit | None,
    theme: str,
    launched_by: str,
    launched_on: dt.date | None,
    year_from: int,
    year_to: int | None = None,
    description: str = "",
    units: Iterable[Unit] = (),
    criteria: Mapping[str, int] | Iterable[tuple[str, int]] = (),
    at: dt.datetime | None = None,
) -> Movement:
    """A movement launched by the province post ``province`` for ``year_from`` (to
    ``year_to``) among ``units`` of its subtree (none: all of them), judged by ``criteria``
    (code -> weight 1-10)."""
    require_recorder(actor)
    moment, today = moment_of(at)
    problems = Problems()
    post = chosen_unit(problems, actor, province, field="province")
    if post is not None and post.kind != UnitKind.PROVINCE:
        problems.add("province", _("A movement is launched by a province post."))
    topic = problems.check(fields.text, theme, field="theme", label=_("The theme"), limit=400)
    by = problems.check(
        fields.text, launched_by, field="launched_by", label=_("Who launched it"), limit=150
    )
    about = problems.check(
        fields.text, description, field="description", label=_("The description"),
        required=False, limit=TEXT_MAX,
    )  # fmt: skip
    day = problems.check(
        day_of, launched_on, field="launched_on", label=_("The launch date"), today=today
    )
    years = period_of(problems, year_from, year_to, today=today, ahead=5)
    members = list(dict.fromkeys(units or ()))
    for unit in members:
        if post is not None and not unit.path.startswith(post.path):
            problems.add(
                "units",
                _("%(unit)s is not a unit of %(province)s.")
                % {"unit": unit.name, "province": post.name},
            )
    chosen = _criteria(problems, criteria)
    problems.raise_any()
    assert post is not None and topic is not None and by is not None and years is not None
    row = Movement.objects.create(
        province_code=post.province_code,
        province=post,
        theme=topic,
        description=about or "",
        launched_by=by,
        launched_on=day,
        year_from=years[0],
        year_to=years[1],
        created_by=user_or_none(actor),
        created_at=moment,
    )
    row.units.set(members)
    MovementCriterion.objects.bulk_create(
        MovementCriterion(province_code=row.province_code, movement=row, code=code, weight=weight)
        for code, weight in chosen
    )
    audit_record(
        actor=actor,
        action="emulation.movement_launch",
        obj=row,
        after={
            "theme": topic,
            "years": row.years,
            "units": [unit.code for unit in members],
            "criteria": dict(chosen),
        },
    )
    return row


# --- pledges -----------------------------------------------------------------------------


def number_of(
    value: Any, *, field: str, label: str, negative: bool = False, exact: bool = True
) -> Decimal:
    """A figure with at most two decimals (``exact``: more is refused; else it is rounded
    half up, as a computed result is)."""
    try:
        number = Decimal(str(value).strip().replace(",", ".")) if value not in (None, "") else None
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise DomainError(_("%(label)s: give a number.") % {"label": label}, field=field)
    if not exact:
        number = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if number != number.quantize(Decimal("0.01")):
        raise DomainError(_("%(label)s: at most two decimals.") % {"label": label}, field=field)
    if abs(number) > NUMBER_MAX or (number < 0 and not negative):
        raise DomainError(
            _("%(label)s: %(value)s is out of range.") % {"label": label, "value": number},
            field=field,
        )
    return number.quantize(Decimal("0.01"))


def _targets(problems: Problems, given: Any) -> list[tuple[str, Decimal]]:
    rows = list(given.items() if isinstance(given, Mapping) else given or ())
    if not rows:
        problems.add("targets", _("Give at least one target."))
    chosen: list[tuple[str, Decimal]] = []
    for code, value in rows:
        criterion = CRITERIA.get(str(code))
        if criterion is None:
            problems.add("targets", _("No criterion has the code %(code)s.") % {"code": code})
            continue
        if criterion.subject != UNIT_CRITERION:
            problems.add(
                "targets",
                _("%(label)s measures a person: a pledge's targets are a unit's.")
                % {"label": criterion.label},
            )
            continue
        if any(code == seen for seen, _value in chosen):
            problems.add("targets", _("%(label)s is chosen twice.") % {"label": criterion.label})
            continue
        target = problems.check(
            number_of, value, field="targets", label=str(criterion.label),
            negative=criterion.kind == "pct",
        )  # fmt: skip
        if target is not None:
            chosen.append((criterion.code, target))
    return chosen


def _participates(movement: Movement, unit: Unit) -> bool:
    members = list(movement.units.all())
    return not members or any(unit.path.startswith(member.path) for member in members)


@transaction.atomic
def pledge_record(
    *,
    actor: Any,
    unit: Unit | None,
    year: int,
    signed_on: dt.date | None,
    management_signatory: str,
    union_signatory: str,
    targets: Mapping[str, Any] | Iterable[tuple[str, Any]],
    movement: Movement | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Pledge:
    """The pledge ``unit``'s management and trade union signed for ``year`` (under
    ``movement``, when given), with its ``targets`` (unit criterion code -> figure)."""
    require_recorder(actor)
    moment, today = moment_of(at)
    problems = Problems()
    signer = chosen_unit(problems, actor, unit)
    if signer is not None and not signer.province_code:
        problems.add("unit", _("A pledge is signed by a unit of a province."))
    when = problems.check(year_of, year, field="year", today=today, ahead=1)
    day = problems.check(day_of, signed_on, field="signed_on", label=_("The signing date"),
                         today=today)  # fmt: skip
    if when is not None and day is not None and day.year not in (when - 1, when):
        problems.add(
            "signed_on",
            _("A pledge for %(year)s is signed in %(before)s or %(year)s.")
            % {"year": when, "before": when - 1},
        )
    management = problems.check(
        fields.text, management_signatory, field="management_signatory",
        label=_("Who signed for the management"),
    )  # fmt: skip
    union = problems.check(
        fields.text, union_signatory, field="union_signatory",
        label=_("Who signed for the trade union"),
    )  # fmt: skip
    remark = problems.check(fields.text, note, field="note", label=_("The note"), required=False,
                            limit=TEXT_MAX)  # fmt: skip
    if movement is not None and signer is not None:
        if movement.province_code != signer.province_code:
            problems.add("movement", _("The movement is of another province."))
        elif when is not None and not movement.year_from <= when <= movement.year_to:
            problems.add(
                "movement",
                _("The movement runs in %(years)s, not in %(year)s.")
                % {"years": movement.years, "year": when},
            )
        elif not _participates(movement, signer):
            problems.add(
                "movement",
                _("%(unit)s does not take part in the movement.") % {"unit": signer.name},
            )
    chosen = _targets(problems, targets)
    if when is not None and signer is not None:
        twin = Pledge.objects.filter(unit=signer, year=when, movement=movement).first()
        if twin is not None:
            problems.add(
                "year",
                _("%(unit)s signed its pledge for %(year)s already, on %(day)s.")
                % {"unit": signer.name, "year": when, "day": f"{twin.signed_on:%d/%m/%Y}"},
            )
    problems.raise_any()
    assert signer is not None and when is not None
    assert management is not None and union is not None
    unit = signer
    with written_once(field="year"):
        row = Pledge.objects.create(
            province_code=unit.province_code,
            movement=movement,
            unit=unit,
            unit_path=unit.path,
            year=when,
            signed_on=day,
            management_signatory=management,
            union_signatory=union,
            note=remark or "",
            created_by=user_or_none(actor),
            created_at=moment,
        )
    PledgeTarget.objects.bulk_create(
        PledgeTarget(province_code=row.province_code, pledge=row, code=code, target=target)
        for code, target in chosen
    )
    audit_record(
        actor=actor,
        action="emulation.pledge_record",
        obj=row,
        after={"unit": unit.code, "year": when, "targets": {c: str(t) for c, t in chosen}},
    )
    return row


@transaction.atomic
def pledge_record_results(
    *,
    actor: Any,
    pledge: Pledge,
    results: Mapping[str, Decimal | None],
    at: dt.datetime | None = None,
) -> Pledge:
    """The year's results against ``pledge``'s targets (criterion code -> figure; None or
    missing: no figure), once the year has ended, once. ``met`` follows the criterion's
    ``higher_is_better``; a target without a figure is neither met nor missed. ``actor`` is
    a recorder of the pledge's unit, or None for the system's own computation."""
    if actor is not None:
        require_recorder(actor)
        if not access.in_scope(actor, pledge.unit_path):
            raise NotFound(_("No such pledge."))
    moment, today = moment_of(at)
    if today.year <= pledge.year:
        raise DomainError(
            _("The results of %(year)s are recorded once the year has ended, from %(day)s.")
            % {"year": pledge.year, "day": f"01/01/{pledge.year + 1}"},
            field="results",
        )
    targets = {target.code: target for target in pledge.targets.all()}
    problems = Problems()
    figures: dict[str, Decimal | None] = {}
    for code, value in (results or {}).items():
        if code not in targets:
            problems.add("results", _("The pledge has no target on %(code)s.") % {"code": code})
        elif value is not None:
            label = str(CRITERIA[code].label) if code in CRITERIA else code
            figures[code] = problems.check(
                number_of, value, field="results", label=label, negative=True, exact=False
            )
    problems.raise_any()
    claimed = Pledge.objects.filter(pk=pledge.pk, results_at__isnull=True).update(
        results_at=moment, results_by=user_or_none(actor)
    )
    if not claimed:
        recorded = Pledge.objects.get(pk=pledge.pk).results_at
        raise DomainError(
            _("The results of this pledge were recorded already, on %(day)s.")
            % {"day": f"{recorded.astimezone(VIETNAM):%d/%m/%Y}" if recorded else ""},
            field="results",
        )
    for code, target in targets.items():
        result = figures.get(code)
        criterion = CRITERIA.get(code)
        target.result = result
        if result is None or criterion is None:
            target.met = None
        elif criterion.higher_is_better:
            target.met = result >= target.target
        else:
            target.met = result <= target.target
    PledgeTarget.objects.bulk_update(list(targets.values()), ["result", "met"])
    pledge.refresh_from_db()
    audit_record(
        actor=actor,
        action="emulation.pledge_record_results",
        obj=pledge,
        after={code: str(figures.get(code)) for code in targets},
    )
    return pledge


def _computed(
    pledges: list[Pledge], *, province: Unit, year: int
) -> list[tuple[Pledge, dict[str, Decimal | None]]]:
    """Each pledge with the figures of its targets over ``year`` (``measures.measure``): one
    measure of the targets' criteria per batch of units none of which holds another."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    found: dict[int, dict[str, measures.Value]] = {}
    for batch in measures.layers(pledge.unit for pledge in pledges):
        inside = {unit.pk for unit in batch}
        codes = sorted(
            {
                target.code
                for pledge in pledges
                if pledge.unit_id in inside
                for target in pledge.targets.all()
                if target.code in CRITERIA and CRITERIA[target.code].subject == UNIT_CRITERION
            }
        )
        figures = (
            measures.measure(codes, province=province, units=batch, date_from=start, date_to=end)
            if codes
            else {}
        )
        for unit in batch:
            found[unit.pk] = {code: figures[code].get(unit.pk) for code in codes}
    out = []
    for pledge in pledges:
        values = found[pledge.unit_id]
        out.append(
            (
                pledge,
                {
                    target.code: None
                    if values.get(target.code) is None
                    else Decimal(str(values[target.code]))
                    for target in pledge.targets.all()
                    if target.code in values
                },
            )
        )
    return out


def pledges_compute_results(
    *, actor: Any, province: Unit | None, year: int, at: dt.datetime | None = None
) -> int:
    """The results of every pledge of ``province`` (a province post of the actor's subtree)
    for ``year`` not recorded yet, computed from the system's own figures over the whole year
    (``measures.measure``: each target's criterion for the pledge's unit, its subtree's
    figure) and recorded through ``pledge_record_results``, once the year has ended; the
    count recorded. A figure without data is recorded as none (neither met nor missed).

    The figures are read first; the results are then written in one transaction, all or
    nothing (another recorder's meanwhile: refused whole, nothing written)."""
    require_recorder(actor)
    moment, today = moment_of(at)
    post = unit_in_scope(actor, province, field="province")
    if post.kind != UnitKind.PROVINCE:
        raise DomainError(_("Results are computed for a province post."), field="province")
    when = year_of(year, field="year", today=today)
    if today.year <= when:
        raise DomainError(
            _("The results of %(year)s are recorded once the year has ended, from %(day)s.")
            % {"year": when, "day": f"01/01/{when + 1}"},
            field="year",
        )
    pledges = list(
        Pledge.objects.filter(
            access.scope_q(actor, "unit_path"),
            province_code=post.province_code,
            unit_path__startswith=post.path,
            year=when,
            results_at__isnull=True,
        )
        .select_related("unit")
        .prefetch_related("targets")
        .order_by("unit_path", "id")
    )
    if not pledges:
        raise DomainError(
            _("Every pledge of %(year)s has its results recorded already: none is waiting.")
            % {"year": when},
            field="year",
        )
    computed = _computed(pledges, province=post, year=when)
    with transaction.atomic():
        for pledge, results in computed:
            pledge_record_results(actor=actor, pledge=pledge, results=results, at=moment)
    return len(computed)
