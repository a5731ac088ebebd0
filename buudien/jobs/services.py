"""Starting a job and running it: ``job_start`` records the job and puts it on the tasks
queue; the worker calls ``job_execute``, which runs the kind's runner with a ``Progress`` the
runner advances, and keeps what it made.

A kind is a function ``runner(job, progress) -> Outcome`` registered with ``@job_kind(name)``
by the app that owns the work (the year report's file in ``planning.jobs``, imports here).
A runner raising ``DomainError`` refuses the work with its message (and, for an import, every
problem with its row and column); anything else is a failure of the system, logged whole and
told to the requester in one sentence.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from buudien.core.errors import DomainError, NotFound
from buudien.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5  # seconds between two writes of the same step's progress
PROBLEMS_KEPT = 1000
STALE_AFTER = dt.timedelta(hours=6)


@dataclass(frozen=True)
class Outcome:
    """What a runner made: a sentence for the requester, and a file to download or none."""

    message: str = ""
    file: bytes | None = None
    file_name: str = ""
    content_type: str = "application/octet-stream"


Runner = Callable[[Job, "Progress"], Outcome]
_KINDS: dict[str, Runner] = {}


def job_kind(name: str) -> Callable[[Runner], Runner]:
    def register(runner: Runner) -> Runner:
        _KINDS[name] = runner
        return runner

    return register


class Progress:
    """Called by a runner as it goes: ``progress(step, done, total)``. A new step is written at
    once; the same step's counts at most every half second, so a loop may call it per row."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._written_at = 0.0
        self._step = ""

    def __call__(self, step: str, done: int = 0, total: int = 0) -> None:
        now = time.monotonic()
        if step == self._step and now - self._written_at < PROGRESS_EVERY and done < total:
            return
        self._step, self._written_at = step, now
        Job.objects.filter(pk=self.job.pk).update(
            step=str(step)[:200], done=max(0, done), total=max(0, total)
        )


def job_start(
    *,
    kind: str,
    actor: Any,
    title: str,
    params: dict[str, Any] | None = None,
    province_code: str = "",
    upload: bytes | None = None,
    upload_name: str = "",
) -> Job:
    """Record a job of ``kind`` for ``actor`` and queue it. The caller has checked that the
    actor may ask for it; the runner checks again when it runs, as the actor."""
    from buudien.jobs.tasks import job_run

    if kind not in _KINDS:
        raise NotFound(_("Unknown kind of work: %(kind)s") % {"kind": kind})
    job_prune()
    job = Job.objects.create(
        kind=kind,
        title=str(title)[:200],
        requested_by=actor,
        province_code=province_code,
        language=get_language() or settings.LANGUAGE_CODE,
        params=params or {},
        upload=upload,
        upload_name=upload_name[:200],
    )
    try:
        job_run.enqueue(str(job.pk))
    except Exception:
        Job.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED,
            message=_("The work could not be queued; try again."),
            finished_at=timezone.now(),
        )
        raise
    job.refresh_from_db()
    return job


def job_execute(job_id: str) -> str:
    """Run a queued job once (a second delivery of the same task finds it taken) and keep
    what it made. Returns the job's status."""
    taken = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    job = Job.objects.select_related("requested_by").get(pk=job_id)
    if not taken:
        return str(job.status)
    with translation.override(job.language):
        try:
            outcome = _KINDS[job.kind](job, Progress(job))
        except DomainError as exc:
            lines = exc.lines() if hasattr(exc, "lines") else []
            return _finish(
                job, JobStatus.FAILED, message=str(exc.message), problems=lines[:PROBLEMS_KEPT]
            )
        except Exception:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            return _finish(
                job,
                JobStatus.FAILED,
                message=_(
                    "The work stopped on an error of the system. Nothing of it was kept; the "
                    "error is in the server's log."
                ),
            )
        return _finish(
            job,
            JobStatus.DONE,
            message=outcome.message,
            result=outcome.file,
            result_name=outcome.file_name,
            result_type=outcome.content_type if outcome.file is not None else "",
        )


def _finish(job: Job, status: str, **fields: Any) -> str:
    Job.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(), **fields)
    return status


def job_prune(now: dt.datetime | None = None) -> int:
    """Forget the jobs finished more than ``BUUDIEN_JOBS_KEEP_DAYS`` days ago (their files
    with them), and the queue's own records of them; end those cut short. Returns the number
    of jobs forgotten."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    # A job still running after STALE_AFTER was cut short (its worker stopped mid-way): said so,
    # so that its page stops waiting for it.
    Job.objects.filter(status=JobStatus.RUNNING, started_at__lt=now - STALE_AFTER).update(
        status=JobStatus.FAILED,
        finished_at=now,
        message=_("The work was interrupted (its worker stopped); ask for it again."),
    )
    before = now - dt.timedelta(days=settings.BUUDIEN_JOBS_KEEP_DAYS)
    forgotten, _counts = Job.objects.filter(
        Q(finished_at__lt=before) | Q(finished_at=None, created_at__lt=before)
    ).delete()
    DBTaskResult.objects.filter(finished_at__lt=before).delete()
    return forgotten


def jobs_of(user: Any) -> Any:
    """The jobs ``user`` asked for, newest first (a superuser's own too: a job's file is its
    requester's)."""
    return Job.objects.filter(requested_by=user).defer("upload", "result")


def job_of(user: Any, job_id: Any) -> Job:
    """One of ``user``'s jobs, or not found (another person's job is not theirs to see)."""
    job = jobs_of(user).filter(pk=job_id).first() if _is_uuid(job_id) else None
    if job is None:
        raise NotFound(_("No such work."))
    return job


def job_file(user: Any, job_id: Any) -> Job:
    job = job_of(user, job_id)
    full = Job.objects.only("result", "result_name", "result_type").get(pk=job.pk)
    if full.result is None:
        raise NotFound(_("This work made no file, or it is not ready yet."))
    return full


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


# --- imports ------------------------------------------------------------------------------


@job_kind("import")
def import_run(job: Job, progress: Progress) -> Outcome:
    """An all-or-nothing import of ``params["kind"]`` from the file given, as its requester."""
    from buudien.core.imports import import_file

    result = import_file(
        job.params["kind"],
        io.BytesIO(bytes(job.upload or b"")),
        actor=job.requested_by,
        name=job.upload_name,
        progress=progress,
    )
    return Outcome(message=_("Imported: %(result)s.") % {"result": result})


def import_start(*, actor: Any, kind: str, data: bytes, name: str, back: str = "") -> Job:
    """Check that ``actor`` may import ``kind``, then queue the import of ``data``. ``back``:
    the page the job's page leads back to."""
    from buudien.core.imports import get_kind
    from buudien.finance.selectors import user_province_code

    get_kind(kind)(actor=actor).check_access()
    return job_start(
        kind="import",
        actor=actor,
        title=_("Import of %(kind)s: %(name)s") % {"kind": kind, "name": name},
        params={"kind": kind, "back": back},
        province_code=user_province_code(actor) or "",
        upload=data,
        upload_name=name,
    )
