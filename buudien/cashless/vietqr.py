"""VietQR: the NAPAS profile of the EMVCo merchant-presented QR code, for a transfer to a
bank account (NAPAS 247 "QRIBFTTA": instant transfer to an account).

A payload is a string of TLV fields: a two-digit ID, a two-digit length, the value. Ours::

    00 02 01                      payload format indicator
    01 02 12 | 11                 point of initiation: 12 dynamic (an amount), 11 static
    38 .. 00 10 A000000727        merchant account information: the NAPAS GUID,
          01 .. 00 06 <BIN>           the beneficiary organisation: the bank's BIN,
                01 .. <account>       the account number,
          02 08 QRIBFTTA          the service: transfer to an account
    53 03 704                     currency: the đồng (ISO 4217)
    54 .. <amount>                amount, whole đồng
    58 02 VN                      country
    62 .. 08 .. <purpose>         additional data: the purpose of the transfer
    63 04 <CRC>                   CRC-16/CCITT-FALSE over everything before it, "6304" included

The purpose is folded to ASCII (banking apps show what they can of it; diacritics and "đ"
are what they cannot) and cut to 25 characters. Everything in a payload is ASCII, so a
field's length in characters is its length in bytes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
CURRENCY_VND = "704"
COUNTRY = "VN"
STATIC, DYNAMIC = "11", "12"
PURPOSE_MAX = 25
AMOUNT_MAX_DIGITS = 13  # EMVCo: field 54 is at most 13 characters
ACCOUNT_MAX = 19

_BIN = re.compile(r"^\d{6}$")
_ACCOUNT = re.compile(r"^[0-9A-Za-z]{1,19}$")
_SPACES = re.compile(r"\s+")


class VietQRError(ValueError):
    """A payload that cannot be made or read; the message says why (in English: it is a
    technical message, shown beside a translated one)."""


# --- CRC-16/CCITT-FALSE ----------------------------------------------------------------------


def _crc_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte << 8
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
        table.append(crc & 0xFFFF)
    return tuple(table)


_TABLE = _crc_table()


def crc16(data: bytes | str) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final
    XOR ("123456789" -> 0x29B1). Table-driven."""
    raw = data.encode("ascii") if isinstance(data, str) else data
    crc = 0xFFFF
    for byte in raw:
        crc = ((crc << 8) & 0xFFFF) ^ _TABLE[((crc >> 8) ^ byte) & 0xFF]
    return crc


def crc_text(data: str) -> str:
    return f"{crc16(data):04X}"


# --- text ------------------------------------------------------------------------------------


def ascii_fold(text: str) -> str:
    """Vietnamese to plain ASCII: diacritics dropped, "đ" -> "d", "Đ" -> "D", anything else
    that is not printable ASCII dropped, spaces collapsed. Case is kept."""
    decomposed = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text or ""))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("đ", "d").replace("Đ", "D")
    printable = "".join(ch if " " <= ch <= "~" else " " for ch in bare)
    return _SPACES.sub(" ", printable).strip()


def purpose_text(text: str) -> str:
    """The purpose as it goes into a payload: folded to ASCII, at most 25 characters."""
    return ascii_fold(text)[:PURPOSE_MAX].rstrip()


# --- making a payload ------------------------------------------------------------------------


def tlv(tag: str, value: str) -> str:
    if len(tag) != 2 or not tag.isdigit():
        raise VietQRError(f"a field ID is two digits, not {tag!r}")
    if len(value) > 99:
        raise VietQRError(f"field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def build(*, bank_bin: str, account: str, amount: int | None = None, purpose: str = "") -> str:
    """The VietQR payload of a transfer of ``amount`` đồng (None: the payer types it, a
    static code) to ``account`` at the bank ``bank_bin``, with ``purpose`` (folded, cut)."""
    if not _BIN.match(bank_bin or ""):
        raise VietQRError(f"a bank BIN is 6 digits, not {bank_bin!r}")
    if not _ACCOUNT.match(account or ""):
        raise VietQRError(f"an account number is 1 to {ACCOUNT_MAX} letters or digits")
    if amount is not None:
        if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
            raise VietQRError("the amount is a positive whole number of dong")
        if len(str(amount)) > AMOUNT_MAX_DIGITS:
            raise VietQRError(f"the amount has more than {AMOUNT_MAX_DIGITS} digits")
    beneficiary = tlv("00", bank_bin) + tlv("01", account)
    merchant = tlv("00", GUID) + tlv("01", beneficiary) + tlv("02", SERVICE_TO_ACCOUNT)
    fields = [
        tlv("00", "01"),
        tlv("01", DYNAMIC if amount is not None else STATIC),
        tlv("38", merchant),
        tlv("53", CURRENCY_VND),
    ]
    if amount is not None:
        fields.append(tlv("54", str(amount)))
    fields.append(tlv("58", COUNTRY))
    folded = purpose_text(purpose)
    if folded:
        fields.append(tlv("62", tlv("08", folded)))
    body = "".join(fields) + "6304"
    return body + crc_text(body)


# --- reading a payload -----------------------------------------------------------------------


def parse_tlv(data: str) -> list[tuple[str, str]]:
    """The fields of a TLV string, in order; refused when a length runs past the end."""
    fields: list[tuple[str, str]] = []
    position = 0
    while position < len(data):
        head = data[position : position + 4]
        if len(head) < 4 or not head.isdigit():
            raise VietQRError(f"a field at character {position + 1} has no ID and length")
        tag, length = head[:2], int(head[2:])
        value = data[position + 4 : position + 4 + length]
        if len(value) != length:
            raise VietQRError(f"field {tag} says {length} characters but the payload ends")
        fields.append((tag, value))
        position += 4 + length
    return fields


@dataclass(frozen=True)
class Payload:
    """What a VietQR payload says."""

    bank_bin: str
    account: str
    amount: int | None
    purpose: str
    dynamic: bool
    currency: str
    country: str
    crc: str


def verify_crc(payload: str) -> bool:
    """True when ``payload`` ends with "6304" and the CRC of everything before its last four
    characters."""
    if len(payload) < 8 or payload[-8:-4] != "6304":
        return False
    given = payload[-4:]
    return given.upper() == given and given == crc_text(payload[:-4])


def parse(payload: str) -> Payload:
    """Read a VietQR payload back, verifying its CRC and its fields; VietQRError says what is
    wrong."""
    payload = (payload or "").strip()
    if not payload.isascii():
        raise VietQRError("a payload is ASCII text")
    if len(payload) < 8 or payload[-8:-4] != "6304":
        raise VietQRError("the payload does not end with a CRC field (6304....)")
    if not verify_crc(payload):
        raise VietQRError(
            f"the CRC does not match: the payload says {payload[-4:]}, "
            f"its content gives {crc_text(payload[:-4])}"
        )
    fields = parse_tlv(payload)
    if [tag for tag, _v in fields][-1:] != ["63"]:
        raise VietQRError("the CRC is not the last field")
    found: dict[str, str] = {}
    for tag, value in fields:
        if tag in found:
            raise VietQRError(f"field {tag} appears twice")
        found[tag] = value
    if found.get("00") != "01":
        raise VietQRError("the payload format indicator (00) is not 01")
    if found.get("01") not in (STATIC, DYNAMIC):
        raise VietQRError("the point of initiation (01) is neither 11 nor 12")
    if "38" not in found:
        raise VietQRError("no merchant account information (38)")
    merchant = dict(parse_tlv(found["38"]))
    if merchant.get("00") != GUID:
        raise VietQRError(f"the merchant account information is not NAPAS's ({GUID})")
    beneficiary = dict(parse_tlv(merchant.get("01", "")))
    bank_bin, account = beneficiary.get("00", ""), beneficiary.get("01", "")
    if not _BIN.match(bank_bin):
        raise VietQRError("the beneficiary's bank BIN is not 6 digits")
    if not _ACCOUNT.match(account):
        raise VietQRError("the beneficiary's account number is missing or not valid")
    amount: int | None = None
    if "54" in found:
        raw = found["54"]
        if not raw.isdigit() or int(raw) <= 0:
            raise VietQRError(f"the amount (54) is not a positive whole number: {raw!r}")
        amount = int(raw)
    dynamic = found["01"] == DYNAMIC
    if dynamic and amount is None:
        raise VietQRError("a dynamic code (12) without an amount")
    purpose = ""
    if "62" in found:
        purpose = dict(parse_tlv(found["62"])).get("08", "")
    return Payload(
        bank_bin=bank_bin,
        account=account,
        amount=amount,
        purpose=purpose,
        dynamic=dynamic,
        currency=found.get("53", ""),
        country=found.get("58", ""),
        crc=payload[-4:],
    )
