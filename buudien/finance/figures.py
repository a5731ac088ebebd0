"""The ledger's figures for the year-end report: costs by category.

Read from ``DailyBalance`` (the per-account, per-day rollup) of the expense accounts: an
account's code gives its category (``costs.category_of``) and its owner (a point or a unit)
whose cost it is. One GROUP BY per report, a sum per range asked for.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Case, F, Q, Sum, When

from buudien.finance.choices import AccountKind
from buudien.finance.costs import category_of
from buudien.finance.models import Account, DailyBalance


def costs_by_category(
    *,
    province_code: str,
    unit_path: str,
    whole: bool,
    ranges: dict[str, tuple[dt.date, dt.date]],
) -> dict[str, dict[str, int]]:
    """category -> {range name: net cost} of the expense accounts owned in the subtree at
    ``unit_path`` (with ``whole``, every expense account of the province, its own included).
    A category with nothing in any range is left out."""
    accounts = Account.objects.filter(province_code=province_code, kind=AccountKind.EXPENSE)
    if not whole:
        accounts = accounts.filter(
            Q(point__unit_path__startswith=unit_path)
            | Q(point__isnull=True, unit__path__startswith=unit_path)
        )
    spans = Q()
    for start, end in ranges.values():
        spans |= Q(date__gte=start, date__lte=end)
    net = F("debit_total") - F("credit_total")
    rows = (
        DailyBalance.objects.filter(province_code=province_code, account__in=accounts)
        .filter(spans)
        .values("account__code")
        .order_by()
        .annotate(
            **{
                f"in_{name}": Sum(Case(When(date__gte=start, date__lte=end, then=net), default=0))
                for name, (start, end) in ranges.items()
            }
        )
    )
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ranges, 0))
    for row in rows:
        found: dict[str, Any] = dict(row)
        category = category_of(found["account__code"])
        for name in ranges:
            out[category][name] += int(found[f"in_{name}"] or 0)
    return {code: sums for code, sums in out.items() if any(sums.values())}
