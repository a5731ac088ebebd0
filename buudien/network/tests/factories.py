from __future__ import annotations

import datetime as dt

import factory

from buudien.network.choices import AdminAreaLevel, AdminAreaStructure, PointKind, UnitKind
from buudien.network.models import AdminArea, ServicePoint, Unit


class AdminAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdminArea

    structure = AdminAreaStructure.V2025
    level = AdminAreaLevel.COMMUNE
    code = factory.Sequence(lambda n: f"{90000 + n:05d}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    division_type = "xã"
    province_code = "20"
    valid_from = dt.date(2025, 7, 1)


class LegacyCommuneFactory(AdminAreaFactory):
    structure = AdminAreaStructure.LEGACY
    valid_from = None
    valid_to = dt.date(2025, 6, 30)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Bưu điện thử {n}")
    kind = UnitKind.COMMUNE
    parent = None
    province_code = "20"
    valid_from = dt.date(2020, 1, 1)


class PointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePoint

    code = factory.Sequence(lambda n: f"{240000 + n}")
    name = factory.Sequence(lambda n: f"Bưu cục thử {n}")
    kind = PointKind.BC3
    unit = factory.SubFactory(UnitFactory)
    province_code = "20"
    commune = factory.SubFactory(AdminAreaFactory)
    opened_on = dt.date(2020, 1, 1)
