"""Postage: the tariff in force on a day, the zone, the charged weight and the price.

A price is built in this order, every amount an integer of đồng:

1. **Charged weight.** For light goods (``parcel``, ``ems``) the volumetric weight
   ``length × width × height (cm³) / tariff.volumetric_divisor (cm³/kg)`` is charged when it
   exceeds the actual weight. In millimetres and grams that is simply
   ``l_mm × w_mm × h_mm / divisor`` grams, rounded up to the gram. An item whose actual weight
   is above ``tariff.max_weight_g`` is refused; a bulky light item is not (its volumetric
   weight is priced with the extra steps).
2. **Postage** (``base``): the first step of the zone whose ``up_to_g`` is at least the charged
   weight; above the last step, the last step's price plus
   ``ceil((w − last.up_to_g) / extra_step_g) × extra price`` of the zone.
3. **Remote-commune surcharge**: ``base × remote_surcharge_bp / 10000`` when the recipient
   commune is a ``RemoteCommune`` in force on the day.
4. **Add-ons**: each chosen ``AddOn`` of the tariff costs its fixed price plus
   ``declared_value × rate_bp / 10000``.
5. **VAT** at the tariff's own rate (so a price follows the rate in force that day):
   ``(base + surcharge + add-ons) × vat_rate_bp / 10000``.

Every fraction is rounded half up with :func:`buudien.core.money.round_vnd`.

Zones, by the GSO code of the provinces (2025 codes; the legacy ones fall in the same bands):
the same province is ``province``; the same region is ``region``; any other is ``country``.
The three regions: North ≤ 37 (Hà Nội 01 … Ninh Bình 37), Central 38–68 (Thanh Hóa 38 …
Lâm Đồng 68), South ≥ 70 (Đồng Nai 75, Hồ Chí Minh 79 … Cà Mau 96).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Exists, Q, QuerySet
from django.utils.translation import gettext as _

from buudien.core.errors import DomainError
from buudien.core.money import format_number, format_percent, round_vnd
from buudien.mail.choices import MailService, Zone
from buudien.mail.models import AddOn, RemoteCommune, Tariff, TariffExtra, TariffStep
from buudien.network.choices import AdminAreaLevel, AdminAreaStructure
from buudien.network.geography_selectors import commune_for_structure
from buudien.network.models import AdminArea

BASIS = 10_000  # basis points in one whole

# Light goods: charged by volume when that weighs more than the item.
VOLUMETRIC_SERVICES = frozenset({MailService.PARCEL, MailService.EMS})

# The add-on that carries the fee for cash on delivery.
COD_ADDON = "cod"

# The longest side accepted at a counter (a bulkier item is freight, not mail).
MAX_SIDE_MM = 3_000

# The largest declared value or COD amount of one item, in đồng (100 billion).
MAX_AMOUNT = 100_000_000_000

# Regions by GSO province code: (first code, last code, name).
NORTH_LAST = 37
CENTRAL_LAST = 68
REGION_NORTH, REGION_CENTRAL, REGION_SOUTH = "north", "central", "south"


class Dims(NamedTuple):
    """Outer dimensions of an item in millimetres; (0, 0, 0) when not measured."""

    length_mm: int = 0
    width_mm: int = 0
    height_mm: int = 0


@dataclass(frozen=True, slots=True)
class AddOnLine:
    code: str
    name: str
    amount: int


@dataclass(frozen=True, slots=True)
class Quote:
    tariff: Tariff
    zone: Zone
    charged_weight_g: int
    volumetric_weight_g: int
    remote: bool
    base: int
    surcharge: int
    addons: int
    vat: int
    total: int
    addon_lines: tuple[AddOnLine, ...] = ()

    @property
    def net(self) -> int:
        """The price before VAT: what the service earns."""
        return self.base + self.surcharge + self.addons

    @property
    def vat_rate_bp(self) -> int:
        return self.tariff.vat_rate_bp

    @property
    def vat_rate(self) -> str:
        """ "8%"."""
        return rate_text(self.tariff.vat_rate_bp)


def prepaid(quote: Quote) -> Quote:
    """The same item at no price: its charge was taken by another operation."""
    return replace(quote, base=0, surcharge=0, addons=0, vat=0, total=0, addon_lines=())


def rate_text(basis_points: int) -> str:
    """A rate in basis points as people read it: 800 -> "8%", 850 -> "8,5%"."""
    return format_percent(Decimal(basis_points) / 100, 0 if basis_points % 100 == 0 else 1)


def _date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _grams(grams: int) -> str:
    return format_number(grams)


def tariff_in_force(service: str, day: dt.date) -> Tariff:
    """The tariff of ``service`` valid on ``day`` (the latest start when two overlap)."""
    tariff = (
        Tariff.objects.filter(service=service, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .first()
    )
    if tariff is None:
        label = MailService(service).label if service in MailService.values else service
        raise DomainError(
            _("No tariff for service %(service)s on %(day)s.")
            % {"service": label, "day": _date(day)},
            field="service",
        )
    return tariff


@dataclass(frozen=True, slots=True)
class Grid:
    """What pricing an item reads, read at once (``grid_in_force``): the tariff in force,
    its weight steps in one zone, whether the commune is remote, and the values of the
    caller's ``extra`` expressions (the same on every row)."""

    tariff: Tariff
    zone: str
    steps: list[tuple[int, int]]
    remote: bool
    extra: dict[str, Any]


def grid_in_force(
    service: str,
    day: dt.date,
    *,
    zone: str,
    commune: AdminArea,
    extra: dict[str, tuple[str, list[Any]]] | None = None,
) -> Grid | None:
    """The ``Grid`` of ``service`` on ``day`` for an item to ``commune`` in ``zone``, in one
    query (the steps of the tariff in force, each with its tariff and the flags); None when
    there is no such tariff or it has no step in the zone (``quote`` then reads and refuses
    as it does alone). ``extra``: more columns, by name, as SQL with its parameters. Plain
    SQL: the counter's hot path, where building the same query with the ORM cost more than
    running it."""
    ops = connection.ops
    when = ops.adapt_datefield_value(day)
    more = extra or {}
    columns = ", ".join(f"t.{ops.quote_name(str(f.column))}" for f in Tariff._meta.concrete_fields)
    sql = (
        f"SELECT {columns}, s.up_to_g AS grid_up_to_g, s.price AS grid_price, "
        f"EXISTS (SELECT 1 FROM {RemoteCommune._meta.db_table} r WHERE r.commune_id = %s "
        "AND r.valid_from <= %s AND (r.valid_to IS NULL OR r.valid_to >= %s)) AS grid_remote"
        + "".join(f", ({sql}) AS {ops.quote_name(name)}" for name, (sql, _p) in more.items())
        + f" FROM {TariffStep._meta.db_table} s JOIN {Tariff._meta.db_table} t "
        "ON t.id = s.tariff_id WHERE s.zone = %s AND s.tariff_id = ("
        f"SELECT u.id FROM {Tariff._meta.db_table} u WHERE u.service = %s AND u.valid_from <= %s "
        "AND (u.valid_to IS NULL OR u.valid_to >= %s) ORDER BY u.valid_from DESC LIMIT 1) "
        "ORDER BY s.up_to_g"
    )
    params = [
        commune.pk,
        when,
        when,
        *(value for _snippet, values in more.values() for value in values),
        zone,
        service,
        when,
        when,
    ]
    rows = list(Tariff.objects.raw(sql, params))
    if not rows:
        return None
    first = rows[0]
    return Grid(
        tariff=first,
        zone=zone,
        steps=[(row.grid_up_to_g, row.grid_price) for row in rows],  # type: ignore[attr-defined]
        remote=bool(first.grid_remote),  # type: ignore[attr-defined]
        extra={name: getattr(first, name) for name in more},
    )


def region_of(province_code: str) -> str:
    """North (≤ 37), Central (38–68) or South (≥ 70), by the GSO province code."""
    try:
        code = int(str(province_code).strip())
    except ValueError:
        raise DomainError(
            _("“%(code)s” is not a province code.") % {"code": province_code}, field="province"
        ) from None
    if code <= NORTH_LAST:
        return REGION_NORTH
    if code <= CENTRAL_LAST:
        return REGION_CENTRAL
    return REGION_SOUTH


def zone_for(origin_province_code: str, destination_province_code: str) -> Zone:
    origin = str(origin_province_code).strip().zfill(2)
    destination = str(destination_province_code).strip().zfill(2)
    if origin == destination:
        return Zone.PROVINCE
    if region_of(origin) == region_of(destination):
        return Zone.REGION
    return Zone.COUNTRY


def volumetric_weight_g(dims: Dims, divisor: int) -> int:
    """l × w × h in mm³ over the divisor in cm³/kg is grams; rounded up to the gram."""
    volume = dims.length_mm * dims.width_mm * dims.height_mm
    if volume <= 0 or divisor <= 0:
        return 0
    return -(-volume // divisor)


def commune_2025(commune: AdminArea) -> AdminArea:
    """A commune of the 2025 structure: itself, or what a legacy commune became."""
    if commune.level != AdminAreaLevel.COMMUNE:
        raise DomainError(
            _("“%(name)s” is not a commune.") % {"name": commune.name}, field="recipient_commune"
        )
    current = commune_for_structure(commune, AdminAreaStructure.V2025)
    if current is None:
        raise DomainError(
            _("The commune “%(name)s” (%(code)s) has no successor since 1 July 2025.")
            % {"name": commune.name, "code": commune.code},
            field="recipient_commune",
        )
    return current


def is_remote(commune: AdminArea, day: dt.date) -> bool:
    return _remote_q(commune, day).exists()


def _remote_q(commune: AdminArea, day: dt.date) -> QuerySet[RemoteCommune]:
    return RemoteCommune.objects.filter(commune=commune, valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def _steps_and_remote(
    tariff: Tariff, zone: str, commune: AdminArea | None, day: dt.date
) -> tuple[list[tuple[int, int]], bool]:
    """The weight steps of ``tariff`` in ``zone`` (up to, price) and whether ``commune`` is
    remote on ``day``, in one query (the remote flag rides on each step's row)."""
    rows = TariffStep.objects.filter(tariff=tariff, zone=zone).order_by("up_to_g")
    if commune is None:
        return list(rows.values_list("up_to_g", "price")), False
    found = list(
        rows.annotate(remote=Exists(_remote_q(commune, day))).values_list(
            "up_to_g", "price", "remote"
        )
    )
    if not found:  # no steps to carry the flag: the tariff is refused anyway
        return [], is_remote(commune, day)
    return [(up_to, price) for up_to, price, _remote in found], bool(found[0][2])


def postage(
    tariff: Tariff, zone: str, weight_g: int, *, steps: list[tuple[int, int]] | None = None
) -> int:
    """The price of the weight step of ``weight_g`` in ``zone``, with the extra steps above.
    ``steps``: the (up to, price) steps of the zone, when the caller has read them."""
    if steps is None:
        steps = list(
            TariffStep.objects.filter(tariff=tariff, zone=zone)
            .order_by("up_to_g")
            .values_list("up_to_g", "price")
        )
    if not steps:
        raise DomainError(
            _("The tariff %(tariff)s has no price for this zone.") % {"tariff": tariff.name},
            field="service",
        )
    for up_to_g, price in steps:
        if weight_g <= up_to_g:
            return int(price)
    last_up_to, last_price = steps[-1]
    extra = TariffExtra.objects.filter(tariff=tariff, zone=zone).first()
    if extra is None or tariff.extra_step_g <= 0:
        raise DomainError(
            _("The tariff %(tariff)s has no price above %(grams)s g.")
            % {"tariff": tariff.name, "grams": _grams(last_up_to)},
            field="weight_g",
        )
    extra_steps = -(-(weight_g - last_up_to) // tariff.extra_step_g)
    return int(last_price) + extra_steps * int(extra.price)


def _share(amount: int, rate_bp: int) -> int:
    return round_vnd(Decimal(amount) * rate_bp / BASIS)


def addon_lines(tariff: Tariff, codes: Iterable[str], declared_value: int) -> list[AddOnLine]:
    wanted = list(dict.fromkeys(code.strip() for code in codes if code and code.strip()))
    if not wanted:
        return []
    found = {addon.code: addon for addon in AddOn.objects.filter(tariff=tariff, code__in=wanted)}
    lines = []
    for code in wanted:
        addon = found.get(code)
        if addon is None:
            raise DomainError(
                _("The add-on “%(code)s” is not offered with %(tariff)s.")
                % {"code": code, "tariff": tariff.name},
                field="addons",
            )
        if addon.rate_bp and declared_value <= 0:
            raise DomainError(
                _("The add-on “%(name)s” needs a declared value.") % {"name": addon.name},
                field="declared_value",
            )
        amount = addon.price + _share(declared_value, addon.rate_bp)
        lines.append(AddOnLine(addon.code, addon.name, amount))
    return lines


def cod_needs_amount(codes: Iterable[str], cod_amount: int) -> None:
    """Cash on delivery is one choice, its box and its amount together: the COD fee chosen
    without an amount to collect is refused (a COD amount alone chooses the fee)."""
    if cod_amount <= 0 and COD_ADDON in codes:
        raise DomainError(
            _("Cash on delivery needs the amount to collect from the recipient."),
            field="cod_amount",
        )


def addons_for_item(tariff: Tariff, chosen: Iterable[str], *, cod_amount: int) -> list[str]:
    """The add-on codes an item is charged for: those chosen, once each, and the COD fee
    (``COD_ADDON``) when the item carries a COD amount and the tariff has that add-on. So
    the COD fee is charged when, and only when, there is an amount to collect: chosen
    without one, it is refused (``cod_needs_amount``)."""
    codes = list(dict.fromkeys(code.strip() for code in chosen if code and code.strip()))
    cod_needs_amount(codes, cod_amount)
    if cod_amount > 0 and COD_ADDON not in codes and tariff.addons.filter(code=COD_ADDON).exists():
        codes.append(COD_ADDON)
    return codes


def quote(
    *,
    service: str,
    sender_province: str,
    recipient_commune: AdminArea | None,
    weight_g: int,
    dims: Dims | tuple[int, int, int] | None = None,
    declared_value: int = 0,
    addons: Iterable[str] = (),
    day: dt.date,
    recipient_province: str = "",
    tariff: Tariff | None = None,
    grid: Grid | None = None,
) -> Quote:
    """The price of one item on ``day``. ``recipient_province`` prices to a province when the
    commune is not known (the public calculator): no remote surcharge is then counted.
    ``tariff``: the tariff in force on ``day`` for ``service``, when the caller has read it;
    ``grid``: that and the rest the price reads (``grid_in_force``), for the item's zone."""
    if grid is not None:
        tariff = grid.tariff
    if service not in MailService.values:
        raise DomainError(
            _("Unknown service “%(service)s”.") % {"service": service}, field="service"
        )
    if weight_g <= 0:
        raise DomainError(_("The weight must be more than 0 g."), field="weight_g")
    size = Dims(*dims) if dims is not None else Dims()
    if min(size) < 0:
        raise DomainError(_("Dimensions cannot be negative."), field="length_mm")
    if max(size) > MAX_SIDE_MM:
        raise DomainError(
            _("No side may be longer than %(max)s mm.") % {"max": format_number(MAX_SIDE_MM)},
            field="length_mm",
        )
    if declared_value < 0:
        raise DomainError(_("The declared value cannot be negative."), field="declared_value")
    if declared_value > MAX_AMOUNT:
        raise DomainError(
            _("An amount cannot exceed %(max)s đồng.") % {"max": format_number(MAX_AMOUNT)},
            field="declared_value",
        )
    if tariff is None:
        tariff = tariff_in_force(service, day)
    if weight_g > tariff.max_weight_g:
        raise DomainError(
            _("%(service)s items weigh at most %(max)s g; this one weighs %(weight)s g.")
            % {
                "service": MailService(service).label,
                "max": _grams(tariff.max_weight_g),
                "weight": _grams(weight_g),
            },
            field="weight_g",
        )
    commune = commune_2025(recipient_commune) if recipient_commune is not None else None
    if commune is not None:
        destination = commune.province_code
    elif recipient_province:
        destination = recipient_province
    else:
        raise DomainError(_("Choose the recipient's commune."), field="recipient_commune")
    zone = zone_for(sender_province, destination)
    volumetric = 0
    if service in VOLUMETRIC_SERVICES:
        volumetric = volumetric_weight_g(size, tariff.volumetric_divisor)
    charged = max(weight_g, volumetric)
    if grid is not None and grid.zone == zone and commune is not None:
        steps, remote = grid.steps, grid.remote
    else:
        steps, remote = _steps_and_remote(tariff, zone, commune, day)
    base = postage(tariff, zone, charged, steps=steps)
    surcharge = _share(base, tariff.remote_surcharge_bp) if remote else 0
    lines = addon_lines(tariff, addons, declared_value)
    addons_total = sum(line.amount for line in lines)
    net = base + surcharge + addons_total
    vat = _share(net, tariff.vat_rate_bp)
    return Quote(
        tariff=tariff,
        zone=zone,
        charged_weight_g=charged,
        volumetric_weight_g=volumetric,
        remote=remote,
        base=base,
        surcharge=surcharge,
        addons=addons_total,
        vat=vat,
        total=net + vat,
        addon_lines=tuple(lines),
    )
