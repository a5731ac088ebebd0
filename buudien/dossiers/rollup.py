"""Keeping the dossier rollup (``DossierRollup``) up to date, and rebuilding it.

``rollup_received`` counts dossiers just received (``services.dossier_receive``; a list
written without its objects, ``services.dossiers_receive_many``, through
``rollup_received_values``) on their business day and point; ``rollup_returned`` counts
results just returned (``services.dossier_return`` and ``dossiers_return_many`` at the
counter, ``services.results_delivered`` when a postman delivers one) on the day in Vietnam
and the point that returned them, with those returned by the promised date. Each is ONE
``INSERT ... ON CONFLICT DO UPDATE`` that adds the counts, in the caller's transaction, on
both databases.

``dossier_rollup_rebuild`` recomputes the rows from the dossiers (two GROUP BY queries):
after an import, or to check that the incremental path agrees (the demo's test does).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Sum

from buudien.core.bizdays import VIETNAM
from buudien.dossiers.models import Dossier, DossierRollup

TABLE = DossierRollup._meta.db_table
_CHUNK = 1000
_COUNTERS = ("received", "agency_fees", "charges", "returned", "returned_on_time")
# (province_code, day, point_id, agency_id, procedure_id) -> the five counters
Counts = dict[tuple[str, dt.date, int, int, int], list[int]]


def _counts() -> Counts:
    return defaultdict(lambda: [0, 0, 0, 0, 0])


def rollup_received(dossiers: Iterable[Dossier]) -> None:
    """Count these dossiers, just received."""
    rollup_received_values(
        (
            d.province_code,
            d.business_date,
            d.point_id,
            d.agency_id,
            d.procedure_id,
            d.agency_fee,
            d.charge,
        )
        for d in dossiers
    )


def rollup_received_values(
    dossiers: Iterable[tuple[str, dt.date, int, int, int, int, int]],
) -> None:
    """Count dossiers just received, each given as its (province, business day, point,
    agency, procedure, agency's fee, charge): for a list written without its objects."""
    counts = _counts()
    for province, day, point, agency, procedure, fee, charge in dossiers:
        entry = counts[(province, day, point, agency, procedure)]
        entry[0] += 1
        entry[1] += fee
        entry[2] += charge
    _upsert(counts)


def rollup_returned(dossiers: Iterable[Dossier]) -> None:
    """Count the results of these dossiers, just returned."""
    counts = _counts()
    for d in dossiers:
        assert d.returned_at is not None and d.returned_point_id is not None
        day = d.returned_at.astimezone(VIETNAM).date()
        entry = counts[(d.province_code, day, d.returned_point_id, d.agency_id, d.procedure_id)]
        entry[3] += 1
        entry[4] += int(day <= d.due_date)
    _upsert(counts)


def _upsert(counts: Counts) -> None:
    """Add the counts to the rollup: one INSERT ... ON CONFLICT DO UPDATE."""
    if not counts:
        return
    sqlite = connection.vendor != "postgresql"
    rows = sorted(counts.items())
    keys = "province_code, day, point_id, agency_id, procedure_id"
    added = ", ".join(f"{name} = {TABLE}.{name} + excluded.{name}" for name in _COUNTERS)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            params: list[Any] = []
            for (province, day, point, agency, procedure), values in chunk:
                params += [province, day.isoformat() if sqlite else day, point, agency, procedure]
                params += values
            placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {TABLE} ({keys}, {', '.join(_COUNTERS)}) VALUES {placeholders} "
                f"ON CONFLICT ({keys}) DO UPDATE SET {added}",
                params,
            )


@transaction.atomic
def dossier_rollup_rebuild(*, province_code: str | None = None) -> int:
    """Recompute the rollup (of one province, or all) from the dossiers. The rows written."""
    dossiers = Dossier.objects.all()
    rollups = DossierRollup.objects.all()
    if province_code:
        dossiers = dossiers.filter(province_code=province_code)
        rollups = rollups.filter(province_code=province_code)
    rollups.delete()
    counts = _counts()
    received = (
        dossiers.values_list(
            "province_code", "business_date", "point_id", "agency_id", "procedure_id"
        )
        .annotate(n=Count("id"), fees=Sum("agency_fee"), charges=Sum("charge"))
        .order_by()
    )
    for province, day, point, agency, procedure, n, fees, charges in received:
        entry = counts[(province, day, point, agency, procedure)]
        entry[0] += n
        entry[1] += int(fees)
        entry[2] += int(charges)
    returned = dossiers.filter(returned_at__isnull=False).values_list(
        "province_code",
        "returned_at",
        "returned_point_id",
        "agency_id",
        "procedure_id",
        "due_date",
    )
    for province, at, point, agency, procedure, due in returned.iterator(chunk_size=5000):
        day = at.astimezone(VIETNAM).date()  # type: ignore[union-attr]
        entry = counts[(province, day, point, agency, procedure)]
        entry[3] += 1
        entry[4] += int(day <= due)
    DossierRollup.objects.bulk_create(
        [
            DossierRollup(
                province_code=province,
                day=day,
                point_id=point,
                agency_id=agency,
                procedure_id=procedure,
                **dict(zip(_COUNTERS, values, strict=True)),
            )
            for (province, day, point, agency, procedure), values in sorted(counts.items())
        ],
        batch_size=1000,
    )
    return len(counts)
