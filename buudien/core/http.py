from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (every request here does)."""

    htmx: HtmxDetails


def paged(request: HttpRequest, rows: Any, size: int = 50) -> dict[str, Any]:
    """The page of ``rows`` asked for (``?page=``) and the query string of the other filters,
    for the links to the other pages: ``{"page": ..., "query": ...}``."""
    page = Paginator(rows, size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "query": query.urlencode()}
