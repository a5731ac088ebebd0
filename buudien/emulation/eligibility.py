"""What the records show for a title or an award: evidence for the emulation council, never
its decision (the council also weighs what the system does not hold: tasks completed,
discipline, the candidates' standing). Each ``Check`` says whether the conditions the records
can show are met, and ``reasons`` say what they show: which years' titles, by which
decision; which initiative, recognised by which decision.

A person (Law on Emulation and Commendation 06/2022/QH15 and Decree 98/2023/NĐ-CP):

- Chiến sĩ thi đua cơ sở (art. 23): Lao động tiên tiến in the year, and an initiative of the
  year recognised at any level, of which the person is an author;
- Chiến sĩ thi đua cấp bộ (art. 22): Chiến sĩ thi đua cơ sở three years running, ending in the
  year, and an initiative recognised at ministry level or above in those years;
- Chiến sĩ thi đua toàn quốc (art. 21): Chiến sĩ thi đua cấp bộ twice running (the one in the
  year and the one of the three years before it: the cycle before), and a national
  initiative in those six years;
- Huân chương Lao động hạng Nhì, hạng Nhất (the Law's article on the Labour Order; Decree
  98/2023): the class below, decided at least 5 years before the year.

A unit (art. 27, 28), counting "the unit's people": the active users whose unit lies in its
subtree (``selectors.people_of``):

- Tập thể lao động tiên tiến: more than 50% of them Lao động tiên tiến in the year;
- Tập thể lao động xuất sắc: at least 70% of them Lao động tiên tiến in the year and at least
  one of them Chiến sĩ thi đua cơ sở;
- Huân chương Lao động hạng Nhì, hạng Nhất: as for a person.

Only what was awarded (or recognised) counts; a proposal not decided yet is said as such.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from buudien.emulation.choices import (
    LABOUR_ORDERS,
    AwardKind,
    AwardStatus,
    InitiativeLevel,
    InitiativeStatus,
)
from buudien.emulation.models import Award, Initiative
from buudien.emulation.selectors import people_of
from buudien.network.models import Unit

LABOUR_ORDER_GAP = 5  # years after the class below
LDTT_SHARE = 50  # Tập thể lao động tiên tiến: more than this % Lao động tiên tiến
LDXS_SHARE = 70  # Tập thể lao động xuất sắc: at least this % Lao động tiên tiến


@dataclass
class Check:
    kind: str  # an AwardKind
    ok: bool
    reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(AwardKind(self.kind).label)


def _day(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


def _decided(award: Award) -> str:
    return _("%(title)s %(years)s, decision %(number)s of %(day)s.") % {
        "title": award.title,
        "years": award.years,
        "number": award.decision_number,
        "day": _day(award.decision_date),
    }


class _Record:
    """A recipient's titles and awards, by kind and year, awarded or proposed."""

    def __init__(self, awards: Iterable[Award]) -> None:
        self.awarded: dict[tuple[str, int], Award] = {}
        self.proposed: dict[tuple[str, int], Award] = {}
        for award in awards:
            if award.status == AwardStatus.AWARDED:
                self.awarded[(award.kind, award.year_to)] = award
            elif award.status == AwardStatus.PROPOSED:
                self.proposed[(award.kind, award.year_to)] = award

    def title(self, kind: str, year: int, reasons: list[str]) -> bool:
        """Whether the title ``kind`` was awarded for ``year``, said in ``reasons``."""
        found = self.awarded.get((kind, year))
        if found is not None:
            reasons.append(_decided(found))
            return True
        values = {"title": AwardKind(kind).label, "year": year}
        if (kind, year) in self.proposed:
            reasons.append(_("%(title)s %(year)s is proposed, not decided yet.") % values)
        else:
            reasons.append(_("No %(title)s for %(year)s.") % values)
        return False

    def labour_order(self, kind: str, year: int) -> Check:
        """Huân chương Lao động ``kind``: the class below decided ``LABOUR_ORDER_GAP`` years
        or more before ``year``."""
        below = LABOUR_ORDERS[LABOUR_ORDERS.index(kind) - 1]
        held = sorted(
            (a for (k, _y), a in self.awarded.items() if k == below),
            key=lambda a: a.decision_date or dt.date.min,
        )
        reasons: list[str] = []
        ok = False
        for award in held:
            decided = award.decision_date.year if award.decision_date else award.year_to
            reasons.append(_decided(award))
            if year - decided >= LABOUR_ORDER_GAP:
                ok = True
            else:
                reasons.append(
                    _("Decided %(n)s years before %(year)s: %(gap)s are needed.")
                    % {"n": year - decided, "year": year, "gap": LABOUR_ORDER_GAP}
                )
        if not held:
            reasons.append(_("No %(title)s.") % {"title": AwardKind(below).label})
        return Check(kind, ok, reasons)


def _initiatives(found: Iterable[Initiative], years: range, levels: list[str]) -> list[str]:
    return [
        _("Initiative “%(title)s” (%(year)s), recognised at %(level)s, decision %(number)s of "
          "%(day)s.")
        % {
            "title": initiative.title,
            "year": initiative.year,
            "level": initiative.get_level_display().lower(),
            "number": initiative.decision_number,
            "day": _day(initiative.decision_date),
        }
        for initiative in found
        if initiative.year in years and initiative.level in levels
    ]  # fmt: skip


def _initiative_check(
    reasons: list[str], found: list[Initiative], years: range, level: str
) -> bool:
    said = _initiatives(found, years, InitiativeLevel.at_least(level))
    reasons.extend(said)
    if not said:
        span = str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"
        reasons.append(
            _("No initiative of %(years)s recognised at %(level)s or above.")
            % {"years": span, "level": InitiativeLevel(level).label.lower()}
        )
    return bool(said)


def eligibility(person: Any, year: int) -> list[Check]:
    """What the records show of ``person`` for ``year``: the individual titles and the
    Labour Order's classes, each with its reasons."""
    record = _Record(Award.objects.filter(person=person))
    found = list(
        Initiative.objects.filter(authors=person, status=InitiativeStatus.RECOGNISED).order_by(
            "year", "id"
        )
    )
    checks: list[Check] = []

    reasons: list[str] = []
    ok = record.title(AwardKind.LAO_DONG_TIEN_TIEN, year, reasons)
    ok = _initiative_check(reasons, found, range(year, year + 1), InitiativeLevel.UNIT) and ok
    checks.append(Check(AwardKind.CSTD_CO_SO, ok, reasons))

    reasons = []
    ok = all([record.title(AwardKind.CSTD_CO_SO, y, reasons) for y in range(year - 2, year + 1)])
    ok = (
        _initiative_check(reasons, found, range(year - 2, year + 1), InitiativeLevel.MINISTRY)
        and ok
    )
    checks.append(Check(AwardKind.CSTD_BO, ok, reasons))

    reasons = []
    ok = all([record.title(AwardKind.CSTD_BO, y, reasons) for y in (year - 3, year)])
    ok = (
        _initiative_check(reasons, found, range(year - 5, year + 1), InitiativeLevel.NATIONAL)
        and ok
    )
    checks.append(Check(AwardKind.CSTD_TOAN_QUOC, ok, reasons))

    checks.append(record.labour_order(AwardKind.HUAN_CHUONG_LD_2, year))
    checks.append(record.labour_order(AwardKind.HUAN_CHUONG_LD_1, year))
    return checks


def unit_eligibility(unit: Unit, year: int) -> list[Check]:
    """What the records show of ``unit`` for ``year``: the collective titles (from its
    people's titles) and the Labour Order's classes, each with its reasons."""
    people = people_of(unit)
    total = people.count()
    titles = Award.objects.filter(
        person__in=people, year_to=year, status=AwardStatus.AWARDED
    ).select_related("person")
    workers = titles.filter(kind=AwardKind.LAO_DONG_TIEN_TIEN).values("person").distinct().count()
    fighters = [
        a.person for a in titles.filter(kind=AwardKind.CSTD_CO_SO).order_by("person__name_folded")
    ]
    share = f"{workers * 100 / total:.1f}" if total else "0.0"
    said = _("%(n)s of the unit's %(total)s people are %(title)s for %(year)s: %(share)s%%.") % {
        "n": workers,
        "total": total,
        "title": AwardKind.LAO_DONG_TIEN_TIEN.label,
        "year": year,
        "share": share,
    }
    checks = [
        Check(AwardKind.TAP_THE_LDTT, total > 0 and workers * 100 > LDTT_SHARE * total, [said])
    ]
    reasons = [said]
    if fighters:
        reasons.append(
            _("%(title)s %(year)s: %(names)s.")
            % {
                "title": AwardKind.CSTD_CO_SO.label,
                "year": year,
                "names": ", ".join(str(p) for p in fighters),
            }
        )
    else:
        reasons.append(
            _("No %(title)s for %(year)s.") % {"title": AwardKind.CSTD_CO_SO.label, "year": year}
        )
    ok = total > 0 and workers * 100 >= LDXS_SHARE * total and bool(fighters)
    checks.append(Check(AwardKind.TAP_THE_LDXS, ok, reasons))
    record = _Record(Award.objects.filter(unit=unit))
    checks.append(record.labour_order(AwardKind.HUAN_CHUONG_LD_2, year))
    checks.append(record.labour_order(AwardKind.HUAN_CHUONG_LD_1, year))
    return checks
