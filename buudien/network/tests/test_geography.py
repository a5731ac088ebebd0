from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from buudien.core.errors import DomainError, NotFound
from buudien.network.geography import geography_load
from buudien.network.geography_selectors import (
    commune_for_structure,
    commune_get,
    commune_successors,
    communes_in_force,
)
from buudien.network.models import AdminArea, AdminAreaSuccession

pytestmark = pytest.mark.django_db

LEGACY, V2025 = "legacy", "2025"


@pytest.fixture
def lang_son() -> None:
    geography_load(province_codes=["20"])


def _count(structure: str, level: str, province_code: str = "20") -> int:
    return AdminArea.objects.filter(
        structure=structure, level=level, province_code=province_code
    ).count()


def _snapshot() -> list[tuple[object, ...]]:
    areas = list(
        AdminArea.objects.order_by("pk").values_list(
            "pk", "structure", "level", "code", "name", "name_folded", "parent_id"
        )
    )
    successions = list(
        AdminAreaSuccession.objects.order_by("pk").values_list(
            "pk", "legacy_id", "successor_id", "partly"
        )
    )
    return [*areas, *successions]


def test_it_loads_lang_son_in_both_structures(lang_son: None) -> None:
    assert _count(V2025, "province") == 1
    assert _count(V2025, "commune") == 65
    assert _count(LEGACY, "province") == 1
    assert _count(LEGACY, "district") == 11
    assert _count(LEGACY, "commune") == 194
    assert AdminArea.objects.count() == 1 + 65 + 1 + 11 + 194


def test_a_2025_commune_hangs_from_its_province(lang_son: None) -> None:
    dong_kinh = commune_get(structure=V2025, code="05977")

    assert dong_kinh.name == "Phường Đông Kinh"
    assert dong_kinh.name_folded == "phuong dong kinh"
    assert dong_kinh.division_type == "phường"
    assert dong_kinh.province_code == "20"
    assert (dong_kinh.valid_from, dong_kinh.valid_to) == (dt.date(2025, 7, 1), None)
    assert dong_kinh.parent is not None
    assert (dong_kinh.parent.level, dong_kinh.parent.code) == ("province", "20")
    assert dong_kinh.parent.name == "Tỉnh Lạng Sơn"
    assert dong_kinh.parent.division_type == "tỉnh"


def test_a_legacy_commune_hangs_from_its_district(lang_son: None) -> None:
    chi_lang = AdminArea.objects.get(structure=LEGACY, level="district", code="187")
    dong_mo = commune_get(structure=LEGACY, code="6463")

    assert (chi_lang.name, chi_lang.division_type) == ("Huyện Chi Lăng", "huyện")
    assert chi_lang.parent is not None and chi_lang.parent.code == "20"
    assert (dong_mo.name, dong_mo.division_type) == ("Thị trấn Đồng Mỏ", "thị trấn")
    assert dong_mo.parent == chi_lang
    assert (dong_mo.province_code, dong_mo.valid_from, dong_mo.valid_to) == (
        "20",
        None,
        dt.date(2025, 6, 30),
    )
    city = AdminArea.objects.get(structure=LEGACY, level="district", code="178")
    assert (city.name, city.division_type) == ("Thành phố Lạng Sơn", "thành phố")


def test_a_legacy_commune_maps_to_the_commune_it_became(lang_son: None) -> None:
    vinh_trai = commune_get(structure=LEGACY, code="05977")

    assert vinh_trai.name == "Phường Vĩnh Trại"
    assert [c.name for c in commune_successors(vinh_trai)] == ["Phường Đông Kinh"]
    converted = commune_for_structure(vinh_trai, V2025)
    assert converted is not None
    assert (converted.structure, converted.code) == (V2025, "05977")
    assert AdminAreaSuccession.objects.get(legacy=vinh_trai).partly is False


def test_a_split_commune_has_several_partial_successors(lang_son: None) -> None:
    binh_xa = commune_get(structure=LEGACY, code="06622")

    assert [(c.code, c.name) for c in commune_successors(binh_xa)] == [
        ("06613", "Xã Đình Lập"),
        ("06625", "Xã Kiên Mộc"),
    ]
    assert set(
        AdminAreaSuccession.objects.filter(legacy=binh_xa).values_list("partly", flat=True)
    ) == {True}
    converted = commune_for_structure(binh_xa, V2025)
    assert converted is not None and converted.code == "06613"


def test_a_2025_commune_converts_to_its_lowest_coded_whole_predecessor(lang_son: None) -> None:
    dong_kinh = commune_get(structure=V2025, code="05977")
    kien_moc = commune_get(structure=V2025, code="06625")

    converted = commune_for_structure(dong_kinh, LEGACY)
    assert converted is not None and (converted.code, converted.name) == (
        "05977",
        "Phường Vĩnh Trại",
    )
    # Kiên Mộc took Bắc Xa wholly and parts of Bính Xá and of the old Kiên Mộc.
    converted = commune_for_structure(kien_moc, LEGACY)
    assert converted is not None and (converted.code, converted.name) == ("06619", "Xã Bắc Xa")
    assert commune_for_structure(kien_moc, V2025) == kien_moc


def test_every_legacy_commune_of_lang_son_has_a_successor_in_lang_son(lang_son: None) -> None:
    legacy = AdminArea.objects.filter(structure=LEGACY, level="commune")

    assert legacy.filter(successions__isnull=True).count() == 0
    assert AdminAreaSuccession.objects.count() == 196
    assert not AdminAreaSuccession.objects.exclude(successor__province_code="20").exists()


def test_communes_in_force_follow_the_structure_of_the_day(lang_son: None) -> None:
    before = communes_in_force(province_code="20", day=dt.date(2025, 6, 30))
    after = communes_in_force(province_code="20", day=dt.date(2025, 7, 1))

    assert before.count() == 194
    assert set(before.values_list("structure", flat=True)) == {LEGACY}
    assert after.count() == 65
    assert set(after.values_list("structure", flat=True)) == {V2025}
    assert communes_in_force(province_code="4", day=dt.date(2026, 1, 1)).count() == 0


def test_an_unknown_commune_is_not_found(lang_son: None) -> None:
    with pytest.raises(NotFound):
        commune_get(structure=V2025, code="99999")
    with pytest.raises(NotFound):  # Thị trấn Chi Lăng: a legacy code only
        commune_get(structure=V2025, code="06466")


def test_loading_twice_changes_nothing(lang_son: None) -> None:
    before = _snapshot()

    stats = geography_load(province_codes=["20"])

    assert _snapshot() == before
    assert stats.changed is False
    assert (stats.areas_created, stats.areas_updated, stats.successions_created) == (0, 0, 0)
    assert (stats.communes_2025, stats.communes_legacy, stats.successions) == (65, 194, 196)


def test_a_changed_name_is_put_back_and_folded(lang_son: None) -> None:
    AdminArea.objects.filter(structure=V2025, code="05977").update(
        name="Phường Sai Tên", name_folded="phuong sai ten"
    )
    AdminAreaSuccession.objects.filter(legacy__code="06622").update(partly=False)
    pk = commune_get(structure=V2025, code="05977").pk

    stats = geography_load(province_codes=["20"])

    dong_kinh = commune_get(structure=V2025, code="05977")
    assert (dong_kinh.pk, dong_kinh.name, dong_kinh.name_folded) == (
        pk,
        "Phường Đông Kinh",
        "phuong dong kinh",
    )
    assert (stats.areas_created, stats.areas_updated) == (0, 1)
    assert (stats.successions_created, stats.successions_updated) == (0, 2)
    assert AdminArea.objects.count() == 272


def test_a_stale_succession_is_removed(lang_son: None) -> None:
    legacy = commune_get(structure=LEGACY, code="05977")
    wrong = commune_get(structure=V2025, code="06625")
    AdminAreaSuccession.objects.create(legacy=legacy, successor=wrong, partly=True)

    stats = geography_load(province_codes=["20"])

    assert stats.successions_deleted == 1
    assert [c.code for c in commune_successors(legacy)] == ["05977"]


def test_restricting_to_one_province_loads_only_it() -> None:
    stats = geography_load(province_codes=["20"])

    assert set(AdminArea.objects.values_list("province_code", flat=True)) == {"20"}
    assert (stats.provinces_2025, stats.provinces_legacy, stats.districts_legacy) == (1, 1, 11)


def test_a_merged_province_gets_the_successions_of_each_load() -> None:
    # Bắc Ninh (24) since 2025 = legacy Bắc Giang (24) + legacy Bắc Ninh (27).
    first = geography_load(province_codes=["24"])

    assert _count(V2025, "province", "24") == 1
    assert _count(LEGACY, "province", "24") == 1
    assert not AdminArea.objects.filter(province_code="27").exists()
    assert first.successions == AdminAreaSuccession.objects.count() > 0
    assert not AdminAreaSuccession.objects.exclude(legacy__province_code="24").exists()

    second = geography_load(province_codes=["27"])

    assert second.provinces_2025 == 0 and second.provinces_legacy == 1
    assert second.successions_created > 0
    from_27 = AdminAreaSuccession.objects.filter(legacy__province_code="27")
    assert from_27.count() == second.successions_created
    assert set(from_27.values_list("successor__province_code", flat=True)) == {"24"}


def test_an_unknown_province_is_refused_and_nothing_is_loaded() -> None:
    with pytest.raises(DomainError):
        geography_load(province_codes=["20", "99"])
    with pytest.raises(DomainError):
        geography_load(province_codes=["x"])

    assert AdminArea.objects.count() == 0


def test_the_command_loads_and_prints_the_counts() -> None:
    out = StringIO()

    call_command("geography", "load", "--province", "20", stdout=out)

    text = out.getvalue()
    assert "65" in text and "194" in text and "196" in text
    assert _count(V2025, "commune") == 65


def test_the_command_rejects_an_unknown_province() -> None:
    with pytest.raises(CommandError):
        call_command("geography", "load", "--province", "99", stdout=StringIO())


def test_the_whole_country_loads_in_a_few_seconds() -> None:
    stats = geography_load()

    assert (stats.provinces_2025, stats.provinces_legacy) == (34, 63)
    assert stats.communes_2025 == AdminArea.objects.filter(structure=V2025, level="commune").count()
    assert stats.successions == AdminAreaSuccession.objects.count()
    assert geography_load().changed is False


def test_a_legacy_communes_first_day_from_a_dated_list_survives_a_reload(lang_son: None) -> None:
    """The package does not know when a legacy commune began; the dated commune list does,
    and loading the package again keeps it (and the commune's last day)."""
    AdminArea.objects.filter(structure=LEGACY, code="05977").update(valid_from=dt.date(2020, 1, 10))

    geography_load(province_codes=["20"])

    commune = commune_get(structure=LEGACY, code="05977")
    assert (commune.valid_from, commune.valid_to) == (dt.date(2020, 1, 10), dt.date(2025, 6, 30))
