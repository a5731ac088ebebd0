"""The kinds of emulation and commendation (Law on Emulation and Commendation 06/2022/QH15;
Decree 98/2023/NĐ-CP): the titles and awards, the level that confers them, how a proposal
stands, and an initiative's level and status.

Each ``AwardKind`` knows (``KIND_RULES``) whether it is an annual title (its period is one
year) or an award for a period, whether it goes to a person, a unit or both, and the level
that usually confers it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

PERSON = "person"
UNIT = "unit"
BOTH = "both"


class AwardLevel(models.TextChoices):
    """Who confers: the post itself (cơ sở), the Corporation, a ministry, sector or sector
    union, or the State."""

    UNIT = "unit", _("The post (grassroots)")
    CORPORATION = "corporation", _("The Corporation")
    MINISTRY = "ministry", _("Ministry, sector or sector union")
    STATE = "state", _("The State")


class AwardKind(models.TextChoices):
    # individual titles
    LAO_DONG_TIEN_TIEN = "lao_dong_tien_tien", _("Advanced worker")
    CSTD_CO_SO = "cstd_co_so", _("Grassroots emulation fighter")
    CSTD_BO = "cstd_bo", _("Ministry-level emulation fighter")
    CSTD_TOAN_QUOC = "cstd_toan_quoc", _("National emulation fighter")
    # collective titles
    TAP_THE_LDTT = "tap_the_ldtt", _("Advanced labour collective")
    TAP_THE_LDXS = "tap_the_ldxs", _("Excellent labour collective")
    CO_THI_DUA_BO = "co_thi_dua_bo", _("Emulation flag of the ministry")
    CO_THI_DUA_CHINH_PHU = "co_thi_dua_chinh_phu", _("Emulation flag of the Government")
    # awards
    GIAY_KHEN = "giay_khen", _("Certificate of commendation")
    BANG_KHEN_BO = "bang_khen_bo", _("Certificate of merit of the ministry")
    BANG_KHEN_THU_TUONG = "bang_khen_thu_tuong", _("Certificate of merit of the Prime Minister")
    HUAN_CHUONG_LD_3 = "huan_chuong_ld_3", _("Labour Order, third class")
    HUAN_CHUONG_LD_2 = "huan_chuong_ld_2", _("Labour Order, second class")
    HUAN_CHUONG_LD_1 = "huan_chuong_ld_1", _("Labour Order, first class")
    OTHER = "other", pgettext_lazy("emulation", "Other title or award")


@dataclass(frozen=True)
class KindRule:
    title: bool  # an annual title (year_from == year_to), else an award for a period
    recipient: str  # PERSON, UNIT or BOTH
    level: str  # the level that usually confers it (AwardLevel)


K, L = AwardKind, AwardLevel
KIND_RULES: dict[str, KindRule] = {
    K.LAO_DONG_TIEN_TIEN: KindRule(True, PERSON, L.UNIT),
    K.CSTD_CO_SO: KindRule(True, PERSON, L.UNIT),
    K.CSTD_BO: KindRule(True, PERSON, L.MINISTRY),
    K.CSTD_TOAN_QUOC: KindRule(True, PERSON, L.STATE),
    K.TAP_THE_LDTT: KindRule(True, UNIT, L.UNIT),
    K.TAP_THE_LDXS: KindRule(True, UNIT, L.CORPORATION),
    K.CO_THI_DUA_BO: KindRule(True, UNIT, L.MINISTRY),
    K.CO_THI_DUA_CHINH_PHU: KindRule(True, UNIT, L.STATE),
    K.GIAY_KHEN: KindRule(False, BOTH, L.UNIT),
    K.BANG_KHEN_BO: KindRule(False, BOTH, L.MINISTRY),
    K.BANG_KHEN_THU_TUONG: KindRule(False, BOTH, L.STATE),
    K.HUAN_CHUONG_LD_3: KindRule(False, BOTH, L.STATE),
    K.HUAN_CHUONG_LD_2: KindRule(False, BOTH, L.STATE),
    K.HUAN_CHUONG_LD_1: KindRule(False, BOTH, L.STATE),
    K.OTHER: KindRule(False, BOTH, L.UNIT),
}
TITLE_KINDS: tuple[str, ...] = tuple(kind for kind, rule in KIND_RULES.items() if rule.title)
# The Labour Order's classes, lowest first: each needs the one below 5 years before.
LABOUR_ORDERS: tuple[str, ...] = (K.HUAN_CHUONG_LD_3, K.HUAN_CHUONG_LD_2, K.HUAN_CHUONG_LD_1)
del K, L


class AwardStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AWARDED = "awarded", _("Awarded")
    REJECTED = "rejected", pgettext_lazy("emulation", "Not approved")


class InitiativeLevel(models.TextChoices):
    """The council that recognised an initiative: the post's own (cơ sở), the Corporation's,
    a ministry's, or a national one; ``ORDER`` ranks them."""

    UNIT = "unit", _("Grassroots")
    CORPORATION = "corporation", _("Corporation level")
    MINISTRY = "ministry", _("Ministry level")
    NATIONAL = "national", _("National level")

    @classmethod
    def at_least(cls, level: str) -> list[str]:
        """``level`` and the levels above it."""
        order = list(cls.values)
        return order[order.index(level) :]


class InitiativeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    RECOGNISED = "recognised", _("Recognised")
    REJECTED = "rejected", pgettext_lazy("emulation", "Not approved")
