"""The reads of telecom: the operators of a province, the sales of a day at a point, a sale
by its reference, the stock of card codes per operator and face value. A user sees the sales
of the points in their scope; elsewhere "not found". Codes are never read here in clear."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from buudien.core.errors import AccessDenied, NotFound
from buudien.network.models import ServicePoint
from buudien.people import access
from buudien.people.choices import Role
from buudien.telecom.choices import PinStatus
from buudien.telecom.models import Operator, Pin, PinSale, Topup

# Who reads the sales and the stock of their scope; who sells; who imports codes.
READERS = frozenset({Role.CLERK, Role.ADMIN, Role.ACCOUNTANT, Role.DIRECTOR, Role.AUDITOR})
SELLERS = frozenset({Role.CLERK, Role.ADMIN})
IMPORTERS = frozenset({Role.ACCOUNTANT, Role.ADMIN})


def can_read(user: Any) -> bool:
    return access.has_role(user, READERS)


def can_sell(user: Any) -> bool:
    return access.has_role(user, SELLERS)


def can_import(user: Any) -> bool:
    return access.has_role(user, IMPORTERS)


def require_reader(user: Any) -> None:
    if not can_read(user):
        raise AccessDenied(_("Your role does not handle telecom sales."))


def require_seller(user: Any) -> None:
    if not can_sell(user):
        raise AccessDenied(_("Only a counter clerk or an administrator sells at the counter."))


def require_importer(user: Any) -> None:
    if not can_import(user):
        raise AccessDenied(
            _("Only an accountant or an administrator imports the operators' card codes.")
        )


province_of = access.user_province


def operator_list(*, province_code: str, active_only: bool = True) -> QuerySet[Operator]:
    rows = Operator.objects.filter(province_code=province_code)
    return rows.filter(is_active=True) if active_only else rows


def sale_get(*, user: Any, reference: str) -> Topup | PinSale:
    """A top-up or a code sale by its reference, in the user's scope."""
    require_reader(user)
    text = "".join(str(reference or "").split()).upper()[:24]
    scope = access.scope_q(user, "point__unit_path")
    related = ("point", "operator", "created_by")
    found: Topup | PinSale | None
    if text.startswith("MT"):
        found = PinSale.objects.select_related(*related).filter(scope, reference=text).first()
    else:
        found = Topup.objects.select_related(*related).filter(scope, reference=text).first()
    if found is None:
        raise NotFound(_("No sale with the reference %(reference)s.") % {"reference": text})
    return found


def pin_sale_get(*, user: Any, reference: str) -> PinSale:
    found = sale_get(user=user, reference=reference)
    if not isinstance(found, PinSale):
        raise NotFound(_("No sale with the reference %(reference)s.") % {"reference": reference})
    return found


@dataclass(frozen=True)
class DaySales:
    topups: list[Topup]
    pin_sales: list[PinSale]

    @property
    def cash(self) -> int:
        """What the sales took in cash (cancelled top-ups left out)."""
        return sum(t.amount for t in self.topups if not t.is_cancelled) + sum(
            s.amount for s in self.pin_sales
        )

    @property
    def commission(self) -> int:
        return sum(t.commission for t in self.topups if not t.is_cancelled) + sum(
            s.commission for s in self.pin_sales
        )


def sales_of_day(*, user: Any, point: ServicePoint, day: dt.date) -> DaySales:
    """The top-ups and code sales of ``point`` on ``day``, the latest first."""
    require_reader(user)
    if not access.in_scope(user, point.unit_path) and getattr(user, "point_id", None) != point.pk:
        raise NotFound(_("No such service point."), field="point")
    topups = Topup.objects.select_related("operator").filter(point=point, business_date=day)
    pins = PinSale.objects.select_related("operator").filter(point=point, business_date=day)
    return DaySales(list(topups.order_by("-created_at", "-id")), list(pins.order_by("-id")))


@dataclass(frozen=True)
class Stock:
    operator: Operator
    face_value: int
    available: int
    sold: int


def pin_stock(*, user: Any, province_code: str) -> list[Stock]:
    """The codes of the province per operator and face value: available and sold (one GROUP
    BY)."""
    require_reader(user)
    operators = {op.pk: op for op in Operator.objects.filter(province_code=province_code)}
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for operator_id, value, status, n in (
        Pin.objects.filter(province_code=province_code)
        .values_list("operator_id", "face_value", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts.setdefault((operator_id, value), {})[status] = n
    return [
        Stock(
            operators[operator_id],
            value,
            found.get(PinStatus.AVAILABLE, 0),
            found.get(PinStatus.SOLD, 0),
        )
        for (operator_id, value), found in sorted(
            counts.items(), key=lambda item: (operators[item[0][0]].name, item[0][1])
        )
    ]
