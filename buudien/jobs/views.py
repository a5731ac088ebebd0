"""Pages of one's background work: the list, one job's progress (polled while it runs), and
its file."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from buudien.core.http import HtmxHttpRequest
from buudien.jobs import services
from buudien.jobs.models import Job

POLL_SECONDS = 1


def file_response(job: Job) -> HttpResponse:
    response = HttpResponse(bytes(job.result or b""), content_type=job.result_type)
    response["Content-Disposition"] = f'attachment; filename="{job.result_name}"'
    return response


@login_required
def index(request: HttpRequest) -> HttpResponse:
    jobs = services.jobs_of(request.user)[:50]
    return render(
        request, "jobs/index.html", {"jobs": jobs, "keep_days": settings.BUUDIEN_JOBS_KEEP_DAYS}
    )


@login_required
def detail(request: HtmxHttpRequest, job_id: str) -> HttpResponse:
    job = services.job_of(request.user, job_id)
    context = {"job": job, "poll": None if job.finished else POLL_SECONDS}
    if request.htmx and request.GET.get("part") == "status":
        return render(request, "jobs/partials/_status.html", context)
    return render(request, "jobs/detail.html", context)


@login_required
def download(request: HttpRequest, job_id: str) -> HttpResponse:
    return file_response(services.job_file(request.user, job_id))
