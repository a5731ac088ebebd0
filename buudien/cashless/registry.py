"""What confirming a cashless payment posts, by the kind of operation it pays for.

A service that takes cashless payment (a bill collected, a mail fee, a savings deposit ...)
registers, under its own kind, the function that posts its ledger entry once the money has
reached the province's bank account::

    @settles("collection")
    def _bill_paid_by_transfer(payment, *, actor, bank):  # -> Entry
        ...  # entry_post(..., legs=[Leg(debit=bank, credit=partner, amount=..., service=...)])

``payment`` is the cashless app's ``PaymentRequest`` (province_code, point, amount, kind,
reference, pk ...); ``bank`` the ledger account the money arrived in. The handler posts with
an idempotency key derived from the payment (``f"cashless:{payment.pk}"``) so a confirmation
that is retried posts once. It runs inside the confirmation's transaction: if it refuses
(raises DomainError), the payment stays unconfirmed and nothing is posted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[..., Any]

_HANDLERS: dict[str, Handler] = {}
_LABELS: dict[str, Any] = {}


def settles(kind: str, *, label: Any = None) -> Callable[[Handler], Handler]:
    """Register ``handler`` as what confirming a payment of ``kind`` posts; ``label`` (a lazy
    translation) is what the pages call the kind ("Thu hộ", not "collection")."""

    def register(handler: Handler) -> Handler:
        existing = _HANDLERS.get(kind)
        if existing is not None and existing is not handler:
            raise ValueError(f"cashless kind {kind!r} is settled by {existing!r} already")
        _HANDLERS[kind] = handler
        if label is not None:
            _LABELS[kind] = label
        return handler

    return register


def label_for(kind: str) -> str:
    """The kind in words, the kind itself for one registered without a label."""
    return str(_LABELS.get(kind, kind))


def handler_for(kind: str) -> Handler | None:
    return _HANDLERS.get(kind)


def kinds() -> list[str]:
    return sorted(_HANDLERS)
