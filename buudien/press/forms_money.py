"""Forms of the press's money pages: a settlement with a publisher or an ordering agency,
and the period of an attestation. They only parse; the services decide and refuse (every
problem at once, each under its field). A settlement's form carries a token made when it is
shown: its idempotency key, so a form sent twice settles once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.counter.forms import CHOOSE, TokenForm, choose_from, date_field
from buudien.press.models import Programme, Publisher


class _Settlement(TokenForm):
    date_from = date_field(pgettext_lazy("date range", "From"), required=True)
    date_to = date_field(pgettext_lazy("date range", "To"), required=True)
    memo = forms.CharField(label=_("Memo"), max_length=500, required=False)

    def idempotency_key(self) -> str:
        return f"form:{self.cleaned_data['token']}"


class PublisherSettlementForm(_Settlement):
    publisher = forms.ModelChoiceField(
        label=_("Publisher"), queryset=Publisher.objects.none(), empty_label=CHOOSE
    )

    def __init__(self, *args: Any, publishers: QuerySet[Publisher], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "publisher", publishers)
        self.order_fields(["publisher"])


class ProgrammeSettlementForm(_Settlement):
    programme = forms.ModelChoiceField(
        label=_("Public press programme"), queryset=Programme.objects.none(), empty_label=CHOOSE
    )

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "programme", programmes)
        self.order_fields(["programme"])


class AttestationForm(forms.Form):
    """The period of an attestation (``from``, ``to``), one title and one commune at will."""

    title = forms.CharField(label=_("Press title"), max_length=32, required=False)
    commune = forms.CharField(label=_("Commune"), max_length=8, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword: the fields are named as the address names them.
        self.fields["from"] = date_field(pgettext_lazy("date range", "From"), required=True)
        self.fields["to"] = date_field(pgettext_lazy("date range", "To"), required=True)
        self.order_fields(["from", "to", "title", "commune"])
