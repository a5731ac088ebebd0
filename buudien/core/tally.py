"""Figures read from a rollup as groups, and summed: a sum where None is "no data" (an
empty period is not a zero), per key or per unit subtree. Shared by the figures of the
services (dossiers, goods)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import fields
from typing import Any, Protocol


def plus(a: int | None, b: int | None) -> int | None:
    """A sum where None is "no data": None + None is None, None + 3 is 3."""
    if a is None:
        return b
    return a if b is None else a + b


# The names of each Summable's fields (``fields`` is slow to ask on every addition: a
# report adds some tens of thousands of groups).
_FIELDS: dict[type, tuple[str, ...]] = {}


class Summable:
    """A dataclass of figures (int or None) that adds another of its kind, field by field."""

    def add(self, other: Any) -> None:
        names = _FIELDS.get(type(self))
        if names is None:
            names = _FIELDS[type(self)] = tuple(f.name for f in fields(self))  # type: ignore[arg-type]
        for name in names:
            theirs = getattr(other, name)
            if theirs is not None:  # plus(): None is "no data"
                ours = getattr(self, name)
                setattr(self, name, theirs if ours is None else ours + theirs)


class Grouped(Protocol):
    """One group of figures: where it belongs (its unit's path, blank when unknown)."""

    @property
    def unit_path(self) -> str: ...

    @property
    def tally(self) -> Any: ...


def total_of[T: Summable](groups: Iterable[Grouped], make: Callable[[], T]) -> T:
    out = make()
    for group in groups:
        out.add(group.tally)
    return out


def tally_by[T: Summable, G: Grouped](
    groups: Iterable[G], key: Callable[[G], Hashable | None], make: Callable[[], T]
) -> dict[Any, T]:
    """The groups' figures summed per ``key`` (groups whose key is None left out)."""
    out: dict[Hashable, T] = {}
    for group in groups:
        found = key(group)
        if found is not None:
            if found not in out:
                out[found] = make()
            out[found].add(group.tally)
    return out


def tally_by_unit[T: Summable](
    groups: Iterable[Grouped], units: Iterable[Any], make: Callable[[], T]
) -> dict[int, T]:
    """Per unit id of ``units`` (e.g. the children of a unit): the figures of its subtree.
    A unit without data has empty figures."""
    chosen = list(units)
    out = {int(unit.pk): make() for unit in chosen}
    for group in groups:
        for unit in chosen:
            if group.unit_path and group.unit_path.startswith(unit.path):
                out[int(unit.pk)].add(group.tally)
                break
    return out
