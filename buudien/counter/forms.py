"""What every counter form is made of. Forms only parse; the services decide and refuse.

- ``MoneyField``: whole đồng as the counter writes them (``1500000``, ``1.500.000``,
  ``1 500 000 ₫``), with the amount in words under the input as it is typed;
- ``TokenForm``: a hidden ``token`` made when the form is first shown, the operation's
  idempotency key, so a form sent twice (a double click, a reload) records once;
- ``CounterForm``: a token form at the clerk's own point, or at a point an administrator
  chooses;
- ``date_field``, ``citizen_id_field``, ``counter_points``, ``point_label``, ``CHOOSE``.

No browser validation is relied on (``novalidate`` on the form tag, no ``min``/``max``
attributes): every error comes back from the server, all at once, next to its field.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.core.bizdays import local_today
from buudien.core.imports import UPLOAD_MAX_BYTES, upload_problem
from buudien.core.money import amount_in_words, format_number, format_vnd, vnd_parse
from buudien.network.models import ServicePoint
from buudien.people import access

# The empty choice of every select: "— Chọn —", never Django's "---------".
CHOOSE = pgettext_lazy("empty choice", "— Choose —")


def new_token() -> str:
    """A form's idempotency key, made when the form is shown."""
    return secrets.token_hex(16)


class MoneyInput(forms.TextInput):
    """A text input for đồng: the numeric keypad on a phone, and ``static/counter/money.js``
    writes the amount in words under it as it is typed."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "maxlength": 24,
                "data-money": "",
                **(attrs or {}),
            }
        )

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        attrs = dict(attrs or {})
        target = f"{attrs.get('id') or 'id_' + name}-words"
        attrs.update(
            {
                "hx-get": reverse("counter:words"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": f"#{target}",
                "hx-sync": "this:replace",
            }
        )
        html = super().render(name, value, attrs, renderer)
        words = words_typed(value)
        return format_html(
            '{}<small class="money-words" id="{}" aria-live="polite">{}</small>',
            html,
            target,
            words,
        )

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return format_number(value)
        return super().format_value(value)


def amount_typed(value: Any) -> int | None:
    """The whole đồng in what the counter typed (``1500000``, ``1.500.000``, ``1 500 000 ₫``,
    read by ``core.money.vnd_parse``): None when nothing was typed; ValueError when it is no
    amount."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return vnd_parse(value if not isinstance(value, str) else value[:40])


def words_typed(value: Any) -> str:
    """The amount in words of what an input holds, or nothing when it is no amount above 0."""
    try:
        amount = amount_typed(value)
    except ValueError:
        return ""
    return amount_in_words(amount, capitalize=True) if amount and amount > 0 else ""


class MoneyField(forms.Field):
    """Whole đồng, written as the counter writes it: 1500000, 1.500.000 or 1 500 000 ₫.
    Zero is refused unless ``allow_zero`` (a count of coins, a fee that may be nil); at most
    ``max_value``."""

    widget = MoneyInput

    def __init__(
        self, *, max_value: int | None = None, allow_zero: bool = False, **kwargs: Any
    ) -> None:
        self.max_value = max_value
        self.allow_zero = allow_zero
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        try:
            amount = amount_typed(value)
        except ValueError:
            raise forms.ValidationError(
                _("Write an amount in đồng, e.g. 1.500.000."), code="invalid"
            ) from None
        if amount is None:
            return None
        if amount < 0 or (amount == 0 and not self.allow_zero):
            raise forms.ValidationError(_("The amount must be more than zero."), code="min")
        if self.max_value is not None and amount > self.max_value:
            raise forms.ValidationError(
                _("The amount cannot be more than %(max)s.") % {"max": format_vnd(self.max_value)},
                code="max",
            )
        return amount


class WholeField(forms.IntegerField):
    """A whole number that is no money (grams, millimetres, notes counted, basis points, a
    year): typed on the numeric keypad, refused in the counter's words, never Django's."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)
        self.error_messages = {
            **self.error_messages,
            "invalid": _("Write a whole number, e.g. 1200."),
            "min_value": _("It must be at least %(limit_value)s."),
            "max_value": _("It must be at most %(limit_value)s."),
        }

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # No min/max/step: the browser's own bubble never speaks instead of the server.
        return {}


def date_field(label: Any, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )


def citizen_id_field(label: Any = None, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label or _("Citizen ID"),
        max_length=20,
        required=required,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("12 digits."),
    )


def counter_points(user: Any) -> QuerySet[ServicePoint]:
    """Points with a counter, open today, in the user's scope."""
    return (
        ServicePoint.objects.filter(access.scope_q(user, "unit_path"))
        .with_counter()
        .in_force_on(local_today())
        .order_by("code")
    )


def point_label(point: ServicePoint) -> str:
    return f"{point.code} · {point.name}"


class TokenForm(forms.Form):
    """A form whose hidden ``token`` is the idempotency key of what it records."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", new_token())


class CounterForm(TokenForm):
    """An operation at a counter: the clerk's own point, or a point chosen by an
    administrator who has none."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.own_point: ServicePoint | None = getattr(user, "point", None)
        if self.own_point is None:
            field = forms.ModelChoiceField(
                label=_("Service point"),
                queryset=counter_points(user),
                to_field_name="code",
                empty_label=CHOOSE,
            )
            field.label_from_instance = point_label  # type: ignore[assignment,method-assign]
            self.fields["point"] = field
            self.order_fields(["point"])

    def point(self) -> ServicePoint | None:
        chosen = self.cleaned_data.get("point")
        return chosen if isinstance(chosen, ServicePoint) else self.own_point

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("token", None)
        data.pop("point", None)
        return data


def choose_from(
    form: forms.Form, name: str, queryset: QuerySet[Any]
) -> forms.ModelChoiceField[Any]:
    """Give the choice field ``name`` of ``form`` the rows it offers (known only per user)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset
    return field


class UploadField(forms.FileField):
    """A list to import (CSV or .xlsx), refused before it is read when it is of another kind
    or larger than ``max_bytes``."""

    def __init__(self, *, max_bytes: int = UPLOAD_MAX_BYTES, **kwargs: Any) -> None:
        self.max_bytes = max_bytes
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload:
            problem = upload_problem(upload.name, upload.size, max_bytes=self.max_bytes)
            if problem:
                raise forms.ValidationError(problem, code="upload")
        return upload


class CancelForm(forms.Form):
    """The reason for cancelling an operation that moved money. The service checks it (it is
    required, at most 200 characters) after who may cancel what: the page says what the API
    says, in the same order."""

    reason = forms.CharField(label=_("Reason for cancelling"), required=False)

    def focus(self) -> None:
        """The reason takes the focus: the form came back with an error."""
        self.fields["reason"].widget.attrs["autofocus"] = True


class RefuseForm(CancelForm):
    """The reason a director or an accountant refuses a cancellation for."""

    reason = forms.CharField(label=_("Reason for refusing"), required=False)
