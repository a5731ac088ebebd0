"""The ledger accounts of a list of counter operations at many points (``counter.many``),
read in one query: the cash drawers of the points and whichever other accounts the
operations post to; those not made yet are made by their ledger function."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial

from buudien.finance import ledger
from buudien.finance.models import Account
from buudien.network.models import ServicePoint


def drawers_of(
    province_code: str,
    points: Iterable[ServicePoint],
    more: Mapping[str, Callable[[], Account]] | None = None,
) -> tuple[dict[int, Account], dict[str, Account]]:
    """Each point's drawer (``1111.<point code>``) by point id, and the accounts of ``more``
    (code -> the ledger function that makes it) by code, in one query."""
    codes = {point.pk: f"{ledger.DRAWER_PREFIX}{point.code}" for point in points}
    wanted: dict[str, Callable[[], Account]] = dict(more or {})
    for point in points:
        wanted[codes[point.pk]] = partial(ledger.account_for_drawer, point)
    found = {
        account.code: account
        for account in Account.objects.filter(province_code=province_code, code__in=list(wanted))
    }
    for code, make in wanted.items():
        if code not in found:
            found[code] = make()
    return {pk: found[code] for pk, code in codes.items()}, found
