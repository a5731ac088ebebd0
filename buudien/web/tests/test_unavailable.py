"""The database out of reach answers 503 in the user's language (JSON under /api/, a plain
page elsewhere), quickly and with Retry-After; any other failure a 500 of the same kind."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


def _down(*args, **kwargs):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')


def _broken(*args, **kwargs):
    raise RuntimeError("a bug")


@pytest.fixture
def browser(director):
    client = Client(raise_request_exception=False)
    client.force_login(director, backend="django.contrib.auth.backends.ModelBackend")
    return client


def test_the_api_answers_503_when_the_database_is_down(browser, monkeypatch):
    monkeypatch.setattr("buudien.network.selectors.point_list", _down)

    answer = browser.get("/api/network/points")

    assert answer.status_code == 503 and answer["Retry-After"] == "5"
    assert answer.json() == {
        "detail": "Không kết nối được cơ sở dữ liệu lúc này: vui lòng thử lại sau giây lát."
    }


def test_a_page_answers_503_in_vietnamese_when_the_database_is_down(browser, monkeypatch):
    monkeypatch.setattr("buudien.network.selectors.point_list", _down)

    page = browser.get("/")

    assert page.status_code == 503 and page["Content-Type"].startswith("text/html")
    assert "thử lại sau giây lát" in page.content.decode()
    assert "Traceback" not in page.content.decode()


def test_any_other_failure_is_a_500_of_the_same_kind(browser, monkeypatch):
    monkeypatch.setattr("buudien.network.selectors.point_list", _broken)

    answer = browser.get("/api/network/points")

    assert answer.status_code == 500 and "Retry-After" not in answer
    assert answer.json()["detail"].startswith("Máy chủ gặp lỗi")
