from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _

from buudien.core.errors import DomainError


def apply_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Put a service's refusal on the form: on its field when it names one."""
    if isinstance(exc.errors, dict):
        for field, problems in exc.errors.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
        return
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


class DateRangeForm(forms.Form):
    """A form with ``date_from`` and ``date_to``: a range that ends before it starts is
    refused under ``date_to`` (before any service sees it, and on a preview alike)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The range ends before it starts."))
        return data
