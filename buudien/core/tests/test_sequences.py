from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection, transaction

from buudien.core.models import Sequence
from buudien.core.sequences import sequence_next, sequence_next_many, sequence_next_with

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a real PostgreSQL"
)
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
PROJECT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_it_starts_a_new_sequence_at_1() -> None:
    # given no counter named receipts
    # when a value is taken
    value = sequence_next("receipts")
    # then it is 1 and the counter is stored
    assert value == 1
    assert Sequence.objects.get(name="receipts").value == 1


@pytest.mark.django_db
def test_it_returns_the_last_value_of_a_block() -> None:
    assert sequence_next("receipts", 5) == 5
    assert sequence_next("receipts") == 6
    assert sequence_next("receipts", 10) == 16
    assert Sequence.objects.get(name="receipts").value == 16


@pytest.mark.django_db
def test_two_calls_never_return_overlapping_blocks() -> None:
    # given a counter already at 100
    Sequence.objects.create(name="s10.RR", value=100)
    # when two blocks are taken
    first_last = sequence_next("s10.RR", 3)
    second_last = sequence_next("s10.RR", 4)
    # then they follow one another without overlap
    first = set(range(first_last - 3 + 1, first_last + 1))
    second = set(range(second_last - 4 + 1, second_last + 1))
    assert first == {101, 102, 103}
    assert second == {104, 105, 106, 107}


@pytest.mark.django_db
def test_counters_are_independent_of_each_other() -> None:
    sequence_next("a", 7)
    assert sequence_next("b") == 1
    assert sequence_next("a") == 8
    assert dict(Sequence.objects.values_list("name", "value")) == {"a": 8, "b": 1}


@pytest.mark.django_db
def test_values_taken_in_a_rolled_back_transaction_are_given_back() -> None:
    # given a counter at 10
    Sequence.objects.create(name="receipts", value=10)
    # when a block is taken inside a transaction that fails
    with pytest.raises(RuntimeError), transaction.atomic():
        assert sequence_next("receipts", 5) == 15
        raise RuntimeError("the service failed after taking numbers")
    # then the counter has not moved
    assert Sequence.objects.get(name="receipts").value == 10
    assert sequence_next("receipts") == 11


@pytest.mark.django_db
def test_a_counter_created_in_a_rolled_back_transaction_is_created_again() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        sequence_next("new")
        raise RuntimeError
    assert not Sequence.objects.filter(name="new").exists()
    assert sequence_next("new") == 1


@pytest.mark.django_db
@pytest.mark.parametrize("count", [0, -1])
def test_it_refuses_a_block_of_no_values(count: int) -> None:
    with pytest.raises(ValueError):
        sequence_next("receipts", count)
    assert not Sequence.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_counter_without_a_name() -> None:
    with pytest.raises(ValueError):
        sequence_next("")


@pytest.mark.django_db
def test_it_takes_one_value_in_one_statement_whether_the_counter_exists_or_not(
    django_assert_num_queries: Callable[..., object],
) -> None:
    Sequence.objects.create(name="receipts", value=1)
    with django_assert_num_queries(1):  # INSERT ... ON CONFLICT DO UPDATE ... RETURNING
        assert sequence_next("receipts") == 2
    with django_assert_num_queries(1):
        assert sequence_next("labels", 3) == 3
    assert dict(Sequence.objects.values_list("name", "value")) == {"receipts": 2, "labels": 3}


@pytest.mark.django_db
def test_it_takes_a_value_with_another_counter_read_by_the_same_statement(
    django_assert_num_queries: Callable[..., object],
) -> None:
    Sequence.objects.create(name="office:block", value=7)
    with django_assert_num_queries(1):
        assert sequence_next_with("office", "office:block") == (1, 7)
    assert sequence_next_with("office", "nothing") == (2, None)


def _take_concurrently(name: str, threads: int, calls: int, count: int) -> list[int]:
    """Each thread, on its own connection, takes ``calls`` blocks of ``count``; all start at
    once. Returns every value handed out."""
    start = threading.Barrier(threads)
    taken: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work() -> None:
        try:
            start.wait()
            for _ in range(calls):
                last = sequence_next(name, count)
                with lock:
                    taken.extend(range(last - count + 1, last + 1))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not errors, errors
    return taken


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_takers_never_get_the_same_value() -> None:
    # given a counter that exists
    Sequence.objects.create(name="s10.RR", value=0)
    # when 8 connections take 25 blocks of 3 each at the same time
    taken = _take_concurrently("s10.RR", threads=8, calls=25, count=3)
    # then every value is handed out exactly once, with no gap
    assert sorted(taken) == list(range(1, 8 * 25 * 3 + 1))
    assert Sequence.objects.get(name="s10.RR").value == 600


@pytest.mark.postgres
@on_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_takers_of_a_counter_that_does_not_exist_yet_all_succeed() -> None:
    # given no counter: every taker may try to create it at once
    taken = _take_concurrently("fresh", threads=8, calls=1, count=2)
    # then one creates it and the others add to it
    assert sorted(taken) == list(range(1, 17))
    assert Sequence.objects.get(name="fresh").value == 16


TAKER = """
import sys, time
import django
django.setup()
from buudien.core.sequences import sequence_next, sequence_next_many
time.sleep(max(0.0, float(sys.argv[1]) - time.monotonic()))
print(*[sequence_next("s10.RR", 3) for _ in range(40)])
"""


@on_sqlite
def test_concurrent_processes_never_get_the_same_value_on_a_sqlite_file(tmp_path: Path) -> None:
    # The in-memory test database cannot show SQLite's locking; this is the production set-up:
    # a database file in WAL mode whose transactions BEGIN IMMEDIATE.
    # given a database file with the sequences' table (core's migrations only: the others
    # take four times as long and the takers touch nothing else)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'buudien.sqlite3'}",
        "BUUDIEN_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "buudien.settings",
    }
    migrate = [sys.executable, "manage.py", "migrate", "core", "-v", "0"]
    subprocess.run(migrate, cwd=PROJECT, env=env, check=True, timeout=120)
    # when 4 processes take 40 blocks of 3 each, starting at the same moment
    start_at = str(time.monotonic() + 2)  # one clock for every process of the machine
    takers = [
        subprocess.Popen(
            [sys.executable, "-c", TAKER, start_at],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    lasts = [int(v) for taker in takers for v in taker.communicate(timeout=120)[0].split()]
    # then every value is handed out exactly once
    taken = sorted(v for last in lasts for v in range(last - 2, last + 1))
    assert all(taker.returncode == 0 for taker in takers)
    assert taken == list(range(1, 4 * 40 * 3 + 1))


@pytest.mark.django_db
def test_many_counters_are_taken_at_once_after_what_each_had() -> None:
    # given a counter at 4 and another not made yet
    sequence_next("dossiers:HS:240001", 4)
    # when blocks of 3 and 2 are taken at once
    taken = sequence_next_many({"dossiers:HS:240001": 3, "dossiers:HS:240002": 2})
    # then each block follows what its counter had, and the next single value follows it
    assert taken == {"dossiers:HS:240001": 7, "dossiers:HS:240002": 2}
    assert sequence_next("dossiers:HS:240002") == 3


@pytest.mark.django_db
def test_many_counters_taken_in_a_rolled_back_transaction_are_given_back() -> None:
    sequence_next("a")
    with pytest.raises(RuntimeError), transaction.atomic():
        sequence_next_many({"a": 5, "b": 5})
        raise RuntimeError
    assert sequence_next_many({"a": 1, "b": 1}) == {"a": 2, "b": 1}


@pytest.mark.django_db
def test_many_counters_refuse_a_block_of_no_values() -> None:
    with pytest.raises(ValueError):
        sequence_next_many({"a": 1, "b": 0})
    assert not Sequence.objects.exists()
