"""The commune scorecard ("phiếu kết quả của xã"): for one commune of the 2025 structure, what
the post did there in a year against the year before: its service points, the items accepted,
the on-time delivery of its offices, the pensions paid, the administrative dossiers, the press
delivered, the payments made without cash, the payment accounts opened. For the commune's
People's Committee and its post, on one printable page.

Each figure is read from its domain's rollup or records for the commune's points only (a
handful of rows): the ledger's monthly rollup per point and service, the delivery rollup per
office, the dossiers' and the press's figures per point, the VietQR payments and the accounts
opened at the points.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from buudien.agency.models import PaymentAccount
from buudien.cashless.choices import PaymentStatus
from buudien.cashless.models import PaymentRequest
from buudien.core.catalogue import Line, Service, services_of
from buudien.core.errors import DomainError, NotFound
from buudien.dossiers.figures import DossierFigures
from buudien.finance.models import DailyFigure, MonthlyFigure
from buudien.mail.tracking.rollup_models import DeliveryRollup
from buudien.network.choices import (
    AdminAreaLevel,
    AdminAreaStructure,
    PointKind,
)
from buudien.network.models import AdminArea, ServicePoint
from buudien.network.selectors import multi_service_ids
from buudien.people import access
from buudien.planning.selectors import growth, pct, require_reader, shift_year, split_months
from buudien.press.figures import PressFigures

POSTAL = services_of(Line.POSTAL)


def commune_list(*, user: Any, province_code: str) -> list[dict[str, Any]]:
    """The 2025 communes of a province with the number of points serving in each that the
    user may see (communes without one are listed too: they are what coverage lacks)."""
    require_reader(user)
    communes = AdminArea.objects.filter(
        province_code=province_code,
        structure=AdminAreaStructure.V2025,
        level=AdminAreaLevel.COMMUNE,
    ).order_by("name_folded")
    today = timezone.localdate()
    points: QuerySet[ServicePoint] = ServicePoint.objects.in_force_on(today).with_counter()
    if user is not None:
        points = access.visible(user, points, "unit_path")
    counts = dict(
        points.filter(commune__in=communes)
        .values_list("commune")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("commune", "n")
    )
    return [{"code": c.code, "name": c.name, "points": counts.get(c.pk, 0)} for c in communes]


def _between(year: int, today: dt.date) -> tuple[dt.date, dt.date]:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if first > today:
        raise DomainError(_("The year %(year)s has not begun.") % {"year": year}, field="year")
    return first, min(last, today)


def _volumes(
    province_code: str, points: list[int], start: dt.date, end: dt.date
) -> dict[str, tuple[int, int]]:
    """service -> (volume, revenue) of the points over [start, end], from the monthly rollup
    for whole months and the daily one for the rest."""
    whole, edges = split_months(start, end)
    out: dict[str, list[int]] = {}
    parts: list[tuple[Any, str, dt.date, dt.date]] = []
    if whole is not None:
        parts.append((MonthlyFigure, "month", *whole))
    parts += [(DailyFigure, "date", a, b) for a, b in edges]
    for model, column, a, b in parts:
        rows = (
            model.objects.filter(
                province_code=province_code,
                point_id__in=points,
                **{f"{column}__gte": a, f"{column}__lte": b},
            )
            .values_list("service")
            .annotate(volume=Sum("volume"), revenue=Sum("revenue"))
            .order_by()
        )
        for service, volume, revenue in rows:
            found = out.setdefault(service, [0, 0])
            found[0] += int(volume or 0)
            found[1] += int(revenue or 0)
    return {service: (v[0], v[1]) for service, v in out.items()}


def _on_time(province_code: str, codes: list[str], start: dt.date, end: dt.date) -> dict[str, Any]:
    found = DeliveryRollup.objects.filter(
        province_code=province_code, office_code__in=codes, day__gte=start, day__lte=end
    ).aggregate(delivered=Sum("delivered"), on_time=Sum("on_time"))
    delivered = found["delivered"]
    return {"delivered": delivered, "on_time_pct": pct(found["on_time"], delivered)}


def _period(
    province_code: str, points: list[ServicePoint], start: dt.date, end: dt.date
) -> dict[str, Any]:
    ids = [p.pk for p in points]
    volumes = _volumes(province_code, ids, start, end)

    def volume(*services: str) -> int | None:
        known = [volumes[s][0] for s in services if s in volumes]
        return sum(known) if known else None

    revenue = [v[1] for v in volumes.values()]
    dossiers = DossierFigures(province_code=province_code, date_from=start, date_to=end)
    by_point = dossiers.by_point()
    received = [by_point[pk].received for pk in ids if pk in by_point]
    returned = [by_point[pk].returned for pk in ids if pk in by_point]
    press = PressFigures(province_code=province_code, date_from=start, date_to=end).by_point()
    delivered = [
        (press[pk].press_delivered or 0) + (press[pk].public_delivered or 0)
        for pk in ids
        if pk in press
    ]
    cashless = PaymentRequest.objects.filter(
        province_code=province_code,
        point_id__in=ids,
        status=PaymentStatus.CONFIRMED,
        created_at__date__gte=start,
        created_at__date__lte=end,
    ).aggregate(n=Count("pk"), amount=Sum("amount"))
    accounts = PaymentAccount.objects.filter(
        province_code=province_code,
        point_id__in=ids,
        business_date__gte=start,
        business_date__lte=end,
    ).count()
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "revenue": sum(revenue) if revenue else None,
        "items": volume(*POSTAL),
        "items_by_service": {s: volume(s) for s in POSTAL if volume(s) is not None},
        **_on_time(province_code, [p.code for p in points], start, end),
        "pensions_paid": volume(Service.PENSION),
        "bills_collected": volume(Service.COLLECTION),
        "dossiers_received": sum(r or 0 for r in received) if received else None,
        "dossiers_returned": sum(r or 0 for r in returned) if returned else None,
        "press_delivered": sum(delivered) if delivered else None,
        "cashless_payments": cashless["n"] or None,
        "cashless_amount": cashless["amount"],
        "accounts_opened": accounts or None,
    }


# The figures compared with last year, in the order the page shows them.
COMPARED = (
    "revenue",
    "items",
    "delivered",
    "on_time_pct",
    "pensions_paid",
    "bills_collected",
    "dossiers_received",
    "dossiers_returned",
    "press_delivered",
    "cashless_payments",
    "accounts_opened",
)


def commune_scorecard(
    *, user: Any, province_code: str, commune_code: str, year: int
) -> dict[str, Any]:
    """The scorecard of a 2025 commune in ``year`` (to today while it runs) against the same
    days a year before, from the points of the commune the user may see."""
    require_reader(user)
    if not 2000 <= year <= 2100:
        raise DomainError(_("The year must be between 2000 and 2100."), field="year")
    commune = AdminArea.objects.filter(
        province_code=province_code,
        structure=AdminAreaStructure.V2025,
        level=AdminAreaLevel.COMMUNE,
        code=commune_code,
    ).first()
    if commune is None:
        raise NotFound(_("No commune %(code)s in this province.") % {"code": commune_code})
    today = timezone.localdate()
    start, end = _between(year, today)
    everyone: QuerySet[ServicePoint] = ServicePoint.objects.filter(
        province_code=province_code, commune=commune
    )
    if user is not None:
        everyone = access.visible(user, everyone, "unit_path")
    points = list(
        everyone.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=shift_year(start, -1)))
        .select_related("unit")
        .order_by("code")
    )
    multi = set(multi_service_ids(ServicePoint.objects.filter(pk__in=[p.pk for p in points])))
    this = _period(province_code, points, start, end)
    last = _period(province_code, points, shift_year(start, -1), shift_year(end, -1))
    serving = [
        p for p in points if p.opened_on <= end and (p.closed_on is None or p.closed_on > end)
    ]
    return {
        "commune": {"code": commune.code, "name": commune.name},
        "province_code": province_code,
        "year": year,
        "to_date": end < dt.date(year, 12, 31),
        "points": [
            {
                "code": p.code,
                "name": p.name,
                "kind": p.kind,
                "kind_label": str(p.get_kind_display()),
                "unit": p.unit.name,
                "address": p.address,
                "serving": p in serving,
                "cashless": p.cashless,
                "multi_service": p.kind == PointKind.BDVHX and p.pk in multi,
            }
            for p in points
        ],
        "points_serving": len(serving),
        "current": this,
        "previous": last,
        "growth_pct": {
            key: growth(this[key], last[key]) if key != "on_time_pct" else None for key in COMPARED
        },
    }
