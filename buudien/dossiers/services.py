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
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buudien.core.audit import audit_insert
from buudien.core.bizdays import add_business_days, business_days_in
from buudien.core.bulk import insert_rows
from buudien.core.catalogue import Service
from buudien.core.errors import DomainError, NotFound
from buudien.core.sequences import sequence_next_many
from buudien.core.text import fold
from buudien.counter import fields, many
from buudien.counter.desk import Desk, Op, actor_id, fingerprint_of, moment_of
from buudien.counter.drawers import drawers_of
from buudien.counter.problems import Problems
from buudien.dossiers.choices import Direction, Mode, ReturnBy, Status, StepKind
from buudien.dossiers.models import Agency, Dossier, DossierStep, Handover, Procedure
from buudien.dossiers.rollup import rollup_received, rollup_received_values, rollup_returned
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Account
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


@dataclass(frozen=True)
class Intake:
    """One dossier received by ``actor`` at ``point``, as ``dossier_receive`` is asked (a
    row of ``dossiers_receive_many``); ``documents`` None: every document of the procedure."""

    actor: Any
    point: ServicePoint
    key: str
    procedure: Procedure | str
    mode: str
    applicant_name: str
    citizen_id: str
    at: dt.datetime | None = None
    documents: Sequence[int] | None = None
    phone: str = ""
    address: str = ""
    return_by: str = ""
    commune: AdminArea | int | str | None = None
    agency_reference: str = ""
    at_address: bool = False


@dataclass(frozen=True)
class _Checked:
    """An intake whose every field was checked: what its row, entry and step record."""

    procedure: Procedure
    fields: dict[str, Any]  # the dossier's own columns (by attribute name)
    fingerprint: dict[str, Any]
    note: str

    @property
    def fee(self) -> int:
        return int(self.fields["agency_fee"])

    @property
    def charge(self) -> int:
        return int(self.fields["charge"])


def _promised(procedure: Procedure, day: dt.date, known: dict[Any, Any]) -> dt.date:
    """``due_date`` for a list: the business days after each day of the list read once."""
    days = procedure.processing_days
    if not days:
        return due_date(procedure, day)
    after: list[dt.date] = known.get(("after", day), [])
    if len(after) < days:
        after = business_days_in(day + dt.timedelta(days=1), day + dt.timedelta(days=days * 2 + 30))
        known[("after", day)] = after
    return after[days - 1]


def _intake_checked(row: Intake, day: dt.date, known: dict[Any, Any] | None = None) -> _Checked:
    """``row`` checked as received on ``day`` (see ``dossier_receive``), or refused with
    every problem at once. ``known``: the procedures and promised dates a list found
    already."""
    province = row.point.province_code
    mode, at_address, return_by = row.mode, row.at_address, row.return_by
    known = {} if known is None else known
    problems = Problems()
    asked = row.procedure.pk if isinstance(row.procedure, Procedure) else row.procedure
    if ("procedure", asked) not in known:
        known[("procedure", asked)] = problems.check(procedure_for, province, row.procedure)
    found = known[("procedure", asked)]
    if found is None and not problems:  # refused for an earlier row of the list
        found = problems.check(procedure_for, province, row.procedure)
    if mode not in Mode.values:
        problems.add("mode", _("Choose what the post does for the dossier."))
    lodged = mode == Mode.RETURN
    if lodged and at_address:
        problems.add(
            "at_address", _("A dossier lodged at the agency is not picked up at an address.")
        )
    number = problems.check(
        fields.text,
        row.agency_reference,
        field="agency_reference",
        label=_("The agency's receipt number"),
        required=lodged,
        limit=40,
    )
    number = (number or "").upper()
    name = problems.check(
        fields.text, row.applicant_name, field="applicant_name", label=_("The applicant's name")
    )
    cid = problems.check(fields.citizen_id, row.citizen_id)
    tel = problems.check(fields.phone, row.phone, required=False)
    where = problems.check(
        fields.text,
        row.address,
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
    area = problems.check(commune_of, row.commune, required=posted)
    given = list(range(len(found.documents or []))) if found else []
    if row.documents is not None:
        given = sorted(set(row.documents))
    # The documents of a dossier lodged at the agency stay there.
    docs: list[dict[str, Any]] | None = []
    if not lodged:
        docs = problems.check(documents_received, found, given) if found else None
    problems.raise_any()
    assert found is not None and docs is not None
    agency = found.agency
    note = _("At the applicant's address") if at_address else ""
    if lodged:
        note = _("Lodged at %(agency)s under number %(number)s") % {
            "agency": agency.name,
            "number": number,
        }
    return _Checked(
        procedure=found,
        fields={
            "procedure_id": found.pk,
            "agency_id": agency.pk,
            "mode": mode,
            "status": Status.HANDED_OVER if lodged else Status.RECEIVED,
            "applicant_name": name,
            "applicant_folded": fold(f"{name} {cid}")[:150],
            "citizen_id": cid,
            "phone": tel,
            "address": where,
            "documents": docs,
            "agency_reference": number,
            "at_address": at_address,
            # The agency's fee is paid at the agency for a dossier lodged there.
            "agency_fee": 0 if lodged else found.agency_fee,
            "charge": found.charge_for(mode),
            "return_by": return_by if returns else "",
            "commune_id": area.pk if area else None,
            "due_date": _promised(found, day, known),
        },
        fingerprint={
            "procedure": found.code,
            "mode": mode,
            "citizen_id": cid,
            "name": name,
            "documents": given if row.documents is not None or not lodged else [],
            "return_by": return_by,
            "commune": area.pk if area else None,
            "agency_reference": number,
            "at_address": at_address,
        },
        note=note,
    )


class _Accounts:
    """The ledger accounts of intake: those of a list's dossiers (``checked``) at ``points``
    in one query, no account made that none of them posts to."""

    def __init__(
        self, province: str, points: Iterable[ServicePoint], checked: Iterable[_Checked]
    ) -> None:
        self.province = province
        checked = list(checked)
        owed = {
            f"{ledger.PARTNER_PREFIX}{agency_partner(c.procedure.agency)}": c.procedure.agency
            for c in checked
            if c.fee
        }
        wanted: dict[str, Callable[[], Account]] = {
            code: partial(ledger.account_for_partner, province, agency_partner(agency))
            for code, agency in owed.items()
        }
        revenue = f"{ledger.REVENUE_PREFIX}{Service.DOSSIER}"
        if any(c.charge for c in checked):
            wanted[revenue] = partial(ledger.account_for_revenue, province, Service.DOSSIER)
        self.drawers, found = drawers_of(province, list(points), wanted)
        self.owed = {agency.pk: found[code] for code, agency in owed.items()}
        self.revenue = found.get(revenue)

    def legs(self, point: ServicePoint, checked: _Checked) -> list[ledger.Leg]:
        """The agency's fee owed to it and the post's charge, both taken in the drawer."""
        if point.pk not in self.drawers:
            self.drawers[point.pk] = ledger.account_for_drawer(point)
        drawer = self.drawers[point.pk]
        legs = []
        if checked.fee:
            agency = checked.procedure.agency
            if agency.pk not in self.owed:
                partner = agency_partner(agency)
                self.owed[agency.pk] = ledger.account_for_partner(self.province, partner)
            legs.append(ledger.Leg(drawer, self.owed[agency.pk], checked.fee, Service.DOSSIER))
        if checked.charge:
            if self.revenue is None:
                self.revenue = ledger.account_for_revenue(self.province, Service.DOSSIER)
            legs.append(ledger.Leg(drawer, self.revenue, checked.charge, Service.DOSSIER))
        return legs


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
    row = Intake(
        actor=actor,
        point=point,
        key=idempotency_key,
        procedure=procedure,
        mode=mode,
        applicant_name=applicant_name,
        citizen_id=citizen_id,
        documents=documents,
        phone=phone,
        address=address,
        return_by=return_by,
        commune=commune,
        agency_reference=agency_reference,
        at_address=at_address,
    )
    checked = _intake_checked(row, desk.day)

    def work(op: Op) -> Dossier:
        legs = _Accounts(desk.province, [point], [checked]).legs(point, checked)
        entry = op.post(kind=EntryKind.DOSSIER_FEE, legs=legs) if legs else None
        dossier = Dossier.objects.create(**op.record(entry), **checked.fields)
        _step(
            dossier, StepKind.RECEIVED, at=desk.moment, actor=actor, point=point, note=checked.note
        ).save()
        rollup_received([dossier])
        return dossier

    return desk.once(
        Dossier,
        operation="receive",
        key=idempotency_key,
        prefix=PREFIX,
        fingerprint=checked.fingerprint,
        work=work,
    )


# --- the bulk path: many operations at once --------------------------------------------------
#
# Each ``*_many`` function records a list as its one-by-one service records each operation
# (the same checks, rows, numbers, steps, rollup, ledger entries and audit lines), in a few
# statements (``counter.many``: the rows by ``core.bulk``, the numbers of every point at once,
# the money through ``ledger.entries_post``), the rollup in one upsert. A list is one
# province's and one business day's; each row names who did it (a list may hold several
# clerks' operations, at their points). All or nothing: a problem anywhere refuses the whole
# list, naming its row (``rows.<i>.<field>``).


def _one_day(rows: Sequence[Any]) -> str:
    """The province of a list (one province's, of one business day: ``many.list_checked``)."""
    province = str(rows[0].point.province_code)
    many.list_checked(rows, province, moment_of(rows[0].at)[1])
    return province


@transaction.atomic
def dossiers_receive_many(*, rows: Sequence[Intake]) -> list[str]:
    """Receive the dossiers of ``rows`` (each by its actor at its point and moment), each
    as ``dossier_receive`` records it, in a few statements (see above). A row whose key was
    used for the same request is the dossier received already; for another request, the
    list is refused. The dossiers' codes, in the order of ``rows``."""
    if not rows:
        return []
    province = _one_day(rows)
    desks: dict[tuple[Any, int, dt.date, bool], Desk] = {}
    known: dict[Any, Any] = {}
    planned: list[tuple[Intake, _Checked, many.Planned]] = []
    for index, row in enumerate(rows):
        try:
            moment, day = moment_of(row.at)
            where = (getattr(row.actor, "pk", None), row.point.pk, day, row.at_address)
            if where not in desks:
                roles = PICKUP_ROLES if row.at_address else DOSSIER_ROLES
                desks[where] = _desk(row.actor, row.point, moment, roles=roles)
            desk = replace(desks[where], moment=moment)
            checked = _intake_checked(row, day, known)
            key = desk.key("receive", row.key)
        except DomainError as exc:
            raise many.refused(index, exc) from None
        digest = fingerprint_of(checked.fingerprint)
        plan = many.Planned(index, desk, key, digest, [], checked.fields)
        planned.append((row, checked, plan))
    todo, codes = many.operations_done(Dossier, province, [plan for *_, plan in planned])
    if todo:
        asked = {plan.key: checked for _row, checked, plan in planned}
        accounts = _Accounts(
            province, {plan.desk.point for plan in todo}, [asked[plan.key] for plan in todo]
        )
        for plan in todo:
            plan.legs = accounts.legs(plan.desk.point, asked[plan.key])
        many.operations_write(
            Dossier,
            todo,
            province=province,
            kind=EntryKind.DOSSIER_FEE,
            operation="receive",
            prefix=PREFIX,
        )
        _received(province, todo, {plan.key: c.note for _r, c, plan in planned})
    codes.update((plan.key, plan.reference) for plan in todo)
    return [codes[plan.key] for *_, plan in planned]


def _received(province: str, todo: Sequence[many.Planned], notes: dict[str, str]) -> None:
    """The step and the rollup of dossiers just received (``many.operations_write``)."""
    insert_rows(
        DossierStep,
        (
            {
                "province_code": province,
                "dossier_id": plan.pk,
                "kind": StepKind.RECEIVED,
                "at": plan.desk.moment,
                "point_id": plan.desk.point.pk,
                "actor_id": actor_id(plan.desk.actor),
                "note": notes[plan.key][:300],
            }
            for plan in todo
        ),
    )
    rollup_received_values(
        (
            province,
            plan.business_date or plan.desk.day,
            plan.desk.point.pk,
            plan.fields["agency_id"],
            plan.fields["procedure_id"],
            plan.fields["agency_fee"],
            plan.fields["charge"],
        )
        for plan in todo
    )


def _codes_wanted(codes: Sequence[str]) -> list[str]:
    """The codes of a hand-over as given: trimmed, upper case, each once, 1 to
    ``MAX_HANDOVER``."""
    wanted = [str(code or "").strip().upper()[:40] for code in codes]
    wanted = [code for code in dict.fromkeys(wanted) if code]
    if not wanted or len(wanted) > MAX_HANDOVER:
        raise DomainError(
            _("A hand-over holds 1 to %(max)s dossiers.") % {"max": MAX_HANDOVER},
            field="dossiers",
        )
    return wanted


# What the hand-overs, results and returns read of a dossier (the rest is read if needed).
_READ = (
    "province_code", "reference", "point", "agency", "procedure", "mode", "status", "handover",
    "due_date", "return_by", "commune", "citizen_id", "applicant_name", "agency_reference",
    "late_reason", "result_item", "returned_at",
)  # fmt: skip


def _dossiers_locked(province: str, codes: Iterable[str]) -> dict[str, Dossier]:
    """The dossiers of ``codes`` (their references) that exist, locked, by reference."""
    wanted = list(dict.fromkeys(codes))
    found: dict[str, Dossier] = {}
    for chunk in many.chunks(wanted):
        rows = (
            Dossier.objects.select_for_update()
            .filter(province_code=province, reference__in=chunk)
            .only(*_READ)
        )
        found.update((row.reference, row) for row in rows)
    return found


def _dossiers_by_code(
    province: str, wanted: Sequence[str], known: dict[str, Dossier], agency: Agency | None = None
) -> dict[str, Dossier]:
    """The dossiers of the codes ``wanted`` (``_codes_wanted``) among those ``known``
    (``_dossiers_locked``); with ``agency``, a code may also be the number on that agency's
    receipt of a dossier lodged there (as its result comes back)."""
    found = {code: known[code] for code in wanted if code in known}
    if agency is not None and len(found) < len(wanted):
        lodged = Dossier.objects.select_for_update().filter(
            province_code=province,
            agency=agency,
            mode=Mode.RETURN,
            agency_reference__in=[code for code in wanted if code not in found],
        )
        for row in lodged:
            # One object per dossier in a list: a change to it is seen by the next batch.
            found[row.agency_reference.upper()] = known.setdefault(row.reference, row)
    missing = [code for code in wanted if code not in found]
    if missing:
        raise NotFound(
            _("No such dossier: %(codes)s.") % {"codes": ", ".join(missing)}, field="dossiers"
        )
    return {code: found[code] for code in wanted}


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


@dataclass(frozen=True)
class Batch:
    """Dossiers handed to an agency by ``actor`` at ``point`` in one record
    (``handovers_send_many``; signed by the agency's ``receiver_name`` at ``signed_at`` when
    given), or the results it hands back there (``results_receive_many``; ``late_reason``
    for those late)."""

    actor: Any
    point: ServicePoint
    agency: Agency | str
    dossiers: Sequence[str]
    at: dt.datetime | None = None
    receiver_name: str = ""
    signed_at: dt.datetime | None = None
    late_reason: str = ""


def _column(name: str) -> models.Field[Any, Any]:
    found = Dossier._meta.get_field(name)
    assert isinstance(found, models.Field)
    return found


def _update(names: Sequence[str], rows: Sequence[tuple[int, Sequence[Any]]]) -> None:
    """Set the columns ``names`` (attribute names) of each dossier (its id, its values): one
    prepared UPDATE, run for every row."""
    if not rows:
        return
    fields_ = [_column(name) for name in names]
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(str(f.column))} = %s" for f in fields_)
    sql = f"UPDATE {quote(Dossier._meta.db_table)} SET {sets} WHERE id = %s"
    params = [
        [f.get_db_prep_save(value, connection) for f, value in zip(fields_, values, strict=True)]
        + [pk]
        for pk, values in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


class _Work:
    """A list of one province's hand-overs, results or returns: the desks and agencies
    looked up once, and what the list writes, gathered and then written in a few
    statements. ``listed``: a refusal names its row."""

    def __init__(self, province: str, *, listed: bool) -> None:
        self.province, self.listed = province, listed
        self.desks: dict[tuple[Any, int, dt.date], Desk] = {}
        self.agencies: dict[Any, Agency] = {}
        self.steps: list[dict[str, Any]] = []

    def refused(self, index: int, exc: DomainError) -> DomainError:
        return many.refused(index, exc) if self.listed else exc

    def batches[T](
        self,
        batches: Sequence[Batch],
        check: Callable[[Batch, Desk, Agency, dict[str, Dossier]], T],
        *,
        moved: Callable[[Dossier], None],
        lodged: bool = False,
    ) -> list[tuple[Desk, Agency, dict[str, Dossier], T]]:
        """Each batch's desk, agency and dossiers (locked, all of the list in one read; with
        ``lodged``, also by the number of the agency's receipt) and what ``check`` finds of
        them; a refusal names the batch. ``moved`` marks a batch's dossiers once checked, so
        that a later batch of the list cannot take them again."""
        wanted: list[list[str]] = []
        for index, batch in enumerate(batches):
            try:
                wanted.append(_codes_wanted(batch.dossiers))
            except DomainError as exc:
                raise self.refused(index, exc) from None
        known = _dossiers_locked(self.province, [code for codes in wanted for code in codes])
        found = []
        for index, (batch, codes) in enumerate(zip(batches, wanted, strict=True)):
            try:
                desk = self.desk(batch.actor, batch.point, batch.at)
                agency = self.agency(batch.agency)
                rows = _dossiers_by_code(self.province, codes, known, agency if lodged else None)
                checked = check(batch, desk, agency, rows)
            except DomainError as exc:
                raise self.refused(index, exc) from None
            for row in rows.values():
                moved(row)
            found.append((desk, agency, rows, checked))
        return found

    def desk(self, actor: Any, point: ServicePoint, at: dt.datetime | None) -> Desk:
        moment, day = moment_of(at)
        key = (getattr(actor, "pk", None), point.pk, day)
        if key not in self.desks:
            self.desks[key] = _desk(actor, point, moment)
        return replace(self.desks[key], moment=moment)

    def agency(self, value: Agency | str) -> Agency:
        key = value.pk if isinstance(value, Agency) else value
        if key not in self.agencies:
            self.agencies[key] = agency_for(self.province, value)
        return self.agencies[key]

    def step(
        self,
        row: Dossier,
        kind: str,
        desk: Desk,
        *,
        at: dt.datetime | None = None,
        point: ServicePoint | None = None,
        note: str = "",
    ) -> None:
        """A step of ``row`` by the desk's actor, at the desk's moment (or ``at``)."""
        self.steps.append(
            {
                "province_code": self.province,
                "dossier_id": row.pk,
                "kind": kind,
                "at": at or desk.moment,
                "point_id": point.pk if point else None,
                "actor_id": actor_id(desk.actor),
                "note": note[:300],
            }
        )

    def handovers(
        self, direction: str, made: Sequence[tuple[Desk, Agency, int, str, dt.datetime | None]]
    ) -> list[int]:
        """The records of ``made`` (desk, agency, dossiers, receiver, signed at), numbered at
        each point in order, written at once and to the audit log. Their ids, in order."""
        points = {desk.point.pk: desk.point for desk, *_rest in made}
        counts = Counter(desk.point.pk for desk, *_rest in made)
        names = {pk: f"{APP}:{HANDOVER_PREFIX}:{point.code}" for pk, point in points.items()}
        taken = sequence_next_many({names[pk]: counts[pk] for pk in points})
        first = {pk: taken[names[pk]] - counts[pk] + 1 for pk in points}
        numbers: list[str] = []
        records: list[dict[str, Any]] = []
        for desk, agency, count, receiver, signed in made:
            serial = first[desk.point.pk]
            first[desk.point.pk] += 1
            number = f"{HANDOVER_PREFIX}{desk.point.code}{serial:06d}"
            numbers.append(number)
            records.append(
                {
                    "province_code": self.province,
                    "number": number,
                    "direction": direction,
                    "agency_id": agency.pk,
                    "point_id": desk.point.pk,
                    "created_at": desk.moment,
                    "created_by_id": actor_id(desk.actor),
                    "count": count,
                    "receiver_name": receiver,
                    "confirmed_at": signed,
                }
            )
        insert_rows(Handover, records)
        ids: dict[str, int] = {}
        for chunk in many.chunks(numbers):
            ids.update(
                Handover.objects.filter(province_code=self.province, number__in=chunk).values_list(
                    "number", "id"
                )
            )
        action = "handover" if direction == Direction.TO_AGENCY else "results"
        audit_insert(
            action=f"{APP}.{action}",
            model=Handover,
            objects=(
                (desk.actor, ids[r["number"]], r["number"], {"count": r["count"]})
                for r, (desk, *_rest) in zip(records, made, strict=True)
            ),
        )
        return [ids[number] for number in numbers]

    def write_steps(self) -> None:
        insert_rows(DossierStep, self.steps)
        self.steps = []


def _send_checked(rows: dict[str, Dossier], agency: Agency, point: ServicePoint) -> None:
    """Refused, naming the dossiers: one of another agency or point, one handed over
    already."""
    problems = []
    for code, row in rows.items():
        if row.agency_id != agency.pk:
            problems.append(
                _("%(code)s goes to %(agency)s.") % {"code": code, "agency": row.agency}
            )
        elif row.point_id != point.pk:
            problems.append(_("%(code)s was received at another point.") % {"code": code})
        elif row.handover_id is not None or row.status != Status.RECEIVED:
            problems.append(_("%(code)s was handed over already.") % {"code": code})
    if problems:
        raise DomainError(" ".join(problems), field="dossiers")


def _receiver(name: str) -> str:
    return fields.text(name, field="receiver_name", label=_("The receiver's name"))


def _send(batches: Sequence[Batch], *, listed: bool) -> list[int]:
    """Hand the dossiers of each batch to its agency (see ``handover_send``), each signed by
    the agency's receiver when the batch names one. The records' ids."""
    work = _Work(_one_day(batches), listed=listed)

    def check(
        batch: Batch, _desk: Desk, agency: Agency, rows: dict[str, Dossier]
    ) -> tuple[str, dt.datetime | None]:
        _send_checked(rows, agency, batch.point)
        if not batch.receiver_name:
            return "", None
        signed = work.desk(batch.actor, batch.point, batch.signed_at or batch.at).moment
        return _receiver(batch.receiver_name), signed

    def handed(row: Dossier) -> None:
        row.status = Status.HANDED_OVER if row.mode in Mode.returns() else Status.CLOSED

    checked = work.batches(batches, check, moved=handed)
    ids = work.handovers(
        Direction.TO_AGENCY,
        [(desk, agency, len(rows), *signing) for desk, agency, rows, signing in checked],
    )
    updates = []
    for pk, (desk, _agency, rows, (name, signed_at)) in zip(ids, checked, strict=True):
        for row in rows.values():
            row.handover_id = pk
            updates.append((row.pk, [pk, row.status]))
            work.step(row, StepKind.HANDED_OVER, desk, point=desk.point)
        if signed_at is not None:
            for row in rows.values():
                work.step(row, StepKind.CONFIRMED, desk, at=signed_at, note=name)
    _update(["handover_id", "status"], updates)
    work.write_steps()
    return ids


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
    (pk,) = _send([Batch(actor, point, agency, dossiers, at)], listed=False)
    return Handover.objects.get(pk=pk)


@transaction.atomic
def handovers_send_many(*, batches: Sequence[Batch]) -> list[int]:
    """The hand-overs of ``batches`` (each as ``handover_send`` records it, and as
    ``handover_confirm`` records its signature when the batch names the receiver), in a few
    statements (see above). The records' ids, in order."""
    if not batches:
        return []
    return _send(batches, listed=True)


@transaction.atomic
def handover_confirm(
    *, actor: Any, handover: Handover, receiver_name: str, at: dt.datetime | None = None
) -> Handover:
    """The agency's receiver signed the record of ``handover``: recorded once."""
    desk = _desk(actor, handover.point, at)
    name = _receiver(receiver_name)
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


def _results_checked(
    desk: Desk, rows: dict[str, Dossier], agency: Agency, reason: str
) -> list[str]:
    """The codes of ``rows`` late against their promised date; refused, naming the
    dossiers: one of another agency, one whose result the agency returns itself, one not
    with the agency; and late ones without the agency's ``reason``."""
    problems = []
    for code, row in rows.items():
        if row.agency_id != agency.pk:
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
    return late


def _results(batches: Sequence[Batch], *, listed: bool) -> list[int]:
    """The results each batch's agency hands back (see ``results_receive``). The records'
    ids."""
    work = _Work(_one_day(batches), listed=listed)

    def check(
        batch: Batch, desk: Desk, agency: Agency, rows: dict[str, Dossier]
    ) -> tuple[set[str], str, str]:
        reason = fields.text(
            batch.late_reason, field="late_reason", label=_("The reason"), required=False, limit=300
        )
        late = _results_checked(desk, rows, agency, reason)
        return set(late), reason, _receiver(batch.receiver_name) if batch.receiver_name else ""

    def back(row: Dossier) -> None:
        row.status = Status.RESULT_BACK

    checked = work.batches(batches, check, moved=back, lodged=True)
    ids = work.handovers(
        Direction.FROM_AGENCY,
        [
            (desk, agency, len(rows), name, desk.moment if name else None)
            for desk, agency, rows, (_late, _reason, name) in checked
        ],
    )
    updates = []
    for pk, (desk, agency, rows, (late_codes, reason, _name)) in zip(ids, checked, strict=True):
        for code, row in rows.items():
            row.result_handover_id = pk
            row.result_at = desk.moment
            if code in late_codes:
                row.late_reason = reason
                work.step(row, StepKind.LATE, desk, note=reason)
            work.step(row, StepKind.RESULT_BACK, desk, point=desk.point)
            if row.return_by == ReturnBy.ADDRESS and row.commune_id is not None:
                item = _result_post(desk, agency, row)
                row.result_item = item
                row.status = Status.POSTED
                work.step(row, StepKind.POSTED, desk, point=desk.point, note=item.s10)
            updates.append(
                (
                    row.pk,
                    [pk, row.result_at, row.status, row.late_reason, row.result_item_id],
                )
            )
    _update(["result_handover_id", "result_at", "status", "late_reason", "result_item_id"], updates)
    work.write_steps()
    return ids


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
    batch = Batch(
        actor, point, agency, dossiers, at, receiver_name=receiver_name, late_reason=late_reason
    )
    (pk,) = _results([batch], listed=False)
    return Handover.objects.get(pk=pk)


@transaction.atomic
def results_receive_many(*, batches: Sequence[Batch]) -> list[int]:
    """The results of ``batches``, each as ``results_receive`` records it, in a few
    statements (see above). The records' ids, in order."""
    if not batches:
        return []
    return _results(batches, listed=True)


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


@dataclass(frozen=True)
class Handback:
    """A result returned by ``actor`` at ``point``'s counter to the applicant, who shows the
    citizen ID ``presented_id`` (a row of ``dossiers_return_many``)."""

    actor: Any
    point: ServicePoint
    dossier: str
    presented_id: str
    receiver_name: str = ""
    at: dt.datetime | None = None


def _return_checked(row: Dossier | None, presented_id: str, receiver_name: str) -> str:
    """The receiver of the result of ``row``, or its refusal: no such dossier, returned or
    posted already, not back at the post, another citizen ID."""
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
    return fields.text(
        receiver_name or row.applicant_name, field="receiver_name", label=_("The receiver")
    )


RETURNED_COLUMNS = ("status", "returned_at", "returned_point_id", "returned_by_id", "receiver_name")


def _return(rows: Sequence[Handback], *, listed: bool) -> list[Dossier]:
    """Return the result of each row's dossier (see ``dossier_return``)."""
    province = _one_day(rows)
    work = _Work(province, listed=listed)
    known = _dossiers_locked(province, [row.dossier.strip().upper()[:24] for row in rows])
    returned = []
    for index, row in enumerate(rows):
        try:
            desk = work.desk(row.actor, row.point, row.at)
            found = known.get(row.dossier.strip().upper()[:24])
            receiver = _return_checked(found, row.presented_id, row.receiver_name)
        except DomainError as exc:
            raise work.refused(index, exc) from None
        assert found is not None
        found.status = Status.RETURNED
        found.returned_at = desk.moment
        found.returned_point = row.point
        found.returned_by_id = actor_id(row.actor)
        found.receiver_name = receiver
        work.step(found, StepKind.RETURNED, desk, point=row.point)
        returned.append((row.actor, found))
    dossiers = [found for _actor, found in returned]
    _update(
        RETURNED_COLUMNS,
        [(d.pk, [getattr(d, name) for name in RETURNED_COLUMNS]) for d in dossiers],
    )
    work.write_steps()
    rollup_returned(dossiers)
    audit_insert(
        action=f"{APP}.return",
        model=Dossier,
        objects=((actor, d.pk, d.reference, None) for actor, d in returned),
    )
    return dossiers


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
    code = dossier.reference if isinstance(dossier, Dossier) else str(dossier or "")
    back = Handback(actor, point, code, presented_id, receiver_name, at)
    (row,) = _return([back], listed=False)
    return row


@transaction.atomic
def dossiers_return_many(*, rows: Sequence[Handback]) -> int:
    """Return the results of ``rows``, each as ``dossier_return`` records it, in a few
    statements (see above). The results returned."""
    if not rows:
        return 0
    return len(_return(rows, listed=True))
