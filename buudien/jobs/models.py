"""Long work done off the request path: a year report's file, an import, a rebuild.

A :class:`Job` is what its requester sees of the work: what it is, how far it has got, and
what it made (a file to download, a summary, or every problem of a refused import). The work
itself runs as a task of Django's tasks framework (``buudien.jobs.tasks.job_run``), on the
database queue by default, in the worker that ``buudien serve`` starts beside the web server.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    province_code = models.CharField(_("province"), max_length=2, blank=True)
    language = models.CharField(_("language"), max_length=10)
    params = models.JSONField(_("parameters"), default=dict)
    upload = models.BinaryField(_("file given"), null=True, blank=True)
    upload_name = models.CharField(_("name of the file given"), max_length=200, blank=True)

    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    step = models.CharField(_("step"), max_length=200, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("of"), default=0)
    message = models.TextField(_("message"), blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    result = models.BinaryField(_("file made"), null=True, blank=True)
    result_name = models.CharField(_("name of the file made"), max_length=200, blank=True)
    result_type = models.CharField(_("type of the file made"), max_length=100, blank=True)

    created_at = models.DateTimeField(_("asked at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="job_requester_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0
