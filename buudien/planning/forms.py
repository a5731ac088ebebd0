from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.planning.choices import UpliftBasis

IMPORT_KINDS = [
    ("plans", _("Plans")),
    ("revenue", _("Revenue history (monthly)")),
    ("finance", _("Expenses and budget history (monthly)")),
]


class PlanFilterForm(forms.Form):
    province = forms.CharField(label=_("Province"), max_length=2, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=32, required=False)

    def values(self, default_province: str) -> tuple[str, int, str | None]:
        data: dict[str, Any] = self.cleaned_data if self.is_valid() else {}
        return (
            data.get("province") or default_province,
            data.get("year") or timezone.localdate().year,
            data.get("unit") or None,
        )


class UpliftForm(forms.Form):
    pct = forms.DecimalField(
        label=_("Uplift (%)"),
        max_digits=6,
        decimal_places=2,
        min_value=-99,
        max_value=1000,
        initial=2,
    )
    basis = forms.ChoiceField(
        label=pgettext_lazy("uplift basis", "From"), choices=UpliftBasis.choices
    )


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=IMPORT_KINDS)
    file = forms.FileField(label=_("File (.csv or .xlsx)"))
