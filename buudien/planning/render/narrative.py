"""The report's prose, written in Vietnamese from its figures.

Every sentence is assembled from the report: a figure that is null is left out (a clause
without it, or no sentence at all), never written as 0. Sections without a sentence are
dropped and the rest numbered in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from buudien.planning.render import numbers as n
from buudien.planning.render.names import (
    KIND_WORDS,
    ground_name,
    line_name,
    lower_first,
    service_name,
)

GROWING = 10.0  # a service "grew well" from this growth on last year, in percent
MAIN_GROUNDS = 3  # the grounds of complaint the prose names, the most first


@dataclass
class Section:
    key: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Narrative:
    intro: str
    parts: list[tuple[str, list[Section]]]  # (part heading, its sections)


def _sentence(*clauses: str) -> str:
    """Clauses joined by commas, the empty ones left out, capitalised, with a full stop."""
    text = ", ".join(clause for clause in clauses if clause)
    return text[:1].upper() + text[1:] + "." if text else ""


def _figure_clauses(figure: dict[str, Any] | None, year: Any, *, verb: str = "đạt") -> list[str]:
    """ "đạt 138,2 tỷ đồng", "bằng 101,2% kế hoạch", "tăng 5,3% so với năm 2022"."""
    f = figure or {}
    actual = f.get("actual")
    if not n.is_number(actual):
        return []
    if actual < 0:
        clauses = [f"âm {n.amount_words(-actual)}"]
    else:
        clauses = [f"{verb} {n.amount_words(actual)}".strip()]
    if n.is_number(f.get("plan_pct")):
        clauses.append(f"bằng {n.percent(f['plan_pct'])} kế hoạch")
    growth = n.growth_words(f.get("growth_pct"))
    if growth:
        last = f"năm {year - 1}" if isinstance(year, int) else "năm trước"
        clauses.append(f"{growth} so với {last}" if growth != "bằng" else f"bằng {last}")
    return clauses


def _against(figure: dict[str, Any], last: str) -> str:
    """ ", tăng 5,2% so với năm 2023" (or ", bằng năm 2023"): the growth of ``figure``, or
    nothing without one."""
    growth = n.growth_words(figure.get("growth_pct"))
    if not growth:
        return ""
    return f", {growth} so với {last}" if growth != "bằng" else f", bằng {last}"


def _subject(report: dict[str, Any]) -> str:
    unit = report.get("unit") or {}
    if unit and unit.get("kind") not in (None, "province"):
        return str(unit.get("name") or "Đơn vị")
    return "Bưu điện tỉnh"


def report_title(report: dict[str, Any]) -> str:
    """The title under "BÁO CÁO": a year's review and next year's plan, or a period's results."""
    if is_partial(report):
        return f"Kết quả thực hiện kế hoạch sản xuất kinh doanh {period_name(report)}"
    year = report.get("year")
    plan = report.get("next_year_plan") or {}
    next_year = plan.get("year") or (year + 1 if isinstance(year, int) else "")
    return f"Tổng kết công tác năm {year} và kế hoạch năm {next_year}"


def is_partial(report: dict[str, Any]) -> bool:
    """True when the report is of a part of the year (a month, a quarter, 6 or 9 months)."""
    return (report.get("period") or {}).get("kind", "year") != "year"


def period_name(report: dict[str, Any]) -> str:
    """ "năm 2026", "6 tháng đầu năm 2026", "quý III năm 2026" ..."""
    period = report.get("period") or {}
    return str(period.get("name") or f"năm {report.get('year')}")


_PLAN_PCT = re.compile(r"(% kế hoạch)(?=[,.;)]|$)")


def _same_period(text: str, year: Any) -> str:
    """A sentence of a report of part of the year: compared with the same period a year
    before ("cùng kỳ"), and its % of plan said to be of the year's plan."""
    if isinstance(year, int):
        text = text.replace(f"so với năm {year - 1}", f"so với cùng kỳ năm {year - 1}")
        text = text.replace(f"bằng năm {year - 1}", f"bằng cùng kỳ năm {year - 1}")
    text = text.replace("so với năm trước", "so với cùng kỳ năm trước")
    return _PLAN_PCT.sub(r"\1 năm", text)


def _estimated(report: dict[str, Any]) -> str:
    """ "ước thực hiện " when the report's period is not over yet, else nothing."""
    return "ước thực hiện " if report.get("estimate") else ""


def _estimate_note(report: dict[str, Any], year: Any) -> str:
    """What an estimate rests on, said once after the revenue."""
    estimate = report.get("estimate") or {}
    if not estimate:
        return ""
    last = f"năm {year - 1}" if isinstance(year, int) else "năm trước"
    if estimate.get("basis") == "plan":
        return (
            f"Số liệu thực hiện đến hết ngày {n.day(estimate.get('actual_to'))}; "
            "doanh thu những ngày còn lại được ước theo kế hoạch năm (tỷ lệ theo số ngày), "
            f"chỉ tiêu chưa có kế hoạch ước theo số liệu cùng kỳ {last}."
        )
    return (
        f"Số liệu thực hiện đến hết ngày {n.day(estimate.get('actual_to'))}; "
        f"những ngày còn lại của năm được ước theo số liệu cùng kỳ {last}."
    )


def _revenue(report: dict[str, Any], year: Any) -> Section:
    section = Section("revenue", "Doanh thu")
    clauses = _figure_clauses(report.get("revenue"), year)
    if clauses:
        share = report.get("period_plan") or {}
        if n.is_number(share.get("revenue_plan_pct")):
            clauses.insert(
                2 if len(clauses) > 2 and "kế hoạch" in clauses[1] else 1,
                f"đạt {n.percent(share['revenue_plan_pct'])} kế hoạch {period_name(report)}",
            )
        section.paragraphs.append(
            _sentence(
                f"Tổng doanh thu {_estimated(report)}{period_name(report)} {clauses[0]}",
                *clauses[1:],
            )
        )
        note = _estimate_note(report, year)
        if note:
            section.paragraphs.append(note)
    lines = []
    for line in report.get("lines") or []:
        if not line.get("actual") and not line.get("plan"):
            continue  # a line that earned nothing and had no plan is not worth a sentence
        line_clauses = _figure_clauses(line, None)
        if not line_clauses:
            continue
        name = line_name(line.get("code"), line.get("name"))
        name = "các dịch vụ khác" if line.get("code") == "other" else lower_first(name)
        # "so với năm trước" is said once, for the total; per line the growth stands alone.
        line_clauses = [c.replace(" so với năm trước", "") for c in line_clauses]
        lines.append(", ".join([f"{name} {line_clauses[0]}", *line_clauses[1:]]))
    if lines:
        section.paragraphs.append("Trong đó: " + "; ".join(lines) + ".")
    services = [s for s in report.get("services") or [] if n.is_number(s.get("growth_pct"))]
    last = f"năm {year - 1}" if isinstance(year, int) else "năm trước"
    grew = [s for s in services if s["growth_pct"] >= GROWING]
    if grew:
        listed = ", ".join(
            f"{lower_first(service_name(s.get('code'), s.get('name')))} "
            f"{n.growth_words(s['growth_pct'])}"
            for s in grew
        )
        section.paragraphs.append(f"Một số dịch vụ tăng trưởng tốt so với {last} như: {listed}.")
    fell = [s for s in services if s["growth_pct"] < 0]
    if fell:
        listed = ", ".join(
            f"{lower_first(service_name(s.get('code'), s.get('name')))} "
            f"{n.growth_words(s['growth_pct'])}"
            for s in fell
        )
        section.paragraphs.append(f"Một số dịch vụ giảm so với {last}: {listed}.")
    return section


def _budget(report: dict[str, Any], year: Any) -> Section:
    section = Section("budget", "Nộp ngân sách và chênh lệch thu chi")
    budget = report.get("budget_contribution") or {}
    clauses = _figure_clauses(budget, year, verb="")
    if clauses:
        taxes = [
            f"{TAX_WORDS.get(t.get('code'), str(t.get('name') or '').lower())} "
            f"{n.amount_words(t['actual'])}"
            for t in budget.get("by_tax") or []
            if n.is_number(t.get("actual"))
        ]
        local = (budget.get("by_level") or {}).get("local") or {}
        if n.is_number(local.get("actual")) and local["actual"] < budget["actual"]:
            clauses.insert(1, f"trong đó ngân sách địa phương {n.amount_words(local['actual'])}")
        text = _sentence(f"{budget_label(report)} {clauses[0]}", *clauses[1:])
        if len(taxes) > 1:
            text = text[:-1] + ", gồm: " + ", ".join(taxes) + "."
        section.paragraphs.append(text)
    costs = _costs_sentence(report, year)
    if costs:
        section.paragraphs.append(costs)
    clauses = _figure_clauses(report.get("surplus"), year)
    if clauses:
        section.paragraphs.append(_sentence(f"Chênh lệch thu chi {clauses[0]}", *clauses[1:]))
    units = [
        u
        for u in report.get("per_unit") or []
        if n.is_number((u.get("surplus") or {}).get("actual"))
    ]
    if units:
        positive = sum(1 for u in units if u["surplus"]["actual"] > 0)
        section.paragraphs.append(
            f"{n.number(positive)}/{n.number(len(units))} đơn vị trực thuộc có chênh lệch thu chi "
            "dương."
        )
    return section


# The taxes named in a sentence.
TAX_WORDS = {
    "3331": "thuế giá trị gia tăng",
    "3334": "thuế thu nhập doanh nghiệp",
    "3335": "thuế thu nhập cá nhân",
    "3337": "thuế nhà đất, tiền thuê đất",
    "3338": "các loại thuế khác",
    "3339": "phí, lệ phí và các khoản phải nộp khác",
}


def budget_label(report: dict[str, Any]) -> str:
    """ "Nộp ngân sách địa phương" when every payment recorded went to the local budget (as a
    provincial post's do), else "Nộp ngân sách nhà nước"."""
    budget = report.get("budget_contribution") or {}
    levels = budget.get("by_level") or {}
    unexplained = (budget.get("not_classified") or {}).get("actual")
    if set(levels) == {"local"} and not unexplained:
        return "Nộp ngân sách địa phương"
    return "Nộp ngân sách nhà nước"


# The groups of costs named in a sentence, in lower case.
COST_GROUP_WORDS = {
    "632": "giá vốn hàng bán",
    "641": "chi phí bán hàng",
    "642": "chi phí quản lý doanh nghiệp",
    "635": "chi phí tài chính",
    "811": "chi phí khác",
}


def _costs_sentence(report: dict[str, Any], year: Any) -> str:
    """ "Tổng chi phí 120,3 tỷ đồng, tăng 4,1% so với năm 2022, trong đó: giá vốn hàng bán
    10,2 tỷ đồng, chi phí bán hàng 80,1 tỷ đồng, chi phí quản lý doanh nghiệp 30 tỷ đồng." """
    costs = report.get("expenses") or {}
    clauses = _figure_clauses(costs, year, verb="")
    if not clauses:
        return ""
    parts = [
        f"{COST_GROUP_WORDS.get(g.get('code'), str(g.get('name') or '').lower())} "
        f"{n.amount_words(g['actual'])}"
        for g in costs.get("groups") or []
        if n.is_number(g.get("actual"))
    ]
    text = _sentence(f"Tổng chi phí {clauses[0]}", *clauses[1:])
    if parts:
        text = text[:-1] + ", trong đó: " + ", ".join(parts) + "."
    return text


def _network(report: dict[str, Any]) -> Section:
    section = Section("network", "Mạng lưới điểm phục vụ")
    network = report.get("network") or {}
    by_kind: dict[str, Any] = network.get("points_by_kind") or {}
    counters = {k: v for k, v in by_kind.items() if k != "centre" and n.is_number(v) and v}
    total = sum(counters.values()) if counters else network.get("points_total")
    if n.is_number(total) and total:
        clauses = [
            f"Duy trì ổn định và nâng cao chất lượng phục vụ tại {n.number(total)} điểm phục vụ"
        ]
        coverage = n.percent_short(network.get("coverage_pct"))
        if coverage:
            covered, all_ = network.get("communes_covered"), network.get("communes_total")
            where = f"tại {coverage} xã"
            if n.is_number(covered) and n.is_number(all_):
                where += f" ({n.number(covered)}/{n.number(all_)} xã, phường, thị trấn)"
            clauses[0] = clauses[0].replace(" điểm phục vụ", " điểm phục vụ " + where)
        parts = []
        for kind, count in counters.items():
            words = KIND_WORDS.get(kind, kind)  # type: ignore[call-overload]
            part = f"{n.number(count)} {words}"
            multi = network.get("bdvhx_multi_service")
            if kind == "bdvhx" and n.is_number(multi) and multi:
                part += f" (trong đó {n.number(multi)} điểm đa dịch vụ)"
            parts.append(part)
        text = clauses[0]
        if parts:
            text += ", gồm: " + ", ".join(parts)
        section.paragraphs.append(text + ".")
    change = report.get("network_change") or {}
    moves = []
    for key, verb in (("opened_by_kind", "mở mới"), ("closed_by_kind", "dừng hoạt động")):
        counts = {k: v for k, v in (change.get(key) or {}).items() if n.is_number(v) and v}
        if counts:
            listed = ", ".join(f"{n.number(v)} {KIND_WORDS.get(k, k)}" for k, v in counts.items())
            moves.append(f"{verb} {listed}")
    if moves:
        section.paragraphs.append(_sentence("Trong kỳ " + "; ".join(moves)))
    return section


def _services(report: dict[str, Any]) -> Section:
    section = Section("finance", "Thanh toán không dùng tiền mặt và dịch vụ tài chính")
    cashless = (report.get("network") or {}).get("cashless_points")
    if n.is_number(cashless) and cashless:
        section.paragraphs.append(
            f"Triển khai thanh toán không dùng tiền mặt tại {n.number(cashless)} điểm giao dịch "
            "bưu điện cung cấp dịch vụ thu hộ, chi hộ trên mạng lưới."
        )
    accounts = report.get("payment_accounts") or {}
    opened = accounts.get("actual", report.get("payment_accounts_opened"))
    if n.is_number(opened) and opened:
        text = f"Hỗ trợ người dân mở {n.number(opened)} tài khoản thanh toán"
        online = accounts.get("online")
        if n.is_number(online) and online:
            text += f", trong đó mở online {n.number(online)} tài khoản"
        section.paragraphs.append(text + ".")
    savings = report.get("savings") or {}
    if n.is_number(savings.get("actual")):
        year = report.get("year")
        last = f"cùng kỳ năm {year - 1}" if isinstance(year, int) else "cùng kỳ năm trước"
        section.paragraphs.append(
            f"Số dư tiết kiệm bưu điện huy động đến ngày {n.day(savings.get('as_at'))} đạt "
            f"{n.amount_words(savings['actual'], 3)}{_against(savings, last)}."
        )
    pensions = report.get("pensions_paid")
    if n.is_number(pensions) and pensions:
        section.paragraphs.append(
            f"Chi trả lương hưu và trợ cấp bảo hiểm xã hội {n.number(pensions)} lượt."
        )
    items = report.get("items_by_service") or {}
    counted = [(code, v) for code, v in items.items() if n.is_number(v) and v]
    if counted:
        listed = ", ".join(
            f"{lower_first(service_name(code))} {n.number(v)}" for code, v in counted
        )
        section.paragraphs.append(f"Sản lượng bưu gửi: {listed}.")
    return section


def _public_admin(report: dict[str, Any], year: Any) -> Section:
    """Dossiers received (against last year), results returned (the share on time), the
    agencies' fees collected: one sentence, the clauses without data left out."""
    section = Section("public_admin", "Hành chính công")
    figures = report.get("public_admin") or {}
    last = f"năm {year - 1}" if isinstance(year, int) else "năm trước"
    clauses = []
    received = figures.get("received") or {}
    if n.is_number(received.get("actual")):
        clause = f"tiếp nhận {n.number(received['actual'])} hồ sơ hành chính công"
        clause += _against(received, last)
        clauses.append(clause)
    returned = figures.get("returned") or {}
    if n.is_number(returned.get("actual")):
        clause = f"trả kết quả {n.number(returned['actual'])} hồ sơ"
        on_time = (figures.get("on_time_pct") or {}).get("actual")
        if n.is_number(on_time):
            clause += f", trong đó {n.percent(on_time)} đúng hẹn"
        clauses.append(clause)
    fees = (figures.get("agency_fees") or {}).get("actual")
    if n.is_number(fees) and fees:
        clauses.append(f"thu hộ phí, lệ phí {n.amount_words(fees)} cho các cơ quan giải quyết")
    if clauses:
        text = "; ".join(clauses)
        section.paragraphs.append(text[:1].upper() + text[1:] + ".")
    return section


def _goods(report: dict[str, Any], year: Any) -> Section:
    """Revenue of the goods sold (against last year), gross margin, units, the BĐVHX, the
    stock at the end: one sentence, the clauses without data left out."""
    section = Section("goods", "Kinh doanh hàng hóa")
    figures = report.get("goods") or {}
    last = f"năm {year - 1}" if isinstance(year, int) else "năm trước"
    clauses = []
    revenue = figures.get("revenue") or {}
    if n.is_number(revenue.get("actual")) and revenue["actual"]:
        clause = f"doanh thu bán hàng hóa đạt {n.amount_words(revenue['actual'])}"
        clause += _against(revenue, last)
        clauses.append(clause)
    margin = (figures.get("gross_margin") or {}).get("actual")
    if n.is_number(margin) and clauses:
        clause = f"lãi gộp {n.amount_words(margin)}"
        ratio = (figures.get("margin_pct") or {}).get("actual")
        if n.is_number(ratio):
            clause += f" ({n.percent(ratio)} doanh thu)"
        clauses.append(clause)
    units = (figures.get("units_sold") or {}).get("actual")
    if n.is_number(units) and units:
        clauses.append(f"bán ra {n.number(units)} sản phẩm")
    bdvhx = (figures.get("bdvhx_revenue") or {}).get("actual")
    if n.is_number(bdvhx) and bdvhx:
        clauses.append(f"trong đó tại các điểm BĐVHX {n.amount_words(bdvhx)} doanh thu")
    stock = (figures.get("stock_value") or {}).get("actual")
    if n.is_number(stock) and stock and clauses:
        clauses.append(f"giá trị hàng tồn kho cuối kỳ {n.amount_words(stock)}")
    if clauses:
        text = "; ".join(clauses)
        section.paragraphs.append(text[:1].upper() + text[1:] + ".")
    return section


def _telecom(report: dict[str, Any], year: Any) -> Section:
    """The commission of the top-ups and card codes sold (against last year), their face
    value and count, the BĐVHX's share: one sentence, the clauses without data left out."""
    section = Section("telecom", "Dịch vụ viễn thông")
    figures = report.get("telecom") or {}
    last = f"năm {year - 1}" if isinstance(year, int) else "năm trước"
    clauses = []
    commission = figures.get("commission") or {}
    if n.is_number(commission.get("actual")) and commission["actual"]:
        clause = (
            f"doanh thu hoa hồng nạp tiền và bán mã thẻ đạt {n.amount_words(commission['actual'])}"
        )
        growth = n.growth_words(commission.get("growth_pct"))
        if growth:
            clause += f", {growth} so với {last}" if growth != "bằng" else f", bằng {last}"
        clauses.append(clause)
    face = (figures.get("face_value") or {}).get("actual")
    sales = (figures.get("sales") or {}).get("actual")
    if n.is_number(face) and face and n.is_number(sales) and sales:
        clauses.append(f"bán ra {n.amount_words(face)} mệnh giá qua {n.number(sales)} giao dịch")
    share = (figures.get("bdvhx_share_pct") or {}).get("actual")
    if n.is_number(share) and share and clauses:
        clauses.append(f"các điểm BĐVHX chiếm {n.percent(share)} số giao dịch")
    if clauses:
        text = "; ".join(clauses)
        section.paragraphs.append(text[:1].upper() + text[1:] + ".")
    return section


def _insurance(report: dict[str, Any], year: Any) -> Section:
    """Policies sold as the insurers' agent and the commission earned (against last year),
    the premiums collected, the BĐVHX: one sentence, the clauses without data left out."""
    section = Section("insurance", "Bảo hiểm")
    figures = report.get("insurance") or {}
    last = f"năm {year - 1}" if isinstance(year, int) else "năm trước"
    clauses = []
    policies = figures.get("policies") or {}
    if n.is_number(policies.get("actual")) and policies["actual"]:
        clause = f"bán {n.number(policies['actual'])} hợp đồng bảo hiểm"
        clause += _against(policies, last)
        clauses.append(clause)
    premium = (figures.get("premium") or {}).get("actual")
    if n.is_number(premium) and premium:
        clauses.append(f"thu phí bảo hiểm {n.amount_words(premium)}")
    commission = figures.get("commission") or {}
    if n.is_number(commission.get("actual")) and commission["actual"]:
        clause = f"doanh thu hoa hồng đại lý đạt {n.amount_words(commission['actual'])}"
        clause += _against(commission, last)
        clauses.append(clause)
    bdvhx = (figures.get("bdvhx_policies") or {}).get("actual")
    if n.is_number(bdvhx) and bdvhx and clauses:
        clauses.append(f"trong đó {n.number(bdvhx)} hợp đồng bán tại các điểm BĐVHX")
    if clauses:
        text = "; ".join(clauses)
        section.paragraphs.append(text[:1].upper() + text[1:] + ".")
    return section


def _press(report: dict[str, Any], year: Any) -> Section:
    """The revenue of the press (against last year), the subscriptions and their copies,
    the share delivered on time; the public press's revenue, recipients, communes and share
    on time: a sentence each, the clauses without data left out."""
    section = Section("press", "Báo chí và báo chí công ích")
    figures = report.get("press") or {}
    last = f"năm {year - 1}" if isinstance(year, int) else "năm trước"

    def revenue(key: str, words: str) -> str:
        figure = figures.get(key) or {}
        if not n.is_number(figure.get("actual")) or not figure["actual"]:
            return ""
        return f"doanh thu {words} đạt {n.amount_words(figure['actual'])}" + _against(figure, last)

    def on_time(key: str, words: str) -> str:
        share = (figures.get(key) or {}).get("actual")
        return f"tỷ lệ {words} đúng thời gian đạt {n.percent(share)}" if n.is_number(share) else ""

    clauses = [revenue("press_revenue", "phát hành báo chí")]
    subscriptions = (figures.get("subscriptions") or {}).get("actual")
    copies = (figures.get("subscribed_copies") or {}).get("actual")
    if n.is_number(subscriptions) and subscriptions:
        clause = f"{n.number(subscriptions)} lượt đặt mua báo chí"
        if n.is_number(copies) and copies:
            clause += f" với {n.number(copies)} bản"
        clauses.append(clause)
    clauses.append(on_time("press_on_time_pct", "phát báo"))
    public = [revenue("public_press_revenue", "báo chí công ích")]
    reached = (figures.get("public_reached") or {}).get("actual")
    communes = (figures.get("communes_covered") or {}).get("actual")
    if n.is_number(reached) and reached:
        clause = f"phát báo chí công ích đến {n.number(reached)} đối tượng"
        if n.is_number(communes) and communes:
            clause += f" tại {n.number(communes)} xã"
        public.append(clause)
    public.append(on_time("public_on_time_pct", "phát báo chí công ích"))
    never = (figures.get("public_never_reached") or {}).get("actual")
    if n.is_number(never) and never and any(public):
        public.append(f"còn {n.number(never)} đối tượng chưa được phát")
    for found in (clauses, public):
        text = "; ".join(clause for clause in found if clause)
        if text:
            section.paragraphs.append(text[:1].upper() + text[1:] + ".")
    return section


def _quality(report: dict[str, Any], year: Any) -> Section:
    """The on-time delivery rate against its plan; the requests of customers and the
    complaints among them (per 10,000 items), the share resolved within the legal time, those
    upheld and the compensation paid; the main grounds of the complaints: a sentence each,
    the clauses without data left out."""
    section = Section("quality", "Chất lượng dịch vụ và chăm sóc khách hàng")
    rate = ((report.get("quality") or {}).get("on_time_rate")) or {}
    if n.is_number(rate.get("actual")):
        plan = rate.get("plan")
        clauses = [f"Tỷ lệ phát đúng thời gian toàn trình đạt {n.percent(rate['actual'])}"]
        if n.is_number(plan):
            clauses.append(f"kế hoạch {n.percent(plan)}")
        section.paragraphs.append(_sentence(*clauses))
    figures = report.get("care") or {}
    last = f"năm {year - 1}" if isinstance(year, int) else "năm trước"
    clauses = []
    received = figures.get("received") or {}
    if n.is_number(received.get("actual")) and received["actual"]:
        clauses.append(
            f"tiếp nhận {n.number(received['actual'])} yêu cầu của khách hàng"
            + _against(received, last)
        )
    complaints = (figures.get("complaints") or {}).get("actual")
    if n.is_number(complaints) and clauses:
        clause = f"trong đó {n.number(complaints)} khiếu nại"
        per = (figures.get("complaints_per_10000") or {}).get("actual")
        if n.is_number(per):
            clause += f" ({n.decimal(per)} khiếu nại trên 10.000 bưu gửi chấp nhận)"
        clauses.append(clause)
    on_time = (figures.get("on_time_pct") or {}).get("actual")
    if n.is_number(on_time):
        clauses.append(f"{n.percent(on_time)} khiếu nại được giải quyết trong thời hạn quy định")
    upheld = (figures.get("upheld") or {}).get("actual")
    if n.is_number(upheld) and upheld:
        clauses.append(f"{n.number(upheld)} khiếu nại được xác định đúng (toàn bộ hoặc một phần)")
    paid = (figures.get("compensation_paid") or {}).get("actual")
    count = (figures.get("compensations") or {}).get("actual")
    if n.is_number(paid) and paid:
        clause = f"bồi thường cho khách hàng {n.amount_words(paid)}"
        if n.is_number(count) and count:
            clause += f" ({n.number(count)} trường hợp)"
        clauses.append(clause)
    if clauses:
        text = "; ".join(clauses)
        section.paragraphs.append(text[:1].upper() + text[1:] + ".")
    grounds = [
        f"{ground_name(row.get('code'), row.get('name')).lower()} "
        f"({n.number(row['complaints'])} vụ)"
        for row in figures.get("per_ground") or []
        if n.is_number(row.get("complaints")) and row["complaints"]
    ][:MAIN_GROUNDS]
    if grounds:
        section.paragraphs.append(f"Nguyên nhân khiếu nại chủ yếu: {'; '.join(grounds)}.")
    return section


def _workforce(report: dict[str, Any], year: Any) -> Section:
    """The headcount at the year's end against last year's, by contract; those who joined and
    left; the average income per head a month against last year."""
    section = Section("workforce", "Lao động và thu nhập")
    figures = report.get("workforce") or {}
    headcount = figures.get("headcount") or {}
    last = f"năm {year - 1}" if isinstance(year, int) else "năm trước"
    clauses = []
    if n.is_number(headcount.get("actual")):
        as_of = n.day(figures["as_of"]) if figures.get("as_of") else f"31/12/{year}"
        clause = f"Tổng số lao động đến {as_of} là {n.number(headcount['actual'])} người"
        clauses.append(clause + _against(headcount, last))
        kinds = [
            f"{n.number(row['actual'])} {str(row['name'])[:1].lower()}{str(row['name'])[1:]}"
            for row in figures.get("by_contract") or []
            if row.get("actual")
        ]
        if kinds:
            clauses.append(f"trong đó {', '.join(kinds)}")
        moved = []
        if figures.get("joined"):
            moved.append(f"tuyển mới {n.number(figures['joined'])} người")
        if figures.get("left"):
            moved.append(f"{n.number(figures['left'])} người nghỉ việc")
        if moved:
            clauses.append("trong năm " + ", ".join(moved))
    income = figures.get("average_income") or {}
    if n.is_number(income.get("actual")):
        clauses.append(
            f"thu nhập bình quân đạt {n.decimal(income['actual'] / 1_000_000, 1)} triệu "
            "đồng/người/tháng" + _against(income, last)
        )
    if clauses:
        text = "; ".join(clauses)
        section.paragraphs.append(text[:1].upper() + text[1:] + ".")
    return section


def _emulation(report: dict[str, Any], year: Any) -> Section:
    """The movements launched, the pledges signed and met; the titles and awards of the State
    and of a ministry by name (several people with one title counted), the rest counted by
    kind; the initiatives recognised, their benefit and where they are applied."""
    section = Section("emulation", "Công tác thi đua, khen thưởng")
    figures = report.get("emulation") or {}
    themes = [f"“{row['theme']}”" for row in figures.get("movements") or [] if row.get("theme")]
    if themes:
        count = (
            f"{n.number(len(themes))} phong trào thi đua"
            if len(themes) > 1
            else "phong trào thi đua"
        )
        section.paragraphs.append(
            f"{_subject(report)[:1].upper()}{_subject(report)[1:]} đã phát động {count}: "
            f"{', '.join(themes)}."
        )
    pledges = figures.get("pledges") or {}
    if n.is_number(pledges.get("signed")) and pledges["signed"]:
        clauses = [f"{n.number(pledges['signed'])} đơn vị ký giao ước thi đua năm {year}"]
        if pledges.get("assessed"):
            clauses.append(
                f"{n.number(pledges['met'])}/{n.number(pledges['assessed'])} đơn vị hoàn thành "
                "toàn bộ các chỉ tiêu giao ước"
            )
        section.paragraphs.append(_sentence("; ".join(clauses)))
    named: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in figures.get("notable") or []:
        named.setdefault((row["title"], row.get("issuer") or ""), []).append(row)
    given = []
    for (title, issuer), rows in named.items():
        by = f" của {issuer}" if issuer else ""
        people = [row["recipient"] for row in rows if row.get("person")]
        units = [row["recipient"] for row in rows if not row.get("person")]
        if units:
            given.append(f"{' và '.join(units)} được tặng {title}{by}")
        if len(people) > 2:
            given.append(f"{n.number(len(people))} cá nhân được tặng {title}{by}")
        elif people:
            given.append(f"{' và '.join(people)} được tặng {title}{by}")
    awards = figures.get("awards") or {}
    total = (awards.get("total") or {}).get("actual")
    if n.is_number(total) and total:
        rest = [
            f"{n.number(row['total'])} {row['name'][:1].lower()}{row['name'][1:]}"
            for row in awards.get("per_kind") or []
            if row.get("total") and not any(row["name"] == title for title, _ in named)
        ]
        clause = f"tổng số {n.number(total)} lượt tập thể, cá nhân được khen thưởng"
        clause += _against(
            awards.get("total") or {}, f"năm {year - 1}" if isinstance(year, int) else "năm trước"
        )
        if rest:
            clause += f", trong đó {', '.join(rest)}"
        given.append(clause)
    if given:
        text = "; ".join(given)
        section.paragraphs.append(f"Trong kỳ, {text}.")
    initiatives = figures.get("initiatives") or {}
    recognised = (initiatives.get("recognised") or {}).get("actual")
    if n.is_number(recognised) and recognised:
        levels = [
            f"{n.number(row['count'])} {str(row['name']).lower()}"
            for row in initiatives.get("per_level") or []
            if row.get("count")
        ]
        clauses = [f"có {n.number(recognised)} sáng kiến, giải pháp được công nhận"
                   + (f" ({', '.join(levels)})" if levels else "")]  # fmt: skip
        if n.is_number(initiatives.get("benefit_amount")) and initiatives["benefit_amount"]:
            clauses.append(
                f"giá trị làm lợi ước tính {n.amount_words(initiatives['benefit_amount'])}"
            )
        if initiatives.get("applied_units"):
            clauses.append(f"được áp dụng tại {n.number(initiatives['applied_units'])} đơn vị")
        section.paragraphs.append(_sentence(*clauses))
    return section


def _next_year(report: dict[str, Any], year: Any) -> Section:
    plan = report.get("next_year_plan") or {}
    next_year = plan.get("year") or (year + 1 if isinstance(year, int) else None)
    section = Section("next_year", "Các chỉ tiêu kế hoạch chủ yếu")
    targets = []
    if n.is_number(plan.get("revenue")):
        targets.append(f"tổng doanh thu {n.amount_words(plan['revenue'], 3)}")
    if n.is_number(plan.get("surplus")):
        targets.append(f"chênh lệch thu chi đạt {n.amount_words(plan['surplus'], 3)}")
    if n.is_number(plan.get("budget_contribution")):
        targets.append(f"nộp ngân sách nhà nước {n.amount_words(plan['budget_contribution'], 3)}")
    if targets:
        uplift = plan.get("uplift_pct")
        beyond = f"vượt mức từ {n.percent_short(uplift)} " if n.is_number(uplift) else "vượt mức "
        section.paragraphs.append(
            f"Năm {next_year}, {_subject(report)} phấn đấu hoàn thành {beyond}các chỉ tiêu "
            f"kế hoạch Tổng công ty giao, trong đó: {'; '.join(targets)}."
        )
    return section


def narrative(report: dict[str, Any]) -> Narrative:
    year = report.get("year")
    plan = report.get("next_year_plan") or {}
    next_year = plan.get("year") or (year + 1 if isinstance(year, int) else "")
    name = (report.get("unit") or {}).get("name") or (report.get("province") or {}).get("name")
    partial = is_partial(report)
    if partial:
        intro = (
            f"{name or _subject(report)} báo cáo kết quả {_estimated(report)}thực hiện kế "
            f"hoạch sản xuất kinh doanh {period_name(report)} như sau:"
        )
    else:
        intro = (
            f"{name or _subject(report)} báo cáo kết quả {_estimated(report)}thực hiện kế "
            f"hoạch sản xuất kinh doanh năm {year} và kế hoạch năm {next_year} như sau:"
        )
    done = [
        s
        for s in (
            _revenue(report, year),
            _budget(report, year),
            _network(report),
            _services(report),
            _public_admin(report, year),
            _goods(report, year),
            _telecom(report, year),
            _insurance(report, year),
            _press(report, year),
            _quality(report, year),
            _workforce(report, year),
            _emulation(report, year),
        )
        if s.paragraphs
    ]
    # A part of the year is reported without next year's plan.
    ahead = [s for s in (_next_year(report, year),) if s.paragraphs] if not partial else []
    if partial:
        for section in done:
            section.paragraphs = [_same_period(text, year) for text in section.paragraphs]
    parts = []
    if done:
        heading = "ƯỚC THỰC HIỆN" if report.get("estimate") else "KẾT QUẢ THỰC HIỆN"
        parts.append((f"{heading} KẾ HOẠCH {period_name(report).upper()}", done))
    if ahead:
        parts.append((f"KẾ HOẠCH NĂM {next_year}", ahead))
    return Narrative(intro=intro, parts=parts)
