"""Forms only parse; the services decide and refuse. Each form that posts money carries a
token made when it is shown: its idempotency key, so a form sent twice posts once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.collection.choices import BillStatus, PartnerKind, PaymentMethod
from buudien.collection.models import Partner
from buudien.collection.services import MAX_BILL, MAX_FEE
from buudien.core.forms import DateRangeForm
from buudien.counter.forms import CHOOSE, MoneyField, TokenForm, WholeField, choose_from, new_token
from buudien.counter.forms import date_field as _date
from buudien.network.models import ServicePoint, Unit

__all__ = ["new_token"]


class _Tokened(TokenForm):
    def idempotency_key(self) -> str:
        return f"form:{self.cleaned_data['token']}"


class CollectForm(_Tokened):
    point = forms.ModelChoiceField(
        label=_("Service point"),
        queryset=ServicePoint.objects.none(),
        required=False,
        empty_label=CHOOSE,
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.none(), empty_label=CHOOSE
    )
    customer_code = forms.CharField(label=_("Customer code"), max_length=40)
    customer_name = forms.CharField(label=_("Customer name"), max_length=200)
    period = forms.CharField(
        label=_("Period"),
        max_length=20,
        required=False,
        help_text=_('The month or term the bill is for, e.g. "10/2026".'),
    )
    amount = MoneyField(label=_("Amount (đồng)"), max_value=MAX_BILL)
    method = forms.ChoiceField(
        label=pgettext_lazy("payment method", "Payment"),
        choices=PaymentMethod.choices,
        initial=PaymentMethod.CASH,
        widget=forms.RadioSelect,
    )

    def __init__(
        self,
        *args: Any,
        partners: QuerySet[Partner],
        points: QuerySet[ServicePoint] | None,
        cashless: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "partner", partners)
        if points is None:
            del self.fields["point"]
        else:
            choose_from(self, "point", points).required = True
        if not cashless:
            method = self.fields["method"]
            assert isinstance(method, forms.ChoiceField)
            method.choices = [(PaymentMethod.CASH.value, PaymentMethod.CASH.label)]


class BillFilterForm(forms.Form):
    date_from = _date(pgettext_lazy("date range", "From"))
    date_to = _date(pgettext_lazy("date range", "To"))
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.none(), required=False, empty_label=CHOOSE
    )
    point = forms.CharField(label=_("Point code"), max_length=16, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *BillStatus.choices], required=False
    )
    q = forms.CharField(
        label=_("Customer or reference"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args: Any, partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "partner", partners)


class PartnerForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^[a-z0-9][a-z0-9_-]{0,31}$",
        max_length=32,
        help_text=_("Lowercase letters, digits, '-' and '_'; names the payable account."),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=PartnerKind.choices)
    bank = forms.RegexField(
        label=_("Settlement bank account"),
        regex=r"^[a-z0-9][a-z0-9_-]{0,31}$",
        max_length=32,
        help_text=_("Short code of the post's bank account (1121.<code>), e.g. vietinbank."),
    )
    payee_account = forms.CharField(
        label=_("Partner's bank account"), max_length=200, required=False
    )
    commission_fixed = MoneyField(
        label=_("Commission per bill (đồng)"), allow_zero=True, max_value=MAX_FEE, initial=0
    )
    commission_bp = WholeField(
        label=_("Commission (basis points of the amount)"),
        min_value=0,
        max_value=10_000,
        initial=0,
        help_text=_("100 basis points = 1 %."),
    )
    commission_min = MoneyField(
        label=_("Minimum commission (đồng)"), allow_zero=True, max_value=MAX_FEE, initial=0
    )
    customer_fee = MoneyField(
        label=_("Customer fee before VAT (đồng)"), allow_zero=True, max_value=MAX_FEE, initial=0
    )
    fee_vat_rate_bp = WholeField(
        label=_("VAT on the fee (basis points)"), min_value=0, max_value=10_000, initial=1_000
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["code"]

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "code"}


class SettlementForm(DateRangeForm, _Tokened):
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.none(), empty_label=CHOOSE
    )
    date_from = _date(pgettext_lazy("date range", "From"), required=True)
    date_to = _date(pgettext_lazy("date range", "To"), required=True)
    memo = forms.CharField(label=_("Memo"), max_length=500, required=False)

    def __init__(self, *args: Any, partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "partner", partners)


class ReconciliationForm(DateRangeForm):
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Partner.objects.none(), required=False, empty_label=CHOOSE
    )
    date_from = _date(pgettext_lazy("date range", "From"))
    date_to = _date(pgettext_lazy("date range", "To"))
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=CHOOSE,
    )

    def __init__(
        self, *args: Any, partners: QuerySet[Partner], units: QuerySet[Unit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "partner", partners)
        choose_from(self, "unit", units)
