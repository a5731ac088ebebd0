"""Concurrency on a real PostgreSQL: the same bill sent by several processes at once."""

from __future__ import annotations

import multiprocessing

import pytest
from django.db import connection

from buudien.collection import services
from buudien.collection.models import Bill, Partner
from buudien.collection.tests import workers
from buudien.finance.models import Account, Entry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SPAWN = multiprocessing.get_context("spawn")


def _run(args_for, n: int) -> list:
    start = SPAWN.Barrier(n)
    results = SPAWN.Queue()
    procs = [
        SPAWN.Process(target=workers.collect, args=(*args_for(i), start, results)) for i in range(n)
    ]
    for proc in procs:
        proc.start()
    out = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
        assert proc.exitcode == 0
    return out


@pytest.fixture
def partner(admin_user) -> Partner:
    return services.partner_create(
        actor=admin_user,
        province_code="20",
        code="evn",
        name="EVN Lạng Sơn",
        bank="vietinbank",
        commission_fixed=2_000,
    )


def test_the_same_key_from_several_processes_collects_once(clerk_a, partner):
    name = connection.settings_dict["NAME"]

    out = _run(lambda i: (name, clerk_a.pk, partner.pk, "same-key", "PA1"), n=4)

    assert {kind for kind, _value in out} == {"bill"}
    assert len({value for _kind, value in out}) == 1
    assert Bill.objects.count() == 1
    assert Entry.objects.count() == 1
    assert Account.objects.get(code="1111.240001").balance == 350_000


def test_the_same_bill_under_different_keys_is_collected_once(clerk_a, partner):
    name = connection.settings_dict["NAME"]

    out = _run(lambda i: (name, clerk_a.pk, partner.pk, f"key-{i}", "PA2"), n=4)

    assert sorted(kind for kind, _value in out) == ["bill", "refused", "refused", "refused"]
    assert Bill.objects.count() == 1
    assert Entry.objects.count() == 1
    assert Account.objects.get(code="1111.240001").balance == 350_000
