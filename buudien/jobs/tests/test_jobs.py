"""Background work: the year report's files and imports asked for on a page or by the API,
their progress, their files for their requester alone, and the database queue's worker."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from docx import Document

from buudien.core.errors import DomainError
from buudien.jobs import services
from buudien.jobs.models import Job, JobStatus
from buudien.planning.models import Plan

pytestmark = pytest.mark.django_db

REPORT = {"province": "20", "year": "2023", "date": "28/12/2023", "period": "year"}
REPORT["figures"] = "estimate"


def test_a_director_asks_for_the_docx_and_downloads_it_from_the_jobs_page(
    client_as: Any, director: Any
) -> None:
    client = client_as(director)
    page = client.get("/planning/report/", REPORT).content.decode()
    assert 'action="/planning/report/file.docx"' in page
    assert 'name="date" value="28/12/2023"' in page
    response = client.post("/planning/report/file.docx", REPORT)
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == JobStatus.DONE and job.requested_by == director
    html = client.get(response["Location"]).content.decode()
    assert "Hoàn tất" in html and "bao-cao-nam-2023-tinh-20.docx" in html
    assert 'hx-trigger="every' not in html  # a finished job is not polled
    assert "/planning/report/?" in html  # the way back to the report
    download = client.get(reverse("jobs:download", args=[job.pk]))
    assert download.status_code == 200
    assert 'filename="bao-cao-nam-2023-tinh-20.docx"' in download["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(download.content)).paragraphs)
    assert "Tổng kết công tác năm 2023 và kế hoạch năm 2024" in text
    listing = client.get(reverse("jobs:index")).content.decode()
    assert "Báo cáo tổng kết năm 2023, tỉnh 20 (.docx)" in listing


def test_a_job_is_its_requesters_alone(client_as: Any, director: Any, auditor: Any) -> None:
    client_as(director).post("/planning/report/file.xlsx", REPORT)
    job = Job.objects.get()
    other = client_as(auditor)
    assert other.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert other.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    assert other.get(f"/api/jobs/{job.pk}").status_code == 404
    assert other.get(f"/api/jobs/{job.pk}/file").status_code == 404
    assert other.get("/api/jobs/not-a-uuid").status_code == 404
    assert "bao-cao" not in other.get(reverse("jobs:index")).content.decode()


def test_a_bad_request_for_a_file_queues_nothing(
    client_as: Any, director: Any, outsider: Any, clerk_a: Any
) -> None:
    client = client_as(director)
    response = client.post("/planning/report/file.docx", {**REPORT, "year": "1850"})
    assert response.status_code == 302 and response["Location"].startswith("/planning/report/?")
    assert client.post("/planning/report/file.pdf", REPORT).status_code == 404
    assert client_as(outsider).post("/planning/report/file.docx", REPORT).status_code == 302
    assert client_as(clerk_a).post("/planning/report/file.docx", REPORT).status_code == 403
    assert not Job.objects.exists()


def test_the_api_answers_202_and_the_file_follows(client_as: Any, director: Any) -> None:
    client = client_as(director)
    body = {"fmt": "xlsx", "province": "20", "year": 2023, "issued_on": "2023-12-28"}
    response = client.post("/api/planning/reports/year/file", body, content_type="application/json")
    assert response.status_code == 202, response.content
    job = response.json()
    assert job["status"] == "done" and job["percent"] == 100
    assert job["file_name"] == "bao-cao-nam-2023-tinh-20.xlsx"
    assert client.get(f"/api/jobs/{job['id']}").json()["status"] == "done"
    file = client.get(job["file_url"])
    assert file.status_code == 200 and file.content[:2] == b"PK"
    assert [item["id"] for item in client.get("/api/jobs").json()] == [job["id"]]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"fmt": "pdf", "year": 2023}, 422, "fmt"),
        ({"fmt": "docx", "year": "2023"}, 422, "year"),
        ({"fmt": "docx", "year": 1850}, 400, "year"),
        ({"fmt": "docx", "year": 2023, "period": "q9"}, 400, "period"),
        ({"fmt": "docx", "year": 2023, "basis": "guess"}, 400, "basis"),
        ({"fmt": "docx", "year": 2023, "province": "04"}, 404, None),
    ],
)
def test_the_api_refuses_a_bad_request_at_once(
    client_as: Any, director: Any, body: dict[str, Any], status: int, field: str | None
) -> None:
    response = client_as(director).post(
        "/api/planning/reports/year/file", body, content_type="application/json"
    )
    assert response.status_code == status, response.content
    if field and status == 400:
        assert response.json()["field"] == field
    assert not Job.objects.exists()


def test_a_clerk_asks_for_no_report_file(client_as: Any, clerk_a: Any) -> None:
    response = client_as(clerk_a).post(
        "/api/planning/reports/year/file",
        {"fmt": "docx", "year": 2023, "province": "20"},
        content_type="application/json",
    )
    assert response.status_code == 403 and "detail" in response.json()
    assert not Job.objects.exists()


def test_an_import_on_the_page_runs_as_a_job_and_a_bad_file_lists_every_problem(
    world: Any, director: Any, client_as: Any
) -> None:
    client = client_as(director)
    bad = SimpleUploadedFile(
        "plans.csv",
        b"year,unit_code,metric,service,amount\n2023,BDT20,revenue,total,abc\n"
        b"2023,NOPE,revenue,total,5\n",
    )
    response = client.post(
        reverse("planning:import") + "?province=20&year=2023", {"kind": "plans", "file": bad}
    )
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == JobStatus.FAILED and len(job.problems) == 2
    assert job.problems[0].startswith("dòng 2, cột amount")
    assert not Plan.objects.exists()
    html = client.get(response["Location"]).content.decode()
    assert "dòng 3, cột unit_code" in html and 'data-testid="job-back"' in html

    good = SimpleUploadedFile(
        "plans.csv", b"year,unit_code,metric,service,amount\n2023,BDT20,revenue,total,1000\n"
    )
    client.post(
        reverse("planning:import") + "?province=20&year=2023", {"kind": "plans", "file": good}
    )
    assert Plan.objects.get().amount == 1000
    done = Job.objects.filter(status=JobStatus.DONE).get()
    assert done.message.startswith("Đã nhập") and done.upload_name == "plans.csv"


def test_an_import_by_the_api_in_the_background(world: Any, director: Any, client_as: Any) -> None:
    client = client_as(director)
    upload = SimpleUploadedFile(
        "plans.csv", b"year,unit_code,metric,service,amount\n2023,BDT20,revenue,total,7\n"
    )
    response = client.post("/api/jobs/imports", {"kind": "plans", "file": upload})
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "done" and Plan.objects.get().amount == 7
    unknown = client.post(
        "/api/jobs/imports", {"kind": "nothing", "file": SimpleUploadedFile("x.csv", b"a\n")}
    )
    assert unknown.status_code == 404 and Job.objects.count() == 1


def test_progress_is_written_per_step_and_at_most_twice_a_second_within_one(
    director: Any, django_assert_num_queries: Any
) -> None:
    job = Job.objects.create(kind="import", title="t", requested_by=director, language="vi")
    progress = services.Progress(job)
    with django_assert_num_queries(2):
        progress("Đọc", 0, 100)
        for done in range(1, 60):
            progress("Đọc", done, 100)  # within half a second: not written
        progress("Ghi", 60, 100)
    job.refresh_from_db()
    assert (job.step, job.done, job.total, job.percent) == ("Ghi", 60, 100, 60)


def test_a_failure_of_the_system_is_told_in_one_sentence_and_a_refusal_with_its_reason(
    director: Any, monkeypatch: Any
) -> None:
    def broken(job: Job, progress: Any) -> services.Outcome:
        raise RuntimeError("disk on fire")

    def refused(job: Job, progress: Any) -> services.Outcome:
        raise DomainError("Không được.")

    monkeypatch.setitem(services._KINDS, "broken", broken)
    monkeypatch.setitem(services._KINDS, "refused", refused)
    first = services.job_start(kind="broken", actor=director, title="a")
    second = services.job_start(kind="refused", actor=director, title="b")
    assert first.status == second.status == JobStatus.FAILED
    assert "disk" not in first.message and "nhật ký" in first.message
    assert second.message == "Không được."
    # Run again (a second delivery of the task): nothing happens twice.
    assert services.job_execute(str(first.pk)) == JobStatus.FAILED


def test_old_jobs_and_their_files_are_forgotten(director: Any, settings: Any) -> None:
    settings.BUUDIEN_JOBS_KEEP_DAYS = 7
    old = Job.objects.create(kind="import", title="old", requested_by=director, language="vi")
    Job.objects.filter(pk=old.pk).update(
        status=JobStatus.DONE, finished_at=timezone.now() - dt.timedelta(days=8), result=b"x"
    )
    recent = Job.objects.create(kind="import", title="new", requested_by=director, language="vi")
    cut = Job.objects.create(kind="import", title="cut", requested_by=director, language="vi")
    Job.objects.filter(pk=cut.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now() - dt.timedelta(hours=7)
    )
    assert services.job_prune() == 1
    assert set(Job.objects.all()) == {recent, cut}
    cut.refresh_from_db()
    assert cut.status == JobStatus.FAILED and "bị gián đoạn" in cut.message


def test_on_the_database_queue_the_job_waits_for_the_worker_and_the_page_polls(
    client_as: Any, director: Any, settings: Any, monkeypatch: Any
) -> None:
    from django_tasks_db.management.commands import db_worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker recycles its connection between tasks, which the test's transaction forbids.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    client = client_as(director)
    response = client.post("/planning/report/file.docx", REPORT)
    job = Job.objects.get()
    assert job.status == JobStatus.QUEUED
    page = client.get(response["Location"]).content.decode()
    assert "Đang chờ" in page and 'hx-trigger="every 1s"' in page
    assert 'data-testid="job-download"' not in page

    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.started_at and job.finished_at
    part = client.get(
        reverse("jobs:detail", args=[job.pk]) + "?part=status", headers={"HX-Request": "true"}
    ).content.decode()
    assert part.startswith('<div id="job-status"') and "hx-trigger" not in part
    assert 'data-testid="job-download"' in part


def test_an_administrator_rebuilds_the_rollups_in_the_background(
    world: Any, admin_user: Any, director: Any, client_as: Any
) -> None:
    from buudien.finance import ledger
    from buudien.finance.models import DailyBalance

    ledger.entry_post(
        actor=None,
        idempotency_key="rebuild-1",
        kind="fee",
        reference="x",
        legs=[
            ledger.Leg(
                ledger.account_for_drawer(world.point_a),
                ledger.account_for_revenue("20", "registered"),
                50_000,
                "registered",
            )
        ],
        province_code="20",
        point=world.point_a,
        business_date=dt.date(2023, 3, 5),
    )
    before = sorted(
        DailyBalance.objects.values_list("account_id", "date", "debit_total", "credit_total")
    )
    DailyBalance.objects.all().delete()

    client = client_as(admin_user)
    page = client.get("/finance/trial-balance/?province=20").content.decode()
    assert 'data-testid="rebuild"' in page
    response = client.post("/finance/rollups/rebuild/", {"province": "20"})
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    assert job.status == JobStatus.DONE and job.total >= 1 and job.done == job.total
    assert sorted(
        DailyBalance.objects.values_list("account_id", "date", "debit_total", "credit_total")
    ) == (before)
    # A director reads the trial balance, and rebuilds nothing.
    other = client_as(director)
    assert (
        'data-testid="rebuild"'
        not in other.get("/finance/trial-balance/?province=20").content.decode()
    )
    assert other.post("/finance/rollups/rebuild/", {"province": "20"}).status_code == 403
    api = other.post(
        "/api/finance/rollups/rebuild", {"province": "20"}, content_type="application/json"
    )
    assert api.status_code == 403 and Job.objects.count() == 1
