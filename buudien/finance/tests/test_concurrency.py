"""Concurrency on a real PostgreSQL: processes paying out of one drawer at once, two hot
accounts posted in opposite orders, a worker killed in the middle of a posting."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest
from django.db import connection

from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account, DailyBalance, Entry, Transfer
from buudien.finance.tests import workers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PROVINCE = "20"
SPAWN = multiprocessing.get_context("spawn")


def _db_name() -> str:
    return connection.settings_dict["NAME"]


def _open(account: Account, amount: int) -> None:
    ledger.entry_post(
        actor=None,
        idempotency_key=f"open:{account.code}",
        kind=EntryKind.OPENING_BALANCE,
        reference="",
        legs=[
            ledger.Leg(debit=account, credit=ledger.account_owner_capital(PROVINCE), amount=amount)
        ],
        province_code=PROVINCE,
    )


def _run(target, args_for, n: int, timeout: float = 120) -> list:
    start = SPAWN.Barrier(n)
    results = SPAWN.Queue()
    procs = [SPAWN.Process(target=target, args=(*args_for(i), start, results)) for i in range(n)]
    for proc in procs:
        proc.start()
    out = [results.get(timeout=timeout) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
        assert proc.exitcode == 0
    return out


def test_processes_paying_out_of_one_drawer_at_once_never_overdraw_it(world):
    drawer = ledger.account_for_drawer(world.point_a)
    payee = ledger.account_for_partner(PROVINCE, "bhxh")
    _open(drawer, 60 * 10_000)

    outcomes = _run(
        workers.pay_until_refused,
        lambda i: (_db_name(), drawer.pk, payee.pk, 10_000),
        n=4,
    )

    paid = sum(amount for amount, _refusal in outcomes)
    assert paid == 600_000  # exactly what the drawer held, not a đồng more
    drawer_name = Account.objects.get(code="1111.240001").name
    assert all(drawer_name in refusal for _paid, refusal in outcomes)  # "not enough money in …"
    assert Account.objects.get(pk=drawer.pk).balance == 0
    assert Account.objects.get(pk=payee.pk).balance == -600_000
    assert Entry.objects.filter(kind=EntryKind.PENSION).count() == 60
    rollup = DailyBalance.objects.get(account=drawer)
    assert (rollup.debit_total, rollup.credit_total, rollup.transfer_count) == (
        600_000,
        600_000,
        61,
    )
    # Several workers really did pay: the drawer was contended.
    assert sum(1 for amount, _refusal in outcomes if amount) >= 2


def test_two_hot_accounts_posted_in_opposite_orders_do_not_deadlock(world):
    """Locks taken in the order of the legs deadlock here (tried: 93 of 160 postings failed
    with 40P01); taken in primary-key order, none does, without a single retry."""
    evn = ledger.account_for_partner(PROVINCE, "evn")
    water = ledger.account_for_partner(PROVINCE, "water")
    count = 50

    errors = _run(
        workers.post_both_ways,
        lambda i: (_db_name(), *((evn.pk, water.pk) if i % 2 else (water.pk, evn.pk)), count),
        n=4,
    )

    assert errors == [[], [], [], []]
    assert Entry.objects.filter(kind=EntryKind.COLLECTION_SETTLEMENT).count() == 4 * count
    # Each entry moves 7 one way and 5 back, and half the workers go each way: all square.
    evn.refresh_from_db()
    water.refresh_from_db()
    assert (evn.balance, water.balance) == (0, 0)
    assert DailyBalance.objects.get(account=evn).transfer_count == 4 * count * 2


def test_the_same_key_sent_by_several_processes_at_once_posts_once(world):
    drawer = ledger.account_for_drawer(world.point_a)
    revenue = ledger.account_for_revenue(PROVINCE, "registered")

    ids = _run(
        workers.post_same_key,
        lambda i: (_db_name(), drawer.pk, revenue.pk, "fee:RR000000015VN"),
        n=4,
    )

    assert len(set(ids)) == 1
    assert Entry.objects.count() == 1
    assert Account.objects.get(pk=drawer.pk).balance == 13_000


def test_a_worker_killed_in_the_middle_of_a_posting_leaves_nothing_behind(world):
    drawer = ledger.account_for_drawer(world.point_a)
    payee = ledger.account_for_partner(PROVINCE, "bhxh")
    _open(drawer, 80_000)
    before = (
        Entry.objects.count(),
        Transfer.objects.count(),
        dict(Account.objects.values_list("code", "balance")),
        list(DailyBalance.objects.values_list("account_id", "debit_total", "credit_total")),
    )
    ready, results = SPAWN.Event(), SPAWN.Queue()
    worker = SPAWN.Process(
        target=workers.post_and_hang,
        args=(_db_name(), drawer.pk, payee.pk, "pension:killed", ready, results),
    )
    worker.start()
    assert ready.wait(timeout=60), "the worker never reached the middle of its posting"
    # Inside its transaction the worker had written both transfers ...
    assert results.get(timeout=5) == 2
    # ... which nobody else sees before the commit.
    assert not Entry.objects.filter(idempotency_key="pension:killed").exists()

    os.kill(worker.pid, signal.SIGKILL)
    worker.join(timeout=30)
    assert worker.exitcode == -signal.SIGKILL

    after = (
        Entry.objects.count(),
        Transfer.objects.count(),
        dict(Account.objects.values_list("code", "balance")),
        list(DailyBalance.objects.values_list("account_id", "debit_total", "credit_total")),
    )
    assert after == before
    # The locks died with it: the same posting goes through now, once.
    started = time.monotonic()
    entry = ledger.entry_post(
        actor=None,
        idempotency_key="pension:killed",
        kind=EntryKind.PENSION,
        reference="pension-line:1",
        legs=[
            ledger.Leg(debit=payee, credit=drawer, amount=30_000, service="pension"),
            ledger.Leg(debit=payee, credit=drawer, amount=20_000, service="pension"),
        ],
        province_code=PROVINCE,
    )
    assert time.monotonic() - started < 10
    assert entry.transfers.count() == 2
    assert Account.objects.get(pk=drawer.pk).balance == 30_000
