"""The workforce: who is employed on a day (with or without a login), the personnel officer's
changes within their subtree, the payroll's files imported all or nothing, and the figures of
a year for the year-end report."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.imports import ImportFailed
from buudien.core.models import AuditEntry
from buudien.people import demo, selectors, services
from buudien.people.figures import workforce
from buudien.people.importers import income_import, staff_import
from buudien.people.models import AverageIncome, User
from buudien.people.tests.factories import UserFactory, average_income

pytestmark = pytest.mark.django_db

STAFF_HEADER = (
    "Mã nhân viên,Họ và tên,Đơn vị,Điểm phục vụ,Chức danh,Loại hợp đồng,Ngày vào làm,"
    "Ngày nghỉ việc,Điện thoại\n"
)


def csv_file(text: str, name: str = "file.csv") -> io.BytesIO:
    data = io.BytesIO(text.encode())
    data.name = name
    return data


@pytest.fixture
def hr_province(world: Any) -> User:
    return UserFactory(username="hr_p", role="hr_officer", unit=world.province)


# --- the headcount -------------------------------------------------------------------------


def test_the_headcount_counts_who_is_employed_that_day_with_or_without_a_login(
    world: Any, crew: dict[str, User], clerk_b: User
) -> None:
    clerk_b.is_active = False  # cannot log in, still works here
    clerk_b.save()

    before_leaving = selectors.headcount(world.province, dt.date(2026, 5, 31))
    on_leaving = selectors.headcount(world.province, dt.date(2026, 6, 1))
    before_joining = selectors.headcount(world.province, dt.date(2026, 2, 28))

    assert before_leaving == {
        "indefinite": 1,
        "fixed_term": 0,
        "seasonal": 1,
        "service": 1,
        "unspecified": 2,
        "total": 5,
    }
    assert (on_leaving["indefinite"], on_leaving["total"]) == (0, 4)
    assert (before_joining["seasonal"], before_joining["total"]) == (0, 4)
    assert selectors.headcount(world.unit_a, dt.date(2026, 6, 1))["total"] == 2


def test_the_headcount_per_unit_and_point_is_one_group_by(
    world: Any, crew: dict[str, User], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(3):  # the GROUP BY, the child units, the points
        found = selectors.headcount_by_unit(world.province, dt.date(2026, 5, 31))

    assert found["total"]["total"] == 5 and found["own"]["total"] == 0
    units = {row["code"]: row["counts"] for row in found["units"]}
    assert {code: counts["total"] for code, counts in units.items()} == {"UA": 3, "UB": 2}
    assert (units["UB"]["service"], units["UB"]["unspecified"]) == (1, 1)
    points = {row["code"]: row["counts"]["total"] for row in found["points"]}
    assert points == {"240001": 1, "240002": 2}


# --- the personnel officer's changes ------------------------------------------------------


def test_the_personnel_officer_adds_staff_without_a_login(world: Any, hr_a: User) -> None:
    first = services.staff_create(
        actor=hr_a,
        full_name="  Nguyễn  Thị Lan ",
        unit=world.unit_a,
        point=world.point_a,
        staff_code="NV050",
        contract_type="fixed_term",
        employed_from=dt.date(2026, 4, 1),
    )
    second = services.staff_create(actor=hr_a, full_name="Nông Thị Lan", unit=world.unit_a)

    assert (first.username, first.full_name, second.username) == (
        "lannt",
        "Nguyễn Thị Lan",
        "lannt2",
    )
    assert not first.has_usable_password() and first.role == "postman"
    assert AuditEntry.objects.filter(action="staff.create").count() == 2
    with pytest.raises(DomainError, match="NV050"):
        services.staff_create(actor=hr_a, full_name="X Y", unit=world.unit_a, staff_code="NV050")


def test_a_clerk_may_not_add_staff_and_nothing_changes(world: Any, clerk_a: User) -> None:
    count = User.objects.count()

    with pytest.raises(AccessDenied):
        services.staff_create(actor=clerk_a, full_name="Lò Văn Hải", unit=world.unit_a)

    assert User.objects.count() == count


def test_the_personnel_officer_works_only_within_their_subtree(
    world: Any, hr_a: User, crew: dict[str, User]
) -> None:
    bdvhx = crew["bdvhx"]

    with pytest.raises(NotFound):
        services.staff_create(actor=hr_a, full_name="Lò Văn Hải", unit=world.unit_b)
    with pytest.raises(NotFound):
        services.staff_update(actor=hr_a, user=bdvhx, contract_type="fixed_term")
    with pytest.raises(NotFound):
        services.staff_update(actor=hr_a, user=crew["joiner"], unit=world.unit_b)

    bdvhx.refresh_from_db()
    crew["joiner"].refresh_from_db()
    assert (bdvhx.contract_type, crew["joiner"].unit) == ("service", world.unit_a)


def test_the_personnel_officer_keeps_the_workforce_fields_of_a_user_who_logs_in(
    hr_a: User, clerk_a: User
) -> None:
    services.staff_update(actor=hr_a, user=clerk_a, staff_code="NV100", contract_type="indefinite")

    with pytest.raises(AccessDenied):
        services.staff_update(actor=hr_a, user=clerk_a, full_name="Renamed")

    clerk_a.refresh_from_db()
    assert (clerk_a.staff_code, clerk_a.contract_type) == ("NV100", "indefinite")
    assert clerk_a.full_name != "Renamed"


def test_a_leaving_is_refused_before_the_start_and_recorded_once(
    hr_a: User, crew: dict[str, User], english: None
) -> None:
    joiner = crew["joiner"]

    with pytest.raises(DomainError, match="leave before"):
        services.staff_leave(actor=hr_a, user=joiner, day=dt.date(2026, 2, 1))
    services.staff_leave(actor=hr_a, user=joiner, day=dt.date(2026, 9, 1))
    with pytest.raises(DomainError):
        services.staff_leave(actor=hr_a, user=joiner, day=dt.date(2026, 10, 1))

    joiner.refresh_from_db()
    assert joiner.employed_until == dt.date(2026, 9, 1)
    assert not joiner.is_employed_on(dt.date(2026, 9, 1))


# --- imports ----------------------------------------------------------------------------------


def test_a_staff_list_creates_and_updates_by_staff_code(
    world: Any, hr_province: User, crew: dict[str, User]
) -> None:
    file = csv_file(
        STAFF_HEADER
        + "NV001,Hoàng Văn Nam,UA,,Bưu tá,HĐLĐ không xác định thời hạn,01/05/2010,15/06/2026,"
        "0912345678\n"
        "NV010,Trần Thị Mai,UB,240002,Nhân viên BĐVHX,Hợp đồng dịch vụ,02/01/2026,,\n"
        "NV011,Vi Văn Tùng,UA,,Bưu tá,thoi vu,2026-07-01,,\n"
        "NV003,Đinh Thị Xuân,UB,240002,,service,01/01/2018,,\n"
    )

    result = staff_import(file, actor=hr_province)

    assert (result.created, result.updated, result.unchanged) == (2, 1, 1)
    leaver = User.objects.get(staff_code="NV001")
    assert (leaver.employed_until, leaver.phone) == (dt.date(2026, 6, 15), "0912345678")
    mai = User.objects.get(staff_code="NV010")
    assert (mai.username, mai.point, mai.contract_type) == ("maitt", world.point_b, "service")
    assert not mai.has_usable_password() and mai.name_folded == "tran thi mai maitt"
    assert User.objects.get(staff_code="NV011").role == "postman"
    assert AuditEntry.objects.filter(action="import.staff").count() == 1


@pytest.mark.usefixtures("english")
def test_a_bad_staff_list_changes_nothing_and_names_every_row_column_and_reason(
    hr_a: User, crew: dict[str, User], clerk_a: User
) -> None:
    services.staff_update(actor=hr_a, user=clerk_a, staff_code="NV100")
    before = (User.objects.count(), AuditEntry.objects.count())
    file = csv_file(
        STAFF_HEADER + "NV020,Nguyễn Văn An,UA,,,không xác định thời hạn,01/02/2026,,\n"
        "NV021,Nguyễn Văn Bình,UB,,,HĐLĐ xác định thời hạn,01/02/2026,,\n"
        "NV022,Nguyễn Văn Cường,UA,240002,,bán thời gian,31/02/2026,,\n"
        "NV020,Nguyễn Văn Dũng,UA,,,khoán,01/03/2026,01/01/2026,\n"
        "NV003,Đinh Thị Xuân,UA,,,dịch vụ,01/01/2018,,\n"
        "NV100,Tên Khác,UA,240001,,xdth,01/01/2020,,\n"
    )

    with pytest.raises(ImportFailed) as refused:
        staff_import(file, actor=hr_a)

    problems = {(e.row, e.column): e.reason for e in refused.value.errors}
    assert set(problems) == {
        (3, "Đơn vị"),
        (4, "Điểm phục vụ"),
        (4, "Loại hợp đồng"),
        (4, "Ngày vào làm"),
        (5, "Mã nhân viên"),
        (5, "Ngày nghỉ việc"),
        (6, "Mã nhân viên"),
        (7, "Họ và tên"),
    }
    assert problems[3, "Đơn vị"] == "unknown unit UB"
    assert problems[4, "Ngày vào làm"] == "31/02/2026 is not a real day"
    assert problems[5, "Mã nhân viên"] == "the staff code is on row 2 already"
    assert problems[5, "Ngày nghỉ việc"] == "A person cannot leave before they start."
    assert "only an administrator" in problems[7, "Họ và tên"]
    assert (User.objects.count(), AuditEntry.objects.count()) == before
    assert User.objects.get(pk=clerk_a.pk).full_name == clerk_a.full_name


@pytest.mark.usefixtures("english")
def test_a_staff_list_with_unknown_or_missing_columns_is_refused(hr_a: User) -> None:
    file = csv_file("Mã nhân viên,Họ và tên,Lương\nNV1,An,1000\n")

    with pytest.raises(ImportFailed) as refused:
        staff_import(file, actor=hr_a)

    columns = {e.column for e in refused.value.errors if e.row == 1}
    assert columns == {"lương", "Đơn vị", "Loại hợp đồng", "Ngày vào làm"}


def test_average_incomes_are_created_or_replaced_per_unit_and_year(
    world: Any, hr_province: User
) -> None:
    average_income(world.unit_a, 2026, 2, 8_000_000)
    file = csv_file(
        "Mã đơn vị,Năm,Lao động bình quân,Thu nhập bình quân (đồng/người/tháng)\n"
        "UA,2026,3,9.000.000\nUB,2026,1,11000000\n",
        name="tnbq.csv",
    )

    result = income_import(file, actor=hr_province)

    assert (result.created, result.updated) == (1, 1)
    rows = AverageIncome.objects.order_by("unit__code").values_list(
        "unit__code", "year", "headcount", "average_income", "source", "imported_by"
    )
    assert list(rows) == [
        ("UA", 2026, 3, 9_000_000, "tnbq.csv", hr_province.pk),
        ("UB", 2026, 1, 11_000_000, "tnbq.csv", hr_province.pk),
    ]


@pytest.mark.usefixtures("english")
def test_a_bad_income_file_changes_nothing(world: Any, hr_a: User) -> None:
    average_income(world.unit_a, 2026, 2, 8_000_000)
    file = csv_file(
        "Mã đơn vị,Năm,Lao động bình quân,Thu nhập bình quân\n"
        "UA,2026,3,9000000\nUA,2026,4,0\nUB,2026,1,1000000\nUA,năm nay,2,9000000\n"
    )

    with pytest.raises(ImportFailed) as refused:
        income_import(file, actor=hr_a)

    assert {(e.row, e.column) for e in refused.value.errors} == {
        (3, "Năm"),
        (3, "Thu nhập bình quân"),
        (4, "Mã đơn vị"),
        (5, "Năm"),
    }
    assert list(AverageIncome.objects.values_list("headcount", "average_income")) == [
        (2, 8_000_000)
    ]


# --- the figures of a year ------------------------------------------------------------------


def test_the_year_s_figures_weigh_the_children_s_incomes_by_their_workers(
    world: Any, crew: dict[str, User]
) -> None:
    average_income(world.unit_a, 2026, 3, 9_000_000)
    average_income(world.unit_b, 2026, 1, 11_000_000)
    average_income(world.unit_a, 2025, 2, 8_500_000)

    province = workforce(unit=world.province, year=2026)
    unit_a = workforce(unit=world.unit_a, year=2026)

    assert province["headcount"] == {"actual": 4, "previous": 4, "growth_pct": 0.0}
    assert province["average_income"] == {
        "actual": 9_500_000,  # (3 × 9,000,000 + 1 × 11,000,000) / 4
        "previous": 8_500_000,
        "growth_pct": 11.8,
    }
    contracts = {row["code"]: (row["actual"], row["previous"]) for row in province["by_contract"]}
    assert contracts == {
        "indefinite": (0, 1),
        "fixed_term": (0, 0),
        "seasonal": (1, 0),
        "service": (1, 1),
        "unspecified": (2, 2),
    }
    assert (province["joined"], province["left"]) == (1, 1)
    assert unit_a["average_income"] == {
        "actual": 9_000_000,
        "previous": 8_500_000,
        "growth_pct": 5.9,
    }


def test_the_year_s_figures_without_data_are_null_not_zero(world: Any) -> None:
    found = workforce(unit=world.other_province, year=2026)

    assert found["headcount"] == {"actual": None, "previous": None, "growth_pct": None}
    assert found["average_income"] == {"actual": None, "previous": None, "growth_pct": None}
    assert {row["actual"] for row in found["by_contract"]} == {None}
    assert (found["joined"], found["left"]) == (0, 0)


# --- the demo -------------------------------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_the_demo_imports_two_years_of_rising_incomes(world: Any, crew: dict[str, User]) -> None:
    said: list[str] = []

    line = demo.build(seed=7, report=said.append, today=dt.date(2026, 12, 15))
    again = demo.build(seed=7, report=said.append, today=dt.date(2026, 12, 15))

    rows = {
        (code, year): (people, amount)
        for code, year, people, amount in AverageIncome.objects.values_list(
            "unit__code", "year", "headcount", "average_income"
        )
    }
    assert set(rows) == {("UA", 2025), ("UA", 2026), ("UB", 2025), ("UB", 2026)}
    assert rows["UA", 2025][0] == 2 and rows["UB", 2026][0] == 2
    for code in ("UA", "UB"):
        last, this = rows[code, 2025][1], rows[code, 2026][1]
        assert 8_000_000 <= last < this <= 12_000_000
        assert 1.049 <= this / last <= 1.081
    assert said == ["Workforce: average incomes"] and "4 average incomes" in line
    assert again == "Workforce: the average incomes are there already."
