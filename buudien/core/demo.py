"""Steps that domain apps add to ``buudien demo``, run in order after the network is built.

An app registers a step in its ``AppConfig.ready``; core knows none of them by name. Steps
run on a freshly built province (``demo --reset`` empties the database first), so they have
nothing to undo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DemoStep:
    order: int
    name: str
    build: Callable[..., Any]  # build(*, seed: int, report: Callable[[str], None]) -> str


_steps: dict[str, DemoStep] = {}


def register_demo_step(step: DemoStep) -> None:
    _steps[step.name] = step


def demo_steps() -> list[DemoStep]:
    return sorted(_steps.values(), key=lambda s: (s.order, s.name))
