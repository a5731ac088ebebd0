"""The report's tables, described once and drawn by every format.

A table is a title, columns (each with a kind: text, money, count, pct, growth) and rows of
raw values (ints of đồng, counts, percentages with one decimal, or None for no data). The
.docx and the page show money in millions of đồng and None as "—"; the .xlsx keeps whole đồng
with a number format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from buudien.planning.render import numbers as n
from buudien.planning.render.names import (
    channel_name,
    cost_name,
    ground_name,
    group_name,
    kind_name,
    line_name,
    service_name,
)
from buudien.planning.render.narrative import budget_label, is_partial, period_name

Kind = Literal["text", "money", "count", "pct", "growth", "decimal"]


@dataclass(frozen=True)
class Col:
    label: str
    kind: Kind = "text"


@dataclass
class Table:
    key: str
    title: str
    columns: list[Col]
    rows: list[list[Any]] = field(default_factory=list)
    total: list[Any] | None = None  # a last row in bold
    note: str = "Đơn vị tính: triệu đồng"
    sheet: str = ""  # the .xlsx sheet's name (at most 31 characters)
    # A row whose values are of another kind than their columns' (row index -> kind).
    row_kinds: dict[int, Kind] = field(default_factory=dict)

    def kind(self, row: int | None, column: int) -> Kind:
        """The kind of a cell: its column's, or its row's (a growth stays a growth)."""
        kind = self.columns[column].kind
        if kind not in ("text", "growth") and row is not None and row in self.row_kinds:
            return self.row_kinds[row]
        return kind

    def cell(self, index: int, value: Any, *, row: int | None = None) -> str:
        """The value of column ``index`` as the page and the .docx show it."""
        kind = self.kind(row, index)
        if kind == "text":
            return "" if value is None else str(value)
        if kind == "money":
            return n.millions(value)
        if kind == "count":
            return n.number(value)
        if kind == "pct":
            return n.percent(value)
        if kind == "decimal":
            return n.decimal(value)
        return n.signed_percent(value)

    def shown(self, row: list[Any], index: int | None = None) -> list[str]:
        return [self.cell(i, value, row=index) for i, value in enumerate(row)]

    @property
    def shown_rows(self) -> list[list[str]]:
        return [self.shown(row, index) for index, row in enumerate(self.rows)]

    @property
    def shown_total(self) -> list[str] | None:
        return self.shown(self.total) if self.total is not None else None

    @property
    def numeric(self) -> list[bool]:
        return [col.kind != "text" for col in self.columns]


def _pct(part: Any, whole: Any) -> float | None:
    """part / whole × 100 with one decimal, rounded half up; None without a divisor."""
    if not n.is_number(part) or not n.is_number(whole) or not whole:
        return None
    value = Decimal(part) * 100 / Decimal(whole)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _growth(actual: Any, previous: Any) -> float | None:
    pct = _pct(actual, previous)
    return None if pct is None else round(pct - 100, 1)


def _figure_row(label: str, figure: dict[str, Any] | None) -> list[Any]:
    f = figure or {}
    return [
        label,
        f.get("actual"),
        f.get("plan"),
        f.get("plan_pct"),
        f.get("previous"),
        f.get("growth_pct"),
    ]


def _figure_columns(report: dict[str, Any], first: str) -> list[Col]:
    this, last = _years(report.get("year"))
    done = "Ước thực hiện" if report.get("estimate") else "Thực hiện"
    if is_partial(report):
        return [
            Col(first),
            Col(f"{done} {period_name(report)}", "money"),
            Col(f"Kế hoạch năm {this}", "money"),
            Col("% kế hoạch năm", "pct"),
            Col(f"Cùng kỳ năm {last}", "money"),
            Col("Tăng trưởng so với cùng kỳ", "growth"),
        ]
    return [
        Col(first),
        Col(f"{done} {this}", "money"),
        Col(f"Kế hoạch {this}", "money"),
        Col("% kế hoạch", "pct"),
        Col(f"Thực hiện {last}", "money"),
        Col(f"Tăng trưởng so với {last}", "growth"),
    ]


def _years(year: Any) -> tuple[str, str]:
    if isinstance(year, int):
        return str(year), str(year - 1)
    return "năm nay", "năm trước"


ON_TIME_LABEL = "Tỷ lệ phát đúng thời gian toàn trình (%)"


def _on_time_rate(report: dict[str, Any]) -> dict[str, Any]:
    return ((report.get("quality") or {}).get("on_time_rate")) or {}


def summary_table(report: dict[str, Any]) -> Table:
    rows = [
        _figure_row("Tổng doanh thu", report.get("revenue")),
        _figure_row(budget_label(report), report.get("budget_contribution")),
        _figure_row("Chênh lệch thu chi", report.get("surplus")),
    ]
    row_kinds: dict[int, Kind] = {}
    rate = _on_time_rate(report)
    if any(n.is_number(rate.get(key)) for key in ("actual", "plan", "previous")):
        # A rate in %: its plan and last year's side by side, no % of plan nor growth.
        row_kinds[len(rows)] = "pct"
        rows.append(
            [ON_TIME_LABEL, rate.get("actual"), rate.get("plan"), None, rate.get("previous"), None]
        )
    return Table(
        key="summary",
        sheet="Chỉ tiêu chủ yếu",
        title="Các chỉ tiêu chủ yếu",
        columns=_figure_columns(report, "Chỉ tiêu"),
        rows=rows,
        row_kinds=row_kinds,
        note="Đơn vị tính: triệu đồng; tỷ lệ: %" if row_kinds else "Đơn vị tính: triệu đồng",
    )


def lines_table(report: dict[str, Any]) -> Table:
    rows = [
        _figure_row(line_name(line.get("code"), line.get("name")), line)
        for line in report.get("lines") or []
    ]
    return Table(
        key="lines",
        sheet="Mảng kinh doanh",
        title="Doanh thu theo mảng kinh doanh",
        columns=_figure_columns(report, "Mảng kinh doanh"),
        rows=rows,
        total=_figure_row("Tổng cộng", report.get("revenue")),
    )


def services_table(report: dict[str, Any]) -> Table:
    this, last = _years(report.get("year"))
    keys = ("actual", "previous", "volume", "volume_previous")
    rows = [
        [
            service_name(s.get("code"), s.get("name")),
            s.get("actual"),
            s.get("previous"),
            s.get("growth_pct"),
            s.get("volume"),
            s.get("volume_previous"),
            s.get("volume_growth_pct"),
        ]
        for s in report.get("services") or []
        if any(n.is_number(s.get(key)) for key in keys)
    ]
    return Table(
        key="services",
        sheet="Dịch vụ",
        title="Doanh thu và sản lượng theo dịch vụ",
        columns=[
            Col("Dịch vụ"),
            Col(f"Doanh thu {this}", "money"),
            Col(f"Doanh thu {last}", "money"),
            Col("Tăng trưởng doanh thu", "growth"),
            Col(f"Sản lượng {this}", "count"),
            Col(f"Sản lượng {last}", "count"),
            Col("Tăng trưởng sản lượng", "growth"),
        ],
        rows=rows,
        note="Doanh thu: triệu đồng; sản lượng: lượt, bưu gửi",
    )


def network_table(report: dict[str, Any]) -> Table:
    network = report.get("network") or {}
    by_kind = network.get("points_by_kind") or {}
    rows: list[list[Any]] = [[kind_name(kind), count] for kind, count in by_kind.items()]
    rows += [
        ["Trong đó: điểm BĐVHX đa dịch vụ", network.get("bdvhx_multi_service")],
        ["Điểm thanh toán không dùng tiền mặt", network.get("cashless_points")],
        ["Số xã có điểm phục vụ", network.get("communes_covered")],
        ["Tổng số xã", network.get("communes_total")],
        ["Tỷ lệ xã có điểm phục vụ", network.get("coverage_pct")],
    ]
    if not network:
        rows = []
    as_of = network.get("as_of")
    title = "Mạng lưới điểm phục vụ"
    if isinstance(as_of, str) and len(as_of) == 10:
        title += f" đến ngày {as_of[8:10]}/{as_of[5:7]}/{as_of[:4]}"
    return Table(
        key="network",
        sheet="Mạng lưới",
        title=title,
        columns=[Col("Loại điểm"), Col("Số điểm", "count")],
        rows=rows,
        note="",
        row_kinds={len(rows) - 1: "pct"} if rows else {},
    )


def units_table(report: dict[str, Any]) -> Table:
    rows = [
        _figure_row(str(unit.get("name") or unit.get("code") or ""), unit)
        for unit in report.get("per_unit") or []
    ]
    return Table(
        key="units",
        sheet="Đơn vị",
        title="Doanh thu theo đơn vị",
        columns=_figure_columns(report, "Đơn vị"),
        rows=rows,
        note=_successions_note(report),
    )


def _successions_note(report: dict[str, Any]) -> str:
    """The unit of the figures, and the successions the comparison used: "Số liệu năm trước
    của BDH01 được chuyển cho BDX06187 (40%), BDX06190 (60%)"."""
    parts = []
    for one in report.get("successions") or []:
        shares = ", ".join(
            f"{to.get('code')} ({n.percent_short(to.get('share_pct'))})"
            for to in one.get("to") or []
        )
        parts.append(f"{one.get('code')} → {shares}")
    note = "Đơn vị tính: triệu đồng"
    if parts:
        note += (
            ". Số liệu của đơn vị đã được thay thế được chuyển cho đơn vị kế nhiệm theo tỷ lệ: "
            + "; ".join(parts)
        )
    return note


def costs_table(report: dict[str, Any]) -> Table:
    """The costs by group of accounts and, below each, by category (the codes of the chart)."""
    this, last = _years(report.get("year"))
    done = "Ước thực hiện" if report.get("estimate") else "Thực hiện"
    costs = report.get("expenses") or {}
    rows: list[list[Any]] = []
    for group in costs.get("groups") or []:
        rows.append(
            [
                f"{group.get('code')} {group_name(group.get('code'), group.get('name'))}",
                group.get("actual"),
                group.get("previous"),
                group.get("growth_pct"),
            ]
        )
        for category in group.get("categories") or []:
            code = category.get("code")
            name = cost_name(code, category.get("name"))
            label = f"  – {name}" if code == group.get("code") else f"  – {code} {name}"
            rows.append(
                [
                    label,
                    category.get("actual"),
                    category.get("previous"),
                    category.get("growth_pct"),
                ]
            )
    rest = costs.get("not_classified") or {}
    if rows and (n.is_number(rest.get("actual")) or n.is_number(rest.get("previous"))):
        rows.append(
            [
                "Chi phí chưa phân loại",
                rest.get("actual"),
                rest.get("previous"),
                _growth(rest.get("actual"), rest.get("previous")),
            ]
        )
    return Table(
        key="costs",
        sheet="Chi phí",
        title="Chi phí theo khoản mục",
        columns=[
            Col("Khoản mục chi phí"),
            Col(f"{done} {this}", "money"),
            Col(f"Thực hiện {last}", "money"),
            Col("Tăng trưởng", "growth"),
        ],
        rows=rows,
        total=[
            "Tổng chi phí",
            costs.get("actual"),
            costs.get("previous"),
            costs.get("growth_pct"),
        ]
        if rows
        else None,
    )


def units_surplus_table(report: dict[str, Any]) -> Table:
    """Each unit's revenue, costs and surplus ("chênh lệch thu chi"), against its surplus plan
    and last year's."""
    this, last = _years(report.get("year"))
    units = report.get("per_unit") or []
    if not any(n.is_number(unit.get("expenses")) for unit in units):
        units = []  # no unit's costs known: no surplus to show
    rows = []
    for unit in units:
        surplus = unit.get("surplus") or {}
        if not any(n.is_number(v) for v in (unit.get("actual"), unit.get("expenses"))):
            continue
        rows.append(
            [
                str(unit.get("name") or unit.get("code") or ""),
                unit.get("actual"),
                unit.get("expenses"),
                surplus.get("actual"),
                surplus.get("plan"),
                surplus.get("previous"),
            ]
        )
    return Table(
        key="units_surplus",
        sheet="Thu chi đơn vị",
        title="Doanh thu, chi phí và chênh lệch thu chi theo đơn vị",
        columns=[
            Col("Đơn vị"),
            Col(f"Doanh thu {this}", "money"),
            Col(f"Chi phí {this}", "money"),
            Col(f"Chênh lệch thu chi {this}", "money"),
            Col(f"Kế hoạch chênh lệch {this}", "money"),
            Col(f"Chênh lệch thu chi {last}", "money"),
        ],
        rows=rows,
    )


def monthly_table(report: dict[str, Any]) -> Table:
    this, last = _years(report.get("year"))
    rows = []
    for index, row in enumerate(report.get("monthly") or []):
        month = row.get("month")
        label = f"Tháng {month}" if isinstance(month, int) else str(month or index + 1)
        if row.get("estimated"):
            label += " (ước)"
        actual, previous = row.get("actual"), row.get("previous")
        rows.append([label, actual, previous, _growth(actual, previous)])
    return Table(
        key="monthly",
        sheet="Theo tháng",
        title="Doanh thu theo tháng",
        columns=[
            Col("Tháng"),
            Col(f"Năm {this}", "money"),
            Col(f"Năm {last}", "money"),
            Col("Tăng trưởng", "growth"),
        ],
        rows=rows,
    )


def _public_admin(report: dict[str, Any]) -> dict[str, Any]:
    return report.get("public_admin") or {}


# The rows of the section "Hành chính công": (key of ``report["public_admin"]``, label, kind).
PUBLIC_ADMIN_ROWS: tuple[tuple[str, str, Kind], ...] = (
    ("received", "Hồ sơ tiếp nhận", "count"),
    ("returned", "Hồ sơ trả kết quả", "count"),
    ("on_time_pct", "Tỷ lệ trả kết quả đúng hẹn (%)", "pct"),
    ("agency_fees", "Phí, lệ phí thu hộ cơ quan giải quyết", "money"),
    ("fees_passed_on", "Phí, lệ phí đã chuyển cho cơ quan giải quyết", "money"),
    ("charges", "Cước dịch vụ của bưu điện", "money"),
)


def _figures_table(
    report: dict[str, Any],
    *,
    key: str,
    rows_of: tuple[tuple[str, str, Kind], ...],
    kind: Kind,
    sheet: str,
    title: str,
    note: str,
) -> Table:
    """A section's figures against last year, one row each (``rows_of``: the key in
    ``report[key]``, its label, its kind); the columns are of ``kind``, a row of another
    kind says so. No rows when the section has no figure at all."""
    section = report.get(key) or {}
    this, last = _years(report.get("year"))
    rows: list[list[Any]] = []
    row_kinds: dict[int, Kind] = {}
    for name, label, row_kind in rows_of:
        figure = section.get(name) or {}
        if row_kind != kind:
            row_kinds[len(rows)] = row_kind
        rows.append([label, figure.get("actual"), figure.get("previous"), figure.get("growth_pct")])
    if not any(n.is_number(value) for row in rows for value in row[1:]):
        rows = []
    return Table(
        key=key,
        sheet=sheet,
        title=title,
        columns=[
            Col("Chỉ tiêu"),
            Col(f"Năm {this}", kind),
            Col(f"Năm {last}", kind),
            Col("Tăng trưởng", "growth"),
        ],
        rows=rows,
        row_kinds=row_kinds if rows else {},
        note=note,
    )


def public_admin_table(report: dict[str, Any]) -> Table:
    """Dossiers received and returned, the on-time share, the fees and charges taken."""
    return _figures_table(
        report,
        key="public_admin",
        rows_of=PUBLIC_ADMIN_ROWS,
        kind="count",
        sheet="Hành chính công",
        title="Tiếp nhận và trả kết quả hồ sơ hành chính công",
        note="Hồ sơ: hồ sơ; tiền: triệu đồng; tỷ lệ: %",
    )


def public_admin_units_table(report: dict[str, Any]) -> Table:
    this, last = _years(report.get("year"))
    keys = ("received", "received_previous", "returned", "agency_fees", "charges")
    units = _public_admin(report).get("per_unit") or []
    rows = [
        [
            str(unit.get("name") or unit.get("code") or ""),
            unit.get("received"),
            unit.get("received_previous"),
            unit.get("returned"),
            unit.get("on_time_pct"),
            unit.get("agency_fees"),
        ]
        for unit in units
    ]
    if not any(n.is_number(unit.get(key)) for unit in units for key in keys):
        rows = []
    return Table(
        key="public_admin_units",
        sheet="Hành chính công - đơn vị",
        title="Hồ sơ hành chính công theo đơn vị",
        columns=[
            Col("Đơn vị"),
            Col(f"Tiếp nhận {this}", "count"),
            Col(f"Tiếp nhận {last}", "count"),
            Col(f"Trả kết quả {this}", "count"),
            Col("Tỷ lệ đúng hẹn", "pct"),
            Col("Phí, lệ phí thu hộ", "money"),
        ],
        rows=rows,
        note="Hồ sơ: hồ sơ; tiền: triệu đồng; tỷ lệ: %",
    )


def _goods(report: dict[str, Any]) -> dict[str, Any]:
    return report.get("goods") or {}


# The rows of the section "Kinh doanh hàng hóa": (key of ``report["goods"]``, label, kind).
GOODS_ROWS: tuple[tuple[str, str, Kind], ...] = (
    ("revenue", "Doanh thu bán hàng hóa (không gồm thuế GTGT)", "money"),
    ("cost", "Giá vốn hàng bán", "money"),
    ("gross_margin", "Lãi gộp", "money"),
    ("margin_pct", "Tỷ suất lãi gộp trên doanh thu (%)", "pct"),
    ("units_sold", "Số lượng hàng bán ra", "count"),
    ("bdvhx_revenue", "Doanh thu bán hàng tại điểm BĐVHX", "money"),
    ("stock_value", "Giá trị hàng tồn kho cuối kỳ (giá vốn)", "money"),
)


def goods_table(report: dict[str, Any]) -> Table:
    """Revenue, cost and gross margin of the goods sold, units, BĐVHX, stock at the end."""
    return _figures_table(
        report,
        key="goods",
        rows_of=GOODS_ROWS,
        kind="money",
        sheet="Hàng hóa",
        title="Kinh doanh hàng hóa tại các điểm phục vụ",
        note="Tiền: triệu đồng; số lượng: đơn vị sản phẩm; tỷ lệ: %",
    )


def goods_groups_table(report: dict[str, Any]) -> Table:
    this, last = _years(report.get("year"))
    groups = _goods(report).get("per_group") or []
    rows = [
        [
            str(group.get("name") or group.get("code") or ""),
            group.get("revenue"),
            group.get("revenue_previous"),
            group.get("growth_pct"),
            group.get("cost"),
            group.get("gross_margin"),
            group.get("margin_pct"),
            group.get("units_sold"),
        ]
        for group in groups
    ]
    return Table(
        key="goods_groups",
        sheet="Hàng hóa - nhóm hàng",
        title="Doanh thu, giá vốn và lãi gộp theo nhóm hàng",
        columns=[
            Col("Nhóm hàng"),
            Col(f"Doanh thu {this}", "money"),
            Col(f"Doanh thu {last}", "money"),
            Col("Tăng trưởng", "growth"),
            Col("Giá vốn", "money"),
            Col("Lãi gộp", "money"),
            Col("Tỷ suất lãi gộp", "pct"),
            Col("Số lượng bán", "count"),
        ],
        rows=rows,
        note="Tiền: triệu đồng; số lượng: đơn vị sản phẩm; tỷ lệ: %",
    )


# The rows of the section "Dịch vụ viễn thông": (key of ``report["telecom"]``, label, kind).
TELECOM_ROWS: tuple[tuple[str, str, Kind], ...] = (
    ("commission", "Doanh thu hoa hồng dịch vụ viễn thông", "money"),
    ("face_value", "Giá trị thẻ và nạp tiền bán ra (mệnh giá)", "money"),
    ("sales", "Số giao dịch nạp tiền và bán mã thẻ", "count"),
    ("bdvhx_sales", "Số giao dịch tại điểm BĐVHX", "count"),
)


def telecom_table(report: dict[str, Any]) -> Table:
    """Commission, face value sold and sales of telecom, the BĐVHX, against last year."""
    return _figures_table(
        report,
        key="telecom",
        rows_of=TELECOM_ROWS,
        kind="money",
        sheet="Viễn thông",
        title="Dịch vụ viễn thông (nạp tiền, mã thẻ điện thoại)",
        note="Tiền: triệu đồng; số lượng: giao dịch",
    )


# The rows of the section "Bảo hiểm": (key of ``report["insurance"]``, label, kind).
INSURANCE_ROWS: tuple[tuple[str, str, Kind], ...] = (
    ("policies", "Số hợp đồng bảo hiểm bán ra", "count"),
    ("premium", "Phí bảo hiểm thu hộ", "money"),
    ("commission", "Doanh thu hoa hồng đại lý bảo hiểm", "money"),
    ("owed", "Phí bảo hiểm phải trả các doanh nghiệp bảo hiểm", "money"),
    ("bdvhx_policies", "Số hợp đồng bán tại điểm BĐVHX", "count"),
)


def insurance_table(report: dict[str, Any]) -> Table:
    """Policies sold as the insurers' agent, premiums, commission revenue, at the BĐVHX."""
    return _figures_table(
        report,
        key="insurance",
        rows_of=INSURANCE_ROWS,
        kind="money",
        sheet="Bảo hiểm",
        title="Đại lý bảo hiểm tại các điểm phục vụ",
        note="Tiền: triệu đồng; hợp đồng: hợp đồng; tỷ lệ: %",
    )


# The rows of the section "Báo chí và báo chí công ích": (key of ``report["press"]``, label,
# kind).
PRESS_ROWS: tuple[tuple[str, str, Kind], ...] = (
    ("press_revenue", "Doanh thu phát hành báo chí", "money"),
    ("public_press_revenue", "Doanh thu báo chí công ích", "money"),
    ("subscriptions", "Số lượt đặt mua báo chí", "count"),
    ("subscribed_copies", "Số bản báo chí đặt mua", "count"),
    ("sales", "Giá trị báo chí đặt mua", "money"),
    ("press_delivered", "Số bản báo chí phát đến người đặt mua", "count"),
    ("press_on_time_pct", "Tỷ lệ phát báo chí đúng thời gian (%)", "pct"),
    ("public_delivered", "Số bản báo chí công ích phát đến đối tượng", "count"),
    ("public_on_time_pct", "Tỷ lệ phát báo chí công ích đúng thời gian (%)", "pct"),
    ("public_reached", "Số đối tượng được phát báo chí công ích", "count"),
    ("public_never_reached", "Số đối tượng chưa được phát báo chí công ích", "count"),
    ("communes_covered", "Số xã được phát báo chí công ích", "count"),
)


def press_table(report: dict[str, Any]) -> Table:
    """Revenue of the press and the public press, subscriptions, copies delivered and on
    time, the public press's recipients and communes, against last year."""
    return _figures_table(
        report,
        key="press",
        rows_of=PRESS_ROWS,
        kind="money",
        sheet="Báo chí",
        title="Phát hành báo chí và báo chí công ích",
        note="Tiền: triệu đồng; báo chí: bản; tỷ lệ: %",
    )


def press_titles_table(report: dict[str, Any]) -> Table:
    this, last = _years(report.get("year"))
    titles = (report.get("press") or {}).get("per_title") or []
    rows = [
        [
            str(title.get("name") or ""),
            title.get("subscriptions"),
            title.get("subscribed_copies"),
            title.get("sales"),
            title.get("sales_previous"),
            title.get("growth_pct"),
            title.get("press_on_time_pct"),
            title.get("public_delivered"),
            title.get("public_on_time_pct"),
        ]
        for title in titles
    ]
    return Table(
        key="press_titles",
        sheet="Báo chí - ấn phẩm",
        title="Báo chí theo ấn phẩm",
        columns=[
            Col("Ấn phẩm"),
            Col("Lượt đặt mua", "count"),
            Col("Bản đặt mua", "count"),
            Col(f"Giá trị đặt mua {this}", "money"),
            Col(f"Giá trị đặt mua {last}", "money"),
            Col("Tăng trưởng", "growth"),
            Col("Tỷ lệ đúng thời gian", "pct"),
            Col("Bản báo chí công ích đã phát", "count"),
            Col("Tỷ lệ công ích đúng thời gian", "pct"),
        ],
        rows=rows,
        note="Tiền: triệu đồng; báo chí: bản; tỷ lệ: %",
    )


# The rows of the section "Chất lượng dịch vụ và chăm sóc khách hàng": (key of
# ``report["care"]``, label, kind).
CARE_ROWS: tuple[tuple[str, str, Kind], ...] = (
    ("received", "Số yêu cầu của khách hàng tiếp nhận", "count"),
    ("complaints", "Trong đó: số khiếu nại", "count"),
    ("complaints_per_10000", "Số khiếu nại trên 10.000 bưu gửi chấp nhận", "decimal"),
    ("closed", "Số yêu cầu đã giải quyết xong", "count"),
    ("on_time_pct", "Tỷ lệ khiếu nại giải quyết trong thời hạn quy định (%)", "pct"),
    ("upheld", "Số khiếu nại được xác định đúng (toàn bộ hoặc một phần)", "count"),
    ("compensations", "Số trường hợp bồi thường đã chi trả", "count"),
    ("compensation_paid", "Số tiền bồi thường đã chi trả", "money"),
)
CARE_NOTE = "Yêu cầu, khiếu nại: vụ; tiền: triệu đồng; tỷ lệ: %"


def care_table(report: dict[str, Any]) -> Table:
    """Requests and complaints received, per 10,000 items, resolved in time, upheld, the
    compensation paid, against last year."""
    return _figures_table(
        report,
        key="care",
        rows_of=CARE_ROWS,
        kind="count",
        sheet="Chăm sóc khách hàng",
        title="Tiếp nhận và giải quyết yêu cầu, khiếu nại của khách hàng",
        note=CARE_NOTE,
    )


def _care_part_table(
    report: dict[str, Any],
    *,
    part: str,
    counted: str,
    name: Any,
    key: str,
    sheet: str,
    title: str,
    first: str,
    noun: str,
) -> Table:
    """A table of ``report["care"][part]`` (per ground or channel, the most first): this
    year's ``counted`` (named ``noun``), last year's, the growth, the complaints upheld and
    the share resolved in time."""
    this, last = _years(report.get("year"))
    rows = [
        [
            name(row.get("code"), row.get("name")),
            row.get(counted),
            row.get(f"{counted}_previous"),
            _growth(row.get(counted), row.get(f"{counted}_previous")),
            row.get("upheld"),
            row.get("on_time_pct"),
        ]
        for row in (report.get("care") or {}).get(part) or []
    ]
    return Table(
        key=key,
        sheet=sheet,
        title=title,
        columns=[
            Col(first),
            Col(f"{noun} {this}", "count"),
            Col(f"{noun} {last}", "count"),
            Col("Tăng trưởng", "growth"),
            Col("Khiếu nại đúng", "count"),
            Col("Tỷ lệ giải quyết đúng hạn", "pct"),
        ],
        rows=rows,
        note=CARE_NOTE,
    )


def care_grounds_table(report: dict[str, Any]) -> Table:
    """The complaints per ground (the causes customers complain of)."""
    return _care_part_table(
        report,
        part="per_ground",
        counted="complaints",
        name=ground_name,
        key="care_grounds",
        sheet="Khiếu nại - nguyên nhân",
        title="Khiếu nại theo nguyên nhân",
        first="Nguyên nhân khiếu nại",
        noun="Khiếu nại",
    )


def care_channels_table(report: dict[str, Any]) -> Table:
    """The requests per channel (hotline, counter, web, partners)."""
    return _care_part_table(
        report,
        part="per_channel",
        counted="received",
        name=channel_name,
        key="care_channels",
        sheet="Yêu cầu - kênh tiếp nhận",
        title="Yêu cầu của khách hàng theo kênh tiếp nhận",
        first="Kênh tiếp nhận",
        noun="Yêu cầu",
    )


def _in_millions(amount: Any) -> float | None:
    return round(float(amount) / 1_000_000, 2) if n.is_number(amount) else None


def workforce_table(report: dict[str, Any]) -> Table:
    """The headcount at the year's end per contract type against last year's, and the
    average income per head a month."""
    this, last = _years(report.get("year"))
    figures = report.get("workforce") or {}
    headcount = figures.get("headcount") or {}
    rows = [
        [row.get("name"), row.get("actual"), row.get("previous"),
         _growth(row.get("actual"), row.get("previous"))]
        for row in figures.get("by_contract") or []
        if row.get("actual") or row.get("previous")
    ]  # fmt: skip
    income = figures.get("average_income") or {}
    kinds: dict[int, Kind] = {}
    if rows and (income.get("actual") is not None or income.get("previous") is not None):
        kinds[len(rows)] = "decimal"
        rows.append(
            ["Thu nhập bình quân (triệu đồng/người/tháng)", _in_millions(income.get("actual")),
             _in_millions(income.get("previous")), income.get("growth_pct")]
        )  # fmt: skip
    return Table(
        key="workforce",
        sheet="Lao động - thu nhập",
        title="Lao động và thu nhập",
        columns=[
            Col("Chỉ tiêu"),
            Col(f"31/12/{this}", "count"),
            Col(f"31/12/{last}", "count"),
            Col("Tăng trưởng", "growth"),
        ],
        rows=rows,
        total=(
            [
                "Tổng số lao động",
                headcount.get("actual"),
                headcount.get("previous"),
                headcount.get("growth_pct"),
            ]
            if rows
            else None
        ),
        note="Lao động: người; thu nhập: triệu đồng/người/tháng",
        row_kinds=kinds,
    )


def emulation_awards_table(report: dict[str, Any]) -> Table:
    """The titles and awards given in the period, per kind (the highest level first): to
    people, to units, in all, and in the same period of last year."""
    this, last = _years(report.get("year"))
    awards = (report.get("emulation") or {}).get("awards") or {}
    rows = [
        [
            row.get("name"),
            row.get("persons"),
            row.get("units"),
            row.get("total"),
            row.get("previous"),
        ]
        for row in awards.get("per_kind") or []
    ]
    total = awards.get("total") or {}
    return Table(
        key="emulation_awards",
        sheet="Thi đua - khen thưởng",
        title="Danh hiệu thi đua và hình thức khen thưởng",
        columns=[
            Col("Danh hiệu, hình thức khen thưởng"),
            Col("Cá nhân", "count"),
            Col("Tập thể", "count"),
            Col(f"Tổng {this}", "count"),
            Col(f"Tổng {last}", "count"),
        ],
        rows=rows,
        total=(
            ["Tổng cộng", awards.get("persons"), awards.get("units"), total.get("actual"),
             total.get("previous")]
            if rows
            else None
        ),
        note="Đơn vị tính: lượt tập thể, cá nhân",
    )  # fmt: skip


def emulation_notable_table(report: dict[str, Any]) -> Table:
    """The titles and awards of the State and of a ministry, one row each."""
    rows = [
        [
            row.get("title"),
            row.get("recipient"),
            row.get("issuer"),
            " ".join(filter(None, (row.get("decision_number"), n.day(row.get("decision_date"))))),
        ]
        for row in (report.get("emulation") or {}).get("notable") or []
    ]
    return Table(
        key="emulation_notable",
        sheet="Khen thưởng cấp Nhà nước, Bộ",
        title="Khen thưởng cấp Nhà nước và cấp Bộ",
        columns=[
            Col("Danh hiệu, hình thức"),
            Col("Tập thể, cá nhân được khen"),
            Col("Cấp khen"),
            Col("Quyết định"),
        ],
        rows=rows,
        note="",
    )


def all_tables(report: dict[str, Any]) -> list[Table]:
    """Every table with at least one row, in the report's order."""
    tables = [
        summary_table(report),
        lines_table(report),
        services_table(report),
        monthly_table(report),
        network_table(report),
        units_table(report),
        costs_table(report),
        units_surplus_table(report),
        public_admin_table(report),
        public_admin_units_table(report),
        goods_table(report),
        goods_groups_table(report),
        telecom_table(report),
        insurance_table(report),
        press_table(report),
        press_titles_table(report),
        care_table(report),
        care_grounds_table(report),
        care_channels_table(report),
        workforce_table(report),
        emulation_awards_table(report),
        emulation_notable_table(report),
    ]
    return [table for table in tables if table.rows]
