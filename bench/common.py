"""Timing helpers shared by the benchmarks.

Every benchmark measures ours and its baseline interleaved, in rounds (``interleaved``): the
load of a shared machine falls on both alike. Its verdict is read from medians: of the
requests for a latency, of the rounds' ratios for a throughput (``rounds_ratio``).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

ROUNDS = 5


def timings_us(fn: Callable[[], object], n: int, warmup: int = 20) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        start = time.perf_counter_ns()
        fn()
        out.append((time.perf_counter_ns() - start) / 1000)
    return out


def interleaved(
    contenders: dict[str, Callable[[], object]], n: int, rounds: int = ROUNDS, warmup: int = 20
) -> dict[str, list[float]]:
    """Each contender ``n`` times in all (µs a call), in ``rounds`` rounds that take turns
    (a, b, c, a, b, c ...), after ``warmup`` calls each."""
    for fn in contenders.values():
        for _ in range(warmup):
            fn()
    out: dict[str, list[float]] = {name: [] for name in contenders}
    per_round = max(1, n // rounds)
    for _ in range(rounds):
        for name, fn in contenders.items():
            out[name].extend(timings_us(fn, per_round, warmup=0))
    return out


def rounds_ratio(ours: list[float], raw: list[float]) -> float:
    """The median over rounds of raw's time / ours (ours' throughput as a share of raw's),
    each round's pair measured one after the other."""
    return statistics.median(r / o for o, r in zip(ours, raw, strict=True))


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def row(label: str, values: list[float]) -> str:
    return (
        f"  {label:<44} p50 {pct(values, 50):>9.0f} µs   p99 {pct(values, 99):>9.0f} µs"
        f"   mean {statistics.fmean(values):>9.0f} µs"
    )


def goal(text: str, ok: bool, failed: str = "BELOW") -> str:
    """A goal's line: what it asks, what was measured, and the verdict."""
    return f"  goal: {text}: {'OK' if ok else failed + ' the goal'}"


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


def lookup_budget(ours: list[float], raw: list[float], hello: list[float]) -> tuple[str, bool]:
    """The public lookups' goal (issue 19), read from one interleaved run: p50 of ours
    <= 2 × (p50 raw + p50 hello-world), and p99 of ours <= p99 raw + p99 hello-world + 1 ms.
    Its lines, and whether both hold."""
    p50_budget = 2 * (pct(raw, 50) + pct(hello, 50))
    p99_budget = pct(raw, 99) + pct(hello, 99) + 1000
    p50_ok, p99_ok = pct(ours, 50) <= p50_budget, pct(ours, 99) <= p99_budget
    lines = "\n".join(
        [
            goal(
                f"p50 ours {pct(ours, 50):.0f} µs ≤ 2 × (raw p50 + hello p50) = "
                f"{p50_budget:.0f} µs",
                p50_ok,
                "OVER",
            ),
            goal(
                f"p99 ours {pct(ours, 99):.0f} µs ≤ raw p99 + hello p99 + 1 ms = "
                f"{p99_budget:.0f} µs",
                p99_ok,
                "OVER",
            ),
        ]
    )
    return lines, p50_ok and p99_ok
