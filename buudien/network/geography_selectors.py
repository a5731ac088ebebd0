"""Reads over the administrative geography: communes, their successions, what is in force."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from buudien.core.errors import NotFound
from buudien.network.choices import AdminAreaLevel, AdminAreaStructure
from buudien.network.models import AdminArea, AdminAreaSuccession


def _commune_code(code: str) -> str:
    code = str(code).strip()
    return code.zfill(5) if code.isdigit() else code


def commune_get(*, structure: str, code: str) -> AdminArea:
    """The commune with this GSO code in that structure ("6187" and "06187" alike)."""
    commune = AdminArea.objects.filter(
        structure=structure, level=AdminAreaLevel.COMMUNE, code=_commune_code(code)
    ).first()
    if commune is None:
        raise NotFound(
            _("There is no commune with code %(code)s in that structure.") % {"code": code},
            field="code",
        )
    return commune


def commune_successors(legacy_commune: AdminArea) -> list[AdminArea]:
    """The 2025 communes a legacy commune became: the one it went into wholly first, then
    those it was partly merged into, each group by code."""
    successions = (
        AdminAreaSuccession.objects.filter(legacy=legacy_commune)
        .select_related("successor")
        .order_by("partly", "successor__code")
    )
    return [succession.successor for succession in successions]


def commune_predecessors(commune: AdminArea) -> list[AdminArea]:
    """The legacy communes a 2025 commune was made from: whole ones first, each group by code."""
    successions = (
        AdminAreaSuccession.objects.filter(successor=commune)
        .select_related("legacy")
        .order_by("partly", "legacy__code")
    )
    return [succession.legacy for succession in successions]


def commune_for_structure(commune: AdminArea, structure: str) -> AdminArea | None:
    """The same place as a commune of the other structure, or None when the data has none.

    Legacy -> 2025: the commune it went into wholly, else the lowest-coded one it partly went
    into. 2025 -> legacy: the lowest-coded legacy commune that went into it wholly, else the
    lowest-coded one that went into it partly. A commune asked in its own structure is itself.
    """
    if commune.structure == structure:
        return commune
    if structure == AdminAreaStructure.V2025:
        candidates = commune_successors(commune)
    else:
        candidates = commune_predecessors(commune)
    return candidates[0] if candidates else None


def communes_in_force(*, province_code: str, day: dt.date) -> QuerySet[AdminArea]:
    """The communes of a province on ``day``, in the structure in force on that day."""
    return (
        AdminArea.objects.in_force_on(day)
        .filter(
            structure=AdminAreaStructure.in_force_on(day),
            level=AdminAreaLevel.COMMUNE,
            province_code=str(province_code).strip().zfill(2),
        )
        .order_by("code")
    )
