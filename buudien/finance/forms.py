"""Forms only parse; the selectors decide what the user may see."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.counter.forms import CHOOSE, MoneyField, TokenForm


def _date(label: Any, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )


class RangeForm(forms.Form):
    """A province among those the user may read (chosen, never typed) and a range of days."""

    province = forms.ChoiceField(
        label=_("Province"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the provinces you may see.")},
    )
    date_from = _date(pgettext_lazy("date range", "From"))
    date_to = _date(pgettext_lazy("date range", "To"))

    def __init__(self, *args: Any, provinces: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(provinces) == 1:  # nothing to choose: the one province, preselected
            _choices(self, "province", provinces)
        else:
            _choices(self, "province", [("", CHOOSE), *provinces])


class DayForm(forms.Form):
    day = _date(_("Day"))


def _choices(form: forms.Form, name: str, choices: list[tuple[str, Any]]) -> None:
    """Give the choice field ``name`` of ``form`` what it offers (known only per user)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class CostForm(TokenForm):
    """One cost of a unit or a point, as the accountant books it by hand."""

    date = _date(_("Day booked"), required=True)
    owner = forms.CharField(
        label=_("Unit or point"),
        max_length=32,
        widget=forms.TextInput(attrs={"list": "cost-owners", "autocomplete": "off"}),
        help_text=_("Its code, e.g. BDT2001 or 240001."),
    )
    category = forms.ChoiceField(label=_("Cost account"))
    amount = MoneyField(label=_("Amount (đồng)"), max_value=10**13)
    paid_from = forms.ChoiceField(label=_("Paid from"))
    reference = forms.CharField(label=_("Document number"), max_length=64, required=False)
    memo = forms.CharField(label=_("What it was for"), max_length=200, required=False)

    def __init__(self, *args: Any, payers: list[tuple[str, str]], **kwargs: Any) -> None:
        from buudien.finance.costs import CATEGORIES

        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs["autofocus"] = True
        categories = [(c.code, f"{c.code} · {c.name}") for c in CATEGORIES]
        _choices(self, "category", [("", CHOOSE), *categories])
        _choices(self, "paid_from", [("", CHOOSE), *payers])


class CostFileForm(forms.Form):
    file = forms.FileField(label=_("The accounting system's file (.csv or .xlsx)"))


class BudgetPaymentForm(TokenForm):
    """A payment of a tax to the state budget, from a bank account."""

    date = _date(_("Day paid"), required=True)
    tax = forms.ChoiceField(label=_("Tax"))
    level = forms.ChoiceField(label=_("Budget level"))
    amount = MoneyField(label=_("Amount (đồng)"), max_value=10**13)
    paid_from = forms.ChoiceField(label=_("Paid from"))
    treasury_reference = forms.CharField(
        label=_("Treasury document"), max_length=64, required=False
    )
    memo = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, banks: list[tuple[str, str]], **kwargs: Any) -> None:
        from buudien.finance.choices import BudgetLevel, Tax

        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs["autofocus"] = True
        taxes = [(tax.value, f"{tax.value} · {tax.label}") for tax in Tax]
        _choices(self, "tax", [("", CHOOSE), *taxes])
        _choices(self, "level", list(BudgetLevel.choices))
        _choices(self, "paid_from", [("", CHOOSE), *banks])
        if not self.is_bound:
            self.initial.setdefault("level", BudgetLevel.LOCAL)
