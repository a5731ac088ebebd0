"""The commands' console: rich text on the command's own stdout, and one progress bar style
(drawn only on a terminal: a log or a test's captured output gets the final lines alone)."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn


def console_for(stdout: Any) -> Console:
    """A rich console writing to the command's own stdout (so call_command can capture it)."""
    out: TextIO = getattr(stdout, "_out", sys.stdout)
    return Console(file=out, highlight=False)


def progress_bar(console: Console, *, enabled: bool = True) -> Progress:
    """A progress bar, drawn only on a terminal."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not (enabled and console.is_terminal),
    )
