"""The demo's goods in Lạng Sơn: the provincial warehouse, suppliers, a catalogue and a year of
receipts, transfers, sales, returns, write-offs and a stocktake. A step of ``buudien demo``
(``goods.year``, registered in ``GoodsConfig.ready``), run after the network, its staff,
mail and dossiers, and before the cash closings (the sales fill the drawers they close).

- The main office (the level I post office) is the provincial warehouse; its clerk keeps it.
- Suppliers: a dozen companies the post buys from (milk, noodles, cooking oil, coffee,
  confectionery, soap, stationery, books, light bulbs) and the OCOP producers of Lạng Sơn
  whose goods are sold on consignment for a commission (star anise and its oil from Văn
  Quan, cinnamon, Tân Tri tea from Bắc Sơn, Bình Liêu arrowroot noodles, Tràng Định black
  jelly, Mẫu Sơn honey and wine).
- A catalogue of a few hundred products (each base product in its sizes and flavours), each
  with a valid EAN-13 under Vietnam's prefix 893, its VAT rate and its price from a year
  before; about a tenth go up on a day of the year.
- About ``DEFAULT_SALES`` sales a year (``BUUDIEN_DEMO_GOODS`` or ``build(sales=...)``; 0
  skips the step) at every point that sells goods and has a clerk, more at the level I and
  II offices, few at the BĐVHX. Baskets of one to four products, the popular ones far more
  often than the rest.
- Each month (twice a year for the level III offices, BĐVHX, agents and kiosks) a point gets
  a transfer of what it will sell and a little more, received by its clerk on arrival; the
  warehouse receives from each supplier, on the first business day of the month, what the
  month's transfers and its own counter need, and some more. A few
  products also go to the larger offices that hardly ever sell: slow-moving stock.
- About one sale in a hundred is brought back within the week; a few goods are written off
  (expired, damaged) at the level II offices and approved by the accountant; the warehouse
  counts its stock two weeks before ``now`` and the accountant books the differences.
- About one order in forty sales is taken by phone at a level I or II office for its OCOP
  products and posted to a buyer of another commune, cash on delivery (``goods.orders``): most
  are delivered two days later and their COD collected by the delivering office, which pays
  the order; one in ten comes back and is checked back into stock.
- Everything goes through the services (``goods.services``, ``goods.adjustments``), in the
  order of time, one transaction each, as at a counter (about 30 ms a sale with its share of
  the transfers and receipts, on SQLite: hence the small default). Nothing after ``now``
  happens.

Seeded (``random.Random``) and repeatable on a fresh database; a second build changes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Sum
from django.utils.translation import gettext as _

from buudien.core.bizdays import VIETNAM, business_days_in, local_now, year_before
from buudien.core.catalogue import Service
from buudien.core.errors import DomainError
from buudien.core.money import format_number, format_vnd
from buudien.goods import adjustments, orders, services
from buudien.goods.barcodes import ean13_check_digit
from buudien.goods.catalogue import MAX_LINES
from buudien.goods.choices import ProductGroup, SupplierMode
from buudien.goods.models import (
    GoodsRollup,
    Price,
    Product,
    Sale,
    StockLevel,
    Supplier,
    Warehouse,
)
from buudien.mail.choices import EventCode, FailureAction, FailureReason
from buudien.mail.demo_year import People
from buudien.mail.ledger import cod_collected_post
from buudien.mail.tracking.services import event_record
from buudien.network.choices import AdminAreaLevel, AdminAreaStructure, PointKind
from buudien.network.management.commands.demo import PROVINCE_UNIT_CODE
from buudien.network.models import AdminArea, PointService, ServicePoint, Unit
from buudien.people.choices import Role
from buudien.people.models import User

PROVINCE = "20"
DEFAULT_SALES = 400
SALES_ENV = "BUUDIEN_DEMO_GOODS"
# Sales per business day at one counter, before scaling to the year's number.
WEIGHT: dict[str, float] = {
    PointKind.BC1: 12.0,
    PointKind.BC2: 4.0,
    PointKind.BC3: 1.5,
    PointKind.AGENT: 0.5,
    PointKind.KIOSK: 0.5,
    PointKind.BDVHX: 0.3,
}
MONTHLY = (PointKind.BC1, PointKind.BC2)  # sent goods each month
SMALL_EVERY = 6  # months: the other points are sent goods twice a year
RETURN_SHARE = 0.01
EXTRA = 0.15  # sent and bought beyond what is sold
WRITE_OFFS = 4
WRITE_OFF_REASONS = ["Hàng hết hạn sử dụng", "Bao bì rách, hàng bị hỏng do ẩm"]
ORDER_EVERY = 40  # sales for one order sent by parcel
ORDER_BACK = 0.1  # of the orders, the share whose parcel comes back
RETURN_REASONS = ["Hàng bị lỗi bao bì", "Khách mua nhầm loại", "Hàng gần hết hạn sử dụng"]
GROUP_SHARE = {
    ProductGroup.CONSUMER: 0.55,
    ProductGroup.LOCAL: 0.2,
    ProductGroup.STATIONERY: 0.13,
    ProductGroup.BOOKS: 0.05,
    ProductGroup.OTHER: 0.07,
}


@dataclass(frozen=True)
class DemoSupplier:
    code: str
    name: str
    tax_code: str
    prefix: str  # the GS1 company prefix after 893: four digits
    commission_bp: int = 0  # consignment when set

    @property
    def mode(self) -> str:
        return SupplierMode.CONSIGNMENT if self.commission_bp else SupplierMode.PURCHASE


SUPPLIERS = [
    DemoSupplier("vinamilk", "Công ty CP Sữa Việt Nam (Vinamilk)", "0300588569", "4673"),
    DemoSupplier("acecook", "Công ty CP Acecook Việt Nam", "0300808687", "5199"),
    DemoSupplier("masan", "Công ty CP Hàng tiêu dùng Masan", "0302017440", "6363"),
    DemoSupplier("tuong-an", "Công ty CP Dầu thực vật Tường An", "0302475969", "4501"),
    DemoSupplier("trung-nguyen", "Công ty CP Trung Nguyên", "0400384285", "5675"),
    DemoSupplier("bibica", "Công ty CP Bibica", "3600363970", "4017"),
    DemoSupplier("unilever", "Công ty TNHH Quốc tế Unilever Việt Nam", "0300762150", "4876"),
    DemoSupplier("thien-long", "Công ty CP Tập đoàn Thiên Long", "0301464830", "5162"),
    DemoSupplier("hong-ha", "Công ty CP Văn phòng phẩm Hồng Hà", "0100100689", "3208"),
    DemoSupplier("nxb-giao-duc", "Nhà xuất bản Giáo dục Việt Nam", "0100107194", "0434"),
    DemoSupplier("nxb-kim-dong", "Nhà xuất bản Kim Đồng", "0100110401", "0428"),
    DemoSupplier("rang-dong", "Công ty CP Bóng đèn Phích nước Rạng Đông", "0101526991", "5428"),
    DemoSupplier("htx-hoi-van-quan", "HTX Hồi Văn Quan", "4900867151", "9101", 1500),
    DemoSupplier("htx-que-hoi-trang-dinh", "HTX Quế hồi Tràng Định", "4900815412", "9102", 1500),
    DemoSupplier("htx-che-tan-tri", "HTX Chè Tân Tri Bắc Sơn", "4900823099", "9103", 1200),
    DemoSupplier("htx-mien-dong", "HTX Miến dong Bình Liêu", "5701936272", "9104", 1200),
    DemoSupplier("htx-thach-den", "HTX Thạch đen Tràng Định", "4900841620", "9105", 2000),
    DemoSupplier("htx-mat-ong-mau-son", "HTX Mật ong Mẫu Sơn", "4900857701", "9106", 1500),
    DemoSupplier("htx-ruou-mau-son", "HTX Rượu Mẫu Sơn", "4900832405", "9107", 1000),
]


@dataclass(frozen=True)
class Line:
    """A base product in its variants: (variant, cost or, for consigned goods, price)."""

    supplier: str
    group: str
    unit: str
    vat: int
    name: str  # with {v} for the variant
    variants: tuple[tuple[str, int], ...]


CG, LP, ST, BK, OT = (
    ProductGroup.CONSUMER,
    ProductGroup.LOCAL,
    ProductGroup.STATIONERY,
    ProductGroup.BOOKS,
    ProductGroup.OTHER,
)


def _v(*pairs: tuple[str, int]) -> tuple[tuple[str, int], ...]:
    return pairs


FLAVOURS_MILK = ("có đường", "ít đường", "không đường", "hương dâu", "sô cô la")
LINES = [
    Line(
        "vinamilk",
        CG,
        "hộp",
        8,
        "Sữa tươi tiệt trùng Vinamilk {v}",
        tuple(
            (f"{f} {size}", cost)
            for f in FLAVOURS_MILK
            for size, cost in (("180ml", 6_300), ("110ml", 4_200), ("1 lít", 28_500))
        ),
    ),
    Line(
        "vinamilk",
        CG,
        "hộp",
        8,
        "Sữa chua ăn Vinamilk {v} 100g",
        _v(
            ("có đường", 5_200),
            ("không đường", 5_200),
            ("nha đam", 5_600),
            ("trái cây", 5_600),
            ("lựu đỏ", 5_800),
            ("Probi", 5_900),
        ),
    ),
    Line(
        "vinamilk",
        CG,
        "lon",
        8,
        "Sữa đặc {v}",
        _v(
            ("Ông Thọ đỏ 380g", 21_000),
            ("Ông Thọ trắng 380g", 19_000),
            ("Ngôi Sao Phương Nam xanh 380g", 17_500),
            ("Ngôi Sao Phương Nam cam 380g", 17_500),
            ("Ông Thọ tuýp 165g", 11_000),
        ),
    ),
    Line(
        "vinamilk",
        CG,
        "hộp",
        8,
        "Sữa bột Dielac Alpha Gold {v}",
        _v(
            ("số 1, 400g", 165_000),
            ("số 2, 400g", 160_000),
            ("số 3, 400g", 150_000),
            ("số 4, 400g", 140_000),
            ("số 3, 900g", 310_000),
            ("số 4, 900g", 290_000),
        ),
    ),
    Line(
        "acecook",
        CG,
        "gói",
        8,
        "Mì {v}",
        tuple(
            (f"{brand} {taste}", cost)
            for brand, cost in (("Hảo Hảo", 3_700), ("Đệ Nhất", 5_200), ("Kokomi", 3_300))
            for taste in (
                "tôm chua cay",
                "sa tế hành tím",
                "gà vàng",
                "chay rau nấm",
                "sườn heo tỏi phi",
            )
        ),
    ),
    Line(
        "acecook",
        CG,
        "gói",
        8,
        "{v}",
        _v(
            ("Phở Đệ Nhất bò", 7_500),
            ("Phở Đệ Nhất gà", 7_500),
            ("Miến Phú Hương sườn heo", 8_400),
            ("Miến Phú Hương lẩu Thái tôm", 8_400),
            ("Bún Hằng Nga bò Huế", 7_000),
            ("Hủ tiếu Nhịp Sống Nam Vang", 7_600),
        ),
    ),
    Line(
        "acecook",
        CG,
        "thùng",
        8,
        "Mì Hảo Hảo {v} thùng 30 gói",
        _v(("tôm chua cay", 105_000), ("sa tế hành tím", 105_000), ("gà vàng", 105_000)),
    ),
    Line(
        "masan",
        CG,
        "chai",
        8,
        "{v}",
        _v(
            ("Nước mắm Nam Ngư 500ml", 30_000),
            ("Nước mắm Nam Ngư 750ml", 41_000),
            ("Nước mắm Nam Ngư Đệ Nhị 900ml", 24_000),
            ("Nước mắm Chin-su cá hồi 500ml", 33_000),
            ("Nước tương Tam Thái Tử Nhất Ca 500ml", 14_500),
            ("Nước tương Chin-su tỏi ớt 250ml", 13_000),
            ("Tương ớt Chin-su 250g", 11_500),
            ("Tương ớt Chin-su 500g", 19_500),
            ("Tương cà Chin-su 250g", 11_000),
        ),
    ),
    Line(
        "masan",
        CG,
        "hộp",
        8,
        "{v}",
        _v(
            ("Hạt nêm Knorr thịt thăn 400g", 36_000),
            ("Hạt nêm Knorr thịt thăn 900g", 74_000),
            ("Hạt nêm Chin-su nấm hương 400g", 34_000),
            ("Cà phê Vinacafé 3in1 hộp 20 gói", 47_000),
            ("Cà phê Wake-up Sài Gòn hộp 18 gói", 45_000),
            ("Trà chanh Vinacafé hộp 20 gói", 31_000),
        ),
    ),
    Line(
        "tuong-an",
        CG,
        "chai",
        8,
        "Dầu ăn {v}",
        _v(
            ("Tường An Cooking Oil 1 lít", 44_000),
            ("Tường An Cooking Oil 2 lít", 86_000),
            ("Tường An Cooking Oil 5 lít", 205_000),
            ("Tường An Vio 1 lít", 52_000),
            ("Tường An Vio 2 lít", 101_000),
            ("Tường An Season 400ml", 21_000),
            ("mè Tường An 250ml", 39_000),
            ("gạo lứt Tường An 1 lít", 68_000),
        ),
    ),
    Line(
        "trung-nguyen",
        CG,
        "hộp",
        8,
        "{v}",
        _v(
            ("Cà phê G7 3in1 hộp 18 gói", 46_000),
            ("Cà phê G7 3in1 bịch 50 gói", 118_000),
            ("Cà phê G7 hòa tan đen hộp 15 gói", 33_000),
            ("Cà phê G7 2in1 hộp 15 gói", 38_000),
            ("Cà phê Trung Nguyên Sáng tạo 4 340g", 78_000),
            ("Cà phê Trung Nguyên Sáng tạo 8 340g", 115_000),
            ("Cà phê Trung Nguyên Gourmet Blend 500g", 128_000),
            ("Cà phê Trung Nguyên Nâu 500g", 72_000),
            ("Cà phê Passiona 4in1 hộp 14 gói", 52_000),
        ),
    ),
    Line(
        "bibica",
        CG,
        "gói",
        8,
        "{v}",
        _v(
            ("Bánh Hura Deli cuộn kem dâu 360g", 46_000),
            ("Bánh Hura cuộn bơ sữa 180g", 24_000),
            ("Bánh quy Bibica Hello 350g", 38_000),
            ("Kẹo Migita sữa 350g", 27_000),
            ("Kẹo dẻo Bibica trái cây 150g", 15_000),
            ("Bánh Orienko 6 cái", 34_000),
            ("Bánh Goody sô cô la 300g", 41_000),
            ("Bánh trung thu Bibica thập cẩm 150g", 38_000),
            ("Bánh trung thu Bibica đậu xanh 150g", 34_000),
            ("Kẹo Sumika hương dâu 300g", 22_000),
            ("Hộp quà Tết Bibica Tết sum vầy", 145_000),
            ("Mứt Tết Bibica thập cẩm 400g", 62_000),
        ),
    ),
    Line(
        "unilever",
        CG,
        "chai",
        8,
        "{v}",
        _v(
            ("Nước rửa chén Sunlight chanh 750g", 25_000),
            ("Nước rửa chén Sunlight chanh 1,5kg", 45_000),
            ("Bột giặt OMO Matic cửa trên 3kg", 160_000),
            ("Bột giặt OMO hồng 800g", 38_000),
            ("Nước giặt OMO Matic 2,8kg", 172_000),
            ("Nước xả Comfort một lần xả 1,6 lít", 88_000),
            ("Dầu gội Clear mát lạnh bạc hà 630g", 142_000),
            ("Dầu gội Sunsilk óng mượt 650g", 118_000),
            ("Sữa tắm Lifebuoy bảo vệ vượt trội 850g", 132_000),
            ("Xà phòng Lifebuoy 90g", 13_500),
            ("Kem đánh răng P/S bảo vệ 123 190g", 30_000),
            ("Kem đánh răng Closeup bạc hà 180g", 33_000),
            ("Nước lau sàn Vim 1kg", 31_000),
            ("Nước tẩy bồn cầu Vim 880ml", 34_000),
            ("Nước lau kính Sunlight 520ml", 21_000),
        ),
    ),
    Line(
        "thien-long",
        ST,
        "cái",
        8,
        "{v}",
        tuple(
            (f"{name} {colour}", cost)
            for name, cost in (
                ("Bút bi Thiên Long TL-027", 3_600),
                ("Bút bi Thiên Long TL-079", 3_900),
                ("Bút gel Thiên Long GEL-012", 5_800),
                ("Bút dạ quang Thiên Long HL-03", 7_400),
                ("Bút lông bảng Thiên Long WB-03", 8_500),
            )
            for colour in ("xanh", "đỏ", "đen")
        )
        + _v(
            ("Thước kẻ Thiên Long 20cm SR-02", 4_200),
            ("Bút chì gỗ Thiên Long GP-01", 3_000),
            ("Gôm tẩy Thiên Long E-06", 3_100),
            ("Bút xóa Thiên Long CP-02", 14_000),
            ("Hộp bút màu sáp Colokit 12 màu", 21_000),
            ("Kéo văn phòng Thiên Long SC-015", 16_000),
            ("Băng keo trong Thiên Long 5cm", 11_000),
            ("Hồ dán Thiên Long G-08", 5_300),
        ),
    ),
    Line(
        "hong-ha",
        ST,
        "quyển",
        8,
        "{v}",
        tuple(
            (f"Vở kẻ ngang Hồng Hà {kind} {pages} trang", cost)
            for kind, base in (
                ("Study", 7_500),
                ("Class", 6_800),
                ("Pupil", 6_200),
                ("School Animals", 8_200),
            )
            for pages, cost in ((48, base), (96, base * 17 // 10), (200, base * 3))
        )
        + _v(
            ("Vở ô ly Hồng Hà 4 ô 48 trang", 6_500),
            ("Vở ô ly Hồng Hà 4 ô 96 trang", 11_000),
            ("Sổ bìa da Hồng Hà A5", 42_000),
            ("Sổ lò xo Hồng Hà A5 200 trang", 26_000),
            ("Giấy kiểm tra Hồng Hà 4 ô ly", 9_000),
            ("Giấy in A4 Double A 70gsm ram 500 tờ", 72_000),
        ),
    ),
    Line(
        "nxb-giao-duc",
        BK,
        "quyển",
        5,
        "{v}",
        tuple(
            (f"{book} lớp {grade} (Kết nối tri thức)", 13_000 + grade * 1_200)
            for book in ("Tiếng Việt", "Toán", "Tiếng Anh")
            for grade in range(1, 6)
        )
        + _v(
            ("Từ điển Tiếng Việt (Hoàng Phê)", 165_000),
            ("Từ điển Anh - Việt 75.000 từ", 92_000),
            ("Vở bài tập Toán lớp 1 tập 1", 14_000),
            ("Vở bài tập Tiếng Việt lớp 1 tập 1", 14_000),
            ("Atlat Địa lí Việt Nam", 28_000),
        ),
    ),
    Line(
        "nxb-kim-dong",
        BK,
        "cuốn",
        5,
        "{v}",
        _v(
            ("Dế Mèn phiêu lưu ký", 42_000),
            ("Đất rừng phương Nam", 78_000),
            ("Tuổi thơ dữ dội (2 tập)", 150_000),
            ("Kính vạn hoa tập 1", 52_000),
            ("Thần đồng đất Việt tập 1", 17_000),
            ("Doraemon truyện ngắn tập 1", 19_000),
            ("Lược sử nước Việt bằng tranh", 88_000),
            ("Truyện cổ tích Việt Nam", 65_000),
            ("Cho tôi xin một vé đi tuổi thơ", 68_000),
            ("Tôi thấy hoa vàng trên cỏ xanh", 95_000),
        ),
    ),
    Line(
        "rang-dong",
        OT,
        "cái",
        8,
        "{v}",
        _v(
            ("Bóng đèn LED bulb Rạng Đông 9W", 27_000),
            ("Bóng đèn LED bulb Rạng Đông 12W", 36_000),
            ("Bóng đèn LED bulb Rạng Đông 20W", 62_000),
            ("Bóng đèn LED tuýp Rạng Đông 1,2m 18W", 68_000),
            ("Đèn bàn LED Rạng Đông chống cận RD-RL-26", 215_000),
            ("Đèn pin LED Rạng Đông sạc D PL01", 118_000),
            ("Phích nước Rạng Đông 1 lít", 84_000),
            ("Phích nước Rạng Đông 2 lít", 112_000),
            ("Ruột phích Rạng Đông 2 lít", 58_000),
            ("Ổ cắm điện Rạng Đông 4 lỗ 3m", 96_000),
        ),
    ),
    Line(
        "htx-hoi-van-quan",
        LP,
        "gói",
        5,
        "{v}",
        _v(
            ("Hoa hồi khô Văn Quan loại 1, 100g", 45_000),
            ("Hoa hồi khô Văn Quan loại 1, 500g", 210_000),
            ("Hoa hồi khô Văn Quan loại 2, 500g", 170_000),
            ("Tinh dầu hồi Văn Quan 10ml", 65_000),
            ("Tinh dầu hồi Văn Quan 50ml", 260_000),
            ("Bột hồi Văn Quan 100g", 52_000),
        ),
    ),
    Line(
        "htx-que-hoi-trang-dinh",
        LP,
        "gói",
        5,
        "{v}",
        _v(
            ("Quế thanh Tràng Định 100g", 38_000),
            ("Quế thanh Tràng Định 500g", 170_000),
            ("Bột quế Tràng Định 100g", 42_000),
            ("Tinh dầu quế Tràng Định 10ml", 60_000),
            ("Túi thơm quế hồi Tràng Định", 35_000),
        ),
    ),
    Line(
        "htx-che-tan-tri",
        LP,
        "hộp",
        5,
        "{v}",
        _v(
            ("Chè Tân Tri Bắc Sơn 100g", 60_000),
            ("Chè Tân Tri Bắc Sơn 200g", 115_000),
            ("Chè Tân Tri Bắc Sơn 500g", 270_000),
            ("Chè Tân Tri đặc biệt hộp quà 200g", 180_000),
            ("Chè hoa vàng Bắc Sơn 100g", 150_000),
        ),
    ),
    Line(
        "htx-mien-dong",
        LP,
        "gói",
        5,
        "{v}",
        _v(
            ("Miến dong Bình Liêu 500g", 55_000),
            ("Miến dong Bình Liêu 1kg", 105_000),
            ("Miến dong Bình Liêu túi quà 2kg", 215_000),
            ("Bột dong riềng Bình Liêu 500g", 48_000),
        ),
    ),
    Line(
        "htx-thach-den",
        LP,
        "gói",
        5,
        "{v}",
        _v(
            ("Thạch đen Tràng Định khô 100g", 30_000),
            ("Thạch đen Tràng Định khô 500g", 130_000),
            ("Thạch đen Tràng Định pha sẵn 500ml", 18_000),
            ("Cây thạch đen khô 1kg", 95_000),
        ),
    ),
    Line(
        "htx-mat-ong-mau-son",
        LP,
        "chai",
        5,
        "{v}",
        _v(
            ("Mật ong Mẫu Sơn 500ml", 180_000),
            ("Mật ong Mẫu Sơn 1 lít", 340_000),
            ("Mật ong hoa bạc hà Mẫu Sơn 250ml", 125_000),
            ("Sáp ong Mẫu Sơn 100g", 75_000),
        ),
    ),
    Line(
        "htx-ruou-mau-son",
        LP,
        "chai",
        10,
        "{v}",
        _v(
            ("Rượu Mẫu Sơn 500ml", 85_000),
            ("Rượu Mẫu Sơn bình gốm 1 lít", 260_000),
            ("Rượu men lá Mẫu Sơn 500ml", 95_000),
            ("Rượu mơ Mẫu Sơn 500ml", 110_000),
        ),
    ),
]


def ean13(prefix: str, item: int) -> str:
    """An EAN-13 under Vietnam's GS1 prefix 893: 893, the company's four digits, the item's
    five digits and the check digit."""
    first = f"893{prefix}{item:05d}"
    return f"{first}{ean13_check_digit(first)}"


def price_of(cost: int, vat: int, markup: float) -> int:
    """The shelf price (VAT included) of goods bought at ``cost``: up by ``markup`` and the
    VAT, rounded up to 500 đồng."""
    return math.ceil(cost * (1 + markup) * (100 + vat) / 100 / 500) * 500


def _target(sales: int | None) -> int:
    if sales is not None:
        return max(0, sales)
    raw = os.environ.get(SALES_ENV, "").strip()
    return int(raw) if raw.isdigit() else DEFAULT_SALES


@dataclass
class Item:
    product: Product
    cost: int  # bought: the unit cost on the supplier's invoice (before its drift); 0 consigned
    weight: float  # how often it sells


@dataclass
class Outlet:
    point: ServicePoint
    clerk: Any
    weight: float
    monthly: bool


@dataclass
class _Made:
    receipts: int = 0
    transfers: int = 0
    sales: int = 0
    returns: int = 0
    write_offs: int = 0
    stocktakes: int = 0
    orders: int = 0
    orders_paid: int = 0
    orders_back: int = 0
    refused: int = 0
    points: set[int] = field(default_factory=set)


def _at(day: dt.date, minutes: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=VIETNAM) + dt.timedelta(minutes=minutes)


def build(
    *,
    seed: int,
    report: Callable[[str], None],
    sales: int | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Build the warehouse, the suppliers, the catalogue and the year of goods; one line of
    summary."""
    started = time.perf_counter()
    target = _target(sales)
    province = Unit.objects.filter(code=PROVINCE_UNIT_CODE).first()
    accountant = User.objects.filter(username="ketoan").first()
    main = ServicePoint.objects.filter(province_code=PROVINCE, kind=PointKind.BC1).first()
    if not target or province is None or accountant is None or main is None:
        return ""
    if Warehouse.objects.filter(province_code=PROVINCE).exists():
        return _("Goods: already built.")
    now = (now or local_now()).astimezone(VIETNAM)
    today = now.date()
    first = year_before(today)
    rng = random.Random(seed + 70)
    outlets = _outlets(province, first, today)
    keeper = next((o.clerk for o in outlets if o.point.pk == main.pk), None)
    if keeper is None:
        return ""
    report(_("Goods: a year"))
    Warehouse.objects.create(province_code=PROVINCE, point=main)
    suppliers = _suppliers()
    items = _catalogue(rng, suppliers, first, today)
    made = _Made()
    _year(rng, target, now, first, main, keeper, accountant, outlets, items, made)
    _orders(random.Random(seed + 71), target // ORDER_EVERY, now, first, outlets, items, made)
    held = StockLevel.objects.filter(province_code=PROVINCE).aggregate(v=Sum("value"))["v"] or 0
    totals = GoodsRollup.objects.filter(province_code=PROVINCE).aggregate(
        revenue=Sum(F("revenue") - F("revenue_returned")), cost=Sum(F("cost") - F("cost_returned"))
    )
    revenue, cost = totals["revenue"] or 0, totals["cost"] or 0
    consigned = sum(1 for s in SUPPLIERS if s.commission_bp)
    return _(
        "Goods: the provincial warehouse at %(warehouse)s, %(suppliers)s suppliers (%(consigned)s "
        "on consignment), %(products)s products; %(receipts)s receipts, %(transfers)s transfers, "
        "%(sales)s sales at %(points)s points (revenue %(revenue)s, cost %(cost)s), "
        "%(returns)s returns, %(write_offs)s write-offs, %(stocktakes)s stocktake, %(orders)s "
        "orders sent by parcel (%(paid)s paid on delivery, %(back)s back in stock); stock worth "
        "%(stock)s (%(seconds)s s)."
    ) % {
        "warehouse": main.code,
        "suppliers": len(SUPPLIERS),
        "consigned": consigned,
        "products": format_number(len(items)),
        "receipts": format_number(made.receipts),
        "transfers": format_number(made.transfers),
        "sales": format_number(made.sales),
        "points": format_number(len(made.points)),
        "revenue": format_vnd(revenue),
        "cost": format_vnd(cost),
        "returns": format_number(made.returns),
        "write_offs": format_number(made.write_offs),
        "stocktakes": format_number(made.stocktakes),
        "orders": format_number(made.orders),
        "paid": format_number(made.orders_paid),
        "back": format_number(made.orders_back),
        "stock": format_vnd(held),
        "seconds": format_number(time.perf_counter() - started, 1),
    }


def _outlets(
    province: Unit, first: dt.date, today: dt.date, service: str = Service.CONSUMER_GOODS
) -> list[Outlet]:
    """The points that sell ``service`` all year and have a clerk, with their weights."""
    selling = set(PointService.objects.filter(service=service).values_list("point_id", flat=True))
    clerks: dict[int, Any] = {}
    for user in User.objects.filter(
        unit__path__startswith=province.path, role=Role.CLERK, is_active=True, point__isnull=False
    ).order_by("username"):
        assert user.point_id is not None
        if user.username.startswith("gdv.") or user.point_id not in clerks:
            clerks[user.point_id] = user
    points = (
        ServicePoint.objects.filter(unit_path__startswith=province.path, pk__in=selling)
        .in_force_on(first)
        .in_force_on(today)
        .order_by("code")
    )
    return [
        Outlet(point, clerks[point.pk], WEIGHT[point.kind], point.kind in MONTHLY)
        for point in points
        if point.pk in clerks and point.kind in WEIGHT
    ]


def _suppliers() -> dict[str, Supplier]:
    made = {}
    for s in SUPPLIERS:
        supplier = Supplier(
            province_code=PROVINCE,
            code=s.code,
            name=s.name,
            tax_code=s.tax_code,
            mode=s.mode,
            commission_bp=s.commission_bp,
        )
        supplier.save()
        made[s.code] = supplier
    return made


def _catalogue(
    rng: random.Random, suppliers: dict[str, Supplier], first: dt.date, today: dt.date
) -> list[Item]:
    """The products, their prices from a year before and some rises during the year."""
    prefixes = {s.code: s.prefix for s in SUPPLIERS}
    numbers: Counter[str] = Counter()
    items: list[Item] = []
    prices: list[Price] = []
    days = business_days_in(first, today)
    for line in LINES:
        supplier = suppliers[line.supplier]
        for variant, amount in line.variants:
            numbers[line.supplier] += 1
            n = numbers[line.supplier]
            product = Product(
                province_code=PROVINCE,
                code=f"{line.supplier[:6].upper().rstrip('-')}-{n:03d}",
                barcode=ean13(prefixes[line.supplier], n),
                name=line.name.format(v=variant)[:200],
                group=line.group,
                unit=line.unit,
                vat_rate=line.vat,
                supplier=supplier,
            )
            product.save()
            if supplier.is_consignment:
                cost, price = 0, amount
            else:
                cost, price = amount, price_of(amount, line.vat, rng.uniform(0.12, 0.25))
            prices.append(
                Price(
                    province_code=PROVINCE,
                    product=product,
                    valid_from=first.replace(year=first.year - 1),
                    price=price,
                )
            )
            if days and rng.random() < 0.1:  # a price rise during the year
                prices.append(
                    Price(
                        province_code=PROVINCE,
                        product=product,
                        valid_from=rng.choice(days),
                        price=math.ceil(price * rng.uniform(1.03, 1.08) / 500) * 500,
                    )
                )
            share = GROUP_SHARE[ProductGroup(line.group)]
            items.append(Item(product, cost, share * rng.paretovariate(1.6)))
    Price.objects.bulk_create(prices)
    # Within a group the weights add up to the group's share.
    per_group: dict[str, float] = defaultdict(float)
    for item in items:
        per_group[item.product.group] += item.weight
    for item in items:
        group = item.product.group
        item.weight = GROUP_SHARE[ProductGroup(group)] * item.weight / per_group[group]
    return items


# --- the year --------------------------------------------------------------------------------


@dataclass(order=True)
class _Event:
    at: dt.datetime
    order: int
    run: Callable[[], None] = field(compare=False)


def _periods(first: dt.date, today: dt.date, months: int) -> list[tuple[dt.date, dt.date]]:
    """The periods of ``months`` calendar months from ``first`` (the first one starts on
    ``first``, the last one is cut at ``today``)."""
    out = []
    start = first
    while start <= today:
        month = start.month - 1 + months
        end = dt.date(start.year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        out.append((start, min(end, today)))
        start = end + dt.timedelta(days=1)
    return out


def _chunks[T](rows: list[T]) -> list[list[T]]:
    """A document holds at most ``catalogue.MAX_LINES`` lines."""
    return [rows[i : i + MAX_LINES] for i in range(0, len(rows), MAX_LINES)]


Basket = list[tuple[Item, int]]


def _baskets(
    rng: random.Random,
    target: int,
    now: dt.datetime,
    days: list[dt.date],
    outlets: list[Outlet],
    items: list[Item],
) -> dict[int, list[tuple[dt.datetime, Basket]]]:
    """Every sale of the year, per point: when, and its products and quantities."""
    weights = [item.weight for item in items]
    total = sum(o.weight for o in outlets) * len(days)
    per_weight = target / total if total else 0
    baskets: dict[int, list[tuple[dt.datetime, Basket]]] = defaultdict(list)
    for outlet in outlets:
        rate = outlet.weight * per_weight
        for day in days:
            for _n in range(int(rate) + (1 if rng.random() < rate - int(rate) else 0)):
                at = _at(day, rng.randint(8 * 60, 17 * 60))
                picked = rng.choices(items, weights, k=rng.choice((1, 1, 1, 2, 2, 3, 4)))
                lines: dict[int, tuple[Item, int]] = {}
                for item in picked:
                    quantity = rng.choice((1, 1, 1, 1, 2, 2, 3))
                    lines[item.product.pk] = (item, 1 if item.cost > 100_000 else quantity)
                if at < now:
                    baskets[outlet.point.pk].append((at, list(lines.values())))
    for rows in baskets.values():
        rows.sort(key=lambda row: row[0])
    return baskets


def _year(
    rng: random.Random,
    target: int,
    now: dt.datetime,
    first: dt.date,
    main: ServicePoint,
    keeper: Any,
    accountant: Any,
    outlets: list[Outlet],
    items: list[Item],
    made: _Made,
) -> None:
    """Plan every sale, then the transfers and receipts that stock them, the returns, the
    write-offs and the stocktake, and run it all in the order of time."""
    today = now.date()
    days = business_days_in(first, today)
    if not days:
        return
    baskets = _baskets(rng, target, now, days, outlets, items)
    events: list[_Event] = []

    def add(at: dt.datetime, run: Callable[[], None]) -> None:
        events.append(_Event(at, len(events), run))

    periods = {True: _periods(first, today, 1), False: _periods(first, today, SMALL_EVERY)}
    bought: dict[dt.date, Counter[int]] = defaultdict(Counter)  # month -> product -> units
    by_pk = {item.product.pk: item for item in items}
    rare = sorted(items, key=lambda item: item.weight)[: max(1, len(items) // 5)]
    sold: dict[str, Sale] = {}
    for outlet in outlets:
        mine = baskets.get(outlet.point.pk, [])
        for index, (start, end) in enumerate(periods[outlet.monthly]):
            need: Counter[int] = Counter()
            for at, lines in mine:
                if start <= at.date() <= end:
                    for item, quantity in lines:
                        need[item.product.pk] += quantity
            if index == 0 and outlet.monthly:  # on the shelf, hardly ever sold
                for item in rng.sample(rare, min(4, len(rare))):
                    need[item.product.pk] += 2
            sent_on = next((day for day in days if day >= start), None)
            if not need or sent_on is None or sent_on > end:
                continue
            send = {pk: math.ceil(q * (1 + EXTRA)) for pk, q in sorted(need.items())}
            bought[sent_on.replace(day=1)].update(send)
            if outlet.point.pk != main.pk:  # the warehouse sells from its own stock
                at = _at(sent_on, 7 * 60 + 20 + outlet.point.pk % 20)
                add(at, _transfer(keeper, main, outlet, send, by_pk, at, made))
        for number, (at, lines) in enumerate(mine):
            key = f"demo-{number}"
            add(at, _sale(outlet, lines, key, at, sold, made))
            if rng.random() < RETURN_SHARE:
                back = at + dt.timedelta(days=rng.randint(1, 6), minutes=rng.randint(5, 90))
                if back < now and back.time() < dt.time(17, 30):
                    add(back, _return(rng, outlet, key, back, sold, made))
    for at, receive in _purchases(rng, bought, days, by_pk, keeper, main, made):
        add(at, receive)
    bigger = [o for o in outlets if o.point.kind == PointKind.BC2] or outlets
    for number in range(WRITE_OFFS):
        outlet = rng.choice(bigger)
        at = _at(days[(number + 1) * len(days) // (WRITE_OFFS + 1)], 17 * 60 + 10)
        add(at, _write_off(rng, outlet, accountant, number, at, made))
    counted_on = next((d for d in reversed(days) if d <= today - dt.timedelta(days=14)), None)
    if counted_on is not None:
        at = _at(counted_on, 17 * 60 + 20)
        add(at, _stocktake(rng, keeper, main, accountant, at, made))
    for event in sorted(events):
        if event.at < now:
            event.run()


def _purchases(
    rng: random.Random,
    bought: dict[dt.date, Counter[int]],
    days: list[dt.date],
    by_pk: dict[int, Item],
    keeper: Any,
    main: ServicePoint,
    made: _Made,
    prefix: str = "demo",
    minute: int = 7 * 60,
) -> list[tuple[dt.datetime, Callable[[], None]]]:
    """The warehouse's receipts of each month: from each supplier, on the month's first
    business day, what the month sends out and a little more (``EXTRA``)."""
    found = []
    for month, wanted in sorted(bought.items()):
        day = next(day for day in days if day >= month)
        suppliers = sorted({by_pk[pk].product.supplier for pk in wanted}, key=lambda s: s.code)
        for index, supplier in enumerate(suppliers):
            lines = [
                (by_pk[pk], math.ceil(quantity * (1 + EXTRA)))
                for pk, quantity in sorted(wanted.items())
                if by_pk[pk].product.supplier_id == supplier.pk
            ]
            at = _at(day, minute + index)
            found.append(
                (at, _receipt(rng, keeper, main, supplier, lines, month, at, made, prefix))
            )
    return found


def _sale(
    outlet: Outlet,
    lines: Basket,
    key: str,
    at: dt.datetime,
    sold: dict[str, Sale],
    made: _Made,
) -> Callable[[], None]:
    def run() -> None:
        try:
            sale = services.sale_make(
                actor=outlet.clerk,
                point=outlet.point,
                idempotency_key=key,
                lines=[{"code": item.product.barcode, "quantity": q} for item, q in lines],
                at=at,
            )
        except DomainError:  # pragma: no cover - every sale is stocked beforehand
            made.refused += 1
            return
        sold[f"{outlet.point.pk}:{key}"] = sale
        made.sales += 1
        made.points.add(outlet.point.pk)

    return run


def _return(
    rng: random.Random,
    outlet: Outlet,
    key: str,
    at: dt.datetime,
    sold: dict[str, Sale],
    made: _Made,
) -> Callable[[], None]:
    def run() -> None:
        sale = sold.get(f"{outlet.point.pk}:{key}")
        if sale is None:
            return
        line = rng.choice(list(sale.lines.select_related("product").order_by("pk")))
        services.sale_return(
            actor=outlet.clerk,
            point=outlet.point,
            idempotency_key=f"{key}-back",
            sale=sale.reference,
            lines=[{"code": line.product.barcode, "quantity": 1}],
            reason=rng.choice(RETURN_REASONS),
            at=at,
        )
        made.returns += 1

    return run


def _transfer(
    keeper: Any,
    main: ServicePoint,
    outlet: Outlet,
    send: dict[int, int],
    by_pk: dict[int, Item],
    at: dt.datetime,
    made: _Made,
    prefix: str = "demo",
) -> Callable[[], None]:
    """Goods sent from the warehouse and received by the point's clerk on arrival."""

    def run() -> None:
        rows = [{"code": by_pk[pk].product.barcode, "quantity": q} for pk, q in send.items()]
        for index, lines in enumerate(_chunks(rows)):
            transfer = services.transfer_send(
                actor=keeper,
                point=main,
                idempotency_key=f"{prefix}-{outlet.point.code}-{at:%Y%m%d}-{index}",
                to_point=outlet.point,
                lines=lines,
                at=at,
            )
            services.transfer_receive(
                actor=outlet.clerk, transfer=transfer, at=at + dt.timedelta(minutes=25)
            )
            made.transfers += 1

    return run


def _receipt(
    rng: random.Random,
    keeper: Any,
    main: ServicePoint,
    supplier: Supplier,
    lines: list[tuple[Item, int]],
    month: dt.date,
    at: dt.datetime,
    made: _Made,
    prefix: str = "demo",
) -> Callable[[], None]:
    """Goods of ``supplier`` received at the warehouse, bought at the month's cost (a few %
    either side of the catalogue's)."""

    def run() -> None:
        drift = rng.uniform(0.97, 1.04)
        rows: list[dict[str, Any]] = []
        for item, quantity in lines:
            row: dict[str, Any] = {"code": item.product.barcode, "quantity": quantity}
            if not supplier.is_consignment:
                row["unit_cost"] = max(100, int(round(item.cost * drift, -2)))
            rows.append(row)
        for index, chunk in enumerate(_chunks(rows)):
            services.receipt_make(
                actor=keeper,
                point=main,
                idempotency_key=f"{prefix}-{month:%Y%m}-{supplier.code}-{index}",
                supplier=supplier,
                supplier_document=f"HD{month:%y%m}{supplier.pk:03d}{index}"
                + ("" if prefix == "demo" else "B"),
                lines=chunk,
                at=at,
            )
            made.receipts += 1

    return run


def _write_off(
    rng: random.Random,
    outlet: Outlet,
    accountant: Any,
    number: int,
    at: dt.datetime,
    made: _Made,
) -> Callable[[], None]:
    """A product of the point's shelf written off, approved by the accountant."""

    def run() -> None:
        held = list(
            StockLevel.objects.filter(point=outlet.point, quantity__gt=0)
            .select_related("product")
            .order_by("product_id")
        )
        if not held:
            return
        level = rng.choice(held)
        row = adjustments.write_off_request(
            actor=outlet.clerk,
            point=outlet.point,
            idempotency_key=f"demo-xh-{number}",
            lines=[{"code": level.product.barcode, "quantity": min(2, level.quantity)}],
            reason=rng.choice(WRITE_OFF_REASONS),
            at=at,
        )
        adjustments.write_off_approve(
            actor=accountant, write_off=row, at=at + dt.timedelta(minutes=20)
        )
        made.write_offs += 1

    return run


def _stocktake(
    rng: random.Random,
    keeper: Any,
    main: ServicePoint,
    accountant: Any,
    at: dt.datetime,
    made: _Made,
) -> Callable[[], None]:
    """The warehouse counts what it holds: one unit missing of one product, one found of
    another; the accountant books the differences."""

    def run() -> None:
        held = list(
            StockLevel.objects.filter(point=main, quantity__gt=1)
            .select_related("product")
            .order_by("product_id")[:MAX_LINES]
        )
        if len(held) < 2:
            return
        short, over = rng.sample(range(len(held)), 2)
        lines = [
            {
                "code": level.product.barcode,
                "counted": level.quantity - (i == short) + (i == over),
            }
            for i, level in enumerate(held)
        ]
        row = adjustments.stocktake_submit(
            actor=keeper,
            point=main,
            idempotency_key="demo-kk-1",
            lines=lines,
            note="Kiểm kê định kỳ kho hàng Bưu điện tỉnh",
            at=at,
        )
        adjustments.stocktake_approve(
            actor=accountant, stocktake=row, at=at + dt.timedelta(minutes=20)
        )
        made.stocktakes += 1

    return run


def _orders(
    rng: random.Random,
    count: int,
    now: dt.datetime,
    first: dt.date,
    outlets: list[Outlet],
    items: list[Item],
    made: _Made,
) -> None:
    """``count`` orders of local products taken by phone at the level I and II offices, sent
    to buyers of the province's other communes; delivered (the COD collected by the delivering
    office pays the order) or, one in ten, back in stock. After the year's sales, from what
    the offices still hold; nothing after ``now``."""
    offices = [o for o in outlets if o.point.kind in MONTHLY]
    local = [item for item in items if item.product.group == ProductGroup.LOCAL]
    days = business_days_in(first, (now - dt.timedelta(days=6)).date())
    communes = list(
        AdminArea.objects.filter(
            province_code=PROVINCE,
            level=AdminAreaLevel.COMMUNE,
            structure=AdminAreaStructure.V2025,
        ).order_by("code")
    )
    if not (count and offices and local and days and communes):
        return
    people = People(rng)
    by_pk = {item.product.pk: item for item in local}
    for number in range(count):
        held: dict[int, list[Item]] = defaultdict(list)  # point -> what it can send
        for point_id, product_id in StockLevel.objects.filter(
            point__in=[o.point for o in offices], product_id__in=list(by_pk), quantity__gte=2
        ).values_list("point_id", "product_id"):
            held[point_id].append(by_pk[product_id])
        holding = [o for o in offices if held.get(o.point.pk)]
        if not holding:
            return
        outlet = rng.choice(holding)
        wanted = held[outlet.point.pk]
        at = _at(rng.choice(days), rng.randint(8 * 60, 16 * 60))
        commune = rng.choice([c for c in communes if c.pk != outlet.point.commune_id])
        picked = rng.sample(wanted, min(len(wanted), rng.choice((1, 1, 2))))
        try:
            order = orders.order_take(
                actor=outlet.clerk,
                point=outlet.point,
                idempotency_key=f"demo-order-{number}",
                lines=[{"code": item.product.barcode, "quantity": 1} for item in picked],
                buyer_name=people.name(),
                buyer_phone=people.phone(),
                buyer_address=people.address(commune),
                buyer_commune=commune,
                weight_g=rng.choice((500, 800, 1_200, 2_000)),
                at=at,
            )
        except DomainError:  # no parcel tariff in force that day
            made.refused += 1
            continue
        made.orders += 1
        _order_journey(rng, outlet, order, at, now, made)


def _order_journey(
    rng: random.Random, outlet: Outlet, order: Any, at: dt.datetime, now: dt.datetime, made: _Made
) -> None:
    """The parcel delivered two days later and its COD collected, or sent back (the goods
    checked in three days after that)."""
    item = order.item
    office = item.delivery_point
    if office is None:
        return
    arrived = at + dt.timedelta(days=2, hours=1)
    if rng.random() < ORDER_BACK:
        event_record(
            actor=None,
            item=item,
            code=EventCode.EMH,
            point=office,
            at=arrived,
            reason=FailureReason.REFUSED,
            action=FailureAction.RETURN,
        )
        back = arrived + dt.timedelta(days=3)
        event_record(
            actor=None,
            item=item,
            code=EventCode.EMI,
            point=outlet.point,
            at=back,
            recipient_name=outlet.point.name,
        )
        checked = back + dt.timedelta(minutes=30)
        if checked < now and checked.time() < dt.time(17, 30):
            orders.order_return(
                actor=outlet.clerk, order=order, idempotency_key=f"{order.pk}-back", at=checked
            )
            made.orders_back += 1
        return
    event_record(
        actor=None,
        item=item,
        code=EventCode.EMI,
        point=office,
        at=arrived,
        recipient_name=order.buyer_name,
    )
    cod_collected_post(
        actor=None,
        item=item,
        point=office,
        amount=item.cod_amount,
        day=arrived.astimezone(VIETNAM).date(),
    )
    made.orders_paid += 1
