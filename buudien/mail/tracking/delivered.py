"""What follows an item's delivery, in the same transaction as the event that delivered it.

Every path that delivers an item (a postman's phone, the counter, a scanner's batch, a
repair of the status fields) ends in ``items_delivered`` with the items that have just
become delivered: they are counted in the delivery rollup, then handed to each follower an
app registered in its ``AppConfig.ready`` (``delivery_follow``). A dossier's result posted
to the applicant is returned when its item is delivered, whichever way the delivery came in.

Not Django signals: the followers are plain functions, called in order, inside the caller's
transaction (a follower that fails rolls the delivery back), and mail knows of none of them
by name. A follower gets the ids of the newly delivered items (up to a scanner batch's
10,000) and must find its own rows with one indexed query.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from buudien.mail.tracking.rollup import delivery_rollup_add

Follower = Callable[[Sequence[int]], None]

_FOLLOWERS: list[Follower] = []


def delivery_follow(follower: Follower) -> Follower:
    """Call ``follower`` with the ids of the items each delivery makes delivered."""
    if follower not in _FOLLOWERS:
        _FOLLOWERS.append(follower)
    return follower


def items_delivered(*, item_ids: Sequence[int]) -> None:
    """These items have just become delivered (their stored status says so)."""
    if not item_ids:
        return
    delivery_rollup_add(item_ids=item_ids)
    for follower in _FOLLOWERS:
        follower(item_ids)
