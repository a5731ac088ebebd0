"""Cash handed to the bank or another counter's safe: out of one's own drawer at once, posted
once. Above the approval amount a deposit waits in cash in transit (113.cash) for an
accountant; cash for another point's safe always waits for that point to confirm it; a
refusal sends it back into the drawer. Whoever recorded it never decides."""

from __future__ import annotations

import pytest
from django.urls import reverse

from buudien.cashdesk import selectors, services
from buudien.cashdesk.choices import ClosingStatus, HandoverStatus
from buudien.cashdesk.demo import breakdown
from buudien.cashdesk.models import CashHandover
from buudien.cashdesk.tests.conftest import balance
from buudien.core.bizdays import local_today
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.models import AuditEntry
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Entry
from buudien.network.tests.demo_checks import assert_the_money_holds

pytestmark = pytest.mark.django_db

TRANSIT = "113.cash"


def _drawer(point) -> int:
    return ledger.account_for_drawer(point).balance


def _to_bank(clerk, world, amount, key="h-bank", bank="vietinbank"):
    return services.handover_record(
        actor=clerk, point=world.point_a, amount=amount, bank=bank, idempotency_key=key
    )


def _to_b(clerk_a, world, amount=300_000, key="h-safe"):
    return services.handover_record(
        actor=clerk_a,
        point=world.point_a,
        amount=amount,
        to_point=world.point_b,
        idempotency_key=key,
    )


def test_cash_deposited_at_the_bank_posts_once(world, clerk_a, drawer_a, fund, english, banks_open):
    fund(drawer_a, 5_000_000)
    done = _to_bank(clerk_a, world, 4_000_000, key="h1")
    again = _to_bank(clerk_a, world, 4_000_000, key="h1")
    assert again.pk == done.pk and CashHandover.objects.count() == 1
    # At or below the approval amount (50.000.000 ₫ by default): at the bank at once.
    assert (done.status, done.settled_entry_id) == (HandoverStatus.CONFIRMED, None)
    assert done.entry.kind == EntryKind.BANK_DEPOSIT
    assert balance("1111.240001") == 1_000_000 and balance("1121.vietinbank") == 4_000_000
    with pytest.raises(DomainError, match="Not enough money"):
        _to_bank(clerk_a, world, 2_000_000, key="h2", bank="bidv")
    assert Entry.objects.filter(kind=EntryKind.BANK_DEPOSIT).count() == 1


def test_a_deposit_above_the_amount_waits_in_transit_until_an_accountant_approves_it(
    world, clerk_a, drawer_a, fund, accountant, banks_open, limit
):
    fund(drawer_a, 5_000_000)
    done = _to_bank(clerk_a, world, 4_000_000)
    assert done.status == HandoverStatus.PENDING
    # Out of the drawer at once, not on the bank account yet.
    assert balance("1111.240001") == 1_000_000 and balance(TRANSIT) == 4_000_000
    assert balance("1121.vietinbank") == 0
    assert selectors.drawer_day(point=world.point_a, day=local_today()).payments == 4_000_000
    assert list(selectors.handovers_awaiting(user=accountant)) == [done]

    approved = services.handover_approve(actor=accountant, handover_id=done.pk)
    again = services.handover_approve(actor=accountant, handover_id=done.pk)  # a retry

    assert (approved.status, approved.decided_by) == (HandoverStatus.CONFIRMED, accountant)
    assert again.settled_entry_id == approved.settled_entry_id
    assert approved.settled_entry.kind == EntryKind.BANK_DEPOSIT
    assert balance(TRANSIT) == 0 and balance("1121.vietinbank") == 4_000_000
    assert balance("1111.240001") == 1_000_000
    assert Entry.objects.filter(kind=EntryKind.BANK_DEPOSIT).count() == 2
    assert AuditEntry.objects.filter(action="cashdesk.handover_approve").count() == 1
    assert not selectors.handovers_awaiting(user=accountant).exists()
    assert_the_money_holds()


def test_cash_for_another_points_safe_waits_for_that_point(
    world, clerk_a, clerk_b, drawer_a, fund, english
):
    fund(drawer_a, 300_000)
    done = _to_b(clerk_a, world)
    assert done.entry.kind == EntryKind.CASH_TRANSFER and done.status == HandoverStatus.PENDING
    assert _drawer(world.point_a) == 0 and _drawer(world.point_b) == 0
    assert balance(TRANSIT) == 300_000
    # The giving clerk sees it waiting, but does not confirm it.
    assert not selectors.handovers_awaiting(user=clerk_a).exists()
    with pytest.raises(AccessDenied, match="confirmed by a clerk of that point"):
        services.handover_confirm(actor=clerk_a, handover_id=done.pk)
    # A deposit at the bank is approved, cash for a safe confirmed: not the other way round.
    with pytest.raises(DomainError, match="confirmed there, not approved"):
        services.handover_approve(actor=clerk_b, handover_id=done.pk)

    assert list(selectors.handovers_awaiting(user=clerk_b)) == [done]
    received = services.handover_confirm(actor=clerk_b, handover_id=done.pk)
    services.handover_confirm(actor=clerk_b, handover_id=done.pk)  # a retry: booked once

    assert received.status == HandoverStatus.CONFIRMED and received.decided_by == clerk_b
    assert received.settled_entry.kind == EntryKind.CASH_TRANSFER
    assert received.settled_entry.point_id == world.point_b.pk
    assert _drawer(world.point_a) == 0 and _drawer(world.point_b) == 300_000
    assert balance(TRANSIT) == 0
    assert Entry.objects.filter(kind=EntryKind.CASH_TRANSFER).count() == 2
    assert AuditEntry.objects.filter(action="cashdesk.handover_confirm").count() == 1
    assert_the_money_holds()


def test_refused_cash_goes_back_into_the_drawer_it_came_from(
    world, clerk_a, clerk_b, drawer_a, fund, english
):
    fund(drawer_a, 300_000)
    done = _to_b(clerk_a, world)
    entries = Entry.objects.count()
    with pytest.raises(DomainError, match="The reason is required") as refused:
        services.handover_refuse(actor=clerk_b, handover_id=done.pk, reason="  ")
    assert refused.value.field == "reason"
    assert Entry.objects.count() == entries
    assert CashHandover.objects.get().status == HandoverStatus.PENDING

    back = services.handover_refuse(
        actor=clerk_b, handover_id=done.pk, reason="Thiếu 1 tờ 200.000 so với phiếu"
    )
    services.handover_refuse(actor=clerk_b, handover_id=done.pk, reason="again")  # a retry

    assert (back.status, back.refusal) == (
        HandoverStatus.REFUSED,
        "Thiếu 1 tờ 200.000 so với phiếu",
    )
    assert back.settled_entry.memo == "Từ chối: Thiếu 1 tờ 200.000 so với phiếu"
    assert _drawer(world.point_a) == 300_000 and _drawer(world.point_b) == 0
    assert balance(TRANSIT) == 0
    assert Entry.objects.count() == entries + 1
    # The drawer's day: out, then back in.
    books = selectors.drawer_day(point=world.point_a, day=local_today())
    assert (books.payments, books.closing) == (300_000, 300_000)
    with pytest.raises(DomainError, match="was refused"):
        services.handover_confirm(actor=clerk_b, handover_id=done.pk)
    assert AuditEntry.objects.filter(action="cashdesk.handover_refuse").count() == 1
    assert_the_money_holds()


def test_a_received_handover_is_not_refused(world, clerk_a, clerk_b, drawer_a, fund, english):
    fund(drawer_a, 300_000)
    done = _to_b(clerk_a, world)
    services.handover_confirm(actor=clerk_b, handover_id=done.pk)
    with pytest.raises(DomainError, match="received already"):
        services.handover_refuse(actor=clerk_b, handover_id=done.pk, reason="nhầm")
    assert _drawer(world.point_b) == 300_000


def test_whoever_recorded_it_never_decides_it(world, drawer_a, fund, banks_open, limit, english):
    from buudien.people.tests.factories import UserFactory

    # A superuser at point A's counter may record a hand-over, and may approve others'.
    boss = UserFactory(
        username="boss", role="clerk", unit=world.unit_a, point=world.point_a, is_superuser=True
    )
    fund(drawer_a, 5_000_000)
    done = _to_bank(boss, world, 2_000_000)
    assert done.status == HandoverStatus.PENDING
    assert not selectors.handovers_awaiting(user=boss).exists()
    for decide in (
        lambda: services.handover_approve(actor=boss, handover_id=done.pk),
        lambda: services.handover_refuse(actor=boss, handover_id=done.pk, reason="tự duyệt"),
    ):
        with pytest.raises(AccessDenied, match="You recorded this handover"):
            decide()
    assert CashHandover.objects.get().status == HandoverStatus.PENDING
    assert balance(TRANSIT) == 2_000_000


def test_deciders_keep_to_their_units(
    world, clerk_a, clerk_b, accountant_b, director, outsider, drawer_a, fund, banks_open, limit
):
    fund(drawer_a, 5_000_000)
    deposit = _to_bank(clerk_a, world, 2_000_000)
    to_b = _to_b(clerk_a, world, key="h-b")
    # An accountant of unit B: point A's deposit lies outside their units ("not found"), the
    # cash handed to point B's safe inside them.
    with pytest.raises(NotFound):
        services.handover_approve(actor=accountant_b, handover_id=deposit.pk)
    assert list(selectors.handovers_awaiting(user=accountant_b)) == [to_b]
    # A clerk of point B does not approve deposits, nor sees point A's.
    with pytest.raises(NotFound):
        services.handover_approve(actor=clerk_b, handover_id=deposit.pk)
    # Another province's director sees none of them.
    for handover in (deposit, to_b):
        with pytest.raises(NotFound):
            services.handover_refuse(actor=outsider, handover_id=handover.pk, reason="x")
    assert not selectors.handovers_awaiting(user=outsider).exists()
    # The province's director decides both.
    assert set(selectors.handovers_awaiting(user=director)) == {deposit, to_b}
    services.handover_approve(actor=director, handover_id=deposit.pk)
    services.handover_confirm(actor=accountant_b, handover_id=to_b.pk)
    assert balance("1121.vietinbank") == 2_000_000 and _drawer(world.point_b) == 300_000
    assert_the_money_holds()


def test_the_closing_counts_the_drawer_without_the_cash_in_transit(
    world, clerk_a, drawer_a, fund, banks_open, limit
):
    fund(drawer_a, 5_000_000)
    _to_bank(clerk_a, world, 3_000_000)
    counts, coins = breakdown(2_000_000)
    closing = services.closing_submit(
        actor=clerk_a, point=world.point_a, counts=counts, coins=coins
    )
    assert (closing.status, closing.expected, closing.payments) == (
        ClosingStatus.CLOSED,
        2_000_000,
        3_000_000,
    )


def test_only_from_ones_own_drawer(world, clerk_b, drawer_a, fund):
    fund(drawer_a, 300_000)
    with pytest.raises(NotFound):
        services.handover_record(
            actor=clerk_b, point=world.point_a, amount=1, bank="bidv", idempotency_key="h4"
        )
    assert not CashHandover.objects.exists()


def test_the_page_hands_cash_to_the_safe_of_the_units_main_office(
    world, clerk_a, drawer_a, fund, client_as
):
    from buudien.network.tests.factories import PointFactory
    from buudien.people.tests.factories import UserFactory

    main = PointFactory(code="240100", name="Bưu cục trung tâm", unit=world.unit_a)
    clerk_main = UserFactory(username="clerk_main", role="clerk", unit=world.unit_a, point=main)
    fund(drawer_a, 500_000)
    client = client_as(clerk_a)
    page = client.get(reverse("cashdesk:handover")).content.decode()
    assert "Bưu cục trung tâm" in page and "Chi Lăng" not in page  # only the unit's counters
    data = {"token": "s-1", "amount": "200000", "bank": "", "to_point": str(main.pk)}
    assert client.post(reverse("cashdesk:handover"), data).status_code == 302
    assert balance("1111.240001") == 300_000 and balance(TRANSIT) == 200_000
    neither = client.post(reverse("cashdesk:handover"), {**data, "token": "s-2", "to_point": ""})
    assert neither.status_code == 200 and 'data-testid="error-bank"' in neither.content.decode()
    done = CashHandover.objects.get()
    page = client.get(reverse("cashdesk:handover")).content.decode()
    assert f'data-testid="handover-{done.pk}"' in page and "Đang chuyển" in page
    # The giving clerk sees it waiting for the main office; no button for them.
    transit = client.get(reverse("cashdesk:transit")).content.decode()
    assert f'data-testid="in-transit-{done.pk}"' in transit
    assert f'data-testid="accept-{done.pk}"' not in transit

    # The main office's clerk has it on the counter's home and confirms it on the page.
    client = client_as(clerk_main)
    home = client.get("/").content.decode()
    assert 'data-testid="cash-to-confirm"' in home
    transit = client.get(reverse("cashdesk:transit")).content.decode()
    assert f'data-testid="accept-{done.pk}"' in transit
    accepted = client.post(reverse("cashdesk:transit_accept", args=[done.pk]))
    assert accepted.status_code == 302
    assert balance("1111.240100") == 200_000 and balance(TRANSIT) == 0
    assert 'data-testid="cash-to-confirm"' not in client.get("/").content.decode()


def test_the_accountant_approves_or_refuses_on_the_page(
    world, clerk_a, accountant, drawer_a, fund, client_as, banks_open, limit
):
    fund(drawer_a, 9_000_000)
    first = _to_bank(clerk_a, world, 3_000_000, key="p1")
    second = _to_bank(clerk_a, world, 4_000_000, key="p2")
    client = client_as(accountant)
    page = client.get(reverse("cashdesk:transit")).content.decode()
    assert f'data-testid="awaiting-{first.pk}"' in page
    assert f'data-testid="awaiting-{second.pk}"' in page
    approved = client.post(reverse("cashdesk:transit_accept", args=[first.pk]))
    assert approved.status_code == 302
    # A refusal needs its reason: the page says so on the row, nothing moves.
    empty = client.post(reverse("cashdesk:transit_refuse", args=[second.pk]), {"reason": ""})
    assert empty.status_code == 400
    assert f'data-testid="error-reason-{second.pk}"' in empty.content.decode()
    assert balance(TRANSIT) == 4_000_000
    refused = client.post(
        reverse("cashdesk:transit_refuse", args=[second.pk]), {"reason": "Sai số giấy nộp tiền"}
    )
    assert refused.status_code == 302
    assert balance("1121.vietinbank") == 3_000_000 and balance(TRANSIT) == 0
    assert balance("1111.240001") == 6_000_000
    page = client.get(reverse("cashdesk:transit")).content.decode()
    assert 'data-testid="none-waiting"' in page
    assert f'data-testid="decided-{second.pk}"' in page and "Sai số giấy nộp tiền" in page
    # The clerk who recorded them reads the decisions; another point's clerk does not.
    mine = client_as(clerk_a).get(reverse("cashdesk:handover")).content.decode()
    assert "Sai số giấy nộp tiền" in mine


def test_the_transit_page_of_an_outsider_shows_nothing_of_the_province(
    world, clerk_a, drawer_a, fund, outsider, client_as
):
    fund(drawer_a, 300_000)
    done = _to_b(clerk_a, world)
    client = client_as(outsider)
    page = client.get(reverse("cashdesk:transit"))
    assert page.status_code == 200 and f"in-transit-{done.pk}" not in page.content.decode()
    assert client.post(reverse("cashdesk:transit_accept", args=[done.pk])).status_code == 404


def test_the_admin_reads_handovers_of_its_province_only(
    world, clerk_a, admin_user, drawer_a, fund, client_as
):
    from buudien.people.tests.factories import UserFactory

    fund(drawer_a, 300_000)
    done = _to_b(clerk_a, world)
    client = client_as(admin_user)
    listed = client.get(reverse("admin:cashdesk_cashhandover_changelist"))
    assert listed.status_code == 200 and "Đang chuyển, chờ xác nhận" in listed.content.decode()
    change = reverse("admin:cashdesk_cashhandover_change", args=[done.pk])
    assert client.get(change).status_code == 200
    assert client.post(change, {"status": "confirmed"}).status_code == 403
    assert client.get(reverse("admin:cashdesk_cashhandover_add")).status_code == 403
    assert CashHandover.objects.get().status == HandoverStatus.PENDING
    other = UserFactory(username="admin_cb", role="admin", unit=world.other_province, is_staff=True)
    assert client_as(other).get(change, follow=False).status_code == 302  # "does not exist"


def test_the_menu_leads_the_deciders_to_the_cash_in_transit(
    world, clerk_a, director, accountant, client_as
):
    for decider in (director, accountant):
        response = client_as(decider).get(reverse("cashdesk:transit"))
        active = [(i.url, i.active) for i in response.context["subnav_items"] if i.active]
        assert active == [(reverse("cashdesk:transit"), True)]
    # A clerk reaches it from the cash desk's tabs: the cash desk stays the active entry.
    response = client_as(clerk_a).get(reverse("cashdesk:transit"))
    subnav = {i.url: i.active for i in response.context["subnav_items"]}
    assert reverse("cashdesk:transit") not in subnav and subnav[reverse("cashdesk:index")]
