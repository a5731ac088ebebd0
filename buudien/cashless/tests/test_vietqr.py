"""The VietQR payload, checked against independent computations of its CRC."""

from __future__ import annotations

import binascii

import pytest
from hypothesis import given
from hypothesis import strategies as st

from buudien.cashless import vietqr


def crc_bitwise(data: bytes) -> int:
    """CRC-16/CCITT-FALSE one bit at a time, straight from its definition (not the table)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _bit in range(8):
            carry = crc & 0x8000
            crc = (crc << 1) & 0xFFFF
            if carry:
                crc ^= 0x1021
    return crc


def test_the_crc_has_the_standard_check_value() -> None:
    assert crc_bitwise(b"123456789") == 0x29B1
    assert vietqr.crc16("123456789") == 0x29B1
    assert binascii.crc_hqx(b"123456789", 0xFFFF) == 0x29B1


def test_a_known_payload_field_by_field() -> None:
    payload = vietqr.build(
        bank_bin="970415", account="113366668888", amount=79_000, purpose="Thanh toán đơn hàng"
    )
    body = (
        "000201"
        "010212"
        "3856"  # 38, 56 characters:
        "0010A000000727"
        "0126" "0006970415" "0112113366668888"
        "0208QRIBFTTA"
        "5303704"
        "540579000"
        "5802VN"
        "6223" "0819Thanh toan don hang"
        "6304"
    )  # fmt: skip
    expected_crc = f"{crc_bitwise(body.encode()):04X}"
    assert payload == body + expected_crc
    assert expected_crc == f"{binascii.crc_hqx(body.encode(), 0xFFFF):04X}"
    assert vietqr.verify_crc(payload)


def test_a_code_without_amount_is_static() -> None:
    payload = vietqr.build(bank_bin="970415", account="123", purpose="")
    assert payload.startswith("000201010211")
    assert "54" not in [tag for tag, _v in vietqr.parse_tlv(payload)]
    decoded = vietqr.parse(payload)
    assert decoded.amount is None and decoded.dynamic is False


def test_the_purpose_is_folded_and_cut() -> None:
    assert vietqr.purpose_text("Đóng tiền điện tháng 11 năm 2026") == "Dong tien dien thang 11 n"
    assert vietqr.ascii_fold("Nguyễn Văn Đức – 中文 ✓") == "Nguyen Van Duc"
    assert vietqr.purpose_text("   ") == ""


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"bank_bin": "97041", "account": "1"}, "BIN"),
        ({"bank_bin": "970415", "account": "12-34"}, "account"),
        ({"bank_bin": "970415", "account": "1", "amount": 0}, "positive"),
        ({"bank_bin": "970415", "account": "1", "amount": 10**13}, "13 digits"),
    ],
)
def test_bad_inputs_are_refused(kwargs: dict[str, object], reason: str) -> None:
    with pytest.raises(vietqr.VietQRError, match=reason):
        vietqr.build(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ("", "CRC field"),
        ("00020101021263040000", "CRC does not match"),
        ("0002010102126304" + vietqr.crc_text("0002010102126304"), "merchant"),
        ("0002020102116304" + vietqr.crc_text("0002020102116304"), "format"),
        ("99990002016304" + vietqr.crc_text("99990002016304"), "ends"),
    ],
)
def test_bad_payloads_say_why(payload: str, reason: str) -> None:
    with pytest.raises(vietqr.VietQRError, match=reason):
        vietqr.parse(payload)


bins = st.from_regex(r"\A[0-9]{6}\Z")
accounts = st.from_regex(r"\A[0-9A-Za-z]{1,19}\Z")
amounts = st.one_of(st.none(), st.integers(min_value=1, max_value=10**13 - 1))
purposes = st.text(max_size=60)


@given(bank_bin=bins, account=accounts, amount=amounts, purpose=purposes)
def test_a_payload_reads_back_as_made(
    bank_bin: str, account: str, amount: int | None, purpose: str
) -> None:
    payload = vietqr.build(bank_bin=bank_bin, account=account, amount=amount, purpose=purpose)
    decoded = vietqr.parse(payload)
    assert (decoded.bank_bin, decoded.account, decoded.amount) == (bank_bin, account, amount)
    assert decoded.purpose == vietqr.purpose_text(purpose)
    assert len(decoded.purpose) <= vietqr.PURPOSE_MAX
    assert decoded.purpose.isascii()
    assert decoded.dynamic is (amount is not None)
    assert (decoded.currency, decoded.country) == ("704", "VN")
    assert int(payload[-4:], 16) == crc_bitwise(payload[:-4].encode())


@given(bank_bin=bins, account=accounts, amount=amounts, purpose=purposes)
def test_every_length_is_right(
    bank_bin: str, account: str, amount: int | None, purpose: str
) -> None:
    payload = vietqr.build(bank_bin=bank_bin, account=account, amount=amount, purpose=purpose)
    fields = vietqr.parse_tlv(payload)
    assert "".join(f"{tag}{len(value):02d}{value}" for tag, value in fields) == payload
    for tag, value in fields:
        if tag in ("38", "62"):
            nested = vietqr.parse_tlv(value)
            assert sum(4 + len(v) for _t, v in nested) == len(value)
    assert [tag for tag, _v in fields][-1] == "63"
    assert payload.isascii()


@given(
    bank_bin=bins,
    account=accounts,
    amount=amounts,
    purpose=purposes,
    position=st.integers(min_value=0),
    replacement=st.characters(min_codepoint=0x20, max_codepoint=0x7E),
)
def test_the_crc_detects_a_changed_character(
    bank_bin: str,
    account: str,
    amount: int | None,
    purpose: str,
    position: int,
    replacement: str,
) -> None:
    payload = vietqr.build(bank_bin=bank_bin, account=account, amount=amount, purpose=purpose)
    index = position % len(payload)
    if payload[index] == replacement:
        return
    changed = payload[:index] + replacement + payload[index + 1 :]
    assert not vietqr.verify_crc(changed)
    with pytest.raises(vietqr.VietQRError):
        vietqr.parse(changed)
