"""An agency's one-stop system through its own token: it reads the dossiers handed to it,
tells their status once per key, and sees nothing of another agency."""

from __future__ import annotations

from typing import Any

import pytest

from buudien.core.errors import AccessDenied
from buudien.dossiers import agency_api, selectors, services
from buudien.dossiers.choices import AgencyKind, StepKind
from buudien.dossiers.models import Agency, DossierStep
from buudien.dossiers.tests.test_services import receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def handed(clerk_a, world, procedure) -> Any:
    dossier = receive(clerk_a, world, procedure)
    services.handover_send(
        actor=clerk_a, point=world.point_a, agency=procedure.agency, dossiers=[dossier.reference]
    )
    return dossier


@pytest.fixture
def token(admin_user, agency) -> str:
    return agency_api.token_issue(actor=admin_user, agency=agency, name="Một cửa tỉnh")[1]


def bearer(token: str, key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


def test_the_agency_reads_its_dossiers_and_tells_their_status(client, token, handed):
    listed = client.get("/api/dossiers/agency/dossiers", headers=bearer(token)).json()
    assert [row["code"] for row in listed["items"]] == [handed.reference]
    assert listed["items"][0]["citizen_id"] == "020123456789"

    url = f"/api/dossiers/agency/dossiers/{handed.reference}/status"
    body = {"status": "result_ready", "note": "Đã ký"}
    first = client.post(url, body, content_type="application/json", headers=bearer(token, "s1"))
    again = client.post(url, body, content_type="application/json", headers=bearer(token, "s1"))
    assert (first.status_code, again.status_code) == (200, 200)
    assert DossierStep.objects.filter(kind=StepKind.AGENCY_READY).count() == 1
    public = selectors.public_lookup(code=handed.reference)
    assert "Cơ quan đã có kết quả" in [step.label for step in public.steps]

    other = client.post(
        url, {"status": "processing"}, content_type="application/json", headers=bearer(token, "s1")
    )
    assert other.status_code == 400


def test_no_token_no_access_and_another_agency_sees_nothing(
    client, client_as, clerk_a, admin_user, world, handed
):
    assert client.get("/api/dossiers/agency/dossiers").status_code == 401
    # A logged-in clerk is no agency's system.
    assert client_as(clerk_a).get("/api/dossiers/agency/dossiers").status_code == 401
    other = Agency.objects.create(
        province_code="20",
        code="so-tu-phap",
        name="Sở Tư pháp",
        kind=AgencyKind.DEPARTMENT,
        handover_point=world.point_a,
    )
    key = agency_api.token_issue(actor=admin_user, agency=other, name="STP")[1]
    listed = client.get("/api/dossiers/agency/dossiers", headers=bearer(key)).json()
    assert listed["items"] == []
    answer = client.post(
        f"/api/dossiers/agency/dossiers/{handed.reference}/status",
        {"status": "accepted"},
        content_type="application/json",
        headers=bearer(key, "x1"),
    )
    assert answer.status_code == 404


def test_a_revoked_token_is_refused(client, token, handed):
    from django.utils import timezone

    from buudien.dossiers.models import AgencyToken

    AgencyToken.objects.update(revoked_at=timezone.now())
    assert client.get("/api/dossiers/agency/dossiers", headers=bearer(token)).status_code == 401


def test_only_an_administrator_issues_tokens(clerk_a, agency):
    with pytest.raises(AccessDenied):
        agency_api.token_issue(actor=clerk_a, agency=agency, name="x")


def test_an_unknown_status_and_a_missing_key_are_refused(client, token, handed):
    url = f"/api/dossiers/agency/dossiers/{handed.reference}/status"
    unknown = client.post(
        url, {"status": "done"}, content_type="application/json", headers=bearer(token, "u1")
    )
    assert unknown.status_code == 400 and unknown.json()["field"] == "status"
    keyless = client.post(
        url, {"status": "accepted"}, content_type="application/json", headers=bearer(token)
    )
    assert keyless.status_code == 400 and keyless.json()["field"] == "idempotency_key"


def test_an_agency_tokens_last_use_is_written_at_most_once_a_minute(
    agency: Agency, admin_user: Any, django_assert_num_queries: Any, time_machine: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    from buudien.dossiers.models import AgencyToken

    row, key = agency_api.token_issue(actor=admin_user, agency=agency, name="Một cửa")
    assert agency_api.agency_of_token(key) == agency  # first use: written
    first = AgencyToken.objects.get(pk=row.pk).last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # the read alone
        assert agency_api.agency_of_token(key) == agency
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=2))
    agency_api.agency_of_token(key)
    assert AgencyToken.objects.get(pk=row.pk).last_used_at > first
