"""Prices added up by hand from the tariff of factories.py (origin: province 20, Lạng Sơn)."""

from __future__ import annotations

import datetime as dt

import pytest

from buudien.core.errors import DomainError
from buudien.mail.acceptance.pricing import (
    Dims,
    quote,
    tariff_in_force,
    volumetric_weight_g,
    zone_for,
)
from buudien.mail.choices import Zone
from buudien.mail.models import RemoteCommune
from buudien.mail.tests.factories import TariffFactory
from buudien.network.choices import AdminAreaLevel
from buudien.network.models import AdminAreaSuccession
from buudien.network.tests.factories import AdminAreaFactory, LegacyCommuneFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def registered():
    return TariffFactory(service="registered")


@pytest.fixture
def parcel():
    return TariffFactory(service="parcel")


@pytest.fixture
def here():
    return AdminAreaFactory(code="06001", name="Xã Đồng Đăng", province_code="20")


def _quote(service="registered", commune=None, weight_g=18, **kwargs):
    kwargs.setdefault("day", DAY)
    return quote(
        service=service,
        sender_province="20",
        recipient_commune=commune,
        weight_g=weight_g,
        **kwargs,
    )


# --- zones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("origin", "destination", "zone"),
    [
        ("20", "20", Zone.PROVINCE),
        ("20", "01", Zone.REGION),  # Lạng Sơn to Hà Nội: both North
        ("37", "38", Zone.COUNTRY),  # Ninh Bình (North) to Thanh Hóa (Central)
        ("38", "68", Zone.REGION),  # Thanh Hóa to Lâm Đồng: both Central
        ("68", "75", Zone.COUNTRY),  # Lâm Đồng to Đồng Nai (South)
        ("79", "96", Zone.REGION),  # Hồ Chí Minh to Cà Mau
        ("20", "79", Zone.COUNTRY),
        ("4", "04", Zone.PROVINCE),
    ],
)
def test_it_finds_the_zone_from_the_gso_codes(origin, destination, zone):
    assert zone_for(origin, destination) == zone


# --- the tariff in force ----------------------------------------------------------------------


def test_it_takes_the_tariff_in_force_on_the_day():
    old = TariffFactory(valid_from=dt.date(2023, 1, 1), valid_to=dt.date(2024, 12, 31))
    new = TariffFactory(valid_from=dt.date(2025, 1, 1))
    assert tariff_in_force("registered", dt.date(2024, 12, 31)) == old
    assert tariff_in_force("registered", dt.date(2025, 1, 1)) == new


def test_it_refuses_a_day_without_a_tariff(registered, here):
    with pytest.raises(DomainError) as caught:
        _quote(commune=here, day=dt.date(2024, 12, 31))
    assert "31/12/2024" in str(caught.value.message)
    assert caught.value.field == "service"


# --- weight steps ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weight", "base"),
    [(1, 13_000), (20, 13_000), (21, 15_000), (100, 15_000), (101, 25_000), (2_000, 49_000)],
)
def test_it_takes_the_first_step_that_holds_the_weight(registered, here, weight, base):
    assert _quote(commune=here, weight_g=weight).base == base


@pytest.mark.parametrize(
    ("weight", "base"),
    [(2_001, 52_000), (2_500, 52_000), (2_501, 55_000), (30_000, 49_000 + 56 * 3_000)],
)
def test_it_adds_one_extra_price_per_started_extra_step(registered, here, weight, base):
    assert _quote(commune=here, weight_g=weight).base == base


def test_it_prices_an_other_region_with_its_own_steps_and_extras(registered):
    saigon = AdminAreaFactory(province_code="79")
    result = _quote(commune=saigon, weight_g=3_200)
    # 75,000 up to 2 kg, then ceil(1,200 / 500) = 3 extra steps of 7,000.
    assert (result.zone, result.base) == (Zone.COUNTRY, 96_000)
    assert (result.vat, result.total) == (7_680, 103_680)


def test_it_adds_vat_at_the_rate_of_the_tariff(registered, here):
    result = _quote(commune=here, weight_g=20)
    assert (result.base, result.surcharge, result.addons) == (13_000, 0, 0)
    assert (result.vat, result.total, result.net) == (1_040, 14_040, 13_000)


def test_it_rounds_vat_half_up(here):
    TariffFactory(vat_rate_bp=1_000)
    # 13,000 + 1 % of 500 đ = 13,005; VAT 10 % = 1,300.5 -> 1,301 (not the banker's 1,300).
    result = _quote(commune=here, weight_g=20, declared_value=500, addons=["insurance"])
    assert (result.addons, result.vat, result.total) == (5, 1_301, 14_306)


def test_it_refuses_an_item_above_the_maximum_weight(parcel, here):
    assert _quote("parcel", commune=here, weight_g=30_000).base == 49_000 + 56 * 3_000
    with pytest.raises(DomainError) as caught:
        _quote("parcel", commune=here, weight_g=30_001)
    assert caught.value.field == "weight_g"
    assert "30.000" in str(caught.value.message)


def test_it_refuses_a_weight_of_nothing(registered, here):
    with pytest.raises(DomainError):
        _quote(commune=here, weight_g=0)


# --- volumetric weight ----------------------------------------------------------------------


def test_volumetric_weight_is_the_volume_over_the_divisor_rounded_up():
    assert volumetric_weight_g(Dims(400, 300, 200), 6_000) == 4_000
    assert volumetric_weight_g(Dims(101, 100, 100), 6_000) == 169  # 168.33 g
    assert volumetric_weight_g(Dims(0, 300, 200), 6_000) == 0


def test_it_charges_the_volumetric_weight_of_a_light_parcel(parcel, here):
    result = _quote("parcel", commune=here, weight_g=1_000, dims=(400, 300, 200))
    # 40 × 30 × 20 cm = 24,000 cm³ / 6,000 = 4 kg: 49,000 + 4 extra steps of 3,000.
    assert (result.volumetric_weight_g, result.charged_weight_g) == (4_000, 4_000)
    assert result.base == 61_000


def test_it_charges_the_actual_weight_when_it_is_more(parcel, here):
    result = _quote("parcel", commune=here, weight_g=5_000, dims=(400, 300, 200))
    assert (result.volumetric_weight_g, result.charged_weight_g, result.base) == (
        4_000,
        5_000,
        67_000,
    )


def test_it_does_not_charge_volume_on_a_letter(registered, here):
    result = _quote(commune=here, weight_g=1_000, dims=(400, 300, 200))
    assert (result.volumetric_weight_g, result.charged_weight_g, result.base) == (0, 1_000, 49_000)


def test_it_refuses_a_side_beyond_three_metres(parcel, here):
    with pytest.raises(DomainError) as caught:
        _quote("parcel", commune=here, weight_g=1_000, dims=(3_001, 10, 10))
    assert caught.value.field == "length_mm"


# --- remote communes and add-ons ------------------------------------------------------------


def test_it_adds_the_remote_surcharge_when_the_commune_is_remote_that_day(registered, here):
    RemoteCommune.objects.create(commune=here, valid_from=dt.date(2025, 7, 1))
    result = _quote(commune=here, weight_g=20)
    # 20 % of 13,000 = 2,600; VAT 8 % of 15,600 = 1,248.
    assert (result.remote, result.base, result.surcharge) == (True, 13_000, 2_600)
    assert (result.vat, result.total) == (1_248, 16_848)


def test_it_ignores_a_remote_period_that_has_ended(registered, here):
    RemoteCommune.objects.create(
        commune=here, valid_from=dt.date(2020, 1, 1), valid_to=dt.date(2025, 12, 31)
    )
    result = _quote(commune=here, weight_g=20)
    assert (result.remote, result.surcharge) == (False, 0)


def test_it_adds_fixed_and_value_based_add_ons(registered, here):
    result = _quote(
        commune=here, weight_g=20, declared_value=1_234_567, addons=["ar", "insurance", "ar"]
    )
    # AR 5,000; insurance 1 % of 1,234,567 = 12,345.67 -> 12,346; VAT 8 % of 30,346 = 2,427.68.
    assert [(line.code, line.amount) for line in result.addon_lines] == [
        ("ar", 5_000),
        ("insurance", 12_346),
    ]
    assert (result.addons, result.vat, result.total) == (17_346, 2_428, 32_774)


def test_it_refuses_an_add_on_the_tariff_does_not_offer(registered, here):
    with pytest.raises(DomainError) as caught:
        _quote(commune=here, addons=["gold_wrapping"])
    assert caught.value.field == "addons"


def test_it_refuses_insurance_without_a_declared_value(registered, here):
    with pytest.raises(DomainError) as caught:
        _quote(commune=here, addons=["insurance"])
    assert caught.value.field == "declared_value"


# --- communes ---------------------------------------------------------------------------------


def test_it_prices_a_legacy_commune_as_the_commune_it_became(registered):
    hanoi = AdminAreaFactory(code="00004", name="Phường Ba Đình", province_code="01")
    legacy = LegacyCommuneFactory(code="00001", name="Phường Phúc Xá", province_code="01")
    AdminAreaSuccession.objects.create(legacy=legacy, successor=hanoi)
    assert _quote(commune=legacy, weight_g=20).zone == Zone.REGION


def test_it_refuses_a_legacy_commune_without_a_successor(registered):
    legacy = LegacyCommuneFactory(province_code="20")
    with pytest.raises(DomainError) as caught:
        _quote(commune=legacy)
    assert caught.value.field == "recipient_commune"


def test_it_refuses_a_province_for_a_commune(registered):
    province = AdminAreaFactory(level=AdminAreaLevel.PROVINCE, code="20", name="Tỉnh Lạng Sơn")
    with pytest.raises(DomainError):
        _quote(commune=province)


def test_it_prices_to_a_province_without_a_commune(registered):
    result = _quote(recipient_province="48", weight_g=20)
    assert (result.zone, result.base, result.remote) == (Zone.COUNTRY, 16_000, False)
