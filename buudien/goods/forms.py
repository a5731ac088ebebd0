"""Forms of the goods pages. They only parse: the services check every rule and refuse every
problem of a request at once. The lines of a document (a product's barcode or code, a
quantity, a unit cost) are not Django fields: they come as parallel lists (``code``,
``quantity``, ``unit_cost``) from the lines editor (``lines.py``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from buudien.core.bizdays import local_today
from buudien.counter.forms import (
    CHOOSE,
    CounterForm,
    TokenForm,
    WholeField,
    counter_points,
    point_label,
)
from buudien.goods.choices import OrderChannel, PaymentMethod
from buudien.goods.models import Supplier, Warehouse
from buudien.goods.orders import MAX_WEIGHT_G
from buudien.mail.acceptance.forms import CommuneField, offer_communes
from buudien.network.models import ServicePoint
from buudien.people import access
from buudien.people.choices import Role

province_of = access.user_province


def goods_points(user: Any) -> Any:
    """Points where goods are kept in the user's scope: those with a counter open today and
    the provincial warehouse (which may have none)."""
    warehouses = Warehouse.objects.values("point_id")
    return (
        ServicePoint.objects.filter(access.scope_q(user, "unit_path"))
        .filter(Q(pk__in=counter_points(user).values("pk")) | Q(pk__in=warehouses))
        .order_by("code")
    )


class PointChoiceForm(forms.Form):
    """The point whose stock the home page shows (in the user's scope)."""

    point = forms.ModelChoiceField(
        label=_("Service point"),
        queryset=ServicePoint.objects.none(),
        to_field_name="code",
        required=False,
    )
    q = forms.CharField(label=_("Product"), max_length=60, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["point"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = goods_points(user)
        field.label_from_instance = point_label  # type: ignore[assignment,method-assign]
        field.empty_label = CHOOSE


class GoodsForm(CounterForm):
    """A document at a point: the clerk's own point, or one an administrator (or an
    accountant, at the warehouse) chooses, the warehouse included."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if "point" in self.fields:
            field = self.fields["point"]
            assert isinstance(field, forms.ModelChoiceField)
            points = goods_points(user)
            if getattr(user, "role", "") == Role.ACCOUNTANT:  # at the warehouse only
                points = points.filter(pk__in=Warehouse.objects.values("point_id"))
            field.queryset = points


class SaleForm(GoodsForm):
    payment_method = forms.ChoiceField(
        label=pgettext_lazy("goods", "Payment"),
        choices=[(PaymentMethod.CASH.value, PaymentMethod.CASH.label)],
        initial=PaymentMethod.CASH,
        widget=forms.RadioSelect,
        required=False,
    )
    buyer_tax_code = forms.CharField(
        label=_("Buyer's tax code"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Only when the buyer asks for a VAT invoice: 10 digits, or 10-3 digits."),
    )
    buyer_name = forms.CharField(label=_("Buyer's name"), max_length=200, required=False)
    buyer_address = forms.CharField(label=_("Buyer's address"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        point = getattr(user, "point", None)
        if point is None or point.cashless:  # an administrator's point is checked on posting
            field = self.fields["payment_method"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [
                (method.value, method.label)
                for method in (PaymentMethod.CASH, PaymentMethod.VIETQR)
            ]

    def data_for_service(self) -> dict[str, Any]:
        data = super().data_for_service()
        data["payment_method"] = data.get("payment_method") or PaymentMethod.CASH
        return data


class OrderForm(GoodsForm):
    """Goods ordered by a buyer (at the counter or by phone), sent by parcel cash on
    delivery: who and where to, the parcel's weight; the lines come from the editor."""

    channel = forms.ChoiceField(
        label=pgettext_lazy("goods order", "Ordered"),
        choices=OrderChannel.choices,
        initial=OrderChannel.PHONE,
        widget=forms.RadioSelect,
        required=False,
    )
    buyer_name = forms.CharField(label=_("Buyer's name"), max_length=200, required=False)
    buyer_phone = forms.CharField(
        label=_("Buyer's phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    buyer_address = forms.CharField(
        label=_("Buyer's address"),
        max_length=300,
        required=False,
        help_text=_("House number, street, hamlet: the commune is chosen below."),
    )
    buyer_commune = CommuneField(label=_("Buyer's commune"), required=False)
    weight_g = WholeField(
        label=_("Weight of the parcel (g)"),
        min_value=1,
        max_value=MAX_WEIGHT_G,
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        # The communes of the province are offered; a search finds any other.
        self.province_code = ""
        offer_communes(self, "buyer_commune", province_of(user))

    def data_for_service(self) -> dict[str, Any]:
        data = super().data_for_service()
        data["channel"] = data.get("channel") or OrderChannel.PHONE
        return data


class ReasonForm(GoodsForm):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class StocktakeForm(GoodsForm):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReturnForm(TokenForm):
    """Goods of one sale brought back: the reason; the quantities per line."""

    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class ReceiptForm(TokenForm):
    supplier = forms.ChoiceField(label=_("Supplier"), required=False)
    supplier_document = forms.CharField(
        label=_("Supplier's invoice"), max_length=40, required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        suppliers = Supplier.objects.filter(province_code=province_of(user), is_active=True)
        self.fields["supplier"].choices = [  # type: ignore[attr-defined]
            ("", str(CHOOSE)),
            *((s.code, f"{s.name} · {s.get_mode_display()}") for s in suppliers),
        ]


class TransferForm(TokenForm):
    to_point = forms.ChoiceField(label=pgettext_lazy("transfer", "To the point"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        warehouses = Warehouse.objects.values("point_id")
        points = (
            ServicePoint.objects.filter(province_code=province_of(user))
            .with_counter()
            .in_force_on(local_today())
            .exclude(pk__in=warehouses)
            .order_by("code")
        )
        self.fields["to_point"].choices = [  # type: ignore[attr-defined]
            ("", str(CHOOSE)),
            *((p.code, point_label(p)) for p in points),
        ]


class ReturnFindForm(forms.Form):
    number = forms.CharField(
        label=_("Receipt number"),
        max_length=24,
        required=False,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "off", "autocapitalize": "characters"}
        ),
        help_text=_("Scan the barcode on the customer's receipt, or type its number."),
    )
