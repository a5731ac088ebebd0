"""Forms of the insurance pages. They only parse; the services decide and refuse.

The issue form asks for the product first: its kind decides what else is asked (the plate
of a vehicle, the premium when it is not fixed, the citizen ID of a health policy), the part
of the form that follows the product re-drawn as it is chosen (htmx)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from buudien.counter.forms import CHOOSE, CounterForm, MoneyField, citizen_id_field, date_field
from buudien.insurance import selectors
from buudien.insurance.choices import PolicyStatus, ProductKind
from buudien.insurance.models import Product


class IssueForm(CounterForm):
    # Not required here: the service refuses what is missing together with every other
    # problem, so the counter sees them all at once.
    product = forms.ChoiceField(label=_("Insurance product"), required=False)
    policy_number = forms.CharField(
        label=_("Certificate number"),
        max_length=30,
        required=False,
        help_text=_("The number pre-printed on the insurer's certificate; empty: one is issued."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    plate = forms.CharField(
        label=_("Vehicle plate"),
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    premium = MoneyField(label=_("Premium (đồng)"), required=False)
    insured_name = forms.CharField(label=_("Insured"), max_length=150, required=False)
    citizen_id = citizen_id_field(required=False)
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    starts_on = date_field(_("Cover from"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        products = list(selectors.products_for(province_code=selectors.province_of(user)))
        field = self.fields["product"]
        field.choices = [("", str(CHOOSE)), *((p.code, str(p)) for p in products)]  # type: ignore[attr-defined]
        field.widget.attrs["autofocus"] = True
        self.order_fields(["product"])
        source = self.data if self.is_bound else self.initial
        code = str(source.get("product") or "")[:32]
        self.chosen: Product | None = next((p for p in products if p.code == code), None)

    @property
    def health(self) -> bool:
        return self.chosen is not None and self.chosen.kind == ProductKind.HEALTH

    def data_for_service(self) -> dict[str, Any]:
        data = super().data_for_service()
        if self.chosen is None or not self.chosen.plate_required:
            data["plate"] = ""
        if self.chosen is not None and self.chosen.fixed:
            data["premium"] = None
        return data


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        max_length=60,
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autofocus": True,
                "autocomplete": "off",
                "placeholder": _("Number, plate, phone or name"),
            }
        ),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", CHOOSE), *PolicyStatus.choices]
    )


class StatementForm(forms.Form):
    insurer = forms.ChoiceField(label=_("Insurer"))
    month = forms.CharField(
        label=_("Month"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text=_("yyyy-mm"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        insurers = selectors.insurers_for(province_code=selectors.province_of(user))
        self.fields["insurer"].choices = [(i.code, i.name) for i in insurers]  # type: ignore[attr-defined]

    def clean_month(self) -> tuple[int, int]:
        text = str(self.cleaned_data.get("month") or "")
        try:
            year, month = (int(part) for part in text.split("-"))
        except ValueError:
            raise forms.ValidationError(_("Choose a month, e.g. 2026-11.")) from None
        if not (2000 <= year <= 2100 and 1 <= month <= 12):
            raise forms.ValidationError(_("Choose a month, e.g. 2026-11."))
        return year, month
