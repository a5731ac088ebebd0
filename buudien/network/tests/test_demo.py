"""The demo province, built once for this module (today, with a small year of operations)
and asserted on; ``test_demo_dates`` builds its year on other days of the calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Max
from django.test import RequestFactory
from django.utils import timezone

from buudien.core.demo import demo_steps
from buudien.network.models import AdminArea, PointService, ServicePoint, Unit
from buudien.network.tests.demo_checks import assert_the_money_holds
from buudien.people.models import User

pytestmark = pytest.mark.django_db

DEMO_ACCOUNTS = {
    "admin": "admin",
    "giamdoc": "director",
    "ketoan": "accountant",
    "kiemsoat": "auditor",
    "kt1": "kt1_operator",
    "hcc": "hcc_officer",
    "cskh": "care_officer",
    "tcld": "hr_officer",
    "gdv.240000": "clerk",
    "buuta": "postman",
}
# The network is what most of these tests check; the year of operations is kept small.
SMALL_YEAR = {
    "BUUDIEN_DEMO_MAIL_ITEMS": "200",
    "BUUDIEN_DEMO_COLLECTION_BILLS": "400",
    "BUUDIEN_DEMO_CASHLESS_PAYMENTS": "80",
    "BUUDIEN_DEMO_PENSIONERS": "40",
    "BUUDIEN_DEMO_AGENCY_SCALE": "0.4",
    "BUUDIEN_DEMO_DOSSIERS": "150",
    "BUUDIEN_DEMO_GOODS": "60",
    "BUUDIEN_DEMO_TELECOM": "40",
    "BUUDIEN_DEMO_INSURANCE": "60",
    "BUUDIEN_DEMO_PRESS": "30",
    "BUUDIEN_DEMO_PRESS_WEEKS": "1",
    "BUUDIEN_DEMO_CARE": "30",
    "BUUDIEN_DEMO_EMULATION_PEOPLE": "60",
    "BUUDIEN_DEMO_PACE": "0.002",
}
# Tests of the calendar and of a second build take a year smaller still: what they check does
# not grow with the counts (the steps' fixed costs, the drawers' closings, stay).
TINY_YEAR = {
    **SMALL_YEAR,
    "BUUDIEN_DEMO_MAIL_ITEMS": "50",
    "BUUDIEN_DEMO_COLLECTION_BILLS": "100",
    "BUUDIEN_DEMO_CASHLESS_PAYMENTS": "20",
    "BUUDIEN_DEMO_PENSIONERS": "10",
    "BUUDIEN_DEMO_AGENCY_SCALE": "0.1",
    "BUUDIEN_DEMO_DOSSIERS": "40",
    "BUUDIEN_DEMO_GOODS": "20",
    "BUUDIEN_DEMO_TELECOM": "10",
    "BUUDIEN_DEMO_INSURANCE": "15",
    "BUUDIEN_DEMO_PRESS": "10",
    "BUUDIEN_DEMO_CARE": "10",
    "BUUDIEN_DEMO_PACE": "0.001",
}


def _demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", "--no-migrate", *args, stdout=out)
    return out.getvalue()


def _fingerprint() -> dict[str, Any]:
    return {
        "units": sorted(Unit.objects.values_list("code", "name", "kind", "path")),
        "points": sorted(
            ServicePoint.objects.values_list(
                "code",
                "name",
                "kind",
                "unit__code",
                "commune__code",
                "commune_legacy__code",
                "opened_on",
                "closed_on",
                "cashless",
                "multi_service",
                "address",
                "phone",
            )
        ),
        "services": PointService.objects.count(),
        "users": sorted(
            User.objects.values_list("username", "full_name", "role", "unit__code", "point__code")
        ),
    }


@dataclass(frozen=True)
class Built:
    output: str
    fingerprint: dict[str, Any]


@pytest.fixture(scope="module")
def built(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Built]:
    """The demo, built once and committed; the tests read it inside their own transactions,
    and the database is emptied again after the last one."""
    with pytest.MonkeyPatch.context() as env, django_db_blocker.unblock():
        for name, value in TINY_YEAR.items():
            env.setenv(name, value)
        output = _demo()
        yield Built(output, _fingerprint())
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def small_year(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SMALL_YEAR.items():
        monkeypatch.setenv(name, value)


def test_the_demo_covers_every_commune_of_both_structures(built: Built) -> None:

    today = timezone.localdate()
    serving = ServicePoint.objects.in_force_on(today).with_counter()
    for structure, field in (("legacy", "commune_legacy"), ("2025", "commune")):
        communes = AdminArea.objects.filter(
            structure=structure, level="commune", province_code="20"
        )
        covered = set(serving.values_list(f"{field}_id", flat=True))
        assert communes.count() == (194 if structure == "legacy" else 65)
        assert [c.name for c in communes if c.pk not in covered] == []


def test_the_demo_network_has_a_realistic_shape(built: Built) -> None:

    points = ServicePoint.objects.all()
    assert points.filter(kind="bc1").count() == 1
    assert points.filter(kind="bc2").count() == 10
    assert points.filter(kind="centre").count() == 1
    assert 215 <= points.count() <= 245
    serving_2023 = points.in_force_on(dt.date(2023, 12, 31)).with_counter().count()
    assert 200 <= serving_2023 <= 240
    open_now = points.filter(closed_on__isnull=True).exclude(kind="centre").count()
    assert points.filter(cashless=True).count() == round(open_now * 0.4)
    assert points.filter(closed_on__isnull=False).count() >= 3
    assert points.filter(opened_on__year__gte=2024).count() >= 3
    assert set(points.values_list("province_code", flat=True)) == {"20"}
    assert all(
        len(code) == 6 and code.startswith("24") for code in points.values_list("code", flat=True)
    )

    bc1 = points.get(kind="bc1")
    assert (bc1.code, bc1.name) == ("240000", "Bưu cục cấp 1 Lạng Sơn")
    assert bc1.unit.code == f"BDX{bc1.commune.code}" and bc1.unit_path == bc1.unit.path
    assert bc1.commune.name == "Phường Đông Kinh"
    # Each open point belongs to the post of its 2025 commune (the centre to the centre).
    for point in (
        points.filter(closed_on__isnull=True)
        .exclude(kind="centre")
        .select_related("unit", "commune")
    ):
        assert point.unit.code == f"BDX{point.commune.code}"
        assert point.unit_path == point.unit.path

    bdvhx = points.filter(kind="bdvhx", closed_on__isnull=True)
    assert 0.25 <= bdvhx.filter(multi_service=True).count() / bdvhx.count() <= 0.35
    plain = set(bdvhx.filter(multi_service=False).first().offers.values_list("service", flat=True))
    assert plain == {
        "registered",
        "ordinary",
        "collection",
        "pension",
        "press",
        "public_press",
        "dossier",
        "consumer_goods",
    }
    multi = set(bdvhx.filter(multi_service=True).first().offers.values_list("service", flat=True))
    assert {"savings", "payment_account"} <= multi

    units = Unit.objects.all()
    assert units.get(code="BDT20").path == "VNP/BDT20/"
    assert units.filter(kind="district").count() == 11
    assert units.filter(kind="commune").count() == 65
    assert units.get(code="BDH187").name == "Bưu điện huyện Chi Lăng"
    assert units.get(code="BDH178").name == "Bưu điện thành phố Lạng Sơn"
    assert units.get(code="BDX05977").name == "Bưu điện phường Đông Kinh"
    assert units.filter(kind="centre").get().name == "Trung tâm Khai thác Vận chuyển Lạng Sơn"
    assert units.get(code="BDH187").valid_to == dt.date(2025, 8, 31)
    assert units.get(code="BDX05977").valid_from == dt.date(2025, 9, 1)

    assert 500 <= User.objects.count() <= 1000
    assert User.objects.filter(role="postman").count() >= 65
    director = User.objects.get(username="giamdoc")
    assert (director.role, director.unit.code, director.name_folded) == (
        "director",
        "BDT20",
        "hoang thi minh huong giamdoc",
    )


def test_the_demo_staff_have_contracts_codes_and_incomes(built: Built) -> None:
    from buudien.core.bizdays import local_today
    from buudien.people.models import AverageIncome

    staff = User.objects.all()
    year = local_today().year
    assert not staff.filter(staff_code="").exists() and not staff.filter(contract_type="").exists()
    assert staff.filter(employed_from__year=year).count() >= 5
    assert 1 <= staff.filter(employed_until__year=year).count() <= staff.count() * 0.05
    assert set(staff.filter(point__kind="bdvhx").values_list("contract_type", flat=True)) == {
        "service"
    }
    assert set(staff.filter(point__kind="bc1").values_list("contract_type", flat=True)) <= {
        "indefinite",
        "fixed_term",
        "seasonal",
    }
    incomes = AverageIncome.objects.filter(unit__kind="commune")
    assert incomes.filter(year=year).count() == incomes.filter(year=year - 1).count() == 65
    assert all(8_000_000 <= row.average_income <= 12_000_000 for row in incomes)


def test_demo_accounts_can_log_in_and_others_cannot(built: Built, client: Any) -> None:
    out = built.output

    request = RequestFactory().post("/login/")
    for username, role in DEMO_ACCOUNTS.items():
        user = User.objects.get(username=username)
        assert user.role == role
        assert client.login(request=request, username=username, password="buudien2026"), username
        client.logout()
        assert username in out
    clerks = User.objects.filter(username__startswith="gdv.")
    assert clerks.count() == 2
    assert set(clerks.values_list("point__kind", flat=True)) == {"bc1", "bdvhx"}
    admin = User.objects.get(username="admin")
    assert (admin.is_staff, admin.is_superuser) == (True, False)
    assert User.objects.exclude(password__startswith="!").count() == 11
    assert not User.objects.filter(is_superuser=True).exists()


def test_every_step_of_the_year_says_what_it_made_and_the_money_holds(built: Built) -> None:
    said = [
        line.split(":")[0]
        for line in built.output.splitlines()
        if line.startswith(
            (
                "Bưu chính: ",
                "Thu hộ: ",
                "Chi trả",
                "Dịch vụ đại lý: ",
                "Không",
                "Hồ sơ thủ tục",
                "Hàng hóa: ",
                "Viễn thông: ",
                "Bảo hiểm: ",
                "Báo chí: ",
            )
        )
        or line.startswith("Quỹ tiền mặt: ")
    ]
    assert said == [
        "Bưu chính",  # tariffs
        "Bưu chính",  # the year of mail
        "Thu hộ",
        "Dịch vụ đại lý",
        "Chi trả lương hưu và chi hộ",
        "Hồ sơ thủ tục hành chính",
        "Không dùng tiền mặt",
        "Hàng hóa",
        "Viễn thông",
        "Bảo hiểm",
        "Báo chí",
        "Quỹ tiền mặt",
    ]
    # Customer care's line (in English until its Vietnamese is in the catalogue).
    care = ("Chăm sóc khách hàng: ", "Customer care: ")
    assert len([line for line in built.output.splitlines() if line.startswith(care)]) == 1
    assert len(demo_steps()) == 24  # and the plans: "... dòng kế hoạch năm ..."
    assert "dòng kế hoạch năm" in built.output
    assert_the_money_holds()


def test_the_demo_emulation_is_in_the_year_report(built: Built) -> None:
    """The council's records of the demo, read back through the year-end report and the
    eligibility rules: what the reviews name is there, computed from the records."""
    from buudien.core.bizdays import local_today
    from buudien.emulation.eligibility import eligibility
    from buudien.emulation.models import Award, Pledge
    from buudien.planning.selectors import year_report

    year = local_today().year
    found = year_report(user=None, province_code="20", year=year)["emulation"]
    units = Unit.objects.filter(parent__code="BDT20").count()

    assert [row["units"] for row in found["movements"]] == [None, None]
    assert found["movements"][0]["theme"].endswith(f"kế hoạch năm {year}")
    assert found["pledges"]["signed"] == units and found["pledges"]["assessed"] == 0
    assert Pledge.objects.filter(year=year - 1, results_at__isnull=False).count() == units
    notable = {(row["title"], row["recipient"].split(",")[0]) for row in found["notable"]}
    assert ("Huân chương Lao động hạng Nhì", "Hoàng Thị Minh Hương") in notable
    flags = [row for row in found["notable"] if row["kind"] == "co_thi_dua_bo"]
    assert [row["recipient"] for row in flags] == ["Bưu điện tỉnh Lạng Sơn", flags[1]["recipient"]]
    fighters = [row for row in found["notable"] if row["kind"] == "cstd_bo"]
    assert len(fighters) == 6
    kinds = {row["code"]: row for row in found["awards"]["per_kind"]}
    assert kinds["lao_dong_tien_tien"]["persons"] == 60
    assert 6 <= kinds["cstd_co_so"]["persons"] <= 9  # 15% of 60
    assert (
        found["awards"]["total"]["actual"]
        == Award.objects.filter(status="awarded", decision_date__year=year).count()
    )
    assert found["initiatives"]["recognised"]["actual"] >= 1
    # One of the six: three years of grassroots fighter and a Corporation's initiative.
    person = User.objects.get(full_name=fighters[0]["recipient"].split(",")[0])
    checks = {check.kind: check for check in eligibility(person, year - 1)}
    assert checks["cstd_co_so"].ok, checks["cstd_co_so"].reasons


def test_running_the_demo_again_keeps_the_same_data(
    built: Built, small_year: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _demo()

    assert "đã được tạo từ trước" in out  # the console speaks Vietnamese
    assert _fingerprint() == built.fingerprint

    # --reset empties the database and builds it all again: the same rows come back. (It
    # runs inside this test's transaction, which gives the module's build back afterwards.)
    # On PostgreSQL, the production database, only: a second whole build is the slowest
    # test of the suite, and what it checks does not depend on the engine.
    if connection.vendor != "postgresql":
        return
    for name, value in TINY_YEAR.items():  # the fingerprint is the network's and the staff's
        monkeypatch.setenv(name, value)
    _demo("--reset")

    assert _fingerprint() == built.fingerprint
    assert_the_money_holds()


def _latest_year(rows: Any, column: str) -> int | None:
    """The year of the latest ``column`` of ``rows``: the demo's last year with such records
    (this one, or last year in the first days of January), so these tests hold on any day."""
    found = rows.aggregate(latest=Max(column))["latest"]
    return found.year if found is not None else None


def test_the_demo_books_costs_so_every_unit_has_a_surplus(built: Built) -> None:
    """The accounting system's monthly files of the demo, read back through the report: costs
    by group of accounts, and a surplus for every unit that earned."""
    from buudien.core.bizdays import local_today
    from buudien.finance.models import Entry
    from buudien.planning.selectors import year_report

    year = _latest_year(Entry.objects.filter(kind="expense"), "business_date")
    assert year is not None
    report = year_report(user=None, province_code="20", year=year, estimate=False)
    costs = report["expenses"]
    assert {"641", "642"} <= {group["code"] for group in costs["groups"]}
    assert costs["actual"]
    if year == local_today().year:  # last year's costs too (the ledger's and the history's)
        assert costs["previous"]
    fees = sum(  # the licence fee is the same whatever the revenue (and the demo is small)
        c["actual"] for g in costs["groups"] for c in g["categories"] if c["code"] == "6425"
    )
    assert 0.7 < (costs["actual"] - fees) / report["revenue"]["actual"] < 1.05
    assert report["surplus"]["actual"] == report["revenue"]["actual"] - costs["actual"]
    earning = [unit for unit in report["per_unit"] if unit["actual"]]
    assert earning and all(unit["surplus"]["actual"] is not None for unit in earning)
    assert all(unit["expenses"] > 0 for unit in earning)


def test_the_demo_pays_the_vat_it_collects_to_the_local_budget(built: Built) -> None:
    from buudien.finance.models import Account, BudgetPayment
    from buudien.planning.render.narrative import budget_label
    from buudien.planning.selectors import year_report

    year = _latest_year(BudgetPayment.objects.all(), "paid_on")
    if year is None:
        pytest.skip("before 20 January the demo has no VAT due yet")
    report = year_report(user=None, province_code="20", year=year, estimate=False)
    paid = report["budget_contribution"]
    assert paid["actual"] and paid["by_tax"][0]["code"] == "3331"
    assert set(paid["by_level"]) == {"local"} and paid["not_classified"]["actual"] is None
    assert budget_label(report) == "Nộp ngân sách địa phương"
    # What is still owed is this month's VAT and last month's, not yet due.
    owed = Account.objects.get(province_code="20", code="3331").balance
    assert owed >= 0
    if BudgetPayment.objects.filter(paid_on__year=year).count() >= 3:
        assert owed < paid["actual"]


def test_the_demo_compares_commune_posts_with_their_districts_share(built: Built) -> None:
    """The district posts replaced on 1 September 2025 carry their history to the commune
    posts by succession: this year's report lists the units in force and the mapping, and
    the province's last year is the same whatever the split."""
    from buudien.core.bizdays import local_today
    from buudien.network.models import UnitSuccession
    from buudien.planning.selectors import year_report

    shares: dict[str, int] = {}
    for before, share in UnitSuccession.objects.values_list("predecessor__code", "share_bp"):
        shares[before] = shares.get(before, 0) + share
    districts = set(Unit.objects.filter(kind="district").values_list("code", flat=True))
    assert set(shares) == districts and set(shares.values()) == {10_000}
    report = year_report(user=None, province_code="20", year=local_today().year, estimate=False)
    kinds = {row["kind"] for row in report["per_unit"]}
    assert "district" not in kinds and "commune" in kinds
    assert {row["code"] for row in report["successions"]} == districts
    carried = sum(row["previous"] or 0 for row in report["per_unit"])
    assert carried == report["revenue"]["previous"]  # not a đồng lost in the split


def test_the_demo_communes_have_a_scorecard(built: Built) -> None:
    from buudien.core.bizdays import local_today
    from buudien.planning import scorecard

    communes = scorecard.commune_list(user=None, province_code="20")
    served = [c for c in communes if c["points"]]
    assert served and len(served) <= len(communes)
    from buudien.finance.models import DailyFigure

    year = _latest_year(DailyFigure.objects.all(), "date") or local_today().year
    cards = [
        scorecard.commune_scorecard(
            user=None, province_code="20", commune_code=c["code"], year=year
        )
        for c in served[:12]
    ]
    assert all(card["points"] for card in cards)
    assert any(card["current"]["items"] for card in cards)
    assert any(card["current"]["pensions_paid"] for card in cards)
    assert any(card["current"]["revenue"] for card in cards)


def test_the_demo_runs_at_a_province_pace_through_the_ledger(built: Built) -> None:
    """The rest of the year of mail and of the financial services, posted through the
    ledger's bulk path: each operation an entry of its own for its point and day, the cash
    deposited at the bank, the partners' commissions settled monthly; nothing of the
    services whose report sections count their own records."""
    from django.db.models import Sum

    from buudien.finance.demo import PACE
    from buudien.finance.models import Entry, Transfer

    line = [row for row in built.output.splitlines() if row.startswith("Theo nhịp")]
    assert len(line) == 1, built.output
    # (the domains' own steps at that pace deposit their takings under their own names)
    paced = Entry.objects.filter(idempotency_key__startswith="pace:").exclude(
        idempotency_key__regex=r"^pace:[a-z]+-deposit:"
    )
    kinds = set(paced.values_list("kind", flat=True))
    assert kinds == {"fee", "commission", "bank_deposit", "collection_settlement"}
    operations = paced.filter(kind__in=["fee", "commission"])
    assert not operations.filter(point__isnull=True).exists()
    services = set(Transfer.objects.filter(entry__in=operations).values_list("service", flat=True))
    assert services <= set(PACE) and len(services) >= 6
    counted = {"consumer_goods", "telecom", "insurance", "press", "dossier", "payment_account"}
    assert not services & counted  # the report counts their own records
    # What the operations put in the drawers went to the bank by the end of the week.
    moved = Transfer.objects.filter(entry__in=paced)
    into = moved.filter(debit__code__startswith="1111.").aggregate(s=Sum("amount"))["s"]
    out = moved.filter(credit__code__startswith="1111.").aggregate(s=Sum("amount"))["s"]
    assert into and into == out
    # A fee is the revenue net of VAT and the VAT; a commission is owed by the partner.
    fee = operations.filter(kind="fee").first()
    assert fee is not None
    legs = sorted(fee.transfers.select_related("credit"), key=lambda t: t.credit.code)
    assert [t.credit.code.split(".")[0] for t in legs] == ["3331", "5113"]
    assert legs[0].amount == legs[1].amount * 8 // 100
    commission = operations.filter(kind="commission").first()
    assert commission is not None
    assert commission.transfers.get().debit.code.startswith("131.partner.")
    settled = paced.filter(kind="collection_settlement")
    assert settled.exists() and not settled.filter(point__isnull=False).exists()
    assert_the_money_holds()


def test_goods_run_at_a_province_pace_with_their_own_records(built: Built) -> None:
    """The rest of the year's goods: sales with their lines, stock and rollup (the report's
    goods section counts them), bought and sent ahead of them, their takings deposited."""
    from django.db.models import Sum

    from buudien.finance.models import Entry, Transfer
    from buudien.goods import stock
    from buudien.goods.models import GoodsRollup, Sale

    paced = Sale.objects.filter(idempotency_key__contains=":pace-")
    assert paced.count() > 20 and paced.exclude(buyer_tax_code="").exists()
    assert stock.stock_verify(province_code="20") == []
    kept = GoodsRollup.objects.aggregate(sales=Sum("sales_once"))["sales"]
    assert kept == Sale.objects.count()
    deposits = Entry.objects.filter(idempotency_key__startswith="pace:goods-deposit:")
    deposited = Transfer.objects.filter(entry__in=deposits).aggregate(s=Sum("amount"))["s"]
    assert deposited == paced.aggregate(s=Sum("total"))["s"]


def test_the_demo_sells_telecom_and_insurance_at_a_province_pace(built: Built) -> None:
    """The rest of the year of telecom and insurance, through their bulk paths: the
    year-end report's sections count the records the pace made, whose cash went to the bank
    and whose partners' share was paid month by month."""
    from django.db.models import Sum

    from buudien.finance.models import Entry, Transfer
    from buudien.insurance.models import Policy
    from buudien.planning.selectors import year_report
    from buudien.telecom.models import PinSale, Topup

    paced = {"idempotency_key__contains": ":pace-"}
    assert Topup.objects.filter(**paced).exists() and PinSale.objects.filter(**paced).exists()
    year = Policy.objects.filter(**paced).latest("business_date").business_date.year
    report = year_report(user=None, province_code="20", year=year)

    def total(rows: Any, field: str) -> int:
        return int(rows.aggregate(s=Sum(field))["s"] or 0)

    topups = Topup.objects.filter(business_date__year=year, cancelled_at__isnull=True)
    sales = PinSale.objects.filter(business_date__year=year)
    telecom = report["telecom"]
    assert telecom["sales"]["actual"] == topups.count() + sales.count()
    assert telecom["face_value"]["actual"] == total(topups, "amount") + total(sales, "amount")
    assert telecom["commission"]["actual"] == total(topups, "commission") + total(
        sales, "commission"
    )
    policies = Policy.objects.filter(business_date__year=year, status="issued")
    insurance = report["insurance"]
    assert insurance["policies"]["actual"] == policies.count()
    assert insurance["premium"]["actual"] == total(policies, "premium")
    assert insurance["commission"]["actual"] == total(policies, "commission")
    for kind, deposits, payments in (
        ("telecom_sale", "pace:telecom-deposit:", "telecom:pace:pay:"),
        ("insurance_premium", "pace:insurance-deposit:", "insurance:pace:pay:"),
    ):
        made = Transfer.objects.filter(entry__kind=kind, entry__idempotency_key__contains=":pace-")
        banked = Transfer.objects.filter(entry__idempotency_key__startswith=deposits)
        assert total(made.filter(debit__code__startswith="1111."), "amount") == total(
            banked.filter(credit__code__startswith="1111."), "amount"
        )
        paid = Entry.objects.filter(idempotency_key__startswith=payments)
        assert paid.exists() and not paid.filter(point__isnull=False).exists()


def test_dossiers_press_and_accounts_run_at_a_province_pace(built: Built) -> None:
    """The rest of the year of dossiers, press subscriptions and payment accounts, through
    their bulk paths: the year-end report's sections count the records the pace made (its
    dossiers handed over, back and returned, some late with a reason), whose cash went to
    the bank and whose fees and publishers' shares were passed on month by month."""
    from django.db.models import Sum

    from buudien.agency.models import PaymentAccount
    from buudien.core.bizdays import VIETNAM
    from buudien.dossiers.models import Dossier, DossierStep, FeeSettlement
    from buudien.finance.models import Entry, Transfer
    from buudien.planning.selectors import year_report
    from buudien.press.models import PublisherSettlement, Subscription

    paced = {"idempotency_key__contains": ":pace-"}
    dossiers = Dossier.objects.filter(**paced)
    assert dossiers.filter(status="returned").exists() and dossiers.exclude(late_reason="").exists()
    assert DossierStep.objects.filter(dossier__in=dossiers, kind="confirmed").exists()
    assert Subscription.objects.filter(**paced).exists()
    assert PaymentAccount.objects.filter(**paced, channel="online").exists()
    year = dossiers.latest("business_date").business_date.year
    report = year_report(user=None, province_code="20", year=year)

    def total(rows: Any, field: str) -> int:
        return int(rows.aggregate(s=Sum(field))["s"] or 0)

    received = Dossier.objects.filter(business_date__year=year)
    back = Dossier.objects.filter(returned_at__isnull=False).values_list("returned_at", "due_date")
    returned = [(at.astimezone(VIETNAM).date(), due) for at, due in back]
    returned = [(day, due) for day, due in returned if day.year == year]
    admin = report["public_admin"]
    assert admin["received"]["actual"] == received.count()
    assert admin["charges"]["actual"] == total(received, "charge")
    assert admin["agency_fees"]["actual"] == total(received, "agency_fee")
    assert admin["returned"]["actual"] == len(returned)
    on_time = sum(1 for day, due in returned if day <= due)
    assert admin["on_time_pct"]["actual"] == round(100 * on_time / len(returned), 1)
    settled = FeeSettlement.objects.filter(entry__business_date__year=year)
    assert settled.filter(idempotency_key__startswith="pace:").exists()
    assert admin["fees_passed_on"]["actual"] == total(settled, "total")
    taken = Subscription.objects.filter(business_date__year=year)
    press = report["press"]
    assert press["subscriptions"]["actual"] == taken.count()
    assert press["sales"]["actual"] == total(taken, "total")
    assert press["margin"]["actual"] == total(taken, "margin")
    assert PublisherSettlement.objects.filter(idempotency_key__startswith="pace:").exists()
    opened = PaymentAccount.objects.filter(business_date__year=year)
    accounts = report["payment_accounts"]
    assert accounts["actual"] == opened.count()
    assert accounts["online"] == opened.filter(channel="online").count()
    assert accounts["counter"] == opened.filter(channel="counter").count()
    # The cash the dossiers and subscriptions of the pace took went to the bank.
    for kind, made, deposits in (
        ("dossier_fee", dossiers, "pace:dossiers-deposit:"),
        ("fee", Subscription.objects.filter(**paced), "pace:press-deposit:"),
    ):
        into = Transfer.objects.filter(entry__in=Entry.objects.filter(pk__in=made.values("entry")))
        banked = Transfer.objects.filter(entry__idempotency_key__startswith=deposits)
        assert total(into.filter(debit__code__startswith="1111."), "amount") == total(
            banked.filter(credit__code__startswith="1111."), "amount"
        ), kind


# After the module's other tests (the root conftest orders them so): a test with a live server
# runs outside a transaction, and the database (this module's demo) is emptied after it.
@pytest.mark.browser
def test_every_roles_main_pages_pass_axe(built: Built, live_server: Any, page: Any) -> None:
    """The accessibility walk of buudien.web.tests.accessibility over this demo: every role's
    main pages and a citizen's, no serious or critical axe violation, no control unlabelled."""
    from buudien.web.tests.accessibility import assert_every_roles_main_pages_pass_axe

    accounts = {role: username for username, role in DEMO_ACCOUNTS.items()}
    assert_every_roles_main_pages_pass_axe(page, live_server.url, accounts)
