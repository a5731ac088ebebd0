"""Titles and awards: proposed by the head of a unit, decided by a recorder, or recorded at
once when decided (by the post or a higher level). Re-exported by ``emulation.services``.

- a title is annual (its period is one year) and given once the year's review opens; a person
  or a unit holds a given title at most once a year (awarded or proposed);
- a kind goes to a person, a unit or both (``choices.KIND_RULES``); "other" has its name;
- an award is given by a decision with its number and date, not in the future and not before
  the review of the period it rewards opens (``rules.REVIEW_OPENS``);
- Decree 98/2023/NĐ-CP: "Chiến sĩ thi đua cơ sở" at most 15% of the "Lao động tiên tiến" of
  the unit deciding them, here the province post, in the year.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record
from buudien.core.errors import NotFound
from buudien.counter import fields
from buudien.counter.desk import moment_of, user_or_none
from buudien.counter.problems import Problems
from buudien.emulation.choices import KIND_RULES, PERSON, UNIT, AwardKind, AwardLevel, AwardStatus
from buudien.emulation.models import KEPT, Award, Movement
from buudien.emulation.rules import (
    TEXT_MAX,
    choice_of,
    claim_decision,
    day_of,
    outcome_of,
    period_of,
    person_in_scope,
    require_proposer,
    require_recorder,
    review_opens,
    unit_in_scope,
    who,
    written_once,
)
from buudien.network.choices import UnitKind
from buudien.network.models import Unit
from buudien.people import access

# Decree 98/2023/NĐ-CP: Chiến sĩ thi đua cơ sở at most 15% of the unit's Lao động tiên tiến.
CSTD_CO_SO_SHARE = 15


# --- titles and awards -------------------------------------------------------------------


def _recipient(
    problems: Problems, actor: Any, person: Any, unit: Unit | None
) -> tuple[Any, Unit | None, Unit | None]:
    """(person, unit, the recipient's unit): exactly one, in ``actor``'s subtree (else "not
    found"); none or both is a problem kept."""
    if person is not None and unit is not None:
        problems.add("unit", _("A title or an award goes to one person or one unit, not both."))
        return None, None, None
    if person is None and unit is None:
        problems.add("person", _("Choose the person or the unit it goes to."))
        return None, None, None
    if person is not None:
        person_in_scope(actor, person)
        return person, None, person.unit
    assert unit is not None
    return None, unit_in_scope(actor, unit), unit


def _award_facts(
    problems: Problems,
    *,
    actor: Any,
    kind: Any,
    person: Any,
    unit: Unit | None,
    year_from: Any,
    year_to: Any,
    level: Any,
    name: Any,
    citation: Any,
    movement: Movement | None,
    today: dt.date,
) -> dict[str, Any]:
    """What a proposal and a record have in common, checked; the problems kept."""
    person, unit, home = _recipient(problems, actor, person, unit)
    sort = problems.check(
        choice_of, kind, AwardKind, field="kind", message=_("Choose the title or award.")
    )
    rule = KIND_RULES.get(sort or "")
    if sort is not None and rule is not None:
        if person is not None and rule.recipient == UNIT:
            problems.add(
                "person",
                _("%(title)s is given to a unit, not to a person.")
                % {"title": AwardKind(sort).label},
            )
        if unit is not None and rule.recipient == PERSON:
            problems.add(
                "unit",
                _("%(title)s is given to a person, not to a unit.")
                % {"title": AwardKind(sort).label},
            )
    label = problems.check(
        fields.text, name, field="name", label=_("The name of the title or award"),
        required=sort == AwardKind.OTHER, limit=200,
    )  # fmt: skip
    given = str(level or "").strip() or (rule.level if rule else "")
    grade = problems.check(
        choice_of, given, AwardLevel, field="level", message=_("Choose the level that confers it.")
    )
    years = period_of(problems, year_from, year_to, today=today)
    if rule is not None and rule.title and years is not None:
        if years[0] != years[1]:
            problems.add("year_to", _("A title is given for one year."))
        elif today < review_opens(years[1]):
            problems.add(
                "year_from",
                _("A title for %(year)s is given once the year's review opens, on %(day)s.")
                % {"year": years[1], "day": f"{review_opens(years[1]):%d/%m/%Y}"},
            )
        elif home is not None:
            _title_once(problems, sort, person, unit, years[0])
    said = problems.check(fields.text, citation, field="citation", label=_("The achievements"),
                          required=False, limit=TEXT_MAX)  # fmt: skip
    if movement is not None and home is not None and movement.province_code != home.province_code:
        problems.add("movement", _("The movement is of another province."))
    return {
        "kind": sort,
        "name": label or "",
        "level": grade,
        "person": person,
        "unit": unit,
        "unit_path": home.path if home else "",
        "province_code": home.province_code if home else "",
        "years": years,
        "citation": said or "",
        "movement": movement,
    }


def _title_once(problems: Problems, kind: Any, person: Any, unit: Any, year: int) -> None:
    """A person or a unit holds a title at most once a year (awarded or proposed)."""
    held = Award.objects.filter(kind=kind, year_from=year, status__in=KEPT)
    held = held.filter(person=person) if person is not None else held.filter(unit=unit)
    twin = held.first()
    if twin is None:
        return
    values = {
        "who": who(person if person is not None else unit),
        "title": AwardKind(kind).label,
        "year": year,
    }
    if twin.status == AwardStatus.AWARDED:
        assert twin.decision_date is not None
        message = _(
            "%(who)s holds %(title)s for %(year)s already: decision %(number)s of %(day)s."
        ) % {**values, "number": twin.decision_number, "day": f"{twin.decision_date:%d/%m/%Y}"}
    else:
        message = _("%(who)s is proposed for %(title)s for %(year)s already.") % values
    problems.add("kind", message)


def _decision(
    problems: Problems,
    *,
    number: Any,
    day: Any,
    years: tuple[int, int] | None,
    today: dt.date,
) -> tuple[str | None, dt.date | None]:
    code = problems.check(
        fields.text, number, field="decision_number", label=_("The decision number"), limit=60
    )
    date = problems.check(
        day_of, day, field="decision_date", label=_("The decision date"), today=today
    )
    if date is not None and years is not None and date < review_opens(years[1]):
        problems.add(
            "decision_date",
            _(
                "A decision of %(day)s comes before the review of %(years)s opens "
                "(%(opens)s): the period has not ended."
            )
            % {
                "day": f"{date:%d/%m/%Y}",
                "years": years[1] if years[0] == years[1] else f"{years[0]}–{years[1]}",
                "opens": f"{review_opens(years[1]):%d/%m/%Y}",
            },
        )
    return code, date


def _within_cap(problems: Problems, *, province_code: str, year: int, award: Any = None) -> None:
    """Decree 98/2023/NĐ-CP: the province post's Chiến sĩ thi đua cơ sở of ``year`` at most
    ``CSTD_CO_SO_SHARE``% of its Lao động tiên tiến."""
    province = (
        Unit.objects.select_for_update()
        .filter(province_code=province_code, kind=UnitKind.PROVINCE)
        .first()
    )  # one decision of the province at a time
    awarded = Award.objects.filter(
        province_code=province_code, year_from=year, status=AwardStatus.AWARDED
    )
    workers = awarded.filter(kind=AwardKind.LAO_DONG_TIEN_TIEN).count()
    fighters = awarded.filter(kind=AwardKind.CSTD_CO_SO)
    if award is not None:
        fighters = fighters.exclude(pk=award.pk)
    count = fighters.count()
    cap = workers * CSTD_CO_SO_SHARE // 100
    if count + 1 > cap:
        problems.add(
            "kind",
            _(
                "%(province)s may name at most %(cap)s grassroots emulation fighters for "
                "%(year)s: %(share)s%% of its %(workers)s advanced workers; %(count)s are "
                "named already."
            )
            % {
                "province": province.name if province else province_code,
                "cap": cap,
                "year": year,
                "share": CSTD_CO_SO_SHARE,
                "workers": workers,
                "count": count,
            },
        )


def _award_audit(actor: Any, action: str, row: Award) -> None:
    audit_record(
        actor=actor,
        action=f"emulation.{action}",
        obj=row,
        after={
            "kind": row.kind,
            "name": row.name,
            "recipient": getattr(row.person, "username", None) or getattr(row.unit, "code", None),
            "years": row.years,
            "status": row.status,
            "decision": row.decision_number,
        },
    )


def _award_new(
    actor: Any,
    action: str,
    at: dt.datetime | None,
    given: dict[str, Any],
    decision: dict[str, Any] | None = None,
) -> Award:
    """A title or an award of ``given`` facts, proposed, or awarded by ``decision`` (its
    number, date and issuer): every problem at once."""
    moment, today = moment_of(at)
    problems = Problems()
    facts = _award_facts(problems, actor=actor, today=today, **given)
    years = facts.pop("years")
    values: dict[str, Any] = {
        "status": AwardStatus.PROPOSED,
        "proposed_by": user_or_none(actor),
        "proposed_at": moment,
    }
    if decision is not None:
        values = _awarding(
            problems, actor=actor, moment=moment, today=today, years=years, kind=facts["kind"],
            province_code=facts["province_code"], **decision,
        )  # fmt: skip
    problems.raise_any()
    assert years is not None
    with written_once(field="kind"):
        row = Award.objects.create(**facts, year_from=years[0], year_to=years[1], **values)
    _award_audit(actor, action, row)
    return row


def _awarding(
    problems: Problems,
    *,
    actor: Any,
    moment: dt.datetime,
    today: dt.date,
    years: tuple[int, int] | None,
    kind: str | None,
    province_code: str,
    decision_number: Any,
    decision_date: Any,
    issuer: Any,
    award: Award | None = None,
) -> dict[str, Any]:
    """What an award given by its decision writes, checked: the decision's number and date,
    who conferred it, and the cap of grassroots emulation fighters."""
    number, day = _decision(
        problems, number=decision_number, day=decision_date, years=years, today=today
    )
    by = problems.check(fields.text, issuer, field="issuer", label=_("Who conferred it"),
                        required=False, limit=200)  # fmt: skip
    if kind == AwardKind.CSTD_CO_SO and years is not None:
        _within_cap(problems, province_code=province_code, year=years[1], award=award)
    return {
        "status": AwardStatus.AWARDED,
        "decision_number": number or "",
        "decision_date": day,
        "issuer": by or "",
        "recorded_by": user_or_none(actor),
        "recorded_at": moment,
    }


@transaction.atomic
def award_propose(
    *,
    actor: Any,
    kind: str,
    year_from: int,
    year_to: int | None = None,
    person: Any = None,
    unit: Unit | None = None,
    level: str = "",
    name: str = "",
    citation: str = "",
    movement: Movement | None = None,
    at: dt.datetime | None = None,
) -> Award:
    """A title or an award proposed for a person or a unit of the actor's subtree (by the
    head of a unit or a recorder), to be decided by a recorder (``award_decide``)."""
    require_proposer(actor)
    given = {
        "kind": kind, "person": person, "unit": unit, "year_from": year_from,
        "year_to": year_to, "level": level, "name": name, "citation": citation,
        "movement": movement,
    }  # fmt: skip
    return _award_new(actor, "award_propose", at, given)


@transaction.atomic
def award_record(
    *,
    actor: Any,
    kind: str,
    year_from: int,
    decision_number: str,
    decision_date: dt.date | None,
    year_to: int | None = None,
    person: Any = None,
    unit: Unit | None = None,
    level: str = "",
    name: str = "",
    issuer: str = "",
    citation: str = "",
    movement: Movement | None = None,
    at: dt.datetime | None = None,
) -> Award:
    """A title or an award given by a decision (of the post, or of a higher level that the
    post records), recorded at once by a recorder."""
    require_recorder(actor)
    given = {
        "kind": kind, "person": person, "unit": unit, "year_from": year_from,
        "year_to": year_to, "level": level, "name": name, "citation": citation,
        "movement": movement,
    }  # fmt: skip
    decision = {
        "decision_number": decision_number, "decision_date": decision_date, "issuer": issuer,
    }  # fmt: skip
    return _award_new(actor, "award_record", at, given, decision)


@transaction.atomic
def award_decide(
    *,
    actor: Any,
    award: Award,
    outcome: str,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    issuer: str = "",
    note: str = "",
    at: dt.datetime | None = None,
) -> Award:
    """A recorder's decision on a proposal: awarded (with the decision's number and date)
    or not approved (with the reason, when given)."""
    require_recorder(actor)
    if not access.in_scope(actor, award.unit_path):
        raise NotFound(_("No such title or award."))
    moment, today = moment_of(at)
    problems = Problems()
    result = outcome_of(
        problems, outcome, AwardStatus, message=_("Say whether it is awarded or not approved.")
    )
    remark = problems.check(fields.text, note, field="note", label=_("The note"), required=False,
                            limit=TEXT_MAX)  # fmt: skip
    values: dict[str, Any] = {"status": result}
    if result == AwardStatus.AWARDED:
        values = _awarding(
            problems, actor=actor, moment=moment, today=today,
            years=(award.year_from, award.year_to), kind=award.kind,
            province_code=award.province_code, decision_number=decision_number,
            decision_date=decision_date, issuer=issuer or award.issuer, award=award,
        )  # fmt: skip
    else:
        values.update(recorded_by=user_or_none(actor), recorded_at=moment)
    problems.raise_any()
    claim_decision(award, waiting=AwardStatus.PROPOSED, values={**values, "note": remark or ""})
    _award_audit(actor, "award_decide", award)
    return award
