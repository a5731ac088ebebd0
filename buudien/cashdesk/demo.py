"""The demo's cash desk: the closings of the last business days at every counter of the demo
province, and the COD collected in the last days paid to most of its senders. A step of ``buudien
demo`` (``cashdesk.closings``, registered in ``CashdeskConfig.ready``), run after the steps
that move money through the drawers.

Everything goes through the services a person would use: the point's clerk counts the drawer
(by banknote, the odd đồng as coins); most counts match the ledger, a few are short or over,
and the accountant ``ketoan`` approves those (the last day's few are left waiting in the
queue, one sent back for a recount). Today's drawers are left to be closed by hand. Today the
largest drawers deposit their cash at the bank (the accountant approves the deposits above
the approval amount, the last one left waiting) and small points of the main post office's
unit hand cash to its safe (its clerk confirms the first, the last waits on its counter).
Seeded and fast: a closing is a few queries.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from buudien.cashdesk import selectors, services
from buudien.cashdesk.choices import DENOMINATIONS, ClosingStatus, PayoutMethod
from buudien.cashdesk.models import CashHandover
from buudien.core.bizdays import VIETNAM, business_days_in, local_today
from buudien.core.money import format_number, format_vnd
from buudien.finance.banks import bank_choices
from buudien.finance.selectors import DrawerDays, drawer_days
from buudien.mail.ledger import cod_collected_post
from buudien.mail.models import PostalItem
from buudien.network.choices import PointKind
from buudien.network.models import ServicePoint, Unit
from buudien.people.choices import Role
from buudien.people.models import User

PROVINCE_UNIT_CODE = "BDT20"
DAYS = 3
COD_DAYS = 30
DISCREPANCY_SHARE = 0.05
SHORTAGES = (500, 2_000, 10_000, 20_000, 50_000, 100_000)
SURPLUSES = (500, 1_000, 5_000, 10_000, 20_000)


def breakdown(amount: int) -> tuple[dict[str, int], int]:
    """``amount`` as the fewest banknotes, and the odd đồng below the smallest note as coins."""
    counts: dict[str, int] = {}
    rest = amount
    for denomination in DENOMINATIONS:
        counts[str(denomination)], rest = divmod(rest, denomination)
    return counts, rest


def _clerks(points: list[ServicePoint]) -> dict[int, Any]:
    """The first clerk of each point (by username, so the demo clerks ``gdv.*`` come first)."""
    clerks: dict[int, Any] = {}
    users = User.objects.filter(role=Role.CLERK, point__in=points, is_active=True)
    for user in users.order_by("username"):
        if user.point_id is not None:
            clerks.setdefault(user.point_id, user)
    return clerks


def _counted(rng: random.Random, expected: int, spendable: int) -> int:
    """What the clerk counts: mostly the expected balance; now and then a shortage or a
    surplus. A shortage is booked out of the drawer when approved, so it is never more than
    the drawer held that day (``expected``) nor more than it can spare on every day since
    (``spendable``: those days may have paid the cash out, a pension list for one)."""
    if rng.random() >= DISCREPANCY_SHARE:
        return expected
    shortage = rng.choice(SHORTAGES)
    if rng.random() < 0.6 and shortage <= min(expected, spendable):
        return expected - shortage
    return expected + rng.choice(SURPLUSES)


def build(*, seed: int, report: Callable[[str], None], today: dt.date | None = None) -> str:
    started = time.perf_counter()
    province = Unit.objects.filter(code=PROVINCE_UNIT_CODE).first()
    accountant = (
        User.objects.filter(role=Role.ACCOUNTANT, unit=province, is_active=True)
        .order_by("username")
        .first()
    )
    if province is None or accountant is None:
        return ""
    report(_("Cash desk: closings of the drawers"))
    rng = random.Random(seed)
    today = today or local_today()
    points = list(
        ServicePoint.objects.filter(unit_path__startswith=province.path, closed_on__isnull=True)
        .with_counter()
        .order_by("code")
    )
    clerks = _clerks(points)
    collected = _collect_recent_cod(province, today - dt.timedelta(days=COD_DAYS))
    days = [d for d in business_days_in(today - dt.timedelta(days=14), today) if d < today]
    days = days[-DAYS:]
    drawers = {point.pk: drawer_days(point=point) for point in points if point.pk in clerks}
    closings = approved = waiting = 0
    for day in days:
        last = day == days[-1]
        balances = selectors.drawer_balances(province_code=province.province_code, day=day)
        for point in points:
            clerk = clerks.get(point.pk)
            if clerk is None:
                continue
            expected = balances.get(point.pk, 0)
            calendar = drawers[point.pk]
            counted = _counted(rng, expected, calendar.spendable(day))
            if counted < expected:  # booked out of the drawer on ``day`` once approved
                calendar.take(day, expected - counted)
            counts, coins = breakdown(counted)
            closing = services.closing_submit(
                actor=clerk, point=point, counts=counts, coins=coins, business_date=day
            )
            closings += 1
            if closing.status != ClosingStatus.PENDING:
                continue
            if last and waiting < 3:
                waiting += 1
                if waiting == 3:
                    services.closing_reject(
                        actor=accountant,
                        closing_id=closing.pk,
                        note="Đề nghị kiểm đếm lại ngăn tiền lẻ.",
                    )
                continue
            services.closing_approve(
                actor=accountant,
                closing_id=closing.pk,
                note="Đã lập biên bản, chờ xử lý theo quy định.",
            )
            approved += 1
    paid, paid_total = _cod(clerks, accountant, today, drawers)
    handed = _handovers(points, clerks, accountant, today, drawers)
    return _(
        "Cash desk: %(closings)s closings of %(days)d days, %(approved)d differences approved, "
        "%(waiting)d waiting; COD of %(collected)d items delivered, %(paid)d COD payouts "
        "(%(total)s); %(handed)d hand-overs of cash, %(in_transit)d in transit "
        "(%(seconds)s s)."
    ) % {
        "handed": handed.made,
        "in_transit": handed.in_transit,
        "collected": collected,
        "closings": format_number(closings),
        "days": len(days),
        "approved": approved,
        "waiting": waiting,
        "paid": paid,
        "total": format_vnd(paid_total),
        "seconds": format_number(time.perf_counter() - started, 1),
    }


def _collect_recent_cod(province: Unit, since: dt.date) -> int:
    """The COD of the items delivered since ``since`` whose delivery was scanned in without
    its cash being booked (the demo's year of deliveries goes through the tracking events):
    booked now by mail's own posting, on the delivery office's drawer and delivery day, as a
    postman's round would have."""
    items = (
        PostalItem.objects.filter(
            province_code=province.province_code,
            accepted_point__unit_path__startswith=province.path,
            cod_amount__gt=0,
            returning=False,
            delivery_point__isnull=False,
            delivered_at__gte=dt.datetime.combine(since, dt.time(), tzinfo=VIETNAM),
        )
        .exclude(selectors.cod_collected_q())
        .select_related("delivery_point")
        .order_by("delivered_at", "pk")
    )
    count = 0
    for item in items:
        assert item.delivery_point is not None and item.delivered_at is not None
        cod_collected_post(
            actor=None,
            item=item,
            point=item.delivery_point,
            amount=item.cod_amount,
            day=item.delivered_at.astimezone(VIETNAM).date(),
        )
        count += 1
    return count


def _cod(
    clerks: dict[int, Any], accountant: Any, today: dt.date, drawers: dict[int, DrawerDays]
) -> tuple[int, int]:
    """Pay each sender, in cash at their post office, the COD of the items delivered up to
    three days ago, when the drawer has the cash today; what was delivered since is left
    owed, to be paid by hand."""
    by_code = {clerk.point.code: clerk for clerk in clerks.values()}
    before = dt.datetime.combine(today - dt.timedelta(days=3), dt.time(), tzinfo=VIETNAM)
    paid = total = 0
    for owed in selectors.cod_owed_by_sender(user=accountant):
        clerk = by_code.get(owed.point_code)
        if clerk is None:
            continue
        rows = list(
            selectors.cod_owed_items(
                user=clerk,
                point=clerk.point,
                sender_name=owed.sender_name,
                sender_phone=owed.sender_phone,
            )
            .filter(delivered_at__lt=before)
            .values_list("s10", "cod_amount")[: services.MAX_PAYOUT_ITEMS]
        )
        amount = sum(cod for _s10, cod in rows)
        calendar = drawers.get(clerk.point_id)
        if not rows or calendar is None or amount > calendar.spendable(today):
            continue
        payout = services.cod_payout(
            actor=clerk,
            items=[s10 for s10, _cod in rows],
            method=PayoutMethod.CASH,
            idempotency_key=f"demo:{today:%Y%m%d}:{owed.point_code}:{paid}",
            payee_name=owed.sender_name,
        )
        calendar.take(today, payout.total)
        paid += 1
        total += payout.total
    return paid, total


# --- cash handed over today ----------------------------------------------------------------

# What a counter keeps in its drawer for the next day's change; the cash above it goes to the
# bank (the largest drawers) or to the safe of the unit's main post office (small points).
FLOAT = 5_000_000
BANK_DEPOSITS = 4
SAFE_TRANSFERS = 2
SAFE_MOST = 3_000_000


@dataclass
class Handed:
    made: int = 0
    in_transit: int = 0


def _handovers(
    points: list[ServicePoint],
    clerks: dict[int, Any],
    accountant: Any,
    today: dt.date,
    drawers: dict[int, DrawerDays],
) -> Handed:
    """Today's cash handed over, as the counters would: the largest drawers deposit their
    cash above the float at the bank (a deposit above the approval amount waits for the
    accountant, who approves all but the last), and the first small points of the main post
    office's unit hand some cash to its safe (its clerk confirms the first; the last waits
    on the main office's counter)."""
    handed = Handed()
    bank = next(iter(bank_choices(points[0].province_code)), ("", ""))[0] if points else ""
    by_pk = {point.pk: point for point in points}
    ranked = sorted(
        (pk for pk in clerks if pk in drawers),
        key=lambda pk: (-drawers[pk].spendable(today), by_pk[pk].code),
    )
    deposits = [
        (pk, (drawers[pk].spendable(today) - FLOAT) // 1_000_000 * 1_000_000)
        for pk in ranked[:BANK_DEPOSITS]
    ]
    waiting: list[CashHandover] = []
    for index, (pk, amount) in enumerate(deposits):
        if not bank or amount <= 0:
            continue
        point = by_pk[pk]
        done = services.handover_record(
            actor=clerks[pk],
            point=point,
            amount=amount,
            bank=bank,
            slip=f"GNT-{today:%y%m%d}-{index + 1:02d}",
            idempotency_key=f"demo:{today:%Y%m%d}:bank:{point.code}",
        )
        drawers[pk].take(today, amount)
        handed.made += 1
        if done.is_pending:
            waiting.append(done)
    for done in waiting[:-1]:
        services.handover_approve(actor=accountant, handover_id=done.pk)
    handed.in_transit += 1 if waiting else 0

    main = next((p for p in points if p.kind == PointKind.BC1 and p.pk in clerks), None)
    if main is None:
        return handed
    small = [
        p
        for p in points
        if p.unit_id == main.unit_id
        and p.pk != main.pk
        and p.pk in clerks
        and drawers[p.pk].spendable(today) >= 1_000_000
    ][:SAFE_TRANSFERS]
    for index, point in enumerate(small):
        amount = min(SAFE_MOST, drawers[point.pk].spendable(today)) // 1_000_000 * 1_000_000
        done = services.handover_record(
            actor=clerks[point.pk],
            point=point,
            amount=amount,
            to_point=main,
            slip=f"PXK-{today:%y%m%d}-{index + 1:02d}",
            idempotency_key=f"demo:{today:%Y%m%d}:safe:{point.code}",
        )
        drawers[point.pk].take(today, amount)
        handed.made += 1
        if index < len(small) - 1:
            services.handover_confirm(actor=clerks[main.pk], handover_id=done.pk)
            drawers[main.pk].put(today, amount)
        else:
            handed.in_transit += 1
    return handed
