"""The import kind ``items``: a business customer's list of items (bảng kê) as a CSV or .xlsx
file, accepted through ``batches.services.items_accept_batch``. Registered when the app is ready
(see ``apps.py``).

One file may hold several lists: the rows of one point, service and sender (name, phone,
address) make one list, each item with its fee as a ledger entry of its own. All or nothing:
every row of every list is judged first (the rules of a counter acceptance), and one problem
anywhere refuses the whole file with every problem, by row and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buudien.core import imports as im
from buudien.core.audit import audit_record
from buudien.core.errors import AccessDenied
from buudien.core.imports import (
    Column,
    ImportFailed,
    ImportKind,
    ImportResult,
    Parser,
    Row,
    RowError,
    register,
)
from buudien.mail import selectors
from buudien.mail.batches.services import (
    BatchResult,
    BatchRow,
    Lookups,
    items_accept_batch,
    items_batch_problems,
)
from buudien.mail.choices import MailService
from buudien.network.choices import AdminAreaLevel, AdminAreaStructure
from buudien.network.models import AdminArea, ServicePoint

# The service's field names as the file's columns.
COLUMNS = {"point": "point_code", "recipient_commune": "recipient_commune_code"}
_ADDON = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


def _addon_codes() -> Parser[list[str]]:
    """Add-on codes separated by spaces, commas or semicolons ("ar, insurance")."""

    def parse(value: Any) -> list[str]:
        words = [w for w in re.split(r"[\s,;]+", str(value).strip()) if w]
        wrong = [w for w in words if not _ADDON.match(w)]
        if wrong:
            raise im.CellError(_("not an add-on code: %(codes)s") % {"codes": ", ".join(wrong[:5])})
        return list(dict.fromkeys(w.lower() for w in words))

    return Parser(
        parse,
        describe=gettext_lazy("add-on codes (ar, insurance, cod), separated by spaces or commas"),
        blank=[],
    )


@dataclass(frozen=True)
class _Group:
    """The rows of one list."""

    point_code: str
    service: str
    sender: tuple[str, str, str]
    rows: tuple[Row, ...]


@register
class ItemImport(ImportKind):
    name = "items"
    help = gettext_lazy(
        "A customer's list of items (bảng kê), accepted at a counter: one list per point, "
        "service and sender, each item with its own ledger entry. All or nothing."
    )
    columns = (
        Column("point_code", im.code(16), help=gettext_lazy("the accepting point's code")),
        Column("service", im.choice(MailService), help=gettext_lazy("the mail service")),
        Column("sender_name", im.text(200), help=gettext_lazy("the sender (the customer)")),
        Column("sender_phone", im.text(20), required=False, help=gettext_lazy("its phone")),
        Column("sender_address", im.text(300), required=False, help=gettext_lazy("its address")),
        Column("recipient_name", im.text(200), help=gettext_lazy("the recipient")),
        Column("recipient_phone", im.text(20), required=False, help=gettext_lazy("their phone")),
        Column(
            "recipient_address",
            im.text(300),
            help=gettext_lazy("house number, street or village"),
        ),
        Column(
            "recipient_commune_code",
            im.code(digits=5),
            help=gettext_lazy("GSO code of the recipient's commune"),
        ),
        Column(
            "geography",
            im.choice(AdminAreaStructure),
            required=False,
            help=gettext_lazy(
                "the structure recipient_commune_code belongs to: legacy or 2025 (blank: "
                "2025); a legacy commune is converted"
            ),
        ),
        Column("weight_g", im.integer(min_value=1), help=gettext_lazy("weight in grams")),
        Column("length_mm", im.integer(min_value=0), required=False, help=gettext_lazy("mm")),
        Column("width_mm", im.integer(min_value=0), required=False, help=gettext_lazy("mm")),
        Column("height_mm", im.integer(min_value=0), required=False, help=gettext_lazy("mm")),
        Column(
            "declared_value",
            im.money(),
            required=False,
            help=gettext_lazy("declared value in đồng (for insurance)"),
        ),
        Column(
            "cod_amount",
            im.money(),
            required=False,
            help=gettext_lazy("cash to collect from the recipient, in đồng"),
        ),
        Column("addons", _addon_codes(), required=False, help=gettext_lazy("add-ons")),
    )

    def __init__(self, *, actor: Any = None) -> None:
        super().__init__(actor=actor)
        self.reference = ""
        self.results: list[BatchResult] = []
        self._groups: list[_Group] = []
        # What the check looks up (tariffs, communes, quotes), the writing uses again.
        self.shared = Lookups()
        self._points: dict[str, ServicePoint] = {}
        self._communes: dict[tuple[str, str], AdminArea] = {}

    def check_access(self) -> None:
        if self.actor is not None and not selectors.services_acceptable_by(self.actor):
            raise AccessDenied(_("Only a counter clerk or an administrator may accept items."))

    # --- reading the rows ------------------------------------------------------------------

    @staticmethod
    def _structure(row: Row) -> str:
        return str(row.get("geography", AdminAreaStructure.V2025))

    def _lookups(self, rows: list[Row]) -> None:
        codes = {row["point_code"] for row in rows if row["point_code"]}
        self._points = {
            p.code: p for p in ServicePoint.objects.filter(code__in=codes).select_related("unit")
        }
        wanted: dict[str, set[str]] = {}
        for row in rows:
            if row["recipient_commune_code"]:
                wanted.setdefault(self._structure(row), set()).add(row["recipient_commune_code"])
        self._communes = {
            (structure, area.code): area
            for structure, found in wanted.items()
            for area in AdminArea.objects.filter(
                structure=structure, level=AdminAreaLevel.COMMUNE, code__in=found
            )
        }

    def _batch_row(self, row: Row) -> BatchRow:
        return BatchRow(
            recipient_name=row.get("recipient_name", ""),
            recipient_phone=row.get("recipient_phone", ""),
            recipient_address=row.get("recipient_address", ""),
            recipient_commune=self._communes.get(
                (self._structure(row), row["recipient_commune_code"])
            ),
            weight_g=row.get("weight_g", 0),
            length_mm=row.get("length_mm", 0),
            width_mm=row.get("width_mm", 0),
            height_mm=row.get("height_mm", 0),
            declared_value=row.get("declared_value", 0),
            cod_amount=row.get("cod_amount", 0),
            addons=tuple(row.get("addons", [])),
            line=row.number,
        )

    def validate(self, rows: list[Row]) -> list[RowError]:
        self._lookups(rows)
        errors: list[RowError] = []
        groups: dict[tuple[str, str, str, str, str], list[Row]] = {}
        for row in rows:
            bad = bool(row.invalid)
            code = row["point_code"]
            if code and code not in self._points:
                errors.append(row.error("point_code", _("unknown point %(code)s") % {"code": code}))
                bad = True
            commune = row["recipient_commune_code"]
            if commune and (self._structure(row), commune) not in self._communes:
                errors.append(
                    row.error(
                        "recipient_commune_code",
                        _("no commune with code %(code)s in the %(structure)s structure")
                        % {"code": commune, "structure": self._structure(row)},
                    )
                )
                bad = True
            if bad or not code or not row["service"]:
                continue  # the reader reported the missing column or value already
            key = (
                code,
                row["service"],
                row.get("sender_name", ""),
                row.get("sender_phone", ""),
                row.get("sender_address", ""),
            )
            groups.setdefault(key, []).append(row)
        for (code, service, *sender), members in groups.items():
            group = _Group(code, service, (sender[0], sender[1], sender[2]), tuple(members))
            self._groups.append(group)
            errors.extend(
                items_batch_problems(
                    actor=self.actor,
                    point=self._points[code],
                    service=service,
                    sender_name=group.sender[0],
                    sender_phone=group.sender[1],
                    sender_address=group.sender[2],
                    rows=[self._batch_row(row) for row in members],
                    reference=self.reference,
                    columns=COLUMNS,
                    lookups=self.shared,
                )
            )
        return errors

    def write(self, rows: list[Row]) -> ImportResult:
        for group in self._groups:
            self.results.append(
                items_accept_batch(
                    actor=self.actor,
                    point=self._points[group.point_code],
                    service=group.service,
                    sender_name=group.sender[0],
                    sender_phone=group.sender[1],
                    sender_address=group.sender[2],
                    rows=[self._batch_row(row) for row in group.rows],
                    reference=self.reference,
                    columns=COLUMNS,
                    lookups=self.shared,
                )
            )
        return ImportResult(created=sum(len(result.items) for result in self.results))


def batches_import(
    source: im.Source, *, actor: Any, reference: str = "", name: str = ""
) -> list[BatchResult]:
    """Accept the lists of a file (see ``ItemImport``), all or nothing, and return them.

    ``import_file("items", ...)`` does the same and says how many items it made; this gives
    the lists themselves (for the page that shows them and prints their labels). Raises
    ``ImportFailed`` (every problem, nothing written) or ``AccessDenied``.
    """
    kind = ItemImport(actor=actor)
    kind.reference = reference
    kind.check_access()
    file_name = name or im.source_name(source)
    table = im.read_table(source)
    rows, errors = im.parse_rows(ItemImport, table)
    if table.header:
        errors.extend(kind.validate(rows))
    if not rows and not errors:
        errors.append(RowError(0, "", _("The file has no items.")))
    if errors:
        raise ImportFailed(errors)
    try:
        with transaction.atomic():
            result = kind.write(rows)
            audit_record(
                actor=actor,
                action=f"import.{kind.name}",
                object_type="import",
                object_id=kind.name,
                object_repr=file_name[:200],
                after={
                    "file": file_name,
                    "created": result.created,
                    "lists": [r.key for r in kind.results],
                },
            )
    except (IntegrityError, DataError) as exc:
        raise ImportFailed(
            [RowError(0, "", _("The database refused the file: %(error)s") % {"error": exc})]
        ) from exc
    return kind.results
