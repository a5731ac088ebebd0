"""The API of the agencies' one-stop systems, under /api/dossiers/agency/: an agency's
system, holding a token of its own (``AgencyToken``, issued by an administrator), reads the
dossiers the post handed to that agency and tells their status back (accepted, more
documents needed, being processed, result ready). It sees no other agency's dossiers, and
nothing of the post's ledger. A status told twice under one Idempotency-Key is told once."""

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from ninja.security import HttpBearer

from buudien.core.bizdays import local_now
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.counter import fields
from buudien.counter.api import idempotency_key
from buudien.counter.desk import actor_id, key_clean
from buudien.dossiers.choices import AgencyStatus, Status
from buudien.dossiers.models import Agency, AgencyToken, Dossier, DossierStep
from buudien.people import access
from buudien.people.choices import Role

TOKEN_PREFIX = "hcc_"
NOTE_MAX = 300


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_issue(*, actor: Any, agency: Agency, name: str) -> tuple[AgencyToken, str]:
    """A new token for ``agency``'s system: the row, and the token itself (shown once)."""
    if not access.has_role(actor, frozenset({Role.ADMIN})):
        raise AccessDenied(_("Only an administrator may issue an agency's API token."))
    label = fields.text(name, field="name", label=_("The name"), limit=100)
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = AgencyToken.objects.create(
        agency=agency,
        name=label,
        prefix=key[:8],
        key_hash=_hash(key),
        created_by_id=actor_id(actor),
    )
    return row, key


LAST_USE_EVERY = dt.timedelta(minutes=1)


def agency_of_token(key: str) -> Agency | None:
    """The agency whose system holds ``key`` (a token not revoked), or None."""
    row = (
        AgencyToken.objects.select_related("agency")
        .filter(key_hash=_hash(key), revoked_at__isnull=True, agency__is_active=True)
        .first()
    )
    if row is None:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USE_EVERY:
        # At most one write a minute per token, as the staff's API tokens.
        AgencyToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.agency


class AgencyAuth(HttpBearer):
    """``Authorization: Bearer hcc_...``: the request acts for the token's agency."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith(TOKEN_PREFIX):
            return None
        agency = agency_of_token(token)
        if agency is not None:
            request.agency = agency  # type: ignore[attr-defined]
        return agency


def status_tell(
    *,
    agency: Agency,
    code: str,
    status: str,
    key: str,
    note: str = "",
    at: dt.datetime | None = None,
) -> DossierStep:
    """``agency`` tells the status of a dossier handed to it: a step of the dossier, shown in
    the public lookup. The same key again is the same step; the same key for another
    dossier or status is refused."""
    stored = f"agency:{agency.code}:{key_clean(key, limit=64)}"
    try:
        told = AgencyStatus(status)
    except ValueError:
        raise DomainError(
            _("Unknown status %(status)s; known: %(known)s.")
            % {"status": status, "known": ", ".join(AgencyStatus.values)},
            field="status",
        ) from None
    text = fields.text(note, field="note", label=_("The note"), limit=NOTE_MAX, required=False)
    found = (
        Dossier.objects.filter(
            province_code=agency.province_code, reference=str(code or "").strip().upper()[:24]
        )
        .filter(agency=agency)
        .first()
    )
    if found is None or found.handover_id is None:
        raise NotFound(_("No dossier of yours with this code."), field="code")
    earlier = DossierStep.objects.filter(province_code=agency.province_code, key=stored).first()
    if earlier is not None:
        if (earlier.dossier_id, earlier.kind) != (found.pk, told.step()):
            raise DomainError(
                _("This idempotency key was used for another status."), field="idempotency_key"
            )
        return earlier
    if found.status not in (Status.HANDED_OVER, Status.CLOSED):
        raise DomainError(
            _("Dossier %(code)s is no longer with the agency (%(status)s).")
            % {"code": found.reference, "status": found.get_status_display()},
            field="code",
        )
    step = DossierStep(
        province_code=found.province_code,
        dossier=found,
        kind=told.step(),
        at=at or local_now(),
        note=text,
        key=stored,
    )
    try:
        with transaction.atomic():
            step.save()
    except IntegrityError:  # the same key, told twice at once
        return DossierStep.objects.get(province_code=found.province_code, key=stored)
    return step


# --- the router ------------------------------------------------------------------------------

router = Router(tags=["dossiers: agencies' systems"], auth=AgencyAuth())


class AgencyDossierOut(Schema):
    code: str = Field(alias="reference")
    procedure: str = Field(alias="procedure.code")
    procedure_name: str = Field(alias="procedure.name")
    mode: str
    status: str
    applicant_name: str
    citizen_id: str
    phone: str
    address: str
    documents: list[dict[str, Any]]
    received_at: dt.datetime = Field(alias="created_at")
    due_date: dt.date
    handover: str | None = Field(None, alias="handover.number")


class StatusIn(Schema):
    status: str = Field(description="accepted, more_documents, processing or result_ready")
    note: str = ""


class StatusOut(Schema):
    code: str
    status: str
    at: dt.datetime


def _agency(request: HttpRequest) -> Agency:
    agency: Agency = request.agency  # type: ignore[attr-defined]
    return agency


@router.get(
    "/dossiers",
    response=list[AgencyDossierOut],
    summary="The dossiers the post handed to your agency",
)
@paginate
def agency_dossiers(request: HttpRequest, since: dt.date | None = None) -> Any:
    rows = (
        Dossier.objects.filter(agency=_agency(request), handover__isnull=False)
        .select_related("procedure", "handover")
        .order_by("-handover__created_at", "reference")
    )
    if since is not None:
        rows = rows.filter(handover__created_at__date__gte=since)
    return rows


@router.post(
    "/dossiers/{code}/status",
    response={200: StatusOut},
    summary="Tell the status of a dossier handed to your agency",
)
def agency_status(request: HttpRequest, code: str, payload: StatusIn) -> Any:
    step = status_tell(
        agency=_agency(request),
        code=code,
        status=payload.status,
        note=payload.note,
        key=idempotency_key(request),
    )
    return {"code": step.dossier.reference, "status": payload.status, "at": step.at}
