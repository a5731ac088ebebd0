"""Keeping the care rollup (``CareRollup``) up to date: each function adds one row's worth of
counters with ONE upsert (``core.rollup``), in the caller's transaction.

- ``rollup_received``: a request lodged, in the month it was received, at its origin unit;
- ``rollup_closed``: a request closed, in the month it was received (so the share closed in
  time is read per month of receipt), closed within ``resolve_by`` or not, upheld or not;
- ``rollup_paid``: a compensation paid, in the month it was paid.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from buudien.care.choices import Outcome
from buudien.care.models import CareRequest, CareRollup
from buudien.core import rollup


def _keys(row: CareRequest, day: dt.date) -> dict[str, Any]:
    return {
        "province_code": row.province_code,
        "month": day.replace(day=1),
        "unit_id": row.origin_unit_id,
        "channel": row.channel,
        "kind": row.kind,
        "service": row.service,
        "ground": row.ground,
    }


def rollup_received(row: CareRequest) -> None:
    rollup.add(CareRollup, _keys(row, row.received_on), {"received": 1})


def rollup_closed(row: CareRequest) -> None:
    assert row.closed_on is not None
    rollup.add(
        CareRollup,
        _keys(row, row.received_on),
        {
            "closed": 1,
            "closed_on_time": int(row.closed_on <= row.resolve_by),
            "upheld": int(row.outcome in (Outcome.UPHELD, Outcome.PARTLY)),
        },
    )


def rollup_paid(row: CareRequest, amount: int, day: dt.date) -> None:
    rollup.add(CareRollup, _keys(row, day), {"compensations": 1, "compensation_paid": amount})
