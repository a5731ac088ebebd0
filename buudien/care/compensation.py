"""The most a compensation may be, by the rules of Decree 47/2011/NĐ-CP (art. 24 and 25, as
issue 14 states them) and the service's published terms. Every figure comes from the item
itself: its charge and its declared value as recorded when it was accepted, never typed.

**The charge** ("cước của dịch vụ đã sử dụng") is what the sender paid for the service:
the item's ``price_total`` (postage, surcharge and add-ons, VAT included), since that is
what the post refunds.

- ``whole``: a domestic item **lost or wholly damaged, without a declared value**: at most
  4 × the charge, and the charge refunded: 5 × the charge in all;
- ``declared``: the same **with a declared value**: the declared value, and the charge
  refunded;
- ``partial``: **partly lost or damaged**: in proportion, ``loss_bp`` (basis points,
  10000 = all of it) of what the whole loss would be (the ``whole`` or ``declared`` amount,
  by whether a value was declared), rounded down to the đồng;
- ``delay``: **late**: the charge refunded, for a service with a guaranteed time (EMS)
  only; for the others the law promises no time, so nothing is owed and it is refused with
  that reason.

An international item is compensated by the UPU's rules in SDR (art. 25); they are not
computed here and it is refused with that reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from buudien.care.choices import CompensationRule, Ground, Outcome, RequestKind, Status, Subject
from buudien.care.models import CareRequest
from buudien.core.errors import DomainError
from buudien.core.money import format_vnd
from buudien.mail.choices import MailService
from buudien.mail.models import PostalItem

__all__ = [
    "ALL",
    "CHARGE_TIMES",
    "GUARANTEED_TIME",
    "Computation",
    "compensation_max",
    "compensation_rule_for",
    "rules_for_ground",
]

ALL = 10_000  # basis points: the whole of it
CHARGE_TIMES = 4  # at most 4 × the charge for an item lost without a declared value
# The services that promise a time: only their delay is compensated (the charge refunded).
GUARANTEED_TIME = frozenset({MailService.EMS.value})
_LOSS = frozenset({CompensationRule.WHOLE, CompensationRule.DECLARED, CompensationRule.PARTIAL})


def rules_for_ground(ground: str) -> frozenset[str]:
    """The rules a complaint on ``ground`` may be compensated by: a loss or damage, wholly
    or in part; a delay, by the delay rule; nothing for the other grounds."""
    if ground in (Ground.LOSS, Ground.DAMAGE, Ground.CONTENTS):
        return frozenset(str(rule) for rule in _LOSS)
    if ground == Ground.DELAY:
        return frozenset({str(CompensationRule.DELAY)})
    return frozenset()


def compensation_rule_for(request: CareRequest) -> str:
    """The rule of an upheld complaint about a mail item, from its ground and the item: lost
    → ``whole`` or ``declared`` (by the declared value); damaged or contents missing →
    ``partial``; late → ``delay``. Refused with the reason when no compensation is due."""
    if request.kind != RequestKind.COMPLAINT or request.subject != Subject.ITEM:
        raise DomainError(
            _("Compensation is paid for a complaint about a mail item only."), field="request"
        )
    if request.status != Status.CLOSED or request.outcome not in (Outcome.UPHELD, Outcome.PARTLY):
        raise DomainError(
            _("Compensation is paid once the complaint is closed as upheld or partly upheld."),
            field="request",
        )
    if request.international:
        raise DomainError(
            _(
                "An international item is compensated by the UPU's rules in SDR: ask the "
                "international office; it is not computed here."
            ),
            field="request",
        )
    if request.ground == Ground.LOSS:
        item = request.item
        assert item is not None
        return CompensationRule.DECLARED if item.declared_value > 0 else CompensationRule.WHOLE
    if request.ground in (Ground.DAMAGE, Ground.CONTENTS):
        return CompensationRule.PARTIAL
    if request.ground == Ground.DELAY:
        return CompensationRule.DELAY
    raise DomainError(
        _("A complaint about %(ground)s is not compensated in money under the rules.")
        % {"ground": Ground(request.ground).label.lower()},
        field="rule",
    )


@dataclass(frozen=True)
class Computation:
    """How the most a compensation may be is made: shown on the proposal page as it is."""

    rule: str
    charge: int
    declared_value: int
    loss_bp: int
    compensation: int  # before the charge refunded (and before the share)
    refund: int  # the charge refunded
    amount_max: int


def compensation_max(item: PostalItem, rule: str, loss_bp: int = ALL) -> Computation:
    """The most ``rule`` allows for ``item`` (see the module): refused with the reason when
    the rule does not fit the item (a declared value for ``whole``, none for ``declared``,
    a service without a guaranteed time for ``delay``) or the share is not 1 to 10000."""
    if rule not in CompensationRule.values:
        raise DomainError(_("Choose the rule of the compensation."), field="rule")
    if isinstance(loss_bp, bool) or not isinstance(loss_bp, int) or not 1 <= loss_bp <= ALL:
        raise DomainError(
            _("The share lost is 1 to 10000 basis points (10000: all of it)."), field="loss_bp"
        )
    if rule != CompensationRule.PARTIAL and loss_bp != ALL:
        raise DomainError(
            _("A share lost is given for a partial loss or damage only."), field="loss_bp"
        )
    charge, declared = item.price_total, item.declared_value
    if rule == CompensationRule.DELAY:
        if item.service not in GUARANTEED_TIME:
            raise DomainError(
                _(
                    "%(service)s promises no delivery time: a delay is not compensated "
                    "(only a service with a guaranteed time, such as EMS, refunds its charge)."
                )
                % {"service": MailService(item.service).label},
                field="rule",
            )
        return Computation(rule, charge, declared, ALL, 0, charge, charge)
    if rule == CompensationRule.WHOLE and declared > 0:
        raise DomainError(
            _(
                "The item was sent with a declared value of %(value)s: it is compensated by "
                "its declared value."
            )
            % {"value": format_vnd(declared)},
            field="rule",
        )
    if rule == CompensationRule.DECLARED and declared <= 0:
        raise DomainError(
            _("The item was sent without a declared value: it is compensated by its charge."),
            field="rule",
        )
    compensation = declared if declared > 0 else CHARGE_TIMES * charge
    whole = compensation + charge
    return Computation(
        rule,
        charge,
        declared,
        loss_bp,
        compensation,
        charge,
        whole * loss_bp // ALL,
    )
