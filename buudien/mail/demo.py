"""The demo's tariffs: the six mail services over three periods, and the remote communes of
the demo province. A step of ``buudien demo`` (registered in ``MailConfig.ready``).

Prices are in đồng before VAT, shaped like Vietnam Post's published tables (a registered
letter up to 20 g costs 13,000 đ within the province, 16,000 đ to another region). The
tables below are those in force from 1 January 2025 to 31 December 2026; the older tariff
(2023–2024) is 8 % cheaper and the 2027 one 5 % dearer, each price rounded half up to 500 đ.
VAT is 8 % (the reduced rate) until 31 December 2026 and 10 % from 2027.

Repeatable: a second build updates the same tariffs (by service and start date) and the same
remote communes, chosen from the province's communes (not its wards) with the seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from buudien.core.money import round_vnd
from buudien.mail.choices import MailService, Zone
from buudien.mail.models import AddOn, RemoteCommune, Tariff, TariffExtra, TariffStep
from buudien.network.choices import STRUCTURE_2025_FROM, AdminAreaLevel, AdminAreaStructure
from buudien.network.models import AdminArea

PROVINCE = "20"
REMOTE_COMMUNES = 15
ROUND_TO = 500

P, R, C = Zone.PROVINCE, Zone.REGION, Zone.COUNTRY
Steps = dict[str, list[tuple[int, int]]]


@dataclass(frozen=True)
class Period:
    valid_from: dt.date
    valid_to: dt.date | None
    vat_rate_bp: int
    factor: Decimal


PERIODS = [
    Period(dt.date(2023, 1, 1), dt.date(2024, 12, 31), 800, Decimal("0.92")),
    Period(dt.date(2025, 1, 1), dt.date(2026, 12, 31), 800, Decimal("1")),
    Period(dt.date(2027, 1, 1), None, 1_000, Decimal("1.05")),
]


@dataclass(frozen=True)
class Table:
    name: str
    steps: Steps
    extras: dict[str, int]
    max_weight_g: int
    full_course_days: int
    addons: tuple[str, ...]


# fmt: off
TABLES: dict[str, Table] = {
    MailService.REGISTERED: Table(
        "Bưu phẩm bảo đảm",
        {
            P: [(20, 13_000), (100, 15_000), (250, 19_000), (500, 25_000), (1_000, 34_000),
                (1_500, 42_000), (2_000, 49_000)],
            R: [(20, 15_000), (100, 18_000), (250, 23_000), (500, 31_000), (1_000, 43_000),
                (1_500, 53_000), (2_000, 62_000)],
            C: [(20, 16_000), (100, 20_000), (250, 26_000), (500, 35_000), (1_000, 50_000),
                (1_500, 63_000), (2_000, 75_000)],
        },
        {}, 2_000, 3, ("ar", "insurance", "cod"),
    ),
    MailService.ORDINARY: Table(
        "Bưu phẩm thường",
        {
            P: [(20, 4_000), (100, 6_000), (250, 9_000), (500, 14_000), (1_000, 22_000),
                (2_000, 36_000)],
            R: [(20, 4_000), (100, 7_000), (250, 11_000), (500, 17_000), (1_000, 27_000),
                (2_000, 45_000)],
            C: [(20, 4_000), (100, 8_000), (250, 12_000), (500, 19_000), (1_000, 31_000),
                (2_000, 52_000)],
        },
        {}, 2_000, 5, (),
    ),
    MailService.PARCEL: Table(
        "Bưu kiện",
        {
            P: [(500, 22_000), (1_000, 27_000), (1_500, 32_000), (2_000, 37_000)],
            R: [(500, 28_000), (1_000, 35_000), (1_500, 42_000), (2_000, 49_000)],
            C: [(500, 32_000), (1_000, 41_000), (1_500, 50_000), (2_000, 59_000)],
        },
        {P: 3_000, R: 5_000, C: 7_000}, 30_000, 4, ("ar", "insurance", "cod"),
    ),
    MailService.EMS: Table(
        "Chuyển phát nhanh EMS",
        {
            P: [(50, 16_000), (100, 17_000), (250, 20_000), (500, 24_000), (1_000, 31_000),
                (1_500, 38_000), (2_000, 44_000)],
            R: [(50, 21_000), (100, 23_000), (250, 28_000), (500, 35_000), (1_000, 47_000),
                (1_500, 58_000), (2_000, 68_000)],
            C: [(50, 24_000), (100, 28_000), (250, 35_000), (500, 45_000), (1_000, 62_000),
                (1_500, 78_000), (2_000, 93_000)],
        },
        {P: 3_500, R: 7_000, C: 11_000}, 30_000, 2, ("ar", "insurance", "cod"),
    ),
    MailService.KT1: Table(
        "Bưu gửi KT1",
        {
            P: [(100, 25_000), (500, 32_000), (1_000, 42_000), (2_000, 58_000), (5_000, 95_000)],
            R: [(100, 32_000), (500, 42_000), (1_000, 55_000), (2_000, 76_000), (5_000, 125_000)],
            C: [(100, 38_000), (500, 50_000), (1_000, 66_000), (2_000, 92_000), (5_000, 150_000)],
        },
        {}, 5_000, 1, (),
    ),
    MailService.ADMIN_DELIVERY: Table(
        "Chuyển phát hồ sơ, kết quả TTHC",
        {
            P: [(250, 20_000), (500, 23_000), (1_000, 28_000), (2_000, 35_000)],
            R: [(250, 25_000), (500, 29_000), (1_000, 36_000), (2_000, 46_000)],
            C: [(250, 30_000), (500, 35_000), (1_000, 44_000), (2_000, 57_000)],
        },
        {P: 3_000, R: 5_000, C: 7_000}, 5_000, 2, ("ar",),
    ),
}
# code: (name, fixed price, rate on the declared value in basis points)
ADDONS: dict[str, tuple[str, int, int]] = {
    "ar": ("Báo phát (AR)", 5_000, 0),
    "insurance": ("Khai giá (bảo hiểm 1% giá trị khai)", 0, 100),
    "cod": ("Thu hộ (COD)", 15_000, 0),
}
# fmt: on


def _scaled(price: int, factor: Decimal) -> int:
    return round_vnd(Decimal(price) * factor / ROUND_TO) * ROUND_TO


def _tariff(service: str, table: Table, period: Period) -> Tariff:
    tariff, _created = Tariff.objects.update_or_create(
        service=service,
        valid_from=period.valid_from,
        defaults={
            "name": f"{table.name} — bảng cước từ {period.valid_from:%d/%m/%Y}",
            "valid_to": period.valid_to,
            "vat_rate_bp": period.vat_rate_bp,
            "remote_surcharge_bp": 2_000,
            "max_weight_g": table.max_weight_g,
            "extra_step_g": 500,
            "volumetric_divisor": 6_000,
            "full_course_days": table.full_course_days,
        },
    )
    tariff.steps.all().delete()
    tariff.extras.all().delete()
    tariff.addons.all().delete()
    TariffStep.objects.bulk_create(
        TariffStep(tariff=tariff, zone=zone, up_to_g=up_to, price=_scaled(price, period.factor))
        for zone, steps in table.steps.items()
        for up_to, price in steps
    )
    TariffExtra.objects.bulk_create(
        TariffExtra(tariff=tariff, zone=zone, price=_scaled(price, period.factor))
        for zone, price in table.extras.items()
    )
    AddOn.objects.bulk_create(
        AddOn(
            tariff=tariff,
            code=code,
            name=ADDONS[code][0],
            price=_scaled(ADDONS[code][1], period.factor),
            rate_bp=ADDONS[code][2],
        )
        for code in table.addons
    )
    return tariff


def _remote_communes(seed: int) -> list[AdminArea]:
    communes = list(
        AdminArea.objects.filter(
            structure=AdminAreaStructure.V2025,
            level=AdminAreaLevel.COMMUNE,
            province_code=PROVINCE,
        )
        .exclude(division_type__icontains="phường")
        .order_by("code")
    )
    return random.Random(seed).sample(communes, min(REMOTE_COMMUNES, len(communes)))


@transaction.atomic
def build(*, seed: int, report: Callable[[str], None]) -> str:
    report(_("Mail tariffs"))
    tariffs = [
        _tariff(service, table, period) for service, table in TABLES.items() for period in PERIODS
    ]
    _delete_remote()
    remote = _remote_communes(seed)
    RemoteCommune.objects.bulk_create(
        RemoteCommune(commune=commune, valid_from=STRUCTURE_2025_FROM) for commune in remote
    )
    return _(
        "Mail: %(tariffs)d tariffs (%(services)d services × %(periods)d periods), "
        "%(remote)d remote communes in province %(province)s."
    ) % {
        "tariffs": len(tariffs),
        "services": len(TABLES),
        "periods": len(PERIODS),
        "remote": len(remote),
        "province": PROVINCE,
    }


def _delete_remote() -> None:
    RemoteCommune.objects.filter(
        commune__province_code=PROVINCE, valid_from=STRUCTURE_2025_FROM
    ).delete()
