"""The plans, revenue and finance imports: all or nothing, row + column + reason."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from buudien.core.errors import AccessDenied
from buudien.core.imports import ImportFailed, describe_kinds, import_file
from buudien.planning.models import FinanceHistory, Plan, RevenueHistory

pytestmark = pytest.mark.django_db


def csv(text: str) -> io.BytesIO:
    return io.BytesIO(text.strip().encode())


PLANS = """
year,unit_code,metric,service,amount
2023,BDT20,revenue,total,138.000.000.000
2023,UA,revenue,registered,1500000
2023,UB,budget_contribution,total,5800000000
2024,BDT20,surplus,total,1000
"""


def test_plans_import_and_again_changes_nothing(world):
    result = import_file("plans", csv(PLANS))
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    assert Plan.objects.get(unit=world.province, year=2023).amount == 138_000_000_000
    again = import_file("plans", csv(PLANS.replace("1500000", "1600000")))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 3)


def test_a_bad_plans_file_changes_nothing_and_names_every_problem(world, english):
    bad = PLANS.strip() + "\n2023,NOPE,revenue,total,1\n2023,UA,profit,total,1\n"
    bad += "2023,UA,revenue,stamps,x\n2023,UA,revenue,registered,5\n"
    with pytest.raises(ImportFailed) as caught:
        import_file("plans", csv(bad))
    lines = caught.value.lines()
    assert "row 6, column unit_code: unknown unit NOPE" in lines
    assert any(line.startswith("row 7, column metric: expected one of") for line in lines)
    assert any(line.startswith("row 8, column service:") for line in lines)
    assert any(line.startswith("row 8, column amount:") for line in lines)
    assert "row 9: the same row as row 3 (the same key)" in lines
    assert not Plan.objects.exists()


def test_revenue_history_by_unit_or_point(world):
    text = """
month,unit_code,point_code,service,amount,volume
2022-01,UA,,registered,1.000.000,40
2022-02,,240002,savings,500000,
01/2022,UB,240002,pension,7000,3
"""
    assert import_file("revenue", csv(text)).created == 3
    savings = RevenueHistory.objects.get(service="savings")
    assert (savings.unit, savings.point, savings.month, savings.volume) == (
        world.unit_b, world.point_b, dt.date(2022, 2, 1), None,
    )  # fmt: skip
    assert import_file("revenue", csv(text)).unchanged == 3


def test_bad_revenue_rows(world, english):
    text = """
month,unit_code,point_code,service,amount,volume
2022-13,UA,,registered,1,1
2022-01,,,registered,1,1
2022-01,UA,240002,registered,1,1
2022-01,UA,,stamps,-5,x
"""
    with pytest.raises(ImportFailed) as caught:
        import_file("revenue", csv(text))
    lines = caught.value.lines()
    assert "row 2, column month: 2022-13 is not a real month" in lines
    assert "row 3, column unit_code: give unit_code or point_code" in lines
    assert "row 4, column unit_code: point 240002 belongs to unit UB" in lines
    assert any(line.startswith("row 5, column service:") for line in lines)
    assert "row 5, column amount: an amount cannot be negative" in lines
    assert not RevenueHistory.objects.exists()


def test_finance_history(world, english):
    good = "month,unit_code,kind,amount\n2022-12,BDT20,budget_contribution,5800000000\n"
    good += "2022-12,UA,expense,100\n"
    assert import_file("finance", csv(good)).created == 2
    assert FinanceHistory.objects.get(kind="expense").amount == 100
    with pytest.raises(ImportFailed) as caught:
        import_file("finance", csv("month,unit_code,kind,amount\n2022-12,UA,salary,1\n"))
    assert caught.value.lines()[0].startswith("row 2, column kind: expected one of")
    assert FinanceHistory.objects.count() == 2


def test_only_planners_in_scope_import(world, clerk_a, director, english):
    with pytest.raises(AccessDenied):
        import_file("plans", csv(PLANS), actor=clerk_a)
    other = "year,unit_code,metric,service,amount\n2023,BDT04,revenue,total,1\n"
    with pytest.raises(ImportFailed):
        import_file("plans", csv(other), actor=director)
    assert not Plan.objects.exists()


def test_import_help_lists_the_kinds_and_columns(capsys):
    text = describe_kinds()
    for expected in ("plans:", "revenue:", "finance:", "point_code", "budget_contribution"):
        assert expected in text
    with pytest.raises(SystemExit):
        call_command("import", "--help")
    assert "unit_code" in capsys.readouterr().out
