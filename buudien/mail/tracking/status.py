"""An item's one normalised status, derived from its UPU EMSEVT events.

Events are read in the order they happened: ``occurred_at``, then ``id`` (the order they were
stored) for events of the same instant. An event that arrives late (scanned offline, sent in
a later batch) is put back in its place, so the status is always that of the last event in
time, whatever order the events arrived in.

=====================================  =========================================================
event                                  status
=====================================  =========================================================
EMA posting                            ``accepted``
EMB EMC EMD EMF EMJ EMK, EDD EDE       ``in_transit`` (``returning`` once the return started)
EMG arrival at the delivery office     ``at_delivery_office``
EDF held at the delivery office        ``held``
EDG out for delivery                   ``out_for_delivery``
EDH at the pick-up point               ``at_pickup_point``
EMH action ``retry`` (or none)         ``delivery_failed``
EMH action ``hold``                    ``held``
EMH action ``return``                  ``returning``, and the item is returning from then on
EMI final delivery                     ``delivered``; ``returned`` when the item is returning
=====================================  =========================================================

``returning`` is a flag beside the status: once an EMH with action ``return`` is recorded,
the item travels back to its sender, and it stays returning for all later events. While
returning, the dispatch legs read ``returning`` (not ``in_transit``); arrival, holding, out
for delivery and failed attempts read as above (they happen at the sender's office now); the
final EMI is the delivery back to the sender: ``returned``.

``delivered_at`` is the time of the final EMI when the status is ``delivered`` or
``returned``; None otherwise (an EMI followed by later events no longer counts as final).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from buudien.mail.choices import EventCode, FailureAction, ItemStatus

TRANSIT_CODES = frozenset(
    {
        EventCode.EMB,
        EventCode.EMC,
        EventCode.EMD,
        EventCode.EMF,
        EventCode.EMJ,
        EventCode.EMK,
        EventCode.EDD,
        EventCode.EDE,
    }
)

# Plain strings as keys: events read with values_list() carry str, not EventCode.
_SIMPLE: dict[str, str] = {
    EventCode.EMA.value: ItemStatus.ACCEPTED.value,
    **{code.value: ItemStatus.IN_TRANSIT.value for code in TRANSIT_CODES},
    EventCode.EMG.value: ItemStatus.AT_DELIVERY_OFFICE.value,
    EventCode.EDF.value: ItemStatus.HELD.value,
    EventCode.EDG.value: ItemStatus.OUT_FOR_DELIVERY.value,
    EventCode.EDH.value: ItemStatus.AT_PICKUP_POINT.value,
}
_TRANSIT = frozenset(code.value for code in TRANSIT_CODES)
_EMH = EventCode.EMH.value
_EMI = EventCode.EMI.value
_RETURN = FailureAction.RETURN.value
_HOLD = FailureAction.HOLD.value


class EventLike(Protocol):
    """What the derivation reads of an event: a TrackingEvent, or any row with these."""

    @property
    def code(self) -> str: ...

    @property
    def action(self) -> str: ...

    @property
    def occurred_at(self) -> dt.datetime: ...


@dataclass(frozen=True, slots=True)
class ItemState:
    """The derived fields kept on PostalItem for lists."""

    status: str = ItemStatus.ACCEPTED.value
    returning: bool = False
    delivered_at: dt.datetime | None = None
    last_event_code: str = ""
    last_event_at: dt.datetime | None = None


def status_step(code: str, action: str, returning: bool) -> tuple[str, bool]:
    """(status, returning) after one event, given whether the item was returning before it.

    An unknown code leaves the status to the caller: it raises KeyError.
    """
    if code == _EMH:
        if action == _RETURN:
            return ItemStatus.RETURNING.value, True
        if action == _HOLD:
            return ItemStatus.HELD.value, returning
        return ItemStatus.DELIVERY_FAILED.value, returning
    if code == _EMI:
        return (ItemStatus.RETURNED.value if returning else ItemStatus.DELIVERED.value), returning
    if returning and code in _TRANSIT:
        return ItemStatus.RETURNING.value, True
    return _SIMPLE[code], returning


def state_after(state: ItemState, events: Iterable[tuple[str, str, dt.datetime]]) -> ItemState:
    """The state after ``events`` (code, action, occurred_at), already in order, that all
    happened after the last event ``state`` reflects."""
    status, returning = state.status, state.returning
    delivered_at = state.delivered_at
    last_code, last_at = state.last_event_code, state.last_event_at
    for code, action, at in events:
        status, returning = status_step(code, action, returning)
        last_code, last_at = code, at
        delivered_at = at if code == _EMI else None
    return ItemState(status, returning, delivered_at, last_code, last_at)


def state_of(events: Iterable[tuple[str, str, dt.datetime]]) -> ItemState:
    """The state of an item from all its events (code, action, occurred_at), in order."""
    return state_after(ItemState(), events)


def _order_key(event: EventLike) -> tuple[dt.datetime, int]:
    pk = getattr(event, "id", None)
    return event.occurred_at, pk if isinstance(pk, int) else 0


def derive_status(events: Iterable[EventLike]) -> tuple[str, bool, dt.datetime | None]:
    """(status, returning, delivered_at) of an item from its events, in any order given.

    With no events, the item is ``accepted`` (it exists because a counter accepted it).
    """
    ordered = sorted(events, key=_order_key)
    state = state_of((e.code, e.action, e.occurred_at) for e in ordered)
    return state.status, state.returning, state.delivered_at
