"""The one HTTP API of buudien, under /api/. Each app adds its router here."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import DataError
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, re_path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from buudien.core.errors import DomainError
from buudien.people.models import ApiToken

# A token's last use is written at most this often.
LAST_USE_EVERY = dt.timedelta(minutes=1)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` for scanners and other systems."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (
            ApiToken.objects.select_related("user", "user__unit", "user__point")
            .filter(key_hash=ApiToken.hash_key(token), revoked_at__isnull=True)
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at >= LAST_USE_EVERY:
            # At most one write a minute per token: a scanner's burst is not a burst of UPDATEs.
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


class TokenHeaderAuth(APIKeyHeader):
    """The same token in an ``X-API-Key`` header, for clients that cannot set Authorization."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return TokenAuth().authenticate(request, key) if key else None


class BuudienAPI(NinjaAPI):
    """The API whose OpenAPI document is built once per process and language: the routes do
    not change while it runs, and building it takes half a second."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[tuple[str, str], Any] = {}

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        key = (path_prefix, get_language() or "")
        schema = self._schemas.get(key)
        if schema is None:
            schema = self._schemas[key] = super().get_openapi_schema(path_prefix=path_prefix)
        return schema


api = BuudienAPI(
    title="buudien API",
    version="1",
    description="The HTTP API of buudien. Money is an integer number of đồng.",
    auth=[TokenAuth(), TokenHeaderAuth(), django_auth],
    urls_namespace="api",
)


def _error(request: HttpRequest, status: int, message: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": message, **extra}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    extra: dict[str, Any] = {}
    if exc.field:
        extra["field"] = exc.field
    if exc.errors:
        extra["errors"] = exc.errors
    return _error(request, exc.status, str(exc.message), **extra)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, _("Log in or send a valid API token."))


@api.exception_handler(ValidationError)
def on_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 422, _("The request is not valid."), errors=exc.errors)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if message.startswith("Cannot parse request body"):  # ninja's words for a broken body
        message = _("The request body is not valid JSON.")
    return _error(request, exc.status_code, message)


@api.exception_handler(DataError)
@api.exception_handler(ValueError)
def on_nul(request: HttpRequest, exc: Exception) -> HttpResponse:
    """PostgreSQL cannot store the NUL character: psycopg refuses a text holding one before
    it reaches the server (nothing is written; the request's transaction rolls back). The
    client is told, as for any other bad input; any other error of these kinds stays a server
    error."""
    if "NUL" not in str(exc):
        raise exc  # not the client's text: a server error
    return _error(request, 400, _("Text cannot contain the NUL character (\\u0000)."))


from buudien.agency.api import router as agency_router  # noqa: E402
from buudien.care.api import router as care_router  # noqa: E402
from buudien.cashdesk.api import router as cashdesk_router  # noqa: E402
from buudien.cashless.api import router as cashless_router  # noqa: E402
from buudien.collection.api import router as collection_router  # noqa: E402
from buudien.counter.api import router as counter_router  # noqa: E402
from buudien.dossiers.agency_api import router as dossiers_agency_router  # noqa: E402
from buudien.dossiers.api import router as dossiers_router  # noqa: E402
from buudien.emulation.api import router as emulation_router  # noqa: E402
from buudien.finance.api import router as finance_router  # noqa: E402
from buudien.goods.api import router as goods_router  # noqa: E402
from buudien.insurance.api import router as insurance_router  # noqa: E402
from buudien.jobs.api import router as jobs_router  # noqa: E402
from buudien.mail.acceptance.api import router as mail_router  # noqa: E402
from buudien.mail.batches.api import router as mail_batch_router  # noqa: E402
from buudien.mail.operations.api import router as mail_ops_router  # noqa: E402
from buudien.mail.tracking.api import router as tracking_router  # noqa: E402
from buudien.network.api import router as network_router  # noqa: E402
from buudien.payouts.api import router as payouts_router  # noqa: E402
from buudien.people.api import router as people_router  # noqa: E402
from buudien.planning.api import router as planning_router  # noqa: E402
from buudien.press.api import router as press_router  # noqa: E402
from buudien.telecom.api import router as telecom_router  # noqa: E402

api.add_router("/network/", network_router)
api.add_router("/people/", people_router)
api.add_router("/mail/ops/", mail_ops_router)
api.add_router("/mail/batches", mail_batch_router)
api.add_router("/mail/", mail_router)
api.add_router("/tracking/", tracking_router)
api.add_router("/finance/", finance_router)
api.add_router("/collection/", collection_router)
api.add_router("/payouts/", payouts_router)
api.add_router("/agency/", agency_router)
api.add_router("/cashless/", cashless_router)
api.add_router("/cashdesk/", cashdesk_router)
api.add_router("/counter/", counter_router)
api.add_router("/planning/", planning_router)
api.add_router("/jobs", jobs_router)
api.add_router("/dossiers/agency/", dossiers_agency_router)
api.add_router("/dossiers/", dossiers_router)
api.add_router("/goods/", goods_router)
api.add_router("/telecom/", telecom_router)
api.add_router("/insurance/", insurance_router)
api.add_router("/press/", press_router)
api.add_router("/care/", care_router)
api.add_router("/emulation/", emulation_router)


def direct_urls() -> list[URLPattern]:
    """The public tracking lookup (``GET /api/tracking/{s10}``, what customers and partners'
    sites call most), resolved ahead of the site's other URLs and run without ninja's
    operation machinery, which it does not use: its one parameter is a plain string and it
    answers its own HttpResponse. ``buudien.urls`` puts these first. On the bench this took
    ~150 µs off a ~700 µs lookup (resolving the ~300 patterns before it, the parameters'
    validation). Any other method, and the router's fixed paths (``POST
    /api/tracking/events``), go to ninja as before; the OpenAPI document still describes it."""
    from buudien.mail.tracking.api import tracking_get

    ninja_views = {str(p.pattern): p.callback for p in api.urls[0] if isinstance(p, URLPattern)}
    ninja_view = ninja_views["tracking/<s10>"]
    fixed = [
        route.removeprefix("tracking/")
        for route in ninja_views
        if route.startswith("tracking/") and "<" not in route
    ]

    def tracking(request: HttpRequest, s10: str) -> Any:
        if request.method != "GET":
            return ninja_view(request, s10=s10)  # ninja's 405, as before
        return tracking_get(request, s10)

    tracking.csrf_exempt = True  # type: ignore[attr-defined]  # as every ninja view
    not_fixed = "".join(f"(?!{re.escape(name)}$)" for name in fixed)
    return [re_path(rf"^api/tracking/(?P<s10>{not_fixed}[^/]+)\Z", tracking)]
