from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from buudien.core.errors import AccessDenied, DomainError, NotFound


class DomainErrorMiddleware:
    """A refused operation in a page becomes a 4xx page in the user's language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/") or not isinstance(exc, DomainError):
            return None
        if isinstance(exc, NotFound):
            title = _("Not found")
        elif isinstance(exc, AccessDenied):
            title = _("Not allowed")
        else:
            title = _("Cannot do that")
        return render(
            request,
            "web/forbidden.html",
            {"title": title, "message": exc.message},
            status=exc.status,
        )
