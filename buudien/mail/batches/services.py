"""Acceptance of a list of items (bảng kê): a business customer (an e-commerce shop, an agency)
hands the counter one list of items from one sender, for one service.

``items_accept_batch`` applies the rules of ``acceptance.item_accept`` to every row (the same
checks, ``pricing.quote`` for the price), but judges the whole list before it writes anything:
when any row is wrong the list is refused with every problem, row by row
(``buudien.core.imports.ImportFailed``), and nothing changes. A list that passes is written
in bulk, in one transaction:

- the S10 identifiers of the whole list, from the office's counter in one step
  (``s10_take_block``: the numbering and guarantee of ``acceptance.s10_take``);
- the items and their EMA events, each with one INSERT;
- one ledger entry per item (kind ``fee``, key ``mail:fee:<item id>``, reference
  ``item:<s10>``: the entry of an item accepted alone), the drawer of the point paying the
  revenue of the service (the price net of VAT) and VAT payable (the VAT); so one item's fee
  can be reversed alone, and the year-end report counts one operation per item;
- the list's key claimed (a named counter ``mail:list:<province>:<key>``): a list sent
  again under a key used already is refused, also when the two race;
- one audit entry naming the list, its entry and its items (and, as for a single
  acceptance, one audit entry per KT1 item).

Rows are numbered from 1 in the order given, unless a row carries the number its source
gives it (``BatchRow.line``: the spreadsheet row of an import).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
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
from buudien.finance.models import Account, Entry
from buudien.mail import ledger as mail_ledger
from buudien.mail.acceptance import pricing
from buudien.mail.acceptance import services as acceptance
from buudien.mail.choices import EventCode, ItemStatus, MailService
from buudien.mail.models import PostalItem, RemoteCommune, Tariff
from buudien.mail.tracking import services as tracking
from buudien.network.choices import PointKind
from buudien.network.models import AdminArea, ServicePoint

# The most items one list may hold.
MAX_ROWS = 2_000
# The source of the EMA events of items accepted from a list.
BATCH_SOURCE = "batch"
KEY_PREFIX = "mail:list:"  # the counter that claims a list's key: + "<province>:<key>"
KEY_MAX = 100
REFERENCE_MAX = 100
_COUNTERS = Counter._meta.db_table
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
    position in the list, from 1). The KT1 fields are for a KT1 operator's list only. A row
    that names a sender of its own (the walk-in customers of a counter's day, handed over as
    one list) has that sender instead of the list's."""

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
    sender_name: str = ""
    sender_phone: str = ""
    sender_address: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class BatchResult:
    """The items written (in the order of the list), what the customer paid in all (VAT
    included), the VAT in it, the key of the list and its ledger entries (one per item
    with a price, in the order of the list)."""

    items: list[PostalItem]
    total: int
    vat: int
    key: str = ""
    reference: str = ""
    entries: list[Entry] = field(default_factory=list)


# --- S10 identifiers, a block at a time -----------------------------------------------------


def s10_take_block(*, point: ServicePoint, prefix: str, count: int) -> list[str]:
    """The next ``count`` S10 identifiers of ``point`` for ``prefix``, in order: exactly the
    identifiers ``count`` calls of ``acceptance.s10_take`` would give, in two to five
    statements whatever ``count`` is.

    The office's counter ``s10:<office>:<prefix>`` moves by ``count`` at once; each of its
    thousands begins a new block of the national pool ``s10:<prefix>:blocks`` (taken together,
    in one step), and the office's block in use ``s10:<office>:<prefix>:block`` ends on the last
    of them. As with ``s10_take``, the office's row stays locked until the transaction ends and
    a rolled-back list gives its numbers back.
    """
    if count < 1:
        raise ValueError("count must be 1 or more")
    block_size = acceptance.S10_BLOCK
    office = acceptance.s10_sequence(point, prefix)
    block_name = f"{office}:block"
    last = _counter_next(office, count)
    first = last - count + 1
    # The office's items first..last; item c lies in the office's block (c - 1) // size.
    first_chunk, last_chunk = (first - 1) // block_size, (last - 1) // block_size
    starts_new = (first - 1) % block_size == 0
    new_blocks = last_chunk - first_chunk + (1 if starts_new else 0)
    blocks: dict[int, int] = {}  # office chunk -> national block
    if not starts_new:
        blocks[first_chunk] = _counter_value(block_name)
    if new_blocks:
        top = _counter_next(f"s10:{prefix}:blocks", new_blocks)
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
        numbers.append(s10_make(prefix, serial, acceptance.COUNTRY))
    return numbers


def _counter_next(name: str, count: int) -> int:
    """``sequence_next(name, count)``: the last of ``count`` new values of the counter. One
    ``UPDATE ... RETURNING`` when the counter exists (the row lock serialises the takers, as
    in ``sequence_next``); ``sequence_next`` itself makes a counter that does not."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_COUNTERS} SET value = value + %s WHERE name = %s RETURNING value",
            [count, name],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else sequence_next(name, count)


def _counter_value(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {_COUNTERS} WHERE name = %s", [name])
        row = cursor.fetchone()
    if row is None:
        raise Counter.DoesNotExist(name)
    return int(row[0])


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
    found: dict[str, list[str]] = exc.errors if isinstance(exc.errors, dict) else {}
    if found:
        return [
            RowError(line, columns.get(key, key), str(problems[0] if problems else exc.message))
            for key, problems in found.items()
        ]
    name = exc.field or ""
    return [RowError(line, columns.get(name, name), str(exc.message))]


def _clean(item: PostalItem) -> None:
    """Lengths and choices of the row, as ``acceptance.services`` checks them; the foreign keys are
    rows the service holds already."""
    try:
        item.full_clean(exclude=_RELATED, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors = {name: [str(m) for m in messages] for name, messages in exc.message_dict.items()}
        name, problems = next(iter(errors.items()))
        raise DomainError(problems[0], field=name, errors=errors) from exc


class Lookups:
    """What a list looks up once, however many rows ask: the tariff of the service on the
    day, the 2025 commune, remote periods and delivery office of each commune, the quotes of
    rows that price alike, the ledger accounts.

    Lists accepted one after another may share one (``items_accept_batch(lookups=...)``), so
    that each lookup is made once for all of them, as long as none of these changes meanwhile:
    no tariff, remote commune, service point or account is edited (the demo's year is built
    so). A list accepted alone makes its own.

    Two rows price alike when they have the same tariff, zone, remoteness, weight, size,
    declared value and add-ons: ``pricing.quote`` depends on nothing else, so the quote of the
    first is the quote of all. The delivery office is chosen as
    ``selectors.delivery_point_for`` chooses it, from the commune's offices read once.
    """

    def __init__(self) -> None:
        self._tariffs: dict[str, list[Tariff]] = {}
        self._cod_addon: dict[int, bool] = {}
        self._quotes: dict[tuple[Any, ...], pricing.Quote] = {}
        self._communes: dict[int, AdminArea] = {}
        self._remote: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
        self._offices: dict[int, list[ServicePoint]] = {}
        self._accounts: dict[tuple[str, str], Account] = {}

    # --- pricing ---------------------------------------------------------------------------

    def tariff(self, service: str, day: dt.date) -> Tariff:
        """``pricing.tariff_in_force``, from the service's tariffs read once: the one valid
        on ``day`` with the latest start."""
        tariffs = self._tariffs.get(service)
        if tariffs is None:
            tariffs = self._tariffs[service] = list(
                Tariff.objects.filter(service=service).order_by("-valid_from")
            )
        for tariff in tariffs:
            if tariff.valid_from <= day and (tariff.valid_to is None or tariff.valid_to >= day):
                return tariff
        return pricing.tariff_in_force(service, day)  # none in force: its refusal

    def addons(self, tariff: Tariff, chosen: Sequence[str], *, cod_amount: int) -> list[str]:
        """``pricing.addons_for_item``, asking the tariff once whether it has the COD fee."""
        codes = list(dict.fromkeys(code.strip() for code in chosen if code and code.strip()))
        pricing.cod_needs_amount(codes, cod_amount)
        if cod_amount > 0 and pricing.COD_ADDON not in codes:
            has_cod = self._cod_addon.get(tariff.pk)
            if has_cod is None:
                has_cod = self._cod_addon[tariff.pk] = tariff.addons.filter(
                    code=pricing.COD_ADDON
                ).exists()
            if has_cod:
                codes.append(pricing.COD_ADDON)
        return codes

    def commune(self, area: AdminArea) -> AdminArea:
        found = self._communes.get(area.pk)
        if found is None:
            found = self._communes[area.pk] = pricing.commune_2025(area)
        return found

    def is_remote(self, commune: AdminArea, day: dt.date) -> bool:
        """``pricing.is_remote``, from the commune's remote periods read once."""
        periods = self._remote.get(commune.pk)
        if periods is None:
            periods = self._remote[commune.pk] = list(
                RemoteCommune.objects.filter(commune=commune).values_list("valid_from", "valid_to")
            )
        return any(start <= day and (end is None or end >= day) for start, end in periods)

    def quote(
        self,
        *,
        service: str,
        point: ServicePoint,
        commune: AdminArea,
        tariff: Tariff,
        row: BatchRow,
        chosen: list[str],
        day: dt.date,
    ) -> pricing.Quote:
        dims = pricing.Dims(row.length_mm, row.width_mm, row.height_mm)
        zone = pricing.zone_for(point.province_code, commune.province_code)
        remote = self.is_remote(commune, day)
        key = (tariff.pk, zone, remote, row.weight_g, dims, row.declared_value, tuple(chosen))
        found = self._quotes.get(key)
        if found is None:
            found = pricing.quote(
                service=service,
                sender_province=point.province_code,
                recipient_commune=commune,
                weight_g=row.weight_g,
                dims=dims,
                declared_value=row.declared_value,
                addons=chosen,
                day=day,
            )
            if found.tariff.pk == tariff.pk and found.zone == zone and found.remote == remote:
                self._quotes[key] = found
        return found

    # --- routing ---------------------------------------------------------------------------

    def office(self, commune: AdminArea, day: dt.date) -> ServicePoint | None:
        """``selectors.delivery_point_for``: the first of the commune's post offices (level I,
        then II, then III), else BĐVHX, serving on ``day``, by code."""
        offices = self._offices.get(commune.pk)
        if offices is None:
            ranked = [PointKind.BC1, PointKind.BC2, PointKind.BC3, PointKind.BDVHX]
            found = list(
                ServicePoint.objects.filter(commune=commune, kind__in=ranked).order_by("code")
            )
            found.sort(key=lambda point: ranked.index(PointKind(point.kind)))
            offices = self._offices[commune.pk] = found
        return next((point for point in offices if point.is_active_on(day)), None)

    # --- the ledger ------------------------------------------------------------------------

    def _account(self, key: tuple[str, str], make: Callable[[], Account]) -> Account:
        found = self._accounts.get(key)
        if found is None:
            found = self._accounts[key] = make()
        return found

    def drawer(self, point: ServicePoint) -> Account:
        return self._account(("drawer", point.code), lambda: ledger.account_for_drawer(point))

    def revenue(self, province_code: str, service: str) -> Account:
        return self._account(
            (province_code, service), lambda: ledger.account_for_revenue(province_code, service)
        )

    def vat_payable(self, province_code: str) -> Account:
        return self._account((province_code, ""), lambda: ledger.account_vat_payable(province_code))


def _item(
    *,
    actor: Any,
    point: ServicePoint,
    service: str,
    sender: tuple[str, str, str],
    row: BatchRow,
    at: dt.datetime,
    day: dt.date,
    lookups: Lookups,
    tariff: Tariff,
) -> PostalItem:
    """The unsaved item of one row, judged by the rules of ``acceptance.item_accept``."""
    deadline = acceptance.aware(row.kt1_deadline) if row.kt1_deadline is not None else None
    grade, urgency = (row.kt1_grade or "").strip().upper(), (row.kt1_urgency or "").strip()
    acceptance.check_kt1(service=service, grade=grade, urgency=urgency, deadline=deadline, at=at)
    acceptance.check_amounts(
        service=service,
        weight_g=row.weight_g,
        declared_value=row.declared_value,
        cod_amount=row.cod_amount,
    )
    recipient = acceptance.text(
        row.recipient_name, field="recipient_name", label=_("The recipient"), required=True
    )
    address = acceptance.text(
        row.recipient_address,
        field="recipient_address",
        label=_("The recipient's address"),
        required=True,
    )
    phone = acceptance.text(
        row.recipient_phone, field="recipient_phone", label=_("The recipient's phone")
    )
    if row.sender_name.strip():
        sender = (
            acceptance.text(row.sender_name, field="sender_name", label=_("The sender")),
            acceptance.text(row.sender_phone, field="sender_phone", label=_("The sender's phone")),
            acceptance.text(
                row.sender_address, field="sender_address", label=_("The sender's address")
            ),
        )
    if row.recipient_commune is None:
        raise DomainError(_("Choose the recipient's commune."), field="recipient_commune")
    commune = lookups.commune(row.recipient_commune)
    chosen = lookups.addons(tariff, row.addons, cod_amount=row.cod_amount)
    quote = lookups.quote(
        service=service,
        point=point,
        commune=commune,
        tariff=tariff,
        row=row,
        chosen=chosen,
        day=day,
    )
    item = PostalItem(
        province_code=point.province_code,
        service=service,
        status=ItemStatus.ACCEPTED,
        accepted_point=point,
        accepted_by=actor if getattr(actor, "is_authenticated", False) else None,
        accepted_at=at,
        accepted_on=day,
        sender_name=sender[0],
        sender_phone=sender[1],
        sender_address=sender[2],
        recipient_name=recipient,
        recipient_phone=phone,
        recipient_address=address,
        recipient_commune=commune,
        recipient_province_code=commune.province_code,
        delivery_point=lookups.office(commune, day),
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
    return acceptance.text(reference, field="reference", label=_("The reference of the list"))


@dataclass(slots=True)
class _Judged:
    """A list that passed: its items, unsaved, and what the writing needs."""

    items: list[PostalItem]
    at: dt.datetime
    day: dt.date
    sender: tuple[str, str, str]
    reference: str
    key: str
    lookups: Lookups


def _judge(
    *,
    actor: Any,
    point: ServicePoint,
    service: str,
    sender_name: str,
    sender_phone: str,
    sender_address: str,
    rows: Sequence[BatchRow],
    day: dt.date | None,
    at: dt.datetime | None,
    reference: str,
    key: str,
    columns: dict[str, str],
    lookups: Lookups | None,
) -> _Judged:
    """Every check of ``items_accept_batch``, reading only: the list's problems raised as
    a DomainError (the list as a whole) or ImportFailed (its rows)."""
    if service not in MailService.values:
        raise DomainError(
            _("Unknown service “%(service)s”.") % {"service": service}, field="service"
        )
    if actor is not None:
        acceptance.check_actor(actor, point, service)
    accepted_at = _moment(day, at)
    business_day = accepted_at.astimezone(VIETNAM).date()
    acceptance.check_point(point, business_day)
    if not rows:
        raise DomainError(_("The list has no items."), field="rows")
    if len(rows) > MAX_ROWS:
        raise DomainError(
            _("A list holds at most %(max)s items; this one has %(count)s.")
            % {"max": f"{MAX_ROWS:,}", "count": f"{len(rows):,}"},
            field="rows",
        )
    sender = (
        acceptance.text(sender_name, field="sender_name", label=_("The sender"), required=True),
        acceptance.text(sender_phone, field="sender_phone", label=_("The sender's phone")),
        acceptance.text(sender_address, field="sender_address", label=_("The sender's address")),
    )
    list_reference = _reference(reference)
    if len(list_reference) > REFERENCE_MAX:
        raise DomainError(
            _("The reference is longer than %(max)d characters.") % {"max": REFERENCE_MAX},
            field="reference",
        )
    chosen_key = _key(key)

    lookups = lookups or Lookups()
    tariff = lookups.tariff(service, business_day)
    items: list[PostalItem] = []
    errors: list[RowError] = []
    for position, row in enumerate(rows, start=1):
        try:
            items.append(
                _item(
                    actor=actor,
                    point=point,
                    service=service,
                    sender=sender,
                    row=row,
                    at=accepted_at,
                    day=business_day,
                    lookups=lookups,
                    tariff=tariff,
                )
            )
        except DomainError as exc:
            errors.extend(_errors_of(exc, row.line or position, columns))
    if errors:
        raise ImportFailed(errors)
    if chosen_key and _key_used(point.province_code, chosen_key):
        raise DomainError(
            _("The list %(key)s was accepted already.") % {"key": chosen_key}, field="key"
        )
    return _Judged(items, accepted_at, business_day, sender, list_reference, chosen_key, lookups)


def items_batch_problems(
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
    columns: dict[str, str] | None = None,
    lookups: Lookups | None = None,
) -> list[RowError]:
    """What ``items_accept_batch`` would refuse in this list, changing nothing: every row's
    problems, or one problem of the list as a whole, reported on its first row."""
    names = columns or {}
    try:
        _judge(
            actor=actor,
            point=point,
            service=service,
            sender_name=sender_name,
            sender_phone=sender_phone,
            sender_address=sender_address,
            rows=rows,
            day=day,
            at=at,
            reference=reference,
            key="",
            columns=names,
            lookups=lookups,
        )
    except ImportFailed as exc:
        return exc.errors
    except DomainError as exc:
        line = (rows[0].line or 1) if rows else 0
        return _errors_of(exc, line, names)
    return []


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
    lookups: Lookups | None = None,
) -> BatchResult:
    """Accept a list of items from one sender at ``point``'s counter, for one service, all or
    nothing.

    ``at`` is the time of acceptance (now by default; with only ``day``, this time of day on
    that day); ``reference`` is the customer's own number of the list (named in the memo of
    each item's ledger entry; the key of the list when blank). ``key`` names the list once
    (the first item's S10 id by default): a list accepted under a key already used is
    refused.
    ``columns`` renames the fields in the row errors (``{"recipient_commune":
    "recipient_commune_code"}`` for an import); ``lookups`` shares lookups with other lists
    (see ``Lookups``). ``actor=None`` is the system itself (an import at the console): no
    role or scope applies, and the items have no clerk.

    Refused, changing nothing: the actor may not accept the service at the point
    (``AccessDenied``), the point does not serve that day, no tariff for the service on the
    day, an empty list or one above ``MAX_ROWS``, a missing sender, a key used already
    (``DomainError``); any row that ``item_accept`` would refuse (``ImportFailed``, every
    row's problems).
    """
    judged = _judge(
        actor=actor,
        point=point,
        service=service,
        sender_name=sender_name,
        sender_phone=sender_phone,
        sender_address=sender_address,
        rows=rows,
        day=day,
        at=at,
        reference=reference,
        key=key,
        columns=columns or {},
        lookups=lookups,
    )
    items, accepted_at = judged.items, judged.at

    # The serials last: the office's counter stays locked until the transaction ends.
    numbers = s10_take_block(point=point, prefix=acceptance.S10_PREFIXES[service], count=len(items))
    for item, number in zip(items, numbers, strict=True):
        item.s10 = number
    _insert(items)
    _postings(items, point=point, at=accepted_at)

    list_key = judged.key or numbers[0]
    list_reference = judged.reference or list_key
    if judged.key:
        _key_claim(point.province_code, judged.key)
    entries = _post_fees(
        items,
        actor=actor,
        point=point,
        day=judged.day,
        lookups=judged.lookups,
        reference=list_reference,
    )
    net = sum(item.price_total - item.price_vat for item in items)
    vat = sum(item.price_vat for item in items)
    audit_record(
        actor=actor,
        action="item.accept_batch",
        object_type="mail.batch",
        object_id=list_key[:64],
        object_repr=list_reference[:200],
        after={
            "point": point.code,
            "service": service,
            "sender": judged.sender[0],
            "reference": judged.reference,
            "accepted_at": accepted_at.isoformat(),
            "count": len(items),
            "total": net + vat,
            "vat": vat,
            "entries": [entry.pk for entry in entries],
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
        total=net + vat,
        vat=vat,
        key=list_key,
        reference=list_reference,
        entries=entries,
    )


def _insert(items: list[PostalItem]) -> None:
    """Write the items in one ``INSERT ... RETURNING`` (what ``bulk_create`` does, without
    its per-call overhead, which a counter's list of one or two items would mostly pay), and
    give each its id."""
    fields = [f for f in PostalItem._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in fields)
    marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    values = [
        f.get_db_prep_save(getattr(item, f.attname), connection) for item in items for f in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(PostalItem._meta.db_table)} ({columns}) VALUES "
            + ", ".join([marks] * len(items))
            + " RETURNING id, s10",
            values,
        )
        ids = {s10: pk for pk, s10 in cursor.fetchall()}
    for item in items:
        item.pk = ids[item.s10]
        item._state.adding = False
        item._state.db = connection.alias


def _postings(items: list[PostalItem], *, point: ServicePoint, at: dt.datetime) -> None:
    """The EMA event of every item, in one INSERT (the columns of ``tracking``'s bulk
    writes)."""
    ops = connection.ops
    when = ops.adapt_datetimefield_value(at)
    recorded = ops.adapt_datetimefield_value(timezone.now())
    actor_id = items[0].accepted_by_id
    rows = [
        (
            item.province_code,
            item.pk,
            EventCode.EMA.value,
            when,
            point.pk,
            point.code,
            "",
            "",
            "",
            "",
            actor_id,
            BATCH_SOURCE,
            "",
            recorded,
        )
        for item in items
    ]
    marks = "(" + ", ".join(["%s"] * len(tracking.COLUMNS)) + ")"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {tracking.EVENT_TABLE} ({', '.join(tracking.COLUMNS)}) VALUES "
            + ", ".join([marks] * len(rows)),
            [value for row in rows for value in row],
        )


def _key_counter(province_code: str, key: str) -> str:
    """The name of the counter that claims the list key ``key`` (a digest for long keys:
    counter names hold 64 characters)."""
    name = f"{KEY_PREFIX}{province_code}:{key}"
    if len(name) <= Counter._meta.get_field("name").max_length:  # type: ignore[operator]
        return name
    return f"{KEY_PREFIX}{province_code}:#{hashlib.sha256(key.encode()).hexdigest()[:40]}"


def _key_used(province_code: str, key: str) -> bool:
    return Counter.objects.filter(name=_key_counter(province_code, key), value__gt=0).exists()


def _key_claim(province_code: str, key: str) -> None:
    """Claim the list key for this list: refused when a list took it first. The counter's
    row stays locked until the transaction ends, so a list racing this one under the same
    key waits, then is refused (or takes the key, when this one rolls back)."""
    if sequence_next(_key_counter(province_code, key)) > 1:
        raise DomainError(_("The list %(key)s was accepted already.") % {"key": key}, field="key")


def _post_fees(
    items: list[PostalItem],
    *,
    actor: Any,
    point: ServicePoint,
    day: dt.date,
    lookups: Lookups,
    reference: str,
) -> list[Entry]:
    """Each item's fee, an entry of its own (as for an item accepted alone), its memo naming
    the list and the row; the list's entries are posted together (``entries_post``)."""
    count = len(items)
    postings: list[ledger.Posting] = []
    for position, item in enumerate(items, start=1):
        accounts = mail_ledger.FeeAccounts(
            lookups.drawer(point),
            lookups.revenue(item.province_code, item.service),
            lookups.vat_payable(item.province_code),
        )
        posting = mail_ledger.fee_posting(
            item=item,
            point=point,
            net=item.price_total - item.price_vat,
            vat=item.price_vat,
            day=day,
            accounts=accounts,
            memo=_("List %(reference)s, item %(position)d of %(count)d")
            % {"reference": reference[:REFERENCE_MAX], "position": position, "count": count},
        )
        if posting is not None:
            postings.append(posting)
    if not postings:
        return []
    return ledger.entries_post(actor=actor, province_code=items[0].province_code, postings=postings)
