"""Forms of the telecom counter. They only parse: the services decide and refuse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from buudien.core.money import format_vnd
from buudien.counter.forms import CHOOSE, CounterForm, UploadField, WholeField
from buudien.telecom.choices import DENOMINATIONS, MAX_PINS
from buudien.telecom.models import Operator


def _values() -> list[tuple[str, str]]:
    return [("", str(CHOOSE)), *((str(v), format_vnd(v)) for v in DENOMINATIONS)]


def _operators(province_code: str, *, empty: Any) -> list[tuple[str, str]]:
    rows = Operator.objects.filter(province_code=province_code, is_active=True).order_by("name")
    return [("", str(empty)), *((op.code, op.name) for op in rows)]


class _TelecomForm(CounterForm):
    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        point = self.own_point
        unit = getattr(user, "unit", None)
        self.province = point.province_code if point else (unit.province_code if unit else "")


class TopupForm(_TelecomForm):
    phone = forms.CharField(
        label=_("Subscriber number"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "inputmode": "tel",
                "autocomplete": "off",
                "hx-get": reverse_lazy("telecom:operator_of"),
                "hx-trigger": "input changed delay:200ms",
                "hx-target": "#operator-found",
                "hx-sync": "this:replace",
            }
        ),
        help_text=_("10 digits; the operator is found from the prefix."),
    )
    amount = forms.TypedChoiceField(label=_("Amount"), coerce=int, choices=_values)
    operator = forms.ChoiceField(label=_("Operator"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        field = self.fields["operator"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _operators(self.province, empty=_("— From the prefix —"))


class PinSaleForm(_TelecomForm):
    operator = forms.ChoiceField(
        label=_("Operator"), widget=forms.Select(attrs={"autofocus": True})
    )
    face_value = forms.TypedChoiceField(label=_("Face value"), coerce=int, choices=_values)
    quantity = WholeField(label=_("Quantity"), min_value=1, max_value=MAX_PINS, initial=1)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        field = self.fields["operator"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _operators(self.province, empty=CHOOSE)


class ImportForm(forms.Form):
    operator = forms.ChoiceField(label=_("Operator"))
    file = UploadField(label=_("File of codes (CSV or .xlsx)"))

    def __init__(self, *args: Any, province_code: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["operator"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _operators(province_code, empty=CHOOSE)
