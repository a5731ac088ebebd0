"""The main (level-1) accounts of the enterprise chart, under which a trial balance groups the
ledger's accounts.

The ledger's codes start with the account of the chart they detail: ``1111.240001`` (a
point's drawer) and ``1121.bidv`` (a bank) are accounts 111 and 112, ``131.partner.evn`` is
131, ``3331`` 333, ``5113.kt1`` 511, ``6421.BDT2001`` 642. The level-1 numbers are the same
under Circular 200/2014/TT-BTC and Circular 99/2025/TT-BTC, which replaces it for the years
from 2026; the names are Circular 99's (112 "Tiền gửi không kỳ hạn", 242 "Chi phí chờ phân
bổ", 155 "Sản phẩm").
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MAIN_ACCOUNTS: dict[str, Promise] = {
    "111": _("Cash on hand"),
    "112": _("Demand deposits"),
    "113": _("Cash in transit"),
    "121": _("Trading securities"),
    "128": _("Held-to-maturity investments"),
    "131": _("Receivables from customers"),
    "133": _("Deductible VAT"),
    "136": _("Internal receivables"),
    "138": _("Other receivables"),
    "141": _("Advances"),
    "151": _("Goods purchased in transit"),
    "152": _("Raw materials"),
    "153": _("Tools and supplies"),
    "154": _("Work in progress"),
    "155": _("Finished products"),
    "156": _("Goods"),
    "157": _("Goods sent for sale"),
    "211": _("Tangible fixed assets"),
    "213": _("Intangible fixed assets"),
    "214": _("Depreciation of fixed assets"),
    "241": _("Construction in progress"),
    "242": _("Deferred expenses"),
    "331": _("Payables to suppliers"),
    "333": _("Taxes and amounts payable to the State"),
    "334": _("Payable to employees"),
    "335": _("Accrued expenses"),
    "336": _("Internal payables"),
    "338": _("Other payables"),
    "341": _("Borrowings and finance lease liabilities"),
    "353": _("Bonus and welfare funds"),
    "411": _("Owner's invested capital"),
    "421": _("Undistributed profit after tax"),
    "511": _("Revenue from sales and services"),
    "515": _("Finance income"),
    "632": _("Cost of goods sold"),
    "635": _("Finance expenses"),
    "641": _("Selling expenses"),
    "642": _("General and administrative expenses"),
    "711": _("Other income"),
    "811": _("Other expenses"),
    "821": _("Corporate income tax expense"),
    "911": _("Determination of business results"),
}


def main_account(code: str) -> str:
    """The level-1 account a ledger code details: its first three digits (``1111.240001`` is
    111, ``131.partner.evn`` 131); a code that does not start with three digits is its own
    main account, up to its first dot."""
    head = code.split(".", 1)[0]
    return head[:3] if head[:3].isdigit() and len(head) >= 3 else head


def main_account_name(code: str) -> str:
    """The chart's name of a level-1 account ("" for a number the chart does not list)."""
    name = MAIN_ACCOUNTS.get(code)
    return "" if name is None else str(name)
