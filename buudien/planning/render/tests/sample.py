"""A hand-made year report, in the shape of ``selectors.year_report``, with nulls in it."""

from __future__ import annotations

from typing import Any

B = 10**9


def figure(actual: Any, plan: Any, plan_pct: Any, previous: Any, growth: Any) -> dict[str, Any]:
    return {
        "actual": actual,
        "plan": plan,
        "plan_pct": plan_pct,
        "previous": previous,
        "growth_pct": growth,
    }


def service(
    code: str, line: str, actual: Any, previous: Any, growth: Any, **volumes: Any
) -> dict[str, Any]:
    return {
        "code": code,
        "name": code,
        "line": line,
        "actual": actual,
        "plan": None,
        "plan_pct": None,
        "previous": previous,
        "growth_pct": growth,
        "volume": volumes.get("volume"),
        "volume_previous": volumes.get("volume_previous"),
        "volume_growth_pct": volumes.get("volume_growth_pct"),
        "volume_plan": None,
        "volume_plan_pct": None,
    }


def sample_report() -> dict[str, Any]:
    return {
        "schema": 1,
        "province": {"code": "20", "name": "Bưu điện tỉnh Lạng Sơn"},
        "unit": {"code": "BDT20", "name": "Bưu điện tỉnh Lạng Sơn", "kind": "province"},
        "year": 2023,
        "period": {"from": "2023-01-01", "to": "2023-12-31"},
        "previous_period": {"from": "2022-01-01", "to": "2022-12-31"},
        "currency": "VND",
        "revenue": figure(138_215_000_000, 136_580_000_000, 101.2, 131_256_000_000, 5.3),
        "lines": [
            {
                "code": "postal",
                "name": "Bưu chính chuyển phát",
                **figure(31_400_000_000, 31_000_000_000, 101.3, 29_100_000_000, 7.9),
            },
            {
                "code": "finance",
                "name": "Tài chính bưu chính",
                **figure(52_815_000_000, 51_000_000_000, 103.6, 46_000_000_000, 14.8),
            },
            {
                "code": "distribution",
                "name": "Phân phối truyền thông",
                **figure(50_000_000_000, 50_580_000_000, 98.9, 52_156_000_000, -4.1),
            },
            {
                "code": "public_admin",
                "name": "Hành chính công",
                **figure(4_000_000_000, 4_000_000_000, 100.0, 4_000_000_000, 0.0),
            },
            {"code": "other", "name": "Khác", **figure(None, None, None, None, None)},
        ],
        "services": [
            service(
                "registered",
                "postal",
                8_500_000_000,
                7_502_000_000,
                13.3,
                volume=310_000,
                volume_previous=280_000,
                volume_growth_pct=10.7,
            ),
            service("ordinary", "postal", 2_000_000_000, 2_100_000_000, -4.8),
            service("savings", "finance", 6_950_000_000, 4_501_000_000, 54.4),
            service("credit", "finance", 3_790_000_000, 3_001_000_000, 26.3),
            service("consumer_goods", "distribution", 12_420_000_000, 10_000_000_000, 24.2),
            service(
                "pension",
                "finance",
                9_000_000_000,
                None,
                None,
                volume=480_000,
                volume_previous=None,
                volume_growth_pct=None,
            ),
            service("other", "other", None, None, None),
        ],
        "budget_contribution": figure(5_800_000_000, 5_700_000_000, 101.8, 5_600_000_000, 3.6),
        "expenses": {"actual": 128_700_000_000, "previous": None, "growth_pct": None},
        "surplus": figure(9_515_000_000, None, None, None, None),
        "network": {
            "as_of": "2023-12-31",
            "points_by_kind": {
                "bc1": 1,
                "bc2": 10,
                "bc3": 14,
                "bdvhx": 180,
                "agent": 15,
                "kiosk": 5,
                "centre": 0,
            },
            "points_total": 225,
            "bdvhx_multi_service": 60,
            "cashless_points": 93,
            "communes_total": 194,
            "communes_covered": 194,
            "coverage_pct": 100.0,
        },
        "payment_accounts_opened": 2615,
        "pensions_paid": 480_000,
        "items_by_service": {
            "registered": 310_000,
            "ordinary": None,
            "parcel": None,
            "ems": None,
            "kt1": 5_200,
            "admin_delivery": None,
        },
        "monthly": [
            {
                "month": m,
                "actual": 11_000_000_000 + m * 50_000_000,
                "previous": None if m == 12 else 10_500_000_000 + m * 40_000_000,
            }
            for m in range(1, 13)
        ],
        "per_unit": [
            {
                "code": "LS01",
                "name": "Bưu điện thành phố Lạng Sơn",
                "kind": "district",
                **figure(40_000_000_000, 39_000_000_000, 102.6, 38_000_000_000, 5.3),
            },
            {
                "code": "LS02",
                "name": "Bưu điện huyện Chi Lăng",
                "kind": "district",
                **figure(None, 10_000_000_000, None, None, None),
            },
        ],
        "next_year_plan": {
            "year": 2024,
            "revenue": 133_643_000_000,
            "surplus": 9_639_000_000,
            "budget_contribution": None,
            "uplift_pct": 2.0,
        },
    }
