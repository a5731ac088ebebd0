"""The import kind ``telecom_pins``: an operator's file of card codes (e-PIN) as a CSV or .xlsx
with the columns ``serial``, ``code`` and ``face_value`` (and ``operator``, when the caller
does not name it), imported as one ``PinBatch`` through ``pins_import``, all or nothing:
every problem of every row is reported by row and column (a serial already imported or
twice in the file, a code twice, a face value not sold, a code that is no code).

Codes are stock of the province: any of its points sells them. By an accountant or an
administrator (the console: anyone).
"""

from __future__ import annotations

import datetime as dt
import re
from contextvars import ContextVar
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buudien.core import imports as im
from buudien.core.imports import Column, ImportKind, ImportResult, Parser, Row, RowError, register
from buudien.core.money import format_vnd
from buudien.telecom import selectors, services
from buudien.telecom.choices import DENOMINATIONS
from buudien.telecom.models import Operator, Pin, PinBatch

_SERIAL = re.compile(r"^[A-Z0-9]{6,20}$")
_CODE = re.compile(r"^\d{8,20}$")


def _serial() -> Parser[str]:
    def parse(value: Any) -> str:
        text = "".join(im.text()(value).split()).upper()
        if not _SERIAL.match(text):
            raise im.CellError(
                _("a serial is 6 to 20 letters or digits, not %(value)s") % {"value": text[:30]}
            )
        return text

    return Parser(parse, describe=gettext_lazy("the card's serial, 6 to 20 letters or digits"))


def _code() -> Parser[str]:
    def parse(value: Any) -> str:
        text = "".join(im.text()(value).split())
        if not _CODE.match(text):
            raise im.CellError(_("a card code is 8 to 20 digits"))  # never echoes a code
        return text

    return Parser(parse, describe=gettext_lazy("the secret code, 8 to 20 digits"))


def _face_value() -> Parser[int]:
    money = im.money()

    def parse(value: Any) -> int:
        amount = money(value)
        if amount not in DENOMINATIONS:
            raise im.CellError(
                _("a face value of %(values)s, not %(value)s")
                % {
                    "values": ", ".join(format_vnd(one) for one in DENOMINATIONS),
                    "value": format_vnd(amount),
                }
            )
        return amount

    return Parser(parse, describe=gettext_lazy("the face value in đồng, e.g. 100000"))


COLUMNS = (
    Column("serial", _serial(), help=gettext_lazy("the card's serial")),
    Column("code", _code(), help=gettext_lazy("the secret code the customer enters")),
    Column("face_value", _face_value(), help=gettext_lazy("the face value, in đồng")),
    Column(
        "operator",
        im.code(24),
        required=False,
        help=gettext_lazy("the operator's code, when not given to the import"),
    ),
)

# What the caller of ``pins_import`` gives the kind (``core.imports.import_file`` makes it
# with the actor only) and takes back from it.
_asked: ContextVar[dict[str, Any] | None] = ContextVar("telecom_pins_asked", default=None)


@register
class PinImport(ImportKind):
    name = "telecom_pins"
    help = gettext_lazy(
        "An operator's file of prepaid card codes (e-PIN): serial, code, face_value (and "
        "operator). The codes become stock of the province. All or nothing."
    )
    columns = COLUMNS

    def __init__(self, *, actor: Any = None) -> None:
        super().__init__(actor=actor)
        asked = _asked.get() or {}
        self.asked = asked
        self.operator: Operator | None = asked.get("operator")
        self.at: dt.datetime | None = asked.get("at")

    def check_access(self) -> None:
        if self.actor is not None:
            selectors.require_importer(self.actor)

    def _operator_of(self, rows: list[Row], errors: list[RowError]) -> Operator | None:
        codes = {row["operator"] for row in rows if row["operator"]}
        if self.operator is not None:
            for row in rows:
                if row["operator"] and row["operator"] != self.operator.code:
                    errors.append(
                        row.error(
                            "operator",
                            _("this file is for %(operator)s, not %(code)s")
                            % {"operator": self.operator.code, "code": row["operator"]},
                        )
                    )
            return self.operator
        if not codes:
            errors.append(RowError(1, "operator", _("say which operator: an operator column")))
            return None
        if len(codes) > 1:
            errors.append(
                RowError(
                    1,
                    "operator",
                    _("one file is of one operator: %(codes)s")
                    % {"codes": ", ".join(sorted(codes))},
                )
            )
            return None
        code = codes.pop()
        found = Operator.objects.filter(code=code)
        province = selectors.province_of(self.actor) if self.actor is not None else ""
        if province:
            found = found.filter(province_code=province)
        operator = found.order_by("province_code").first()
        if operator is None:
            errors.append(RowError(1, "operator", _("unknown operator %(code)s") % {"code": code}))
        return operator

    def validate(self, rows: list[Row]) -> list[RowError]:
        errors: list[RowError] = []
        operator = self._operator_of(rows, errors)
        if operator is None:
            return errors
        province = selectors.province_of(self.actor) if self.actor is not None else ""
        if province and operator.province_code != province:
            errors.append(RowError(0, "", _("This operator is not of your province.")))
            return errors
        self.operator = operator
        serials: dict[str, int] = {}
        codes: dict[str, int] = {}
        for row in rows:
            serial, code = row["serial"], row["code"]
            if serial:
                if serial in serials:
                    errors.append(
                        row.error(
                            "serial",
                            _("serial %(serial)s is on row %(row)s too")
                            % {"serial": serial, "row": serials[serial]},
                        )
                    )
                else:
                    serials[serial] = row.number
            if code:
                if code in codes:
                    errors.append(
                        row.error(
                            "code", _("the same code is on row %(row)s") % {"row": codes[code]}
                        )
                    )
                else:
                    codes[code] = row.number
        known = set(
            Pin.objects.filter(operator=operator, serial__in=list(serials)).values_list(
                "serial", flat=True
            )
        )
        for serial in sorted(known, key=serials.__getitem__):
            errors.append(
                RowError(
                    serials[serial],
                    "serial",
                    _("serial %(serial)s of %(operator)s was imported already")
                    % {"serial": serial, "operator": operator.name},
                )
            )
        if not rows:
            errors.append(RowError(0, "", _("The file has no codes.")))
        return errors

    def write(self, rows: list[Row]) -> ImportResult:
        operator = self.operator
        assert operator is not None
        batch = services.pins_receive(
            actor=self.actor,
            operator=operator,
            codes=[(row["serial"], row["code"], row["face_value"]) for row in rows],
            file_name=str(self.asked.get("file_name", "")),
            at=self.at,
        )
        self.asked["batch"] = batch
        return ImportResult(created=len(rows))


def pins_import(
    source: im.Source,
    *,
    actor: Any,
    operator: Operator | None = None,
    name: str = "",
    at: dt.datetime | None = None,
) -> PinBatch:
    """Import an operator's file of codes (see the module), all or nothing: the batch made.
    Raises ``ImportFailed`` (every problem by row and column, nothing written) or
    ``AccessDenied``."""
    file_name = name or im.source_name(source)
    asked: dict[str, Any] = {"operator": operator, "at": at, "file_name": file_name}
    token = _asked.set(asked)
    try:
        im.import_file(PinImport.name, source, actor=actor, name=file_name)
    finally:
        _asked.reset(token)
    batch: PinBatch = asked["batch"]
    return batch
