"""The writes of administrative dossiers. Each function is one transaction and changes
nothing when it refuses.

- Intake (``dossier_receive``) is a counter operation (``counter.desk``): a clerk or a public
  administration officer at their own point (an administrator at a point of their scope)
  checks every required document, takes the agency's fee and the post's charge in one ledger
  entry (the fee owed to the agency, ``3388.partner.hcc-<agency>``; the charge revenue of the
  service ``dossier``), and gives the applicant the slip with the dossier code and the
  promised return date (the procedure's business days after the day of intake).
- Dossiers go to the agency in a hand-over (``handover_send``) confirmed by the agency's
  receiver (``handover_confirm``); results come back the same way (``results_receive``), a
  late one with its reason.
- A result is returned at the counter (``dossier_return``) to the applicant who shows the
  citizen ID the dossier was received under; never twice.
- A result to be taken to the applicant's address is posted when it comes back: an
  administrative delivery (HC) item accepted at the point that received it, prepaid by the
  charge taken at intake, tracked like any item (``results_receive``). Whichever way its
  delivery is recorded (the postman's phone, a scanner's batch), mail hands the item to
  ``results_delivered`` in the same transaction and the dossier is returned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record
from buudien.core.bizdays import add_business_days
from buudien.core.catalogue import Service
from buudien.core.errors import DomainError, NotFound
from buudien.core.sequences import sequence_next
from buudien.core.text import fold
from buudien.counter import fields
from buudien.counter.desk import Desk, Op, actor_id
from buudien.counter.problems import Problems
from buudien.dossiers.choices import Direction, Mode, ReturnBy, Status, StepKind
from buudien.dossiers.models import Agency, Dossier, DossierStep, Handover, Procedure
from buudien.dossiers.rollup import rollup_received, rollup_returned
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.mail.acceptance.services import item_accept
from buudien.mail.choices import EventCode, MailService
from buudien.mail.models import PostalItem, TrackingEvent
from buudien.network.choices import AdminAreaLevel
from buudien.network.models import AdminArea, ServicePoint
from buudien.people.choices import Role

APP = "dossiers"
PREFIX = "HS"  # hồ sơ
HANDOVER_PREFIX = "BG"  # biên bản bàn giao
DOSSIER_ROLES = frozenset({Role.CLERK, Role.HCC_OFFICER, Role.ADMIN})
# A postman picks a dossier up at the applicant's address (the point is their own office).
PICKUP_ROLES = DOSSIER_ROLES | {Role.POSTMAN}
MAX_HANDOVER = 500
# An envelope with a result (a certificate, a licence, a decision): its weight as posted.
RESULT_WEIGHT_G = 100


def agency_partner(agency: Agency) -> str:
    """The ledger partner of an agency: its fees are owed to ``3388.partner.hcc-<code>``."""
    return f"hcc-{agency.code}"[:32]


def due_date(procedure: Procedure, day: dt.date) -> dt.date:
    """The promised return date of a dossier received on ``day``: the procedure's business
    days after it (weekends and public holidays not counted)."""
    return add_business_days(day, procedure.processing_days)


def _desk(
    actor: Any,
    point: ServicePoint,
    at: dt.datetime | None = None,
    roles: frozenset[str] = DOSSIER_ROLES,
) -> Desk:
    return Desk.open(
        actor=actor,
        point=point,
        app=APP,
        at=at,
        roles=roles,
        elsewhere=_("You handle dossiers at your own service point only."),
    )


def procedure_for(province_code: str, procedure: Procedure | str) -> Procedure:
    """A procedure of the province in force, by itself or by its code."""
    found: Procedure | None
    if isinstance(procedure, Procedure):
        found = procedure
    else:
        code = str(procedure or "").strip()[:32]
        found = (
            Procedure.objects.select_related("agency")
            .filter(province_code=province_code, code=code)
            .first()
        )
    if found is None or found.province_code != province_code:
        raise NotFound(_("No such procedure in this province."), field="procedure")
    if not found.is_active or not found.agency.is_active:
        raise DomainError(
            _("Procedure %(code)s is no longer received.") % {"code": found.code},
            field="procedure",
        )
    return found


def documents_received(procedure: Procedure, present: Iterable[int]) -> list[dict[str, Any]]:
    """The procedure's documents marked received; refused naming every one missing."""
    given = set(present)
    required = list(procedure.documents or [])
    unknown = sorted(i for i in given if not 0 <= i < len(required))
    if unknown:
        raise DomainError(
            _("The procedure has no document number %(n)s.") % {"n": unknown[0] + 1},
            field="documents",
        )
    missing = [doc["name"] for index, doc in enumerate(required) if index not in given]
    if missing:
        raise DomainError(
            _("Required documents missing: %(names)s.") % {"names": "; ".join(missing)},
            field="documents",
        )
    return [dict(doc) for doc in required]


def commune_of(value: AdminArea | int | str | None, *, required: bool) -> AdminArea | None:
    """The applicant's commune (by itself or its id): where a result is posted."""
    if value in (None, ""):
        if required:
            raise DomainError(
                _("Choose the applicant's commune: the result is posted there."),
                field="commune",
            )
        return None
    if isinstance(value, AdminArea):
        found: AdminArea | None = value
    else:
        raw = str(value).strip()
        found = (
            AdminArea.objects.filter(pk=int(raw)).first()
            if raw.isdigit() and len(raw) < 12
            else None
        )
    if found is None or found.level != AdminAreaLevel.COMMUNE:
        raise DomainError(_("Choose a commune from the list."), field="commune")
    return found


def _step(
    dossier: Dossier,
    kind: str,
    *,
    at: dt.datetime,
    actor: Any = None,
    point: ServicePoint | None = None,
    note: str = "",
) -> DossierStep:
    return DossierStep(
        province_code=dossier.province_code,
        dossier=dossier,
        kind=kind,
        at=at,
        point=point,
        actor_id=actor_id(actor),
        note=note[:300],
    )


def dossier_receive(
    *,
    actor: Any,
    point: ServicePoint,
    idempotency_key: str,
    procedure: Procedure | str,
    mode: str,
    applicant_name: str,
    citizen_id: str,
    documents: Sequence[int],
    phone: str = "",
    address: str = "",
    return_by: str = "",
    commune: AdminArea | int | str | None = None,
    agency_reference: str = "",
    at_address: bool = False,
    at: dt.datetime | None = None,
) -> Dossier:
    """Receive a dossier at ``point``'s counter, or (``at_address``) at the applicant's
    address by a postman of ``point`` (see the module). A dossier of mode ``return`` was
    lodged at the agency (its receipt number ``agency_reference``): the post only takes the
    charge to return its result, and the dossier is with the agency from the start. The same
    key and request return the dossier already received; every problem of the request is
    refused at once."""
    desk = _desk(actor, point, at, roles=PICKUP_ROLES if at_address else DOSSIER_ROLES)
    province = desk.province
    problems = Problems()
    found = problems.check(procedure_for, province, procedure)
    if mode not in Mode.values:
        problems.add("mode", _("Choose what the post does for the dossier."))
    lodged = mode == Mode.RETURN
    if lodged and at_address:
        problems.add(
            "at_address", _("A dossier lodged at the agency is not picked up at an address.")
        )
    number = problems.check(
        fields.text,
        agency_reference,
        field="agency_reference",
        label=_("The agency's receipt number"),
        required=lodged,
        limit=40,
    )
    number = (number or "").upper()
    name = problems.check(
        fields.text, applicant_name, field="applicant_name", label=_("The applicant's name")
    )
    cid = problems.check(fields.citizen_id, citizen_id)
    tel = problems.check(fields.phone, phone, required=False)
    where = problems.check(
        fields.text,
        address,
        field="address",
        label=_("The applicant's address"),
        required=return_by == ReturnBy.ADDRESS or at_address,
        limit=300,
    )
    returns = mode in Mode.returns()
    if returns and return_by not in ReturnBy.values:
        problems.add("return_by", _("Say where the result is returned."))
    if mode == Mode.RECEIVE and return_by:
        problems.add("return_by", _("The agency returns the result of this dossier itself."))
    posted = returns and return_by == ReturnBy.ADDRESS
    area = problems.check(commune_of, commune, required=posted)
    # The documents of a dossier lodged at the agency stay there.
    docs: list[dict[str, Any]] | None = []
    if not lodged:
        docs = problems.check(documents_received, found, documents) if found else None
    problems.raise_any()
    assert found is not None and docs is not None
    charge = found.charge_for(mode)
    agency = found.agency
    # The agency's fee is paid at the agency for a dossier lodged there.
    fee = 0 if lodged else found.agency_fee
    promised = due_date(found, desk.day)

    def work(op: Op) -> Dossier:
        legs = []
        drawer = ledger.account_for_drawer(point)
        if fee:
            payable = ledger.account_for_partner(province, agency_partner(agency))
            legs.append(ledger.Leg(drawer, payable, fee, Service.DOSSIER))
        if charge:
            revenue = ledger.account_for_revenue(province, Service.DOSSIER)
            legs.append(ledger.Leg(drawer, revenue, charge, Service.DOSSIER))
        entry = op.post(kind=EntryKind.DOSSIER_FEE, legs=legs) if legs else None
        dossier = Dossier.objects.create(
            **op.record(entry),
            procedure=found,
            agency=agency,
            mode=mode,
            status=Status.HANDED_OVER if lodged else Status.RECEIVED,
            applicant_name=name,
            applicant_folded=fold(f"{name} {cid}")[:150],
            citizen_id=cid,
            phone=tel,
            address=where,
            documents=docs,
            agency_reference=number,
            at_address=at_address,
            agency_fee=fee,
            charge=charge,
            return_by=return_by if returns else "",
            commune=area,
            due_date=promised,
        )
        note = _("At the applicant's address") if at_address else ""
        if lodged:
            note = _("Lodged at %(agency)s under number %(number)s") % {
                "agency": agency.name,
                "number": number,
            }
        _step(
            dossier, StepKind.RECEIVED, at=desk.moment, actor=actor, point=point, note=note
        ).save()
        rollup_received([dossier])
        return dossier

    return desk.once(
        Dossier,
        operation="receive",
        key=idempotency_key,
        prefix=PREFIX,
        fingerprint={
            "procedure": found.code,
            "mode": mode,
            "citizen_id": cid,
            "name": name,
            "documents": sorted(set(documents)),
            "return_by": return_by,
            "commune": area.pk if area else None,
            "agency_reference": number,
            "at_address": at_address,
        },
        work=work,
    )


def _dossiers_by_code(
    province: str, codes: Sequence[str], agency: Agency | None = None
) -> dict[str, Dossier]:
    """The dossiers by their codes, locked; with ``agency``, a code may also be the number
    on that agency's receipt of a dossier lodged there (as its result comes back)."""
    wanted = [str(code or "").strip().upper()[:40] for code in codes]
    wanted = [code for code in dict.fromkeys(wanted) if code]
    if not wanted or len(wanted) > MAX_HANDOVER:
        raise DomainError(
            _("A hand-over holds 1 to %(max)s dossiers.") % {"max": MAX_HANDOVER},
            field="dossiers",
        )
    rows = Dossier.objects.select_for_update().filter(province_code=province, reference__in=wanted)
    found = {row.reference: row for row in rows}
    if agency is not None and len(found) < len(wanted):
        lodged = Dossier.objects.select_for_update().filter(
            province_code=province,
            agency=agency,
            mode=Mode.RETURN,
            agency_reference__in=[code for code in wanted if code not in found],
        )
        found.update({row.agency_reference.upper(): row for row in lodged})
    missing = [code for code in wanted if code not in found]
    if missing:
        raise NotFound(
            _("No such dossier: %(codes)s.") % {"codes": ", ".join(missing)}, field="dossiers"
        )
    return {code: found[code] for code in wanted}


def _handover(desk: Desk, agency: Agency, direction: str, count: int) -> Handover:
    serial = sequence_next(f"{APP}:{HANDOVER_PREFIX}:{desk.point.code}")
    return Handover.objects.create(
        province_code=desk.province,
        number=f"{HANDOVER_PREFIX}{desk.point.code}{serial:06d}",
        direction=direction,
        agency=agency,
        point=desk.point,
        created_at=desk.moment,
        created_by_id=actor_id(desk.actor),
        count=count,
    )


def agency_for(province: str, agency: Agency | str) -> Agency:
    """An agency of the province, by itself or by its code; "not found" otherwise."""
    if isinstance(agency, Agency):
        found: Agency | None = agency
    else:
        code = str(agency or "").strip()[:32]
        found = Agency.objects.filter(province_code=province, code=code).first()
    if found is None or found.province_code != province:
        raise NotFound(_("No such agency in this province."), field="agency")
    return found


@transaction.atomic
def handover_send(
    *,
    actor: Any,
    point: ServicePoint,
    agency: Agency | str,
    dossiers: Sequence[str],
    at: dt.datetime | None = None,
) -> Handover:
    """Hand dossiers received at ``point`` to ``agency``, in one record. Refused, naming the
    dossiers: one of another agency or point, one handed over already."""
    desk = _desk(actor, point, at)
    found = agency_for(desk.province, agency)
    rows = _dossiers_by_code(desk.province, dossiers)
    problems = []
    for code, row in rows.items():
        if row.agency_id != found.pk:
            problems.append(
                _("%(code)s goes to %(agency)s.") % {"code": code, "agency": row.agency}
            )
        elif row.point_id != point.pk:
            problems.append(_("%(code)s was received at another point.") % {"code": code})
        elif row.handover_id is not None or row.status != Status.RECEIVED:
            problems.append(_("%(code)s was handed over already.") % {"code": code})
    if problems:
        raise DomainError(" ".join(problems), field="dossiers")
    handover = _handover(desk, found, Direction.TO_AGENCY, len(rows))
    steps = []
    for row in rows.values():
        row.handover = handover
        row.status = Status.HANDED_OVER if row.mode in Mode.returns() else Status.CLOSED
        steps.append(_step(row, StepKind.HANDED_OVER, at=desk.moment, actor=actor, point=point))
    Dossier.objects.bulk_update(rows.values(), ["handover", "status"])
    DossierStep.objects.bulk_create(steps)
    audit_record(actor=actor, action="dossiers.handover", obj=handover, after={"count": len(rows)})
    return handover


@transaction.atomic
def handover_confirm(
    *, actor: Any, handover: Handover, receiver_name: str, at: dt.datetime | None = None
) -> Handover:
    """The agency's receiver signed the record of ``handover``: recorded once."""
    desk = _desk(actor, handover.point, at)
    name = fields.text(receiver_name, field="receiver_name", label=_("The receiver's name"))
    locked = Handover.objects.select_for_update().get(pk=handover.pk)
    if locked.confirmed_at is not None:
        raise DomainError(
            _("Hand-over %(number)s was confirmed already.") % {"number": locked.number}
        )
    locked.receiver_name = name
    locked.confirmed_at = desk.moment
    locked.save(update_fields=["receiver_name", "confirmed_at"])
    rows = locked.dossiers_sent.all() if locked.direction == Direction.TO_AGENCY else []
    DossierStep.objects.bulk_create(
        [_step(row, StepKind.CONFIRMED, at=desk.moment, actor=actor, note=name) for row in rows]
    )
    return locked


@transaction.atomic
def results_receive(
    *,
    actor: Any,
    point: ServicePoint,
    agency: Agency | str,
    dossiers: Sequence[str],
    receiver_name: str = "",
    late_reason: str = "",
    at: dt.datetime | None = None,
) -> Handover:
    """The results ``agency`` hands back to ``point``, in one record. A result later than its
    promised date needs the agency's reason (kept on the dossier, shown on its steps)."""
    desk = _desk(actor, point, at)
    found = agency_for(desk.province, agency)
    rows = _dossiers_by_code(desk.province, dossiers, found)
    reason = fields.text(
        late_reason, field="late_reason", label=_("The reason"), required=False, limit=300
    )
    problems = []
    for code, row in rows.items():
        if row.agency_id != found.pk:
            problems.append(
                _("%(code)s goes to %(agency)s.") % {"code": code, "agency": row.agency}
            )
        elif row.mode not in Mode.returns():
            problems.append(_("The agency returns the result of %(code)s itself.") % {"code": code})
        elif row.status != Status.HANDED_OVER:
            problems.append(
                _("%(code)s is not with the agency (%(status)s).")
                % {"code": code, "status": row.get_status_display()}
            )
    if problems:
        raise DomainError(" ".join(problems), field="dossiers")
    late = [code for code, row in rows.items() if desk.day > row.due_date]
    if late and not reason:
        raise DomainError(
            _("Late against the promised date: %(codes)s. Record the agency's reason.")
            % {"codes": ", ".join(late)},
            field="late_reason",
        )
    handover = _handover(desk, found, Direction.FROM_AGENCY, len(rows))
    if receiver_name:
        handover.receiver_name = fields.text(
            receiver_name, field="receiver_name", label=_("The receiver's name")
        )
        handover.confirmed_at = desk.moment
        handover.save(update_fields=["receiver_name", "confirmed_at"])
    steps = []
    for code, row in rows.items():
        row.result_handover = handover
        row.result_at = desk.moment
        row.status = Status.RESULT_BACK
        if code in late:
            row.late_reason = reason
            steps.append(_step(row, StepKind.LATE, at=desk.moment, actor=actor, note=reason))
        steps.append(_step(row, StepKind.RESULT_BACK, at=desk.moment, actor=actor, point=point))
        if row.return_by == ReturnBy.ADDRESS and row.commune_id is not None:
            row.result_item = _result_post(desk, found, row)
            row.status = Status.POSTED
            steps.append(
                _step(
                    row,
                    StepKind.POSTED,
                    at=desk.moment,
                    actor=actor,
                    point=point,
                    note=row.result_item.s10,
                )
            )
    Dossier.objects.bulk_update(
        rows.values(), ["result_handover", "result_at", "status", "late_reason", "result_item"]
    )
    DossierStep.objects.bulk_create(steps)
    audit_record(actor=actor, action="dossiers.results", obj=handover, after={"count": len(rows)})
    return handover


def _result_post(desk: Desk, agency: Agency, row: Dossier) -> PostalItem:
    """The result of ``row`` as an administrative delivery (HC) item from the agency to the
    applicant's address, accepted at the desk's point; prepaid by the charge taken at intake."""
    return item_accept(
        actor=desk.actor,
        point=desk.point,
        service=MailService.ADMIN_DELIVERY,
        sender_name=agency.name,
        sender_address=agency.address,
        recipient_name=row.applicant_name,
        recipient_phone=row.phone,
        recipient_address=row.address,
        recipient_commune=row.commune,
        weight_g=RESULT_WEIGHT_G,
        at=desk.moment,
        idempotency_key=f"dossier-result-{row.reference}",
        prepaid=True,
    )


def results_follow(delivered: Sequence[int], returned: Sequence[int]) -> None:
    """Mail's items delivered or returned to their sender (``mail.tracking.delivered``)."""
    if delivered:
        results_delivered(delivered)
    if returned:
        results_came_back(returned)


def results_came_back(item_ids: Sequence[int]) -> None:
    """Mail could not deliver these items and brought them back: the results they carried
    wait at the counter, to be returned there to the applicant against the citizen ID."""
    rows = list(
        Dossier.objects.select_for_update(of=("self",))
        .filter(result_item_id__in=list(item_ids), status=Status.POSTED)
        .select_related("result_item")
    )
    if not rows:
        return
    steps = []
    for row in rows:
        item = row.result_item
        assert item is not None
        row.status = Status.RESULT_BACK
        row.return_by = ReturnBy.COUNTER
        steps.append(
            DossierStep(
                province_code=row.province_code,
                dossier=row,
                kind=StepKind.UNDELIVERED,
                at=item.last_event_at or timezone.now(),
                point_id=item.accepted_point_id,
                note=item.s10,
            )
        )
    Dossier.objects.bulk_update(rows, ["status", "return_by"])
    DossierStep.objects.bulk_create(steps)


def results_delivered(item_ids: Sequence[int]) -> None:
    """Mail has delivered these items (``mail.tracking.delivered``): the dossiers whose
    result they carried are returned, at the time and to the person of the delivery."""
    rows = list(
        Dossier.objects.select_for_update(of=("self",))
        .filter(result_item_id__in=list(item_ids), status=Status.POSTED)
        .select_related("result_item")
    )
    if not rows:
        return
    events = {
        item_id: (name, actor, point)
        for item_id, name, actor, point in TrackingEvent.objects.filter(
            item_id__in=[row.result_item_id for row in rows], code=EventCode.EMI
        )
        .order_by("occurred_at", "id")
        .values_list("item_id", "recipient_name", "actor_id", "point_id")
    }
    steps = []
    for row in rows:
        item = row.result_item
        assert item is not None and item.delivered_at is not None
        name, actor, point = events.get(item.pk, ("", None, None))
        row.status = Status.RETURNED
        row.returned_at = item.delivered_at
        row.returned_point_id = point or item.delivery_point_id or row.point_id
        row.returned_by_id = actor
        row.receiver_name = (name or row.applicant_name)[:150]
        steps.append(
            DossierStep(
                province_code=row.province_code,
                dossier=row,
                kind=StepKind.DELIVERED,
                at=item.delivered_at,
                point_id=row.returned_point_id,
                actor_id=actor,
                note=item.s10,
            )
        )
    Dossier.objects.bulk_update(
        rows, ["status", "returned_at", "returned_point", "returned_by", "receiver_name"]
    )
    DossierStep.objects.bulk_create(steps)
    rollup_returned(rows)


@transaction.atomic
def dossier_return(
    *,
    actor: Any,
    point: ServicePoint,
    dossier: Dossier | str,
    presented_id: str,
    receiver_name: str = "",
    at: dt.datetime | None = None,
) -> Dossier:
    """Return the result of a dossier at ``point``'s counter to the applicant, who shows the
    citizen ID the dossier was received under. Never twice."""
    desk = _desk(actor, point, at)
    code = dossier.reference if isinstance(dossier, Dossier) else str(dossier or "").strip()
    row = (
        Dossier.objects.select_for_update()
        .filter(province_code=desk.province, reference=code.upper()[:24])
        .first()
    )
    if row is None:
        raise NotFound(_("No such dossier."), field="dossier")
    if row.status == Status.RETURNED:
        raise DomainError(
            _("The result of %(code)s was returned on %(day)s.")
            % {"code": row.reference, "day": f"{row.returned_at:%d/%m/%Y}"},
            field="dossier",
        )
    if row.status == Status.POSTED and row.result_item is not None:
        raise DomainError(
            _("The result of %(code)s was posted to the applicant's address as %(s10)s.")
            % {"code": row.reference, "s10": row.result_item.s10},
            field="dossier",
        )
    if row.status != Status.RESULT_BACK:
        raise DomainError(
            _("The result of %(code)s is not at the post yet (%(status)s).")
            % {"code": row.reference, "status": row.get_status_display()},
            field="dossier",
        )
    presented = fields.citizen_id(presented_id, field="presented_id")
    if presented != row.citizen_id:
        raise DomainError(
            _("The citizen ID shown is not the applicant's: the result is not returned."),
            field="presented_id",
        )
    row.status = Status.RETURNED
    row.returned_at = desk.moment
    row.returned_point = point
    row.returned_by_id = actor_id(actor)
    row.receiver_name = fields.text(
        receiver_name or row.applicant_name, field="receiver_name", label=_("The receiver")
    )
    row.save(
        update_fields=["status", "returned_at", "returned_point", "returned_by", "receiver_name"]
    )
    _step(row, StepKind.RETURNED, at=desk.moment, actor=actor, point=point).save()
    rollup_returned([row])
    audit_record(actor=actor, action="dossiers.return", obj=row)
    return row
