"""The one task of the queue: run a job (``buudien.jobs.services.job_execute``)."""

from __future__ import annotations

from django.tasks import task


@task()
def job_run(job_id: str) -> str:
    from buudien.jobs.services import job_execute

    return job_execute(job_id)
