"""Cash handed to the bank or another counter's safe: posted once, from one's own drawer."""

from __future__ import annotations

import pytest

from buudien.cashdesk import services
from buudien.cashdesk.models import CashHandover
from buudien.cashdesk.tests.conftest import balance
from buudien.core.errors import DomainError, NotFound
from buudien.finance.choices import EntryKind
from buudien.finance.models import Entry

pytestmark = pytest.mark.django_db


def test_cash_deposited_at_the_bank_posts_once(world, clerk_a, drawer_a, fund, english, banks_open):
    fund(drawer_a, 5_000_000)
    done = services.handover_record(
        actor=clerk_a,
        point=world.point_a,
        amount=4_000_000,
        bank="vietinbank",
        idempotency_key="h1",
    )
    again = services.handover_record(
        actor=clerk_a,
        point=world.point_a,
        amount=4_000_000,
        bank="vietinbank",
        idempotency_key="h1",
    )
    assert again.pk == done.pk and CashHandover.objects.count() == 1
    assert done.entry.kind == EntryKind.BANK_DEPOSIT
    assert balance("1111.240001") == 1_000_000 and balance("1121.vietinbank") == 4_000_000
    with pytest.raises(DomainError, match="Not enough money"):
        services.handover_record(
            actor=clerk_a, point=world.point_a, amount=2_000_000, bank="bidv", idempotency_key="h2"
        )
    assert Entry.objects.filter(kind=EntryKind.BANK_DEPOSIT).count() == 1


def test_cash_handed_to_another_counters_safe(world, clerk_a, drawer_a, fund):
    fund(drawer_a, 300_000)
    done = services.handover_record(
        actor=clerk_a,
        point=world.point_a,
        amount=300_000,
        to_point=world.point_b,
        idempotency_key="h3",
    )
    assert done.entry.kind == EntryKind.CASH_TRANSFER
    assert balance("1111.240001") == 0 and balance("1111.240002") == 300_000


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
    from django.urls import reverse

    from buudien.network.tests.factories import PointFactory

    main = PointFactory(code="240100", name="Bưu cục trung tâm", unit=world.unit_a)
    fund(drawer_a, 500_000)
    client = client_as(clerk_a)
    page = client.get(reverse("cashdesk:handover")).content.decode()
    assert "Bưu cục trung tâm" in page and "Chi Lăng" not in page  # only the unit's counters
    data = {"token": "s-1", "amount": "200000", "bank": "", "to_point": str(main.pk)}
    assert client.post(reverse("cashdesk:handover"), data).status_code == 302
    assert balance("1111.240001") == 300_000 and balance("1111.240100") == 200_000
    neither = client.post(reverse("cashdesk:handover"), {**data, "token": "s-2", "to_point": ""})
    assert neither.status_code == 200 and 'data-testid="error-bank"' in neither.content.decode()
    assert CashHandover.objects.count() == 1
