"""A small, complete tariff whose figures a test can add up by hand, and items accepted
through the service.

TariffFactory(service="registered") has, in every zone, steps at 20 g, 100 g, 500 g and
2,000 g and an extra price per further 500 g; VAT 8 %, remote surcharge 20 %, and three
add-ons: ``ar`` 5,000 đ, ``insurance`` 1 % of the declared value, ``cod`` 12,000 đ.

    zone       ≤20 g   ≤100 g  ≤500 g  ≤2000 g  +500 g
    province  13 000   15 000  25 000   49 000   3 000
    region    15 000   18 000  31 000   62 000   5 000
    country   16 000   20 000  35 000   75 000   7 000
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from buudien.mail.acceptance import services
from buudien.mail.choices import MailService, Zone
from buudien.mail.models import AddOn, PostalItem, Tariff, TariffExtra, TariffStep
from buudien.network.tests.factories import AdminAreaFactory

STEPS: dict[str, list[tuple[int, int]]] = {
    Zone.PROVINCE: [(20, 13_000), (100, 15_000), (500, 25_000), (2_000, 49_000)],
    Zone.REGION: [(20, 15_000), (100, 18_000), (500, 31_000), (2_000, 62_000)],
    Zone.COUNTRY: [(20, 16_000), (100, 20_000), (500, 35_000), (2_000, 75_000)],
}
EXTRAS: dict[str, int] = {Zone.PROVINCE: 3_000, Zone.REGION: 5_000, Zone.COUNTRY: 7_000}
ADDONS: list[tuple[str, str, int, int]] = [
    ("ar", "Báo phát (AR)", 5_000, 0),
    ("insurance", "Khai giá", 0, 100),
    ("cod", "Thu hộ (COD)", 12_000, 0),
]


class TariffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tariff
        skip_postgeneration_save = True

    service = MailService.REGISTERED
    name = factory.LazyAttribute(lambda o: f"Cước {o.service} từ {o.valid_from:%d/%m/%Y}")
    valid_from = dt.date(2025, 1, 1)
    valid_to = None
    vat_rate_bp = 800
    remote_surcharge_bp = 2_000
    max_weight_g = 30_000
    extra_step_g = 500
    volumetric_divisor = 6_000

    @factory.post_generation
    def grid(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """``grid=False`` leaves the tariff without steps, extras and add-ons."""
        if not create or extracted is False:
            return
        for zone, steps in STEPS.items():
            for up_to_g, price in steps:
                TariffStep.objects.create(tariff=self, zone=zone, up_to_g=up_to_g, price=price)
            TariffExtra.objects.create(tariff=self, zone=zone, price=EXTRAS[zone])
        for code, name, price, rate_bp in ADDONS:
            AddOn.objects.create(tariff=self, code=code, name=name, price=price, rate_bp=rate_bp)


def tariffs_for_all_services(**kwargs: Any) -> list[Tariff]:
    return [TariffFactory(service=service, **kwargs) for service in MailService.values]


class ItemFactory(factory.Factory):
    """``ItemFactory(actor=clerk_a, point=world.point_a, ...)``: accepted through
    ``services.item_accept``, so a tariff for the service must be in force."""

    class Meta:
        model = PostalItem

    service = MailService.REGISTERED
    sender_name = "Nguyễn Văn An"
    sender_phone = "0912345678"
    sender_address = "Số 5 đường Trần Đăng Ninh"
    recipient_name = "Hoàng Thị Bình"
    recipient_phone = "0987654321"
    recipient_address = "Thôn Pò Mỏ"
    recipient_commune = factory.SubFactory(AdminAreaFactory)
    weight_g = 18

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> PostalItem:
        return services.item_accept(*args, **kwargs)

    @classmethod
    def _build(cls, model_class: Any, *args: Any, **kwargs: Any) -> PostalItem:
        raise NotImplementedError("items are only made by accepting them")
