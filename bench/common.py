"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def timings_us(fn: Callable[[], object], n: int, warmup: int = 20) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        start = time.perf_counter_ns()
        fn()
        out.append((time.perf_counter_ns() - start) / 1000)
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def row(label: str, values: list[float]) -> str:
    return (
        f"  {label:<44} p50 {pct(values, 50):>9.0f} µs   p99 {pct(values, 99):>9.0f} µs"
        f"   mean {statistics.fmean(values):>9.0f} µs"
    )


def with_hello(site_urlpatterns: list[Any]) -> list[Any]:
    """The site's URLs and ``/bench/hello``: a public django-ninja hello-world, the
    framework's floor for an API lookup measured through the same client and middleware.
    A bench module that measures through HTTP is its own URLconf (``BENCH_URLCONF``)."""
    from django.http import HttpRequest
    from django.urls import path
    from ninja import NinjaAPI

    hello_api = NinjaAPI(urls_namespace="bench_hello", docs_url=None, openapi_url=None)

    @hello_api.get("/hello", auth=None)
    def hello(request: HttpRequest) -> dict[str, str]:
        return {"hello": "world"}

    return [path("bench/", hello_api.urls), *site_urlpatterns]


def lookup_budget(ours: list[float], raw: list[float], hello: list[float]) -> str:
    """The public lookups' requirement: p99 of ours <= p99 raw + p99 hello-world + 2 ms."""
    budget = pct(raw, 99) + pct(hello, 99) + 2000
    verdict = "OK" if pct(ours, 99) <= budget else "OVER the requirement"
    return (
        f"  p99 ours {pct(ours, 99):.0f} µs vs raw p99 + hello p99 + 2 ms = "
        f"{budget:.0f} µs: {verdict}"
    )
