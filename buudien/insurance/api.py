"""/api/insurance/: the products on sale, policies issued and cancelled, the policies list,
an insurer's monthly statement and the figures of a year.

Issuing needs an ``Idempotency-Key`` header: a retry under the same key returns the policy
already issued (and posts nothing twice). A clerk acts at their own point; an administrator
names the point (``point``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from buudien.counter.api import counter_arguments
from buudien.counter.schemas import CancelIn, CancelRequestOut
from buudien.insurance import selectors, services
from buudien.insurance.figures import year_summary
from buudien.insurance.models import Policy
from buudien.insurance.schemas import (
    FiguresOut,
    PolicyIn,
    PolicyOut,
    ProductOut,
    StatementOut,
)

router = Router(tags=["insurance"])


def _policy(policy: Policy) -> dict[str, Any]:
    return {
        "reference": policy.reference,
        "policy_number": policy.policy_number,
        "status": policy.status,
        "point": policy.point.code,
        "business_date": policy.business_date,
        "product": policy.product.code,
        "insurer": policy.insurer.code,
        "kind": policy.kind,
        "insured_name": policy.insured_name,
        "phone": policy.phone,
        "plate": policy.plate,
        "starts_on": policy.starts_on,
        "ends_on": policy.ends_on,
        "premium": policy.premium,
        "commission": policy.commission,
        "owed": policy.owed,
        "entry_id": policy.entry_id,
        "cancel_entry_id": policy.cancel_entry_id,
    }


@router.get("/products", response=list[ProductOut], summary="The products on sale")
def products(request: HttpRequest) -> Any:
    selectors.require_reader(request.user)
    return [
        {
            "code": p.code,
            "name": p.name,
            "insurer": p.insurer.code,
            "insurer_name": p.insurer.name,
            "kind": p.kind,
            "term_months": p.term_months,
            "premium": p.premium or None,
            "premium_min": p.premium_min,
            "premium_max": p.premium_max or None,
            "commission_bp": p.commission_bp,
            "plate_required": p.plate_required,
        }
        for p in selectors.products_for(province_code=selectors.province_of(request.user))
    ]


@router.post("/policies", response={201: PolicyOut}, summary="Issue a policy at the counter")
def policy_issue(request: HttpRequest, payload: PolicyIn) -> Any:
    """The premium is taken in cash: owed to the insurer, less the post's commission. The
    same Idempotency-Key and body return the policy already issued."""
    policy = services.policy_issue(**counter_arguments(request, payload, scoped=True))
    return Status(201, _policy(policy))


@router.get("/policies", response=list[PolicyOut], summary="Policies, the newest first")
def policy_list(
    request: HttpRequest,
    q: str = "",
    status: str = "",
    insurer: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> Any:
    """``q``: a policy number, a reference, a plate, a phone, or part of the insured's name
    (diacritics optional). At most 200."""
    rows = selectors.policy_list(
        user=request.user,
        q=q,
        status=status,
        insurer=insurer,
        date_from=date_from,
        date_to=date_to,
    )
    return [_policy(row) for row in rows]


@router.get("/policies/{number}", response=PolicyOut, summary="A policy")
def policy_get(request: HttpRequest, number: str) -> Any:
    """By its reference or its policy number."""
    return _policy(selectors.policy_get(user=request.user, number=number))


@router.post(
    "/policies/{number}/cancel",
    response={200: PolicyOut, 202: CancelRequestOut},
    summary="Cancel a policy, for a reason",
)
def policy_cancel(request: HttpRequest, number: str, payload: CancelIn) -> Any:
    """The business day it was issued only, at its point: the entry is reversed. The reason
    is required; above the amount a clerk cancels alone the cancellation is asked (202, the
    request) and done when a director or an accountant approves it
    (/api/counter/cancellations)."""
    policy = selectors.policy_get(user=request.user, number=number)
    result = services.policy_cancel(actor=request.user, policy=policy, reason=payload.reason)
    if result.request is not None:
        return Status(202, result.request)
    return _policy(result.record)


@router.get("/statement", response=StatementOut, summary="An insurer's monthly statement")
def statement(request: HttpRequest, insurer: str, year: int, month: int) -> Any:
    """The policies issued in the month and not cancelled: the premiums, the commission, and
    what the post owes the insurer (paid by the accountants' settlement entry)."""
    report = selectors.statement(user=request.user, insurer=insurer, year=year, month=month)
    return {
        "insurer": report.insurer.code,
        "insurer_name": report.insurer.name,
        "year": report.year,
        "month": report.month,
        "policies": report.policies,
        "premium": report.premium,
        "commission": report.commission,
        "owed": report.owed,
        "lines": [
            {
                "business_date": row.business_date,
                "point": row.point.code,
                "policy_number": row.policy_number,
                "reference": row.reference,
                "product": row.product.code,
                "insured_name": row.insured_name,
                "premium": row.premium,
                "commission": row.commission,
                "owed": row.owed,
            }
            for row in report.rows
        ],
    }


@router.get("/figures", response=FiguresOut, summary="Policies, premiums and commission of a year")
def figures_of_year(request: HttpRequest, year: int, unit: str | None = None) -> Any:
    """For a unit of your scope (the province, or your own unit, when ``unit`` is left out):
    in total against last year, per insurer, product kind, month, child unit and point, and
    at the BĐVHX; net of the policies cancelled."""
    selectors.require_reader(request.user)
    return year_summary(
        user=request.user,
        province_code=selectors.province_of(request.user),
        year=year,
        unit_code=(unit or "").strip()[:32] or None,
    )
