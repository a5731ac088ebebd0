"""Acceptance of a list of items (bảng kê): a business customer (an e-commerce shop, an agency)
hands the counter one list of items from one sender, for one service.

``items_accept_batch`` applies the rules of ``services.item_accept`` to every row (the same
checks, ``pricing.quote`` for the price), but judges the whole list before it writes anything:
when any row is wrong the list is refused with every problem, row by row
(``buudien.core.imports.ImportFailed``), and nothing changes. A list that passes is written
in bulk, in one transaction:

- the S10 identifiers of the whole list, from the office's counter in one step
  (``s10_take_block``: the numbering and guarantee of ``services.s10_take``);
- the items and their EMA events, each with one INSERT;
- ONE ledger entry for the list (key ``mail:batch:<key>``, kind ``fee``): the drawer of the
  point pays the revenue of the service (the prices net of VAT) and VAT payable (the VAT);
- one audit entry naming the list, its entry and its items (and, as for a single
  acceptance, one audit entry per KT1 item).

Rows are numbered from 1 in the order given, unless a row carries the number its source
gives it (``BatchRow.line``: the spreadsheet row of an import).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record
from buudien.core.bizdays import VIETNAM, local_now
from buudien.core.errors import DomainError
from buudien.core.imports import ImportFailed, RowError
from buudien.core.models import Sequence as Counter
from buudien.core.s10 import SERIAL_MAX, s10_make
from buudien.core.sequences import sequence_next
from buudien.finance import ledger
from buudien.finance.choices import EntryKind
from buudien.finance.models import Entry
from buudien.mail import pricing, selectors, services
from buudien.mail.choices import EventCode, ItemStatus, MailService
from buudien.mail.models import PostalItem, TrackingEvent
from buudien.network.models import AdminArea, ServicePoint

# The most items one list may hold.
MAX_ROWS = 2_000
# The source of the EMA events of items accepted from a list.
BATCH_SOURCE = "batch"
KEY_PREFIX = "mail:batch:"
KEY_MAX = 100  # the ledger's key holds 128 characters, the prefix included
REFERENCE_MAX = 100
# Foreign keys of an item the service sets from rows it holds: not checked again row by row.
_RELATED = [
    "s10",
    "tariff",
    "accepted_point",
    "accepted_by",
    "sender_commune",
    "recipient_commune",
    "delivery_point",
]


@dataclass(frozen=True, slots=True)
class BatchRow:
    """One item of a list. ``line`` is the number problems are reported on (0: the row's
    position in the list, from 1). The KT1 fields are for a KT1 operator's list only."""

    recipient_name: str
    recipient_phone: str
    recipient_address: str
    recipient_commune: AdminArea | None
    weight_g: int
    length_mm: int = 0
    width_mm: int = 0
    height_mm: int = 0
    declared_value: int = 0
    cod_amount: int = 0
    addons: Sequence[str] = ()
    kt1_grade: str = ""
    kt1_urgency: str = ""
    kt1_deadline: dt.datetime | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class BatchResult:
    """The items written (in the order of the list), what the customer paid in all (VAT
    included), the VAT in it, the key of the list and its ledger entry."""

    items: list[PostalItem]
    total: int
    vat: int
    key: str = ""
    reference: str = ""
    entry: Entry | None = None
    net_by_service: dict[str, int] = field(default_factory=dict)


# --- S10 identifiers, a block at a time -----------------------------------------------------


def s10_take_block(*, point: ServicePoint, prefix: str, count: int) -> list[str]:
    """The next ``count`` S10 identifiers of ``point`` for ``prefix``, in order: exactly the
    identifiers ``count`` calls of ``services.s10_take`` would give, in two to five
    statements whatever ``count`` is.

    The office's counter ``s10:<office>:<prefix>`` moves by ``count`` at once; each of its
    thousands begins a new block of the national pool ``s10:<prefix>:blocks`` (taken together,
    in one step), and the office's block in use ``s10:<office>:<prefix>:block`` ends on the last
    of them. As with ``s10_take``, the office's row stays locked until the transaction ends and
    a rolled-back list gives its numbers back.
    """
    if count < 1:
        raise ValueError("count must be 1 or more")
    block_size = services.S10_BLOCK
    office = services.s10_sequence(point, prefix)
    block_name = f"{office}:block"
    last = sequence_next(office, count)
    first = last - count + 1
    # The office's items first..last; item c lies in the office's block (c - 1) // size.
    first_chunk, last_chunk = (first - 1) // block_size, (last - 1) // block_size
    starts_new = (first - 1) % block_size == 0
    new_blocks = last_chunk - first_chunk + (1 if starts_new else 0)
    blocks: dict[int, int] = {}  # office chunk -> national block
    if not starts_new:
        blocks[first_chunk] = Counter.objects.values_list("value", flat=True).get(name=block_name)
    if new_blocks:
        top = sequence_next(f"s10:{prefix}:blocks", new_blocks)
        chunks = range(last_chunk - new_blocks + 1, last_chunk + 1)
        for chunk, block in zip(chunks, range(top - new_blocks + 1, top + 1), strict=True):
            blocks[chunk] = block
        Counter.objects.update_or_create(name=block_name, defaults={"value": top})
    numbers: list[str] = []
    for c in range(first, last + 1):
        serial = (blocks[(c - 1) // block_size] - 1) * block_size + (c - 1) % block_size + 1
        if serial > SERIAL_MAX:
            raise DomainError(
                _("The S10 serial numbers of %(prefix)s are used up.") % {"prefix": prefix}
            )
        numbers.append(s10_make(prefix, serial, services.COUNTRY))
    return numbers


# --- judging the list --------------------------------------------------------------------------


def _moment(day: dt.date | None, at: dt.datetime | None) -> dt.datetime:
    """The time of acceptance: ``at`` (naive means Vietnam's time), else now, or this time
    of day on ``day`` when only the day is given."""
    if at is not None:
        when = timezone.make_aware(at, VIETNAM) if timezone.is_naive(at) else at
        if day is not None and when.astimezone(VIETNAM).date() != day:
            raise DomainError(
                _("The time of acceptance %(time)s is not on the business day %(day)s.")
                % {
                    "time": when.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M"),
                    "day": day.strftime("%d/%m/%Y"),
                },
                field="at",
            )
        return when
    now = local_now()
    if day is None or day == now.date():
        return now
    return dt.datetime.combine(day, now.time().replace(microsecond=0), tzinfo=VIETNAM)


def _errors_of(exc: DomainError, line: int, columns: dict[str, str]) -> list[RowError]:
    """A refusal of one row as row errors: every field a form-like check names, else the
    one field of the refusal."""
    found = exc.errors if isinstance(exc.errors, dict) else {}
    if found:
        return [
            RowError(line, columns.get(name, name), str(problems[0] if problems else exc.message))
            for name, problems in found.items()
        ]
    return [RowError(line, columns.get(exc.field or "", exc.field or ""), str(exc.message))]


def _clean(item: PostalItem) -> None:
    """Lengths and choices of the row, as ``services`` checks them; the foreign keys are
    rows the service holds already."""
    try:
        item.full_clean(exclude=_RELATED, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors = {name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
        name, problems = next(iter(errors.items()))
        raise DomainError(problems[0], field=name, errors=errors) from exc


@dataclass(slots=True)
class _Prices:
    """What one list looks up once however many rows ask: quotes of identical rows, the 2025
    commune and the delivery office of each commune."""

    day: dt.date
    quotes: dict[tuple[Any, ...], pricing.Quote] = field(default_factory=dict)
    communes: dict[int, AdminArea] = field(default_factory=dict)
    offices: dict[int, ServicePoint | None] = field(default_factory=dict)

    def commune(self, area: AdminArea) -> AdminArea:
        found = self.communes.get(area.pk)
        if found is None:
            found = self.communes[area.pk] = pricing.commune_2025(area)
        return found

    def office(self, commune: AdminArea) -> ServicePoint | None:
        if commune.pk not in self.offices:
            self.offices[commune.pk] = selectors.delivery_point_for(commune, self.day)
        return self.offices[commune.pk]

    def quote(
        self,
        *,
        service: str,
        point: ServicePoint,
        commune: AdminArea,
        row: BatchRow,
        chosen: list[str],
    ) -> pricing.Quote:
        dims = pricing.Dims(row.length_mm, row.width_mm, row.height_mm)
        key = (commune.pk, row.weight_g, dims, row.declared_value, tuple(chosen))
        found = self.quotes.get(key)
        if found is None:
            found = self.quotes[key] = pricing.quote(
                service=service,
                sender_province=point.province_code,
                recipient_commune=commune,
                weight_g=row.weight_g,
                dims=dims,
                declared_value=row.declared_value,
                addons=chosen,
                day=self.day,
            )
        return found


def _item(
    *,
    actor: Any,
    point: ServicePoint,
    service: str,
    sender: tuple[str, str, str],
    row: BatchRow,
    at: dt.datetime,
    prices: _Prices,
    tariff: Any,
) -> PostalItem:
    """The unsaved item of one row, judged by the rules of ``services.item_accept``."""
    deadline = services._aware(row.kt1_deadline) if row.kt1_deadline is not None else None
    grade, urgency = (row.kt1_grade or "").strip().upper(), (row.kt1_urgency or "").strip()
    services._check_kt1(service=service, grade=grade, urgency=urgency, deadline=deadline, at=at)
    services._check_amounts(
        service=service,
        weight_g=row.weight_g,
        declared_value=row.declared_value,
        cod_amount=row.cod_amount,
    )
    recipient = services._text(
        row.recipient_name, field="recipient_name", label=_("The recipient"), required=True
    )
    address = services._text(
        row.recipient_address,
        field="recipient_address",
        label=_("The recipient's address"),
        required=True,
    )
    phone = services._text(
        row.recipient_phone, field="recipient_phone", label=_("The recipient's phone")
    )
    if row.recipient_commune is None:
        raise DomainError(_("Choose the recipient's commune."), field="recipient_commune")
    commune = prices.commune(row.recipient_commune)
    chosen = pricing.addons_for_item(tariff, row.addons, cod_amount=row.cod_amount)
    quote = prices.quote(service=service, point=point, commune=commune, row=row, chosen=chosen)
    item = PostalItem(
        province_code=point.province_code,
        service=service,
        status=ItemStatus.ACCEPTED,
        accepted_point=point,
        accepted_by=actor if getattr(actor, "is_authenticated", False) else None,
        accepted_at=at,
        accepted_on=prices.day,
        sender_name=sender[0],
        sender_phone=sender[1],
        sender_address=sender[2],
        recipient_name=recipient,
        recipient_phone=phone,
        recipient_address=address,
        recipient_commune=commune,
        recipient_province_code=commune.province_code,
        delivery_point=prices.office(commune),
        weight_g=row.weight_g,
        length_mm=row.length_mm,
        width_mm=row.width_mm,
        height_mm=row.height_mm,
        charged_weight_g=quote.charged_weight_g,
        declared_value=row.declared_value,
        cod_amount=row.cod_amount,
        addons=[
            {"code": line.code, "name": line.name, "amount": line.amount}
            for line in quote.addon_lines
        ],
        tariff=quote.tariff,
        zone=quote.zone,
        remote=quote.remote,
        price_base=quote.base,
        price_surcharge=quote.surcharge,
        price_addons=quote.addons,
        price_vat=quote.vat,
        price_total=quote.total,
        kt1_grade=grade,
        kt1_urgency=urgency,
        kt1_deadline=deadline,
        last_event_code=EventCode.EMA,
        last_event_at=at,
    )
    _clean(item)
    return item


def _key(key: str) -> str:
    text = (key or "").strip()
    if not text:
        return ""
    if len(text) > KEY_MAX or "\x00" in text:
        raise DomainError(
            _("The key of a list has 1 to %(max)d characters.") % {"max": KEY_MAX}, field="key"
        )
    return text


def _reference(reference: str) -> str:
    return services._text(reference, field="reference", label=_("The reference of the list"))


@transaction.atomic
def items_accept_batch(
    *,
    actor: Any,
    point: ServicePoint,
    service: str,
    sender_name: str,
    sender_phone: str = "",
    sender_address: str = "",
    rows: Sequence[BatchRow],
    day: dt.date | None = None,
    at: dt.datetime | None = None,
    reference: str = "",
    key: str = "",
    columns: dict[str, str] | None = None,
) -> BatchResult:
    """Accept a list of items from one sender at ``point``'s counter, for one service, all or
    nothing.

    ``at`` is the time of acceptance (now by default; with only ``day``, this time of day on
    that day); ``reference`` is the customer's own number of the list (the ledger entry's
    reference; the key of the list when blank). ``key`` names the list for the ledger (the
    first item's S10 id by default): a list accepted under a key already used is refused.
    ``columns`` renames the fields in the row errors (``{"recipient_commune":
    "recipient_commune_code"}`` for an import).

    Refused, changing nothing: the actor may not accept the service at the point
    (``AccessDenied``), the point does not serve that day, no tariff for the service on the
    day, an empty list or one above ``MAX_ROWS``, a missing sender (``DomainError``); any row
    that ``item_accept`` would refuse (``ImportFailed``, every row's problems).
    """
    names = columns or {}
    if service not in MailService.values:
        raise DomainError(
            _("Unknown service “%(service)s”.") % {"service": service}, field="service"
        )
    services._check_actor(actor, point, service)
    accepted_at = _moment(day, at)
    business_day = accepted_at.astimezone(VIETNAM).date()
    services._check_point(point, business_day)
    if not rows:
        raise DomainError(_("The list has no items."), field="rows")
    if len(rows) > MAX_ROWS:
        raise DomainError(
            _("A list holds at most %(max)s items; this one has %(count)s.")
            % {"max": f"{MAX_ROWS:,}", "count": f"{len(rows):,}"},
            field="rows",
        )
    sender = (
        services._text(sender_name, field="sender_name", label=_("The sender"), required=True),
        services._text(sender_phone, field="sender_phone", label=_("The sender's phone")),
        services._text(sender_address, field="sender_address", label=_("The sender's address")),
    )
    list_reference = _reference(reference)
    if len(list_reference) > REFERENCE_MAX:
        raise DomainError(
            _("The reference is longer than %(max)d characters.") % {"max": REFERENCE_MAX},
            field="reference",
        )
    chosen_key = _key(key)
    tariff = pricing.tariff_in_force(service, business_day)

    prices = _Prices(business_day)
    items: list[PostalItem] = []
    errors: list[RowError] = []
    for position, row in enumerate(rows, start=1):
        line = row.line or position
        try:
            items.append(
                _item(
                    actor=actor,
                    point=point,
                    service=service,
                    sender=sender,
                    row=row,
                    at=accepted_at,
                    prices=prices,
                    tariff=tariff,
                )
            )
        except DomainError as exc:
            errors.extend(_errors_of(exc, line, names))
    if errors:
        raise ImportFailed(errors)
    if chosen_key and _key_used(point.province_code, chosen_key):
        raise DomainError(
            _("The list %(key)s was accepted already.") % {"key": chosen_key}, field="key"
        )

    # The serials last: the office's counter stays locked until the transaction ends.
    numbers = s10_take_block(point=point, prefix=services.S10_PREFIXES[service], count=len(items))
    for item, number in zip(items, numbers, strict=True):
        item.s10 = number
    PostalItem.objects.bulk_create(items)
    user = items[0].accepted_by
    TrackingEvent.objects.bulk_create(
        TrackingEvent(
            province_code=item.province_code,
            item=item,
            code=EventCode.EMA,
            occurred_at=accepted_at,
            point=point,
            office_code=point.code,
            actor=user,
            source=BATCH_SOURCE,
        )
        for item in items
    )

    list_key = chosen_key or numbers[0]
    net = sum(item.price_total - item.price_vat for item in items)
    vat = sum(item.price_vat for item in items)
    total = net + vat
    entry = _post(
        actor=actor,
        point=point,
        service=service,
        key=list_key,
        reference=list_reference or list_key,
        net=net,
        vat=vat,
        day=business_day,
        memo=_memo(numbers),
    )
    audit_record(
        actor=actor,
        action="item.accept_batch",
        object_type="mail.batch",
        object_id=list_key[:64],
        object_repr=(list_reference or list_key)[:200],
        after={
            "point": point.code,
            "service": service,
            "sender": sender[0],
            "reference": list_reference,
            "accepted_at": accepted_at.isoformat(),
            "count": len(items),
            "total": total,
            "vat": vat,
            "entry": entry.pk if entry is not None else None,
            "items": numbers,
        },
    )
    for item in items:
        if item.is_kt1:
            audit_record(
                actor=actor,
                action="item.accept",
                obj=item,
                after={
                    "s10": item.s10,
                    "service": service,
                    "kt1_grade": item.kt1_grade,
                    "kt1_urgency": item.kt1_urgency,
                    "kt1_deadline": item.kt1_deadline.isoformat() if item.kt1_deadline else None,
                    "point": point.code,
                    "accepted_at": accepted_at.isoformat(),
                    "batch": list_key,
                },
            )
    return BatchResult(
        items=items,
        total=total,
        vat=vat,
        key=list_key,
        reference=list_reference or list_key,
        entry=entry,
        net_by_service={service: net},
    )


def ledger_key(key: str) -> str:
    """The ledger's idempotency key of the list ``key``."""
    return f"{KEY_PREFIX}{key}"


def _key_used(province_code: str, key: str) -> bool:
    return Entry.objects.filter(
        province_code=province_code, idempotency_key=ledger_key(key)
    ).exists()


def _memo(numbers: list[str]) -> str:
    count = len(numbers)
    if count == 1:
        return _("List of 1 item: %(s10)s") % {"s10": numbers[0]}
    return _("List of %(count)d items: %(first)s … %(last)s") % {
        "count": count,
        "first": numbers[0],
        "last": numbers[-1],
    }


def _post(
    *,
    actor: Any,
    point: ServicePoint,
    service: str,
    key: str,
    reference: str,
    net: int,
    vat: int,
    day: dt.date,
    memo: str,
) -> Entry | None:
    """One entry for the list: the drawer pays the service's revenue and VAT payable."""
    drawer = ledger.account_for_drawer(point)
    legs: list[ledger.Leg] = []
    if net > 0:
        revenue = ledger.account_for_revenue(point.province_code, service)
        legs.append(ledger.Leg(drawer, revenue, net, service))
    if vat > 0:
        legs.append(
            ledger.Leg(drawer, ledger.account_vat_payable(point.province_code), vat, service)
        )
    if not legs:
        return None
    return ledger.entry_post(
        actor=actor,
        idempotency_key=ledger_key(key),
        kind=EntryKind.FEE,
        reference=reference[:REFERENCE_MAX],
        legs=legs,
        province_code=point.province_code,
        business_date=day,
        point=point,
        memo=memo,
        late=True,
    )
