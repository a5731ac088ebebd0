"""Forms of the payouts pages. They parse; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from buudien.counter.forms import UploadField, choose_from, new_token
from buudien.payouts import services
from buudien.payouts.choices import LineStatus, ListStatus
from buudien.payouts.models import Payer

MAX_FILE_BYTES = 20 * 1024 * 1024

__all__ = ["new_token"]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Citizen ID or name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "placeholder": "020123456789"}
        ),
    )
    done = forms.BooleanField(label=gettext_lazy("Also paid and returned lines"), required=False)


class PayForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=128)
    presented_id = forms.CharField(
        label=gettext_lazy("ID number on the card presented"),
        max_length=20,
        help_text=gettext_lazy(
            "Type the 12 digits from the beneficiary's citizen ID card (also when a "
            "representative comes: the authorisation names the beneficiary)."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    by_proxy = forms.BooleanField(
        label=gettext_lazy("Paid to an authorised representative"), required=False
    )
    proxy_name = forms.CharField(
        label=gettext_lazy("Representative's full name"), max_length=200, required=False
    )
    proxy_citizen_id = forms.CharField(
        label=gettext_lazy("Representative's citizen ID"), max_length=20, required=False
    )
    proxy_document = forms.CharField(
        label=gettext_lazy("Authorisation document number"), max_length=50, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("by_proxy"):
            for name in ("proxy_name", "proxy_citizen_id", "proxy_document"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("Required for a payment to a representative."))
        return data

    def proxy(self) -> services.Proxy | None:
        data = self.cleaned_data
        if not data.get("by_proxy"):
            return None
        return services.Proxy(
            name=data["proxy_name"],
            citizen_id=data["proxy_citizen_id"],
            document=data["proxy_document"],
        )


class ImportForm(forms.Form):
    payer = forms.ModelChoiceField(
        label=pgettext_lazy("payouts", "Payer"), queryset=Payer.objects.none(), empty_label=None
    )
    period = forms.CharField(
        label=gettext_lazy("Month paid (YYYY-MM)"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    reference = forms.CharField(
        label=gettext_lazy("The payer's number of the list"), max_length=100, required=False
    )
    file = UploadField(
        max_bytes=MAX_FILE_BYTES,
        label=gettext_lazy("List (CSV or .xlsx)"),
        help_text=gettext_lazy("One row per beneficiary; the columns of the template."),
    )

    def __init__(self, *args: Any, payers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "payer", payers)

    def clean_period(self) -> dt.date:
        try:
            return services.period_parse(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class CloseForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I confirm: the unpaid lines are returned to the payer and can no longer be paid."
        )
    )


class ListFilterForm(forms.Form):
    period = forms.CharField(
        label=gettext_lazy("Month"),
        max_length=7,
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("payouts", "Status"),
        choices=[("", gettext_lazy("All")), *list(ListStatus.choices)],
        required=False,
    )

    def clean_period(self) -> dt.date | None:
        value = self.cleaned_data.get("period")
        if not value:
            return None
        try:
            return services.period_parse(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class LineFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Citizen ID or name"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=pgettext_lazy("payouts", "Status"),
        choices=[("", gettext_lazy("All")), *list(LineStatus.choices)],
        required=False,
    )
    point = forms.CharField(label=gettext_lazy("Pay point"), max_length=16, required=False)
