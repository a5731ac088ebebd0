"""The legal clock on the care pages: ``{{ row.resolve_by|days_from:today }}``."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def days_from(deadline: dt.date | None, today: dt.date | None) -> int | str:
    """Days from ``today`` to ``deadline`` (negative once past it); "" without both."""
    if deadline is None or today is None:
        return ""
    return (deadline - today).days


@register.filter
def days_late(deadline: dt.date | None, today: dt.date | None) -> int:
    """Days past ``deadline`` on ``today`` (0 when not past it)."""
    if deadline is None or today is None:
        return 0
    return max((today - deadline).days, 0)
