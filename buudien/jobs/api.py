"""/api/jobs/: one's background work, its progress and its file; imports as background work.

A job asked for here or by another endpoint (``POST /api/planning/reports/year/file``)
answers 202 with the job; ``GET /api/jobs/{id}`` tells how far it has got, and once its
``status`` is ``done`` its ``file_url`` gives the file.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from buudien.core.imports import upload_check
from buudien.jobs import services
from buudien.jobs.models import Job
from buudien.jobs.schemas import JobOut
from buudien.jobs.views import file_response

router = Router(tags=["jobs"])


def job_out(job: Job) -> dict[str, Any]:
    has_file = job.status == "done" and bool(job.result_name)
    return {
        "id": job.pk,
        "kind": job.kind,
        "title": job.title,
        "status": job.status,
        "step": job.step,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "message": job.message,
        "problems": job.problems,
        "file_name": job.result_name,
        "file_url": reverse("api:jobs_file", args=[job.pk]) if has_file else None,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


def accepted(job: Job) -> Status[dict[str, Any]]:
    return Status(202, job_out(job))


@router.get("", response=list[JobOut], summary="Your background work of the last days")
def jobs_list(request: HttpRequest) -> Any:
    return [job_out(job) for job in services.jobs_of(request.user)[:100]]


@router.post(
    "/imports",
    response={202: JobOut},
    summary="Import a CSV or .xlsx file of one kind in the background, all or nothing",
)
def import_start(request: HttpRequest, kind: Form[str], file: File[UploadedFile]) -> Any:
    """The kinds are those of ``buudien import --help``. A file with any problem changes
    nothing: the job fails with every problem, row and column, in ``problems``."""
    upload_check(file)
    job = services.import_start(
        actor=request.user, kind=kind, data=file.read(), name=file.name or "file"
    )
    return accepted(job)


@router.get("/{job_id}", response=JobOut, summary="One of your jobs: its status and progress")
def job_detail(request: HttpRequest, job_id: str) -> Any:
    return job_out(services.job_of(request.user, job_id))


@router.get("/{job_id}/file", summary="The file a finished job made", url_name="jobs_file")
def job_download(request: HttpRequest, job_id: str) -> HttpResponse:
    return file_response(services.job_file(request.user, job_id))
