"""The forms of the money of customer care. Forms only parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from buudien.care.choices import CompensationRule, CompensationStatus
from buudien.counter.forms import CHOOSE, CounterForm, MoneyField, WholeField


class ProposeForm(forms.Form):
    rule = forms.ChoiceField(
        label=_("Rule"), choices=[("", CHOOSE), *CompensationRule.choices], required=False
    )
    loss_bp = WholeField(
        label=_("Share lost (basis points)"),
        required=False,
        help_text=_("10000: all of it; 4000: 40 %."),
    )
    amount = MoneyField(
        label=_("Amount (đồng)"),
        required=False,
        help_text=_("Empty: the most the rules allow."),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", CHOOSE), *CompensationStatus.choices], required=False
    )


class PayForm(CounterForm):
    payee_name = forms.CharField(
        label=_("Paid to"),
        max_length=150,
        required=False,
        help_text=_("Empty: the customer who complained."),
    )
