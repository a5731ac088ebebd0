"""Forms of the counter screens. They only parse; the services decide.

Every operation form carries a hidden ``token`` made when the form is first shown: it is
the operation's idempotency key, so a form sent twice (a double click, a reload after a lost
answer) records the operation once.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.agency.choices import OpeningChannel, Partner, SavingsTerm
from buudien.core.bizdays import local_today
from buudien.counter.forms import (
    CounterForm,
    MoneyField,
    choose_from,
    counter_points,
    point_label,
)
from buudien.counter.forms import citizen_id_field as _citizen_id
from buudien.counter.forms import date_field as _date
from buudien.network.models import ServicePoint, Unit
from buudien.people import access

__all__ = ["CounterForm", "MoneyField", "counter_points"]


def _partner_field(label: Any = None, initial: str = Partner.LPBANK) -> forms.ChoiceField:
    return forms.ChoiceField(label=label or _("Partner"), choices=Partner.choices, initial=initial)


class DepositForm(CounterForm):
    book_number = forms.CharField(label=_("Book number"), max_length=20)
    customer_name = forms.CharField(label=_("Customer name"), max_length=150)
    citizen_id = _citizen_id()
    term_months = forms.TypedChoiceField(
        label=_("Term"),
        choices=[("", _("— an existing book —")), *SavingsTerm.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Only when the book is opened now."),
    )
    amount = MoneyField(label=_("Amount (đồng)"))


class WithdrawalForm(CounterForm):
    book_number = forms.CharField(label=_("Book number"), max_length=20)
    citizen_id = _citizen_id(_("Holder's citizen ID"))
    amount = MoneyField(label=_("Amount (đồng)"))


class LoanRepaymentForm(CounterForm):
    partner = _partner_field(_("Partner bank"))
    contract_number = forms.CharField(label=_("Loan contract number"), max_length=40)
    borrower_name = forms.CharField(label=_("Borrower"), max_length=150)
    citizen_id = _citizen_id(required=False)
    amount = MoneyField(label=_("Amount (đồng)"))


class ReferralForm(CounterForm):
    partner = _partner_field(_("Partner bank"))
    applicant_name = forms.CharField(label=_("Applicant"), max_length=150)
    citizen_id = _citizen_id()
    phone = forms.CharField(label=_("Phone"), max_length=20)
    amount_requested = MoneyField(label=_("Amount requested (đồng)"))
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)


class PaymentAccountForm(CounterForm):
    partner = _partner_field()
    account_number = forms.CharField(label=_("Account number"), max_length=20)
    customer_name = forms.CharField(label=_("Customer name"), max_length=150)
    citizen_id = _citizen_id()
    phone = forms.CharField(label=_("Phone"), max_length=20)
    channel = forms.ChoiceField(
        label=_("How it was opened"), choices=OpeningChannel.choices, initial=OpeningChannel.COUNTER
    )


class RemittanceForm(CounterForm):
    sender_name = forms.CharField(label=_("Sender"), max_length=150)
    sender_citizen_id = _citizen_id(_("Sender's citizen ID"))
    sender_phone = forms.CharField(label=_("Sender's phone"), max_length=20, required=False)
    recipient_name = forms.CharField(label=_("Recipient"), max_length=150)
    recipient_citizen_id = _citizen_id(_("Recipient's citizen ID"), required=False)
    recipient_phone = forms.CharField(label=_("Recipient's phone"), max_length=20, required=False)
    destination_point = forms.ModelChoiceField(
        label=_("Paid in cash at"),
        queryset=ServicePoint.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("— not in cash —"),
        help_text=_("The recipient brings their citizen ID and the code on the receipt."),
    )
    recipient_bank = forms.ChoiceField(
        label=_("Or credited to an account at"),
        choices=[("", "—"), *Partner.choices],
        required=False,
    )
    recipient_account = forms.CharField(label=_("Account number"), max_length=20, required=False)
    amount = MoneyField(label=_("Amount sent (đồng)"), help_text=_("The fee and VAT come on top."))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        own = self.own_point
        points = ServicePoint.objects.with_counter().in_force_on(local_today()).order_by("code")
        if own is not None:
            points = points.filter(province_code=own.province_code)
        field = choose_from(self, "destination_point", points)
        field.label_from_instance = point_label  # type: ignore[assignment,method-assign]


class PayForm(CounterForm):
    number = forms.CharField(label=_("Remittance number"), max_length=24)
    secret_code = forms.CharField(
        label=pgettext_lazy("remittance", "Payment code"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    recipient_citizen_id = _citizen_id(_("Recipient's citizen ID"))


def _units(user: Any) -> list[tuple[str, Any]]:
    units = Unit.objects.filter(access.scope_q(user, "path")).order_by("path")[:500]
    return [
        ("", _("Everything I may see")),
        *((u.code, f"{'· ' * u.depth}{u.name}") for u in units),
    ]


class MobilisedForm(forms.Form):
    on = _date(_("As at"))
    unit = forms.ChoiceField(label=_("Unit"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = _units(user)  # type: ignore[attr-defined]


class MonthlyForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    unit = forms.ChoiceField(label=_("Unit"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = _units(user)  # type: ignore[attr-defined]


class BookSearchForm(forms.Form):
    q = forms.CharField(label=_("Book number, name or citizen ID"), max_length=60, required=False)
