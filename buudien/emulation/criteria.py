"""The criteria a movement (phong trào thi đua) judges units and people by: each is a figure
the system already computes from its own records (``buudien.emulation.measures`` computes
them). A movement, a pledge's targets and the candidates' ranking name criteria by code.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

UNIT = "unit"
PERSON = "person"


@dataclass(frozen=True)
class Criterion:
    code: str
    label: Promise
    subject: str  # UNIT or PERSON: what is ranked by it
    higher_is_better: bool
    kind: str  # "pct" (one decimal), "count", "money" (đồng) or "rate" (two decimals)


CRITERIA: dict[str, Criterion] = {
    criterion.code: criterion
    for criterion in (
        Criterion("revenue_plan_pct", _("Revenue against the plan (%)"), UNIT, True, "pct"),
        Criterion("revenue_growth_pct", _("Revenue growth on last year (%)"), UNIT, True, "pct"),
        Criterion("on_time_rate", _("Items delivered on time (%)"), UNIT, True, "pct"),
        Criterion("complaints_per_10000", _("Complaints per 10,000 items"), UNIT, False, "rate"),
        Criterion("cash_differences", _("Cash-closing differences"), UNIT, False, "count"),
        Criterion("dossiers_on_time_pct", _("Dossiers returned on time (%)"), UNIT, True, "pct"),
        Criterion("accounts_opened", _("Payment accounts opened"), UNIT, True, "count"),
        Criterion("deliveries", _("Items delivered"), PERSON, True, "count"),
        Criterion("deliveries_on_time_pct", _("Own deliveries on time (%)"), PERSON, True, "pct"),
        Criterion("counter_transactions", _("Counter transactions"), PERSON, True, "count"),
        Criterion("counter_revenue", _("Revenue taken at the counter"), PERSON, True, "money"),
    )
}


def choices(subject: str | None = None) -> list[tuple[str, str]]:
    """(code, label) of the criteria, of one subject when given, in the registry's order."""
    return [
        (code, str(criterion.label))
        for code, criterion in CRITERIA.items()
        if subject is None or criterion.subject == subject
    ]
