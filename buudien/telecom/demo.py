"""The demo's telecom sales (filled in below)."""

from __future__ import annotations

from collections.abc import Callable


def build(*, seed: int, report: Callable[[str], None]) -> str:
    return ""
