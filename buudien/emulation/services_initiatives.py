"""Initiatives (sáng kiến): proposed by the head of a unit with their authors (people of
the unit's subtree, at least one), recognised by a council's decision (its number and date)
or not approved, recorded at once when recognised already, and applied in units.
Re-exported by ``emulation.services``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record
from buudien.core.errors import DomainError, NotFound
from buudien.core.text import fold
from buudien.counter import fields
from buudien.counter.desk import moment_of, user_or_none
from buudien.counter.problems import Problems
from buudien.emulation.choices import InitiativeLevel, InitiativeStatus
from buudien.emulation.models import Initiative, InitiativeApplication
from buudien.emulation.rules import (
    TEXT_MAX,
    choice_of,
    chosen_unit,
    claim_decision,
    day_of,
    outcome_of,
    require_proposer,
    require_recorder,
    who,
    written_once,
    year_of,
)
from buudien.network.models import Unit
from buudien.people import access

# --- initiatives -------------------------------------------------------------------------


def _amount(value: Any, *, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise DomainError(_("The benefit is a whole number of đồng, zero or more."), field=field)
    if value > fields.MAX_AMOUNT:
        raise DomainError(_("The benefit is too large."), field=field)
    return value


def _initiative_facts(
    problems: Problems,
    *,
    actor: Any,
    title: Any,
    unit: Unit | None,
    authors: Iterable[Any],
    level: Any,
    year: Any,
    summary: Any,
    benefit: Any,
    benefit_amount: Any,
    today: dt.date,
) -> dict[str, Any]:
    origin = chosen_unit(problems, actor, unit)
    name = problems.check(fields.text, title, field="title", label=_("The title"), limit=300)
    people = list(dict.fromkeys(author for author in authors or () if author is not None))
    if not people:
        problems.add("authors", _("An initiative has at least one author."))
    for person in people:
        home = getattr(person, "unit", None)
        if origin is not None and (home is None or not home.path.startswith(origin.path)):
            problems.add(
                "authors",
                _("%(name)s is not one of the people of %(unit)s.")
                % {"name": who(person), "unit": origin.name},
            )
    grade = problems.check(
        choice_of, level, InitiativeLevel, field="level",
        message=_("Choose the level of the council that recognises it."),
    )  # fmt: skip
    return {
        "title": name,
        "title_folded": fold(name or ""),
        "unit": origin,
        "unit_path": origin.path if origin else "",
        "province_code": origin.province_code if origin else "",
        "level": grade,
        "year": problems.check(year_of, year, field="year", today=today),
        "summary": problems.check(
            fields.text, summary, field="summary", label=_("The summary"), required=False,
            limit=TEXT_MAX,
        ) or "",
        "benefit": problems.check(
            fields.text, benefit, field="benefit", label=_("The benefit"), required=False,
            limit=TEXT_MAX,
        ) or "",
        "benefit_amount": problems.check(_amount, benefit_amount, field="benefit_amount"),
        "authors": people,
    }  # fmt: skip


def _recognition(
    problems: Problems, *, number: Any, day: Any, year: int | None, today: dt.date
) -> tuple[str | None, dt.date | None]:
    code = problems.check(
        fields.text, number, field="decision_number", label=_("The decision number"), limit=60
    )
    date = problems.check(
        day_of, day, field="decision_date", label=_("The decision date"), today=today
    )
    if date is not None and year is not None and date.year < year:
        problems.add(
            "decision_date",
            _("An initiative of %(year)s is recognised in %(year)s or later.") % {"year": year},
        )
    return code, date


def _initiative_new(
    actor: Any,
    action: str,
    at: dt.datetime | None,
    given: dict[str, Any],
    decision: tuple[Any, Any] | None = None,
) -> Initiative:
    """An initiative of ``given`` facts, proposed, or recognised by ``decision`` (its number
    and date): every problem at once."""
    moment, today = moment_of(at)
    problems = Problems()
    facts = _initiative_facts(problems, actor=actor, today=today, **given)
    values: dict[str, Any] = {"proposed_by": user_or_none(actor), "proposed_at": moment}
    if decision is not None:
        number, day = _recognition(
            problems, number=decision[0], day=decision[1], year=facts["year"], today=today
        )
        values.update(
            status=InitiativeStatus.RECOGNISED, decision_number=number, decision_date=day,
            decided_by=user_or_none(actor), decided_at=moment,
        )  # fmt: skip
    problems.raise_any()
    authors = facts.pop("authors")
    row = Initiative.objects.create(**facts, **values)
    row.authors.set(authors)
    _initiative_audit(actor, action, row)
    return row


def _initiative_audit(actor: Any, action: str, row: Initiative) -> None:
    audit_record(
        actor=actor,
        action=f"emulation.{action}",
        obj=row,
        after={
            "title": row.title,
            "unit": row.unit.code,
            "authors": sorted(row.authors.values_list("username", flat=True)),
            "level": row.level,
            "year": row.year,
            "status": row.status,
            "decision": row.decision_number,
        },
    )


@transaction.atomic
def initiative_propose(
    *,
    actor: Any,
    title: str,
    unit: Unit | None,
    authors: Iterable[Any],
    level: str,
    year: int,
    summary: str = "",
    benefit: str = "",
    benefit_amount: int | None = None,
    at: dt.datetime | None = None,
) -> Initiative:
    """An initiative of ``authors`` (people of ``unit``'s subtree) put to the council by the
    head of a unit or a recorder."""
    require_proposer(actor)
    given = {
        "title": title, "unit": unit, "authors": authors, "level": level, "year": year,
        "summary": summary, "benefit": benefit, "benefit_amount": benefit_amount,
    }  # fmt: skip
    return _initiative_new(actor, "initiative_propose", at, given)


@transaction.atomic
def initiative_record(
    *,
    actor: Any,
    title: str,
    unit: Unit | None,
    authors: Iterable[Any],
    level: str,
    year: int,
    decision_number: str,
    decision_date: dt.date | None,
    summary: str = "",
    benefit: str = "",
    benefit_amount: int | None = None,
    at: dt.datetime | None = None,
) -> Initiative:
    """An initiative recognised already (by the post's council or a higher one), recorded
    at once with the decision by a recorder."""
    require_recorder(actor)
    given = {
        "title": title, "unit": unit, "authors": authors, "level": level, "year": year,
        "summary": summary, "benefit": benefit, "benefit_amount": benefit_amount,
    }  # fmt: skip
    return _initiative_new(actor, "initiative_record", at, given, (decision_number, decision_date))


@transaction.atomic
def initiative_decide(
    *,
    actor: Any,
    initiative: Initiative,
    outcome: str,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> Initiative:
    """The council's decision on a proposed initiative: recognised (with the decision's
    number and date) or not approved."""
    require_recorder(actor)
    if not access.in_scope(actor, initiative.unit_path):
        raise NotFound(_("No such initiative."))
    moment, today = moment_of(at)
    problems = Problems()
    result = outcome_of(
        problems, outcome, InitiativeStatus,
        message=_("Say whether it is recognised or not approved."),
    )  # fmt: skip
    remark = problems.check(fields.text, note, field="note", label=_("The note"), required=False,
                            limit=TEXT_MAX)  # fmt: skip
    number: str | None = ""
    day: dt.date | None = None
    if result == InitiativeStatus.RECOGNISED:
        number, day = _recognition(
            problems, number=decision_number, day=decision_date, year=initiative.year,
            today=today,
        )  # fmt: skip
    problems.raise_any()
    claim_decision(
        initiative,
        waiting=InitiativeStatus.PROPOSED,
        values={
            "status": result, "decision_number": number or "", "decision_date": day,
            "note": remark or "", "decided_by": user_or_none(actor), "decided_at": moment,
        },
    )  # fmt: skip
    _initiative_audit(actor, "initiative_decide", initiative)
    return initiative


@transaction.atomic
def initiative_apply(
    *,
    actor: Any,
    initiative: Initiative,
    unit: Unit | None,
    applied_on: dt.date | None,
    at: dt.datetime | None = None,
) -> InitiativeApplication:
    """``initiative`` applied in ``unit`` (of the actor's subtree and the initiative's
    province) since ``applied_on``."""
    require_proposer(actor)
    if not access.in_scope(actor, initiative.unit_path):
        raise NotFound(_("No such initiative."))
    moment, today = moment_of(at)
    problems = Problems()
    place = chosen_unit(problems, actor, unit)
    if initiative.status == InitiativeStatus.REJECTED:
        problems.add("unit", _("The initiative was not approved."))
    if place is None:
        pass
    elif place.province_code != initiative.province_code:
        problems.add("unit", _("%(unit)s is of another province.") % {"unit": place.name})
    elif initiative.applications.filter(unit=place).exists():
        problems.add(
            "unit", _("The initiative is applied in %(unit)s already.") % {"unit": place.name}
        )
    day = problems.check(day_of, applied_on, field="applied_on", label=_("The date"), today=today)
    problems.raise_any()
    assert place is not None and day is not None
    with written_once(field="unit"):
        row = InitiativeApplication.objects.create(
            province_code=initiative.province_code,
            initiative=initiative,
            unit=place,
            applied_on=day,
            recorded_by=user_or_none(actor),
            recorded_at=moment,
        )
    audit_record(
        actor=actor,
        action="emulation.initiative_apply",
        obj=initiative,
        after={"unit": place.code, "applied_on": f"{day:%Y-%m-%d}" if day else None},
    )
    return row
