"""Who does what in emulation and commendation, and the cleaning the services share.

Who: the province post's director and the personnel and emulation officers (``hr_officer``,
the emulation council's secretary) record everything of their subtree (``is_recorder``); the
director of a unit below the province is its head and proposes awards and initiatives for its
subtree (``is_head``), never decides; auditors and administrators read. Outside the actor's
subtree an object is "not found".

When: a year's review opens on ``REVIEW_OPENS`` (1 December of the year): the year-end
reviews and the decisions on the year's titles begin then (Cao Bằng's review of 2019 gave the
Ministry's emulation flag for 2019 on 25/12/2019), so a title is given, and a decision on a
period is dated, from that day on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.counter.problems import Problems
from buudien.network.choices import UnitKind
from buudien.network.models import Unit
from buudien.people import access
from buudien.people.choices import Role

# The year's review opens on this day of its last month: titles and decisions from then on.
REVIEW_OPENS = (12, 1)
FIRST_YEAR = 1945
TEXT_MAX = 4_000


# --- who ---------------------------------------------------------------------------------


def _unit_kind(user: Any) -> str:
    unit = getattr(user, "unit", None)
    return str(getattr(unit, "kind", "") or "")


def is_recorder(user: Any) -> bool:
    """The province post's director and the personnel and emulation officers (and
    superusers): they record movements, pledges, awards, initiatives and decisions."""
    if not access.has_role(user, frozenset({Role.HR_OFFICER, Role.DIRECTOR})):
        return False
    if user.is_superuser or user.role == Role.HR_OFFICER:
        return True
    return _unit_kind(user) == UnitKind.PROVINCE


def is_head(user: Any) -> bool:
    """The director of a unit below the province: the head of that unit."""
    return (
        access.has_role(user, frozenset({Role.DIRECTOR}))
        and not user.is_superuser
        and _unit_kind(user) not in ("", UnitKind.PROVINCE, UnitKind.CORPORATION)
    )


def can_propose(user: Any) -> bool:
    return is_recorder(user) or is_head(user)


def sees_proposals(user: Any) -> bool:
    """Who sees proposals and refusals besides what was awarded and recognised: recorders,
    heads, auditors and administrators (of their subtree)."""
    return can_propose(user) or access.has_role(user, frozenset({Role.AUDITOR, Role.ADMIN}))


def require_recorder(actor: Any) -> None:
    if not is_recorder(actor):
        raise AccessDenied(
            _("Only the emulation officer and the province post's director record emulation.")
        )


def require_proposer(actor: Any) -> None:
    if not can_propose(actor):
        raise AccessDenied(
            _("Only the head of a unit or the emulation officer proposes titles and awards.")
        )


def unit_in_scope(actor: Any, unit: Unit | None, *, field: str = "unit") -> Unit:
    if unit is None or not access.in_scope(actor, unit.path):
        raise NotFound(_("No such unit."), field=field)
    return unit


def chosen_unit(
    problems: Problems, actor: Any, unit: Unit | None, *, field: str = "unit"
) -> Unit | None:
    """``unit`` when in ``actor``'s subtree ("not found" otherwise); none chosen is a problem
    kept with the others."""
    if unit is None:
        problems.add(field, _("Choose the unit."))
        return None
    return unit_in_scope(actor, unit, field=field)


def person_in_scope(actor: Any, person: Any, *, field: str = "person") -> Any:
    unit = getattr(person, "unit", None)
    if person is None or unit is None or not access.in_scope(actor, unit.path):
        raise NotFound(_("No such person."), field=field)
    return person


def province_of(unit: Unit) -> Unit | None:
    """The province post ``unit`` belongs to (itself when it is one)."""
    if unit.kind == UnitKind.PROVINCE:
        return unit
    if not unit.province_code:
        return None
    found = Unit.objects.filter(province_code=unit.province_code, kind=UnitKind.PROVINCE)
    return next((p for p in found if unit.path.startswith(p.path)), None)


# --- cleaning ----------------------------------------------------------------------------


def review_opens(year: int) -> dt.date:
    """The day the review of ``year`` opens."""
    month, day = REVIEW_OPENS
    return dt.date(year, month, day)


def review_year(today: dt.date) -> int:
    """The latest year whose review has opened on ``today``: the year whose titles are being
    decided (in January 2026, 2025; from 1 December 2026, 2026)."""
    return today.year if today >= review_opens(today.year) else today.year - 1


def year_of(value: Any, *, field: str, today: dt.date, ahead: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(_("Give the year, e.g. %(year)s.") % {"year": today.year}, field=field)
    if not FIRST_YEAR <= value <= today.year + ahead:
        raise DomainError(
            _("%(year)s is not a year of the records.") % {"year": value}, field=field
        )
    return value


def day_of(value: Any, *, field: str, label: str, today: dt.date, required: bool = True) -> Any:
    """A date, not in the future (None when not given and not ``required``)."""
    if value is None or value == "":
        if required:
            raise DomainError(_("%(label)s is required.") % {"label": label}, field=field)
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise DomainError(_("%(label)s is a date.") % {"label": label}, field=field)
    if value > today:
        raise DomainError(
            _("%(label)s cannot be in the future: %(day)s.")
            % {"label": label, "day": f"{value:%d/%m/%Y}"},
            field=field,
        )
    return value


def period_of(
    problems: Problems, year_from: Any, year_to: Any, *, today: dt.date, ahead: int = 0
) -> tuple[int, int] | None:
    start = problems.check(year_of, year_from, field="year_from", today=today, ahead=ahead)
    end = start if year_to in (None, "") else problems.check(
        year_of, year_to, field="year_to", today=today, ahead=ahead
    )  # fmt: skip
    if start is None or end is None:
        return None
    if end < start:
        problems.add("year_to", _("The period ends before it starts."))
        return None
    return start, end


def choice_of(value: Any, choices: Any, *, field: str, message: str) -> str:
    text = str(value or "").strip()
    if text not in choices.values:
        raise DomainError(message, field=field)
    return text


def outcome_of(problems: Problems, outcome: Any, statuses: Any, *, message: str) -> str | None:
    """A decision on a proposal: any status of ``statuses`` but "proposed"."""
    text = str(outcome or "").strip()
    if text not in statuses.values or text == "proposed":
        problems.add("outcome", message)
        return None
    return text


def claim_decision(row: Any, *, waiting: str, values: dict[str, Any]) -> None:
    """Write ``values`` on ``row`` if it is still ``waiting`` (one conditional UPDATE: of two
    recorders deciding at once, one does); refused, with what was decided, otherwise."""
    model = type(row)
    if not model.objects.filter(pk=row.pk, status=waiting).update(**values):
        current = model.objects.get(pk=row.pk)
        raise DomainError(
            _("This was decided already: %(status)s.") % {"status": current.get_status_display()},
            field="outcome",
        )
    row.refresh_from_db()


@contextmanager
def written_once(*, field: str) -> Iterator[None]:
    """The write of a row a unique key guards: when another request wrote its twin since the
    checks (two recorders at once), a refusal instead of the database's error."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise DomainError(
            _("The same was recorded meanwhile by someone else: reload the page."), field=field
        ) from None


def who(recipient: Any) -> str:
    """A person's full name (else their username), a unit's name."""
    return str(recipient)
