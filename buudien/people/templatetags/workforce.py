"""Template filters of the workforce pages."""

from __future__ import annotations

from django import template

from buudien.people.selectors import COUNT_KEYS

register = template.Library()


@register.filter
def by_contract(counts: dict[str, int]) -> list[int]:
    """A headcount's numbers per contract type, in the columns' order, then the total."""
    return [counts[key] for key in [*COUNT_KEYS, "total"]]
