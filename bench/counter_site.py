"""The settings and URLconf of the server that ``bench.counter_http`` starts: the project's
own settings and URLs, and ``/bench/hello``, a bare Django view (the framework's floor for a
request through the same server and middleware). Bench only: production serves
``buudien.settings``, whose URLconf has no such view."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from buudien.settings import *  # noqa: F403

ROOT_URLCONF = "bench.counter_site"

_URLS: list[Any] = []


def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"hello", content_type="text/plain")


def __getattr__(name: str) -> Any:
    """``urlpatterns``, made when the URLconf is first read (after the apps are loaded, which
    the site's URLs need; this module is the settings too, read before)."""
    if name != "urlpatterns":
        raise AttributeError(name)
    if not _URLS:
        from django.urls import include, path

        _URLS.extend([path("bench/hello", hello), path("", include("buudien.urls"))])
    return _URLS
