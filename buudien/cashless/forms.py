"""Forms of the cashless pages: they parse and offer choices; the services decide."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.cashless import registry, services
from buudien.cashless.choices import PaymentStatus
from buudien.cashless.handlers import COUNTER_PAYMENT
from buudien.counter.forms import CHOOSE, MoneyField, MoneyInput
from buudien.counter.forms import date_field as _date
from buudien.network.models import ServicePoint
from buudien.people import access


def new_key() -> str:
    return f"web:{uuid.uuid4()}"


class RequestForm(forms.Form):
    """A payment request at the counter. ``idempotency_key`` is made when the form is shown,
    so a form sent twice (a double click, a retry) makes one request."""

    point = forms.ModelChoiceField(
        label=_("Service point"),
        queryset=ServicePoint.objects.none(),
        required=False,
        empty_label=CHOOSE,
    )
    amount = MoneyField(
        label=_("Amount (đồng)"),
        max_value=services.AMOUNT_MAX,
        widget=MoneyInput(attrs={"autofocus": True}),
    )
    purpose = forms.CharField(
        label=pgettext_lazy("bank transfer", "Purpose"),
        max_length=services.PURPOSE_MAX,
        help_text=_("What the customer pays for; the bank shows its first letters."),
    )
    reference = forms.CharField(
        label=_("Reference"),
        max_length=services.REFERENCE_MAX,
        required=False,
        help_text=_("The operation paid for, e.g. a receipt or item number."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=())
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=services.KEY_MAX)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        kind_field: Any = self.fields["kind"]
        kind_field.choices = [(kind, registry.label_for(kind)) for kind in registry.kinds()]
        self.fields["kind"].initial = COUNTER_PAYMENT
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_key())
        own = getattr(user, "point", None)
        if own is not None:
            del self.fields["point"]
        else:
            self.fields["point"].required = True
            point_field: Any = self.fields["point"]
            point_field.queryset = (
                ServicePoint.objects.with_counter()
                .filter(access.scope_q(user, "unit_path"))
                .order_by("code")
            )

    def chosen_point(self) -> ServicePoint | None:
        own = getattr(self.user, "point", None)
        return own if own is not None else self.cleaned_data.get("point")


class ConfirmForm(forms.Form):
    bank_reference = forms.CharField(
        label=_("Bank reference"),
        max_length=services.BANK_REFERENCE_MAX,
        help_text=_("The transaction's reference on the bank statement."),
    )
    paid_on = _date(_("Arrived on"))


class CancelForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=300, required=False)


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *PaymentStatus.choices], required=False
    )
    q = forms.CharField(label=_("Code or reference"), max_length=64, required=False)
    date_from = _date(pgettext_lazy("date range", "From"))
    date_to = _date(pgettext_lazy("date range", "To"))


class StatementForm(forms.Form):
    file = forms.FileField(
        label=_("Bank statement (CSV or .xlsx)"),
        help_text=_(
            "The statement as the bank exports it (Vietcombank, VietinBank, BIDV, Agribank, "
            "LPBank ...), or the columns date, amount, description, bank_reference."
        ),
    )


class MatchForm(forms.Form):
    code = forms.CharField(label=_("Payment code"), max_length=16)


class PointsForm(forms.Form):
    as_of = _date(_("As at"))


class BankAccountForm(forms.Form):
    bank_name = forms.CharField(label=_("Bank"), max_length=100)
    bank_bin = forms.RegexField(label=_("Bank BIN"), regex=r"^\d{6}$", max_length=6)
    account_number = forms.RegexField(
        label=_("Account number"), regex=r"^[0-9A-Za-z]{1,19}$", max_length=19
    )
    account_name = forms.CharField(label=_("Account name"), max_length=200)
    ledger_slug = forms.RegexField(
        label=_("Ledger bank code"),
        regex=r"^[a-z0-9][a-z0-9_-]{0,31}$",
        max_length=32,
        help_text=_("The bank account in the ledger is 1121.<code>, e.g. vtb."),
    )


class DecodeForm(forms.Form):
    payload = forms.CharField(
        label=_("VietQR payload"), max_length=512, widget=forms.Textarea(attrs={"rows": 3})
    )
