"""What follows the end of an item's journey, in the same transaction as the event that
ended it: delivered to its recipient, or returned to its sender.

Every path that records events (a postman's phone, the counter, a scanner's batch, a
repair of the status fields) ends in ``items_finished`` with the items that have just
become delivered and those just returned to their sender: the delivered are counted in the
delivery rollup, then both lists go to each follower an app registered in its
``AppConfig.ready`` (``delivery_follow``). A dossier's result posted to the applicant is
returned when its item is delivered, and back at the counter when the item comes back,
whichever way the event came in (ADR 0004).

Not Django signals: the followers are plain functions, called in order, inside the caller's
transaction (a follower that fails rolls the delivery back), and mail knows of none of them
by name. A follower gets the ids of the newly delivered and newly returned items (up to a
scanner batch's 10,000) and must find its own rows with one indexed query.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from buudien.mail.tracking.rollup import delivery_rollup_add

# follower(delivered item ids, returned-to-sender item ids)
Follower = Callable[[Sequence[int], Sequence[int]], None]

_FOLLOWERS: list[Follower] = []


def delivery_follow(follower: Follower) -> Follower:
    """Call ``follower`` with the items each batch of events delivers or returns."""
    if follower not in _FOLLOWERS:
        _FOLLOWERS.append(follower)
    return follower


def items_finished(*, delivered: Sequence[int], returned: Sequence[int] = ()) -> None:
    """These items have just become delivered, or returned to their sender (their stored
    status says so)."""
    if delivered:
        delivery_rollup_add(item_ids=delivered)
    if delivered or returned:
        for follower in _FOLLOWERS:
            follower(delivered, returned)
