"""Keeping the insurance rollup (``InsuranceRollup``) up to date, and rebuilding it.

``rollup_policy`` counts a policy just issued (``services.policy_issue``), or just cancelled
(``services.policy_cancel``, with ``cancelled``), on the policy's business day and point, per
insurer and product kind: ONE ``INSERT ... ON CONFLICT DO UPDATE`` that adds the figures, in
the caller's transaction, on both databases.

``rollup_issued_many`` counts the policies of a list (``services.policies_issue_many``),
summed per row, in one upsert per chunk of rows.

``insurance_rollup_rebuild`` recomputes the rows from the policies (one GROUP BY): after an
import, or to check that the incremental path agrees (the tests do).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from buudien.core import rollup as core_rollup
from buudien.insurance.choices import PolicyStatus
from buudien.insurance.models import InsuranceRollup, Policy

TABLE = InsuranceRollup._meta.db_table
KEYS = ("province_code", "day", "point_id", "insurer_id", "kind")
COUNTERS = (
    "policies",
    "premium",
    "commission",
    "cancelled",
    "premium_cancelled",
    "commission_cancelled",
)


def rollup_policy(policy: Policy, *, cancelled: bool = False) -> None:
    """Count ``policy`` as issued, or (``cancelled``) as cancelled."""
    figures = [1, policy.premium, policy.commission]
    values = [0, 0, 0, *figures] if cancelled else [*figures, 0, 0, 0]
    day = policy.business_date
    params: list[Any] = [
        policy.province_code,
        day.isoformat() if connection.vendor != "postgresql" else day,
        policy.point_id,
        policy.insurer_id,
        policy.kind,
        *values,
    ]
    added = ", ".join(f"{name} = {TABLE}.{name} + excluded.{name}" for name in COUNTERS)
    marks = ", ".join(["%s"] * (len(KEYS) + len(COUNTERS)))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} ({', '.join(KEYS)}, {', '.join(COUNTERS)}) VALUES ({marks}) "
            f"ON CONFLICT ({', '.join(KEYS)}) DO UPDATE SET {added}",
            params,
        )


def rollup_issued_many(issued: Mapping[tuple[Any, ...], Sequence[int]]) -> None:
    """Count many policies just issued (``services.policies_issue_many``): by rollup key
    (province, day, point id, insurer id, kind), the policies, premiums and commissions;
    one upsert per chunk of rows (``core.rollup.add_many``)."""
    core_rollup.add_many(
        InsuranceRollup,
        KEYS,
        COUNTERS,
        [[*key, *figures, 0, 0, 0] for key, figures in sorted(issued.items())],
    )


@transaction.atomic
def insurance_rollup_rebuild(*, province_code: str | None = None) -> int:
    """Recompute the rollup (of one province, or all) from the policies. The rows written."""
    policies = Policy.objects.all()
    rollups = InsuranceRollup.objects.all()
    if province_code:
        policies = policies.filter(province_code=province_code)
        rollups = rollups.filter(province_code=province_code)
    rollups.delete()
    gone = Q(status=PolicyStatus.CANCELLED)
    rows = (
        policies.values_list("province_code", "business_date", "point_id", "insurer_id", "kind")
        .annotate(
            n=Count("id"),
            premium_=Sum("premium"),
            commission_=Sum("commission"),
            cancelled_=Count("id", filter=gone),
            premium_cancelled_=Sum("premium", filter=gone),
            commission_cancelled_=Sum("commission", filter=gone),
        )
        .order_by()
    )
    made = [
        InsuranceRollup(
            **dict(zip(KEYS, row[: len(KEYS)], strict=True)),
            **dict(zip(COUNTERS, (int(v or 0) for v in row[len(KEYS) :]), strict=True)),
        )
        for row in rows
    ]
    InsuranceRollup.objects.bulk_create(made, batch_size=1000)
    return len(made)
