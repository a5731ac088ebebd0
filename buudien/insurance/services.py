"""Writes of insurance sold at the counter: a policy issued, a policy cancelled the same day.

``policy_issue`` is one counter operation (``buudien.counter.desk``): a counter clerk at their
own point (or an administrator at a point of their scope) issues the certificate and takes the
premium in cash; auditors, accountants and directors never act. Every problem of the request
is refused at once, each under its field. A retry under the same idempotency key returns the
policy already issued; another request under a used key is refused.

The ledger entry of a policy (``D`` debit, ``C`` credit), every leg of service ``insurance``:

- D drawer / C payable to the insurer (``3388.partner.bh-<code>``): the premium less the
  commission, what the post owes the insurer and pays it on the monthly statement (the
  accountants' manual settlement entry);
- D drawer / C revenue ``insurance``: the commission (premium × the product's basis points).

``policy_cancel`` reverses that entry (``ledger.entry_reverse``) the business day the policy
was issued, by a clerk of its point or an administrator, for a reason; above the amount a
clerk cancels alone, once a director or an accountant approves it (``counter.cancellations``);
the policy stays, marked cancelled.
Both keep the figures' rollup (``insurance.rollup``) in their transaction.

``policies_issue_many`` issues the policies of a business day at once (a till that worked
offline, the demo's year at a province's pace), each as ``policy_issue`` does, in a few
statements (``counter.many``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buudien.agency import accounts as agency_accounts
from buudien.core.audit import audit_record
from buudien.core.bizdays import months_later
from buudien.core.catalogue import Service
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.money import format_vnd
from buudien.core.text import fold
from buudien.counter import cancellations, fields, many
from buudien.counter.desk import (
    COUNTER_ROLES,
    Desk,
    Op,
    can_act,
    check_counter,
    fingerprint_of,
    moment_of,
)
from buudien.counter.problems import Problems
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Entry
from buudien.insurance import rollup
from buudien.insurance.choices import PolicyStatus, ProductKind
from buudien.insurance.models import Insurer, Policy, Product
from buudien.insurance.plates import plate_clean
from buudien.network.models import ServicePoint

__all__ = [
    "COUNTER_ROLES",
    "PolicyRow",
    "can_act",
    "policies_issue_many",
    "policy_cancel",
    "policy_issue",
]

APP = "insurance"
# bảo hiểm: <prefix><point code><serial of 6 digits> ("BH" alone is goods' sale, bán hàng)
PREFIX = "BHI"
START_AHEAD_DAYS = 60
_NUMBER = re.compile(r"^[A-Z0-9][A-Z0-9/.\-]{3,29}$")


def _product_code(value: Any) -> str:
    code = value.code if isinstance(value, Product) else str(value or "").strip().upper()[:32]
    if not code:
        raise DomainError(_("Choose the insurance product."), field="product")
    return code


def _no_product(code: str) -> DomainError:
    return DomainError(
        _("No insurance product %(code)s is sold in the province.") % {"code": code},
        field="product",
    )


def _products_sold(province_code: str) -> Any:
    return Product.objects.select_related("insurer").filter(
        province_code=province_code, is_active=True, insurer__is_active=True
    )


def product_for(province_code: str, value: Any) -> Product:
    """The active product of the province with the code ``value`` (or the product given)."""
    code = _product_code(value)
    found = _products_sold(province_code).filter(code=code).first()
    if found is None:
        raise _no_product(code)
    return found


class Products:
    """The products sold in a province, read once (a list of policies checks each of its
    rows against them): ``get`` is ``product_for``."""

    def __init__(self, province_code: str) -> None:
        self.by_code = {product.code: product for product in _products_sold(province_code)}

    def get(self, value: Any) -> Product:
        code = _product_code(value)
        found = self.by_code.get(code)
        if found is None:
            raise _no_product(code)
        return found


def _premium(product: Product, value: Any) -> int:
    if product.fixed:
        if value not in (None, "", product.premium):
            raise DomainError(
                _("The premium of %(product)s is fixed at %(premium)s.")
                % {"product": product.name, "premium": format_vnd(product.premium)},
                field="premium",
            )
        return product.premium
    if value in (None, ""):
        raise DomainError(_("Enter the premium written on the certificate."), field="premium")
    amount = fields.amount(value, field="premium")
    low, high = product.premium_min, product.premium_max or fields.MAX_AMOUNT
    if not low <= amount <= high:
        raise DomainError(
            _("The premium of %(product)s is from %(low)s to %(high)s.")
            % {"product": product.name, "low": format_vnd(low), "high": format_vnd(high)},
            field="premium",
        )
    return amount


def _start(value: Any, today: dt.date) -> dt.date:
    if value in (None, ""):
        return today
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise DomainError(_("Write the date as dd/mm/yyyy."), field="starts_on") from None
    if not isinstance(value, dt.date):
        raise DomainError(_("Write the date as dd/mm/yyyy."), field="starts_on")
    latest = today + dt.timedelta(days=START_AHEAD_DAYS)
    if not today <= value <= latest:
        raise DomainError(
            _("The cover starts today or on a later day up to %(day)s.")
            % {"day": f"{latest:%d/%m/%Y}"},
            field="starts_on",
        )
    return value


def _number(value: Any) -> str:
    if not str(value or "").strip():
        return ""
    return fields.pattern(
        value,
        _NUMBER,
        field="policy_number",
        message=_("A certificate number is 4 to 30 letters, digits, '/', '.' or '-'."),
    )


def _issued_already(number: str, insurer: Insurer) -> DomainError:
    return DomainError(
        _("Certificate %(number)s of %(insurer)s has been issued already.")
        % {"number": number, "insurer": insurer.name},
        field="policy_number",
    )


@dataclass(frozen=True)
class _Checked:
    """A policy asked for, checked: what its row, its entry and its fingerprint hold."""

    product: Product
    name: str
    citizen_id: str
    phone: str
    address: str
    plate: str
    starts_on: dt.date
    premium: int
    number: str  # the certificate's pre-printed number; blank: the reference

    @property
    def commission(self) -> int:
        return self.product.commission_of(self.premium)

    def fingerprint(self) -> dict[str, Any]:
        return {
            "product": self.product.code,
            "name": self.name,
            "citizen_id": self.citizen_id,
            "phone": self.phone,
            "address": self.address,
            "plate": self.plate,
            "starts_on": self.starts_on.isoformat(),
            "premium": self.premium,
            "number": self.number,
        }

    def legs(self, point: ServicePoint) -> list[ledger.Leg]:
        """The premium into the drawer: what the insurer is owed, and the commission."""
        province = point.province_code
        drawer = agency_accounts.drawer(point)
        amount, commission = self.premium, self.commission
        legs = []
        if amount > commission:
            payable = agency_accounts.partner_payable(province, self.product.insurer.partner)
            legs.append(ledger.Leg(drawer, payable, amount - commission, Service.INSURANCE))
        if commission > 0:
            revenue = agency_accounts.revenue(province, Service.INSURANCE)
            legs.append(ledger.Leg(drawer, revenue, commission, Service.INSURANCE))
        return legs

    def fields(self, numbered: str) -> dict[str, Any]:
        """The policy's own fields (besides those of every counter operation)."""
        product = self.product
        return {
            "product_id": product.pk,
            "insurer_id": product.insurer_id,
            "kind": product.kind,
            "policy_number": numbered,
            "insured_name": self.name,
            "insured_folded": fold(self.name),
            "citizen_id": self.citizen_id,
            "phone": self.phone,
            "address": self.address,
            "plate": self.plate,
            "starts_on": self.starts_on,
            "ends_on": months_later(self.starts_on, product.term_months),
            "premium": self.premium,
            "commission": self.commission,
        }


def _policy_checked(
    products: Callable[[Any], Product],
    day: dt.date,
    *,
    product: Any,
    insured_name: Any,
    citizen_id: Any,
    phone: Any,
    address: Any,
    plate: Any,
    starts_on: Any,
    premium: Any,
    policy_number: Any,
) -> _Checked:
    """A policy asked for on ``day`` (see ``policy_issue``), or every problem at once."""
    problems = Problems()
    chosen: Product | None = problems.check(products, product)
    name = problems.check(
        fields.text, insured_name, field="insured_name", label=gettext_lazy("The insured's name")
    )
    health = chosen is not None and chosen.kind == ProductKind.HEALTH
    cid = problems.check(fields.citizen_id, citizen_id, required=health)
    tel = problems.check(fields.phone, phone, required=False)
    where = problems.check(
        fields.text,
        address,
        field="address",
        label=gettext_lazy("The address"),
        required=False,
        limit=300,
    )
    start = problems.check(_start, starts_on, day)
    number = problems.check(_number, policy_number)
    amount: int | None = None
    vehicle = ""
    if chosen is not None:
        amount = problems.check(_premium, chosen, premium)
        if chosen.plate_required:
            vehicle = (
                problems.check(plate_clean, plate, car=chosen.kind == ProductKind.CAR_LIABILITY)
                or ""
            )
    problems.raise_any()
    assert chosen is not None and amount is not None and start is not None and name is not None
    return _Checked(
        chosen, name, cid or "", tel or "", where or "", vehicle, start, amount, number or ""
    )


def policy_issue(
    *,
    actor: Any,
    point: ServicePoint,
    idempotency_key: str,
    product: Any,
    insured_name: str,
    citizen_id: str = "",
    phone: str = "",
    address: str = "",
    plate: str = "",
    starts_on: dt.date | str | None = None,
    premium: int | None = None,
    policy_number: str = "",
    at: dt.datetime | None = None,
) -> Policy:
    """Issue a policy of ``product`` (its code) at ``point`` and take its premium in cash:
    the fixed premium of the product, or ``premium`` within the product's bounds. A vehicle
    product needs the plate; a health product the insured's citizen ID. The cover runs from
    ``starts_on`` (today, or a day up to 60 days ahead) for the product's term. The number is
    the certificate's pre-printed ``policy_number``, or the reference when none is given."""
    desk = Desk.open(actor=actor, point=point, at=at, app=APP)
    checked = _policy_checked(
        lambda value: product_for(point.province_code, value),
        desk.day,
        product=product,
        insured_name=insured_name,
        citizen_id=citizen_id,
        phone=phone,
        address=address,
        plate=plate,
        starts_on=starts_on,
        premium=premium,
        policy_number=policy_number,
    )

    def work(op: Op) -> Policy:
        numbered = checked.number or op.reference()
        insurer = checked.product.insurer
        if Policy.objects.filter(
            province_code=point.province_code, insurer=insurer, policy_number=numbered
        ).exists():
            raise _issued_already(numbered, insurer)
        entry = op.post(kind=EntryKind.INSURANCE_PREMIUM, legs=checked.legs(point))
        policy = Policy.objects.create(**op.record(entry), **checked.fields(numbered))
        rollup.rollup_policy(policy)
        return policy

    return desk.once(
        Policy,
        operation="policy",
        key=idempotency_key,
        prefix=PREFIX,
        fingerprint=checked.fingerprint(),
        work=work,
    )


def _policy_cancellable(policy: Policy, day: dt.date) -> None:
    if policy.status == PolicyStatus.CANCELLED:
        raise DomainError(
            _("Policy %(number)s is cancelled already.") % {"number": policy.policy_number}
        )
    if policy.business_date != day:
        raise DomainError(
            _(
                "Policy %(number)s was issued on %(day)s: a policy is cancelled only the "
                "business day it was issued."
            )
            % {"number": policy.policy_number, "day": f"{policy.business_date:%d/%m/%Y}"}
        )


def _policy_cancel_check(
    *, actor: Any, record: Policy, params: Any, at: dt.datetime | None, reason: Any
) -> None:
    """A clerk of its point or an administrator of its scope; the day it was issued."""
    if not can_act(actor):
        raise AccessDenied(_("Only a counter clerk or an administrator may cancel a policy."))
    _moment, day = moment_of(at)
    try:
        check_counter(actor, record.point, day)
    except NotFound:
        raise NotFound(_("No such policy.")) from None
    _policy_cancellable(record, day)


@transaction.atomic
def _policy_cancel_perform(
    *, actor: Any, record: Policy, reason: str, params: Any, at: dt.datetime | None
) -> Policy:
    policy = Policy.objects.select_related("point").get(pk=record.pk)
    _policy_cancellable(policy, moment_of(at)[1])
    claimed = Policy.objects.filter(pk=policy.pk, status=PolicyStatus.ISSUED).update(
        status=PolicyStatus.CANCELLED,
        cancelled_at=timezone.now(),
        cancelled_by=actor if getattr(actor, "pk", None) else None,
        cancel_reason=reason,
    )
    if claimed != 1:
        raise DomainError(
            _("Policy %(number)s changed meanwhile; look at it again.")
            % {"number": policy.policy_number}
        )
    policy.refresh_from_db()
    if policy.entry_id is not None:
        reversal = ledger.entry_reverse(
            actor=actor,
            entry=Entry.objects.get(pk=policy.entry_id),
            idempotency_key=f"{APP}:cancel:{policy.pk}",
            memo=reason,
        )
        policy.cancel_entry = reversal
        policy.save(update_fields=["cancel_entry"])
    rollup.rollup_policy(policy, cancelled=True)
    audit_record(
        actor=actor,
        action=f"{APP}.policy_cancel",
        obj=policy,
        before={"status": PolicyStatus.ISSUED},
        after={"status": PolicyStatus.CANCELLED, "reason": reason},
    )
    return policy


POLICY_CANCEL = cancellations.register(
    cancellations.record_kind(
        "insurance.policy",
        Policy,
        noun=gettext_lazy("policy"),
        amount=lambda policy: policy.premium,
        check=_policy_cancel_check,
        perform=_policy_cancel_perform,
        url_name="insurance:policy",
    )
)


def policy_cancel(
    *, actor: Any, policy: Policy, reason: str, at: dt.datetime | None = None
) -> cancellations.Cancellation:
    """Cancel ``policy`` the business day it was issued, for a reason, by a clerk of its
    point or an administrator of its scope: its entry is reversed (the premium leaves the
    drawer), the policy stays, marked cancelled. Never twice, never another day. Above the
    amount a clerk cancels alone it is asked, and done when a director or an accountant
    approves it (``counter.cancellations``)."""
    return cancellations.cancel(
        kind=POLICY_CANCEL, actor=actor, record=policy, reason=reason, at=at
    )


# --- many policies at once -------------------------------------------------------------------


@dataclass(frozen=True)
class PolicyRow:
    """One policy of a list (``policies_issue_many``): the clerk at their point, when (None:
    noon of the list's day), under which key, and what ``policy_issue`` takes."""

    actor: Any
    point: ServicePoint
    idempotency_key: str
    product: Any
    insured_name: Any
    citizen_id: Any = ""
    phone: Any = ""
    address: Any = ""
    plate: Any = ""
    starts_on: Any = None
    premium: Any = None
    policy_number: Any = ""
    at: dt.datetime | None = None


@transaction.atomic
def policies_issue_many(
    *, province_code: str, day: dt.date, rows: Sequence[PolicyRow]
) -> list[str]:
    """The policies of ``rows``, issued on ``day`` at the points of the province (a day of a
    till that worked offline, the demo's year at a province's pace), each recorded as
    ``policy_issue`` records it (its reference and number, row, entry, rollup and audit
    line) in a few statements (``counter.many``). All or nothing: a row that
    ``policy_issue`` would refuse refuses the list, naming the row (a certificate's number
    issued already, or twice in the list, too). A row whose key was used for the same
    policy is the policy issued already. The policies' references, in the order of
    ``rows``."""
    many.list_checked(rows, province_code, day)
    products = Products(province_code)
    desks = many.Desks(app=APP)
    planned = []
    checks: dict[str, _Checked] = {}
    for index, row in enumerate(rows):
        try:
            desk = desks.open(row.actor, row.point, row.at or many.noon(day))
            checked = _policy_checked(
                products.get,
                desk.day,
                product=row.product,
                insured_name=row.insured_name,
                citizen_id=row.citizen_id,
                phone=row.phone,
                address=row.address,
                plate=row.plate,
                starts_on=row.starts_on,
                premium=row.premium,
                policy_number=row.policy_number,
            )
            key = desk.key("policy", row.idempotency_key)
        except DomainError as exc:
            raise many.refused(index, exc) from None
        checks[key] = checked
        fingerprint = fingerprint_of(checked.fingerprint())
        planned.append(many.Planned(index, desk, key, fingerprint, checked.legs(row.point), {}))
    todo, done = many.operations_done(Policy, province_code, planned)

    def numbered(todo: Sequence[many.Planned]) -> None:
        """Each policy's number (the certificate's, or its reference), issued once."""
        first: dict[tuple[int, str], many.Planned] = {}
        for one in todo:
            checked = checks[one.key]
            one.fields = checked.fields(checked.number or one.reference)
            given = (checked.product.insurer_id, one.fields["policy_number"])
            if given in first:
                raise many.refused(one.index, _issued_already(given[1], checked.product.insurer))
            first[given] = one
        by_insurer: dict[int, list[str]] = defaultdict(list)
        for insurer_id, number in sorted(first):
            by_insurer[insurer_id].append(number)
        for insurer_id, numbers in by_insurer.items():
            for run in many.chunks(numbers):
                for number in Policy.objects.filter(
                    province_code=province_code, insurer_id=insurer_id, policy_number__in=run
                ).values_list("policy_number", flat=True):
                    one = first[(insurer_id, number)]
                    raise many.refused(
                        one.index, _issued_already(number, checks[one.key].product.insurer)
                    )

    many.operations_write(
        Policy,
        todo,
        province=province_code,
        kind=EntryKind.INSURANCE_PREMIUM,
        operation="policy",
        prefix=PREFIX,
        numbered=numbered,
    )
    issued: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
    for one in todo:
        figures = issued[
            (
                province_code,
                one.business_date or one.desk.day,
                one.desk.point.pk,
                one.fields["insurer_id"],
                one.fields["kind"],
            )
        ]
        figures[0] += 1
        figures[1] += one.fields["premium"]
        figures[2] += one.fields["commission"]
    rollup.rollup_issued_many(issued)
    return [done.get(one.key) or one.reference for one in planned]
