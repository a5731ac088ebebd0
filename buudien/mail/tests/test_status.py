"""An item's one status, derived from its EMSEVT events (buudien.mail.status)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import pytest

from buudien.core.bizdays import VIETNAM
from buudien.mail.tracking.status import derive_status, state_of, status_step

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=VIETNAM)


@dataclass
class Ev:
    code: str
    action: str = ""
    hours: float = 0
    id: int | None = None

    @property
    def occurred_at(self) -> dt.datetime:
        return T0 + dt.timedelta(hours=self.hours)


def _timeline(*specs: tuple[str, str] | str) -> list[Ev]:
    """Events an hour apart, with ids in that order."""
    events = []
    for i, spec in enumerate(specs):
        code, action = (spec, "") if isinstance(spec, str) else spec
        events.append(Ev(code, action, hours=i, id=i + 1))
    return events


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("EMA", "accepted"),
        ("EMB", "in_transit"),
        ("EMC", "in_transit"),
        ("EMD", "in_transit"),
        ("EMF", "in_transit"),
        ("EMJ", "in_transit"),
        ("EMK", "in_transit"),
        ("EDD", "in_transit"),
        ("EDE", "in_transit"),
        ("EMG", "at_delivery_office"),
        ("EDF", "held"),
        ("EDG", "out_for_delivery"),
        ("EDH", "at_pickup_point"),
        ("EMI", "delivered"),
    ],
)
def test_each_event_gives_its_status(code, status):
    assert derive_status(_timeline("EMA", code))[0] == status


@pytest.mark.parametrize(
    ("action", "status", "returning"),
    [
        ("retry", "delivery_failed", False),
        ("", "delivery_failed", False),
        ("hold", "held", False),
        ("return", "returning", True),
    ],
)
def test_an_unsuccessful_attempt_reads_by_its_action(action, status, returning):
    events = _timeline("EMA", "EMG", "EDG", ("EMH", action))
    assert derive_status(events) == (status, returning, None)


def test_an_item_without_events_is_accepted():
    assert derive_status([]) == ("accepted", False, None)


def test_a_delivery_gives_the_time_it_was_delivered():
    events = _timeline("EMA", "EMB", "EMG", "EDG", "EMI")
    assert derive_status(events) == ("delivered", False, events[-1].occurred_at)


def test_an_item_sent_back_travels_as_returning_and_ends_returned():
    way_out = ["EMA", "EMB", "EMG", "EDG", ("EMH", "retry"), "EDG", ("EMH", "return")]
    way_back = ["EMC", "EDD", "EMG", "EDG", "EMI"]
    on_the_way = _timeline(*way_out, *way_back[:2])
    assert derive_status(on_the_way) == ("returning", True, None)
    back_home = _timeline(*way_out, *way_back[:3])
    assert derive_status(back_home) == ("at_delivery_office", True, None)
    events = _timeline(*way_out, *way_back)
    assert derive_status(events) == ("returned", True, events[-1].occurred_at)


def test_a_failed_attempt_on_the_way_back_keeps_the_item_returning():
    events = _timeline("EMA", "EDG", ("EMH", "return"), "EDG", ("EMH", "retry"))
    assert derive_status(events) == ("delivery_failed", True, None)


def test_events_count_in_the_order_they_happened_not_the_order_they_arrived():
    events = _timeline("EMA", "EMB", "EMC", "EMG", "EDG", "EMI")
    shuffled = events[:]
    random.Random(3).shuffle(shuffled)
    for later_id, event in enumerate(shuffled, start=100):
        event.id = later_id  # arrived in this order
    assert derive_status(shuffled) == ("delivered", False, events[-1].occurred_at)


def test_a_scan_that_arrives_late_does_not_undo_the_delivery():
    events = _timeline("EMA", "EMG", "EDG", "EMI")
    late = Ev("EMC", hours=0.5, id=99)  # sent by an offline scanner a day later
    assert derive_status([*events, late])[0] == "delivered"


def test_a_return_that_arrives_late_still_makes_the_delivery_a_return():
    events = _timeline("EMA", "EDG", "EMC", "EMI")
    late = Ev("EMH", "return", hours=1.5, id=99)  # between EDG and EMC
    assert derive_status([*events, late])[:2] == ("returned", True)


def test_events_of_the_same_instant_read_in_the_order_they_were_stored():
    first, second = Ev("EMG", id=1), Ev("EDG", id=2)
    assert derive_status([second, first])[0] == "out_for_delivery"


def test_an_event_after_a_delivery_takes_the_delivery_time_away():
    events = _timeline("EMA", "EDG", "EMI", "EMG")
    assert derive_status(events) == ("at_delivery_office", False, None)


def test_the_folded_state_keeps_the_last_event():
    state = state_of([("EMA", "", T0), ("EMB", "", T0 + dt.timedelta(hours=2))])
    assert (state.status, state.last_event_code, state.last_event_at) == (
        "in_transit",
        "EMB",
        T0 + dt.timedelta(hours=2),
    )


def test_an_unknown_code_is_not_guessed():
    with pytest.raises(KeyError):
        status_step("XYZ", "", False)
