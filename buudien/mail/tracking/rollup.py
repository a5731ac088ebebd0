"""Keeping the delivery rollup (``DeliveryRollup``) up to date, and rebuilding it.

On time: the rule of the supervisors' overdue lists (``operations.selectors``): an item's
full-course time ends on ``add_business_days(accepted_on, tariff.full_course_days)``; an
item delivered on a day D (in Vietnam's time) is on time when that due date is not before D.

``delivery_rollup_add`` counts items that have just become delivered: one aggregate read of
those items and ONE ``INSERT ... ON CONFLICT DO UPDATE`` that adds the counts, on both
databases. It is called where an item first becomes delivered: ``tracking.events_ingest``
(once per batch), ``tracking.event_record`` (one event, and the delivery rounds through it)
and ``tracking.item_status_refresh``. ``delivery_rollup_rebuild`` recomputes the rows from
the items (idempotent): an item delivered and later moved on by further events is counted by
the incremental path and dropped by a rebuild. KT1 items are never counted (their existence
is secret).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import holidays.countries  # noqa: F401  (see below)
from django.db import connection, transaction
from django.db.models import Count, QuerySet

from buudien.core.bizdays import VIETNAM, add_business_days
from buudien.mail.choices import ItemStatus, MailService
from buudien.mail.models import PostalItem
from buudien.mail.tracking.rollup_models import DeliveryRollup

# The ``holidays`` package loads every country's calendar on its first use (~0.3 s): it is
# imported with this module, at start-up, not inside the first batch of deliveries (which
# holds the write lock meanwhile).
TABLE = DeliveryRollup._meta.db_table
_CHUNK = 2000
# (province_code, day, office_code, service) -> [delivered, on_time]
Counts = dict[tuple[str, dt.date, str, str], list[int]]


def _counts(items: QuerySet[PostalItem]) -> Counts:
    """The counts of these (delivered) items: one aggregate query (by delivery time; the day
    in Vietnam is taken in Python, once per distinct time), then the due dates, one calendar
    read per distinct (business day of acceptance, full-course days)."""
    rows = (
        items.exclude(service=MailService.KT1)
        .values_list(
            "province_code",
            "service",
            "accepted_on",
            "tariff__full_course_days",
            "delivery_point__code",
            "delivered_at",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    due: dict[tuple[dt.date, int], dt.date] = {}
    days: dict[dt.datetime, dt.date] = {}
    counts: Counts = defaultdict(lambda: [0, 0])
    for province, service, accepted_on, course, office, at, n in rows:
        key = (accepted_on, course)
        if key not in due:
            due[key] = add_business_days(accepted_on, course)
        day = days.get(at)
        if day is None:
            day = days[at] = at.astimezone(VIETNAM).date()
        entry = counts[(province, day, office or "", service)]
        entry[0] += n
        if day <= due[key]:
            entry[1] += n
    return counts


def _upsert(counts: Counts) -> None:
    """Add the counts to the rollup: one INSERT ... ON CONFLICT DO UPDATE."""
    if not counts:
        return
    sqlite = connection.vendor != "postgresql"
    rows = sorted(counts.items())
    with connection.cursor() as cursor:
        # One statement; SQLite's parameter limit splits only a batch of thousands of groups.
        for start in range(0, len(rows), _CHUNK):
            chunk = rows[start : start + _CHUNK]
            params: list[Any] = []
            for (province, day, office, service), (delivered, on_time) in chunk:
                params += [province, day.isoformat() if sqlite else day, office, service]
                params += [delivered, on_time]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {TABLE} "
                "(province_code, day, office_code, service, delivered, on_time) "
                f"VALUES {values} ON CONFLICT (province_code, day, office_code, service) "
                f"DO UPDATE SET delivered = {TABLE}.delivered + excluded.delivered, "
                f"on_time = {TABLE}.on_time + excluded.on_time",
                params,
            )


def delivery_rollup_add(*, item_ids: Sequence[int]) -> None:
    """Count these items, which have just become delivered (their stored status says so)."""
    if not item_ids:
        return
    items = PostalItem.objects.filter(pk__in=list(item_ids), status=ItemStatus.DELIVERED)
    _upsert(_counts(items))


@transaction.atomic
def delivery_rollup_rebuild(*, province_code: str | None = None) -> int:
    """Recompute the rollup (of one province, or all) from the items. The rows written."""
    rollups = DeliveryRollup.objects.all()
    items = PostalItem.objects.filter(status=ItemStatus.DELIVERED, delivered_at__isnull=False)
    if province_code:
        rollups = rollups.filter(province_code=province_code)
        items = items.filter(province_code=province_code)
    rollups.delete()
    counts = _counts(items)
    DeliveryRollup.objects.bulk_create(
        [
            DeliveryRollup(
                province_code=province,
                day=day,
                office_code=office,
                service=service,
                delivered=delivered,
                on_time=on_time,
            )
            for (province, day, office, service), (delivered, on_time) in sorted(counts.items())
        ],
        batch_size=1000,
    )
    return len(counts)
