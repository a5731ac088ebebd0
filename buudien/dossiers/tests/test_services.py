"""A dossier's life through the services: intake on the ledger, hand-over, results, return;
and every refusal changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from buudien.core.bizdays import VIETNAM
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.models import AuditEntry
from buudien.dossiers import services
from buudien.dossiers.choices import Direction, Mode, ReturnBy, Status, StepKind
from buudien.dossiers.models import Dossier, DossierStep, Handover
from buudien.finance.models import Account, Entry

pytestmark = pytest.mark.django_db

TUESDAY = dt.datetime(2026, 4, 28, 9, 30, tzinfo=VIETNAM)


def receive(actor: Any, world: Any, procedure: Any, **changes: Any) -> Dossier:
    asked: dict[str, Any] = {
        "actor": actor,
        "point": world.point_a,
        "idempotency_key": "k1",
        "procedure": procedure.code,
        "mode": Mode.BOTH,
        "applicant_name": "Hoàng Văn Thụ",
        "citizen_id": "020123456789",
        "phone": "0912 345 678",
        "documents": [0, 1, 2],
        "return_by": ReturnBy.COUNTER,
        "at": TUESDAY,
    }
    asked.update(changes)
    return services.dossier_receive(**asked)


def balance(code: str) -> int:
    return Account.objects.get(province_code="20", code=code).balance


def test_intake_takes_the_fee_for_the_agency_and_the_charge_in_one_entry(clerk_a, world, procedure):
    dossier = receive(clerk_a, world, procedure)

    assert dossier.reference == "HS240001000001"
    assert (dossier.agency_fee, dossier.charge) == (30_000, 35_000)
    assert dossier.status == Status.RECEIVED
    assert dossier.entry.kind == "dossier_fee"
    assert balance("1111.240001") == 65_000
    assert balance("3388.partner.hcc-so-tnmt") == 30_000
    assert balance("5113.dossier") == 35_000
    assert [s.kind for s in dossier.steps.all()] == [StepKind.RECEIVED]
    assert AuditEntry.objects.filter(action="dossiers.receive").count() == 1


def test_the_promised_date_counts_business_days_over_the_may_holidays(clerk_a, world, procedure):
    # Tuesday 28/04/2026 + 5 business days: 29/04, then 30/04 and 01/05 are holidays and
    # 02-03/05 a weekend: 04, 05, 06, 07/05.
    assert receive(clerk_a, world, procedure).due_date == dt.date(2026, 5, 7)


def test_a_receive_only_dossier_pays_only_the_charge_to_receive(clerk_a, world, procedure):
    dossier = receive(clerk_a, world, procedure, mode=Mode.RECEIVE, return_by="")
    assert (dossier.agency_fee, dossier.charge) == (30_000, 20_000)


def test_the_same_request_again_is_the_same_dossier_and_posts_once(clerk_a, world, procedure):
    first = receive(clerk_a, world, procedure)
    again = receive(clerk_a, world, procedure)
    assert again.pk == first.pk
    assert Entry.objects.filter(kind="dossier_fee").count() == 1
    with pytest.raises(DomainError, match="đã được dùng cho một yêu cầu khác"):
        receive(clerk_a, world, procedure, citizen_id="020999999999")


def test_every_problem_is_refused_at_once_and_nothing_changes(clerk_a, world, procedure):
    with pytest.raises(DomainError) as refused:
        receive(
            clerk_a,
            world,
            procedure,
            applicant_name="",
            citizen_id="12345",
            documents=[0],
            return_by="",
        )
    errors = refused.value.errors
    assert set(errors) == {"applicant_name", "citizen_id", "documents", "return_by"}
    assert "Giấy chứng nhận quyền sử dụng đất" in errors["documents"][0]
    assert "Hợp đồng chuyển nhượng" in errors["documents"][0]
    assert not Dossier.objects.exists()
    assert not Entry.objects.filter(kind="dossier_fee").exists()


def test_a_procedure_of_another_province_is_not_found(clerk_a, world, procedure):
    procedure.province_code = "04"
    procedure.save()
    with pytest.raises(DomainError) as refused:
        receive(clerk_a, world, procedure)
    assert "procedure" in refused.value.errors


def test_who_may_receive(clerk_a, clerk_b, clerk_hcc, auditor, world, procedure):
    with pytest.raises(AccessDenied):
        receive(auditor, world, procedure)
    with pytest.raises(NotFound):  # a point the clerk cannot see
        receive(clerk_b, world, procedure)
    assert receive(clerk_hcc, world, procedure, idempotency_key="h1").created_by == clerk_hcc
    from buudien.people.tests.factories import UserFactory

    # An officer of the whole province who works at point B sees point A, but acts at B only.
    wide = UserFactory(
        username="hcc_p", role="hcc_officer", unit=world.province, point=world.point_b
    )
    with pytest.raises(AccessDenied, match="tại điểm phục vụ của mình"):
        receive(wide, world, procedure, idempotency_key="h2")


def life(clerk: Any, world: Any, procedure: Any) -> Dossier:
    dossier = receive(clerk, world, procedure)
    services.handover_send(
        actor=clerk,
        point=world.point_a,
        agency=procedure.agency.code,
        dossiers=[dossier.reference],
        at=TUESDAY + dt.timedelta(hours=6),
    )
    return dossier


def test_hand_over_confirm_result_and_return(clerk_a, world, procedure):
    dossier = life(clerk_a, world, procedure)
    handover = Handover.objects.get(direction=Direction.TO_AGENCY)
    assert handover.number == "BG240001000001"
    services.handover_confirm(
        actor=clerk_a,
        handover=handover,
        receiver_name="Lê Thị Hoa",
        at=TUESDAY + dt.timedelta(days=1),
    )
    with pytest.raises(DomainError, match="đã được xác nhận"):
        services.handover_confirm(actor=clerk_a, handover=handover, receiver_name="X")

    services.results_receive(
        actor=clerk_a,
        point=world.point_a,
        agency=procedure.agency,
        dossiers=[dossier.reference.lower()],
        at=dt.datetime(2026, 5, 6, 15, tzinfo=VIETNAM),
    )
    with pytest.raises(DomainError, match="không phải của người nộp"):
        services.dossier_return(
            actor=clerk_a, point=world.point_a, dossier=dossier.reference, presented_id="0" * 12
        )
    returned = services.dossier_return(
        actor=clerk_a,
        point=world.point_a,
        dossier=dossier.reference,
        presented_id="020123456789",
        at=dt.datetime(2026, 5, 7, 8, tzinfo=VIETNAM),
    )
    assert returned.status == Status.RETURNED
    assert returned.on_time is True
    assert [s.kind for s in DossierStep.objects.filter(dossier=dossier)] == [
        StepKind.RECEIVED,
        StepKind.HANDED_OVER,
        StepKind.CONFIRMED,
        StepKind.RESULT_BACK,
        StepKind.RETURNED,
    ]
    with pytest.raises(DomainError, match="đã được trả ngày 07/05/2026"):
        services.dossier_return(
            actor=clerk_a,
            point=world.point_a,
            dossier=dossier.reference,
            presented_id="020123456789",
        )


def test_a_dossier_is_handed_over_once(clerk_a, world, procedure):
    dossier = life(clerk_a, world, procedure)
    with pytest.raises(DomainError, match="đã được bàn giao"):
        services.handover_send(
            actor=clerk_a,
            point=world.point_a,
            agency=procedure.agency.code,
            dossiers=[dossier.reference],
        )
    assert Handover.objects.count() == 1


def test_a_late_result_needs_the_agencys_reason(clerk_a, world, procedure):
    dossier = life(clerk_a, world, procedure)
    late = dt.datetime(2026, 5, 8, 10, tzinfo=VIETNAM)
    with pytest.raises(DomainError, match="Ghi lý do của cơ quan") as refused:
        services.results_receive(
            actor=clerk_a,
            point=world.point_a,
            agency=procedure.agency,
            dossiers=[dossier.reference],
            at=late,
        )
    assert refused.value.field == "late_reason"
    assert Handover.objects.filter(direction=Direction.FROM_AGENCY).count() == 0
    services.results_receive(
        actor=clerk_a,
        point=world.point_a,
        agency=procedure.agency,
        dossiers=[dossier.reference],
        late_reason="Chờ xác minh thực địa",
        at=late,
    )
    dossier.refresh_from_db()
    assert dossier.late_reason == "Chờ xác minh thực địa"
    assert dossier.steps.filter(kind=StepKind.LATE).count() == 1


def test_a_result_not_yet_back_is_not_returned(clerk_a, world, procedure):
    dossier = receive(clerk_a, world, procedure)
    with pytest.raises(DomainError, match="chưa về bưu điện"):
        services.dossier_return(
            actor=clerk_a,
            point=world.point_a,
            dossier=dossier.reference,
            presented_id="020123456789",
        )
    with pytest.raises(NotFound):
        services.dossier_return(
            actor=clerk_a, point=world.point_a, dossier="HS000", presented_id="020123456789"
        )


def test_a_receive_only_dossier_is_closed_when_handed_over(clerk_a, world, procedure):
    dossier = receive(clerk_a, world, procedure, mode=Mode.RECEIVE, return_by="")
    services.handover_send(
        actor=clerk_a, point=world.point_a, agency=procedure.agency, dossiers=[dossier.reference]
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.CLOSED
    with pytest.raises(DomainError, match="tự trả kết quả của hồ sơ"):
        services.results_receive(
            actor=clerk_a,
            point=world.point_a,
            agency=procedure.agency,
            dossiers=[dossier.reference],
        )


def test_a_postman_picks_a_dossier_up_at_the_applicants_address(world, procedure):
    from buudien.people.tests.factories import UserFactory

    postman = UserFactory(username="pm_a", role="postman", unit=world.unit_a, point=world.point_a)
    with pytest.raises(AccessDenied):  # at the counter a postman takes no dossier
        receive(postman, world, procedure, idempotency_key="p0")
    with pytest.raises(DomainError) as refused:  # a pickup needs the address
        receive(postman, world, procedure, idempotency_key="p1", at_address=True)
    assert "address" in refused.value.errors
    dossier = receive(
        postman,
        world,
        procedure,
        idempotency_key="p2",
        at_address=True,
        address="Thôn Bản Cưởm, xã Đồng Đăng",
    )
    assert dossier.at_address is True
    assert dossier.steps.get().note == "Tại địa chỉ của người nộp"


def test_a_dossier_lodged_at_the_agency_whose_result_the_post_returns(clerk_a, world, procedure):
    with pytest.raises(DomainError) as refused:
        receive(clerk_a, world, procedure, mode=Mode.RETURN, return_by="", at_address=True)
    assert {"agency_reference", "return_by", "at_address"} <= set(refused.value.errors)
    dossier = receive(
        clerk_a,
        world,
        procedure,
        mode=Mode.RETURN,
        documents=[],
        agency_reference="000.00.12.h36-261028-0007",
    )
    # The agency's fee was paid at the agency: the post takes its charge to return only.
    assert (dossier.agency_fee, dossier.charge) == (0, 15_000)
    assert balance("1111.240001") == 15_000
    assert dossier.status == Status.HANDED_OVER and dossier.documents == []
    assert dossier.agency_reference == "000.00.12.H36-261028-0007"
    step = DossierStep.objects.get(dossier=dossier)
    assert "000.00.12.H36-261028-0007" in step.note
    # Nothing to carry to the agency: it has the dossier.
    with pytest.raises(DomainError, match="đã được bàn giao"):
        services.handover_send(
            actor=clerk_a,
            point=world.point_a,
            agency=procedure.agency,
            dossiers=[dossier.reference],
        )
    # The agency hands the result back under its own number.
    services.results_receive(
        actor=clerk_a,
        point=world.point_a,
        agency=procedure.agency,
        dossiers=["000.00.12.h36-261028-0007"],
        at=TUESDAY + dt.timedelta(days=2),
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_BACK
    returned = services.dossier_return(
        actor=clerk_a,
        point=world.point_a,
        dossier=dossier.reference,
        presented_id="020123456789",
        at=TUESDAY + dt.timedelta(days=3),
    )
    assert returned.status == Status.RETURNED and returned.on_time
    # An agency's number is not a code of another agency's dossier.
    with pytest.raises(NotFound):
        services.results_receive(
            actor=clerk_a,
            point=world.point_a,
            agency=procedure.agency,
            dossiers=["000.00.12.H36-000000-0000"],
        )
