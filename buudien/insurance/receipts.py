"""The policy's certificate and receipt as the customer takes it, on the result page and on
the A6 PDF alike (``counter.receipts``): the insurer, the product, the policy number, the
insured, the vehicle, the period of cover, the premium in figures and in words."""

from __future__ import annotations

from django.utils.translation import gettext as _

from buudien.counter.receipts import Receipt, receipt_pdf
from buudien.insurance.choices import PolicyStatus
from buudien.insurance.models import Policy


def _masked(citizen_id: str) -> str:
    """A citizen ID on paper: its last four digits only."""
    return f"••••••••{citizen_id[-4:]}" if citizen_id else ""


def certificate(policy: Policy) -> Receipt:
    lines = [
        (_("Insurer"), policy.insurer.name),
        (_("Insurance product"), policy.product.name),
        (_("Policy number"), policy.policy_number),
        (_("Insured"), policy.insured_name),
    ]
    if policy.citizen_id:
        lines.append((_("Citizen ID"), _masked(policy.citizen_id)))
    if policy.plate:
        lines.append((_("Vehicle plate"), policy.plate))
    lines.append(
        (
            _("Period of cover"),
            _("from %(start)s to %(end)s")
            % {"start": f"{policy.starts_on:%d/%m/%Y}", "end": f"{policy.ends_on:%d/%m/%Y}"},
        )
    )
    notes = [
        _("The post office sells this policy as the agent of %(insurer)s.")
        % {"insurer": policy.insurer.name}
    ]
    if policy.status == PolicyStatus.CANCELLED:
        notes.insert(0, _("CANCELLED: this policy is void."))
    return Receipt.of(
        policy,
        title=_("Insurance certificate and premium receipt"),
        lines=lines,
        total=policy.premium,
        total_label=_("Premium (VAT included)"),
        notes=notes,
        signatures=[_("Policyholder"), _("Clerk")],
    )


def certificate_pdf(policy: Policy) -> bytes:
    return receipt_pdf(lambda: certificate(policy))
