"""Costs: the expense side of the chart and the costs a unit or a point books.

Every cost is a ledger entry of kind ``expense``: debit an expense account, credit what paid
it (a bank, a drawer, wages payable, depreciation ...). The expense accounts are kept per
category and per owner, ``<category>.<owner code>`` (``6421.BDT2001`` the managers' wages of
a commune post, ``6417.240101`` the services a point bought), owned by that unit or point:
so the rollups know whose cost it is (``DailyFigure.unit``, or the point) and the report
can say what each unit earned net of its costs.

The categories are the expense accounts of the enterprise chart: level 1 ``632`` (cost of
goods sold), ``635`` (finance), ``641`` (selling), ``642`` (administration), ``811``
(other), the same under Circular 200/2014/TT-BTC and under Circular 99/2025/TT-BTC that
replaces it for the years from 2026; below 641 and 642 the level-2 detail the post keeps
(staff, materials, tools, depreciation, taxes and fees, bought-in services such as mail
transport, premises and electricity, other cash costs). The costs the operations post
themselves keep their own accounts (``632`` of goods sold, ``811.compensation``): their
category is the code before the first dot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buudien.core import imports as im
from buudien.core.errors import AccessDenied, DomainError, NotFound
from buudien.core.imports import Column, ImportKind, ImportResult, Row, RowError, register
from buudien.finance import ledger
from buudien.finance.choices import AccountKind, EntryKind, Tax
from buudien.finance.models import Account, Entry
from buudien.finance.selectors import account_scope_q
from buudien.network.models import ServicePoint, Unit
from buudien.people import access


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    name: Promise

    @property
    def group(self) -> str:
        return self.code[:3]


# The groups (level-1 accounts), in the order of the income statement.
GROUPS: dict[str, Promise] = {
    "632": gettext_lazy("Cost of goods sold"),
    "641": gettext_lazy("Selling expenses"),
    "642": gettext_lazy("General and administrative expenses"),
    "635": gettext_lazy("Finance expenses"),
    "811": gettext_lazy("Other expenses"),
}

CATEGORIES: tuple[Category, ...] = (
    Category("632", gettext_lazy("Cost of goods sold")),
    Category("6411", gettext_lazy("Selling staff: wages and insurance")),
    Category("6412", gettext_lazy("Packing materials")),
    Category("6413", gettext_lazy("Tools and equipment for selling")),
    Category("6414", gettext_lazy("Depreciation of selling assets")),
    Category("6417", gettext_lazy("Bought-in services: mail transport, premises, electricity")),
    Category("6418", gettext_lazy("Other selling costs")),
    Category("641", gettext_lazy("Selling expenses, not detailed")),
    Category("6421", gettext_lazy("Management staff: wages and insurance")),
    Category("6422", gettext_lazy("Management materials")),
    Category("6423", gettext_lazy("Office supplies")),
    Category("6424", gettext_lazy("Depreciation of office assets")),
    Category("6425", gettext_lazy("Taxes, fees and charges")),
    Category("6426", gettext_lazy("Provisions")),
    Category("6427", gettext_lazy("Bought-in services for the office")),
    Category("6428", gettext_lazy("Other administrative costs")),
    Category("642", gettext_lazy("Administrative expenses, not detailed")),
    Category("635", gettext_lazy("Finance expenses")),
    Category("811", gettext_lazy("Other expenses")),
)
BY_CODE = {category.code: category for category in CATEGORIES}

# What pays a cost, besides the banks and drawers: accounts made on first use.
COUNTERPARTS: dict[str, tuple[str, Promise]] = {
    "331": (AccountKind.LIABILITY, gettext_lazy("Payable to suppliers")),
    "334": (AccountKind.LIABILITY, gettext_lazy("Payable to employees")),
    "335": (AccountKind.LIABILITY, gettext_lazy("Accrued expenses")),
    "338": (AccountKind.LIABILITY, gettext_lazy("Other payables: insurance, union dues")),
    "214": (AccountKind.ASSET, gettext_lazy("Accumulated depreciation")),
    "242": (AccountKind.ASSET, gettext_lazy("Prepaid expenses")),
    # A fee owed to the budget (the licence fee, booked on 6425), paid later (finance.budget).
    Tax.FEES.value: (AccountKind.LIABILITY, Tax.FEES.label),
}


def category_of(code: str) -> str:
    """The category of an expense account: its code before the first dot when that is a
    category, else its group (``632.loss`` is 632, ``6429`` is 642); "" when neither."""
    head = code.split(".", 1)[0]
    if head in BY_CODE:
        return head
    return head[:3] if head[:3] in GROUPS else ""


def category_name(code: str) -> str:
    category = BY_CODE.get(code)
    if category is not None:
        return str(category.name)
    return str(GROUPS.get(code, _("Not classified")))


Owner = Unit | ServicePoint


def owner_find(province_code: str, code: str) -> Owner | None:
    """The point or the unit of a province with this code (points first)."""
    point = ServicePoint.objects.filter(province_code=province_code, code=code).first()
    if point is not None:
        return point
    return Unit.objects.filter(province_code=province_code, code=code).first()


def cost_account(province_code: str, category: str, owner: Owner) -> Account:
    """``<category>.<owner code>``: the expense account of a category for a unit or a point,
    made on first use."""
    if category not in BY_CODE:
        raise DomainError(
            _("Unknown cost category %(code)s.") % {"code": category}, field="category"
        )
    point = owner if isinstance(owner, ServicePoint) else None
    unit = owner if isinstance(owner, Unit) else None
    is_point = point is not None
    code = f"{category}.{owner.code}"
    account = ledger._account_ensure(
        province_code=province_code,
        code=code,
        kind=AccountKind.EXPENSE,
        name=lambda: (
            _("%(category)s: %(owner)s") % {"category": BY_CODE[category].name, "owner": owner.name}
        ),
        point=point,
        unit=unit,
    )
    mine = account.point_id == owner.pk if is_point else account.unit_id == owner.pk
    if account.kind != AccountKind.EXPENSE or not mine:
        raise DomainError(
            _("Account %(code)s belongs to someone else.") % {"code": code}, field="owner"
        )
    return account


def counterpart_account(*, actor: Any, province_code: str, code: str) -> Account:
    """What pays a cost: a bank or a drawer the actor may use, or one of ``COUNTERPARTS``."""
    if code in COUNTERPARTS:
        kind, name = COUNTERPARTS[code]
        return ledger._account_ensure(
            province_code=province_code, code=code, kind=kind, name=lambda: str(name)
        )
    if not code.startswith((ledger.BANK_PREFIX, ledger.DRAWER_PREFIX)):
        raise DomainError(
            _(
                "A cost is paid from a bank (1121.…), a drawer (1111.…) or one of %(codes)s, "
                "not %(code)s."
            )
            % {"codes": ", ".join(COUNTERPARTS), "code": code},
            field="paid_from",
        )
    return ledger.account_usable(actor=actor, province_code=province_code, code=code)


def require_cost_role(actor: Any) -> None:
    if actor is not None and not access.has_role(actor, ledger.ENTRY_ROLES):
        raise AccessDenied(_("Only an accountant or an administrator may book costs."))


def _owner_in_scope(actor: Any, owner: Owner) -> bool:
    if actor is None:
        return True
    path = owner.unit_path if isinstance(owner, ServicePoint) else owner.path
    return access.in_scope(actor, path)


@dataclass(frozen=True, slots=True)
class CostLine:
    category: str
    owner: Owner
    amount: int
    day: dt.date
    paid_from: Account
    memo: str = ""
    reference: str = ""


def _posting(line: CostLine, key: str) -> ledger.Posting:
    province = line.owner.province_code
    return ledger.Posting(
        idempotency_key=key,
        kind=EntryKind.EXPENSE,
        reference=line.reference or f"cost:{line.category}.{line.owner.code}",
        legs=[
            ledger.Leg(
                cost_account(province, line.category, line.owner), line.paid_from, line.amount
            )
        ],
        business_date=line.day,
        point=line.owner if isinstance(line.owner, ServicePoint) else None,
        memo=line.memo,
    )


def cost_book(
    *,
    actor: Any,
    province_code: str,
    idempotency_key: str,
    category: str,
    owner_code: str,
    amount: int,
    day: dt.date,
    paid_from: str,
    memo: str = "",
    reference: str = "",
) -> Entry:
    """Book one cost of a unit or a point: an ``expense`` entry from what paid it to the
    owner's expense account of the category."""
    require_cost_role(actor)
    owner = owner_find(province_code, owner_code)
    if owner is None or not _owner_in_scope(actor, owner):
        raise NotFound(_("No unit or point %(code)s that you may book for.") % {"code": owner_code})
    if category not in BY_CODE:
        raise DomainError(
            _("Unknown cost category %(code)s.") % {"code": category}, field="category"
        )
    # The accounts are made in the posting's transaction: a refused cost leaves none behind.
    with transaction.atomic():
        line = CostLine(
            category=category,
            owner=owner,
            amount=amount,
            day=day,
            paid_from=counterpart_account(actor=actor, province_code=province_code, code=paid_from),
            memo=memo,
            reference=reference,
        )
        return ledger.posting_post(
            actor=actor, province_code=province_code, posting=_posting(line, idempotency_key)
        )


def cost_entries(*, user: Any, province_code: str, date_from: dt.date, date_to: dt.date) -> Any:
    """The cost entries booked in a range on expense accounts the user may see, newest first."""
    accounts = Account.objects.filter(province_code=province_code, kind=AccountKind.EXPENSE)
    if user is not None:
        accounts = accounts.filter(account_scope_q(user))
    return (
        Entry.objects.filter(
            province_code=province_code,
            kind=EntryKind.EXPENSE,
            business_date__gte=date_from,
            business_date__lte=date_to,
        )
        .filter(Q(transfers__debit__in=accounts))
        .distinct()
        .prefetch_related("transfers__debit__point", "transfers__debit__unit", "transfers__credit")
        .order_by("-business_date", "-id")
    )


def cost_rows(entries: Any) -> list[dict[str, Any]]:
    """One row per cost leg of the entries (``costs.cost_entries``)."""
    rows = []
    for entry in entries:
        for transfer in entry.transfers.all():
            account = transfer.debit
            owner = account.point or account.unit
            category = category_of(account.code)
            rows.append(
                {
                    "entry_id": entry.pk,
                    "date": entry.business_date,
                    "category": category,
                    "category_name": category_name(category),
                    "owner": owner.code if owner is not None else "",
                    "owner_name": owner.name if owner is not None else "",
                    "account": account.code,
                    "paid_from": transfer.credit.code,
                    "amount": transfer.amount,
                    "reference": entry.reference,
                    "memo": entry.memo,
                }
            )
    return rows


# --- the accounting system's monthly file ----------------------------------------------------


def _last_day(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def category_parser() -> im.Parser[str]:
    def parse(value: Any) -> str:
        raw = " ".join(str(value).split()).split(".", 1)[0]
        if raw not in BY_CODE:
            raise im.CellError(
                _("expected a cost category (%(codes)s), not %(value)s")
                % {"codes": ", ".join(BY_CODE), "value": raw}
            )
        return raw

    return im.Parser(
        parse, describe=gettext_lazy("a cost account: 632, 641, 6411 … 6428, 642, 635, 811")
    )


@register
class CostImport(ImportKind):
    name = "costs"
    help = gettext_lazy(
        "Costs from the accounting system's monthly file: one row per cost of a unit or a "
        "point, booked on the ledger (all or nothing; the same file twice books once)."
    )
    columns = (
        Column("date", im.date(), help=gettext_lazy("the day booked (often the month's last)")),
        Column("owner_code", im.code(32), help=gettext_lazy("the unit or the point")),
        Column("account", category_parser(), help=gettext_lazy("the cost account")),
        Column("amount", im.money(), help=gettext_lazy("đồng")),
        Column("paid_from", im.code(64), help=gettext_lazy("331, 334, 214, 1121.<bank> …")),
        Column("reference", im.text(64), required=False, help=gettext_lazy("document number")),
        Column("memo", im.text(200), required=False, help=gettext_lazy("what it was for")),
    )

    def check_access(self) -> None:
        require_cost_role(self.actor)

    def validate(self, rows: list[Row]) -> list[RowError]:
        errors: list[RowError] = []
        self.lines: list[tuple[Row, CostLine]] = []
        # The owners of the file in two reads (a point's code first, as owner_find has it).
        codes = sorted({row["owner_code"] for row in rows if row["owner_code"]})
        owners: dict[str, Owner] = {
            **Unit.objects.in_bulk(codes, field_name="code"),
            **ServicePoint.objects.in_bulk(codes, field_name="code"),
        }
        payers: dict[tuple[str, str], Account | None] = {}
        for row in rows:
            if None in (row["date"], row["owner_code"], row["account"], row["amount"]):
                continue
            code = row["owner_code"]
            owner = owners.get(code)
            if owner is not None and not owner.province_code:
                owner = None  # the corporation books no province's costs
            if owner is None or not _owner_in_scope(self.actor, owner):
                errors.append(
                    RowError(
                        row.number,
                        "owner_code",
                        _("no unit or point %(code)s that you may book for") % {"code": code},
                    )
                )
                continue
            if row["amount"] <= 0:
                errors.append(RowError(row.number, "amount", _("a cost is more than 0 đồng")))
                continue
            if row["paid_from"] is None:
                continue
            key = (owner.province_code, row["paid_from"])
            if key not in payers:
                try:
                    payers[key] = counterpart_account(
                        actor=self.actor, province_code=key[0], code=key[1]
                    )
                except (DomainError, AccessDenied, NotFound) as error:
                    payers[key] = None
                    errors.append(RowError(row.number, "paid_from", str(error)))
                    continue
            payer = payers[key]
            if payer is None:
                errors.append(
                    RowError(row.number, "paid_from", _("not an account that may pay a cost"))
                )
                continue
            self.lines.append(
                (
                    row,
                    CostLine(
                        category=row["account"],
                        owner=owner,
                        amount=row["amount"],
                        day=row["date"],
                        paid_from=payer,
                        memo=row.get("memo") or "",
                        reference=row.get("reference") or "",
                    ),
                )
            )
        if len({line.owner.province_code for _row, line in self.lines}) > 1:
            errors.append(RowError(0, "", _("A file books the costs of one province.")))
        return errors

    def write(self, rows: list[Row]) -> ImportResult:
        if not self.lines:
            return ImportResult(0, 0, 0)
        province = self.lines[0][1].owner.province_code
        seen: Counter[str] = Counter()
        postings = []
        for _row, line in self.lines:
            body = "|".join(
                str(part)
                for part in (
                    line.day, line.owner.code, line.category, line.amount,
                    line.paid_from.code, line.reference, line.memo,
                )
            )  # fmt: skip
            seen[body] += 1  # the second identical row of a file is a cost of its own
            digest = hashlib.sha256(f"{body}|{seen[body]}".encode()).hexdigest()[:40]
            postings.append(_posting(line, f"cost:{digest}"))
        keys = [posting.idempotency_key for posting in postings]
        before = Entry.objects.filter(province_code=province, idempotency_key__in=keys).count()
        try:
            ledger.entries_post(actor=self.actor, province_code=province, postings=postings)
        except DomainError as error:
            raise im.ImportFailed([RowError(0, "", str(error))]) from error
        return ImportResult(len(postings) - before, 0, before)


def costs_template() -> tuple[list[str], dict[str, str]]:
    return (
        [column.name for column in CostImport.columns],
        {
            "date": "2026-06-30",
            "owner_code": "BDT2001",
            "account": "6421",
            "amount": "45000000",
            "paid_from": "334",
            "reference": "BL06/2026",
            "memo": "Lương tháng 6",
        },
    )
