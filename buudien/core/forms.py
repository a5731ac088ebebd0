from __future__ import annotations

from django import forms

from buudien.core.errors import DomainError


def apply_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Put a service's refusal on the form: on its field when it names one."""
    if isinstance(exc.errors, dict):
        for field, problems in exc.errors.items():
            for problem in problems:
                form.add_error(field if field in form.fields else None, problem)
        return
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
