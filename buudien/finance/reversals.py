"""An entry reversed by hand (an accountant's correction) is a cancellation of what moved money
like any other (``counter.cancellations``): it takes a reason, kept as the reversal's memo and
in the audit log, and above ``settings.BUUDIEN_CANCEL_APPROVAL_ABOVE`` (the entry's total: the
sum of its transfers) it waits until a director or an accountant of the entry's units (its
point's, or the provincial post's), not the one who asked, approves it.

The checks are the ledger's (``ledger.require_reverser``): an accountant or an
administrator who may see the entry and use each of its accounts; a reversal is never
reversed; an entry is reversed once. A request sent again under the key of a reversal already
posted returns that reversal."""

from __future__ import annotations

from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buudien.core.audit import audit_record
from buudien.core.errors import DomainError
from buudien.counter import cancellations
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Entry


def _total(entry: Entry) -> int:
    return int(entry.transfers.aggregate(total=Sum("amount"))["total"] or 0)


def _subject(entry: Entry, _params: Any) -> cancellations.Subject:
    noun = gettext_lazy("ledger entry")
    if entry.point is not None:
        return cancellations.Subject.at(
            entry.point, noun=noun, reference=f"#{entry.pk}", amount=_total(entry)
        )
    return cancellations.Subject(
        noun=str(noun),
        reference=f"#{entry.pk}",
        amount=_total(entry),
        province_code=entry.province_code,
        unit_path=ledger.province_unit(entry.province_code).path,
    )


def _reversible(entry: Entry) -> None:
    if entry.kind == EntryKind.REVERSAL or entry.reverses_id is not None:
        raise DomainError(_("A reversal cannot be reversed: post a new entry instead."))
    done = Entry.objects.filter(province_code=entry.province_code, reverses=entry).first()
    if done is not None:
        raise DomainError(
            _("Entry #%(entry)s was already reversed by entry #%(reversal)s.")
            % {"entry": entry.pk, "reversal": done.pk}
        )


def _check(*, actor: Any, record: Entry, params: Any, at: Any, reason: Any) -> None:
    """An accountant or an administrator who sees the entry and may use each account."""
    ledger.require_reverser(actor, record)
    _reversible(record)


def _perform(*, actor: Any, record: Entry, reason: str, params: Any, at: Any) -> Entry:
    entry = Entry.objects.select_related("point").get(pk=record.pk)
    _reversible(entry)
    reversal = ledger.entry_reverse(
        actor=actor, entry=entry, idempotency_key=str(params["idempotency_key"]), memo=reason
    )
    audit_record(
        actor=actor,
        action="finance.entry_reverse",
        obj=entry,
        after={"reversal": reversal.pk, "reason": reason},
    )
    return reversal


ENTRY_REVERSE = cancellations.register(
    cancellations.Kind(
        name="finance.entry",
        noun=gettext_lazy("ledger entry"),
        load=lambda pk: Entry.objects.select_related("point").get(pk=int(pk)),
        subject=_subject,
        check=_check,
        perform=_perform,
    )
)


def entry_reverse_asked(
    *, actor: Any, entry_id: int, idempotency_key: str, reason: str
) -> cancellations.Cancellation:
    """Reverse entry ``entry_id`` for ``reason``, at once or, above the amount, once a
    director or an accountant approves it. ``Cancellation.record`` is the reversal when done
    (the one posted already under ``idempotency_key``, for a retry)."""
    ledger.require_entry_role(actor)
    entry = ledger.entry_get(user=actor, entry_id=entry_id)
    posted = Entry.objects.filter(
        province_code=entry.province_code, idempotency_key=idempotency_key, reverses=entry
    ).first()
    if posted is not None:
        return cancellations.Cancellation(posted, _subject(entry, {}))
    return cancellations.cancel(
        kind=ENTRY_REVERSE,
        actor=actor,
        record=entry,
        reason=reason,
        params={"idempotency_key": idempotency_key},
    )
