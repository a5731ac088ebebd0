"""Writes of the mail service. Each function is one transaction: it checks the actor's role
and scope, writes its rows and their events together, and changes nothing when it refuses.

Acceptance posts the fee on the ledger in the same transaction (``buudien.mail.ledger``): the
revenue of the service net of VAT and the VAT collected, which add up to what the customer
paid (``PostalItem.price_total``).

Audit: the EMA event (who, where, when) is the record of an ordinary acceptance; a KT1
acceptance is written to the audit log as well, as every KT1 hand-over is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from buudien.core.audit import audit_record
from buudien.core.bizdays import VIETNAM
from buudien.core.errors import AccessDenied, DomainError
from buudien.core.models import Sequence
from buudien.core.money import format_number
from buudien.core.s10 import SERIAL_MAX, s10_make
from buudien.core.sequences import sequence_next, sequence_next_with
from buudien.counter.desk import Desk, Op, key_clean, moment_of, refuse_closed
from buudien.finance.models import Account
from buudien.mail import selectors
from buudien.mail.acceptance import pricing
from buudien.mail.choices import EventCode, ItemStatus, Kt1Grade, Kt1Urgency, MailService
from buudien.mail.ledger import fee_accounts_known, fee_posting
from buudien.mail.models import PostalItem, TrackingEvent
from buudien.network.choices import AdminAreaLevel
from buudien.network.models import AdminArea, ServicePoint

COUNTRY = "VN"

# The UPU S10 service indicator of each service's items.
S10_PREFIXES: dict[str, str] = {
    MailService.EMS: "EE",  # EMS, as in the UPU's E* range for express
    MailService.PARCEL: "CP",  # C*: parcels
    MailService.REGISTERED: "RR",  # R*: registered letters and small packets
    MailService.ORDINARY: "RA",  # tracked ordinary mail, kept apart from registered
    MailService.KT1: "KT",  # KT1 confidential mail, a series of its own
    MailService.ADMIN_DELIVERY: "HC",  # hành chính công: dossiers and their results
}

# Cash on delivery is offered with these services only; its fee, the add-on
# ``pricing.COD_ADDON``, is charged by itself when an item carries a COD amount.
COD_SERVICES = frozenset({MailService.REGISTERED, MailService.PARCEL, MailService.EMS})

ACCEPT_SOURCE = "counter"


# Serials are handed to offices in blocks of this many, from one national pool per prefix.
S10_BLOCK = 1_000


def s10_sequence(point: ServicePoint, prefix: str) -> str:
    """The name of the counter of the items one office has numbered with one prefix."""
    return f"s10:{point.code}:{prefix}"


def s10_take(*, point: ServicePoint, prefix: str) -> str:
    """The next S10 identifier of ``point`` for ``prefix``, unique in the whole country.

    An office cannot count its own serials from 1: two offices would issue the same
    identifier. So it counts its items in ``s10:<office>:<prefix>`` and takes its serials in
    blocks of ``S10_BLOCK`` from the national pool ``s10:<prefix>:blocks``; the block in use is
    kept in ``s10:<office>:<prefix>:block``. Block b holds serials (b - 1) × 1,000 + 1 to
    b × 1,000, so an office's items are numbered one after the other within a block, and the
    national row is touched once per thousand items of an office (never a hot row). The office
    row is locked by the first UPDATE until the transaction ends, which serialises the office's
    takers; a rolled-back acceptance gives its number back.
    """
    office = s10_sequence(point, prefix)
    block_name = f"{office}:block"
    # The office's count and its block in use, in one statement.
    count, in_use = sequence_next_with(office, block_name)
    offset = (count - 1) % S10_BLOCK
    if offset == 0:
        block = sequence_next(f"s10:{prefix}:blocks")
        Sequence.objects.update_or_create(name=block_name, defaults={"value": block})
    elif in_use is None:
        # Made while this taker waited for the office's row (on PostgreSQL a row inserted
        # after the statement's snapshot is not seen by it): read now.
        block = Sequence.objects.values_list("value", flat=True).get(name=block_name)
    else:
        block = in_use
    serial = (block - 1) * S10_BLOCK + offset + 1
    if serial > SERIAL_MAX:
        raise DomainError(
            _("The S10 serial numbers of %(prefix)s are used up.") % {"prefix": prefix}
        )
    return s10_make(prefix, serial, COUNTRY)


check_point = refuse_closed  # a point open with a counter on the day


def text(value: str | None, *, field: str, label: str, required: bool = False) -> str:
    """``value`` stripped; refused when it holds a NUL, or is empty and ``required``."""
    cleaned = (value or "").strip()
    if "\x00" in cleaned:
        raise DomainError(_("%(label)s contains a null character.") % {"label": label}, field=field)
    if required and not cleaned:
        raise DomainError(_("%(label)s is required.") % {"label": label}, field=field)
    return cleaned


def check_actor(actor: Any, point: ServicePoint, service: str) -> None:
    """Refused (AccessDenied) unless ``actor`` may accept ``service`` at ``point``."""
    allowed = selectors.services_acceptable_by(actor)
    if service not in allowed:
        if service == MailService.KT1:
            message = _("Only a KT1 operator may accept KT1 items.")
        elif allowed == [MailService.KT1]:
            message = _("A KT1 operator accepts KT1 items only.")
        elif allowed:
            labels = dict(MailService.choices)
            message = _("Your role accepts only: %(services)s.") % {
                "services": ", ".join(str(labels[code]) for code in allowed)
            }
        else:
            message = _("Only a counter clerk or an administrator may accept items.")
        raise AccessDenied(message, field="service")
    if not selectors.can_accept_at(actor, point):
        raise AccessDenied(
            _("You may accept items only at your own service point or one of your unit."),
            field="point",
        )


def check_kt1(
    *,
    service: str,
    grade: str,
    urgency: str,
    deadline: dt.datetime | None,
    at: dt.datetime,
) -> None:
    """The KT1 fields: required for a KT1 item (a timed one with a deadline after ``at``),
    refused on any other."""
    if service != MailService.KT1:
        if grade or urgency or deadline:
            raise DomainError(
                _("Only KT1 items carry a secrecy grade, an urgency or a deadline."),
                field="kt1_grade",
            )
        return
    if grade not in Kt1Grade.values:
        raise DomainError(_("A KT1 item needs a secrecy grade (A, B or C)."), field="kt1_grade")
    if urgency not in Kt1Urgency.values:
        raise DomainError(_("Unknown urgency."), field="kt1_urgency")
    if urgency == Kt1Urgency.TIMED and deadline is None:
        raise DomainError(_("A timed KT1 item needs a time to deliver by."), field="kt1_deadline")
    if deadline is not None and deadline <= at:
        raise DomainError(
            _("The time to deliver by must be after the acceptance."), field="kt1_deadline"
        )


def check_amounts(*, service: str, weight_g: int, declared_value: int, cod_amount: int) -> None:
    """A positive weight; COD and declared value within bounds; COD only where offered."""
    if weight_g <= 0:
        raise DomainError(_("The weight must be more than 0 g."), field="weight_g")
    if cod_amount < 0:
        raise DomainError(_("The COD amount cannot be negative."), field="cod_amount")
    if cod_amount > pricing.MAX_AMOUNT or declared_value > pricing.MAX_AMOUNT:
        raise DomainError(
            _("An amount cannot exceed %(max)s đồng.") % {"max": format_number(pricing.MAX_AMOUNT)},
            field="cod_amount" if cod_amount > pricing.MAX_AMOUNT else "declared_value",
        )
    if cod_amount and service not in COD_SERVICES:
        raise DomainError(
            _("Cash on delivery is not offered with %(service)s.")
            % {"service": MailService(service).label},
            field="cod_amount",
        )


def aware(at: dt.datetime | None) -> dt.datetime:
    """``at`` as an aware datetime (naive means Vietnam's time); now when None."""
    return moment_of(at)[0]


# The item's foreign keys: rows the acceptance has read already (and the database's
# constraints hold them), so cleaning does not ask whether each exists (one query each).
_READ_ALREADY = [
    "s10",
    "accepted_point",
    "accepted_by",
    "sender_commune",
    "recipient_commune",
    "delivery_point",
    "tariff",
]


def _grid_and_delivery(
    service: str, day: dt.date, point: ServicePoint, commune: AdminArea
) -> tuple[pricing.Grid | None, ServicePoint | None]:
    """The item's price grid (``pricing.grid_in_force``) and its delivery point, read by one
    query: the point rides on the grid's rows as its id and code (the rest of it is read
    only if asked for). Without a grid, the point is read alone."""
    grid = pricing.grid_in_force(
        service,
        day,
        zone=pricing.zone_for(point.province_code, commune.province_code),
        commune=commune,
        extra={
            "delivery_id": selectors.delivery_point_sql(commune, day, "id"),
            "delivery_code": selectors.delivery_point_sql(commune, day, "code"),
        },
    )
    if grid is None:
        return None, selectors.delivery_point_for(commune, day)
    if grid.extra["delivery_id"] is None:
        return grid, None
    found = ServicePoint.from_db(
        ServicePoint.objects.db,
        ["id", "code"],
        [grid.extra["delivery_id"], grid.extra["delivery_code"]],
    )
    return grid, found


def _full_clean(item: PostalItem) -> None:
    """Lengths and choices of the row as a DomainError naming the field."""
    try:
        item.full_clean(exclude=_READ_ALREADY, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        field, problems = next(iter(errors.items()))
        raise DomainError(problems[0], field=field, errors=errors) from exc


def item_accept(
    *,
    actor: Any,
    point: ServicePoint,
    service: str,
    sender_name: str,
    sender_phone: str = "",
    sender_address: str = "",
    sender_commune: AdminArea | None = None,
    recipient_name: str,
    recipient_phone: str = "",
    recipient_address: str,
    recipient_commune: AdminArea | None,
    weight_g: int,
    length_mm: int = 0,
    width_mm: int = 0,
    height_mm: int = 0,
    declared_value: int = 0,
    cod_amount: int = 0,
    addons: Iterable[str] = (),
    kt1_grade: str = "",
    kt1_urgency: str = "",
    kt1_deadline: dt.datetime | None = None,
    at: dt.datetime | None = None,
    idempotency_key: str = "",
    prepaid: bool = False,
    price_on_delivery: Account | None = None,
) -> PostalItem:
    """Accept one item at ``point``'s counter: price it with the tariff in force on the
    business day, number it from the office's S10 sequence, choose its delivery office, and
    write the item, its EMA event and the booking of its fee. ``at`` is the acceptance time
    (now when not given). Under an ``idempotency_key`` (the counter form's token, the API's
    header) the item is accepted once: the same request again returns it, another request
    under the key is refused. A ``prepaid`` item was paid for by another operation (a
    dossier's result posted to the applicant, whose charge was taken at intake): it carries
    no price and books nothing. With ``price_on_delivery`` (an account of what the recipient
    owes) the recipient pays the price with the COD on delivery: the price is added to the
    COD amount and its fee is booked from that account instead of the drawer (goods the
    post sold by phone, sent cash on delivery)."""
    if service not in MailService.values:
        raise DomainError(
            _("Unknown service “%(service)s”.") % {"service": service}, field="service"
        )
    check_actor(actor, point, service)
    accepted_at = aware(at)
    day = accepted_at.astimezone(VIETNAM).date()
    check_point(point, day)
    deadline = aware(kt1_deadline) if kt1_deadline is not None else None
    grade, urgency = (kt1_grade or "").strip().upper(), (kt1_urgency or "").strip()
    check_kt1(service=service, grade=grade, urgency=urgency, deadline=deadline, at=accepted_at)
    check_amounts(
        service=service, weight_g=weight_g, declared_value=declared_value, cod_amount=cod_amount
    )
    sender = text(sender_name, field="sender_name", label=_("The sender"), required=True)
    recipient = text(
        recipient_name, field="recipient_name", label=_("The recipient"), required=True
    )
    address = text(
        recipient_address,
        field="recipient_address",
        label=_("The recipient's address"),
        required=True,
    )
    if recipient_commune is None:
        raise DomainError(_("Choose the recipient's commune."), field="recipient_commune")
    commune = pricing.commune_2025(recipient_commune)
    if sender_commune is not None and sender_commune.level != AdminAreaLevel.COMMUNE:
        raise DomainError(
            _("“%(name)s” is not a commune.") % {"name": sender_commune.name},
            field="sender_commune",
        )

    grid, delivery_point = _grid_and_delivery(service, day, point, commune)
    tariff = grid.tariff if grid is not None else pricing.tariff_in_force(service, day)
    chosen = pricing.addons_for_item(tariff, addons, cod_amount=cod_amount)
    quote = pricing.quote(
        tariff=tariff,
        grid=grid,
        service=service,
        sender_province=point.province_code,
        recipient_commune=commune,
        weight_g=weight_g,
        dims=pricing.Dims(length_mm, width_mm, height_mm),
        declared_value=declared_value,
        addons=chosen,
        day=day,
    )
    if prepaid:
        quote = pricing.prepaid(quote)
    elif price_on_delivery is not None:
        cod_amount += quote.total
        check_amounts(
            service=service, weight_g=weight_g, declared_value=declared_value, cod_amount=cod_amount
        )
    item = PostalItem(
        province_code=point.province_code,
        service=service,
        status=ItemStatus.ACCEPTED,
        accepted_point=point,
        accepted_by=actor if getattr(actor, "is_authenticated", False) else None,
        accepted_at=accepted_at,
        accepted_on=day,
        sender_name=sender,
        sender_phone=text(sender_phone, field="sender_phone", label=_("The sender's phone")),
        sender_address=text(
            sender_address, field="sender_address", label=_("The sender's address")
        ),
        sender_commune=sender_commune,
        recipient_name=recipient,
        recipient_phone=text(
            recipient_phone, field="recipient_phone", label=_("The recipient's phone")
        ),
        recipient_address=address,
        recipient_commune=commune,
        recipient_province_code=commune.province_code,
        delivery_point=delivery_point,
        weight_g=weight_g,
        length_mm=length_mm,
        width_mm=width_mm,
        height_mm=height_mm,
        charged_weight_g=quote.charged_weight_g,
        declared_value=declared_value,
        cod_amount=cod_amount,
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
        last_event_at=accepted_at,
    )
    _full_clean(item)
    desk = Desk.at_point(actor=actor, point=point, app="mail", at=accepted_at)

    def same(found: PostalItem) -> bool:
        return all(getattr(found, name) == getattr(item, name) for name in _SAME_ITEM)

    def work(op: Op) -> PostalItem:
        item.idempotency_key = op.key
        return _write(item, desk=desk, quote=quote, owed=price_on_delivery)

    # The checks above only read: the transaction is the one of ``once``, which looks for a
    # row under the key only when the item's insert clashes with it (a retry).
    return desk.once(
        PostalItem,
        operation="accept",
        key=key_clean(idempotency_key) if idempotency_key else None,
        same=same,
        work=work,
        optimistic=True,
    )


# What makes a retried acceptance the same item.
_SAME_ITEM = (
    "service",
    "accepted_point_id",
    "sender_name",
    "recipient_name",
    "recipient_address",
    "recipient_commune_id",
    "weight_g",
    "declared_value",
    "cod_amount",
)


def _write(
    item: PostalItem, *, desk: Desk, quote: pricing.Quote, owed: Account | None = None
) -> PostalItem:
    """Number the checked ``item``, save it with its EMA event and book its fee (from the
    drawer, or from ``owed`` when the recipient pays it on delivery)."""
    point = item.accepted_point
    accepted_at = item.accepted_at
    # The serial is taken last: the counter's row stays locked until the transaction ends.
    item.s10 = s10_take(point=point, prefix=S10_PREFIXES[item.service])
    item.save()
    TrackingEvent.objects.create(
        province_code=item.province_code,
        item=item,
        code=EventCode.EMA,
        occurred_at=accepted_at,
        point=point,
        office_code=point.code,
        actor=item.accepted_by,
        source=ACCEPT_SOURCE,
    )
    accounts = None
    if quote.net > 0 or quote.vat > 0:  # a prepaid item books nothing
        accounts = fee_accounts_known(item, point, drawer=owed)
    posting = fee_posting(
        item=item, point=point, net=quote.net, vat=quote.vat, day=desk.day, accounts=accounts
    )
    if posting is not None:
        desk.book(posting, savepoint=False)
    if item.is_kt1:
        audit_record(
            actor=desk.actor,
            action="item.accept",
            obj=item,
            after={
                "s10": item.s10,
                "service": item.service,
                "kt1_grade": item.kt1_grade,
                "kt1_urgency": item.kt1_urgency,
                "kt1_deadline": item.kt1_deadline.isoformat() if item.kt1_deadline else None,
                "point": point.code,
                "accepted_at": accepted_at.isoformat(),
            },
        )
    return item
