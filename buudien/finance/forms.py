"""Forms only parse; the selectors decide what the user may see."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def _date(label: Any, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )


class RangeForm(forms.Form):
    province = forms.RegexField(
        label=_("Province code"),
        regex=r"^\d{2}$",
        required=False,
        widget=forms.TextInput(attrs={"size": 3, "maxlength": 2}),
    )
    date_from = _date(pgettext_lazy("date range", "From"))
    date_to = _date(pgettext_lazy("date range", "To"))


class DayForm(forms.Form):
    day = _date(_("Day"))
