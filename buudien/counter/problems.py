"""The refusals of one counter request, gathered so that a form (or an API client) gets
every problem at once, each under its field, instead of the first one only."""

from __future__ import annotations

from typing import Any

from buudien.core.errors import DomainError


class Problems:
    """``check`` runs a cleaning function and keeps its refusal under its field;
    ``raise_any`` refuses the request with all of them (``DomainError.errors`` by field; the
    message names every problem when there are several)."""

    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.found.setdefault(field, []).append(str(message))

    def check[T](self, clean: Any, *args: Any, **kwargs: Any) -> T | None:
        """``clean(*args, **kwargs)``, its refusal kept under its field (None then)."""
        try:
            value: T = clean(*args, **kwargs)
        except DomainError as exc:
            self.add(exc.field or "__all__", exc.message)
            return None
        return value

    def __bool__(self) -> bool:
        return bool(self.found)

    def raise_any(self) -> None:
        if self.found:
            field, messages = next(iter(self.found.items()))
            summary = " ".join(m for ms in self.found.values() for m in ms)
            raise DomainError(
                summary if len(self.found) > 1 else messages[0], field=field, errors=self.found
            )
