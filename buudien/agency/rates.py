"""Commissions and fees of the agency services, from the rates configured per province
(``AgencyRate``), or the defaults below when a province has configured none.

A commission is what the partner pays the post for an operation (a share of a deposit, of a
loan repayment collected, a fixed amount per account opened); a remittance fee is what the
sender pays, VAT on top. Amounts are whole đồng, rounded half up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from buudien.agency.accounts import memo
from buudien.agency.choices import RateService
from buudien.agency.models import AgencyRate
from buudien.core.money import round_vnd


@dataclass(frozen=True, slots=True)
class Rate:
    rate_bp: int = 0
    fixed: int = 0
    minimum: int = 0
    maximum: int = 0
    vat_rate_bp: int = 0

    def of(self, amount: int) -> int:
        """The commission or fee on ``amount``."""
        value = round_vnd(Decimal(amount) * self.rate_bp / 10_000) + self.fixed
        value = max(value, self.minimum)
        if self.maximum:
            value = min(value, self.maximum)
        return value

    def vat_of(self, fee: int) -> int:
        return round_vnd(Decimal(fee) * self.vat_rate_bp / 10_000)


# When a province has configured nothing: 0.15 % of a deposit; 0.2 % of a loan repayment,
# at least 2,000 đ; 30,000 đ per payment account; remittance 0.8 % (at least 15,000 đ, at
# most 1,000,000 đ) plus VAT at 10 %.
DEFAULTS: dict[str, Rate] = {
    RateService.SAVINGS: Rate(rate_bp=15),
    RateService.CREDIT: Rate(rate_bp=20, minimum=2_000),
    RateService.PAYMENT_ACCOUNT: Rate(fixed=30_000),
    RateService.REMITTANCE: Rate(rate_bp=80, minimum=15_000, maximum=1_000_000, vat_rate_bp=1_000),
}


def _rows(province_code: str, service: str) -> list[tuple[str, dt.date, Rate]]:
    rows = AgencyRate.objects.filter(province_code=province_code, service=service).values_list(
        "partner", "valid_from", "rate_bp", "fixed", "minimum", "maximum", "vat_rate_bp"
    )
    return [(row[0], row[1], Rate(*row[2:])) for row in rows]


def rate_in_force(*, province_code: str, service: str, partner: str, day: dt.date) -> Rate:
    """The rate of ``service`` in force on ``day`` in the province: the partner's own if it
    has one, else the province's for every partner, else the default."""
    rows = memo(("rates", province_code, service), lambda: _rows(province_code, service))
    for wanted in (partner, ""):
        started = [(since, rate) for who, since, rate in rows if who == wanted and since <= day]
        if started:
            return max(started, key=lambda found: found[0])[1]
    return DEFAULTS[service]
