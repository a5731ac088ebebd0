"""The words of administrative dossiers (hành chính công, Decision 45/2016/QĐ-TTg)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AgencyKind(models.TextChoices):
    CENTRE = "centre", _("Public administration centre")
    DEPARTMENT = "department", _("Provincial department")
    DISTRICT = "district", _("District-level agency")
    COMMUNE = "commune", _("Commune People's Committee")
    OTHER = "other", pgettext_lazy("agency kind", "Other")


class Mode(models.TextChoices):
    """What the post does for the dossier (Decision 45/2016, art. 5)."""

    RECEIVE = "receive", _("Receive the dossier and send it on")
    RETURN = "return", _("Return the result")
    BOTH = "both", _("Receive the dossier and return the result")

    @classmethod
    def returns(cls) -> frozenset[str]:
        return frozenset({cls.RETURN.value, cls.BOTH.value})


class ReturnBy(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    ADDRESS = "address", _("To the applicant's address")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received at the post")
    HANDED_OVER = "handed_over", _("Handed over to the agency")
    RESULT_BACK = "result_back", _("Result back at the post")
    POSTED = "posted", _("Result on its way to the applicant's address")
    RETURNED = "returned", _("Result returned to the applicant")
    CLOSED = "closed", _("Sent on: the agency returns the result")

    @classmethod
    def open(cls) -> frozenset[str]:
        """Still with the post or the agency: counted on the deadline lists."""
        return frozenset(
            {cls.RECEIVED.value, cls.HANDED_OVER.value, cls.RESULT_BACK.value, cls.POSTED.value}
        )


class StepKind(models.TextChoices):
    RECEIVED = "received", _("Received at the post")
    HANDED_OVER = "handed_over", _("Handed over to the agency")
    CONFIRMED = "confirmed", _("Hand-over confirmed by the agency")
    RESULT_BACK = "result_back", _("Result received from the agency")
    LATE = "late", _("The agency is late")
    POSTED = "posted", _("Result posted to the applicant's address")
    RETURNED = "returned", _("Result returned to the applicant")
    DELIVERED = "delivered", _("Result delivered to the applicant's address")
    UNDELIVERED = "undelivered", _("Not delivered: the result waits at the counter")
    # Pushed by the agency's one-stop system (``AgencyStatus``).
    AGENCY_ACCEPTED = "agency_accepted", _("Accepted by the agency")
    AGENCY_MORE = "agency_more", _("The agency asks for more documents")
    AGENCY_PROCESSING = "agency_processing", _("Being processed by the agency")
    AGENCY_READY = "agency_ready", _("The agency's result is ready")


class AgencyStatus(models.TextChoices):
    """What an agency's system may say of a dossier handed to it."""

    ACCEPTED = "accepted", pgettext_lazy("agency status", "Accepted")
    MORE = "more_documents", pgettext_lazy("agency status", "More documents needed")
    PROCESSING = "processing", pgettext_lazy("agency status", "Being processed")
    READY = "result_ready", pgettext_lazy("agency status", "Result ready")

    def step(self) -> str:
        return {
            AgencyStatus.ACCEPTED: StepKind.AGENCY_ACCEPTED,
            AgencyStatus.MORE: StepKind.AGENCY_MORE,
            AgencyStatus.PROCESSING: StepKind.AGENCY_PROCESSING,
            AgencyStatus.READY: StepKind.AGENCY_READY,
        }[self]


class Direction(models.TextChoices):
    TO_AGENCY = "to_agency", _("Dossiers to the agency")
    FROM_AGENCY = "from_agency", _("Results from the agency")
