"""A result taken to the applicant's address: posted as an administrative delivery (HC) item
when it comes back from the agency, prepaid by the charge taken at intake, and returned when
mail delivers the item, whichever way the delivery is recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from buudien.core.bizdays import VIETNAM
from buudien.core.errors import DomainError
from buudien.dossiers import services
from buudien.dossiers.choices import Mode, ReturnBy, Status, StepKind
from buudien.dossiers.models import Dossier, DossierStep
from buudien.finance.models import Entry
from buudien.mail.choices import EventCode, ItemStatus, MailService
from buudien.mail.models import PostalItem
from buudien.mail.tests.factories import TariffFactory
from buudien.mail.tracking.services import event_record, events_ingest

pytestmark = pytest.mark.django_db

TUESDAY = dt.datetime(2026, 4, 28, 9, 30, tzinfo=VIETNAM)
BACK = dt.datetime(2026, 5, 4, 14, tzinfo=VIETNAM)


@pytest.fixture
def hc_tariff(db: Any) -> Any:
    return TariffFactory(service=MailService.ADMIN_DELIVERY)


def posted_dossier(actor: Any, world: Any, procedure: Any, key: str = "p1") -> Dossier:
    dossier = services.dossier_receive(
        actor=actor,
        point=world.point_a,
        idempotency_key=key,
        procedure=procedure.code,
        mode=Mode.BOTH,
        applicant_name="Lương Văn Tri",
        citizen_id="020198765432",
        phone="0912 000 111",
        address="Thôn Pò Mỏ",
        commune=world.commune_b.pk,
        documents=[0, 1, 2],
        return_by=ReturnBy.ADDRESS,
        at=TUESDAY,
    )
    services.handover_send(
        actor=actor,
        point=world.point_a,
        agency=procedure.agency.code,
        dossiers=[dossier.reference],
        at=TUESDAY + dt.timedelta(hours=6),
    )
    services.results_receive(
        actor=actor,
        point=world.point_a,
        agency=procedure.agency,
        dossiers=[dossier.reference],
        at=BACK,
    )
    return Dossier.objects.select_related("result_item").get(pk=dossier.pk)


def test_the_commune_is_required_when_the_result_goes_to_the_address(clerk_a, world, procedure):
    with pytest.raises(DomainError) as refused:
        services.dossier_receive(
            actor=clerk_a,
            point=world.point_a,
            idempotency_key="c1",
            procedure=procedure.code,
            mode=Mode.BOTH,
            applicant_name="Lương Văn Tri",
            citizen_id="020198765432",
            address="",
            documents=[0, 1],
            return_by=ReturnBy.ADDRESS,
            commune="99999999",
        )
    # Every problem at once: the address, the commune, the missing document.
    assert {"address", "commune", "documents"} <= set(refused.value.errors)
    assert not Dossier.objects.exists()


def test_a_result_is_posted_prepaid_and_returned_when_the_postman_delivers_it(
    clerk_a, world, procedure, hc_tariff
):
    entries = Entry.objects.count()
    dossier = posted_dossier(clerk_a, world, procedure)
    item = dossier.result_item
    assert item is not None and dossier.status == Status.POSTED
    assert item.service == MailService.ADMIN_DELIVERY and item.s10.startswith("HC")
    assert (item.recipient_name, item.recipient_address) == ("Lương Văn Tri", "Thôn Pò Mỏ")
    assert item.recipient_commune_id == world.commune_b.pk
    assert item.sender_name == procedure.agency.name
    # Prepaid: the charge to return was taken at intake; the item books nothing more.
    assert item.price_total == 0
    assert Entry.objects.count() == entries + 1
    step = DossierStep.objects.get(dossier=dossier, kind=StepKind.POSTED)
    assert step.note == item.s10

    # Not at the counter any more: the result is on its way.
    with pytest.raises(DomainError, match=item.s10):
        services.dossier_return(
            actor=clerk_a,
            point=world.point_a,
            dossier=dossier.reference,
            presented_id="020198765432",
        )

    delivered_at = BACK + dt.timedelta(days=1, hours=1)
    event_record(
        actor=None,
        item=item,
        code=EventCode.EMI,
        point=world.point_b,
        at=delivered_at,
        recipient_name="Lương Thị Hà",
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    assert dossier.returned_at == delivered_at
    assert dossier.receiver_name == "Lương Thị Hà"
    assert dossier.returned_point_id == world.point_b.pk
    assert dossier.on_time is True
    assert DossierStep.objects.filter(dossier=dossier).order_by("at", "id").last().kind == (
        StepKind.DELIVERED
    )
    # Delivered again (a repeated scan): nothing more happens to the dossier.
    event_record(actor=None, item=item, code=EventCode.EMI, point=world.point_b, recipient_name="X")
    assert DossierStep.objects.filter(dossier=dossier, kind=StepKind.DELIVERED).count() == 1


def test_a_scanner_batch_that_delivers_the_item_returns_the_dossier(
    clerk_a, world, procedure, hc_tariff
):
    first = posted_dossier(clerk_a, world, procedure, key="b1")
    second = posted_dossier(clerk_a, world, procedure, key="b2")
    at = (BACK + dt.timedelta(days=2)).isoformat()
    result = events_ingest(
        actor=None,
        source="scanner",
        events=[
            {
                "s10": dossier.result_item.s10,
                "code": EventCode.EMI,
                "occurred_at": at,
                "office_code": world.point_b.code,
                "recipient_name": "Người nhận",
                "event_id": f"e{n}",
            }
            for n, dossier in enumerate([first, second])
        ],
    )
    assert result.accepted == 2 and not result.rejected
    statuses = dict(Dossier.objects.values_list("reference", "status"))
    assert statuses == {first.reference: Status.RETURNED, second.reference: Status.RETURNED}
    assert PostalItem.objects.filter(status=ItemStatus.DELIVERED).count() == 2


def test_a_result_without_a_commune_stays_at_the_counter(clerk_a, world, procedure, hc_tariff):
    """A dossier received before results were posted (no commune on it) is returned at the
    counter as before."""
    other = services.dossier_receive(
        actor=clerk_a,
        point=world.point_a,
        idempotency_key="old2",
        procedure=procedure.code,
        mode=Mode.BOTH,
        applicant_name="Lương Văn Tri",
        citizen_id="020198765432",
        address="Thôn Pò Mỏ",
        commune=world.commune_b,
        documents=[0, 1, 2],
        return_by=ReturnBy.ADDRESS,
        at=TUESDAY,
    )
    Dossier.objects.filter(pk=other.pk).update(commune=None)
    services.handover_send(
        actor=clerk_a,
        point=world.point_a,
        agency=procedure.agency,
        dossiers=[other.reference],
        at=TUESDAY + dt.timedelta(hours=6),
    )
    services.results_receive(
        actor=clerk_a,
        point=world.point_a,
        agency=procedure.agency,
        dossiers=[other.reference],
        at=BACK,
    )
    other.refresh_from_db()
    assert other.status == Status.RESULT_BACK and other.result_item_id is None


def test_a_public_administration_officer_posts_the_results(clerk_hcc, world, procedure, hc_tariff):
    dossier = posted_dossier(clerk_hcc, world, procedure)
    assert dossier.result_item.accepted_by == clerk_hcc


def test_a_result_mail_brings_back_waits_at_the_counter(clerk_a, world, procedure, hc_tariff):
    from buudien.mail.choices import FailureAction, FailureReason

    dossier = posted_dossier(clerk_a, world, procedure, key="back")
    item = dossier.result_item
    at = BACK + dt.timedelta(days=1)
    event_record(
        actor=None,
        item=item,
        code=EventCode.EMH,
        point=world.point_b,
        at=at,
        reason=FailureReason.WRONG_ADDRESS,
        action=FailureAction.RETURN,
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.POSTED  # on its way back
    event_record(
        actor=None,
        item=item,
        code=EventCode.EMI,
        point=world.point_a,
        at=at + dt.timedelta(days=1),
        recipient_name="Bưu cục Đồng Đăng",
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.RETURNED
    dossier.refresh_from_db()
    assert (dossier.status, dossier.return_by) == (Status.RESULT_BACK, ReturnBy.COUNTER)
    assert DossierStep.objects.filter(
        dossier=dossier, kind=StepKind.UNDELIVERED, note=item.s10
    ).exists()
    returned = services.dossier_return(
        actor=clerk_a,
        point=world.point_a,
        dossier=dossier.reference,
        presented_id="020198765432",
        at=at + dt.timedelta(days=2),
    )
    assert returned.status == Status.RETURNED
