"""Errors a service raises for a person to read. Views and the API turn them into 4xx."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule refused the operation; nothing was changed. ``message`` is translated text."""

    status = 400

    def __init__(self, message: Any, *, field: str | None = None, errors: Any = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.errors = errors


class AccessDenied(DomainError):
    """The user's role does not allow the operation."""

    status = 403


class NotFound(DomainError):
    """No such object, or none the user may know of (the two look the same on purpose)."""

    status = 404
