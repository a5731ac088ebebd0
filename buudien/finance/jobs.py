"""The daily rollups rebuilt in the background (``ledger.rollups_rebuild``): after an import
of old transfers, or to check the rollups against the transfers they add up. Idempotent, one
day at a time under the day's lock, so the counters go on meanwhile."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from buudien.core.errors import AccessDenied
from buudien.finance import ledger
from buudien.jobs.models import Job
from buudien.jobs.services import Outcome, Progress, job_kind, job_start
from buudien.network import selectors as network
from buudien.people import access


@job_kind("rollups_rebuild")
def rollups_rebuild_run(job: Job, progress: Progress) -> Outcome:
    given = job.params.get("date_from")
    step = _("Rebuilding the rollups, day by day")

    def tick(done: int, total: int) -> None:
        progress(step, done, total)

    written = ledger.rollups_rebuild(
        province_code=job.province_code,
        date_from=dt.date.fromisoformat(given) if given else None,
        progress=tick,
    )
    return Outcome(message=_("Rollup rows written: %(n)d") % {"n": written})


def can_rebuild(user: Any, province_code: str) -> bool:
    """An administrator who sees the whole province."""
    return access.can_manage_network(user) and any(
        unit.province_code == province_code for unit in network.provinces_visible(user)
    )


def rollups_rebuild_start(
    *, actor: Any, province_code: str, date_from: dt.date | None = None
) -> Job:
    if not can_rebuild(actor, province_code):
        raise AccessDenied(_("Only an administrator of the whole province rebuilds its rollups."))
    title = _("Rollups of province %(province)s rebuilt") % {"province": province_code}
    if date_from:
        title = _("Rollups of province %(province)s rebuilt from %(date)s") % {
            "province": province_code,
            "date": f"{date_from:%d/%m/%Y}",
        }
    return job_start(
        kind="rollups_rebuild",
        actor=actor,
        title=title,
        province_code=province_code,
        params={"date_from": date_from.isoformat() if date_from else None},
    )
