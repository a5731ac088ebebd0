"""Vietnamese names of the catalogue's lines and services and of the kinds of point.

The report is a Vietnamese document whatever language the page around it is in, so names are
taken from the catalogue's labels translated into Vietnamese, falling back to the name the
report carries for a code the catalogue does not know.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

from buudien.care.choices import Channel, Ground
from buudien.core.catalogue import Line, Service
from buudien.network.choices import PointKind

# Kinds of point as a sentence names them ("gồm 1 bưu cục cấp I, 170 điểm BĐVHX ...").
KIND_WORDS = {
    PointKind.BC1: "bưu cục cấp I",
    PointKind.BC2: "bưu cục cấp II",
    PointKind.BC3: "bưu cục cấp III",
    PointKind.BDVHX: "điểm Bưu điện văn hóa xã",
    PointKind.AGENT: "đại lý bưu điện",
    PointKind.KIOSK: "ki-ốt bưu điện",
    PointKind.CENTRE: "trung tâm khai thác",
}

# The grounds of a complaint and the channels of a request, as the report names them.
GROUND_WORDS = {
    Ground.LOSS: "mất, thất lạc",
    Ground.DELAY: "chậm trễ",
    Ground.DAMAGE: "hư hỏng",
    Ground.CONTENTS: "thiếu hụt nội dung",
    Ground.AMOUNT: "sai cước, sai số tiền",
    Ground.CONDUCT: "thái độ phục vụ",
    Ground.OTHER: "lý do khác",
}
CHANNEL_WORDS = {
    Channel.HOTLINE: "tổng đài",
    Channel.COUNTER: "quầy giao dịch",
    Channel.WEB: "trang thông tin điện tử (web)",
    Channel.PARTNER: "đối tác",
}


def ground_name(code: Any, fallback: Any = None) -> str:
    """ "Chậm trễ" (a table's row); a sentence lowers it."""
    word = GROUND_WORDS.get(code) or str(fallback or code or "")
    return word[:1].upper() + word[1:]


def channel_name(code: Any, fallback: Any = None) -> str:
    word = CHANNEL_WORDS.get(code) or str(fallback or code or "")
    return word[:1].upper() + word[1:]


def _label(choices: Any, code: Any, fallback: Any) -> str:
    if code in choices.values:
        with translation.override("vi"):
            return str(choices(code).label)
    return str(fallback or code or "")


def line_name(code: Any, fallback: Any = None) -> str:
    return _label(Line, code, fallback)


def service_name(code: Any, fallback: Any = None) -> str:
    return _label(Service, code, fallback)


def cost_name(code: Any, fallback: Any = None) -> str:
    """A cost category or group of the chart (``6421``, ``642``) in Vietnamese."""
    from buudien.finance.costs import BY_CODE, GROUPS

    name = BY_CODE[code].name if code in BY_CODE else GROUPS.get(code)
    if name is None:
        return str(fallback or code or "")
    with translation.override("vi"):
        return str(name)


def group_name(code: Any, fallback: Any = None) -> str:
    """A group of costs (``642``) in Vietnamese."""
    from buudien.finance.costs import GROUPS

    if code not in GROUPS:
        return str(fallback or code or "")
    with translation.override("vi"):
        return str(GROUPS[code])


def kind_name(code: Any) -> str:
    """The kind as a table row names it: "Bưu cục cấp I"."""
    word = KIND_WORDS.get(code, str(code))
    return word[:1].upper() + word[1:]


def lower_first(text: str) -> str:
    """ "Bưu phẩm bảo đảm" -> "bưu phẩm bảo đảm"; an abbreviation (EMS, KT1) is kept."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[1:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def place_of(province: dict[str, Any] | None) -> str:
    """ "Bưu điện tỉnh Lạng Sơn", "Tỉnh Lạng Sơn" or "Lạng Sơn" -> "Lạng Sơn"."""
    name = str((province or {}).get("name") or "").strip()
    for prefix in ("Bưu điện tỉnh ", "Bưu điện thành phố ", "Tỉnh ", "Thành phố "):
        if name.lower().startswith(prefix.lower()):
            return name[len(prefix) :].strip()
    return name


def body_of(province: dict[str, Any] | None) -> str:
    """The issuing body in capitals: "BƯU ĐIỆN TỈNH LẠNG SƠN" (a city: "BƯU ĐIỆN THÀNH PHỐ")."""
    name = str((province or {}).get("name") or "").strip()
    if name.lower().startswith("bưu điện"):
        return name.upper()
    city = name.lower().startswith("thành phố") or place_of(province) in {
        "Hà Nội",
        "Hồ Chí Minh",
        "Hải Phòng",
        "Đà Nẵng",
        "Cần Thơ",
        "Huế",
    }
    prefix = "BƯU ĐIỆN THÀNH PHỐ " if city else "BƯU ĐIỆN TỈNH "
    return (prefix + place_of(province)).upper().strip()


def initials(place: str) -> str:
    """ "Lạng Sơn" -> "LS", for the symbol of the document ("BC-BĐLS")."""
    from buudien.core.text import fold

    return "".join(word[:1] for word in fold(place).split()).upper()
