"""The ledger core: posting, idempotency, refusals, reversals, business days, rollups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum

from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.models import AuditEntry
from buudien.finance import ledger
from buudien.finance.choices import AccountKind, EntryKind
from buudien.finance.ledger import Leg
from buudien.finance.models import Account, BusinessDay, DailyBalance, Entry, Transfer
from buudien.finance.tests.conftest import PROVINCE, balances

pytestmark = pytest.mark.django_db

TODAY = local_today()
YESTERDAY = TODAY - dt.timedelta(days=1)


def _state() -> tuple[int, int, int, dict[str, int]]:
    return (
        Entry.objects.count(),
        Transfer.objects.count(),
        DailyBalance.objects.count(),
        balances(),
    )


def _fee(drawer, revenue, vat, *, key="fee:1", amount=100_000, tax=8_000, **kwargs):
    return ledger.entry_post(
        actor=None,
        idempotency_key=key,
        kind=EntryKind.FEE,
        reference="item:RR000000015VN",
        legs=[
            Leg(debit=drawer, credit=revenue, amount=amount, service="registered"),
            Leg(debit=drawer, credit=vat, amount=tax, service="registered"),
        ],
        province_code=PROVINCE,
        **kwargs,
    )


def _pay(drawer, to, amount, *, key, **kwargs):
    return ledger.entry_post(
        actor=None,
        idempotency_key=key,
        kind=EntryKind.PENSION,
        reference="pension:1",
        legs=[Leg(debit=to, credit=drawer, amount=amount, service="pension")],
        province_code=PROVINCE,
        **kwargs,
    )


# --- posting ---------------------------------------------------------------------------------


def test_it_posts_a_fee_into_the_drawer_revenue_and_vat(world, clerk_a, drawer_a, revenue, vat):
    entry = _fee(drawer_a, revenue, vat, point=world.point_a)

    assert balances() == {drawer_a.code: 108_000, revenue.code: 100_000, vat.code: 8_000}
    assert entry.business_date == TODAY
    assert entry.late_for is None
    assert entry.point == world.point_a
    assert list(
        entry.transfers.order_by("id").values_list(
            "debit__code", "credit__code", "amount", "service", "point__code", "business_date"
        )
    ) == [
        ("1111.240001", "5113.registered", 100_000, "registered", "240001", TODAY),
        ("1111.240001", "3331", 8_000, "registered", "240001", TODAY),
    ]
    rollup = {
        row.account.code: (row.debit_total, row.credit_total, row.transfer_count)
        for row in DailyBalance.objects.select_related("account")
    }
    assert rollup == {
        "1111.240001": (108_000, 0, 2),
        "5113.registered": (0, 100_000, 1),
        "3331": (0, 8_000, 1),
    }
    # Everyday postings are not written to the audit log: the entry is the record.
    assert not AuditEntry.objects.filter(action__startswith="ledger.").exists()


def test_the_point_of_an_entry_is_the_point_of_its_drawer(world, drawer_a, revenue, vat):
    entry = _fee(drawer_a, revenue, vat)
    assert entry.point_id == world.point_a.pk
    assert set(entry.transfers.values_list("point_id", flat=True)) == {world.point_a.pk}


def test_it_adds_to_the_days_rollup_across_entries(world, drawer_a, revenue, vat):
    _fee(drawer_a, revenue, vat, key="fee:1")
    _fee(drawer_a, revenue, vat, key="fee:2", amount=20_000, tax=1_600)
    row = DailyBalance.objects.get(account=drawer_a, date=TODAY)
    assert (row.debit_total, row.credit_total, row.transfer_count) == (129_600, 0, 4)


def test_an_entry_may_take_and_give_on_the_same_drawer(world, drawer_a, revenue, vat, fund):
    fund(drawer_a, 10_000)
    payee = ledger.account_for_partner(PROVINCE, "evn")
    # 30,000 taken in and 35,000 paid out in one entry: 5,000 net out of a drawer of 10,000.
    ledger.entry_post(
        actor=None,
        idempotency_key="mixed",
        kind=EntryKind.COLLECTION,
        reference="bill:1",
        legs=[
            Leg(debit=drawer_a, credit=payee, amount=30_000, service="collection"),
            Leg(debit=payee, credit=drawer_a, amount=35_000, service="collection"),
        ],
        province_code=PROVINCE,
    )
    assert Account.objects.get(pk=drawer_a.pk).balance == 5_000
    assert Account.objects.get(pk=payee.pk).balance == -5_000


# --- idempotency -----------------------------------------------------------------------------


def test_a_retry_with_the_same_key_returns_the_entry_already_posted(world, drawer_a, revenue, vat):
    first = _fee(drawer_a, revenue, vat, key="acc:1")
    before = _state()
    again = _fee(drawer_a, revenue, vat, key="acc:1")
    assert again.pk == first.pk
    assert _state() == before


def test_a_retry_is_the_same_request_whatever_the_order_of_its_legs(world, drawer_a, revenue, vat):
    first = _fee(drawer_a, revenue, vat, key="acc:1")
    again = ledger.entry_post(
        actor=None,
        idempotency_key="acc:1",
        kind=EntryKind.FEE,
        reference="item:RR000000015VN",
        legs=[
            Leg(debit=drawer_a, credit=vat, amount=8_000, service="registered"),
            Leg(debit=drawer_a, credit=revenue, amount=100_000, service="registered"),
        ],
        province_code=PROVINCE,
    )
    assert again.pk == first.pk
    assert Entry.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [{"amount": 100_001}, {"tax": 7_999}, {"kind": EntryKind.COLLECTION}, {"ref": "item:other"}],
)
def test_a_used_key_with_a_different_request_is_refused(world, drawer_a, revenue, vat, change):
    _fee(drawer_a, revenue, vat, key="acc:1")
    before = _state()
    legs = [
        Leg(debit=drawer_a, credit=revenue, amount=change.get("amount", 100_000)),
        Leg(debit=drawer_a, credit=vat, amount=change.get("tax", 8_000)),
    ]
    legs = [Leg(leg.debit, leg.credit, leg.amount, "registered") for leg in legs]
    with pytest.raises(DomainError) as caught:
        ledger.entry_post(
            actor=None,
            idempotency_key="acc:1",
            kind=change.get("kind", EntryKind.FEE),
            reference=change.get("ref", "item:RR000000015VN"),
            legs=legs,
            province_code=PROVINCE,
        )
    assert "Idempotency key reused with a different request" in str(caught.value)
    assert caught.value.field == "idempotency_key"
    assert _state() == before


def test_the_same_key_in_another_province_is_another_entry(world, drawer_a, revenue, vat):
    _fee(drawer_a, revenue, vat, key="k")
    other = ledger.account_for_revenue("04", "registered")
    bank = ledger.account_for_bank("04", "bidv")
    ledger.entry_post(
        actor=None,
        idempotency_key="k",
        kind=EntryKind.OPENING_BALANCE,
        reference="",
        legs=[Leg(debit=bank, credit=other, amount=1)],
        province_code="04",
    )
    assert Entry.objects.filter(idempotency_key="k").count() == 2


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (1.0, "whole number of đồng"),
        (1.5, "whole number of đồng"),
        (True, "whole number of đồng"),
        (Decimal("100"), "whole number of đồng"),
        ("100", "whole number of đồng"),
        (0, "more than zero"),
        (-5_000, "more than zero"),
        (10**15 + 1, "cannot be more than"),
    ],
)
def test_it_refuses_an_amount_that_is_not_a_positive_whole_number(
    world, drawer_a, revenue, vat, amount, message
):
    _fee(drawer_a, revenue, vat, key="before")
    before = _state()
    with pytest.raises(DomainError) as caught:
        _fee(drawer_a, revenue, vat, key="bad", amount=amount)
    assert message in str(caught.value)
    assert caught.value.field == "legs.0.amount"
    assert _state() == before


def test_it_refuses_a_transfer_from_an_account_to_itself(world, drawer_a):
    with pytest.raises(DomainError, match="two different accounts"):
        _pay(drawer_a, drawer_a, 1, key="self")
    assert Entry.objects.count() == 0


def test_it_refuses_an_account_that_does_not_exist(world, drawer_a):
    ghost = Account(pk=987_654, province_code=PROVINCE, code="9999", kind=AccountKind.ASSET)
    with pytest.raises(DomainError, match="Unknown account"):
        _pay(drawer_a, ghost, 1, key="ghost")
    unsaved = Account(province_code=PROVINCE, code="9998", kind=AccountKind.ASSET)
    with pytest.raises(DomainError, match="Unknown account"):
        _pay(drawer_a, unsaved, 1, key="ghost")
    assert Entry.objects.count() == 0


def test_an_account_known_by_a_stale_id_is_read_again_by_its_code(world, drawer_a, revenue, vat):
    """``account_known``: the process's copy of an account whose id is now another row (a
    database emptied and filled again) posts to the account of its code, not that row."""
    stale = Account(pk=vat.pk, province_code=PROVINCE, code=drawer_a.code, kind=drawer_a.kind)
    ledger._KNOWN[(PROVINCE, drawer_a.code)] = (stale, lambda: drawer_a)
    try:
        known = ledger.account_known(PROVINCE, drawer_a.code, lambda: drawer_a)
        assert known.pk == vat.pk  # no query: the copy the process has
        entry = _fee(known, revenue, vat, key="known:1")
    finally:
        ledger._KNOWN.pop((PROVINCE, drawer_a.code), None)
    assert sorted(entry.transfers.values_list("debit__code", "credit__code", "amount")) == [
        (drawer_a.code, vat.code, 8_000),
        (drawer_a.code, revenue.code, 100_000),
    ]
    assert balances()[drawer_a.code] == 108_000


def test_it_refuses_an_account_of_another_province(world, drawer_a, fund):
    fund(drawer_a, 50_000)
    elsewhere = ledger.account_for_partner("04", "evn")
    before = _state()
    with pytest.raises(DomainError, match="belongs to province 04, not 20"):
        _pay(drawer_a, elsewhere, 1_000, key="x")
    assert _state() == before


def test_it_refuses_a_closed_account(world, drawer_a, revenue, vat):
    Account.objects.filter(pk=revenue.pk).update(closed_at=ledger.timezone.now())
    with pytest.raises(DomainError, match=r"5113\.registered .* is closed"):
        _fee(drawer_a, revenue, vat)
    assert Entry.objects.count() == 0


def test_it_refuses_an_unknown_service_and_kind(world, drawer_a, revenue):
    with pytest.raises(DomainError, match="Unknown service"):
        ledger.entry_post(
            actor=None,
            idempotency_key="s",
            kind=EntryKind.FEE,
            reference="",
            legs=[Leg(debit=drawer_a, credit=revenue, amount=1, service="telegram")],
            province_code=PROVINCE,
        )
    with pytest.raises(DomainError, match="Unknown entry kind"):
        ledger.entry_post(
            actor=None,
            idempotency_key="s",
            kind="gift",
            reference="",
            legs=[Leg(debit=drawer_a, credit=revenue, amount=1)],
            province_code=PROVINCE,
        )
    with pytest.raises(DomainError, match="entry_reverse"):
        ledger.entry_post(
            actor=None,
            idempotency_key="s",
            kind=EntryKind.REVERSAL,
            reference="",
            legs=[Leg(debit=drawer_a, credit=revenue, amount=1)],
            province_code=PROVINCE,
        )
    with pytest.raises(DomainError, match="idempotency key"):
        ledger.entry_post(
            actor=None,
            idempotency_key=" ",
            kind=EntryKind.FEE,
            reference="",
            legs=[Leg(debit=drawer_a, credit=revenue, amount=1)],
            province_code=PROVINCE,
        )
    with pytest.raises(DomainError, match="at least one transfer"):
        ledger.entry_post(
            actor=None,
            idempotency_key="s",
            kind=EntryKind.FEE,
            reference="",
            legs=[],
            province_code=PROVINCE,
        )
    assert Entry.objects.count() == 0


def test_it_refuses_to_overdraw_a_drawer(world, drawer_a, fund):
    fund(drawer_a, 50_000)
    pensions = ledger.account_for_partner(PROVINCE, "bhxh")
    before = _state()
    with pytest.raises(DomainError) as caught:
        _pay(drawer_a, pensions, 60_000, key="p1")
    assert str(caught.value) == (
        f"Not enough money in {Account.objects.get(code='1111.240001').name}: "
        "balance 50.000\xa0₫, needed 60.000\xa0₫."
    )
    assert _state() == before
    # Exactly what it holds can be paid out.
    _pay(drawer_a, pensions, 50_000, key="p2")
    assert Account.objects.get(pk=drawer_a.pk).balance == 0


def test_a_bank_account_cannot_go_below_zero_either(world, capital):
    bank = ledger.account_for_bank(PROVINCE, "bidv")
    expenses = ledger.account_expenses(PROVINCE)
    with pytest.raises(DomainError, match="Not enough money in Tiền gửi ngân hàng tại BIDV"):
        ledger.entry_post(
            actor=None,
            idempotency_key="e",
            kind=EntryKind.EXPENSE,
            reference="",
            legs=[Leg(debit=expenses, credit=bank, amount=1)],
            province_code=PROVINCE,
        )
    assert Entry.objects.count() == 0


def test_the_database_refuses_a_negative_drawer_whatever_the_path(world, drawer_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=drawer_a.pk).update(balance=-1)


def test_posted_rows_cannot_be_changed_or_deleted(world, drawer_a, revenue, vat):
    entry = _fee(drawer_a, revenue, vat)
    transfer = entry.transfers.first()
    transfer.amount = 1
    with pytest.raises(PermissionError):
        transfer.save()
    with pytest.raises(PermissionError):
        Transfer.objects.filter(pk=transfer.pk).update(amount=1)
    with pytest.raises(PermissionError):
        Transfer.objects.all().delete()
    with pytest.raises(PermissionError):
        transfer.delete()
    entry.memo = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        Entry.objects.all().update(memo="x")
    assert Transfer.objects.get(pk=transfer.pk).amount == 100_000


# --- business days ---------------------------------------------------------------------------


def test_a_closed_day_takes_no_more_postings(world, accountant, drawer_a, revenue, vat):
    ledger.business_day_close(actor=accountant, province_code=PROVINCE, date=YESTERDAY)
    before = _state()
    with pytest.raises(DomainError) as caught:
        _fee(drawer_a, revenue, vat, business_date=YESTERDAY)
    assert str(caught.value) == (
        f"The business day {YESTERDAY:%d/%m/%Y} is closed: it takes no more postings. "
        "Post it into the open day as a late entry."
    )
    assert _state() == before


def test_a_late_entry_goes_into_the_open_day(world, accountant, drawer_a, revenue, vat):
    ledger.business_day_close(actor=accountant, province_code=PROVINCE, date=YESTERDAY)
    entry = _fee(drawer_a, revenue, vat, business_date=YESTERDAY, late=True)
    assert (entry.business_date, entry.late_for) == (TODAY, YESTERDAY)
    assert set(entry.transfers.values_list("business_date", flat=True)) == {TODAY}
    assert not DailyBalance.objects.filter(date=YESTERDAY).exists()


def test_late_on_an_open_day_is_just_that_day(world, drawer_a, revenue, vat):
    entry = _fee(drawer_a, revenue, vat, business_date=YESTERDAY, late=True)
    assert (entry.business_date, entry.late_for) == (YESTERDAY, None)


def test_when_today_is_closed_postings_go_into_the_next_day(
    world, accountant, drawer_a, revenue, vat
):
    ledger.business_day_close(actor=accountant, province_code=PROVINCE, date=TODAY)
    assert ledger.business_day_open_date(PROVINCE) == TODAY + dt.timedelta(days=1)
    assert ledger.business_day_open_date("04") == TODAY
    entry = _fee(drawer_a, revenue, vat)
    assert (entry.business_date, entry.late_for) == (TODAY + dt.timedelta(days=1), None)


def test_it_refuses_a_posting_dated_in_the_future(world, drawer_a, revenue, vat):
    with pytest.raises(DomainError, match="has not come yet"):
        _fee(drawer_a, revenue, vat, business_date=TODAY + dt.timedelta(days=2))
    assert Entry.objects.count() == 0


def test_closing_a_day_is_audited_and_closing_it_again_changes_nothing(world, accountant):
    day = ledger.business_day_close(actor=accountant, province_code=PROVINCE, date=YESTERDAY)
    again = ledger.business_day_close(actor=accountant, province_code=PROVINCE, date=YESTERDAY)
    assert again.pk == day.pk and again.closed_at == day.closed_at
    assert day.closed_by == accountant
    assert AuditEntry.objects.filter(action="ledger.day_close").count() == 1


def test_a_director_may_close_a_day(world, director):
    ledger.business_day_close(actor=director, province_code=PROVINCE, date=TODAY)
    assert BusinessDay.objects.get(province_code=PROVINCE, date=TODAY).is_closed


def test_a_clerk_cannot_close_a_day(world, clerk_a):
    with pytest.raises(AccessDenied):
        ledger.business_day_close(actor=clerk_a, province_code=PROVINCE, date=TODAY)
    assert not BusinessDay.objects.exists()


def test_an_accountant_of_another_province_cannot_close_ours(world, outsider):
    with pytest.raises(NotFound):
        ledger.business_day_close(actor=outsider, province_code=PROVINCE, date=TODAY)
    assert not BusinessDay.objects.exists()


def test_a_day_still_to_come_cannot_be_closed(world, accountant):
    with pytest.raises(DomainError, match="has not come yet"):
        ledger.business_day_close(
            actor=accountant, province_code=PROVINCE, date=TODAY + dt.timedelta(days=1)
        )
    assert not BusinessDay.objects.exists()


# --- reversals -------------------------------------------------------------------------------


def test_a_reversal_posts_the_mirror_image_into_the_open_day(
    world, accountant, drawer_a, revenue, vat
):
    entry = _fee(drawer_a, revenue, vat, business_date=YESTERDAY)
    ledger.business_day_close(actor=accountant, province_code=PROVINCE, date=YESTERDAY)
    reversal = ledger.entry_reverse(
        actor=accountant, entry=entry, idempotency_key="rev:1", memo="wrong weight"
    )
    assert balances() == {drawer_a.code: 0, revenue.code: 0, vat.code: 0}
    assert (reversal.kind, reversal.reverses_id, reversal.business_date) == (
        EntryKind.REVERSAL,
        entry.pk,
        TODAY,
    )
    assert reversal.reference == entry.reference
    assert sorted(reversal.transfers.values_list("debit__code", "credit__code", "amount")) == [
        ("3331", "1111.240001", 8_000),
        ("5113.registered", "1111.240001", 100_000),
    ]
    audit = AuditEntry.objects.get(action="ledger.reversal")
    assert audit.object_id == str(reversal.pk) and audit.actor == accountant


def test_an_entry_is_reversed_only_once(world, accountant, drawer_a, revenue, vat):
    entry = _fee(drawer_a, revenue, vat)
    first = ledger.entry_reverse(actor=accountant, entry=entry, idempotency_key="rev:1")
    before = _state()
    # A retry of the same reversal returns it ...
    assert ledger.entry_reverse(actor=accountant, entry=entry, idempotency_key="rev:1") == first
    # ... a second reversal under another key is refused.
    with pytest.raises(DomainError) as caught:
        ledger.entry_reverse(actor=accountant, entry=entry, idempotency_key="rev:2")
    assert str(caught.value) == f"Entry #{entry.pk} was already reversed by entry #{first.pk}."
    assert _state() == before


def test_a_reversal_is_never_reversed(world, accountant, drawer_a, revenue, vat):
    entry = _fee(drawer_a, revenue, vat)
    reversal = ledger.entry_reverse(actor=accountant, entry=entry, idempotency_key="rev:1")
    before = _state()
    with pytest.raises(DomainError, match="A reversal cannot be reversed"):
        ledger.entry_reverse(actor=accountant, entry=reversal, idempotency_key="rev:2")
    assert _state() == before


def test_a_reversal_that_would_overdraw_the_drawer_is_refused(world, accountant, drawer_a, fund):
    fund(drawer_a, 10_000)
    pensions = ledger.account_for_partner(PROVINCE, "bhxh")
    received = ledger.entry_post(
        actor=None,
        idempotency_key="in",
        kind=EntryKind.COLLECTION,
        reference="",
        legs=[Leg(debit=drawer_a, credit=pensions, amount=5_000)],
        province_code=PROVINCE,
    )
    _pay(drawer_a, pensions, 12_000, key="out")
    before = _state()
    with pytest.raises(DomainError, match="Not enough money in Két tiền"):
        ledger.entry_reverse(actor=accountant, entry=received, idempotency_key="rev")
    assert _state() == before


# --- the chart -------------------------------------------------------------------------------


def test_the_account_helpers_make_each_account_once_with_its_kind_and_rule(world):
    drawer = ledger.account_for_drawer(world.point_a)
    assert ledger.account_for_drawer(world.point_a) == drawer
    made = {
        a.code: (a.kind, a.allow_negative, a.point_id, a.unit_id, a.service, a.partner)
        for a in [
            drawer,
            ledger.account_for_revenue(PROVINCE, "ems"),
            ledger.account_for_partner(PROVINCE, "evn"),
            ledger.account_for_bank(PROVINCE, "bidv"),
            ledger.account_vat_payable(PROVINCE),
            ledger.account_cod_payable(PROVINCE),
            ledger.account_expenses(PROVINCE),
            ledger.account_cash_shortage(PROVINCE),
            ledger.account_cash_surplus(PROVINCE),
            ledger.account_owner_capital(PROVINCE),
        ]
    }
    province = world.province.pk
    assert made == {
        "1111.240001": ("asset", False, world.point_a.pk, None, "", ""),
        "5113.ems": ("revenue", True, None, province, "ems", ""),
        "3388.partner.evn": ("liability", True, None, province, "", "evn"),
        "1121.bidv": ("asset", False, None, province, "", "bidv"),
        "3331": ("liability", True, None, province, "", ""),
        "3388.cod": ("liability", True, None, province, "", ""),
        "642": ("expense", True, None, province, "", ""),
        "1381": ("asset", True, None, province, "", ""),
        "3381": ("liability", True, None, province, "", ""),
        "411": ("equity", True, None, province, "", ""),
    }
    assert Account.objects.count() == 10


def test_the_helpers_refuse_codes_outside_the_scheme(world):
    with pytest.raises(DomainError, match="Unknown service"):
        ledger.account_for_revenue(PROVINCE, "telegram")
    with pytest.raises(DomainError, match="not a valid short code"):
        ledger.account_for_partner(PROVINCE, "EVN Hà Nội")
    with pytest.raises(DomainError, match="no provincial post with province code 99"):
        ledger.account_vat_payable("99")
    assert Account.objects.count() == 0


def test_the_chart_of_a_province_is_made_once(world):
    count = ledger.chart_ensure(province_code=PROVINCE)
    assert count == 6 + 20 + 2
    assert ledger.chart_ensure(province_code=PROVINCE) == count
    assert ledger.account_resolve(PROVINCE, "1111.240002").point == world.point_b
    assert ledger.account_resolve(PROVINCE, "1111.999999") is None
    assert ledger.account_resolve(PROVINCE, "5113.telegram") is None


# --- rollups ---------------------------------------------------------------------------------


def _grouped() -> dict[tuple[str, dt.date, int], tuple[int, int, int]]:
    out: dict[tuple[str, dt.date, int], list[int]] = {}
    for side, index in (("debit", 0), ("credit", 1)):
        rows = (
            Transfer.objects.values("province_code", "business_date", side)
            .annotate(total=Sum("amount"), n=Count("id"))
            .order_by()
        )
        for row in rows:
            key = (row["province_code"], row["business_date"], row[side])
            out.setdefault(key, [0, 0, 0])
            out[key][index] += row["total"]
            out[key][2] += row["n"]
    return {k: tuple(v) for k, v in out.items()}


def _rollups() -> dict[tuple[str, dt.date, int], tuple[int, int, int]]:
    return {
        (r.province_code, r.date, r.account_id): (r.debit_total, r.credit_total, r.transfer_count)
        for r in DailyBalance.objects.all()
    }


def test_rebuilding_the_rollups_gives_back_what_the_postings_kept(world, drawer_a, revenue, vat):
    _fee(drawer_a, revenue, vat, key="a", business_date=YESTERDAY)
    _fee(drawer_a, revenue, vat, key="b")
    kept = _rollups()
    assert kept == _grouped()
    DailyBalance.objects.filter(date=TODAY).delete()
    DailyBalance.objects.filter(account=drawer_a).update(debit_total=1)
    DailyBalance.objects.create(province_code=PROVINCE, date=TODAY, account=revenue)
    call_command("ledger", "rebuild-rollups", "--province", PROVINCE)
    assert _rollups() == kept
    call_command("ledger", "rebuild-rollups", "--province", PROVINCE)
    assert _rollups() == kept


def test_rebuilding_from_a_day_leaves_the_days_before_alone(world, drawer_a, revenue, vat):
    _fee(drawer_a, revenue, vat, key="a", business_date=YESTERDAY)
    _fee(drawer_a, revenue, vat, key="b")
    DailyBalance.objects.all().delete()
    call_command("ledger", "rebuild-rollups", "--from", TODAY.isoformat())
    assert set(DailyBalance.objects.values_list("date", flat=True)) == {TODAY}
    ledger.rollups_rebuild()
    assert _rollups() == _grouped()
