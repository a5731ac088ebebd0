"""Forms only parse; the services decide. The count form has a field per banknote."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.cashdesk.choices import DENOMINATIONS, PayoutMethod
from buudien.core.money import format_number
from buudien.counter.forms import CHOOSE, MoneyField, WholeField, choose_from, new_token
from buudien.counter.forms import date_field as _date
from buudien.network.models import ServicePoint

__all__ = ["new_token"]


def note_field(name: str) -> str:
    return f"count_{name}"


class CountForm(forms.Form):
    """The number of notes of each denomination, the coins as one amount, a note."""

    coins = MoneyField(
        label=_("Coins and small change (đồng)"), allow_zero=True, initial=0, required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for denomination in DENOMINATIONS:
            self.fields[note_field(str(denomination))] = WholeField(
                label=format_number(denomination),
                min_value=0,
                max_value=100_000,
                initial=0,
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "count"}),
            )
        self.order_fields([note_field(str(d)) for d in DENOMINATIONS] + ["coins", "note"])

    def note_fields(self) -> list[tuple[int, forms.BoundField]]:
        return [(d, self[note_field(str(d))]) for d in DENOMINATIONS]

    def counts(self) -> dict[str, int]:
        data = self.cleaned_data
        return {str(d): data.get(note_field(str(d))) or 0 for d in DENOMINATIONS}

    def coins_value(self) -> int:
        return self.cleaned_data.get("coins") or 0


class DecisionForm(forms.Form):
    recounts = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    decision_note = forms.CharField(
        label=_("Note"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class HandoverForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=100)
    amount = MoneyField(label=_("Amount (đồng)"))
    bank = forms.ChoiceField(label=_("Deposited at the bank"), choices=[], required=False)
    to_point = forms.ModelChoiceField(
        label=_("Or handed to the safe of"),
        queryset=ServicePoint.objects.none(),
        required=False,
        help_text=_("Another counter of your unit, e.g. its main office."),
        empty_label=CHOOSE,
    )
    slip = forms.CharField(label=_("Slip number"), required=False, max_length=64)

    def __init__(
        self,
        *args: Any,
        points: QuerySet[ServicePoint],
        banks: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "to_point", points)
        bank = self.fields["bank"]
        assert isinstance(bank, forms.ChoiceField)
        bank.choices = [("", CHOOSE), *banks]  # the province's open accounts only


class ClosingFilterForm(forms.Form):
    date_from = _date(pgettext_lazy("date range", "From"))
    date_to = _date(pgettext_lazy("date range", "To"))


class PayoutForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=100)
    method = forms.ChoiceField(
        label=_("Pay by"), choices=PayoutMethod.choices, widget=forms.RadioSelect
    )
    items = forms.MultipleChoiceField(
        label=_("Items"), widget=forms.CheckboxSelectMultiple, required=True
    )
    payee_name = forms.CharField(
        label=pgettext_lazy("COD payout", "Received by"), required=False, max_length=200
    )
    payee_id_number = forms.CharField(label=_("ID card number"), required=False, max_length=20)
    bank = forms.ChoiceField(label=_("From the account at"), choices=[], required=False)
    payee_account = forms.CharField(label=_("Sender's bank account"), required=False, max_length=40)

    def __init__(
        self,
        *args: Any,
        items: list[str],
        methods: list[str],
        banks: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        bank = self.fields["bank"]
        assert isinstance(bank, forms.ChoiceField)
        bank.choices = banks  # the province's open accounts only
        items_field = self.fields["items"]
        assert isinstance(items_field, forms.MultipleChoiceField)
        items_field.choices = [(s10, s10) for s10 in items]
        method_field = self.fields["method"]
        assert isinstance(method_field, forms.ChoiceField)
        method_field.choices = [(v, lbl) for v, lbl in PayoutMethod.choices if v in methods]
        if len(methods) == 1:
            method_field.initial = methods[0]
