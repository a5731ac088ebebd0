"""The label and the receipt, read back with poppler's pdftotext and pdfinfo."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.test import RequestFactory
from django.utils import timezone

from buudien.mail.acceptance.labels import label_pdf, receipt_pdf, tracking_url
from buudien.mail.tests.factories import ItemFactory, tariffs_for_all_services

pytestmark = pytest.mark.django_db

MM = 72 / 25.4


def _text(pdf: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return out.stdout.decode()


def _size(pdf: bytes) -> tuple[float, float]:
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    info = out.stdout.decode()
    width, height = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups()
    assert re.search(r"^Pages:\s+1$", info, re.M)
    return float(width), float(height)


@pytest.fixture
def item(clerk_a, world):
    tariffs_for_all_services()
    return ItemFactory(
        actor=clerk_a,
        point=world.point_a,
        recipient_commune=world.commune_b,
        service="parcel",
        weight_g=1_250,
        cod_amount=350_000,
        addons=["ar"],
    )


@pytest.mark.parametrize(("size", "mm"), [("100x150", (100, 150)), ("a6", (105, 148))])
def test_the_label_has_the_size_asked_for(item, size, mm):
    width, height = _size(label_pdf(item, size=size))
    assert width == pytest.approx(mm[0] * MM, abs=0.01)
    assert height == pytest.approx(mm[1] * MM, abs=0.01)


def test_the_label_speaks_vietnamese_with_the_s10_and_cod(item):
    text = _text(label_pdf(item))
    for expected in [
        item.s10,
        "Bưu điện tỉnh Lạng Sơn",
        "Bưu kiện",  # the service, in Vietnamese whatever the page's language
        "Nguyễn Văn An",
        "Hoàng Thị Bình",
        "Thôn Pò Mỏ",
        "Xã Chi Lăng",
        "350.000 ₫",
        "1.250 g",
        f"/tracking/{item.s10}",
    ]:
        assert expected in text, expected
    assert "KT1" not in text


def test_the_label_of_a_kt1_item_shows_its_grade(kt1_operator, world):
    tariffs_for_all_services()
    item = ItemFactory(
        actor=kt1_operator,
        point=world.point_a,
        recipient_commune=world.commune_b,
        service="kt1",
        kt1_grade="A",
        kt1_urgency="hoa_toc",
    )
    text = _text(label_pdf(item, size="a6"))
    assert "KT1" in text and " A" in text and item.s10 in text


def test_the_qr_and_the_text_hold_the_absolute_tracking_url_with_a_request(item):
    request = RequestFactory().get("/")
    assert tracking_url(item, request) == f"http://testserver/tracking/{item.s10}"
    assert f"http://testserver/tracking/{item.s10}" in _text(label_pdf(item, request=request))


def test_the_receipt_breaks_down_the_price_with_vat_and_words(item):
    pdf = receipt_pdf(item)
    width, height = _size(pdf)
    assert (round(width / MM), round(height / MM)) == (105, 148)
    text = _text(pdf)
    # Parcel 1,250 g within the province: 49,000; AR 5,000 + COD fee 12,000; VAT 8 %.
    assert (item.price_base, item.price_addons, item.price_vat, item.price_total) == (
        49_000,
        17_000,
        5_280,
        71_280,
    )
    for expected in [
        item.s10,
        "Bưu điện tỉnh Lạng Sơn",
        "49.000 ₫",
        "Báo phát (AR)",
        "5.000 ₫",
        "Thu hộ (COD)",
        "12.000 ₫",
        "66.000 ₫",
        "5.280 ₫",
        "71.280 ₫",
        "8%",
        "Bảy mươi mốt nghìn hai trăm tám mươi đồng",
        timezone.localtime(item.accepted_at).strftime("%d/%m/%Y"),
        "240001",
        "Bưu cục Đồng Đăng",
        str(item.accepted_by),
    ]:
        assert expected in text, expected


def test_the_receipt_shows_the_local_date_and_time(item):
    from buudien.core.bizdays import VIETNAM

    when = item.accepted_at.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
    assert when in _text(receipt_pdf(item))


def test_an_unknown_label_size_is_refused(item):
    with pytest.raises(ValueError):
        label_pdf(item, size="a4")
