"""The insurance pages through the Django test client: the issue form (product first, the
fields of its kind, every error at once), the policy's page and its cancellation, the
certificate, the search without diacritics, the policies to renew, the statement."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from openpyxl import load_workbook

from buudien.core.bizdays import local_today
from buudien.insurance.choices import PolicyStatus
from buudien.insurance.models import Policy
from buudien.insurance.tests.conftest import CAR, HEALTH, MOTORBIKE, issue

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_the_form_asks_for_the_product_first_with_autofocus(
    client_as: Any, clerk_a: Any, products: Any
) -> None:
    html = client_as(clerk_a).get("/insurance/issue/").content.decode()
    assert re.search(r'<select name="product"[^>]*autofocus', html)
    assert html.index('name="product"') < html.index('name="insured_name"')
    assert 'name="plate"' not in html  # no product chosen yet


def test_the_fields_follow_the_product(client_as: Any, clerk_a: Any, products: Any) -> None:
    client = client_as(clerk_a)
    bike = client.get(f"/insurance/issue/product/?product={MOTORBIKE}").content.decode()
    assert 'name="plate"' in bike and 'name="premium"' not in bike
    assert "66.000" in bike
    car = client.get(f"/insurance/issue/product/?product={CAR}").content.decode()
    assert 'name="plate"' in car and 'name="premium"' in car
    health = client.get(f"/insurance/issue/product/?product={HEALTH}").content.decode()
    assert 'name="plate"' not in health and 'name="premium"' in health


def test_a_policy_issued_from_the_page(client_as: Any, clerk_a: Any, products: Any) -> None:
    client = client_as(clerk_a)
    token = "tok-1"
    answer = client.post(
        "/insurance/issue/",
        {
            "token": token,
            "product": MOTORBIKE,
            "plate": "12b1 23456",
            "insured_name": "Hoàng Văn Thụ",
            "phone": "0912 345 678",
            "premium": "1.000",  # ignored: the premium is fixed
        },
    )
    policy = Policy.objects.get()
    assert answer.status_code == 302 and answer.url == f"/insurance/policies/{policy.reference}/"
    assert (policy.premium, policy.plate, policy.phone) == (66_000, "12-B1 234.56", "0912345678")
    page = client.get(answer.url).content.decode()
    assert "Sáu mươi sáu nghìn đồng" in page
    assert 'data-testid="cancel-form"' in page
    pdf = client.get(f"/insurance/policies/{policy.reference}/certificate.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_every_error_shows_at_once_and_nothing_is_issued(
    client_as: Any, clerk_a: Any, products: Any
) -> None:
    answer = client_as(clerk_a).post(
        "/insurance/issue/",
        {"token": "t", "product": HEALTH, "insured_name": "", "phone": "1", "premium": ""},
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    for field in ("insured_name", "citizen_id", "phone", "premium"):
        assert f'data-testid="error-{field}"' in html
    assert not Policy.objects.exists()


def test_a_policy_is_cancelled_from_its_page(client_as: Any, clerk_a: Any, products: Any) -> None:
    policy = issue(clerk_a, clerk_a.point, at=None)
    client = client_as(clerk_a)
    answer = client.post(f"/insurance/policies/{policy.reference}/cancel/", {"reason": "Nhầm"})
    assert answer.status_code == 302
    assert Policy.objects.get().status == PolicyStatus.CANCELLED
    page = client.get(answer.url).content.decode()
    assert 'data-testid="cancel-form"' not in page and "CANCELLED" in page


def test_a_policy_of_another_day_has_no_cancel_form(
    client_as: Any, clerk_a: Any, products: Any
) -> None:
    policy = issue(clerk_a, clerk_a.point)  # on 02/11/2026
    page = client_as(clerk_a).get(f"/insurance/policies/{policy.reference}/").content.decode()
    assert 'data-testid="cancel-form"' not in page
    refused = client_as(clerk_a).post(f"/insurance/policies/{policy.reference}/cancel/", {})
    assert refused.status_code == 200 and "business day it was issued" in refused.content.decode()
    assert Policy.objects.get().status == PolicyStatus.ISSUED


def test_the_search_ignores_diacritics_and_answers_htmx_with_rows(
    client_as: Any, clerk_a: Any, clerk_b: Any, products: Any, django_assert_max_num_queries: Any
) -> None:
    issue(clerk_a, clerk_a.point, insured_name="Đặng Thị Huệ")
    issue(clerk_a, clerk_a.point, key="p2", insured_name="Lý Văn Minh")
    issue(clerk_b, clerk_b.point, key="p3", insured_name="Đặng Văn Lâm")
    client = client_as(clerk_a)
    with django_assert_max_num_queries(8):
        rows = client.get("/insurance/?q=dang thi", HTTP_HX_REQUEST="true").content.decode()
    assert rows.startswith('<tbody id="policy-rows">')
    assert "Đặng Thị Huệ" in rows and "Lý Văn Minh" not in rows
    assert "Đặng Văn Lâm" not in client.get("/insurance/?q=dang").content.decode()  # point B


def test_another_points_policy_is_not_found(
    client_as: Any, clerk_a: Any, clerk_b: Any, products: Any
) -> None:
    policy = issue(clerk_a, clerk_a.point)
    client = client_as(clerk_b)
    assert client.get(f"/insurance/policies/{policy.reference}/").status_code == 404
    assert client.post(f"/insurance/policies/{policy.reference}/cancel/", {}).status_code == 404


def test_the_auditor_reads_but_does_not_issue(
    client_as: Any, clerk_a: Any, auditor: Any, products: Any
) -> None:
    policy = issue(clerk_a, clerk_a.point)
    client = client_as(auditor)
    assert policy.policy_number in client.get("/insurance/").content.decode()
    page = client.get(f"/insurance/policies/{policy.reference}/").content.decode()
    assert 'data-testid="cancel-form"' not in page
    assert client.get("/insurance/issue/").status_code == 403


def test_the_policies_to_renew_are_those_ending_in_thirty_days_at_the_point(
    client_as: Any, clerk_a: Any, clerk_b: Any, products: Any
) -> None:
    today = local_today()
    soon = issue(clerk_a, clerk_a.point, at=None, insured_name="Sắp Hết Hạn")
    Policy.objects.filter(pk=soon.pk).update(ends_on=today + dt.timedelta(days=10))
    later = issue(clerk_a, clerk_a.point, key="p2", at=None, insured_name="Còn Lâu")
    other = issue(clerk_b, clerk_b.point, key="p3", at=None, insured_name="Điểm Khác")
    Policy.objects.filter(pk=other.pk).update(ends_on=today + dt.timedelta(days=5))
    html = client_as(clerk_a).get("/insurance/expiring/").content.decode()
    assert "Sắp Hết Hạn" in html
    assert later.insured_name not in html and "Điểm Khác" not in html


def test_the_statement_page_and_its_workbook_equal_the_rows(
    client_as: Any, clerk_a: Any, accountant: Any, products: Any
) -> None:
    issue(clerk_a, clerk_a.point, insured_name="=1+1")
    issue(
        clerk_a,
        clerk_a.point,
        key="p2",
        product=HEALTH,
        premium=1_000_000,
        plate="",
        citizen_id="020190001234",
    )
    client = client_as(accountant)
    html = client.get("/insurance/statement/?insurer=pti&month=2026-11").content.decode()
    assert html.count('data-testid="statement-row"') == 2
    assert "802.800" in html  # 66.000 + 1.000.000 less 13.200 + 250.000
    book = client.get("/insurance/statement.xlsx?insurer=pti&month=2026-11")
    sheet = load_workbook(io.BytesIO(book.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][5:] == (1_066_000, 263_200, 802_800)
    assert rows[2][4] == "=1+1" and sheet.cell(3, 5).data_type == "s"
    assert client.get("/insurance/statement/?insurer=pti&month=13-2026").status_code == 200
    assert client_as(clerk_a).get("/insurance/statement/").status_code == 403


def test_insurance_is_among_the_financial_services(
    client_as: Any, clerk_a: Any, accountant: Any, products: Any
) -> None:
    page = client_as(clerk_a).get("/insurance/").content.decode()
    assert 'href="/insurance/issue/"' in page
    assert '<a href="/insurance/" class="active" aria-current="page">' in page
    assert 'href="/insurance/"' in client_as(accountant).get("/agency/").content.decode()
